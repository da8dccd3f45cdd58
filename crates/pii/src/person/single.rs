//! One word alone as a name («Маша, перезвоните», «передал Сергею», «о
//! Кузнецове»): what the word is and what surrounds it must both say so.

use super::cues;
use super::readings::{self, Place, Readings, fold};
use super::tokens::Gap;
use super::{
    MIN_FIRST_COUNT, MIN_FIRST_COUNT_AT_START, MIN_FIRST_COUNT_IF_WORD, Matcher, inflection,
};

impl Matcher<'_, '_> {
    /// A single word as a name.
    pub(super) fn alone(&mut self, index: usize) -> bool {
        let token = self.tokens[index];
        // Two letters make a name (Ян, Ли) only after a cue («спасибо, Ян»).
        let too_short = token.text.chars().count() < 3 && !self.person_cue_before(index);
        if self.is_initial(index)
            || too_short
            || (token.all_caps && token.text.chars().count() <= 3)
        {
            return false;
        }
        let weak = self.at_sentence_start(index);
        let cue = self.person_cue_before(index);
        let location = self.location_preposition_before(index);
        let addressed = self.addressed(index);
        let acting = self.acting(index);
        let readings = self.readings(index);
        // «Владимир», «Артём» are cities and common first names: the name wins
        // unless a preposition of place stands before it.
        let common_first_name = readings.first_count >= MIN_FIRST_COUNT_IF_WORD && !readings.common;
        if readings.place == Place::City && (location || !common_first_name) {
            return false;
        }
        // «Королёв» is a town; «Королёву», «Королёвым» or «позвоните Королёву» a person.
        let oblique = readings.surname & OBLIQUE_PERSONAL != 0;
        if readings.place == Place::Town
            && (location || !(cue || acting || oblique || common_first_name))
        {
            return false;
        }
        if readings.latin {
            return self.latin_alone(index, readings, weak, addressed);
        }
        if readings.not_alone
            && (self.number_before(index) || !(cue || addressed || acting && !weak))
        {
            return false;
        }
        if looks_like_place_name(token.text)
            || (self.previous_word(index, &[""]).as_deref() == Some("на")
                && looks_like_street(token.text))
        {
            return false;
        }
        let name_despite_word = readings.first_count >= MIN_FIRST_COUNT_IF_WORD;
        let first = readings.is_first()
            && if weak {
                (readings.first_count >= MIN_FIRST_COUNT_AT_START
                    || readings.diminutive
                    || addressed && readings.first_count >= MIN_FIRST_COUNT)
                    && (!readings.common || addressed || name_despite_word && acting)
            } else if cue {
                readings.first_count > 0 || readings.diminutive
            } else {
                (readings.first_count >= 50 || readings.diminutive)
                    && (!readings.common || name_despite_word || addressed)
            };
        let trusted_surname = self.trusted_surname(index);
        let surname = readings.is_surname()
            && !location
            && if weak {
                readings.surname_listed
                    && ((readings.surname_typical && (!readings.common || trusted_surname))
                        || acting)
            } else if readings.surname_listed {
                !readings.common || trusted_surname || cue
            } else {
                // Known only by its ending: adjectival forms («Лицевой») are words.
                readings.surname_typical
                    && !readings.common
                    && token.text.chars().count() >= 5
                    && UNLISTED_SURNAME_FORMS
                        .iter()
                        .any(|ending| fold(token.text).ends_with(ending))
            };
        let patronymic = readings.is_patronymic() && readings.patronymic_listed && !readings.common;
        first || surname || patronymic || self.unknown_name_addressed(index, readings)
    }

    /// «Заранее спасибо, Тоха.», «Привет, Луша!»: an unknown word of a
    /// Russian everyday name's shape, right after a greeting or a thanks and
    /// a comma, ending the sentence.
    pub(super) fn unknown_name_addressed(&self, index: usize, readings: Readings) -> bool {
        let token = &self.tokens[index];
        let word = fold(token.text);
        let length = word.chars().count();
        let ends_sentence = self.text[token.end..]
            .trim_start_matches([' ', '\t'])
            .chars()
            .next()
            .is_none_or(|c| matches!(c, '.' | '!' | '?' | '\n' | ')'));
        !readings.common
            && !readings.never
            && readings.place == Place::None
            && (3..=9).contains(&length)
            && ["а", "я", "ик"].iter().any(|ending| word.ends_with(ending))
            && ends_sentence
            && self
                .previous_word(index, &[","])
                .is_some_and(|previous| cues::GREETINGS.contains(&previous.as_str()))
    }

    /// A Latin-script word alone: an English given name (not a word like
    /// «May» at a sentence start), or a Russian one mid-sentence.
    pub(super) fn latin_alone(
        &self,
        index: usize,
        readings: Readings,
        weak: bool,
        addressed: bool,
    ) -> bool {
        if !readings.is_first() || readings.common {
            return false;
        }
        // Mid-sentence «Mark» is a name; «May» and «June» may still be months,
        // and «6 Jan» is a date.
        let month = ENGLISH_MONTH_NAMES.contains(&fold(self.tokens[index].text).as_str());
        if readings.not_alone
            && !addressed
            && (weak && !self.acting_in_english(index) || month || self.number_before(index))
        {
            return false;
        }
        readings.first_count > 0
            || (readings.diminutive && (!weak || self.tokens[index].text.chars().count() >= 4))
    }

    /// «Jack asked», «Will said»: an English name followed by a verb.
    pub(super) fn acting_in_english(&self, index: usize) -> bool {
        self.tokens.get(index + 1).is_some_and(|next| {
            let word = fold(next.text);
            next.gap == Gap::Space
                && !next.capitalized
                && (word.ends_with("ed") || ENGLISH_VERBS.contains(&word.as_str()))
        })
    }

    /// «Вера, перезвоните», «Спасибо, Дмитрий!»: followed by a comma or an
    /// exclamation mark, as someone addressed is.
    pub(super) fn addressed(&self, index: usize) -> bool {
        self.text[self.tokens[index].end..].starts_with([',', '!'])
    }

    /// «Роман звонил», «Надежда просит»: followed by a verb, as someone
    /// acting is — which «Вера в успех» is not.
    pub(super) fn acting(&self, index: usize) -> bool {
        let Some(next) = self.tokens.get(index + 1) else {
            return false;
        };
        if next.gap != Gap::Space || next.capitalized || next.latin {
            return false;
        }
        let word = fold(next.text);
        word.chars().count() >= 4 && VERB_ENDINGS.iter().any(|ending| word.ends_with(ending))
    }
}

/// Endings of surnames known only by their shape: the -ов/-ин declension.
const UNLISTED_SURNAME_FORMS: &[&str] = &[
    "ов", "ев", "ин", "ын", "ова", "ева", "ина", "ына", "ову", "еву", "ину", "ыну", "ове", "еве",
    "ине", "ыне", "овым", "евым", "иным", "ыным",
];

/// English verbs that follow a name acting («Jack says», «Will is»).
const ENGLISH_VERBS: &[&str] = &[
    "is", "was", "will", "has", "had", "says", "said", "wants", "needs", "asks", "wrote", "sent",
    "can", "could", "would", "should", "thinks", "knows", "told", "made", "took", "gave", "left",
    "came", "went",
];

/// English given names that are also months.
const ENGLISH_MONTH_NAMES: &[&str] = &[
    "april", "may", "june", "august", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
];

/// Neuter place names (Сосенское, Строгино, Одинцово) end so; people's names do not.
fn looks_like_place_name(word: &str) -> bool {
    let word = fold(word);
    ["ское", "цкое", "ово", "ево", "ино", "ыно"]
        .iter()
        .any(|ending| word.ends_with(ending))
}

/// «на Пушкинской», «на Тверской»: a street or a metro station.
fn looks_like_street(word: &str) -> bool {
    let word = fold(word);
    ["ская", "ской", "скую", "цкая", "цкой", "цкую"]
        .iter()
        .any(|ending| word.ends_with(ending))
}

/// Dative and instrumental forms: a town is not called so, a person is.
const OBLIQUE_PERSONAL: readings::Forms = {
    let cases = (inflection::DAT | inflection::INS) as readings::Forms;
    cases | cases << 8
};

/// Endings of past and present verb forms («звонил», «просит», «ждёт»).
const VERB_ENDINGS: &[&str] = &[
    "л", "ла", "ли", "ло", "лся", "лась", "лись", "ет", "ит", "ут", "ют", "ат", "ят", "ется",
    "ится",
];
