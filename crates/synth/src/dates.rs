//! Birth dates and the ways exports write them: `12.03.1985`, `12.03.85`,
//! `1985-03-12`, `12 марта 1985 г.`, Excel serial numbers (`31118`), a
//! spreadsheet's `12.03.1985 0:00:00`, and the American order when it cannot
//! be misread.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{chance, weighted};

const MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

const MONTHS_SHORT: [&str; 12] = [
    "янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
];

/// A birth date of an adult customer, 1950–2006.
pub(crate) fn birth_date(rng: &mut StdRng) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default();
    start + chrono::Days::new(rng.random_range(0..57 * 365))
}

/// `date` moved by `years` (a child's or a parent's), a random day of that year.
pub(crate) fn years_from(rng: &mut StdRng, date: NaiveDate, years: i32) -> NaiveDate {
    let year = (date.year() + years).clamp(1930, 2007);
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(date);
    start + chrono::Days::new(rng.random_range(0..365))
}

/// Days since 1899-12-30, as Excel stores a date.
pub(crate) fn excel_serial(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (date - epoch).num_days()
}

/// The canonical form, `YYYY-MM-DD`.
pub(crate) fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Dotted,
    DottedShortYear,
    Slashed,
    Iso,
    Words,
    WordsYear,
    Excel,
    ExcelTime,
    NoZeros,
    American,
    Dashed,
    ShortMonth,
    YearFirstDots,
    IsoTime,
}

/// The date as an export shows it; `excel_bias` raises the share of
/// spreadsheet serial numbers.
pub(crate) fn show(rng: &mut StdRng, date: NaiveDate, excel_bias: bool) -> String {
    if excel_bias && chance(rng, 0.4) {
        return excel_serial(date).to_string();
    }
    let style = weighted(
        rng,
        &[
            (Style::Dotted, 40),
            (Style::DottedShortYear, 8),
            (Style::Slashed, 6),
            (Style::Iso, 10),
            (Style::Words, 6),
            (Style::WordsYear, 4),
            (Style::Excel, 5),
            (Style::ExcelTime, 3),
            (Style::NoZeros, 4),
            (Style::American, 3),
            (Style::Dashed, 3),
            (Style::ShortMonth, 2),
            (Style::YearFirstDots, 2),
            (Style::IsoTime, 2),
        ],
    );
    let (d, m, y) = (date.day(), date.month(), date.year());
    let month = (m as usize).saturating_sub(1).min(11);
    match style {
        Style::Dotted => format!("{d:02}.{m:02}.{y}"),
        Style::DottedShortYear => format!("{d:02}.{m:02}.{:02}", y % 100),
        Style::Slashed => format!("{d:02}/{m:02}/{y}"),
        Style::Iso => iso(date),
        Style::Words => format!("{d} {} {y}", MONTHS[month]),
        Style::WordsYear => format!("{d} {} {y} г.", MONTHS[month]),
        Style::Excel => excel_serial(date).to_string(),
        Style::ExcelTime => format!("{d:02}.{m:02}.{y} 0:00:00"),
        Style::NoZeros => format!("{d}.{m}.{y}"),
        // Month first only when the day cannot be a month, so the truth is certain.
        Style::American if d > 12 => format!("{m}/{d}/{y}"),
        Style::American => format!("{d:02}.{m:02}.{y}"),
        Style::Dashed => format!("{d:02}-{m:02}-{y}"),
        Style::ShortMonth => format!("{d} {} {y}", MONTHS_SHORT[month]),
        Style::YearFirstDots => format!("{y}.{m:02}.{d:02}"),
        Style::IsoTime => format!("{}T00:00:00", iso(date)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serial_matches_excel() {
        let date = NaiveDate::from_ymd_opt(1985, 3, 12).expect("valid date");
        assert_eq!(excel_serial(date), 31118);
    }
}
