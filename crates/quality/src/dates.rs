//! Dates as people write them in Russian data: `12.03.1985`, `12.03.85`,
//! `12/03/1985`, «12 марта 1985 г.», `1985-03-12`, `19850312`, Excel serials.

use chrono::{Datelike, NaiveDate};

/// What a date is, which decides a two-digit year: a birth date is never in
/// the future and rarely under 14 years ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    Birth,
    Event,
}

/// Which of two small numbers comes first in a slashed or dotted date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Russian and European: day, month.
    #[default]
    DayFirst,
    /// American: month, day (only when a column proves it).
    MonthFirst,
}

const MONTHS: &[(&str, u32)] = &[
    ("январ", 1),
    ("феврал", 2),
    ("март", 3),
    ("марта", 3),
    ("апрел", 4),
    ("мая", 5),
    ("май", 5),
    ("июн", 6),
    ("июл", 7),
    ("август", 8),
    ("сентябр", 9),
    ("октябр", 10),
    ("ноябр", 11),
    ("декабр", 12),
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

fn month_of(word: &str) -> Option<u32> {
    let word = lexicon::fold(word);
    let word = word.trim_end_matches('.');
    MONTHS
        .iter()
        .filter(|(stem, _)| word.starts_with(stem) && (word.len() - stem.len()) <= 6)
        .max_by_key(|(stem, _)| stem.len())
        .map(|(_, month)| *month)
}

/// A two-digit year resolved by meaning, given today's date.
fn full_year(year: u32, kind: DateKind, today: NaiveDate) -> i32 {
    let this_year = today.year();
    let century = this_year - this_year % 100;
    let candidate = century + year as i32;
    match kind {
        DateKind::Birth => {
            if candidate > this_year - 14 {
                candidate - 100
            } else {
                candidate
            }
        }
        // Events: up to ten years ahead, otherwise last century.
        DateKind::Event => {
            if candidate > this_year + 10 {
                candidate - 100
            } else {
                candidate
            }
        }
    }
}

/// Reads a date; `None` when the text is not one date.
pub fn parse_date(text: &str, order: Order, kind: DateKind, today: NaiveDate) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let lower = lexicon::fold(text);
    // A time after the date is dropped: «12.03.1985 00:00», ISO «T».
    let date_part = lower
        .split(['t', ' '])
        .next()
        .filter(|part| part.chars().any(|c| c.is_ascii_digit()) && part.contains(['-', '.', '/']))
        .unwrap_or(&lower);
    let numbers: Vec<&str> = date_part
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .collect();
    let has_letters = date_part.chars().any(char::is_alphabetic);
    let date = if has_letters {
        words_date(&lower, kind, today)
    } else {
        match numbers.as_slice() {
            [single] => digits_date(single),
            [a, b, c] => numeric_date(a, b, c, order, kind, today),
            _ => None,
        }
    };
    date.filter(|d| (1850..=2200).contains(&d.year()))
        .filter(|d| kind != DateKind::Birth || *d <= today)
}

fn digits_date(digits: &str) -> Option<NaiveDate> {
    match digits.len() {
        // YYYYMMDD, as FEBRL and many exports write it.
        8 => {
            let year = digits[..4].parse().ok()?;
            let month = digits[4..6].parse().ok()?;
            let day = digits[6..].parse().ok()?;
            NaiveDate::from_ymd_opt(year, month, day)
        }
        // An Excel serial day number (1900 system; its fake 29 Feb 1900 is before 61).
        4 | 5 => {
            let serial: i64 = digits.parse().ok()?;
            if !(61..=80_000).contains(&serial) {
                return None;
            }
            NaiveDate::from_ymd_opt(1899, 12, 30)?
                .checked_add_signed(chrono::Duration::days(serial))
        }
        _ => None,
    }
}

fn numeric_date(
    a: &str,
    b: &str,
    c: &str,
    order: Order,
    kind: DateKind,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let n = |s: &str| s.parse::<u32>().ok();
    if a.len() == 4 {
        return NaiveDate::from_ymd_opt(n(a)? as i32, n(b)?, n(c)?);
    }
    let year = match c.len() {
        4 => n(c)? as i32,
        2 => full_year(n(c)?, kind, today),
        _ => return None,
    };
    let (first, second) = (n(a)?, n(b)?);
    let (day, month) = match order {
        _ if first > 12 => (first, second),
        _ if second > 12 => (second, first),
        Order::DayFirst => (first, second),
        Order::MonthFirst => (second, first),
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

fn words_date(text: &str, kind: DateKind, today: NaiveDate) -> Option<NaiveDate> {
    // «12 марта 1985 г.», «March 12, 1985», «12-мар-85».
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '/')
        .filter(|w| !w.is_empty() && !matches!(*w, "г." | "г" | "года" | "год"))
        .collect();
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for word in words {
        let digits: String = word.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            month = month.or_else(|| month_of(word));
            continue;
        }
        let value: u32 = digits.parse().ok()?;
        match digits.len() {
            4 if year.is_none() => year = Some(value as i32),
            1 | 2 if day.is_none() && (1..=31).contains(&value) => day = Some(value),
            2 if year.is_none() => year = Some(full_year(value, kind, today)),
            _ => return None,
        }
    }
    NaiveDate::from_ymd_opt(year?, month?, day.unwrap_or(1))
}

/// The order a column's dates follow: month-first only when some value can
/// only be read that way (`03/15/2024`) and none only day-first.
pub fn column_order<'a>(values: impl Iterator<Item = &'a str>) -> Order {
    let mut day_first = 0;
    let mut month_first = 0;
    for value in values {
        let parts: Vec<u32> = value
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .collect();
        if let [a, b, _] = parts[..]
            && !value
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit() && value.find(['-', '.', '/']) == Some(4))
        {
            if a > 12 && b <= 12 {
                day_first += 1;
            } else if b > 12 && a <= 12 {
                month_first += 1;
            }
        }
    }
    if month_first > 0 && day_first == 0 {
        Order::MonthFirst
    } else {
        Order::DayFirst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn birth(text: &str) -> Option<String> {
        parse_date(text, Order::DayFirst, DateKind::Birth, today()).map(|d| d.to_string())
    }

    #[test]
    fn russian_writings_of_a_birth_date() {
        for text in [
            "12.03.1985",
            "12.03.85",
            "12/03/1985",
            "1985-03-12",
            "12 марта 1985",
            "12 марта 1985 г.",
            "12 мар 1985",
            "12-03-1985",
            "31118",
            "19850312",
            "1985-03-12 00:00:00",
            "12.03.1985 0:00",
            "March 12, 1985",
            "12 Mar 1985",
        ] {
            assert_eq!(birth(text).as_deref(), Some("1985-03-12"), "{text}");
        }
    }

    #[test]
    fn two_digit_years_resolve_by_meaning() {
        assert_eq!(birth("01.02.03").as_deref(), Some("2003-02-01"));
        assert_eq!(
            birth("01.02.20").as_deref(),
            Some("1920-02-01"),
            "a 6-year-old client is unlikely"
        );
        let event = parse_date("01.02.27", Order::DayFirst, DateKind::Event, today());
        assert_eq!(event.map(|d| d.to_string()).as_deref(), Some("2027-02-01"));
    }

    #[test]
    fn impossible_or_future_birth_dates_are_not_dates() {
        for text in ["31.02.1985", "12.13.1985x", "2030-01-01", "вчера", "12", ""] {
            assert_eq!(birth(text), None, "{text}");
        }
    }

    #[test]
    fn a_column_proves_its_order() {
        assert_eq!(
            column_order(["03/15/2024", "04/01/2024"].into_iter()),
            Order::MonthFirst
        );
        assert_eq!(
            column_order(["15/03/2024", "04/01/2024"].into_iter()),
            Order::DayFirst
        );
        assert_eq!(column_order(["2024-03-15"].into_iter()), Order::DayFirst);
    }
}
