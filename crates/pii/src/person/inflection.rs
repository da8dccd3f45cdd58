//! Undoing Russian declension of names: from «Ивановой» back to the
//! nominatives it may be a form of («Иванова», with the cases it marks).
//!
//! The rules over-generate on purpose («Марии» also yields «марий»); the
//! name lists decide which candidates are real. No lookups happen here.

/// A set of grammatical cases, one bit each.
pub(crate) type Cases = u8;

pub(crate) const NOM: Cases = 1;
pub(crate) const GEN: Cases = 1 << 1;
pub(crate) const DAT: Cases = 1 << 2;
pub(crate) const ACC: Cases = 1 << 3;
pub(crate) const INS: Cases = 1 << 4;
pub(crate) const PREP: Cases = 1 << 5;
/// A plural form («у Ивановых»): the family.
pub(crate) const PLUR: Cases = 1 << 6;
pub(crate) const ANY_CASE: Cases = NOM | GEN | DAT | ACC | INS | PREP;
const OBLIQUE_FEMININE: Cases = GEN | DAT | INS | PREP;

/// Which kind of name a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// First names, patronymics and surnames declined as nouns.
    Noun,
    /// Surnames only: the adjectival and -ов/-ин declensions.
    Surname,
    /// First names only: fleeting vowels (Павел → Павла, Лев → Льва).
    FirstName,
}

/// Which gender the nominative of a rule must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Declension {
    /// A masculine consonant, -й or -ь stem (Иван, Сергей, Игорь, Иванов).
    Masculine,
    /// An -а/-я stem (Анна, Илья, Никита, Иванова) or a feminine -ь (Любовь).
    Feminine,
    /// Either (the nominative itself, plurals).
    Either,
}

/// One way a form can be made from a nominative: strip `ending`, add `nominative_ending`.
pub(crate) struct Rule {
    pub ending: &'static str,
    pub nominative_ending: &'static str,
    pub cases: Cases,
    pub role: Role,
    pub declension: Declension,
}

const fn rule(
    ending: &'static str,
    nominative_ending: &'static str,
    cases: Cases,
    role: Role,
    declension: Declension,
) -> Rule {
    Rule {
        ending,
        nominative_ending,
        cases,
        role,
        declension,
    }
}

use Declension::{Either, Feminine, Masculine};
use Role::{FirstName, Noun, Surname};

/// Every ending rule, folded (lower case, ё as е).
pub(crate) const RULES: &[Rule] = &[
    // Masculine consonant stems: Иван, Ковальчук, Иванов, Петрович.
    rule("а", "", GEN | ACC, Noun, Masculine),
    rule("у", "", DAT, Noun, Masculine),
    rule("ом", "", INS, Noun, Masculine),
    rule("ем", "", INS, Noun, Masculine),
    rule("е", "", PREP, Noun, Masculine),
    // -й and -ь stems: Сергей, Николай, Игорь.
    rule("я", "й", GEN | ACC, Noun, Masculine),
    rule("ю", "й", DAT, Noun, Masculine),
    rule("ем", "й", INS, Noun, Masculine),
    rule("е", "й", PREP, Noun, Masculine),
    rule("я", "ь", GEN | ACC, Noun, Masculine),
    rule("ю", "ь", DAT, Noun, Masculine),
    rule("ем", "ь", INS, Noun, Masculine),
    rule("е", "ь", PREP, Noun, Masculine),
    // Feminine -ь: Любовь.
    rule("и", "ь", GEN | DAT | PREP, Noun, Feminine),
    rule("ью", "ь", INS, Noun, Feminine),
    // -ий: Дмитрий, Василий.
    rule("ия", "ий", GEN | ACC, Noun, Masculine),
    rule("ию", "ий", DAT, Noun, Masculine),
    rule("ием", "ий", INS, Noun, Masculine),
    rule("ии", "ий", PREP, Noun, Masculine),
    // -а and -я stems: Анна, Никита, Ольга, Илья, Ивановна.
    rule("ы", "а", GEN, Noun, Feminine),
    rule("и", "а", GEN, Noun, Feminine),
    rule("е", "а", DAT | PREP, Noun, Feminine),
    rule("у", "а", ACC, Noun, Feminine),
    rule("ой", "а", INS, Noun, Feminine),
    rule("ою", "а", INS, Noun, Feminine),
    rule("и", "я", GEN, Noun, Feminine),
    rule("е", "я", DAT | PREP, Noun, Feminine),
    rule("ю", "я", ACC, Noun, Feminine),
    rule("ей", "я", INS, Noun, Feminine),
    rule("ею", "я", INS, Noun, Feminine),
    // -ия: Мария, Юлия.
    rule("ии", "ия", GEN | DAT | PREP, Noun, Feminine),
    rule("ию", "ия", ACC, Noun, Feminine),
    rule("ией", "ия", INS, Noun, Feminine),
    // Fleeting vowels: Павел, Лев.
    rule("ла", "ел", GEN | ACC, FirstName, Masculine),
    rule("лу", "ел", DAT, FirstName, Masculine),
    rule("лом", "ел", INS, FirstName, Masculine),
    rule("ле", "ел", PREP, FirstName, Masculine),
    rule("ьва", "ев", GEN | ACC, FirstName, Masculine),
    rule("ьву", "ев", DAT, FirstName, Masculine),
    rule("ьвом", "ев", INS, FirstName, Masculine),
    rule("ьве", "ев", PREP, FirstName, Masculine),
    // -ов/-ин surnames: the instrumental and the plural (the family).
    rule("ым", "", INS, Surname, Masculine),
    rule("ы", "", PLUR, Surname, Either),
    rule("ых", "", PLUR, Surname, Either),
    rule("ыми", "", PLUR, Surname, Either),
    // Feminine -ова/-ина: adjectival in the oblique cases.
    rule("ой", "а", OBLIQUE_FEMININE, Surname, Feminine),
    // Adjectival surnames: Вишневский, Толстой, Белый.
    rule("ого", "ий", GEN | ACC, Surname, Masculine),
    rule("ого", "ой", GEN | ACC, Surname, Masculine),
    rule("ого", "ый", GEN | ACC, Surname, Masculine),
    rule("его", "ий", GEN | ACC, Surname, Masculine),
    rule("ому", "ий", DAT, Surname, Masculine),
    rule("ому", "ой", DAT, Surname, Masculine),
    rule("ому", "ый", DAT, Surname, Masculine),
    rule("ему", "ий", DAT, Surname, Masculine),
    rule("им", "ий", INS, Surname, Masculine),
    rule("ым", "ый", INS, Surname, Masculine),
    rule("ым", "ой", INS, Surname, Masculine),
    rule("ом", "ий", PREP, Surname, Masculine),
    rule("ом", "ой", PREP, Surname, Masculine),
    rule("ом", "ый", PREP, Surname, Masculine),
    rule("ем", "ий", PREP, Surname, Masculine),
    rule("ой", "ая", OBLIQUE_FEMININE, Surname, Feminine),
    rule("ую", "ая", ACC, Surname, Feminine),
    rule("ие", "ий", PLUR, Surname, Either),
    rule("их", "ий", PLUR, Surname, Either),
    rule("ими", "ий", PLUR, Surname, Either),
    // -ец: Кравец → Кравца.
    rule("ца", "ец", GEN | ACC, Surname, Masculine),
    rule("цу", "ец", DAT, Surname, Masculine),
    rule("цом", "ец", INS, Surname, Masculine),
    rule("це", "ец", PREP, Surname, Masculine),
];

/// Calls `visit` with every nominative candidate of `word` (folded) and the
/// rule that made it; the word itself comes first, as `None`.
pub(crate) fn nominatives(word: &str, mut visit: impl FnMut(&str, Option<&Rule>)) {
    visit(word, None);
    let mut candidate = String::with_capacity(word.len() + 4);
    for rule in RULES {
        let Some(stem) = word.strip_suffix(rule.ending) else {
            continue;
        };
        // Three letters at least in the nominative: «Лев» is a name, «Ли» + ending is not.
        if stem.chars().count() + rule.nominative_ending.chars().count() < 3 {
            continue;
        }
        candidate.clear();
        candidate.push_str(stem);
        candidate.push_str(rule.nominative_ending);
        visit(&candidate, Some(rule));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(word: &str) -> Vec<(String, Cases)> {
        let mut out = Vec::new();
        nominatives(word, |nominative, rule| {
            out.push((nominative.to_string(), rule.map_or(NOM, |r| r.cases)))
        });
        out
    }

    fn yields(word: &str, nominative: &str, cases: Cases) {
        assert!(
            candidates(word)
                .iter()
                .any(|(n, c)| n == nominative && c & cases == cases),
            "{word} should yield {nominative} ({cases:b}); got {:?}",
            candidates(word)
        );
    }

    #[test]
    fn first_names_in_every_case_reach_their_nominative() {
        yields("марии", "мария", GEN | DAT | PREP);
        yields("марию", "мария", ACC);
        yields("марией", "мария", INS);
        yields("ивана", "иван", GEN);
        yields("ивану", "иван", DAT);
        yields("иваном", "иван", INS);
        yields("иване", "иван", PREP);
        yields("ильи", "илья", GEN);
        yields("илье", "илья", DAT);
        yields("ильей", "илья", INS);
        yields("никиты", "никита", GEN);
        yields("любови", "любовь", GEN);
        yields("сергею", "сергей", DAT);
        yields("дмитрия", "дмитрий", GEN);
        yields("павлу", "павел", DAT);
        yields("льва", "лев", GEN);
    }

    #[test]
    fn surnames_and_patronymics_in_every_case_reach_their_nominative() {
        yields("иванову", "иванов", DAT);
        yields("ивановым", "иванов", INS);
        yields("иванове", "иванов", PREP);
        yields("ивановой", "иванова", GEN | DAT | INS | PREP);
        yields("иванову", "иванова", ACC);
        yields("вишневского", "вишневский", GEN);
        yields("вишневской", "вишневская", DAT);
        yields("вишневскую", "вишневская", ACC);
        yields("толстому", "толстой", DAT);
        yields("ивановых", "иванов", PLUR);
        yields("ивановича", "иванович", GEN);
        yields("ивановичем", "иванович", INS);
        yields("ивановне", "ивановна", DAT);
        yields("ивановной", "ивановна", INS);
    }
}
