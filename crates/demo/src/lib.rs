//! # demo
//!
//! A believable Russian small-business CRM, generated deterministically from
//! a seed: an online shop of sneakers and electronics with a B2B side
//! (wholesale and freight), a few thousand contacts (some English-speaking),
//! their deals, activities, orders and behavioural events.
//!
//! # What it is for
//!
//! Demos, and ground truth for later work. The data holds things that are
//! really there to be found:
//!
//! - about 6% of contacts are duplicates: `source_system` `amocrm` or `site`
//!   copies of a `bitrix24` contact, sharing its phone (written another way)
//!   or its e-mail (in another case), often with a typo or `ё`/`е` in the
//!   surname, a diminutive, or another spelling of the city;
//! - one city under many spellings (`Москва`, `г. Москва`, `МСК`, `Moscow`);
//! - three products recorded twice under two SKUs (`SN-1001`, `SN1001-A`);
//! - deal outcomes drawn from a documented model ([`OUTCOME_MODEL`]) of
//!   source, first-reply speed, touches and the client's tone;
//! - about 3% of requests never answered, left open at `Новая заявка`;
//! - window shoppers who view the same sneakers three or more times and
//!   never buy them.
//!
//! # How it is made
//!
//! Every record is written as raw JSON (messy phones, Russian enum names,
//! amounts such as `12 990 ₽`) and goes through
//! [`domain::EntityKind::parse_draft`] and [`domain::Record::create`], the
//! same edge every import uses. Ids are seeded UUID v7s, so the same
//! [`DemoConfig`] always yields the same records.
//!
//! # What it does not do
//!
//! It stores nothing and does no IO; the caller writes the records.
//!
//! # Example
//!
//! ```
//! let config = demo::DemoConfig { contacts: 200, ..demo::DemoConfig::default() };
//! let data = demo::generate(&config);
//! assert_eq!(data.contacts.len(), 200);
//! assert!(data.records().count() > data.contacts.len());
//! ```

mod dataset;
mod outcome;

mod activities;
mod catalogue;
mod chance;
mod companies;
mod contacts;
mod deals;
mod events;
mod factory;
mod messages;
mod names;
mod orders;
mod phones;
mod places;
mod staff;
mod timeline;
mod touches;

pub use dataset::{DemoConfig, DemoData, generate};
pub use outcome::{DealSignals, OUTCOME_MODEL, OutcomeModel};
