//! Names written in lower case («передайте сергею ивановичу»): trusted
//! only with a patronymic, every part listed and none an ordinary word.

use super::readings;
use super::tokens::Gap;
use super::{Matcher, Part};

impl Matcher<'_, '_> {
    /// «передайте сергею ивановичу», «иванов иван иванович»: in lower case
    /// only a patronymic with a first name (and a surname) is trusted, every
    /// part listed and none an ordinary word.
    pub(super) fn lower_case_name(&mut self, index: usize) -> Option<usize> {
        let lower = |matcher: &Self, position: usize| {
            matcher.tokens.get(position).is_some_and(|t| {
                !t.capitalized && !t.latin && (position == index || t.gap == Gap::Space)
            })
        };
        if !lower(self, index) || !lower(self, index + 1) {
            return None;
        }
        let shaped = |position: usize| patronymic_shaped(self.tokens[position].text);
        let patterns: &[&[Part]] = match (
            shaped(index + 1),
            lower(self, index + 2) && shaped(index + 2),
        ) {
            (true, _) => &[
                &[Part::First, Part::Patronymic, Part::Surname],
                &[Part::First, Part::Patronymic],
            ],
            (false, true) => &[&[Part::Surname, Part::First, Part::Patronymic]],
            (false, false) => return None,
        };
        for pattern in patterns {
            if index + pattern.len() > self.tokens.len()
                || !(0..pattern.len()).all(|offset| lower(self, index + offset))
            {
                continue;
            }
            let mut agreement = readings::ANY_FORM;
            let fits = pattern.iter().enumerate().all(|(offset, part)| {
                let readings = self.readings(index + offset);
                let (listed, forms) = match part {
                    Part::First => (
                        readings.first_count >= 100 || readings.diminutive,
                        readings.first,
                    ),
                    Part::Patronymic => (readings.patronymic_listed, readings.patronymic),
                    _ => (readings.surname_listed, readings.surname),
                };
                agreement &= forms;
                listed && !readings.common && !readings.never
            });
            if fits && agreement != 0 {
                return Some(pattern.len());
            }
        }
        None
    }
}

/// Whether a lower-case word ends like a patronymic in some case
/// (ивановичу, петровной): a cheap test before any lookup.
fn patronymic_shaped(word: &str) -> bool {
    let tail: String = word
        .chars()
        .rev()
        .take(7)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    ["вич", "ьич", "вн", "ичн"]
        .iter()
        .any(|marker| tail.contains(marker))
}
