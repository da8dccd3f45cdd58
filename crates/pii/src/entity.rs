//! What a detection is: a kind of personal data and where it sits in the text.
//! No detection logic lives here.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kinds of personal data the detector knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PiiKind {
    /// A person's name: full, partial, with initials, in any grammatical case.
    Person,
    /// A phone number, Russian or international, with its extension.
    Phone,
    /// An e-mail address.
    Email,
    /// A Russian taxpayer number (ИНН), 10 or 12 digits with valid check digits.
    Inn,
    /// A Russian pension insurance number (СНИЛС) with a valid check number.
    Snils,
    /// A Russian internal passport: series and number.
    Passport,
    /// A payment card number that passes the Luhn check.
    Card,
    /// A state registration number (ОГРН, ОГРНИП) with a valid check digit.
    Ogrn,
    /// A Russian bank account number (20 digits).
    BankAccount,
}

impl PiiKind {
    /// Every kind, in declaration order.
    pub const ALL: [PiiKind; 9] = [
        PiiKind::Person,
        PiiKind::Phone,
        PiiKind::Email,
        PiiKind::Inn,
        PiiKind::Snils,
        PiiKind::Passport,
        PiiKind::Card,
        PiiKind::Ogrn,
        PiiKind::BankAccount,
    ];

    /// The upper-case label used in JSON and in redactions (`PHONE`, `BANK_ACCOUNT`).
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Person => "PERSON",
            PiiKind::Phone => "PHONE",
            PiiKind::Email => "EMAIL",
            PiiKind::Inn => "INN",
            PiiKind::Snils => "SNILS",
            PiiKind::Passport => "PASSPORT",
            PiiKind::Card => "CARD",
            PiiKind::Ogrn => "OGRN",
            PiiKind::BankAccount => "BANK_ACCOUNT",
        }
    }
}

impl fmt::Display for PiiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One piece of personal data found in a text.
///
/// `start` and `end` count Unicode characters (not bytes) from the start of
/// the text; `end` is exclusive, so `text` is the characters `start..end`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entity {
    #[serde(rename = "type")]
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Personal data: shows the kind and position, never the text.
impl fmt::Debug for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Entity({} {}..{})", self.kind, self.start, self.end)
    }
}

/// A detection in byte offsets, before offsets are turned into characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
}
