//! The prediction commands: `train` a model on a table with an outcome column
//! and `score` any table with the same columns. A model is a directory:
//! `model.json` (everything needed to score) and `metrics.json` (the
//! held-out figures, for people and dashboards).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use predict::{Language, Model, Options, Task};
use quality::Frame;

#[derive(Args)]
pub struct TrainArgs {
    /// What the model predicts: lead (will it buy) or churn (will it leave).
    #[arg(long, default_value = "lead")]
    pub task: Task,
    /// The training table (CSV or XLSX with a header row).
    #[arg(long, required_unless_present = "store")]
    pub data: Option<PathBuf>,
    /// The outcome column: 1/0, yes/no, true/false, да/нет.
    #[arg(long, required_unless_present = "store")]
    pub target: Option<String>,
    /// The column that identifies a row (never used as a feature).
    #[arg(long)]
    pub id: Option<String>,
    /// The target value meaning "yes" when it is not a usual spelling (e.g. won).
    #[arg(long)]
    pub positive: Option<String>,
    /// Where to write the model (a directory; created).
    #[arg(long, required_unless_present = "store")]
    pub out: Option<PathBuf>,
    /// Cross-validation folds.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Language of the summary and reasons: ru or en.
    #[arg(long, default_value = "ru")]
    pub lang: Language,
    /// Train on the store's closed deals (won vs lost) and register the model.
    #[arg(long)]
    pub store: bool,
    #[command(flatten)]
    pub location: crate::StoreArgs,
}

#[derive(Args)]
pub struct ScoreArgs {
    /// With --store: which model scores (lead: open deals; churn: customers).
    #[arg(long, default_value = "lead")]
    pub task: Task,
    /// The model directory `train` wrote (with --store: the registry's active model).
    #[arg(long, required_unless_present = "store")]
    pub model: Option<PathBuf>,
    /// The table to score (a target column in it is ignored).
    #[arg(long, required_unless_present = "store")]
    pub data: Option<PathBuf>,
    /// The column that identifies a row; default: the training's id column, else the row number.
    #[arg(long)]
    pub id: Option<String>,
    /// Where to write `record_id,probability,reasons` (with --store: optional).
    #[arg(long, required_unless_present = "store")]
    pub out: Option<PathBuf>,
    /// Factors per row in `reasons`.
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    #[arg(long, default_value = "ru")]
    pub lang: Language,
    /// Score the store's open deals and keep the scores with them.
    #[arg(long)]
    pub store: bool,
    #[command(flatten)]
    pub location: crate::StoreArgs,
}

/// Trains on a table and writes the model directory.
pub fn train(args: &TrainArgs, frame: Frame, target: &str, out: &Path) -> Result<ExitCode> {
    let mut options = Options::new(args.task, target);
    options.id = args.id.clone();
    options.positive = args.positive.clone();
    options.folds = args.folds;
    options.seed = args.seed;
    let started = std::time::Instant::now();
    let model = predict::train(&frame.headers, &frame.rows, &options)
        .with_context(|| format!("{}", frame.path.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    save(&model, out)?;
    eprint!("{}", model.summary(args.lang));
    eprintln!(
        "{} {:.2} s → {}",
        match args.lang {
            Language::Ru => "обучение заняло",
            Language::En => "training took",
        },
        seconds,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `model.json` and `metrics.json` into `dir`, each all or nothing.
pub fn save(model: &Model, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("model.json");
    let text = serde_json::to_string(model)?;
    quality::write_atomically(&path, |file| {
        use std::io::Write;
        file.write_all(text.as_bytes())
            .map_err(|source| quality::QualityError::Io {
                file: path.clone(),
                source,
            })
    })?;
    crate::data::write_json(&dir.join("metrics.json"), &model.report)
}

pub fn load(dir: &Path) -> Result<Model> {
    let path = dir.join("model.json");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{}: no model here (run `fundament train` first)",
            path.display()
        )
    })?;
    Model::from_json(&text).with_context(|| path.display().to_string())
}

/// Scores a table and writes `record_id,probability,reasons`.
pub fn score(args: &ScoreArgs, frame: Frame, out: &Path) -> Result<ExitCode> {
    let Some(dir) = &args.model else {
        bail!("give --model DIR");
    };
    let model = load(dir)?;
    let id_column = match (&args.id, &model.id_column) {
        (Some(id), _) => Some(
            frame
                .column(id)
                .with_context(|| format!("{}: no column `{id}` for --id", frame.path.display()))?,
        ),
        (None, Some(id)) => frame.column(id),
        (None, None) => None,
    };
    let scored = model.score(&frame.headers, &frame.rows);
    if scored.absent.len() == model.feature_names().len() {
        bail!(
            "{}: none of the model's columns are here (it reads {})",
            frame.path.display(),
            model.feature_names().join(", ")
        );
    }
    if !scored.absent.is_empty() {
        eprintln!(
            "{}: columns missing, scored as unknown: {}",
            frame.path.display(),
            scored.absent.join(", ")
        );
    }
    let rows = scored.scores.iter().enumerate().map(|(row, score)| {
        let id = match id_column {
            Some(column) => frame.cell(row, column).to_string(),
            None => (row + 1).to_string(),
        };
        vec![
            id,
            format!("{:.6}", score.probability),
            score.reasons(args.top, args.lang),
        ]
    });
    quality::write_csv(out, &["record_id", "probability", "reasons"], rows)?;
    eprintln!("{} rows scored → {}", scored.scores.len(), out.display());
    Ok(ExitCode::SUCCESS)
}

/// Prints what `train --store` registered.
pub fn report_store_model(model: &app::ModelSummary, language: Language) -> Result<ExitCode> {
    let (folds, latest) = (
        model.figure("/folds/validation/auc/value"),
        model.figure("/time_holdout/auc/value"),
    );
    match language {
        Language::Ru => eprintln!(
            "модель v{} ({}), данные {}: AUC {folds} на фолдах, {latest} на последних по времени сделках",
            model.version,
            model.status,
            &model.data_hash[..12.min(model.data_hash.len())]
        ),
        Language::En => eprintln!(
            "model v{} ({}), data {}: AUC {folds} on folds, {latest} on the latest deals by time",
            model.version,
            model.status,
            &model.data_hash[..12.min(model.data_hash.len())]
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the store's open-deal scores in the file contract's shape.
pub fn write_store_scores(
    list: &[app::CallFirst],
    out: &Path,
    top: usize,
    language: Language,
) -> Result<()> {
    let rows = list.iter().map(|item| {
        let reasons = item.score.reasons(language == Language::Ru);
        vec![
            item.score.deal_id.clone(),
            format!("{:.6}", item.score.probability),
            reasons[..top.min(reasons.len())].join("; "),
        ]
    });
    quality::write_csv(out, &["record_id", "probability", "reasons"], rows)?;
    eprintln!("{} scores → {}", list.len(), out.display());
    Ok(())
}
