//! Scores the output of `fundament dedupe`, `standardize` and `pii detect`
//! against ground truth: pairwise precision, recall and F1 of duplicate
//! clusters or links, accuracy of standardised values, and per-type
//! precision and recall of personal-data spans.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Score fundament's data-quality outputs against ground truth")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Clusters (`record_id,cluster_id`) against true duplicate pairs or entity ids.
    Clusters {
        /// The clusters file written by `fundament dedupe`.
        #[arg(long)]
        clusters: PathBuf,
        /// True pairs, two id columns (FEBRL `true_links_*.csv`).
        #[arg(long)]
        links: Option<PathBuf>,
        /// Or: a truth table with `id` and `entity_id` columns.
        #[arg(long)]
        entities: Option<PathBuf>,
    },
    /// Linked pairs (`left_id,right_id,...`) against true pairs.
    Pairs {
        #[arg(long)]
        pairs: PathBuf,
        #[arg(long)]
        links: PathBuf,
    },
    /// A standardised table against a truth table, by id, column by column (`out_col=truth_col`).
    Standard {
        #[arg(long)]
        output: PathBuf,
        #[arg(long)]
        truth: PathBuf,
        /// Columns to compare, e.g. `Телефон=phone_e164,Город=city,Дата рождения=birth_date`.
        #[arg(long)]
        columns: String,
    },
    /// `pii detect` output against gold entities (both JSON Lines with `id` and `entities`).
    Pii {
        #[arg(long)]
        predicted: PathBuf,
        #[arg(long)]
        gold: PathBuf,
    },
}

fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let headers = reader.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        rows.push(record?.iter().map(str::to_string).collect());
    }
    Ok((headers, rows))
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

fn pairs_of_groups(groups: &HashMap<String, Vec<String>>) -> HashSet<(String, String)> {
    let mut out = HashSet::new();
    for members in groups.values() {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                out.insert(pair(a, b));
            }
        }
    }
    out
}

fn score(
    predicted: &HashSet<(String, String)>,
    truth: &HashSet<(String, String)>,
) -> (f64, f64, f64, usize, usize) {
    let tp = predicted.intersection(truth).count();
    let precision = if predicted.is_empty() {
        1.0
    } else {
        tp as f64 / predicted.len() as f64
    };
    let recall = if truth.is_empty() {
        1.0
    } else {
        tp as f64 / truth.len() as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    (
        precision,
        recall,
        f1,
        predicted.len() - tp,
        truth.len() - tp,
    )
}

fn print_score(label: &str, s: (f64, f64, f64, usize, usize)) {
    println!(
        "{label}: precision {:.4} recall {:.4} F1 {:.4} (false pairs {}, missed pairs {})",
        s.0, s.1, s.2, s.3, s.4
    );
}

fn link_pairs(path: &Path) -> Result<HashSet<(String, String)>> {
    let (_, rows) = read_csv(path)?;
    Ok(rows
        .iter()
        .filter(|r| r.len() >= 2)
        .map(|r| pair(&r[0], &r[1]))
        .collect())
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Clusters {
            clusters,
            links,
            entities,
        } => {
            let (_, rows) = read_csv(&clusters)?;
            let mut groups: HashMap<String, Vec<String>> = HashMap::new();
            for row in &rows {
                groups
                    .entry(row[1].clone())
                    .or_default()
                    .push(row[0].clone());
            }
            let predicted = pairs_of_groups(&groups);
            let truth = match (links, entities) {
                (Some(links), _) => link_pairs(&links)?,
                (None, Some(entities)) => {
                    let (headers, rows) = read_csv(&entities)?;
                    let id = headers
                        .iter()
                        .position(|h| h == "id")
                        .context("truth has no id column")?;
                    let entity = headers
                        .iter()
                        .position(|h| h == "entity_id")
                        .context("truth has no entity_id column")?;
                    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
                    for row in &rows {
                        groups
                            .entry(row[entity].clone())
                            .or_default()
                            .push(row[id].clone());
                    }
                    pairs_of_groups(&groups)
                }
                (None, None) => bail!("give --links or --entities"),
            };
            print_score("pairwise", score(&predicted, &truth));
        }
        Command::Pairs { pairs, links } => {
            print_score(
                "pairwise",
                score(&link_pairs(&pairs)?, &link_pairs(&links)?),
            );
        }
        Command::Standard {
            output,
            truth,
            columns,
        } => {
            let (out_headers, out_rows) = read_csv(&output)?;
            let (truth_headers, truth_rows) = read_csv(&truth)?;
            let truth_by_id: HashMap<&str, &Vec<String>> =
                truth_rows.iter().map(|r| (r[0].as_str(), r)).collect();
            for spec in columns.split(',') {
                let (out_col, truth_col) = spec.split_once('=').context("columns are out=truth")?;
                let o = out_headers
                    .iter()
                    .position(|h| h == out_col)
                    .with_context(|| format!("no column {out_col}"))?;
                let t = truth_headers
                    .iter()
                    .position(|h| h == truth_col)
                    .with_context(|| format!("no truth column {truth_col}"))?;
                let (mut right, mut total) = (0, 0);
                let mut wrong: Vec<String> = Vec::new();
                for row in &out_rows {
                    let Some(truth_row) = truth_by_id.get(row[0].as_str()) else {
                        continue;
                    };
                    let expected = &truth_row[t];
                    if expected.is_empty() {
                        continue;
                    }
                    total += 1;
                    // A cell with several phones is right when its first is.
                    let got = row[o].split(", ").next().unwrap_or("");
                    if got == expected {
                        right += 1;
                    } else if wrong.len() < 8 {
                        wrong.push(format!("{:?} (expected {expected:?})", row[o]));
                    }
                }
                println!(
                    "{out_col}: {right}/{total} right = {:.4}",
                    right as f64 / total.max(1) as f64
                );
                for w in wrong {
                    println!("    {w}");
                }
            }
        }
        Command::Pii { predicted, gold } => {
            let load = |path: &Path| -> Result<HashSet<(String, String, u64, u64)>> {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                let mut out = HashSet::new();
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    let value: serde_json::Value = serde_json::from_str(line)?;
                    let id = value["id"].to_string();
                    for entity in value["entities"].as_array().into_iter().flatten() {
                        out.insert((
                            id.clone(),
                            entity["type"].as_str().unwrap_or("").to_string(),
                            entity["start"].as_u64().unwrap_or(0),
                            entity["end"].as_u64().unwrap_or(0),
                        ));
                    }
                }
                Ok(out)
            };
            let (p, g) = (load(&predicted)?, load(&gold)?);
            let types: BTreeMap<&str, ()> = p
                .iter()
                .chain(g.iter())
                .map(|e| (e.1.as_str(), ()))
                .collect();
            for kind in types.keys() {
                let pk: HashSet<_> = p.iter().filter(|e| e.1 == *kind).collect();
                let gk: HashSet<_> = g.iter().filter(|e| e.1 == *kind).collect();
                let tp = pk.intersection(&gk).count();
                println!(
                    "{kind:<14} precision {:.4} recall {:.4} (predicted {}, gold {})",
                    tp as f64 / pk.len().max(1) as f64,
                    tp as f64 / gk.len().max(1) as f64,
                    pk.len(),
                    gk.len()
                );
            }
        }
    }
    Ok(())
}
