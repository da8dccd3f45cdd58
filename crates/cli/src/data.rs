//! The data-readiness commands on files: standardize, validate, dedupe,
//! pii, anonymize, readiness. Each reads a whole table, writes its output
//! all or nothing, and prints a summary on standard error.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use quality::{Frame, Roles};

/// Where a data command reads its table: a file, or the store with `--store`.
#[derive(Args, Clone)]
pub struct StoreInput {
    /// Read the records from the store instead of a file.
    #[arg(long)]
    pub store: bool,
    /// With --store: the collection (contacts, companies, deals, products, orders, ...).
    #[arg(long, default_value = "contacts")]
    pub entity: String,
    #[command(flatten)]
    pub location: crate::StoreArgs,
}

/// The table to work on: the store's (already read) or the file's.
fn table(path: Option<&PathBuf>, from_store: Option<Frame>) -> Result<Frame> {
    match (from_store, path) {
        (Some(frame), _) => Ok(frame),
        (None, Some(path)) => read(path),
        (None, None) => bail!("give a file or --store"),
    }
}

/// How a table's columns are read: roles detected from headers, overridden by `--map`.
#[derive(Args, Clone)]
pub struct ColumnArgs {
    /// Column roles, e.g. `name=Клиент,phone=Моб.` (roles: name, last_name, first_name,
    /// patronymic, phone, email, city, region, birth_date, date, company, inn, ogrn, snils,
    /// passport, address, locality, house, postcode, national_id, gender, source, sku, product, stage, amount, text).
    #[arg(long, value_name = "ROLE=COLUMN,...")]
    map: Option<String>,
    /// The record id column. Default: a column called id, else the first.
    #[arg(long, value_name = "COLUMN")]
    id: Option<String>,
}

impl ColumnArgs {
    fn map(&self) -> Result<Vec<(String, String)>> {
        match &self.map {
            Some(text) => quality::parse_map(text).map_err(|e| anyhow::anyhow!("--map: {e}")),
            None => Ok(Vec::new()),
        }
    }

    fn roles(&self, frame: &Frame) -> Result<Roles> {
        Ok(Roles::detect(frame, &self.map()?, self.id.as_deref())?)
    }

    /// A file's records made ready for matching, read in chunks (the table
    /// itself is never held whole).
    fn prepare(&self, path: &Path, today: chrono::NaiveDate) -> Result<quality::dedupe::Prepared> {
        if !path.exists() {
            bail!("{}: no such file", path.display());
        }
        Ok(quality::dedupe::prepare_file(
            path,
            &self.map()?,
            self.id.as_deref(),
            today,
        )?)
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PhoneFormat {
    /// +79161234567
    E164,
    /// +7-916-123-45-67
    Display,
}

/// `fundament standardize IN --out OUT`.
#[derive(Args)]
pub struct StandardizeArgs {
    /// The table (CSV in UTF-8 or Windows-1251, `,` or `;`; or XLSX) with a header row.
    #[arg(required_unless_present = "store")]
    input: Option<PathBuf>,
    /// Where to write the standardised table (CSV, same rows and columns).
    #[arg(long)]
    out: PathBuf,
    /// Also write the summary and every flagged value as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
    /// How phones are written.
    #[arg(long, value_enum, default_value_t = PhoneFormat::E164)]
    phone_format: PhoneFormat,
    /// A reference dictionary for a column role, `ROLE=FILE.yaml` (`Canonical: [spelling, ...]`);
    /// repeatable. Lead sources (`source`) have a built-in one.
    #[arg(long, value_name = "ROLE=FILE")]
    dictionary: Vec<String>,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    pub source: StoreInput,
}

pub fn standardize(args: StandardizeArgs, from_store: Option<Frame>) -> Result<ExitCode> {
    let mut frame = table(args.input.as_ref(), from_store)?;
    let roles = args.columns.roles(&frame)?;
    let mut options = quality::standardize::Options {
        phone_format: match args.phone_format {
            PhoneFormat::E164 => quality::standardize::PhoneFormat::E164,
            PhoneFormat::Display => quality::standardize::PhoneFormat::Display,
        },
        ..Default::default()
    };
    for spec in &args.dictionary {
        let (role_name, file) = spec
            .split_once('=')
            .with_context(|| format!("--dictionary {spec:?}: expected ROLE=FILE"))?;
        let role = quality::Role::parse(role_name)
            .with_context(|| format!("--dictionary {spec:?}: unknown role {role_name:?}"))?;
        let dictionary = quality::dictionary::Dictionary::read(Path::new(file))?;
        options.dictionaries.retain(|(r, _)| *r != role);
        options.dictionaries.push((role, dictionary));
    }
    let summary = quality::standardize::standardize(&mut frame, &roles, &options);
    let headers: Vec<&str> = frame.headers.iter().map(String::as_str).collect();
    quality::write_csv(&args.out, &headers, &frame.rows)?;
    if let Some(report) = &args.report {
        write_json(report, &summary)?;
    }
    eprintln!("standardized {} rows", summary.rows);
    for column in &summary.columns {
        eprintln!(
            "  {:<24} {:<11} {:>8} values  {:>8} changed  {:>8} already standard  {:>6} not readable ({:.1}% standard)",
            column.column,
            column.role,
            column.values,
            column.changed,
            column.unchanged,
            column.unparsed,
            column.coverage() * 100.0
        );
    }
    let suspicious = summary
        .flags
        .iter()
        .filter(|f| f.suggestion.is_some())
        .count();
    if suspicious > 0 {
        eprintln!("  {suspicious} values look mistyped (suggestions in --report)");
    }
    Ok(ExitCode::SUCCESS)
}

/// `fundament dedupe IN --out CLUSTERS.csv` or `fundament dedupe A --link B --out PAIRS.csv`.
#[derive(Args)]
pub struct DedupeArgs {
    /// The table whose duplicates to find (or the left table with --link).
    #[arg(required_unless_present = "store")]
    input: Option<PathBuf>,
    /// A second table: find the same entities across the two instead.
    #[arg(long)]
    link: Option<PathBuf>,
    /// Output: `record_id,cluster_id` (dedupe) or `left_id,right_id,match_probability` (link).
    #[arg(long)]
    out: PathBuf,
    /// Match probability at or above which a pair is a match.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Also write the trained model (m, u per field level) and counts as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    pub source: StoreInput,
}

pub fn dedupe(args: DedupeArgs, from_store: Option<Frame>) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!(
            "--threshold must be between 0 and 1, got {}",
            args.threshold
        );
    }
    let settings = quality::dedupe::Settings {
        threshold: args.threshold,
        ..Default::default()
    };
    let left_prepared = match (from_store, &args.input) {
        (Some(frame), _) => {
            quality::dedupe::prepare(&frame, &args.columns.roles(&frame)?, settings.today)
        }
        (None, Some(path)) => args.columns.prepare(path, settings.today)?,
        (None, None) => bail!("give a file or --store"),
    };
    match &args.link {
        None => {
            let outcome = quality::dedupe::dedupe(&left_prepared, &settings);
            let ids = &left_prepared.ids;
            let rows = outcome
                .cluster_of
                .iter()
                .enumerate()
                .map(|(i, cluster)| [ids[i].as_str(), ids[*cluster].as_str()]);
            quality::write_csv(&args.out, &["record_id", "cluster_id"], rows)?;
            let (clusters, records) = outcome.duplicate_counts();
            eprintln!(
                "{} records: {clusters} groups of duplicates holding {records} records ({} candidate pairs compared)",
                ids.len(),
                outcome.matches.candidates
            );
            if let Some(report) = &args.report {
                write_json(
                    report,
                    &serde_json::json!({
                        "records": ids.len(),
                        "candidate_pairs": outcome.matches.candidates,
                        "duplicate_groups": clusters,
                        "records_in_groups": records,
                        "model": model_json(&outcome.matches),
                    }),
                )?;
            }
        }
        Some(right_path) => {
            let right_prepared = args.columns.prepare(right_path, settings.today)?;
            let (matches, links) =
                quality::dedupe::link(&left_prepared, &right_prepared, &settings);
            let rows = links.iter().map(|link| {
                [
                    left_prepared.ids[link.left].clone(),
                    right_prepared.ids[link.right].clone(),
                    format!("{:.4}", link.probability),
                ]
            });
            quality::write_csv(
                &args.out,
                &["left_id", "right_id", "match_probability"],
                rows,
            )?;
            eprintln!(
                "{} × {} records: {} matched pairs ({} candidate pairs compared)",
                left_prepared.ids.len(),
                right_prepared.ids.len(),
                links.len(),
                matches.candidates
            );
            if let Some(report) = &args.report {
                write_json(
                    report,
                    &serde_json::json!({
                        "left_records": left_prepared.ids.len(),
                        "right_records": right_prepared.ids.len(),
                        "candidate_pairs": matches.candidates,
                        "matched_pairs": links.len(),
                        "model": model_json(&matches),
                    }),
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn model_json(matches: &quality::dedupe::Matches) -> serde_json::Value {
    let fields: Vec<serde_json::Value> = matches
        .comparisons
        .iter()
        .enumerate()
        .map(|(k, comparison)| {
            let levels: Vec<serde_json::Value> = comparison
                .levels
                .iter()
                .enumerate()
                .skip(1)
                .map(|(l, label)| {
                    serde_json::json!({
                        "level": label,
                        "m": matches.model.m[k][l],
                        "u": matches.model.u[k][l],
                        "weight": matches.model.weight(k, l as u8),
                    })
                })
                .collect();
            serde_json::json!({"field": comparison.name, "levels": levels})
        })
        .collect();
    serde_json::json!({"prior_match_share": matches.model.lambda, "fields": fields})
}

/// `fundament pii detect|redact`: JSON Lines `{"id":…,"text":…}` in, one line out per line in.
#[derive(Subcommand)]
pub enum PiiAction {
    /// Write `{"id":…,"entities":[{"type","start","end","text"}]}` per line; offsets in characters.
    Detect,
    /// Write `{"id":…,"text":…}` with each entity replaced by its type, e.g. `[PHONE]`.
    Redact,
}

pub fn pii(action: PiiAction) -> Result<ExitCode> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (number, line) in stdin.lock().lines().enumerate() {
        let line = line.context("reading standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&line).with_context(|| {
            format!(
                "standard input, line {}: not JSON; expected {{\"id\":…,\"text\":…}}",
                number + 1
            )
        })?;
        let text = value
            .get("text")
            .and_then(|t| t.as_str())
            .with_context(|| {
                format!(
                    "standard input, line {}: field \"text\" is missing or not a string",
                    number + 1
                )
            })?;
        let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let entities = pii::detect(text);
        let output = match action {
            PiiAction::Detect => serde_json::json!({"id": id, "entities": entities}),
            PiiAction::Redact => {
                serde_json::json!({"id": id, "text": pii::redact(text, &entities)})
            }
        };
        serde_json::to_writer(&mut out, &output)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn read(path: &Path) -> Result<Frame> {
    if !path.exists() {
        bail!("{}: no such file", path.display());
    }
    Ok(Frame::read(path)?)
}

pub fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    quality::write_atomically(path, |file| {
        serde_json::to_writer_pretty(&mut *file, value).map_err(|e| quality::QualityError::Io {
            file: path.to_path_buf(),
            source: e.into(),
        })
    })?;
    Ok(())
}

/// `fundament validate IN --rules RULES.yaml --out VIOLATIONS.csv`.
#[derive(Args)]
pub struct ValidateArgs {
    /// The table to check.
    #[arg(required_unless_present = "store")]
    input: Option<PathBuf>,
    /// The rules, in YAML (see `quality::validate` for the format).
    #[arg(long)]
    rules: PathBuf,
    /// Where to write every violation: `record_id,rule,column,value,message`.
    #[arg(long)]
    out: PathBuf,
    /// Also write the summary and violations (with severities) as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    pub source: StoreInput,
}

pub fn validate(args: ValidateArgs, from_store: Option<Frame>) -> Result<ExitCode> {
    let rules = quality::validate::Rules::read(&args.rules)?;
    let frame = table(args.input.as_ref(), from_store)?;
    let roles = args.columns.roles(&frame)?;
    let report = rules.check(&frame, &roles)?;
    let rows = report.violations.iter().map(|v| {
        [
            v.record_id.as_str(),
            v.rule.as_str(),
            v.column.as_str(),
            v.value.as_str(),
            v.message.as_str(),
        ]
    });
    quality::write_csv(
        &args.out,
        &["record_id", "rule", "column", "value", "message"],
        rows,
    )?;
    if let Some(path) = &args.report {
        write_json(path, &report)?;
    }
    eprintln!(
        "checked {} rows against {} rules: {} violations",
        report.rows,
        report.rules.len(),
        report.violations.len()
    );
    for rule in &report.rules {
        eprintln!(
            "  {:<32} {:<8} {:>8}",
            rule.rule,
            format!("{:?}", rule.severity).to_lowercase(),
            rule.violations
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `fundament anonymize IN --key-file KEY --out OUT`.
#[derive(Args)]
pub struct AnonymizeArgs {
    /// The table to anonymise.
    #[arg(required_unless_present = "store")]
    input: Option<PathBuf>,
    /// A file holding the secret key (at least 16 bytes); the same key gives the same pseudonyms.
    #[arg(long)]
    key_file: PathBuf,
    /// Where to write the anonymised copy (CSV).
    #[arg(long)]
    out: PathBuf,
    /// Also write what was done and the k-anonymity report as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    pub source: StoreInput,
}

pub fn anonymize(args: AnonymizeArgs, from_store: Option<Frame>) -> Result<ExitCode> {
    let key_bytes = std::fs::read(&args.key_file)
        .with_context(|| format!("{}: cannot read the key file", args.key_file.display()))?;
    let key = quality::anonymize::Key::new(&key_bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.key_file.display()))?;
    let mut frame = table(args.input.as_ref(), from_store)?;
    let roles = args.columns.roles(&frame)?;
    let report = quality::anonymize::anonymize(&mut frame, &roles, &key);
    let headers: Vec<&str> = frame.headers.iter().map(String::as_str).collect();
    quality::write_csv(&args.out, &headers, &frame.rows)?;
    if let Some(path) = &args.report {
        write_json(path, &report)?;
    }
    eprintln!("anonymised {} rows", report.rows);
    for column in &report.columns {
        eprintln!("  {:<28} {}", column.column, column.treatment);
    }
    let k = &report.k_anonymity;
    eprintln!(
        "  k-anonymity over {}: k = {}, {} rows in groups smaller than 5; {} personal-data entities removed from text",
        if k.quasi_identifiers.is_empty() {
            "(no quasi-identifiers)".to_string()
        } else {
            k.quasi_identifiers.join(", ")
        },
        k.k,
        k.rows_in_groups_under_5,
        report.text_entities_removed
    );
    Ok(ExitCode::SUCCESS)
}

/// `fundament readiness IN... [--html OUT.html] [--json OUT.json]`.
#[derive(Args)]
pub struct ReadinessArgs {
    /// The tables to assess (contacts, leads, deals, orders ...).
    #[arg(required_unless_present = "store")]
    inputs: Vec<PathBuf>,
    /// Write the report as an HTML page with charts.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Write the report as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// The data register (YAML `fields:` column or role → format, source_of_truth, owner):
    /// each fix is addressed to its field's owner.
    #[arg(long)]
    register: Option<PathBuf>,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    pub source: StoreInput,
}

pub fn readiness(
    args: ReadinessArgs,
    from_store: Option<quality::readiness::Report>,
) -> Result<ExitCode> {
    let report = match from_store {
        Some(report) => report,
        None => {
            let register = match &args.register {
                Some(path) => quality::readiness::Register::read(path)?,
                None => quality::readiness::Register::default(),
            };
            let mut tables = Vec::new();
            for input in &args.inputs {
                let frame = read(input)?;
                let roles = args.columns.roles(&frame)?;
                let name = input.file_name().map_or_else(
                    || input.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                tables.push(quality::readiness::assess_with(
                    &name, &frame, &roles, &register,
                ));
            }
            quality::readiness::report(tables)
        }
    };
    if let Some(path) = &args.html {
        let html = quality::readiness::to_html(&report);
        quality::write_atomically(path, |file| {
            file.write_all(html.as_bytes())
                .map_err(|source| quality::QualityError::Io {
                    file: path.clone(),
                    source,
                })
        })?;
    }
    if let Some(path) = &args.json {
        write_json(path, &report)?;
    }
    eprintln!("readiness {}/100", report.score);
    for table in &report.tables {
        let steps: Vec<String> = table
            .steps
            .iter()
            .map(|s| format!("{} {}", s.step, s.score))
            .collect();
        eprintln!(
            "  {} ({} rows): {}",
            table.name,
            table.rows,
            steps.join(", ")
        );
    }
    for fix in report.fixes.iter().take(10) {
        eprintln!("  [{}] {}", fix.priority, fix.text_en);
    }
    Ok(ExitCode::SUCCESS)
}
