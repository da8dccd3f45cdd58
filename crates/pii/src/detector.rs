//! The detector: runs the finders in order of confidence, keeps entities
//! apart, and turns byte offsets into character offsets.
//!
//! E-mail addresses go first and mask their text (with web addresses), then
//! numbers, then names in what is left, so a name inside an address or a
//! number inside a link is never reported twice.

use crate::email;
use crate::entity::{Entity, Found, PiiKind};
use crate::numbers;
use crate::person;

/// Which kinds to report. [`detect`] reports all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detector {
    kinds: Vec<PiiKind>,
}

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector {
    /// A detector of every kind.
    pub fn new() -> Self {
        Self {
            kinds: PiiKind::ALL.to_vec(),
        }
    }

    /// A detector of these kinds only. The others are still looked for, so
    /// that a number is never reported as one kind because its true kind was
    /// switched off (an ИНН does not become a phone).
    pub fn with_kinds(kinds: &[PiiKind]) -> Self {
        Self {
            kinds: kinds.to_vec(),
        }
    }

    /// The personal data in `text`, sorted by start, never overlapping.
    pub fn detect(&self, text: &str) -> Vec<Entity> {
        let mut found: Vec<Found> = email::find_emails(text)
            .into_iter()
            .map(|(start, end)| Found {
                kind: PiiKind::Email,
                start,
                end,
            })
            .collect();
        let mut masked: Vec<(usize, usize)> = found.iter().map(|f| (f.start, f.end)).collect();
        masked.extend(email::find_urls(text));
        masked.sort_unstable();

        let mut numbers_found = Vec::new();
        numbers::find(text, &masked, &mut numbers_found);
        masked.extend(numbers_found.iter().map(|f| (f.start, f.end)));
        masked.sort_unstable();
        found.extend(numbers_found);

        if self.kinds.contains(&PiiKind::Person) {
            person::find(text, &masked, &mut found);
        }
        found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut kept: Vec<Found> = Vec::with_capacity(found.len());
        for candidate in found {
            if kept.last().is_none_or(|last| last.end <= candidate.start) {
                kept.push(candidate);
            }
        }
        kept.retain(|f| self.kinds.contains(&f.kind));
        to_entities(text, &kept)
    }
}

/// The personal data in `text` of every kind, sorted by start, never overlapping.
///
/// ```
/// let entities = pii::detect("ИНН 7707083893, e-mail info@пример.рф");
/// let kinds: Vec<_> = entities.iter().map(|e| e.kind.label()).collect();
/// assert_eq!(kinds, ["INN", "EMAIL"]);
/// assert_eq!((entities[1].start, entities[1].end), (23, 37));
/// ```
pub fn detect(text: &str) -> Vec<Entity> {
    Detector::new().detect(text)
}

/// Byte spans (sorted, disjoint) to entities with character offsets, in one pass.
fn to_entities(text: &str, found: &[Found]) -> Vec<Entity> {
    let mut entities = Vec::with_capacity(found.len());
    let mut byte = 0;
    let mut chars = 0;
    for f in found {
        chars += text[byte..f.start].chars().count();
        let length = text[f.start..f.end].chars().count();
        entities.push(Entity {
            kind: f.kind,
            start: chars,
            end: chars + length,
            text: text[f.start..f.end].to_string(),
        });
        chars += length;
        byte = f.end;
    }
    entities
}
