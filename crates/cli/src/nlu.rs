//! `fundament nlu train | parse | test`: the NLU model on the command line,
//! Rasa NLU YAML in, Rasa's `/model/parse` JSON out, one object per line.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Subcommand;
use nlu::{NluModel, Options, TrainingData};

#[derive(Subcommand)]
pub enum NluAction {
    /// Train a model from Rasa NLU YAML files.
    Train {
        /// Rasa NLU YAML files (`version: "3.1"`, `nlu:` …).
        #[arg(required = true)]
        data: Vec<PathBuf>,
        /// Directory to write the model into.
        #[arg(long)]
        out: PathBuf,
        /// Below this confidence the intent is `nlu_fallback` (default: chosen
        /// on held-out training examples to cost at most 1% of right answers).
        #[arg(long)]
        fallback_threshold: Option<f32>,
    },
    /// Parse TEXT, or each line of standard input (plain text or JSON with a `text` field).
    Parse {
        #[arg(long)]
        model: PathBuf,
        text: Option<String>,
    },
    /// Measure a model on Rasa NLU YAML test data.
    Test {
        #[arg(long)]
        model: PathBuf,
        /// Rasa NLU YAML with annotated examples.
        test: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(action: NluAction) -> Result<ExitCode> {
    match action {
        NluAction::Train {
            data,
            out,
            fallback_threshold,
        } => {
            let started = Instant::now();
            let training = TrainingData::load(&data)?;
            for warning in &training.warnings {
                eprintln!("warning: {warning}");
            }
            let options = Options {
                fallback_threshold,
                ..Options::default()
            };
            let model = NluModel::train(&training, &options)?;
            model.save(&out)?;
            println!(
                "trained on {} examples: {} intents, entities {}; {} synonyms, {} lookup tables, {} regexes; {:.1} s → {}",
                training.examples.len(),
                model.intents().len(),
                if model.entities().is_empty() {
                    "none".to_string()
                } else {
                    model.entities().join(", ")
                },
                training.synonyms.len(),
                training.lookups.len(),
                training.regexes.len(),
                started.elapsed().as_secs_f64(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        NluAction::Parse { model, text } => {
            let model = NluModel::load(&model)?;
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            if let Some(text) = text {
                serde_json::to_writer(&mut out, &model.parse(&text))?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            for (number, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line.context("reading standard input")?;
                let text = message_text(&line)
                    .with_context(|| format!("standard input, line {}", number + 1))?;
                let written = serde_json::to_writer(&mut out, &model.parse(&text))
                    .map_err(std::io::Error::from)
                    .and_then(|()| writeln!(out));
                match written {
                    // The reader stopped (`| head`): nothing more to say.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                        return Ok(ExitCode::SUCCESS);
                    }
                    other => other?,
                }
            }
            match out.flush() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(ExitCode::SUCCESS),
            }
        }
        NluAction::Test { model, test, json } => {
            let model = NluModel::load(&model)?;
            let data = TrainingData::load(&[&test])?;
            let report = nlu::evaluate(&model, &data, chrono::Local::now().date_naive());
            let text = if json {
                serde_json::to_string_pretty(&report)? + "\n"
            } else {
                table(&report)
            };
            write_out(text.as_bytes())
        }
    }
}

/// The report as people read it.
fn table(report: &nlu::Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} examples: intent accuracy {:.4}, macro-F1 {:.4}",
        report.examples, report.accuracy, report.macro_f1
    );
    if let Some(recall) = report.out_of_scope_recall {
        let _ = writeln!(
            out,
            "in-scope accuracy {:.4}, out-of-scope recall {recall:.4}",
            report.in_scope_accuracy
        );
    }
    let _ = writeln!(
        out,
        "\nintent                          support  precision  recall     F1"
    );
    for i in &report.intents {
        let _ = writeln!(
            out,
            "{:<32}{:>7}  {:>9.3}  {:>6.3}  {:>5.3}",
            i.intent, i.support, i.precision, i.recall, i.f1
        );
    }
    if !report.confusion.is_empty() {
        let _ = writeln!(out, "\nconfused (annotated → predicted: count)");
        for (gold, predicted, n) in report.confusion.iter().take(20) {
            let _ = writeln!(out, "  {gold} → {predicted}: {n}");
        }
    }
    let _ = writeln!(
        out,
        "\nentity                          support  found  precision  recall     F1  value ok"
    );
    for e in report
        .by_entity
        .iter()
        .chain(std::iter::once(&report.entities))
    {
        let _ = writeln!(
            out,
            "{:<32}{:>7}  {:>5}  {:>9.3}  {:>6.3}  {:>5.3}  {:>8.3}",
            e.entity, e.support, e.predicted, e.precision, e.recall, e.f1, e.value_accuracy
        );
    }
    out
}

/// Writes to standard output; a reader that stops early (`| head`) is not an error.
fn write_out(bytes: &[u8]) -> Result<ExitCode> {
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// A line of input: JSON with a `text` field, or the text itself.
fn message_text(line: &str) -> Result<String> {
    if line.trim_start().starts_with('{') {
        let value: serde_json::Value =
            serde_json::from_str(line).context("looks like JSON but does not parse")?;
        return value
            .get("text")
            .and_then(|t| t.as_str())
            .map(str::to_string)
            .context("a JSON line needs a string field `text`");
    }
    Ok(line.to_string())
}
