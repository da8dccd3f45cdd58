//! The model that decides whether a closed deal is won: a logistic function
//! of signals visible in the data, plus noise.
//!
//! The generator samples each closed deal's outcome from
//! [`OutcomeModel::probability`] plus `Normal(0, noise_sd)` on the log-odds,
//! so a scorer trained on the demo data should recover these coefficients
//! roughly (the signs and the order of the sources certainly). It does not
//! build deals; `timeline` measures the signals and calls it.
//!
//! The model itself, with the exact definition of each signal, is documented
//! on [`OUTCOME_MODEL`].

/// The signals of one deal that the outcome depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DealSignals<'a> {
    /// The deal's source, e.g. `Рекомендация`.
    pub source: &'a str,
    /// Minutes from opening to the first outbound activity.
    pub first_reply_minutes: f64,
    /// Activities linked to the deal.
    pub touches: usize,
    /// Negative inbound messages (complaints, price, competitors).
    pub negative_messages: usize,
    /// Positive inbound messages (thanks, ready to pay).
    pub positive_messages: usize,
    /// Whether the deal is in the B2B pipeline rather than the shop's.
    pub is_b2b: bool,
}

/// The coefficients of the outcome model; [`OUTCOME_MODEL`] holds the
/// generator's and explains each term.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeModel {
    /// The log-odds of a deal with no other signal.
    pub intercept: f64,
    /// The effect of each source on the log-odds; unknown sources add 0.
    pub source_effects: &'static [(&'static str, f64)],
    /// Per unit of `ln(1 + first_reply_minutes)`.
    pub log_reply_minutes: f64,
    /// Per unit of `ln(1 + touches)`.
    pub log_touches: f64,
    /// Per negative inbound message.
    pub negative_message: f64,
    /// Per positive inbound message.
    pub positive_message: f64,
    /// For a B2B deal.
    pub b2b: f64,
    /// The standard deviation of the normal noise added to the log-odds.
    pub noise_sd: f64,
}

/// The model the generator uses:
///
/// ```text
/// logit P(won) = −0.4
///              + source effect        Рекомендация +1.0, Сайт +0.6, Звонок +0.3, Яндекс.Директ +0.1,
///                                     Telegram 0.0, WhatsApp 0.0, VK −0.4, Авито −1.0
///              − 0.40 · ln(1 + first_reply_minutes)
///              + 0.80 · ln(1 + touches)
///              − 0.80 · negative_messages
///              + 0.50 · positive_messages
///              − 0.30 · [pipeline is B2B]
///              + ε,   ε ~ Normal(0, 0.5)
/// won ~ Bernoulli(1 / (1 + e^(−logit)))
/// ```
///
/// The signals, as they can be measured from the records:
///
/// - `source`: the deal's `source` field.
/// - `first_reply_minutes`: minutes from the deal's `opened_at` to the
///   earliest activity with this `deal_id` and direction `outbound`.
/// - `touches`: how many activities carry this `deal_id` (every kind and
///   direction, the client's first request included).
/// - `negative_messages` / `positive_messages`: inbound chat and e-mail
///   activities of the deal whose text is a complaint about waiting, a price
///   objection, a competitor mention or another grievance / thanks or
///   readiness to pay. Neutral questions count as neither.
///
/// Only closed deals have an outcome: deals still open at `now` and the
/// requests nobody answered (about 3%, left at the first stage) have none.
/// Nothing else decides the outcome: amount, manager, city and time of day
/// have no direct effect (a manager matters only through reply speed, and
/// slow replies make complaints more likely, which the model then counts).
///
/// A plain logistic regression on these signals, measured from the default
/// configuration's records, recovers every coefficient within about 0.2
/// (the noise shrinks them a little towards zero); a test checks it.
pub const OUTCOME_MODEL: OutcomeModel = OutcomeModel {
    intercept: -0.4,
    source_effects: &[
        ("Рекомендация", 1.0),
        ("Сайт", 0.6),
        ("Звонок", 0.3),
        ("Яндекс.Директ", 0.1),
        ("Telegram", 0.0),
        ("WhatsApp", 0.0),
        ("VK", -0.4),
        ("Авито", -1.0),
    ],
    log_reply_minutes: -0.40,
    log_touches: 0.80,
    negative_message: -0.80,
    positive_message: 0.50,
    b2b: -0.30,
    noise_sd: 0.5,
};

impl OutcomeModel {
    /// The log-odds of winning, without noise.
    pub fn logit(&self, signals: &DealSignals<'_>) -> f64 {
        let source = self
            .source_effects
            .iter()
            .find(|(name, _)| *name == signals.source)
            .map_or(0.0, |(_, effect)| *effect);
        self.intercept
            + source
            + self.log_reply_minutes * signals.first_reply_minutes.max(0.0).ln_1p()
            + self.log_touches * (signals.touches as f64).ln_1p()
            + self.negative_message * signals.negative_messages as f64
            + self.positive_message * signals.positive_messages as f64
            + if signals.is_b2b { self.b2b } else { 0.0 }
    }

    /// The probability of winning, without noise.
    pub fn probability(&self, signals: &DealSignals<'_>) -> f64 {
        sigmoid(self.logit(signals))
    }
}

/// The logistic function.
pub(crate) fn sigmoid(logit: f64) -> f64 {
    1.0 / (1.0 + (-logit).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::SOURCES;

    fn typical() -> DealSignals<'static> {
        DealSignals {
            source: "Telegram",
            first_reply_minutes: 20.0,
            touches: 5,
            negative_messages: 0,
            positive_messages: 0,
            is_b2b: false,
        }
    }

    #[test]
    fn every_source_has_an_effect_and_referrals_beat_avito() {
        for (source, _) in SOURCES {
            assert!(
                OUTCOME_MODEL
                    .source_effects
                    .iter()
                    .any(|(name, _)| name == source),
                "{source} has no effect"
            );
        }
        let referral = OUTCOME_MODEL.probability(&DealSignals {
            source: "Рекомендация",
            ..typical()
        });
        let avito = OUTCOME_MODEL.probability(&DealSignals {
            source: "Авито",
            ..typical()
        });
        assert!(referral > avito + 0.3, "{referral} vs {avito}");
    }

    #[test]
    fn each_signal_moves_the_odds_the_documented_way() {
        let base = OUTCOME_MODEL.logit(&typical());
        let cases = [
            (
                "fast reply",
                DealSignals {
                    first_reply_minutes: 2.0,
                    ..typical()
                },
                true,
            ),
            (
                "slow reply",
                DealSignals {
                    first_reply_minutes: 600.0,
                    ..typical()
                },
                false,
            ),
            (
                "more touches",
                DealSignals {
                    touches: 10,
                    ..typical()
                },
                true,
            ),
            (
                "a complaint",
                DealSignals {
                    negative_messages: 1,
                    ..typical()
                },
                false,
            ),
            (
                "thanks",
                DealSignals {
                    positive_messages: 1,
                    ..typical()
                },
                true,
            ),
            (
                "B2B",
                DealSignals {
                    is_b2b: true,
                    ..typical()
                },
                false,
            ),
        ];
        for (name, signals, raises) in cases {
            assert_eq!(OUTCOME_MODEL.logit(&signals) > base, raises, "case {name}");
        }
    }

    #[test]
    fn touches_have_diminishing_returns() {
        let at = |touches| {
            OUTCOME_MODEL.logit(&DealSignals {
                touches,
                ..typical()
            })
        };
        assert!(at(4) - at(2) > at(12) - at(10));
    }
}

/// Fits the documented model back from the generated records alone.
#[cfg(test)]
mod recovery_tests {
    use std::collections::BTreeMap;

    use domain::{Id, Record, Value};

    use super::*;
    use crate::dataset::default_data;
    use crate::messages::{Tone, tone_of};

    /// Sources in the order of the fitted dummies; Telegram is the baseline.
    const DUMMIES: [&str; 7] = [
        "Рекомендация",
        "Сайт",
        "Звонок",
        "Яндекс.Директ",
        "WhatsApp",
        "VK",
        "Авито",
    ];

    fn at(record: &Record, name: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        match record.fields.get(name) {
            Some(Value::Timestamp(at)) => Some(*at),
            _ => None,
        }
    }

    /// Per deal: first reply minutes, touches, negative and positive messages.
    fn measured_signals() -> BTreeMap<Id, (f64, usize, usize, usize)> {
        let data = default_data();
        let opened: BTreeMap<Id, _> = data
            .deals
            .iter()
            .filter_map(|deal| Some((deal.id, at(deal, "opened_at")?)))
            .collect();
        let mut signals: BTreeMap<Id, (f64, usize, usize, usize)> = BTreeMap::new();
        for activity in &data.activities {
            let Some(deal) = activity.reference("deal_id") else {
                continue;
            };
            let entry = signals.entry(deal).or_insert((f64::INFINITY, 0, 0, 0));
            entry.1 += 1;
            let occurred = at(activity, "occurred_at").expect("activities have occurred_at");
            match activity.text("direction") {
                Some("outbound") => {
                    entry.0 = entry
                        .0
                        .min((occurred - opened[&deal]).num_seconds() as f64 / 60.0)
                }
                Some("inbound") if matches!(activity.text("kind"), Some("chat" | "email")) => {
                    match activity.text("text").and_then(tone_of) {
                        Some(Tone::Negative) => entry.2 += 1,
                        Some(Tone::Positive) => entry.3 += 1,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        signals
    }

    fn fit_logistic(rows: &[(Vec<f64>, f64)]) -> Vec<f64> {
        let width = rows[0].0.len();
        let mut beta = vec![0.0; width];
        for _ in 0..30 {
            let mut gradient = vec![0.0; width];
            let mut hessian = vec![vec![0.0; width]; width];
            for (features, label) in rows {
                let predicted = sigmoid(features.iter().zip(&beta).map(|(x, b)| x * b).sum());
                let weight = predicted * (1.0 - predicted);
                for (row, x_row) in hessian.iter_mut().zip(features) {
                    for (cell, x_col) in row.iter_mut().zip(features) {
                        *cell += weight * x_row * x_col;
                    }
                }
                for (slot, x) in gradient.iter_mut().zip(features) {
                    *slot += (label - predicted) * x;
                }
            }
            for (coefficient, step) in beta.iter_mut().zip(solve(hessian, gradient)) {
                *coefficient += step;
            }
        }
        beta
    }

    /// Solves `matrix · x = rhs` by Gaussian elimination with partial pivoting.
    fn solve(mut matrix: Vec<Vec<f64>>, mut rhs: Vec<f64>) -> Vec<f64> {
        let size = rhs.len();
        for column in 0..size {
            let pivot = (column..size)
                .max_by(|a, b| {
                    matrix[*a][column]
                        .abs()
                        .total_cmp(&matrix[*b][column].abs())
                })
                .expect("a non-empty range");
            matrix.swap(column, pivot);
            rhs.swap(column, pivot);
            for row in column + 1..size {
                let factor = matrix[row][column] / matrix[column][column];
                let pivot_row = matrix[column].clone();
                for (cell, above) in matrix[row].iter_mut().zip(&pivot_row).skip(column) {
                    *cell -= factor * above;
                }
                rhs[row] -= factor * rhs[column];
            }
        }
        let mut solution = vec![0.0; size];
        for row in (0..size).rev() {
            let known: f64 = matrix[row]
                .iter()
                .zip(&solution)
                .skip(row + 1)
                .map(|(a, x)| a * x)
                .sum();
            solution[row] = (rhs[row] - known) / matrix[row][row];
        }
        solution
    }

    #[test]
    fn a_logistic_fit_on_the_records_recovers_the_documented_coefficients() {
        // Arrange: the signals as a later scorer would measure them.
        let signals = measured_signals();
        let rows: Vec<(Vec<f64>, f64)> = default_data()
            .deals
            .iter()
            .filter(|deal| matches!(deal.text("status"), Some("won" | "lost")))
            .map(|deal| {
                let (reply, touches, negative, positive) = signals[&deal.id];
                let source = deal.text("source").expect("deals have a source");
                let mut features = vec![1.0];
                features.extend(
                    DUMMIES
                        .iter()
                        .map(|dummy| f64::from(u8::from(*dummy == source))),
                );
                features.extend([
                    reply.ln_1p(),
                    (touches as f64).ln_1p(),
                    negative as f64,
                    positive as f64,
                ]);
                features.push(f64::from(u8::from(deal.text("pipeline") == Some("B2B"))));
                (
                    features,
                    f64::from(u8::from(deal.text("status") == Some("won"))),
                )
            })
            .collect();
        // Act
        let fitted = fit_logistic(&rows);
        // Assert
        let effect = |source: &str| {
            OUTCOME_MODEL
                .source_effects
                .iter()
                .find(|(name, _)| *name == source)
                .map_or(0.0, |(_, effect)| *effect)
        };
        let mut expected = vec![("intercept", OUTCOME_MODEL.intercept, 0.5)];
        expected.extend(
            DUMMIES
                .iter()
                .map(|source| (*source, effect(source) - effect("Telegram"), 0.4)),
        );
        expected.extend([
            (
                "ln(1 + first reply minutes)",
                OUTCOME_MODEL.log_reply_minutes,
                0.12,
            ),
            ("ln(1 + touches)", OUTCOME_MODEL.log_touches, 0.3),
            ("negative messages", OUTCOME_MODEL.negative_message, 0.35),
            ("positive messages", OUTCOME_MODEL.positive_message, 0.3),
            ("B2B", OUTCOME_MODEL.b2b, 0.4),
        ]);
        let report: Vec<String> = expected
            .iter()
            .zip(&fitted)
            .map(|((name, truth, _), fit)| format!("{name}: {fit:.2} (true {truth:.2})"))
            .collect();
        for ((name, truth, tolerance), fit) in expected.iter().zip(&fitted) {
            assert!(
                (fit - truth).abs() < *tolerance,
                "{name} fitted {fit:.2}, true {truth:.2}\n{}",
                report.join("\n")
            );
        }
    }
}
