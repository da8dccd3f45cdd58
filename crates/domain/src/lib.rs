//! # domain
//!
//! The CRM's entities (contacts, companies, deals, activities, products, orders,
//! events, users, pipelines, stages), the schema that describes each of their
//! fields, and the typed values those fields hold.
//!
//! Values with rules are parsed once, at the edge, and typed after it: a
//! [`Phone`] is always E.164, an [`Email`] is always well-formed and
//! lower-cased in its domain, [`Money`] is minor units plus an ISO currency, and
//! every timestamp is UTC. Raw input (an import cell, an HTTP body) becomes a
//! [`Draft`] through [`EntityKind::parse_draft`], which reports every bad field by
//! name instead of stopping at the first.
//!
//! This crate does no IO, knows nothing of SQL or HTTP, and has no async.
//!
//! ```
//! use domain::{EntityKind, ParseContext};
//! let raw = serde_json::json!({"first_name": "Иван", "phones": ["8 (916) 123-45-67"]});
//! let draft = EntityKind::Contact.parse_draft(raw.as_object().unwrap(), &ParseContext::default()).unwrap();
//! assert_eq!(draft.fields["phones"].as_ref().unwrap().to_json(), serde_json::json!(["+79161234567"]));
//! ```

mod email;
mod error;
mod ids;
mod legal;
mod money;
mod phone;
mod record;
mod role;
mod schema;
mod time;

pub use email::Email;
pub use error::{FieldError, ValueError};
pub use ids::Id;
pub use legal::{Inn, Ogrn};
pub use money::{Currency, Money};
pub use phone::Phone;
pub use record::{Draft, ParseContext, Record, SourceRef, Value, fold_for_search, parse_value};
pub use role::Role;
pub use schema::{ALL_KINDS, EntityKind, FieldDef, FieldType, PiiCategory};
pub use time::{parse_date, parse_timestamp};
