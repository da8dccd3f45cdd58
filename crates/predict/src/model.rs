//! Training and scoring: the folds, the blend, the calibration, the honest
//! figures, and the model a caller keeps.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::PredictError;
use crate::bayes::NaiveBayes;
use crate::calibrate::Calibration;
use crate::data::{self, ColumnReport, Feature, Matrix, Outcome};
use crate::explain::{self, Factor, Language};
use crate::gbm::{self, Booster, Gbm, Params};
use crate::linear::Linear;
use crate::metrics::{self, Evaluation};
use crate::split::stratified_folds;

/// Fewer of either outcome than this and there is nothing honest to learn.
pub const MIN_OUTCOMES: usize = 10;
/// Fewer of the rarer outcome than this and only the linear model is fitted,
/// with intervals from bootstrap refits.
pub const SMALL_DATA_OUTCOMES: usize = 60;
/// L2 strengths tried for the linear model (on the summed loss).
const LAMBDAS: [f64; 9] = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0];
const MAX_ROUNDS: usize = 3000;
/// Boosting stops after this many rounds without a better held-out loss.
const PATIENCE: usize = 50;
const BOOTSTRAP_MODELS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// Will this lead or deal be won?
    #[default]
    Lead,
    /// Will this customer leave?
    Churn,
}

impl std::str::FromStr for Task {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "lead" | "deal" | "purchase" => Ok(Task::Lead),
            "churn" => Ok(Task::Churn),
            other => Err(format!("unknown task `{other}`; expected lead or churn")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Linear model and trees, blended as the folds say.
    Full,
    /// Few outcomes: the linear model alone, with per-score intervals.
    SmallData,
}

/// What to train.
#[derive(Debug, Clone)]
pub struct Options {
    pub task: Task,
    pub target: String,
    pub id: Option<String>,
    /// The target value that means "yes", when it is not a usual spelling.
    pub positive: Option<String>,
    pub folds: usize,
    pub seed: u64,
}

impl Options {
    pub fn new(task: Task, target: &str) -> Options {
        Options {
            task,
            target: target.to_string(),
            id: None,
            positive: None,
            folds: 5,
            seed: 42,
        }
    }
}

/// What the training did and how good the result is (cross-validated).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainReport {
    pub rows: usize,
    pub positives: usize,
    /// Rows without an outcome, not trained on.
    pub skipped: usize,
    pub mode: Mode,
    pub folds: usize,
    /// The linear model's L2 strength.
    pub lambda: f64,
    /// Trees in the final ensemble (0 in small-data mode).
    pub trees: usize,
    /// The linear model's weight in the blend (1 = linear only).
    pub blend: f64,
    pub calibration: String,
    /// The calibrated blend on held-out folds.
    pub validation: Evaluation,
    /// Held-out AUC of each model alone and of the naive-Bayes baseline.
    pub alone: Vec<(String, f64)>,
    pub columns: Vec<ColumnReport>,
    /// Things to look at: possible leaks, small data.
    pub warnings: Vec<String>,
}

/// A trained model: everything needed to score, explain and check drift.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    pub format: u32,
    pub task: Task,
    pub trained_at: String,
    /// SHA-256 of the training table, to tell which data made which model.
    pub data_hash: String,
    pub outcome: Outcome,
    pub id_column: Option<String>,
    pub report: TrainReport,
    features: Vec<Feature>,
    linear: Linear,
    gbm: Option<Gbm>,
    gbm_expected: f64,
    calibration: Calibration,
    /// Small-data mode: bootstrap refits of the linear model for intervals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    bootstrap: Vec<Linear>,
    drift: DriftReference,
}

/// One scored row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Score {
    pub probability: f64,
    /// Small-data mode: the 90% interval over bootstrap refits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<(f64, f64)>,
    /// Largest first.
    pub factors: Vec<Factor>,
}

impl Score {
    pub fn reasons(&self, top: usize, language: Language) -> String {
        explain::reasons(&self.factors[..top.min(self.factors.len())], language)
    }
}

/// Trains a model on a table whose `options.target` column holds the outcome.
pub fn train(
    headers: &[String],
    rows: &[Vec<String>],
    options: &Options,
) -> Result<Model, PredictError> {
    let find = |name: &str| {
        let folded = name.trim().to_lowercase();
        headers
            .iter()
            .position(|h| h.trim().to_lowercase() == folded)
            .ok_or_else(|| PredictError::NoColumn(name.to_string(), headers.join(", ")))
    };
    let target = find(&options.target)?;
    let id = options.id.as_deref().map(find).transpose()?;
    let (labels, outcome) =
        data::outcomes(rows, target, &headers[target], options.positive.as_deref())?;
    let labelled: Vec<usize> = (0..rows.len()).filter(|&i| labels[i].is_some()).collect();
    let train_rows: Vec<Vec<String>> = labelled.iter().map(|&i| rows[i].clone()).collect();
    let y: Vec<bool> = labelled.iter().map(|&i| labels[i] == Some(true)).collect();
    let positives = y.iter().filter(|&&l| l).count();
    let negatives = y.len() - positives;
    if positives.min(negatives) < MIN_OUTCOMES {
        return Err(PredictError::TooFewOutcomes(format!(
            "{positives} rows with `{}` = {} and {negatives} with {} among {} rows; at least {MIN_OUTCOMES} of each are needed. \
             Record the outcome of every closed deal (won and lost) or every customer who left, then train again (`fundament readiness` shows the same \"enough to train?\" gate with its fix-list)",
            outcome.column,
            outcome.positive,
            outcome.negative,
            y.len()
        )));
    }
    let plan = data::plan(headers, &train_rows, target, id);
    if plan.features.is_empty() {
        return Err(PredictError::NoFeatures(
            plan.report
                .iter()
                .map(|c| format!("{}: {:?}", c.name, c.excluded))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    let plan_ids: Vec<String> = plan
        .report
        .iter()
        .filter(|c| c.excluded == Some(data::Exclusion::Identifier))
        .map(|c| c.name.clone())
        .collect();
    let (x, _) = data::encode(&plan.features, headers, &train_rows);
    let mode = if positives.min(negatives) < SMALL_DATA_OUTCOMES {
        Mode::SmallData
    } else {
        Mode::Full
    };
    let k = options.folds.clamp(2, positives.min(negatives).max(2));
    let folds = stratified_folds(&y, k, options.seed);
    let fitted = cross_validate(&plan.features, &x, &y, &folds, k, mode, options.seed);

    let weights = vec![1.0; y.len()];
    let linear = Linear::fit(&plan.features, &x, &y, &weights, fitted.lambda, None);
    let gbm = (fitted.blend < 1.0).then(|| {
        let mut booster = Booster::new(&plan.features, &x, &y, &weights, gbm_params(options.seed));
        let rounds = ((fitted.rounds as f64) * 1.1).round().max(1.0) as usize;
        for _ in 0..rounds {
            booster.step();
        }
        booster.model
    });
    let bootstrap = if mode == Mode::SmallData {
        bootstrap_linears(&plan.features, &x, &y, fitted.lambda, &linear, options.seed)
    } else {
        Vec::new()
    };
    let mut warnings = fitted.warnings;
    if mode == Mode::SmallData {
        warnings.push(format!(
            "small data: {} of the rarer outcome; the linear model alone, with intervals; figures are rough",
            positives.min(negatives)
        ));
    }
    let calibration_name = match fitted.calibration {
        Calibration::Platt { .. } => "platt",
        Calibration::Isotonic { .. } => "isotonic",
    };
    let gbm_expected = gbm.as_ref().map_or(0.0, gbm::expected_logit);
    let mut model = Model {
        format: 1,
        task: options.task,
        trained_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        data_hash: hash(headers, rows),
        outcome,
        // Without --id, a column set aside as an identifier and named like
        // one (customerID, row_id) names the rows of the score file.
        id_column: id.map(|i| headers[i].clone()).or_else(|| {
            plan_ids
                .iter()
                .find(|name| data::looks_like_id(name))
                .cloned()
        }),
        report: TrainReport {
            rows: y.len(),
            positives,
            skipped: rows.len() - y.len(),
            mode,
            folds: k,
            lambda: fitted.lambda,
            trees: gbm.as_ref().map_or(0, Gbm::trees),
            blend: fitted.blend,
            calibration: calibration_name.to_string(),
            validation: fitted.validation,
            alone: fitted.alone,
            columns: plan.report,
            warnings,
        },
        features: plan.features,
        linear,
        gbm,
        gbm_expected,
        calibration: fitted.calibration,
        bootstrap,
        drift: DriftReference::default(),
    };
    let logits: Vec<f64> = (0..x.rows).map(|r| model.logit(&x.row(r))).collect();
    model.drift = DriftReference::new(&model.features, &x, &logits);
    Ok(model)
}

fn gbm_params(seed: u64) -> Params {
    Params {
        seed,
        ..Params::default()
    }
}

struct Fitted {
    lambda: f64,
    rounds: usize,
    blend: f64,
    calibration: Calibration,
    validation: Evaluation,
    alone: Vec<(String, f64)>,
    warnings: Vec<String>,
}

/// Runs `work` on each fold, spread over the machine's cores.
fn per_fold<T: Send>(k: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(k);
    let mut results: Vec<Option<T>> = (0..k).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let work = &work;
                scope.spawn(move || {
                    (t..k)
                        .step_by(threads)
                        .map(|f| (f, work(f)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            if let Ok(done) = handle.join() {
                for (f, result) in done {
                    results[f] = Some(result);
                }
            }
        }
    });
    results.into_iter().flatten().collect()
}

fn cross_validate(
    features: &[Feature],
    x: &Matrix,
    y: &[bool],
    folds: &[usize],
    k: usize,
    mode: Mode,
    seed: u64,
) -> Fitted {
    struct FoldRun {
        held: Vec<usize>,
        linear: Vec<Vec<f64>>,
        bayes: Vec<f64>,
        curve: Vec<f64>,
        gbm: Option<Gbm>,
    }
    let runs = per_fold(k, |f| {
        let fit_rows: Vec<usize> = (0..y.len()).filter(|&i| folds[i] != f).collect();
        let held: Vec<usize> = (0..y.len()).filter(|&i| folds[i] == f).collect();
        let fit_x = x.take(&fit_rows);
        let fit_y: Vec<bool> = fit_rows.iter().map(|&i| y[i]).collect();
        let held_x = x.take(&held);
        let held_y: Vec<bool> = held.iter().map(|&i| y[i]).collect();
        let weights = vec![1.0; fit_y.len()];
        let mut linear = Vec::new();
        let mut warm: Option<Linear> = None;
        for &lambda in LAMBDAS.iter().rev() {
            let model = Linear::fit(features, &fit_x, &fit_y, &weights, lambda, warm.as_ref());
            linear.push(model.logits(&held_x));
            warm = Some(model);
        }
        linear.reverse();
        let bayes = NaiveBayes::fit(features, &fit_x, &fit_y).logits(features, &held_x);
        let (curve, gbm) = if mode == Mode::Full {
            let mut booster = Booster::new(features, &fit_x, &fit_y, &weights, gbm_params(seed));
            let held_rows: Vec<Vec<f64>> = (0..held_x.rows).map(|r| held_x.row(r)).collect();
            let base = booster.model.logit(&held_rows[0]);
            let mut held_logits = vec![base; held_rows.len()];
            let mut curve = Vec::new();
            let mut best = (f64::INFINITY, 0);
            while booster.step() <= MAX_ROUNDS {
                for (logit, row) in held_logits.iter_mut().zip(&held_rows) {
                    *logit += booster.model.last_tree(row);
                }
                let loss = gbm::mean_log_loss(&held_logits, &held_y);
                curve.push(loss);
                if loss < best.0 {
                    best = (loss, curve.len());
                } else if curve.len() - best.1 >= PATIENCE {
                    break;
                }
            }
            (curve, Some(booster.model))
        } else {
            (Vec::new(), None)
        };
        FoldRun {
            held,
            linear,
            bayes,
            curve,
            gbm,
        }
    });

    let gather = |values: &dyn Fn(&FoldRun) -> Vec<f64>| {
        let mut out = vec![0.0; y.len()];
        for run in &runs {
            for (&row, value) in run.held.iter().zip(values(run)) {
                out[row] = value;
            }
        }
        out
    };
    // The linear model's strength: the lowest held-out log-loss (smoother
    // than AUC, so less swayed by a few rows).
    let (lambda_index, linear_oof) = (0..LAMBDAS.len())
        .map(|i| (i, gather(&|run: &FoldRun| run.linear[i].clone())))
        .min_by(|a, b| gbm::mean_log_loss(&a.1, y).total_cmp(&gbm::mean_log_loss(&b.1, y)))
        .unwrap_or((1, vec![0.0; y.len()]));
    let bayes_oof = gather(&|run: &FoldRun| run.bayes.clone());
    let mut alone = vec![
        ("naive_bayes".to_string(), metrics::auc(&bayes_oof, y)),
        (
            "logistic_regression".to_string(),
            metrics::auc(&linear_oof, y),
        ),
    ];

    let (rounds, gbm_oof) = if mode == Mode::Full {
        let shortest = runs.iter().map(|r| r.curve.len()).min().unwrap_or(0);
        let rounds = (0..shortest)
            .min_by(|&a, &b| {
                let mean = |i: usize| runs.iter().map(|r| r.curve[i]).sum::<f64>();
                mean(a).total_cmp(&mean(b))
            })
            .map_or(1, |i| i + 1);
        let oof = gather(&|run: &FoldRun| {
            let Some(model) = &run.gbm else {
                return vec![0.0; run.held.len()];
            };
            let mut model = model.clone();
            model.truncate(rounds);
            run.held.iter().map(|&r| model.logit(&x.row(r))).collect()
        });
        alone.push(("gradient_boosting".to_string(), metrics::auc(&oof, y)));
        (rounds, Some(oof))
    } else {
        (0, None)
    };

    // The blend: the linear model's weight whose calibrated held-out scores
    // have the lowest Brier score (it rewards ranking and honesty both); a
    // tie keeps more of the linear model, the simpler one to explain.
    let (blend, blended) = match &gbm_oof {
        Some(trees) => (0..=10)
            .rev()
            .map(|step| {
                let w = step as f64 / 10.0;
                let z: Vec<f64> = linear_oof
                    .iter()
                    .zip(trees)
                    .map(|(a, b)| w * a + (1.0 - w) * b)
                    .collect();
                (w, z)
            })
            .fold(None::<(f64, Vec<f64>, f64)>, |best, (w, z)| {
                let platt = Calibration::platt(&z, y);
                let p: Vec<f64> = z.iter().map(|&v| platt.probability(v)).collect();
                let score = -metrics::brier(&p, y);
                match best {
                    Some(b) if b.2 >= score => Some(b),
                    _ => Some((w, z, score)),
                }
            })
            .map(|(w, z, _)| (w, z))
            .unwrap_or((1.0, linear_oof.clone())),
        None => (1.0, linear_oof.clone()),
    };
    let calibration = Calibration::fit(&blended, y);
    let probabilities: Vec<f64> = blended
        .iter()
        .map(|&z| calibration.probability(z))
        .collect();
    let mut validation = metrics::evaluate(&probabilities, y, seed);
    if mode == Mode::SmallData {
        // Resampling held-out scores sees the test rows' chance but not the
        // training rows': with few outcomes that half matters as much, so the
        // interval is widened by √2 (measured coverage in BENCHMARKS.md).
        let widen = std::f64::consts::SQRT_2;
        validation.auc = validation.auc.widen(widen, 0.0, 1.0);
        validation.pr_auc = validation.pr_auc.widen(widen, 0.0, 1.0);
        validation.brier = validation.brier.widen(widen, 0.0, 1.0);
    }

    let mut warnings = Vec::new();
    for (f, feature) in features.iter().enumerate() {
        let alone = metrics::auc(
            &x.columns[f]
                .iter()
                .map(|v| if v.is_nan() { -1e300 } else { *v })
                .collect::<Vec<_>>(),
            y,
        );
        let strength = if alone.is_nan() {
            0.0
        } else {
            (alone - 0.5).abs() + 0.5
        };
        if strength > 0.99 && !feature.is_categorical() {
            warnings.push(format!(
                "column `{}` alone predicts the outcome (AUC {strength:.3}): is it known only after the outcome (a leak)?",
                feature.name
            ));
        }
    }
    Fitted {
        lambda: LAMBDAS[lambda_index],
        rounds,
        blend,
        calibration,
        validation,
        alone,
        warnings,
    }
}

fn bootstrap_linears(
    features: &[Feature],
    x: &Matrix,
    y: &[bool],
    lambda: f64,
    warm: &Linear,
    seed: u64,
) -> Vec<Linear> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0xb007);
    (0..BOOTSTRAP_MODELS)
        .map(|_| {
            // Poisson(1) weights: the bootstrap without re-encoding the table.
            let weights: Vec<f64> = (0..y.len())
                .map(|_| {
                    let u: f64 = rng.random();
                    let mut k = 0.0;
                    let mut p = (-1.0f64).exp();
                    let mut cumulative = p;
                    while u > cumulative && k < 10.0 {
                        k += 1.0;
                        p /= k;
                        cumulative += p;
                    }
                    k
                })
                .collect();
            Linear::fit(features, x, y, &weights, lambda, Some(warm))
        })
        .collect()
}

fn hash(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut hasher = Sha256::new();
    for row in std::iter::once(headers).chain(rows.iter().map(Vec::as_slice)) {
        for cell in row {
            hasher.update(cell.as_bytes());
            hasher.update([0x1f]);
        }
        hasher.update([0x1e]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Scores of a table, in its row order.
#[derive(Debug, Clone)]
pub struct Scored {
    pub scores: Vec<Score>,
    /// Feature columns the table lacks (scored as missing).
    pub absent: Vec<String>,
}

impl Model {
    fn blend(&self) -> f64 {
        self.report.blend
    }

    fn logit(&self, row: &[f64]) -> f64 {
        let linear = self.linear.logit(row);
        match &self.gbm {
            Some(trees) => self.blend() * linear + (1.0 - self.blend()) * trees.logit(row),
            None => linear,
        }
    }

    /// The calibrated probability of one encoded row.
    fn probability(&self, row: &[f64]) -> f64 {
        self.calibration.probability(self.logit(row))
    }

    /// Scores every row of a table that has the training's columns (others are ignored).
    pub fn score(&self, headers: &[String], rows: &[Vec<String>]) -> Scored {
        let (x, absent) = data::encode(&self.features, headers, rows);
        let positions: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_lowercase(), i))
            .collect();
        let sources: Vec<Option<usize>> = self
            .features
            .iter()
            .map(|f| positions.get(&f.name.trim().to_lowercase()).copied())
            .collect();
        let scores = (0..x.rows)
            .map(|r| {
                let raw: Vec<&str> = sources
                    .iter()
                    .map(|s| s.and_then(|c| rows[r].get(c)).map_or("", |v| v.trim()))
                    .collect();
                self.score_row(&x.row(r), &raw)
            })
            .collect();
        Scored { scores, absent }
    }

    fn score_row(&self, row: &[f64], raw: &[&str]) -> Score {
        let z = self.logit(row);
        let probability = self.calibration.probability(z);
        let mut parts: Vec<f64> = self
            .linear
            .contributions(row)
            .into_iter()
            .map(|c| c * self.blend())
            .collect();
        if let Some(trees) = &self.gbm {
            for (part, shap) in parts
                .iter_mut()
                .zip(trees.contributions(row, self.features.len()))
            {
                *part += (1.0 - self.blend()) * shap;
            }
        }
        let mut factors: Vec<Factor> = parts
            .iter()
            .enumerate()
            .map(|(f, &part)| Factor {
                column: self.features[f].name.clone(),
                value: if data::is_missing(raw[f]) {
                    String::new()
                } else {
                    raw[f].to_string()
                },
                points: 100.0 * (probability - self.calibration.probability(z - part)),
            })
            .collect();
        factors.sort_by(|a, b| b.points.abs().total_cmp(&a.points.abs()));
        let interval = (!self.bootstrap.is_empty()).then(|| {
            let mut samples: Vec<f64> = self
                .bootstrap
                .iter()
                .map(|m| self.calibration.probability(m.logit(row)))
                .collect();
            samples.sort_by(f64::total_cmp);
            let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
            (at(0.05).min(probability), at(0.95).max(probability))
        });
        Score {
            probability,
            interval,
            factors,
        }
    }

    /// Population stability of each feature and of the score on new rows
    /// against the training rows: above 0.2 the model no longer sees the
    /// world it learnt.
    pub fn drift(&self, headers: &[String], rows: &[Vec<String>]) -> Drift {
        let (x, _) = data::encode(&self.features, headers, rows);
        let logits: Vec<f64> = (0..x.rows).map(|r| self.logit(&x.row(r))).collect();
        let mut features: Vec<(String, f64)> = self
            .features
            .iter()
            .enumerate()
            .map(|(f, feature)| {
                let actual = self.drift.share_of(feature, &x.columns[f], f);
                (feature.name.clone(), psi(&self.drift.features[f], &actual))
            })
            .collect();
        features.sort_by(|a, b| b.1.total_cmp(&a.1));
        let expected = self.drift.score.clone();
        let actual = shares_by_cuts(&self.drift.score_cuts, &logits);
        Drift {
            score: psi(&expected, &actual),
            features,
        }
    }

    /// A text summary of the training, for people.
    pub fn summary(&self, language: Language) -> String {
        let r = &self.report;
        let v = &r.validation;
        let alone = r
            .alone
            .iter()
            .map(|(name, auc)| format!("{name} {auc:.3}"))
            .collect::<Vec<_>>()
            .join(", ");
        let used = r.columns.iter().filter(|c| c.kind.is_some()).count();
        let set_aside: Vec<String> = r
            .columns
            .iter()
            .filter_map(|c| match c.excluded {
                Some(data::Exclusion::Target) | None => None,
                Some(why) => Some(format!("{} ({why:?})", c.name)),
            })
            .collect();
        let ru = language == Language::Ru;
        let pick =
            |russian: &'static str, english: &'static str| if ru { russian } else { english };
        let set_aside = if set_aside.is_empty() {
            pick("нет", "none").to_string()
        } else {
            set_aside.join(", ")
        };
        let lines = [
            format!(
                "{} {} ({} «{}»), {} {}",
                pick("обучено на строках:", "trained on rows:"),
                r.rows,
                r.positives,
                self.outcome.positive,
                pick("пропущено без исхода:", "skipped without an outcome:"),
                r.skipped
            ),
            format!(
                "{} {:?}; {} {used}; {} {set_aside}",
                pick("режим:", "mode:"),
                r.mode,
                pick("признаков:", "features:"),
                pick("отложены:", "set aside:")
            ),
            format!(
                "{} (λ={}) {} {:.1}, {} {}; {} {}",
                pick(
                    "модель: логистическая регрессия",
                    "model: logistic regression"
                ),
                r.lambda,
                pick("с весом", "weighted"),
                r.blend,
                pick("деревьев:", "trees:"),
                r.trees,
                pick("калибровка:", "calibration:"),
                r.calibration
            ),
            format!(
                "{} {}: AUC {:.3} [{:.3}; {:.3}], PR-AUC {:.3}, log-loss {:.4}, Brier {:.4} [{:.4}; {:.4}]",
                pick("проверка, фолдов:", "validation, folds:"),
                r.folds,
                v.auc.value,
                v.auc.low,
                v.auc.high,
                v.pr_auc.value,
                v.log_loss,
                v.brier.value,
                v.brier.low,
                v.brier.high
            ),
            format!(
                "{} {alone}",
                pick("по отдельности (AUC):", "each alone (AUC):")
            ),
            format!(
                "{} {:.2}",
                pick("лифт верхнего дециля:", "top-decile lift:"),
                v.lift.first().copied().unwrap_or(0.0)
            ),
        ];
        let mut text = lines.join("\n") + "\n";
        for warning in &r.warnings {
            text.push_str(&format!("! {warning}\n"));
        }
        text
    }

    /// Reads a model written by `serde_json::to_string(&model)`.
    pub fn from_json(text: &str) -> Result<Model, PredictError> {
        let model: Model =
            serde_json::from_str(text).map_err(|e| PredictError::BadModel(e.to_string()))?;
        if model.format != 1 {
            return Err(PredictError::BadModel(format!(
                "format {} (this build reads 1)",
                model.format
            )));
        }
        Ok(model)
    }

    /// Probabilities alone, without reasons: the fast path for ranking.
    pub fn probabilities(&self, headers: &[String], rows: &[Vec<String>]) -> Vec<f64> {
        let (x, _) = data::encode(&self.features, headers, rows);
        let mut row = vec![0.0; self.features.len()];
        (0..x.rows)
            .map(|r| {
                for (value, column) in row.iter_mut().zip(&x.columns) {
                    *value = column[r];
                }
                self.probability(&row)
            })
            .collect()
    }

    /// Scores one record given as (column, value) pairs, e.g. a web form's fields.
    pub fn score_one(&self, fields: &[(String, String)]) -> Score {
        let headers: Vec<String> = fields.iter().map(|(k, _)| k.clone()).collect();
        let row = vec![fields.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()];
        let mut scored = self.score(&headers, &row);
        scored.scores.pop().unwrap_or(Score {
            probability: f64::NAN,
            interval: None,
            factors: Vec::new(),
        })
    }

    /// The feature columns the model reads.
    pub fn feature_names(&self) -> Vec<&str> {
        self.features.iter().map(|f| f.name.as_str()).collect()
    }
}

/// Feature and score distributions of the training rows, for drift alarms.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct DriftReference {
    /// Numbers: decile cuts; categories: empty (codes are the bins).
    cuts: Vec<Vec<f64>>,
    features: Vec<Vec<f64>>,
    score_cuts: Vec<f64>,
    score: Vec<f64>,
}

impl DriftReference {
    fn new(features: &[Feature], x: &Matrix, logits: &[f64]) -> DriftReference {
        let cuts: Vec<Vec<f64>> = features
            .iter()
            .zip(&x.columns)
            .map(|(feature, column)| {
                if feature.is_categorical() {
                    Vec::new()
                } else {
                    deciles(column)
                }
            })
            .collect();
        let mut reference = DriftReference {
            cuts,
            features: Vec::new(),
            score_cuts: deciles(logits),
            score: Vec::new(),
        };
        reference.features = features
            .iter()
            .enumerate()
            .map(|(f, feature)| reference.share_of(feature, &x.columns[f], f))
            .collect();
        reference.score = shares_by_cuts(&reference.score_cuts, logits);
        reference
    }

    fn share_of(&self, feature: &Feature, column: &[f64], f: usize) -> Vec<f64> {
        if feature.is_categorical() {
            let mut counts = vec![0.0; feature.levels.len() + 2];
            let last = counts.len() - 1;
            for &v in column {
                counts[if v.is_nan() {
                    0
                } else {
                    (v as usize + 1).min(last)
                }] += 1.0;
            }
            let total = column.len().max(1) as f64;
            counts.iter().map(|c| c / total).collect()
        } else {
            shares_by_cuts(&self.cuts[f], column)
        }
    }
}

fn deciles(values: &[f64]) -> Vec<f64> {
    let mut present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    present.sort_by(f64::total_cmp);
    let mut cuts: Vec<f64> = (1..10)
        .filter_map(|i| present.get(i * present.len() / 10).copied())
        .collect();
    cuts.dedup();
    cuts
}

/// Shares of values in: missing, then each interval between cuts.
fn shares_by_cuts(cuts: &[f64], values: &[f64]) -> Vec<f64> {
    let mut counts = vec![0.0; cuts.len() + 2];
    for &v in values {
        counts[if v.is_nan() {
            0
        } else {
            cuts.partition_point(|&c| c < v) + 1
        }] += 1.0;
    }
    let total = values.len().max(1) as f64;
    counts.iter().map(|c| c / total).collect()
}

/// Bins holding less than this share of the training rows are pooled: a
/// category seen a few times would otherwise swing the index on a handful of rows.
const PSI_MIN_SHARE: f64 = 0.02;

fn psi(expected: &[f64], actual: &[f64]) -> f64 {
    let (mut small_e, mut small_a) = (0.0, 0.0);
    let mut total = 0.0;
    for (&e, &a) in expected.iter().zip(actual) {
        if e < PSI_MIN_SHARE {
            small_e += e;
            small_a += a;
        } else {
            total += term(e, a);
        }
    }
    if small_e > 0.0 || small_a > 0.0 {
        total += term(small_e, small_a);
    }
    total
}

fn term(expected: f64, actual: f64) -> f64 {
    let (e, a) = (expected.max(1e-4), actual.max(1e-4));
    (a - e) * (a / e).ln()
}

/// Population stability index per feature (largest first) and on the score.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Drift {
    pub score: f64,
    pub features: Vec<(String, f64)>,
}

#[cfg(test)]
mod tests {
    use super::psi;

    #[test]
    fn population_stability_pools_rare_bins() {
        assert!(psi(&[0.5, 0.5], &[0.5, 0.5]).abs() < 1e-12);
        // Two rare categories trading places is not a shift of the population.
        let expected = [0.49, 0.49, 0.01, 0.01];
        let actual = [0.49, 0.49, 0.0, 0.02];
        assert!(psi(&expected, &actual) < 0.01);
        // Half the rows moving from one common value to another is.
        assert!(psi(&[0.5, 0.5], &[0.1, 0.9]) > 0.25);
    }
}
