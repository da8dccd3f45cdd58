//! The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your
//! customers the easy way"), fitted by maximum likelihood as lifetimes'
//! `BetaGeoFitter` does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::optimize::minimize;
use crate::special::{ln_gamma, ln_hyp2f1};
use crate::{ClvError, CustomerSummary};

/// A customer's repeat-purchase history, in periods: the BG/NBD input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Repeat purchases.
    pub frequency: f64,
    /// Time from the first to the last purchase.
    pub recency: f64,
    /// Time from the first purchase to the end of observation.
    #[serde(rename = "T")]
    pub t: f64,
}

impl From<&CustomerSummary> for History {
    fn from(summary: &CustomerSummary) -> Self {
        History {
            frequency: f64::from(summary.frequency),
            recency: summary.recency,
            t: summary.t,
        }
    }
}

/// BG/NBD parameters: purchase rates are Gamma(r, α); the chance to drop out
/// after each purchase is Beta(a, b). Time is in the periods of the data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// How a maximum-likelihood fit went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// Customers the model was fitted on.
    pub customers: usize,
    /// Total log-likelihood at the estimate, without the penalty.
    pub log_likelihood: f64,
    /// The L2 penalty weight on the parameters (lifetimes' `penalizer_coef`).
    pub penalizer: f64,
    /// Likelihood evaluations the optimiser spent.
    pub evaluations: usize,
    /// Whether the optimiser's simplex collapsed before its budget ran out.
    /// False means the likelihood kept rising toward an infinite parameter
    /// (typical of small or very regular data, e.g. nobody seems to drop
    /// out): the parameters are the best point found, and a small penalizer
    /// (say 0.001) gives a finite estimate.
    pub converged: bool,
}

impl BgNbd {
    /// Maximum-likelihood estimate from customers' histories.
    ///
    /// As in lifetimes, times are scaled so the longest `T` is 10 while
    /// fitting (so `alpha` starts near its scale), and `penalizer` adds
    /// `penalizer × (r² + α² + a² + b²)` (scaled α) to the mean negative
    /// log-likelihood; 0 means plain maximum likelihood.
    pub fn fit(histories: &[History], penalizer: f64) -> Result<(BgNbd, Fit), ClvError> {
        check_penalizer("penalizer", penalizer)?;
        for (index, history) in histories.iter().enumerate() {
            check_history(index + 1, history)?;
        }
        if !histories.iter().any(|h| h.frequency > 0.0) {
            return Err(ClvError::Fit {
                model: "BG/NBD",
                reason: format!(
                    "none of the {} customers bought again; repeat purchases are needed",
                    histories.len()
                ),
            });
        }
        let longest = histories.iter().map(|h| h.t).fold(0.0, f64::max);
        let scale = if longest > 0.0 { 10.0 / longest } else { 1.0 };
        // Identical histories share one likelihood term, weighted by their count.
        let mut groups: BTreeMap<[u64; 3], f64> = BTreeMap::new();
        for h in histories {
            let key = [
                h.frequency.to_bits(),
                (h.recency * scale).to_bits(),
                (h.t * scale).to_bits(),
            ];
            *groups.entry(key).or_default() += 1.0;
        }
        let groups: Vec<(History, f64)> = groups
            .into_iter()
            .map(|(key, weight)| {
                let [frequency, recency, t] = key.map(f64::from_bits);
                (
                    History {
                        frequency,
                        recency,
                        t,
                    },
                    weight,
                )
            })
            .collect();
        let customers = histories.len() as f64;
        let objective = |log_params: &[f64]| {
            let [r, alpha, a, b] = [0, 1, 2, 3].map(|i| log_params[i].exp());
            let model = BgNbd { r, alpha, a, b };
            let penalty = penalizer * (r * r + alpha * alpha + a * a + b * b);
            -model.total_log_likelihood(&groups) / customers + penalty
        };
        let minimum = minimize(objective, &[0.0, 0.0, 0.0, 0.0]);
        let [r, alpha, a, b] = [0, 1, 2, 3].map(|i| minimum.point[i].exp());
        let model = BgNbd {
            r,
            alpha: alpha / scale,
            a,
            b,
        };
        let unscaled: Vec<(History, f64)> = histories.iter().map(|h| (*h, 1.0)).collect();
        let log_likelihood = model.total_log_likelihood(&unscaled);
        if ![r, alpha, a, b, log_likelihood]
            .iter()
            .all(|v| v.is_finite() && *v != 0.0)
        {
            return Err(ClvError::Fit {
                model: "BG/NBD",
                reason: format!(
                    "the likelihood has no finite maximum (r={r}, alpha={}, a={a}, b={b})",
                    model.alpha
                ),
            });
        }
        let fit = Fit {
            customers: histories.len(),
            log_likelihood,
            penalizer,
            evaluations: minimum.evaluations,
            converged: minimum.converged,
        };
        Ok((model, fit))
    }

    /// Σ weight × ln L(r, α, a, b | x, tₓ, T), lifetimes' form of the likelihood.
    fn total_log_likelihood(&self, groups: &[(History, f64)]) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let shared = -ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) - ln_gamma(b);
        groups
            .iter()
            .map(|(h, weight)| {
                let x = h.frequency;
                let alive = -(r + x) * (alpha + h.t).ln();
                let tail = if x > 0.0 {
                    let dropped = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + h.recency).ln();
                    log_sum_exp(alive, dropped)
                } else {
                    alive
                };
                weight * (shared + ln_gamma(r + x) + ln_gamma(b + x) - ln_gamma(a + b + x) + tail)
            })
            .sum()
    }

    /// The chance the customer is still active at the end of observation.
    /// Always 1 without repeat purchases: the model lets a customer drop out only after one.
    pub fn probability_alive(&self, frequency: f64, recency: f64, t: f64) -> f64 {
        if frequency <= 0.0 {
            return 1.0;
        }
        1.0 / (1.0 + self.log_odds_dropped(frequency, recency, t).exp())
    }

    fn log_odds_dropped(&self, frequency: f64, recency: f64, t: f64) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        (r + frequency) * ((alpha + t) / (alpha + recency)).ln() + (a / (b + frequency - 1.0)).ln()
    }

    /// Expected purchases in the next `horizon` periods by a customer with this history.
    pub fn expected_purchases(
        &self,
        horizon: f64,
        frequency: f64,
        recency: f64,
        t: f64,
    ) -> Result<f64, ClvError> {
        check_horizon(horizon)?;
        if horizon == 0.0 {
            return Ok(0.0);
        }
        let BgNbd { r, alpha, a, b } = *self;
        let x = frequency;
        let z = horizon / (alpha + t + horizon);
        let ln_hyp = ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z)?;
        let first = (a + b + x - 1.0) / (a - 1.0);
        let second = 1.0 - (ln_hyp + (r + x) * ((alpha + t) / (alpha + t + horizon)).ln()).exp();
        Ok(first * second * self.probability_alive(frequency, recency, t))
    }

    /// Expected purchases in the first `horizon` periods by a new customer
    /// (counting from their first purchase, which is not counted).
    pub fn expected_purchases_new(&self, horizon: f64) -> Result<f64, ClvError> {
        check_horizon(horizon)?;
        if horizon == 0.0 {
            return Ok(0.0);
        }
        let BgNbd { r, alpha, a, b } = *self;
        let ln_hyp = ln_hyp2f1(r, b, a + b - 1.0, horizon / (alpha + horizon))?;
        let first = (a + b - 1.0) / (a - 1.0);
        Ok(first * (1.0 - (ln_hyp + r * (alpha / (alpha + horizon)).ln()).exp()))
    }
}

fn log_sum_exp(x: f64, y: f64) -> f64 {
    let top = x.max(y);
    if top == f64::NEG_INFINITY {
        return top;
    }
    top + ((x - top).exp() + (y - top).exp()).ln()
}

pub(crate) fn check_penalizer(option: &'static str, penalizer: f64) -> Result<(), ClvError> {
    if penalizer.is_finite() && penalizer >= 0.0 {
        Ok(())
    } else {
        Err(ClvError::InvalidOption {
            option,
            reason: format!("is {penalizer}, expected a number ≥ 0"),
        })
    }
}

fn check_horizon(horizon: f64) -> Result<(), ClvError> {
    if horizon.is_finite() && horizon >= 0.0 {
        Ok(())
    } else {
        Err(ClvError::InvalidOption {
            option: "horizon",
            reason: format!("is {horizon}, expected a number of periods ≥ 0"),
        })
    }
}

fn check_history(row: usize, h: &History) -> Result<(), ClvError> {
    let problem = if !(h.frequency.is_finite() && h.frequency >= 0.0) {
        Some(("frequency", h.frequency, "a number ≥ 0"))
    } else if !(h.recency.is_finite() && h.recency >= 0.0) {
        Some(("recency", h.recency, "a number ≥ 0"))
    } else if !(h.t.is_finite() && h.t >= h.recency) {
        Some(("T", h.t, "a number ≥ recency"))
    } else {
        None
    };
    match problem {
        Some((field, value, expected)) => Err(ClvError::Input {
            row,
            field,
            value,
            expected,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimate lifetimes publishes for the CDNOW sample (weeks).
    const CDNOW: BgNbd = BgNbd {
        r: 0.2426,
        alpha: 4.4136,
        a: 0.7929,
        b: 2.4259,
    };

    #[test]
    fn probability_alive_is_one_without_repeats_and_falls_with_silence() {
        assert_eq!(CDNOW.probability_alive(0.0, 0.0, 30.0), 1.0);
        let mut previous = 1.0;
        for t in [20.0, 25.0, 30.0, 40.0, 60.0] {
            let alive = CDNOW.probability_alive(3.0, 20.0, t);
            assert!(alive < previous, "{alive} at T={t} after {previous}");
            previous = alive;
        }
        // Bought just now: almost surely alive.
        assert!(CDNOW.probability_alive(3.0, 30.0, 30.0) > 0.7);
    }

    #[test]
    fn expectations_grow_with_the_horizon_and_start_at_zero() {
        assert_eq!(
            CDNOW.expected_purchases(0.0, 2.0, 30.0, 38.0).ok(),
            Some(0.0)
        );
        let mut previous = 0.0;
        for horizon in [1.0, 10.0, 39.0, 52.0, 200.0] {
            let conditional = CDNOW
                .expected_purchases(horizon, 2.0, 30.0, 38.0)
                .expect("converges");
            assert!(conditional > previous);
            previous = conditional;
        }
        let new = CDNOW.expected_purchases_new(39.0).expect("converges");
        // A brand-new customer (x = 0, T = 0) is the unconditional case.
        let same = CDNOW
            .expected_purchases(39.0, 0.0, 0.0, 0.0)
            .expect("converges");
        assert!((new - same).abs() < 1e-9, "{new} vs {same}");
        assert!(new > 0.0 && new < 5.0);
        assert!(CDNOW.expected_purchases(-1.0, 0.0, 0.0, 1.0).is_err());
    }

    #[test]
    fn impossible_histories_are_named() {
        let error = BgNbd::fit(
            &[
                History {
                    frequency: 1.0,
                    recency: 2.0,
                    t: 3.0,
                },
                History {
                    frequency: 1.0,
                    recency: 5.0,
                    t: 3.0,
                },
            ],
            0.0,
        )
        .expect_err("recency after T");
        assert_eq!(
            error.to_string(),
            "customer row 2: T is 3, expected a number ≥ recency"
        );
    }

    #[test]
    fn fitting_needs_repeat_purchases() {
        let histories = vec![
            History {
                frequency: 0.0,
                recency: 0.0,
                t: 10.0,
            };
            30
        ];
        let error = BgNbd::fit(&histories, 0.0).expect_err("no repeats");
        assert!(
            error
                .to_string()
                .contains("none of the 30 customers bought again")
        );
    }
}
