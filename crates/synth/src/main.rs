//! The `synth` command: writes the contacts, linkage and PII data sets with
//! their truth files. See the library documentation for what each contains.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

/// Seeded messy Russian CRM data with ground truth.
#[derive(Debug, Parser)]
#[command(name = "synth", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Contacts with duplicates: records.csv and truth.csv.
    Contacts {
        #[arg(long, default_value_t = 5_000)]
        entities: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The records file (Russian headers).
        #[arg(long)]
        out: PathBuf,
        /// The truth file, one line per record.
        #[arg(long)]
        truth: PathBuf,
        /// Also write the hard negatives (families, twins, namesakes) here.
        #[arg(long)]
        relations: Option<PathBuf>,
        /// Share of people with 2–5 records.
        #[arg(long, default_value_t = 0.35)]
        duplicate_share: f64,
    },
    /// A two-file linkage task: every person on the left, a share on the right.
    Link {
        #[arg(long, default_value_t = 5_000)]
        entities: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        left: PathBuf,
        #[arg(long)]
        right: PathBuf,
        /// The true pairs, `left_id,right_id`.
        #[arg(long)]
        truth: PathBuf,
        /// Share of people also in the right file.
        #[arg(long, default_value_t = 0.5)]
        overlap: f64,
    },
    /// Free texts with personal data: texts.jsonl and entities.jsonl.
    Pii {
        #[arg(long, default_value_t = 2_000)]
        docs: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        truth: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Contacts {
            entities,
            seed,
            out,
            truth,
            relations,
            duplicate_share,
        } => {
            let config = synth::contacts::ContactsConfig {
                duplicate_share,
                ..synth::contacts::ContactsConfig::new(entities, seed)
            };
            let dataset = synth::contacts::generate(&config);
            synth::contacts::write_csv(&dataset, &out, &truth)
                .with_context(|| format!("writing {} and {}", out.display(), truth.display()))?;
            if let Some(path) = relations {
                let file = std::fs::File::create(&path)
                    .with_context(|| format!("creating {}", path.display()))?;
                synth::contacts::write_relations(&dataset.relations, file)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            println!("{} records of {entities} people", dataset.records.len());
        }
        Command::Link {
            entities,
            seed,
            left,
            right,
            truth,
            overlap,
        } => {
            let config = synth::link::LinkConfig {
                overlap,
                ..synth::link::LinkConfig::new(entities, seed)
            };
            let dataset = synth::link::generate(&config);
            synth::link::write_csv(&dataset, &left, &right, &truth)
                .context("writing the linkage files")?;
            println!(
                "{} left, {} right, {} true pairs",
                dataset.left.len(),
                dataset.right.len(),
                dataset.pairs.len()
            );
        }
        Command::Pii {
            docs,
            seed,
            out,
            truth,
        } => {
            let generated = synth::pii::generate(docs, seed);
            synth::pii::write_jsonl(&generated, &out, &truth)
                .with_context(|| format!("writing {} and {}", out.display(), truth.display()))?;
            let spans: usize = generated.iter().map(|doc| doc.entities.len()).sum();
            println!("{docs} texts, {spans} entities");
        }
    }
    Ok(())
}
