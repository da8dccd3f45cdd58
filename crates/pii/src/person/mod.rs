//! Person names in Russian and English text.
//!
//! Capitalised words next to each other (and initials) form a *chain*; the
//! longest prefix of a chain that fits a name pattern (surname + first name +
//! patronymic in either order, initials before or after a surname, a first
//! name and patronymic, an English first name and surname) becomes a person.
//! A word alone is a person only when it is a known first name, surname or
//! patronymic in some case and nothing around it says otherwise: a sentence
//! start for words that are also common nouns, «ул.», «г.», «в» before a
//! place, «область», «проспект» after, a company's name in quotes.
//!
//! Deliberately absent: lower-case names (too many are words), and any guess
//! about unknown words except next to a first name, initials or an honorific.

mod cues;
mod inflection;
mod lower_case;
mod readings;
mod single;
mod tokens;

use std::collections::HashMap;

use crate::entity::{Found, PiiKind};
use readings::{Place, Readings, analyze, fold};
use tokens::{Gap, Token, Tokens, tokenize};

/// Finds person names in `text`, skipping the byte spans in `masked` (sorted).
pub(crate) fn find(text: &str, masked: &[(usize, usize)], out: &mut Vec<Found>) {
    let Tokens { tokens, quotes } = tokenize(text, masked);
    let org_quotes: Vec<bool> = quotes
        .iter()
        .map(|quote| {
            // A short quotation is the name of a company, a product or a
            // project («Соколов Групп», «Иванов и Ко»); speech runs longer.
            quote.n_tokens <= 3
                || quote
                    .first_token
                    .checked_sub(1)
                    .and_then(|index| tokens.get(index))
                    .is_some_and(|before| {
                        cues::ORGANISATION_BEFORE.contains(&fold(before.text).as_str())
                            || (before.all_caps && before.text.chars().count() <= 4)
                    })
        })
        .collect();
    let mut matcher = Matcher {
        text,
        tokens: &tokens,
        org_quotes,
        cache: HashMap::new(),
    };
    let mut index = 0;
    while index < tokens.len() {
        match matcher.match_at(index) {
            Some((skip, length)) => {
                let first = &tokens[index + skip];
                let last = &tokens[index + skip + length - 1];
                out.push(Found {
                    kind: PiiKind::Person,
                    start: first.start,
                    end: last.end,
                });
                index += skip + length;
            }
            None => index += 1,
        }
    }
}

/// The role a token plays in a name pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    First,
    Patronymic,
    Surname,
    /// An unknown capitalised word where a surname is expected.
    Unknown,
    Initial,
}

/// The patterns, longest first.
const PATTERNS: &[&[Part]] = {
    use Part::{First as F, Initial as I, Patronymic as P, Surname as S, Unknown as X};
    &[
        &[S, F, P],
        &[S, X, P],
        &[X, P, S],
        &[X, F, P],
        &[F, P, S],
        &[F, P, X],
        &[S, I, I],
        &[X, I, I],
        &[I, I, S],
        &[I, I, X],
        &[F, I, S],
        &[F, I, X],
        &[F, F, S],
        &[F, P, I],
        &[F, P],
        &[F, S],
        &[S, F],
        &[S, I],
        &[X, I],
        &[I, S],
        &[I, X],
        &[F, X],
        &[X, S],
        &[X, P],
        &[X, F],
        &[F, I],
    ]
};

/// The lowest count at which a listed first name is trusted at all; the
/// lists hold misspellings and one-off names below it.
const MIN_FIRST_COUNT: u32 = 10;
/// Alone at the start of a sentence a first name must be this common.
const MIN_FIRST_COUNT_AT_START: u32 = 300;
/// A first name that is also a common word is a name alone only if this common.
const MIN_FIRST_COUNT_IF_WORD: u32 = 1000;
/// A surname with a surname's ending this common is a surname even where
/// the same letters are a word (Зайцев, Комаров are also genitive plurals).
const TRUSTED_SURNAME_COUNT: u32 = 100;

/// Infinitives and imperatives («Напомнить», «Позвоните») start sentences
/// in capitals and are never names.
fn looks_like_verb(word: &str) -> bool {
    let word = fold(word);
    word.chars().count() > 4
        && ["ть", "ться", "тся", "ите", "йте", "ете"]
            .iter()
            .any(|ending| word.ends_with(ending))
}

/// «Звонил», «Передала»: a past verb, where an unknown word might be taken
/// for a name.
fn looks_like_past_verb(word: &str) -> bool {
    let word = fold(word);
    word.chars().count() > 4
        && [
            "ил",
            "ал",
            "ел",
            "ыл",
            "ила",
            "ала",
            "ела",
            "ыла",
            "или",
            "али",
            "ели",
            "ился",
            "илась",
            "ались",
            "ились",
        ]
        .iter()
        .any(|ending| word.ends_with(ending))
}

struct Matcher<'t, 'a> {
    text: &'a str,
    tokens: &'t [Token<'a>],
    org_quotes: Vec<bool>,
    cache: HashMap<&'a str, Readings>,
}

impl<'a> Matcher<'_, 'a> {
    /// The name at `index`: how many tokens to skip (an honorific) and how
    /// many form the name.
    fn match_at(&mut self, index: usize) -> Option<(usize, usize)> {
        if let Some(length) = self.after_honorific(index) {
            return Some((1, length));
        }
        if let Some(length) = self.lower_case_name(index) {
            return Some((0, length));
        }
        if !self.can_be_part(index) || self.place_before(index) || self.company_before(index) {
            return None;
        }
        let mut chain = 1;
        while chain < 3
            && index + chain < self.tokens.len()
            && self.tokens[index + chain].gap == Gap::Space
            && self.can_be_part(index + chain)
        {
            chain += 1;
        }
        for pattern in PATTERNS.iter().filter(|pattern| pattern.len() <= chain) {
            if self.fits(index, pattern) && !self.place_after(index + pattern.len() - 1) {
                return Some((0, pattern.len()));
            }
        }
        (self.alone(index) && !self.place_after(index)).then_some((0, 1))
    }

    /// «ООО Петров и К»: a company named after a person, not the person.
    fn company_before(&self, index: usize) -> bool {
        let Some(previous) = index.checked_sub(1).map(|i| &self.tokens[i]) else {
            return false;
        };
        previous.all_caps
            && self.tokens[index].gap == Gap::Space
            && matches!(
                fold(previous.text).as_str(),
                "ооо"
                    | "оао"
                    | "зао"
                    | "ао"
                    | "пао"
                    | "нко"
                    | "ано"
                    | "тоо"
                    | "llc"
                    | "ltd"
            )
    }

    /// «Mr. Brown», «Dr Emily Watson», «г-н Ким»: the honorific marks the
    /// next one to three capitalised words as a name and is left out of it.
    fn after_honorific(&mut self, index: usize) -> Option<usize> {
        let token = self.tokens.get(index)?;
        if !cues::HONORIFICS.contains(&fold(token.text).as_str()) {
            return None;
        }
        let next = self.tokens.get(index + 1)?;
        let between = self.text[token.end..next.start].trim();
        if !(between.is_empty() || between == ".")
            || !next.capitalized
            || !self.can_be_part(index + 1)
        {
            return None;
        }
        // After an honorific even a word («Ms. Price») is a name.
        if self.readings(index + 1).place == Place::City {
            return None;
        }
        let mut length = 1;
        while length < 3
            && self
                .tokens
                .get(index + 1 + length)
                .is_some_and(|t| t.gap == Gap::Space)
            && self.can_be_part(index + 1 + length)
            && !self.readings(index + 1 + length).common
        {
            length += 1;
        }
        Some(length)
    }

    /// Whether the token can be part of a name at all: a capitalised word or
    /// an initial, not a word that is never a name, not in a company's name.
    fn can_be_part(&mut self, index: usize) -> bool {
        let Some(token) = self.tokens.get(index) else {
            return false;
        };
        if !token.capitalized || token.quote.is_some_and(|quote| self.org_quotes[quote]) {
            return false;
        }
        // «ИП», «ООО», «ТЦ» are forms of business, not names.
        if token.all_caps && token.text.chars().count() <= 3 && !self.is_initial(index) {
            return false;
        }
        self.is_initial(index) || !self.readings(index).never
    }

    /// An initial: «И.», or the bare last letter of «И.С» after one.
    fn is_initial(&self, index: usize) -> bool {
        let token = &self.tokens[index];
        token.initial
            || (token.capitalized
                && token.text.chars().nth(1).is_none()
                && index > 0
                && self.tokens[index - 1].initial
                && token.gap == Gap::Space
                && self.tokens[index - 1].end == token.start)
    }

    /// Whether the tokens from `index` play the parts of `pattern`, agreeing
    /// in gender and case where their forms say.
    fn fits(&mut self, index: usize, pattern: &[Part]) -> bool {
        let mut agreement = readings::ANY_FORM;
        let mut all_strong = true;
        let has_patronymic = pattern.contains(&Part::Patronymic);
        let has_initial = pattern.contains(&Part::Initial);
        for (offset, part) in pattern.iter().enumerate() {
            let position = index + offset;
            if (*part == Part::Initial) != self.is_initial(position) {
                return false;
            }
            // Inside a name only its first word can start a sentence.
            let weak = offset == 0 && self.at_sentence_start(position);
            let token = self.tokens[position];
            let readings = self.readings(position);
            // A common word at a sentence start («Спасибо Иван», «Дорогая Анна
            // Петровна») is that word, unless it is a common name itself or
            // initials (a patronymic, for a first name) vouch for it.
            let vouched = has_initial
                || (offset == 0 && self.signature_before(position))
                || (*part == Part::First && has_patronymic)
                || (*part == Part::Surname && has_patronymic && pattern.contains(&Part::First));
            let strong_itself = match part {
                Part::First => readings.first_count >= MIN_FIRST_COUNT_IF_WORD,
                Part::Surname => self.trusted_surname(position),
                _ => false,
            };
            if readings.common && weak && !vouched && !strong_itself && *part != Part::Initial {
                return false;
            }
            let forms = match part {
                Part::Initial => readings::ANY_FORM,
                Part::First => {
                    // Beside a patronymic any listed first name will do (Остап Демидович).
                    let trusted = readings.first_count >= MIN_FIRST_COUNT
                        || (has_patronymic && readings.first_count > 0)
                        || readings.diminutive
                        || readings.latin;
                    if !readings.is_first() || !trusted {
                        return false;
                    }
                    all_strong &= readings.first_count >= 100 || readings.latin;
                    readings.first
                }
                Part::Patronymic => {
                    if !readings.is_patronymic() || readings.latin != token.latin {
                        return false;
                    }
                    all_strong &= readings.patronymic_listed;
                    readings.patronymic
                }
                Part::Surname => {
                    if !readings.is_surname()
                        || readings.place == Place::City
                        || looks_like_verb(token.text)
                    {
                        return false;
                    }
                    all_strong &= readings.surname_listed;
                    readings.surname
                }
                Part::Unknown => {
                    let plausible = token.text.chars().nth(1).is_some()
                        && (!readings.common || (offset == 0 && self.signature_before(position)))
                        && readings.place == Place::None
                        && !token.all_caps
                        && !looks_like_verb(token.text)
                        && !looks_like_past_verb(token.text)
                        // Mid-sentence capitals are names; at a sentence start only
                        // surnames, or words after a signature («С уважением,»).
                        && (!weak
                            || readings.is_surname()
                            || self.person_cue_before(position)
                            // «Оливия Сергеевна, здравствуйте!»
                            || (pattern == [Part::Unknown, Part::Patronymic]
                                && (self.addressed(index + 1) || self.acting(index + 1))));
                    if !plausible || !self.unknown_is_vouched(index, pattern) {
                        return false;
                    }
                    readings::ANY_FORM
                }
            };
            agreement &= forms;
        }
        // «Shmidt Ildar»: a surname before a first name is guessed only in
        // Latin script, before a Russian first name, where Russian surnames
        // are not in the lists.
        if pattern == [Part::Unknown, Part::First]
            && !(self.tokens[index].latin && self.readings(index + 1).diminutive)
        {
            return false;
        }
        // Scripts do not mix inside one name.
        let latin = self.tokens[index].latin;
        if (index..index + pattern.len()).any(|position| self.tokens[position].latin != latin) {
            return false;
        }
        agreement != 0 || all_strong
    }

    /// A surname frequent enough, and shaped like one, to count even where
    /// the same letters are a word (Зайцев, Комаров are genitive plurals too,
    /// but «Страховой» is an adjective first).
    fn trusted_surname(&mut self, index: usize) -> bool {
        let word = fold(self.tokens[index].text);
        let readings = self.readings(index);
        readings.surname_count >= TRUSTED_SURNAME_COUNT
            && readings.surname_typical
            && ["ов", "ев", "ин", "ын"]
                .iter()
                .any(|ending| word.ends_with(ending))
    }

    /// An unknown word counts as part of a name only beside a first name
    /// that is no ordinary word (Лада Веста is a car), beside initials, or
    /// before a listed surname of a surname's shape (Агата Орлова).
    fn unknown_is_vouched(&mut self, index: usize, pattern: &[Part]) -> bool {
        pattern.iter().enumerate().all(|(offset, part)| {
            let readings = self.readings(index + offset);
            match part {
                Part::First => {
                    !readings.not_alone
                        && (readings.first_count >= MIN_FIRST_COUNT_AT_START
                            || readings.diminutive
                            || readings.latin)
                }
                Part::Surname => {
                    (readings.surname_listed || readings.latin)
                        && readings.surname_typical
                        && !readings.common
                }
                _ => true,
            }
        })
    }

    /// A sentence, line or quotation starts at the token (or it follows
    /// initials, whose full stop may end a sentence).
    fn at_sentence_start(&self, index: usize) -> bool {
        index == 0
            || self.tokens[index].gap == Gap::Boundary
            || self.is_initial(index - 1)
            // «ОГРН 5211603245739 Руководитель …»: a number ends a sentence
            // whose full stop was left out.
            || (self.tokens[index].gap == Gap::Other
                && self.text[..self.tokens[index].start].trim_end().ends_with(|c: char| c.is_ascii_digit()))
    }

    /// The word before the token, folded, if only `separators` (and space)
    /// stand between; an initial is no word.
    fn previous_word(&self, index: usize, separators: &[&str]) -> Option<String> {
        let previous = self.tokens.get(index.checked_sub(1)?)?;
        if self.is_initial(index - 1) {
            return None;
        }
        let between = self.text[previous.end..self.tokens[index].start].trim();
        separators.contains(&between).then(|| fold(previous.text))
    }

    /// «8 Марта», «15 Мая»: a date.
    fn number_before(&self, index: usize) -> bool {
        self.text[..self.tokens[index].start]
            .trim_end()
            .ends_with(|c: char| c.is_ascii_digit())
    }

    /// «ул. Ленина», «г. Пушкин», «им. Чехова», «ТЦ Карнавал»: a place or an object.
    fn place_before(&self, index: usize) -> bool {
        self.previous_word(index, &["", ".", ","])
            .is_some_and(|word| cues::PLACE_BEFORE.contains(&word.as_str()))
    }

    /// «в Королёве», «из Пушкина»: a town, when the word alone is a surname.
    fn location_preposition_before(&self, index: usize) -> bool {
        self.previous_word(index, &[""])
            .is_some_and(|word| cues::LOCATION_PREPOSITIONS.contains(&word.as_str()))
    }

    /// «С уважением,» or «Best regards,» just before: a signature follows.
    fn signature_before(&self, index: usize) -> bool {
        self.previous_word(index, &[","])
            .is_some_and(|word| cues::SIGNATURES.contains(&word.as_str()))
    }

    /// «менеджер Вера», «с Любовью», «Dear Rose».
    fn person_cue_before(&self, index: usize) -> bool {
        self.previous_word(index, &["", ","])
            .is_some_and(|word| cues::PERSON_BEFORE.contains(&word.as_str()))
    }

    /// «Свердловская область», «Ленинский проспект», «Пушкинский музей».
    fn place_after(&self, index: usize) -> bool {
        self.tokens.get(index + 1).is_some_and(|next| {
            next.gap == Gap::Space && cues::PLACE_AFTER.contains(&fold(next.text).as_str())
        })
    }

    fn readings(&mut self, index: usize) -> Readings {
        let token = self.tokens[index];
        *self
            .cache
            .entry(token.text)
            .or_insert_with(|| analyze(token.text, token.latin))
    }
}
