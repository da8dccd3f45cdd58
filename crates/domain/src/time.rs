//! Timestamps and dates as CRM exports write them, made UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::ValueError;

const EXPECTED_TIMESTAMP: &str =
    "a date and time such as 2024-03-15 14:30, 15.03.2024 14:30:00 or 2024-03-15T11:30:00Z";
const EXPECTED_DATE: &str = "a date such as 2024-03-15 or 15.03.2024";

const DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
];

const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y",
];

/// Parses a point in time. Text with an offset (`Z`, `+03:00`) keeps it; text
/// without one is local time at `local_offset`; 10- and 13-digit numbers are
/// Unix seconds and milliseconds (HubSpot's form). A bare date is midnight.
pub fn parse_timestamp(text: &str, local_offset: FixedOffset) -> Result<DateTime<Utc>, ValueError> {
    let trimmed = text.trim();
    let invalid = || {
        ValueError::new(
            format!("{trimmed:?} is not a date and time"),
            EXPECTED_TIMESTAMP,
        )
    };
    if let Ok(parsed) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(parsed.with_timezone(&Utc));
    }
    if let Ok(parsed) = DateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Ok(parsed.with_timezone(&Utc));
    }
    if trimmed.chars().all(|c| c.is_ascii_digit()) && matches!(trimmed.len(), 10 | 13) {
        let number: i64 = trimmed.parse().map_err(|_| invalid())?;
        let millis = if trimmed.len() == 10 {
            number * 1000
        } else {
            number
        };
        return DateTime::from_timestamp_millis(millis).ok_or_else(invalid);
    }
    let naive = DATETIME_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(trimmed, format).ok())
        .or_else(|| parse_naive_date(trimmed).and_then(|date| date.and_hms_opt(0, 0, 0)))
        .ok_or_else(invalid)?;
    local_offset
        .from_local_datetime(&naive)
        .single()
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(invalid)
}

/// Parses a calendar date (`2024-03-15`, `15.03.2024`, `03/15/2024`). A date
/// with a time attached keeps only the date.
pub fn parse_date(text: &str) -> Result<NaiveDate, ValueError> {
    let trimmed = text.trim();
    let date_part = trimmed.split([' ', 'T']).next().unwrap_or(trimmed);
    parse_naive_date(date_part)
        .ok_or_else(|| ValueError::new(format!("{trimmed:?} is not a date"), EXPECTED_DATE))
}

fn parse_naive_date(text: &str) -> Option<NaiveDate> {
    // A slash date whose first part exceeds 12 can only be day-first.
    let day_first = text
        .split('/')
        .next()
        .and_then(|first| first.parse::<u32>().ok())
        .is_some_and(|first| first > 12);
    DATE_FORMATS
        .iter()
        .filter(|format| !(day_first && **format == "%m/%d/%Y"))
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
        .filter(|date| (1900..=2200).contains(&chrono::Datelike::year(date)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moscow() -> FixedOffset {
        FixedOffset::east_opt(3 * 3600).unwrap()
    }

    fn check(input: &str, expected_utc: &str) {
        let parsed =
            parse_timestamp(input, moscow()).unwrap_or_else(|error| panic!("{input:?}: {error}"));
        assert_eq!(parsed.to_rfc3339(), expected_utc, "input {input:?}");
    }

    #[test]
    fn local_times_are_read_at_the_local_offset_and_stored_in_utc() {
        check("2024-03-15 14:30:00", "2024-03-15T11:30:00+00:00");
        check("15.03.2024 14:30", "2024-03-15T11:30:00+00:00");
        check("15.03.2024", "2024-03-14T21:00:00+00:00");
        check("03/15/2024 2:30 PM", "2024-03-15T11:30:00+00:00");
    }

    #[test]
    fn explicit_offsets_and_epochs_are_exact() {
        check("2024-03-15T11:30:00Z", "2024-03-15T11:30:00+00:00");
        check("2024-03-15T14:30:00+03:00", "2024-03-15T11:30:00+00:00");
        check("1710502200000", "2024-03-15T11:30:00+00:00");
        check("1710502200", "2024-03-15T11:30:00+00:00");
    }

    #[test]
    fn dates_in_russian_iso_and_us_order() {
        for (input, expected) in [
            ("2024-03-15", "2024-03-15"),
            ("15.03.2024", "2024-03-15"),
            ("03/15/2024", "2024-03-15"),
            ("15/03/2024", "2024-03-15"),
            ("1990-01-02 00:00:00", "1990-01-02"),
        ] {
            assert_eq!(
                parse_date(input).unwrap().to_string(),
                expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for input in [
            "",
            "завтра",
            "31.02.2024",
            "2024-13-01",
            "15.03.0024",
            "перезвонить",
        ] {
            assert!(
                parse_timestamp(input, moscow()).is_err(),
                "{input:?} should be rejected"
            );
        }
    }
}
