//! Hiding a customer's personal data before their question leaves for a
//! language model: `pii` finds names, phones, e-mails and identifiers, and
//! each becomes a Russian placeholder («[ТЕЛЕФОН]») the model can still
//! read around.

use std::sync::LazyLock;

use crate::compiled;
use pii::PiiKind;
use regex::Regex;

/// `text` with personal data replaced by placeholders: [ИМЯ], [ТЕЛЕФОН],
/// [EMAIL], [АДРЕС], [ИНН], [СНИЛС], [ПАСПОРТ], [КАРТА], [ОГРН], [СЧЁТ].
pub fn mask_personal_data(text: &str) -> String {
    replace(text, |label, _| Some(label))
}

/// `text` with personal data cut out: who is asking and how to reach them
/// say nothing about what they ask, yet as rare words they would count
/// against every passage's confidence. A name the sources use is kept:
/// `pii` reads some product names as people's («JBL Tune»).
pub(crate) fn without_personal_data(text: &str, sources_use: impl Fn(&str) -> bool) -> String {
    replace(text, |label, span| {
        (label != placeholder(PiiKind::Person) || !sources_use(span)).then_some(" ")
    })
}

/// `text` with each span of personal data replaced by what `by` gives for
/// its placeholder and its text, or kept when it gives nothing.
fn replace(text: &str, by: impl Fn(&'static str, &str) -> Option<&'static str>) -> String {
    let mut spans: Vec<(usize, usize, &'static str)> = pii::detect(text)
        .into_iter()
        .map(|entity| (entity.start, entity.end, placeholder(entity.kind)))
        .collect();
    // `pii` has no postal addresses yet; until it does, the common Russian
    // street forms are caught here, after `pii`'s finds so those win.
    for (start, end) in street_addresses(text) {
        if spans.iter().all(|&(s, e, _)| end <= s || e <= start) {
            spans.push((start, end, "[АДРЕС]"));
        }
    }
    spans.sort_unstable();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut position = 0;
    for (start, end, label) in spans {
        if start < position || end > chars.len() {
            continue;
        }
        out.extend(&chars[position..start]);
        let span: String = chars[start..end].iter().collect();
        out.push_str(by(label, &span).unwrap_or(&span));
        position = end;
    }
    out.extend(&chars[position..]);
    out
}

fn placeholder(kind: PiiKind) -> &'static str {
    match kind {
        PiiKind::Person => "[ИМЯ]",
        PiiKind::Phone => "[ТЕЛЕФОН]",
        PiiKind::Email => "[EMAIL]",
        PiiKind::Inn => "[ИНН]",
        PiiKind::Snils => "[СНИЛС]",
        PiiKind::Passport => "[ПАСПОРТ]",
        PiiKind::Card => "[КАРТА]",
        PiiKind::Ogrn => "[ОГРН]",
        PiiKind::BankAccount => "[СЧЁТ]",
    }
}

/// Character spans of «ул. Ленина, д. 5, кв. 12», «проспект Мира 10 кв 3»,
/// «д. 7, кв. 45»: a street word and the street's name with what follows it,
/// or a house with a flat.
fn street_addresses(text: &str) -> Vec<(usize, usize)> {
    static STREET: LazyLock<Regex> = LazyLock::new(|| {
        let cue_dot = r"(?i:ул|пр-т|просп|пер|ш|наб|мкр|б-р|туп)\.\s*";
        let cue_word = r"(?i:ул|улиц[аеуы]|улицей|пр-т|проспект\p{L}*|переул\p{L}*|шоссе|набережн\p{L}*|бульвар\p{L}*|микрорайон\p{L}*|проезд\p{L}*|тупик\p{L}*)\s+";
        let name = r"[\p{L}\d][\p{L}\d\-]*(?:\s+\p{Lu}[\p{L}\-]*){0,2}";
        let house = r"(?:,?\s*(?i:д\.?|дом)?\s*\d+\p{L}?(?:/\d+)?)?";
        let building = r"(?:,?\s*(?i:к\.?|корп\.?|корпус|стр\.?|строение)\s*\d+)?";
        let flat = r"(?:,?\s*(?i:кв\.?|квартира|оф\.?|офис)\s*\d+)?";
        compiled(&format!(
            r"\b(?:{cue_dot}|{cue_word}){name}{house}{building}{flat}"
        ))
    });
    static HOUSE_AND_FLAT: LazyLock<Regex> = LazyLock::new(|| {
        compiled(
            r"\b(?i:д\.|дом)\s*\d+\p{L}?(?:/\d+)?(?:,?\s*(?i:к\.?|корп\.?|корпус|стр\.?)\s*\d+)?,?\s*(?i:кв\.?|квартира)\s*\d+",
        )
    });
    let mut spans: Vec<(usize, usize)> = STREET
        .find_iter(text)
        .chain(HOUSE_AND_FLAT.find_iter(text))
        .map(|m| {
            let start = text[..m.start()].chars().count();
            (start, start + m.as_str().chars().count())
        })
        .collect();
    spans.sort_unstable();
    spans.dedup_by(|later, earlier| later.0 < earlier.1);
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_addresses_are_found_with_house_and_flat() {
        let text = "Доставьте на ул. Ленина, д. 5, кв. 12 завтра";
        let spans = street_addresses(text);
        let found: Vec<String> = spans
            .iter()
            .map(|&(s, e)| text.chars().skip(s).take(e - s).collect())
            .collect();
        assert_eq!(found, ["ул. Ленина, д. 5, кв. 12"]);
        assert!(street_addresses("хочу улучшить тариф").is_empty());
    }

    #[test]
    fn every_kind_gets_a_russian_placeholder() {
        for kind in PiiKind::ALL {
            assert!(placeholder(kind).starts_with('['));
        }
    }
}
