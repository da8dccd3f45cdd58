//! Turns raw JSON into records the way every other input does: through
//! [`EntityKind::parse_draft`] and [`Record::create`].
//!
//! The factory also owns the seeded random source and gives records
//! deterministic, time-ordered ids, so the same seed yields the same data. It
//! does not decide what the data says; the generators do.

use chrono::{DateTime, FixedOffset, Utc};
use domain::{EntityKind, Id, ParseContext, Record};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value as Json, json};

use crate::chance::pick_weighted;

/// Builds records from raw input with one seeded random source.
pub(crate) struct Factory {
    /// The only random source of a generation run.
    pub(crate) rng: StdRng,
    context: ParseContext,
    serial: u64,
}

impl Factory {
    /// A factory whose every draw follows from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            context: ParseContext::default(),
            serial: 0,
        }
    }

    /// Parses `raw` as a `kind` and stores it as created at `created_at`,
    /// with a seeded id whose UUID v7 time is `created_at`.
    ///
    /// # Panics
    ///
    /// If the generator wrote input the domain rejects: that is a bug in this
    /// crate, and the message names every bad field.
    pub(crate) fn make(
        &mut self,
        kind: EntityKind,
        raw: Json,
        created_at: DateTime<Utc>,
    ) -> Record {
        let Json::Object(raw) = raw else {
            panic!("demo input for a {kind} must be a JSON object");
        };
        let describe = |errors: Vec<domain::FieldError>| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        let draft = kind
            .parse_draft(&raw, &self.context)
            .unwrap_or_else(|errors| panic!("demo {kind} input must parse: {}", describe(errors)));
        let mut record = Record::create(draft, created_at)
            .unwrap_or_else(|errors| panic!("demo {kind} must be valid: {}", describe(errors)));
        record.id = self.id_at(created_at);
        record
    }

    /// The next number of a run-wide sequence, for external ids and order
    /// numbers that must not repeat.
    pub(crate) fn serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// A time written the way one of several exporting systems writes it:
    /// RFC 3339 in UTC, or Moscow local time in ISO or Russian order.
    pub(crate) fn timestamp(&mut self, at: DateTime<Utc>) -> Json {
        let moscow = at.with_timezone(&moscow_offset());
        let style = pick_weighted(&mut self.rng, &[(0, 6.0), (1, 2.0), (2, 2.0)]);
        match style {
            0 => json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            1 => json!(moscow.format("%Y-%m-%d %H:%M:%S").to_string()),
            _ => json!(moscow.format("%d.%m.%Y %H:%M:%S").to_string()),
        }
    }

    /// A whole-rouble amount written as a number, with grouping or with a
    /// currency sign, as exports do.
    pub(crate) fn money(&mut self, roubles: i64) -> Json {
        let style = pick_weighted(
            &mut self.rng,
            &[(0, 3.0), (1, 3.0), (2, 2.0), (3, 1.0), (4, 1.0)],
        );
        match style {
            0 => json!(roubles),
            1 => json!(group_thousands(roubles)),
            2 => json!(format!("{} ₽", group_thousands(roubles))),
            3 => json!(format!("{roubles} руб.")),
            _ => json!({"amount": format!("{roubles}.00"), "currency": "RUB"}),
        }
    }

    /// A seeded UUID v7 for a record created at `at`.
    fn id_at(&mut self, at: DateTime<Utc>) -> Id {
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0) & 0xffff_ffff_ffff;
        let high = (millis << 16) | (0x7 << 12) | self.rng.random_range(0..0x1000_u64);
        let low = (0b10 << 62) | (self.rng.random::<u64>() >> 2);
        let text = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xffff,
            low >> 48,
            low & 0xffff_ffff_ffff
        );
        Id::parse(&text).expect("a formatted UUID parses")
    }
}

/// Moscow time, +03:00 all year.
pub(crate) fn moscow_offset() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).expect("+03:00 is within a day")
}

/// `12990` as `12 990`.
pub(crate) fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn seeded_ids_are_uuid_v7_and_sort_by_creation_time() {
        // Arrange
        let mut factory = Factory::new(1);
        let earlier = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid date");
        let later = Utc
            .with_ymd_and_hms(2026, 1, 2, 0, 0, 0)
            .single()
            .expect("valid date");
        // Act
        let first = factory.id_at(earlier);
        let second = factory.id_at(later);
        // Assert
        assert!(first < second);
        assert_eq!(first.to_string().chars().nth(14), Some('7'), "{first}");
    }

    #[test]
    fn every_timestamp_and_money_style_parses_back_to_the_same_value() {
        let mut factory = Factory::new(3);
        let at = Utc
            .with_ymd_and_hms(2026, 5, 17, 8, 4, 5)
            .single()
            .expect("valid date");
        for _ in 0..40 {
            let raw = json!({"kind": "call", "occurred_at": factory.timestamp(at)});
            let record = factory.make(EntityKind::Activity, raw, at);
            assert_eq!(record.fields["occurred_at"], domain::Value::Timestamp(at));
            let raw = json!({"sku": "X-1", "name": "X", "price": factory.money(12_990)});
            let record = factory.make(EntityKind::Product, raw, at);
            assert_eq!(
                record.fields["price"].to_json(),
                json!({"amount": "12990.00", "currency": "RUB"})
            );
        }
    }

    #[test]
    fn thousands_are_grouped_with_spaces() {
        for (value, expected) in [
            (5, "5"),
            (990, "990"),
            (12_990, "12 990"),
            (1_250_000, "1 250 000"),
        ] {
            assert_eq!(group_thousands(value), expected, "value {value}");
        }
    }
}
