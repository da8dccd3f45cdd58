//! Customer lifetime value: both models fitted on transactions, each
//! customer's expected purchases, spend and discounted value, and a holdout
//! check of the purchase forecast.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::summary::{check, observation_end};
use crate::{BgNbd, ClvError, Fit, GammaGamma, History, Spend, TimeUnit, Transaction, summary};

/// Fewer customers than this give population estimates too loose to use.
pub const MIN_CUSTOMERS: usize = 20;
/// The spend model has three parameters; fewer repeat buyers cannot pin them.
pub const MIN_REPEAT_BUYERS: usize = 5;

/// How to summarise, fit and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    /// Period of the models; purchases in one period count as one.
    pub unit: TimeUnit,
    /// End of observation; `None` means the last transaction's date.
    pub observation_end: Option<NaiveDate>,
    /// Months ahead to forecast and value.
    pub horizon_months: u32,
    /// Discount rate per month for value (0.01 ≈ 12.7 % a year, lifetimes' default).
    pub monthly_discount: f64,
    /// L2 penalty on the BG/NBD parameters (lifetimes' `penalizer_coef`).
    pub penalizer: f64,
    /// L2 penalty on the Gamma-Gamma parameters. Its v is in money units, so
    /// a useful value is far smaller than for BG/NBD.
    pub spend_penalizer: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            unit: TimeUnit::Weeks,
            observation_end: None,
            horizon_months: 12,
            monthly_discount: 0.01,
            penalizer: 0.0,
            spend_penalizer: 0.0,
        }
    }
}

impl Options {
    fn check(&self) -> Result<(), ClvError> {
        if self.horizon_months == 0 {
            return Err(ClvError::InvalidOption {
                option: "horizon_months",
                reason: "is 0, expected at least 1".into(),
            });
        }
        if !(self.monthly_discount.is_finite() && self.monthly_discount >= 0.0) {
            return Err(ClvError::InvalidOption {
                option: "monthly_discount",
                reason: format!("is {}, expected a rate ≥ 0", self.monthly_discount),
            });
        }
        crate::bgnbd::check_penalizer("penalizer", self.penalizer)?;
        crate::bgnbd::check_penalizer("spend_penalizer", self.spend_penalizer)
    }
}

/// One customer's forecast and value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerValue {
    pub customer_id: String,
    pub frequency: u32,
    pub recency: f64,
    #[serde(rename = "T")]
    pub t: f64,
    pub monetary_value: f64,
    pub probability_alive: f64,
    /// Expected purchases within the horizon.
    pub expected_purchases: f64,
    /// Expected spend per future purchase (Gamma-Gamma).
    pub expected_average_spend: f64,
    /// Discounted expected spend within the horizon.
    pub value: f64,
}

/// Fitted models and every customer's value, sorted by customer id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub unit: TimeUnit,
    pub observation_end: NaiveDate,
    pub horizon_months: u32,
    /// The horizon in periods of `unit`.
    pub horizon_periods: f64,
    pub monthly_discount: f64,
    pub bg_nbd: BgNbd,
    pub bg_nbd_fit: Fit,
    pub gamma_gamma: GammaGamma,
    pub gamma_gamma_fit: Fit,
    /// Pearson correlation of repeat buyers' frequency and mean spend. The
    /// spend model assumes they are independent; well above 0.3 is a warning.
    pub frequency_spend_correlation: Option<f64>,
    pub customers: Vec<CustomerValue>,
}

/// Fits BG/NBD and Gamma-Gamma on the transactions and values every customer.
pub fn analyse(transactions: &[Transaction], options: &Options) -> Result<Report, ClvError> {
    options.check()?;
    check(transactions)?;
    let end = observation_end(transactions, options.observation_end)?;
    let summaries = summary(transactions, Some(end), options.unit)?;
    enough(
        summaries.len(),
        summaries.iter().filter(|s| s.frequency > 0).count(),
        end,
        options.unit,
    )?;
    let histories: Vec<History> = summaries.iter().map(History::from).collect();
    let (bg_nbd, bg_nbd_fit) = BgNbd::fit(&histories, options.penalizer)?;
    let spends: Vec<Spend> = summaries
        .iter()
        .filter(|s| s.frequency > 0 && s.monetary_value > 0.0)
        .map(Spend::from)
        .collect();
    if spends.len() < MIN_REPEAT_BUYERS {
        return Err(ClvError::Fit {
            model: "Gamma-Gamma",
            reason: format!(
                "only {} repeat buyers have a positive mean repeat spend; need at least {MIN_REPEAT_BUYERS}",
                spends.len()
            ),
        });
    }
    let (gamma_gamma, gamma_gamma_fit) = GammaGamma::fit(&spends, options.spend_penalizer)?;
    let frequency_spend_correlation = correlation(
        &spends.iter().map(|s| s.frequency).collect::<Vec<_>>(),
        &spends.iter().map(|s| s.monetary_value).collect::<Vec<_>>(),
    );
    let customers = summaries
        .iter()
        .zip(&histories)
        .map(|(s, h)| {
            let spend = gamma_gamma.expected_average_spend(h.frequency, s.monetary_value);
            let (expected_purchases, value) = monthly_value(
                &bg_nbd,
                h,
                spend,
                options.horizon_months,
                options.monthly_discount,
                options.unit,
            )?;
            Ok(CustomerValue {
                customer_id: s.customer_id.clone(),
                frequency: s.frequency,
                recency: s.recency,
                t: s.t,
                monetary_value: s.monetary_value,
                probability_alive: bg_nbd.probability_alive(h.frequency, h.recency, h.t),
                expected_purchases,
                expected_average_spend: spend,
                value,
            })
        })
        .collect::<Result<Vec<_>, ClvError>>()?;
    Ok(Report {
        unit: options.unit,
        observation_end: end,
        horizon_months: options.horizon_months,
        horizon_periods: f64::from(options.horizon_months) * options.unit.per_month(),
        monthly_discount: options.monthly_discount,
        bg_nbd,
        bg_nbd_fit,
        gamma_gamma,
        gamma_gamma_fit,
        frequency_spend_correlation,
        customers,
    })
}

/// Discounted expected spend over `months`, as lifetimes'
/// `customer_lifetime_value`: Σᵢ (purchases expected in month i) × `spend` / (1 + d)ⁱ,
/// with a month of [`TimeUnit::per_month`] periods.
pub fn lifetime_value(
    model: &BgNbd,
    history: &History,
    spend: f64,
    months: u32,
    monthly_discount: f64,
    unit: TimeUnit,
) -> Result<f64, ClvError> {
    monthly_value(model, history, spend, months, monthly_discount, unit).map(|(_, value)| value)
}

/// (expected purchases over the months, their discounted value).
fn monthly_value(
    model: &BgNbd,
    h: &History,
    spend: f64,
    months: u32,
    monthly_discount: f64,
    unit: TimeUnit,
) -> Result<(f64, f64), ClvError> {
    let mut value = 0.0;
    let mut before = 0.0;
    for month in 1..=months {
        let until = model.expected_purchases(
            f64::from(month) * unit.per_month(),
            h.frequency,
            h.recency,
            h.t,
        )?;
        value += spend * (until - before) / (1.0 + monthly_discount).powf(f64::from(month));
        before = until;
    }
    Ok((before, value))
}

fn enough(customers: usize, repeat: usize, end: NaiveDate, unit: TimeUnit) -> Result<(), ClvError> {
    if customers < MIN_CUSTOMERS {
        return Err(ClvError::TooFewCustomers {
            found: customers,
            needed: MIN_CUSTOMERS,
            end,
        });
    }
    if repeat < MIN_REPEAT_BUYERS {
        return Err(ClvError::TooFewRepeatBuyers {
            found: repeat,
            customers,
            needed: MIN_REPEAT_BUYERS,
            unit: unit.name(),
        });
    }
    Ok(())
}

/// One customer's forecast against what they did in the holdout period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldoutRow {
    pub customer_id: String,
    /// Calibration-period history.
    pub frequency: u32,
    pub recency: f64,
    #[serde(rename = "T")]
    pub t: f64,
    /// Expected purchase periods in the holdout.
    pub predicted: f64,
    /// Periods with a purchase in the holdout.
    pub actual: u32,
}

/// How well BG/NBD fitted on the calibration period forecast the holdout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldoutReport {
    pub unit: TimeUnit,
    pub calibration_end: NaiveDate,
    pub observation_end: NaiveDate,
    /// Holdout length in periods.
    pub duration: f64,
    pub bg_nbd: BgNbd,
    pub bg_nbd_fit: Fit,
    pub predicted_total: f64,
    pub actual_total: f64,
    pub mean_absolute_error: f64,
    /// Pearson correlation of predicted and actual; none when either is constant.
    pub correlation: Option<f64>,
    /// Customers who bought in the calibration period, sorted by id.
    pub customers: Vec<HoldoutRow>,
}

/// Fits BG/NBD on transactions up to `calibration_end` and compares each
/// customer's forecast with their purchases after it, up to `observation_end`.
///
/// Counts as lifetimes' `calibration_and_holdout_data`: holdout purchases are
/// distinct periods, and customers first seen in the holdout are left out.
/// `options.observation_end` is not used.
pub fn holdout(
    transactions: &[Transaction],
    calibration_end: NaiveDate,
    observation_end: NaiveDate,
    options: &Options,
) -> Result<HoldoutReport, ClvError> {
    options.check()?;
    check(transactions)?;
    if calibration_end >= observation_end {
        return Err(ClvError::InvalidOption {
            option: "calibration_end",
            reason: format!("is {calibration_end}, expected a date before {observation_end}"),
        });
    }
    let unit = options.unit;
    let calibration = summary(transactions, Some(calibration_end), unit)?;
    enough(
        calibration.len(),
        calibration.iter().filter(|s| s.frequency > 0).count(),
        calibration_end,
        unit,
    )?;
    let mut later: BTreeMap<&str, BTreeSet<NaiveDate>> = BTreeMap::new();
    for t in transactions {
        if t.date > calibration_end && t.date <= observation_end {
            later
                .entry(t.customer_id.as_str())
                .or_default()
                .insert(unit.start(t.date));
        }
    }
    let histories: Vec<History> = calibration.iter().map(History::from).collect();
    let (bg_nbd, bg_nbd_fit) = BgNbd::fit(&histories, options.penalizer)?;
    let duration = unit.between(calibration_end, observation_end);
    let customers = calibration
        .iter()
        .zip(&histories)
        .map(|(s, h)| {
            Ok(HoldoutRow {
                customer_id: s.customer_id.clone(),
                frequency: s.frequency,
                recency: s.recency,
                t: s.t,
                predicted: bg_nbd.expected_purchases(duration, h.frequency, h.recency, h.t)?,
                actual: later.get(s.customer_id.as_str()).map_or(0, |periods| {
                    u32::try_from(periods.len()).unwrap_or(u32::MAX)
                }),
            })
        })
        .collect::<Result<Vec<_>, ClvError>>()?;
    let predicted: Vec<f64> = customers.iter().map(|c| c.predicted).collect();
    let actual: Vec<f64> = customers.iter().map(|c| f64::from(c.actual)).collect();
    let count = customers.len() as f64;
    Ok(HoldoutReport {
        unit,
        calibration_end,
        observation_end,
        duration,
        bg_nbd,
        bg_nbd_fit,
        predicted_total: predicted.iter().sum(),
        actual_total: actual.iter().sum(),
        mean_absolute_error: predicted
            .iter()
            .zip(&actual)
            .map(|(p, a)| (p - a).abs())
            .sum::<f64>()
            / count,
        correlation: correlation(&predicted, &actual),
        customers,
    })
}

/// Pearson correlation; none when there are fewer than two values or one side is constant.
fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let mean = |v: &[f64]| v.iter().take(n).sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn buy(id: usize, date: NaiveDate, amount: f64) -> Transaction {
        Transaction {
            customer_id: format!("c{id:03}"),
            date,
            amount,
        }
    }

    /// `customers` customers, every `repeaters`-th of them buying monthly.
    fn shop(customers: usize, repeaters: usize) -> Vec<Transaction> {
        let start = day("2024-01-01");
        let mut rows = Vec::new();
        for id in 0..customers {
            let first = start + chrono::Duration::days((id * 3) as i64);
            rows.push(buy(id, first, 10.0 + id as f64));
            if repeaters > 0 && id % repeaters == 0 {
                for month in 1..=(id % 5 + 1) {
                    let date = first + chrono::Duration::days(30 * month as i64);
                    rows.push(buy(id, date, 20.0 + (id * month % 7) as f64));
                }
            }
        }
        rows
    }

    #[test]
    fn refuses_too_few_customers_saying_how_many() {
        let error = analyse(&shop(12, 1), &Options::default()).expect_err("12 customers");
        assert!(
            error.to_string().starts_with("only 12 customers bought by"),
            "{error}"
        );
        assert!(error.to_string().contains("need at least 20"));
    }

    #[test]
    fn refuses_without_repeat_buyers_saying_so() {
        let error = analyse(&shop(40, 0), &Options::default()).expect_err("no repeats");
        assert_eq!(
            error.to_string(),
            "only 0 of 40 customers bought again in a later week; \
             need at least 5 repeat buyers (with a positive spend) to fit the models"
        );
    }

    #[test]
    fn refuses_bad_options() {
        let options = Options {
            monthly_discount: -0.5,
            ..Options::default()
        };
        let error = analyse(&shop(40, 2), &options).expect_err("negative discount");
        assert_eq!(
            error.to_string(),
            "option monthly_discount: is -0.5, expected a rate ≥ 0"
        );
    }

    #[test]
    fn values_every_customer_sorted_by_id() {
        let report = analyse(&shop(60, 2), &Options::default()).expect("report");
        assert_eq!(report.customers.len(), 60);
        assert!(
            report
                .customers
                .windows(2)
                .all(|w| w[0].customer_id < w[1].customer_id)
        );
        assert_eq!(report.horizon_periods, 12.0 * 4.345);
        for customer in &report.customers {
            assert!(customer.value.is_finite() && customer.value >= 0.0);
            assert!(customer.expected_purchases >= 0.0);
            assert!((0.0..=1.0).contains(&customer.probability_alive));
        }
        // No discount: value is purchases × spend exactly.
        let plain = analyse(
            &shop(60, 2),
            &Options {
                monthly_discount: 0.0,
                ..Options::default()
            },
        )
        .expect("report");
        for c in &plain.customers {
            let undiscounted = c.expected_purchases * c.expected_average_spend;
            assert!((c.value - undiscounted).abs() < 1e-9 * undiscounted.max(1.0));
        }
        // Regular synthetic buyers never seem to drop out: plain maximum
        // likelihood drifts off to infinity, a small penalty settles.
        assert!(!report.bg_nbd_fit.converged);
        let penalised = analyse(
            &shop(60, 2),
            &Options {
                penalizer: 0.001,
                ..Options::default()
            },
        )
        .expect("report");
        assert!(penalised.bg_nbd_fit.converged, "{:?}", penalised.bg_nbd);
        let json = serde_json::to_value(&report).expect("serialises");
        assert_eq!(json["customers"][0]["T"], report.customers[0].t);
        assert_eq!(json["unit"], "weeks");
    }

    #[test]
    fn holdout_needs_the_calibration_end_first() {
        let error = holdout(
            &shop(40, 2),
            day("2024-06-01"),
            day("2024-05-01"),
            &Options::default(),
        )
        .expect_err("reversed");
        assert!(error.to_string().starts_with("option calibration_end"));
    }

    #[test]
    fn correlation_is_none_for_constants() {
        assert_eq!(correlation(&[1.0, 1.0], &[1.0, 2.0]), None);
        let r = correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]).expect("varies");
        assert!(r > 0.99 && r <= 1.0);
    }
}
