//! Comparisons: how alike two records are, field by field, as discrete
//! levels (exact, close, far) that the Fellegi–Sunter model weighs.

use chrono::Datelike;
use lexicon::transposition_distance as damerau_levenshtein;
use strsim::jaro_winkler;

use super::features::{Features, NameKey, Present};

/// One field comparison: its name and the labels of its levels. Level 0 is
/// always "missing on one side" and weighs nothing.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    pub name: &'static str,
    pub levels: &'static [&'static str],
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Last,
    First,
    Patronymic,
    Birth,
    Phone,
    Email,
    City,
    Region,
    Address,
    Locality,
    House,
    Postcode,
    NationalId,
    Inn,
    Company,
    Sku,
    Product,
}

const NAME_LEVELS: &[&str] = &["missing", "exact", "close (typo)", "similar", "different"];
const FIRST_LEVELS: &[&str] = &[
    "missing",
    "same or nickname",
    "close (typo)",
    "initial or similar",
    "different",
];
const SHORT_LEVELS: &[&str] = &["missing", "exact", "close", "different"];
const EXACT_LEVELS: &[&str] = &["missing", "exact", "different"];

/// The training sessions for a table's comparisons: each strong field
/// alone, and surname with first name together (indices into `comparisons`).
pub fn sessions(comparisons: &[Comparison]) -> Vec<Vec<usize>> {
    let index = |kind: Kind| comparisons.iter().position(|c| c.kind == kind);
    let mut out = Vec::new();
    if let (Some(last), Some(first)) = (index(Kind::Last), index(Kind::First)) {
        out.push(vec![last, first]);
    }
    for kind in [
        Kind::Birth,
        Kind::Phone,
        Kind::Email,
        Kind::NationalId,
        Kind::Postcode,
        Kind::Address,
        Kind::Sku,
    ] {
        if let Some(k) = index(kind) {
            out.push(vec![k]);
        }
    }
    // Colleagues share a company and its ИНН: for people those sessions would
    // teach that one company means one person.
    if index(Kind::Last).is_none() {
        for kind in [Kind::Inn, Kind::Company] {
            if let Some(k) = index(kind) {
                out.push(vec![k]);
            }
        }
    }
    out
}

/// The comparisons a table supports.
pub fn comparisons(present: &Present) -> Vec<Comparison> {
    let mut out = Vec::new();
    let mut add = |on: bool, name, levels, kind| {
        if on {
            out.push(Comparison { name, levels, kind });
        }
    };
    add(present.names, "surname", NAME_LEVELS, Kind::Last);
    add(present.names, "first name", FIRST_LEVELS, Kind::First);
    add(
        present.patronymic,
        "patronymic",
        SHORT_LEVELS,
        Kind::Patronymic,
    );
    add(
        present.birth,
        "birth date",
        &[
            "missing",
            "exact",
            "one typo or day/month swapped",
            "same year",
            "different",
        ],
        Kind::Birth,
    );
    add(present.phone, "phone", EXACT_LEVELS, Kind::Phone);
    add(present.email, "email", SHORT_LEVELS, Kind::Email);
    add(present.city, "city", SHORT_LEVELS, Kind::City);
    add(present.region, "region", EXACT_LEVELS, Kind::Region);
    add(present.address, "address", NAME_LEVELS, Kind::Address);
    add(present.locality, "locality", SHORT_LEVELS, Kind::Locality);
    add(present.house, "house", EXACT_LEVELS, Kind::House);
    add(present.postcode, "postcode", SHORT_LEVELS, Kind::Postcode);
    add(
        present.national_id,
        "id number",
        SHORT_LEVELS,
        Kind::NationalId,
    );
    add(present.inn, "ИНН", EXACT_LEVELS, Kind::Inn);
    add(present.company, "company", NAME_LEVELS, Kind::Company);
    add(present.sku, "SKU", SHORT_LEVELS, Kind::Sku);
    add(present.product, "product", NAME_LEVELS, Kind::Product);
    out
}

fn text_level(a: &str, b: &str, close: f64, similar: f64) -> u8 {
    if a == b {
        return 1;
    }
    let similarity = jaro_winkler(a, b);
    if similarity >= close {
        2
    } else if similarity >= similar {
        3
    } else {
        4
    }
}

fn name_level(a: &NameKey, b: &NameKey) -> u8 {
    if a.folded == b.folded || a.key == b.key {
        return 1;
    }
    let similarity = jaro_winkler(&a.folded, &b.folded).max(jaro_winkler(&a.key, &b.key));
    if similarity >= 0.94
        || (a.key.len() >= 4
            && a.key.len().abs_diff(b.key.len()) <= 1
            && damerau_levenshtein(&a.key, &b.key) <= 1)
    {
        2
    } else if similarity >= 0.85 {
        3
    } else {
        4
    }
}

/// First names: the same person may be Александр, Саша, Alexander or А.
fn first_level(a: &Features, b: &Features) -> u8 {
    match (&a.first, &b.first) {
        (Some(x), Some(y)) => {
            let shared_form = a
                .first_forms
                .iter()
                .any(|form| b.first_forms.contains(form));
            if x.folded == y.folded || x.key == y.key || shared_form {
                return 1;
            }
            match name_level(x, y) {
                1 | 2 => 2,
                3 => 3,
                // Everyday forms keep the name's start (Кирилл, Кирюша; Данила, Даня).
                _ if shared_start(&x.folded, &y.folded, 3) => 3,
                // ... or its end (Изабелла, Белла).
                _ if shared_end(&x.folded, &y.folded) => 3,
                _ => 4,
            }
        }
        (Some(x), None) => initial_level(x.initial(), b.first_initial),
        (None, Some(y)) => initial_level(a.first_initial, y.initial()),
        (None, None) => match (a.first_initial, b.first_initial) {
            (Some(x), Some(y)) if x == y => 3,
            (Some(_), Some(_)) => 4,
            _ => 0,
        },
    }
}

fn shared_end(a: &str, b: &str) -> bool {
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    short.chars().count() >= 4 && long.ends_with(short)
}

fn shared_start(a: &str, b: &str, letters: usize) -> bool {
    a.chars().count() >= letters && a.chars().take(letters).eq(b.chars().take(letters))
}

fn initial_level(full: Option<char>, initial: Option<char>) -> u8 {
    match (full, initial) {
        (Some(x), Some(y)) if x == y => 3,
        (Some(_), Some(_)) => 4,
        _ => 0,
    }
}

/// Surname and first name, straight or crossed (one record wrote them swapped).
pub fn names_levels(a: &Features, b: &Features) -> (u8, u8) {
    let last = match (&a.last, &b.last) {
        (Some(x), Some(y)) => name_level(x, y),
        _ => 0,
    };
    let first = first_level(a, b);
    if last <= 2 && first <= 2 {
        return (last, first);
    }
    // Crossed: a's surname against b's first name and back.
    if let (Some(al), Some(af), Some(bl), Some(bf)) = (&a.last, &a.first, &b.last, &b.first) {
        let crossed_last = name_level(al, bf);
        let crossed_first = name_level(af, bl);
        if crossed_last <= 2 && crossed_first <= 2 && crossed_last + crossed_first < last + first {
            return (crossed_last, crossed_first.min(2));
        }
    }
    (last, first)
}

fn option_level<T>(a: &Option<T>, b: &Option<T>, level: impl Fn(&T, &T) -> u8) -> u8 {
    match (a, b) {
        (Some(x), Some(y)) => level(x, y),
        _ => 0,
    }
}

fn birth_level(a: &chrono::NaiveDate, b: &chrono::NaiveDate) -> u8 {
    if a == b {
        return 1;
    }
    let (sa, sb) = (
        a.format("%Y%m%d").to_string(),
        b.format("%Y%m%d").to_string(),
    );
    let swapped = a.year() == b.year() && a.month() == b.day() && a.day() == b.month();
    if damerau_levenshtein(&sa, &sb) <= 1 || swapped {
        2
    } else if a.year() == b.year() {
        3
    } else {
        4
    }
}

fn list_level(a: &[String], b: &[String]) -> u8 {
    if a.is_empty() || b.is_empty() {
        0
    } else if a.iter().any(|x| b.contains(x)) {
        1
    } else {
        2
    }
}

fn email_level(a: &[String], b: &[String]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a.iter().any(|x| b.contains(x)) {
        return 1;
    }
    let local = |e: &String| e.split('@').next().map(str::to_string).unwrap_or_default();
    let close = a.iter().any(|x| {
        b.iter().any(|y| {
            (local(x) == local(y) && local(x).len() >= 4)
                || (x.len().abs_diff(y.len()) <= 1 && damerau_levenshtein(x, y) <= 1)
        })
    });
    if close { 2 } else { 3 }
}

fn exact<T: PartialEq>(a: &T, b: &T) -> u8 {
    if a == b { 1 } else { 2 }
}

fn short_level(a: &String, b: &String) -> u8 {
    if a == b {
        1
    } else if damerau_levenshtein(a, b) <= 1 {
        2
    } else {
        3
    }
}

fn three_level(level: u8) -> u8 {
    match level {
        1 => 1,
        2 => 2,
        0 => 0,
        _ => 3,
    }
}

fn patronymic_level(a: &Features, b: &Features) -> u8 {
    let initial_against = |full: &NameKey, initial: Option<char>| match initial {
        Some(i) if Some(i) == full.initial() => 2,
        Some(_) => 3,
        None => 0,
    };
    match (&a.patronymic, &b.patronymic) {
        (Some(x), Some(y)) => three_level(name_level(x, y)),
        (Some(x), None) => initial_against(x, b.patronymic_initial),
        (None, Some(y)) => initial_against(y, a.patronymic_initial),
        (None, None) => match (a.patronymic_initial, b.patronymic_initial) {
            (Some(x), Some(y)) if x == y => 2,
            (Some(_), Some(_)) => 3,
            _ => 0,
        },
    }
}

/// The level of every comparison for one pair, in `comparisons` order.
pub fn levels(comparisons: &[Comparison], a: &Features, b: &Features, out: &mut Vec<u8>) {
    levels_given(comparisons, a, b, names_levels(a, b), out);
}

/// [`levels`] with the pair's (surname, first name) levels already known.
pub fn levels_given(
    comparisons: &[Comparison],
    a: &Features,
    b: &Features,
    (last, first): (u8, u8),
    out: &mut Vec<u8>,
) {
    out.clear();
    for comparison in comparisons {
        let level = match comparison.kind {
            Kind::Last => last,
            Kind::First => first,
            Kind::Patronymic => patronymic_level(a, b),
            Kind::Birth => option_level(&a.birth, &b.birth, birth_level),
            Kind::Phone => list_level(&a.phones, &b.phones),
            Kind::Email => email_level(&a.emails, &b.emails),
            Kind::City => option_level(&a.city, &b.city, |x, y| {
                three_level(text_level(x, y, 0.92, 0.0))
            }),
            Kind::Region => option_level(&a.region, &b.region, exact),
            Kind::Address => {
                option_level(&a.address, &b.address, |x, y| text_level(x, y, 0.92, 0.8))
            }
            Kind::Locality => option_level(&a.locality, &b.locality, |x, y| {
                three_level(text_level(x, y, 0.9, 0.0))
            }),
            Kind::House => option_level(&a.house, &b.house, exact),
            Kind::Postcode => option_level(&a.postcode, &b.postcode, short_level),
            Kind::NationalId => option_level(&a.national_id, &b.national_id, short_level),
            Kind::Inn => option_level(&a.inn, &b.inn, exact),
            Kind::Company => {
                option_level(&a.company, &b.company, |x, y| text_level(x, y, 0.94, 0.85))
            }
            // One digit apart is another product (SN-1001, SN-1002); a suffix
            // is the same one written by another system (SN1001-A).
            Kind::Sku => option_level(&a.sku, &b.sku, |x, y| {
                if x == y {
                    1
                } else if x.starts_with(y.as_str()) || y.starts_with(x.as_str()) {
                    2
                } else {
                    3
                }
            }),
            Kind::Product => option_level(&a.product, &b.product, |x, y| product_level(x, y)),
        };
        out.push(level);
    }
}

/// Product names as word sets: the same words, or one name inside the other,
/// match; a word that differs (a colour, a size) makes another product.
fn product_level(a: &str, b: &str) -> u8 {
    let words = |text: &str| -> std::collections::BTreeSet<String> {
        text.split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (x, y) = (words(a), words(b));
    if x == y {
        1
    } else if x.is_subset(&y) || y.is_subset(&x) {
        2
    } else if x.len() == y.len()
        && x.iter()
            .zip(&y)
            .all(|(p, q)| p == q || (p.len() >= 5 && damerau_levenshtein(p, q) <= 1))
    {
        // The same words with a typo in one of them.
        2
    } else {
        4
    }
}

/// The digits of an article number (`SN-1001-A` → `1001`).
fn sku_digits(sku: &str) -> String {
    sku.chars().filter(char::is_ascii_digit).collect()
}

/// Why two records cannot be one person whatever else agrees: a family
/// (another first name, patronymic or gender) or a namesake (another birth
/// date, and nothing of the household in common). An identity number that
/// agrees overrides. For products, other article-number digits.
pub fn conflict(a: &Features, b: &Features) -> bool {
    conflict_given(a, b, names_levels(a, b))
}

/// [`conflict`] with the pair's (surname, first name) levels already known.
pub fn conflict_given(a: &Features, b: &Features, (last, first): (u8, u8)) -> bool {
    // Products: article numbers with other digits are other products.
    if let (Some(x), Some(y)) = (&a.sku, &b.sku)
        && !sku_digits(x).is_empty()
        && sku_digits(x) != sku_digits(y)
    {
        return true;
    }
    let id_agrees = matches!((&a.national_id, &b.national_id), (Some(x), Some(y)) if short_level(x, y) <= 2)
        || matches!((&a.inn, &b.inn), (Some(x), Some(y)) if x == y && x.len() == 12);
    if id_agrees {
        return false;
    }
    if let (Some(x), Some(y)) = (a.gender, b.gender)
        && x != y
    {
        return true;
    }
    if let (Some(x), Some(y)) = (&a.patronymic, &b.patronymic)
        && name_level(x, y) == 4
    {
        return true;
    }
    // Two first names that cannot be one: a family, unless a personal e-mail agrees.
    if first == 4
        && a.first.is_some()
        && b.first.is_some()
        && email_level(&a.emails, &b.emails) != 1
    {
        return true;
    }
    if let (Some(x), Some(y)) = (&a.birth, &b.birth)
        && birth_level(x, y) >= 3
    {
        // One name and one household with a mistyped birth date is one
        // person; one name anywhere else with another birth date is a namesake.
        let same_name = first == 1 && last <= 2;
        let household = list_level(&a.phones, &b.phones) == 1
            || email_level(&a.emails, &b.emails) == 1
            || option_level(&a.address, &b.address, |x, y| text_level(x, y, 0.92, 0.8)) <= 2
                && a.address.is_some()
                && b.address.is_some();
        return !(same_name && household);
    }
    false
}
