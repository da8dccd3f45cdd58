//! # converse
//!
//! The chatbot's dialogue engine. A business user describes a bot in one
//! YAML flow file (greeting, answers to small talk, slots with their
//! questions, flows that intents start, when to hand over to a manager) and
//! Rasa NLU files beside it; `Bot` reads a customer's message with the
//! `nlu` crate, fills slots, asks what is missing, and says what to send,
//! which CRM actions to execute and when a manager should take over.
//!
//! # What it is for
//!
//! Channels (Telegram, a web widget) and `app` call `Bot::turn` with each
//! message and the customer's `Conversation`, then deliver the outputs.
//!
//! # What it must not know
//!
//! Stores, HTTP, channels, the CRM: it executes no action and keeps no
//! state between calls. The caller persists the `Conversation` (it is serde
//! JSON) after every turn, executes `Output::Action`s, and routes
//! `Output::Handoff` packets to managers.
//!
//! # Example
//!
//! ```
//! use converse::{Bot, Conversation, Output};
//!
//! let nlu = nlu::TrainingData::parse("bot.nlu.yml", r#"
//! nlu:
//! - intent: greet
//!   examples: |
//!     - привет
//!     - здравствуйте
//!     - добрый день
//! - intent: order
//!   examples: |
//!     - хочу заказать
//!     - оформите заказ
//!     - можно заказать?
//! "#)?;
//! let model = nlu::NluModel::train(&nlu, &nlu::Options::default())?;
//! let bot = Bot::from_parts(r#"
//! bot: demo
//! answers: {greet: "Здравствуйте!"}
//! slots:
//!   phone: {question: "Ваш телефон?", type: phone}
//! flows:
//!   - name: order
//!     when: [order]
//!     steps:
//!       - ask: phone
//!       - action: place_order
//!         with: {phone: "{{ phone }}"}
//! "#, "demo.yml", model)?;
//!
//! let now = chrono::Utc::now();
//! let mut conversation = Conversation::new();
//! let turn = bot.turn(&mut conversation, "хочу заказать", now);
//! assert_eq!(turn.said(), ["Ваш телефон?"]);
//! let turn = bot.turn(&mut conversation, "8 912 345-67-89", now);
//! assert_eq!(turn.actions()[0].1["phone"], "+79123456789");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bot;
mod check;
mod conversation;
mod dialogue;
mod error;
mod examples;
mod flow;
mod handoff;
mod output;
mod slots;
mod steps;
mod template;

pub use bot::{Bot, cited};
pub use conversation::{Conversation, Counters, HandoffRecord, Line, Speaker};
pub use error::{Error, Issue, Result};
pub use examples::{EXAMPLES, example_bots};
pub use flow::{ActionKind, Flow, SlotType};
pub use output::{Output, Packet, Turn};
