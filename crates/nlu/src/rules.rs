//! Entities that have a shape rather than a vocabulary: phones, e-mails,
//! dates («завтра», «в четверг», «15 марта»), times, money, weights
//! («15 тонн», «полторы тонны»), order numbers. Each match carries its value
//! in a typed form (E.164 phone, ISO date, kilograms, an amount and
//! currency) for dialogue slots; the tagger also uses them as features.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;
use serde_json::{Value, json};

/// A rule's find, offsets in Unicode characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The value in a form a program can use.
    pub info: Value,
}

/// The kinds the rules find, by the name they give.
pub const KINDS: &[&str] = &[
    "phone",
    "email",
    "date",
    "time",
    "money",
    "weight",
    "order_number",
];

struct Rule {
    kind: &'static str,
    pattern: Regex,
    read: fn(&str, NaiveDate) -> Option<Value>,
}

fn rule(kind: &'static str, pattern: &str, read: fn(&str, NaiveDate) -> Option<Value>) -> Rule {
    Rule {
        kind,
        pattern: Regex::new(&format!("(?i){pattern}"))
            .unwrap_or_else(|e| panic!("rule {kind}: {e}")),
        read,
    }
}

const MONTHS: &str = "январ[яеь]|феврал[яеь]|марта?|апрел[яеь]|ма[яй]|июн[яеь]|июл[яеь]|августа?|сентябр[яеь]|октябр[яеь]|ноябр[яеь]|декабр[яеь]|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const WEEKDAYS: &str = "понедельник|вторник|сред[ау]|четверг|пятниц[уа]|суббот[уа]|воскресенье|monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:в|во)\\s(?:пн|вт|ср|чт|пт|сб|вс)";

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        rule(
            "email",
            r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,}\b",
            |text, _| {
                domain::Email::parse(text)
                    .ok()
                    .map(|e| json!({"email": e.as_str()}))
            },
        ),
        rule(
            "phone",
            r"(?:\+\s?\d{1,3}|\b8|\b7)?[\s\-]?\(?\d{3}\)?[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}\b",
            |text, _| {
                domain::Phone::parse(text, "RU")
                    .ok()
                    .map(|p| json!({"phone": p.as_e164()}))
            },
        ),
        rule(
            "date",
            &format!(
                r"\b(?:сегодня|завтра|послезавтра|today|tomorrow|(?:в|во|на|on|this|next)?\s?(?:эт[оу]|следующ(?:ий|ую|ее)|ближайш(?:ий|ую))?\s?(?:{WEEKDAYS})|\d{{1,2}}(?:-?го)?\s(?:{MONTHS})|(?:{MONTHS})\s\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}[./]\d{{1,2}}(?:[./]\d{{2,4}})?|на\s(?:следующей|этой)\sнеделе|next\sweek|через\s(?:\d+\s)?(?:день|дня|дней|неделю|недели))\b"
            ),
            read_date,
        ),
        rule(
            "time",
            r"(?:\b(?:в|к|с|до|at|by)\s)?\b(?:[01]?\d|2[0-3])[:.][0-5]\d\b|\b(?:в|к)\s(?:[01]?\d|2[0-3])\s?(?:час(?:а|ов)?|ч)\b|\b(?:утром|днем|днём|вечером|ночью|после\sобеда|до\sобеда|в\sобед|in\sthe\s(?:morning|afternoon|evening)|tonight)\b",
            |text, _| Some(json!({"time": text})),
        ),
        rule(
            "money",
            r"(?:\b\d+(?:[.,]\d+)?\s?(?:[кk]|косар(?:ь|я|ей))\b|[$€₽]\s?\d[\d\s]*(?:[.,]\d+)?|\b\d[\d\s]*(?:[.,]\d+)?\s?(?:тыс(?:\.|яч[аи]?)?|тыщ[иа]?|млн|k|к)?\.?\s?(?:руб(?:л(?:ей|я|ь))?\.?|р\.|₽|rub|usd|\$|долл(?:ар(?:ов|а)?)?|евро|eur|€|dollars?)|\b\d[\d\s]*(?:[.,]\d+)?\s?(?:тыс(?:\.|яч[аи]?)?|тыщ[иа]?|млн)(?:\s|$|[.,!?]))",
            read_money,
        ),
        rule(
            "weight",
            r"(?:\b\d+(?:[.,]\d+)?\s?(?:тонн[аы]?|тн|т|кг|кило|килограмм(?:ов|а)?|центнер(?:ов|а)?|ц|tons?|tonnes?|t|kg)|\b(?:полторы|пол|половина|одна|две|три|четыре|пять|десять|двадцать)(?:\sс\sполовиной)?\s?(?:тонн[аы]?|тонну))\b",
            read_weight,
        ),
        rule(
            "order_number",
            r"(?:№\s?\d[\d\-]{2,}|\b[A-ZА-Я]{1,3}-?\d{4,10}(?:-\d{1,3})?\b|\b\d{4,10}(?:-\d{1,3})?\b)",
            |text, _| Some(json!({"order_number": text.trim_start_matches('№').trim()})),
        ),
    ]
});

/// Everything the rules find in `text`, dates read against `today`.
/// Overlaps are kept: a number may be an order number and a weight's digits.
pub fn find(text: &str, today: NaiveDate) -> Vec<Match> {
    let mut found = Vec::new();
    for rule in RULES.iter() {
        for m in rule.pattern.find_iter(text) {
            let raw = m.as_str();
            // «№» and «#» say "number", they are not part of it.
            let trimmed = raw.trim_start_matches(['№', '#']).trim();
            if trimmed.is_empty() {
                continue;
            }
            let offset = raw.len() - raw.trim_start_matches(['№', '#']).trim_start().len();
            let byte_start = m.start() + offset;
            let byte_end = byte_start + trimmed.len();
            let Some(info) = (rule.read)(trimmed, today) else {
                continue;
            };
            found.push(Match {
                kind: rule.kind,
                start: text[..byte_start].chars().count(),
                end: text[..byte_end].chars().count(),
                text: trimmed.to_string(),
                info,
            });
        }
    }
    // A phone's digits are not also an order number.
    let phones: Vec<(usize, usize)> = found
        .iter()
        .filter(|m| m.kind == "phone")
        .map(|m| (m.start, m.end))
        .collect();
    found.retain(|m| m.kind == "phone" || !phones.iter().any(|&(s, e)| m.start < e && s < m.end));
    found
}

fn read_date(text: &str, today: NaiveDate) -> Option<Value> {
    let lower = text.to_lowercase();
    let day = |d: NaiveDate| Some(json!({"date": d.format("%Y-%m-%d").to_string()}));
    if lower.contains("послезавтра") {
        return day(today + Duration::days(2));
    }
    if lower.contains("завтра") || lower.contains("tomorrow") {
        return day(today + Duration::days(1));
    }
    if lower.contains("сегодня") || lower.contains("today") {
        return day(today);
    }
    if lower.contains("недел") || lower.contains("week") {
        if lower.contains("через") || lower.contains("следующ") || lower.contains("next")
        {
            return day(today + Duration::days(7));
        }
        return day(today);
    }
    if lower.starts_with("через") {
        let n: i64 = lower
            .split_whitespace()
            .find_map(|w| w.parse().ok())
            .unwrap_or(1);
        return day(today + Duration::days(n));
    }
    const DAYS: [(&str, Weekday); 21] = [
        ("понедельник", Weekday::Mon),
        ("вторник", Weekday::Tue),
        ("сред", Weekday::Wed),
        ("четверг", Weekday::Thu),
        ("пятниц", Weekday::Fri),
        ("суббот", Weekday::Sat),
        ("воскресень", Weekday::Sun),
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
        // Abbreviations last: the full names above contain none of them.
        (" пн", Weekday::Mon),
        (" вт", Weekday::Tue),
        (" ср", Weekday::Wed),
        (" чт", Weekday::Thu),
        (" пт", Weekday::Fri),
        (" сб", Weekday::Sat),
        (" вс", Weekday::Sun),
    ];
    if let Some((_, weekday)) = DAYS.iter().find(|(name, _)| lower.contains(name)) {
        let ahead = (i64::from(weekday.num_days_from_monday())
            - i64::from(today.weekday().num_days_from_monday()))
        .rem_euclid(7);
        let ahead = if ahead == 0 { 7 } else { ahead };
        let ahead = if lower.contains("следующ") || lower.contains("next") {
            ahead + if ahead < 7 { 7 } else { 0 }
        } else {
            ahead
        };
        return day(today + Duration::days(ahead));
    }
    let numbers: Vec<u32> = lower
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse().ok())
        .collect();
    let month = MONTH_STEMS
        .iter()
        .position(|stems| stems.iter().any(|s| lower.contains(s)))
        .map(|i| i as u32 + 1)
        .or_else(|| numbers.get(1).copied());
    let (&d, Some(m)) = (numbers.first()?, month) else {
        return None;
    };
    let year = match numbers.get(2) {
        Some(&y) if y < 100 => 2000 + y as i32,
        Some(&y) => y as i32,
        None => today.year(),
    };
    let mut date = NaiveDate::from_ymd_opt(year, m, d)?;
    if numbers.get(2).is_none() && date < today {
        date = NaiveDate::from_ymd_opt(year + 1, m, d)?;
    }
    day(date)
}

const MONTH_STEMS: [&[&str]; 12] = [
    &["январ", "jan"],
    &["феврал", "feb"],
    &["март", "mar"],
    &["апрел", "apr"],
    &["мая", "май", "may"],
    &["июн", "jun"],
    &["июл", "jul"],
    &["август", "aug"],
    &["сентябр", "sep"],
    &["октябр", "oct"],
    &["ноябр", "nov"],
    &["декабр", "dec"],
];

fn number_in(text: &str) -> Option<f64> {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || matches!(c, ' ' | ',' | '.' | '\u{a0}'))
        .filter(|c| !c.is_whitespace())
        .collect();
    digits
        .trim_end_matches(['.', ','])
        .replace(',', ".")
        .parse()
        .ok()
}

fn read_money(text: &str, _: NaiveDate) -> Option<Value> {
    let lower = text.to_lowercase();
    let mut amount = number_in(&lower)?;
    if lower.contains("млн") {
        amount *= 1e6;
    } else if lower.contains("тыс")
        || lower.contains("тыщ")
        || lower.contains("косар")
        || lower.ends_with('k')
        || lower.ends_with('к')
    {
        amount *= 1e3;
    }
    let currency = if lower.contains('$')
        || lower.contains("usd")
        || lower.contains("долл")
        || lower.contains("dollar")
    {
        "USD"
    } else if lower.contains('€') || lower.contains("евро") || lower.contains("eur") {
        "EUR"
    } else {
        "RUB"
    };
    Some(json!({"amount": amount, "currency": currency}))
}

fn read_weight(text: &str, _: NaiveDate) -> Option<Value> {
    let lower = text.to_lowercase();
    let words = [
        ("полторы", 1.5),
        ("половина", 0.5),
        ("пол", 0.5),
        ("одна", 1.0),
        ("две", 2.0),
        ("три", 3.0),
        ("четыре", 4.0),
        ("пять", 5.0),
        ("десять", 10.0),
        ("двадцать", 20.0),
    ];
    let number = number_in(&lower).or_else(|| {
        words
            .iter()
            .find(|(w, _)| lower.starts_with(w))
            .map(|(_, n)| *n)
    })?;
    let number = if lower.contains("с половиной") {
        number + 0.5
    } else {
        number
    };
    let unit =
        lower.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, ',' | '.' | ' '));
    let kg = if unit.starts_with("кг") || unit.starts_with("кило") || unit.starts_with("kg") {
        number
    } else if unit.starts_with('ц') {
        number * 100.0
    } else {
        number * 1000.0
    };
    Some(json!({"kg": kg}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&'static str, String, Value)> {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
        find(text, today)
            .into_iter()
            .map(|m| (m.kind, m.text, m.info))
            .collect()
    }

    #[test]
    fn the_logistics_request_gives_its_weight_in_kilograms() {
        let found = kinds("Нужна доставка из Владивостока в Екатеринбург, 15 тонн, срочно");
        assert_eq!(
            found,
            [("weight", "15 тонн".to_string(), json!({"kg": 15000.0}))]
        );
        assert_eq!(kinds("10тн из Самары")[0].2, json!({"kg": 10000.0}));
        assert_eq!(kinds("две с половиной тонны")[0].2, json!({"kg": 2500.0}));
        let found = kinds("груз полторы тонны и ещё 500 кг");
        assert_eq!(found[0].2, json!({"kg": 1500.0}));
        assert_eq!(found[1].2, json!({"kg": 500.0}));
    }

    #[test]
    fn relative_dates_are_read_against_today() {
        // 2026-11-28 is a Saturday.
        let found = kinds("перезвоните завтра в 18:00");
        assert_eq!(found[0].2, json!({"date": "2026-11-29"}));
        assert_eq!(found[1].1, "в 18:00");
        assert_eq!(
            kinds("давайте в четверг")[0].2,
            json!({"date": "2026-12-03"})
        );
        assert_eq!(kinds("15 марта удобно")[0].2, json!({"date": "2027-03-15"}));
    }

    #[test]
    fn phones_emails_money_and_order_numbers() {
        let found = kinds("мой номер +7 912 345-67-89, почта ivan@mail.ru");
        assert_eq!(found[0].2, json!({"email": "ivan@mail.ru"}));
        assert_eq!(found[1].2, json!({"phone": "+79123456789"}));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            kinds("бюджет до 30 тыс руб")[0].2,
            json!({"amount": 30000.0, "currency": "RUB"})
        );
        assert_eq!(
            kinds("уложусь в 50к?")[0].2,
            json!({"amount": 50000.0, "currency": "RUB"})
        );
        assert_eq!(kinds("позвоните в пт")[0].2, json!({"date": "2026-12-04"}));
        let found = kinds("где заказ № 4567-89?");
        assert_eq!(found[0].0, "order_number");
        assert_eq!(found[0].2, json!({"order_number": "4567-89"}));
    }

    #[test]
    fn offsets_are_characters() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
        let text = "Привет, 5 тонн";
        let m = &find(text, today)[0];
        let chars: String = text.chars().skip(m.start).take(m.end - m.start).collect();
        assert_eq!(chars, "5 тонн");
    }
}
