//! # pii
//!
//! Finds personal data in free Russian and English CRM text (chat messages,
//! call notes, managers' comments, e-mail signatures) and redacts it:
//! people's names in any grammatical case, phones, e-mail addresses, and the
//! Russian identifiers ИНН, СНИЛС, passport, ОГРН, bank accounts and payment
//! cards, each checked by its check digits where it has them.
//!
//! ```
//! let text = "Перезвоните Ивановой Марии: +7 (916) 123-45-67";
//! let entities = pii::detect(text);
//! assert_eq!(pii::redact(text, &entities), "Перезвоните [PERSON]: [PHONE]");
//! ```
//!
//! # How it decides
//!
//! Numbers are scored by format, check digits and the nearest cue word
//! before them («ИНН», «тел.», «заказ №»); names by the `lexicon` name lists
//! after undoing Russian declension, by their neighbours (a first name next
//! to a surname, initials) and by what surrounds them (a sentence start, «ул.»,
//! «г.», quotes after «ООО»). There is no statistical model: every decision
//! can be traced to a rule, and a test names it.
//!
//! # Conventions
//!
//! Offsets count Unicode characters, end exclusive. A person's span is the
//! whole name without titles or honorifics, with the full stops of initials.
//! A phone's span stops before its extension («доб. 123»), which alone
//! identifies no one. «серия 4509 номер
//! 123456» is one passport from the first digit of the series to the last of
//! the number. Entities never overlap.
//!
//! # What it must not know
//!
//! Files, stores, HTTP, records: it takes a string and returns spans. It
//! keeps no state between calls besides the word lists loaded on first use.

mod detector;
mod email;
mod entity;
mod numbers;
mod person;
mod redact;

pub use detector::{Detector, detect};
pub use entity::{Entity, PiiKind};
pub use redact::redact;
