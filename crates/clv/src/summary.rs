//! Transactions to per-customer recency, frequency, age and spend, as Python
//! `lifetimes.utils.summary_data_from_transaction_data` computes them.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ClvError;

/// One purchase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub customer_id: String,
    pub date: NaiveDate,
    /// Money spent; may be zero or negative (a return), must be finite.
    pub amount: f64,
}

/// The period that models count time in.
///
/// Purchases in the same period are one purchase. Weeks are Monday to Sunday
/// (pandas' `W`, which lifetimes uses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Days,
    #[default]
    Weeks,
}

impl TimeUnit {
    fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
        }
    }

    /// Periods in a month, as lifetimes' `customer_lifetime_value` counts them.
    pub fn per_month(self) -> f64 {
        match self {
            TimeUnit::Days => 30.0,
            TimeUnit::Weeks => 4.345,
        }
    }

    /// The first day of the period `date` falls in.
    pub(crate) fn start(self, date: NaiveDate) -> NaiveDate {
        match self {
            TimeUnit::Days => date,
            TimeUnit::Weeks => {
                date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
            }
        }
    }

    /// Whole periods from the period of `from` to the period of `to`.
    pub(crate) fn between(self, from: NaiveDate, to: NaiveDate) -> f64 {
        (self.start(to) - self.start(from)).num_days() as f64 / self.days()
    }
}

impl TimeUnit {
    /// One period, in words: "day" or "week".
    pub(crate) fn name(self) -> &'static str {
        match self {
            TimeUnit::Days => "day",
            TimeUnit::Weeks => "week",
        }
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A customer's purchase history as of the end of observation.
///
/// `frequency`, `recency`, `T` and `monetary_value` are the inputs of the
/// BG/NBD and Gamma-Gamma models, in periods of the chosen [`TimeUnit`];
/// `transactions`, `total_spend` and `days_since_last` feed RFM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerSummary {
    pub customer_id: String,
    pub first_purchase: NaiveDate,
    pub last_purchase: NaiveDate,
    /// Repeat purchase periods: distinct periods with a purchase, minus one.
    pub frequency: u32,
    /// Periods between the first and the last purchase.
    pub recency: f64,
    /// Periods between the first purchase and the end of observation.
    #[serde(rename = "T")]
    pub t: f64,
    /// Mean spend per repeat purchase period (the first is left out); 0 when `frequency` is 0.
    pub monetary_value: f64,
    /// Transactions on or before the end, each counted.
    pub transactions: u32,
    pub total_spend: f64,
    /// Days from the last purchase to the end of observation.
    pub days_since_last: i64,
}

/// The end of observation: `end` if given, else the last transaction's date.
pub(crate) fn observation_end(
    transactions: &[Transaction],
    end: Option<NaiveDate>,
) -> Result<NaiveDate, ClvError> {
    let last = transactions.iter().map(|t| t.date).max();
    let end = match (end, last) {
        (Some(end), _) => end,
        (None, Some(last)) => last,
        (None, None) => return Err(ClvError::Empty),
    };
    if transactions.iter().any(|t| t.date <= end) {
        Ok(end)
    } else {
        Err(ClvError::NoTransactions { end })
    }
}

/// Per-customer summaries, sorted by customer id.
///
/// `end` defaults to the last transaction's date; transactions after it are
/// ignored. `T` runs to the start of the period `end` falls in, as in lifetimes.
pub fn summary(
    transactions: &[Transaction],
    end: Option<NaiveDate>,
    unit: TimeUnit,
) -> Result<Vec<CustomerSummary>, ClvError> {
    check(transactions)?;
    let end = observation_end(transactions, end)?;
    let mut customers: BTreeMap<&str, Vec<&Transaction>> = BTreeMap::new();
    for transaction in transactions.iter().filter(|t| t.date <= end) {
        customers
            .entry(transaction.customer_id.as_str())
            .or_default()
            .push(transaction);
    }
    Ok(customers
        .into_iter()
        .filter_map(|(id, bought)| summarise(id, &bought, end, unit))
        .collect())
}

/// Rejects transactions no summary could use.
pub(crate) fn check(transactions: &[Transaction]) -> Result<(), ClvError> {
    for (index, transaction) in transactions.iter().enumerate() {
        if transaction.customer_id.is_empty() {
            return Err(ClvError::Transaction {
                row: index + 1,
                field: "customer_id",
                reason: "is empty".into(),
            });
        }
        if !transaction.amount.is_finite() {
            return Err(ClvError::Transaction {
                row: index + 1,
                field: "amount",
                reason: format!("is {}, expected a finite number", transaction.amount),
            });
        }
    }
    Ok(())
}

fn summarise(
    id: &str,
    bought: &[&Transaction],
    end: NaiveDate,
    unit: TimeUnit,
) -> Option<CustomerSummary> {
    // Amounts of one period are summed: they count as one purchase.
    let mut periods: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for transaction in bought {
        *periods.entry(unit.start(transaction.date)).or_default() += transaction.amount;
    }
    let first_period = *periods.keys().next()?;
    let last_period = *periods.keys().next_back()?;
    let repeats: Vec<f64> = periods.values().skip(1).copied().collect();
    let monetary_value = if repeats.is_empty() {
        0.0
    } else {
        repeats.iter().sum::<f64>() / repeats.len() as f64
    };
    let first_purchase = bought.iter().map(|t| t.date).min()?;
    let last_purchase = bought.iter().map(|t| t.date).max()?;
    Some(CustomerSummary {
        customer_id: id.to_string(),
        first_purchase,
        last_purchase,
        frequency: u32::try_from(repeats.len()).unwrap_or(u32::MAX),
        recency: unit.between(first_period, last_period),
        t: unit.between(first_period, end),
        monetary_value,
        transactions: u32::try_from(bought.len()).unwrap_or(u32::MAX),
        total_spend: bought.iter().map(|t| t.amount).sum(),
        days_since_last: (end - last_purchase).num_days(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn tx(id: &str, date: &str, amount: f64) -> Transaction {
        Transaction {
            customer_id: id.into(),
            date: day(date),
            amount,
        }
    }

    #[test]
    fn days_match_lifetimes() {
        // Worked by hand the way lifetimes does it with freq="D".
        let rows = [
            tx("0", "2015-01-01", 10.0),
            tx("0", "2015-01-01", 5.0),
            tx("0", "2015-02-06", 20.0),
            tx("1", "2015-01-01", 7.0),
            tx("1", "2015-01-10", 3.0),
            tx("2", "2015-01-20", 4.0),
            tx("2", "2015-02-15", 6.0),
            tx("2", "2015-02-15", 1.0),
            tx("3", "2015-03-01", 9.0),
            tx("3", "2015-03-05", 1.0),
        ];
        let summary = summary(&rows, Some(day("2015-02-20")), TimeUnit::Days).expect("summary");
        assert_eq!(summary.len(), 3, "customer 3 starts after the end");
        let first = &summary[0];
        assert_eq!(
            (first.frequency, first.recency, first.t),
            (1, 36.0, 50.0),
            "same-day purchases are one"
        );
        assert_eq!(first.monetary_value, 20.0);
        assert_eq!((first.transactions, first.total_spend), (3, 35.0));
        assert_eq!(first.days_since_last, 14);
        let third = &summary[2];
        assert_eq!((third.frequency, third.recency, third.t), (1, 26.0, 31.0));
        assert_eq!(
            third.monetary_value, 7.0,
            "the repeat day's amounts are summed"
        );
    }

    #[test]
    fn weeks_count_monday_to_sunday_periods() {
        // 2024-01-01 is a Monday.
        let rows = [
            tx("a", "2024-01-01", 10.0),
            tx("a", "2024-01-07", 10.0), // same week: one purchase
            tx("a", "2024-01-08", 4.0),
            tx("a", "2024-01-23", 6.0),
            tx("a", "2024-02-01", 99.0), // after the end: ignored
            tx("b", "2024-01-03", 1.0),
        ];
        let summary = summary(&rows, Some(day("2024-01-25")), TimeUnit::Weeks).expect("summary");
        let a = &summary[0];
        assert_eq!((a.frequency, a.recency, a.t), (2, 3.0, 3.0));
        assert_eq!(a.monetary_value, 5.0);
        assert_eq!(a.transactions, 4);
        let b = &summary[1];
        assert_eq!(
            (b.frequency, b.recency, b.t, b.monetary_value),
            (0, 0.0, 3.0, 0.0)
        );
    }

    #[test]
    fn the_end_defaults_to_the_last_purchase() {
        let rows = [tx("a", "2024-01-01", 1.0), tx("b", "2024-01-15", 1.0)];
        let summary = summary(&rows, None, TimeUnit::Days).expect("summary");
        assert_eq!(summary[0].t, 14.0);
        assert_eq!(summary[1].t, 0.0);
    }

    #[test]
    fn bad_rows_are_named() {
        let rows = [tx("a", "2024-01-01", 1.0), tx("", "2024-01-02", 1.0)];
        let error = summary(&rows, None, TimeUnit::Days).expect_err("empty id");
        assert_eq!(error.to_string(), "transaction row 2: customer_id is empty");
        let rows = [tx("a", "2024-01-01", f64::NAN)];
        let error = summary(&rows, None, TimeUnit::Days).expect_err("NaN");
        assert!(
            error
                .to_string()
                .starts_with("transaction row 1: amount is NaN")
        );
        let error = summary(&[], None, TimeUnit::Days).expect_err("empty");
        assert!(matches!(error, ClvError::Empty));
        let error = summary(&rows[..0], Some(day("2024-01-01")), TimeUnit::Days).expect_err("none");
        assert!(matches!(error, ClvError::NoTransactions { .. }));
    }
}
