//! The `fundament` command: a thin shell that parses arguments, calls `app`
//! or `server`, and turns the outcome into text and an exit code.

mod bot;
mod commands;
mod config;
mod data;
mod lifetime;
mod nlu;
mod predict;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// fundament — a self-hosted AI layer beside your CRM: it takes in customers,
/// deals, conversations and orders and makes them fit for machine learning.
#[derive(Parser)]
#[command(name = "fundament", version, about, long_about = None)]
struct Cli {
    /// A TOML config file (db, data_dir, listen, presets_dir, default_region, default_currency, utc_offset_hours).
    #[arg(long, global = true, env = "FUNDAMENT_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Where the data live; every command that touches the store takes these.
#[derive(Args, Clone)]
struct StoreArgs {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Default: SQLite in the data directory.
    #[arg(long, env = "FUNDAMENT_DB", global = true)]
    db: Option<String>,
    /// Data directory (SQLite file, uploads). Default: the per-user data directory.
    #[arg(long, env = "FUNDAMENT_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API, the web UI and the background worker.
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// Address to listen on.
        #[arg(long, env = "FUNDAMENT_LISTEN")]
        listen: Option<String>,
        /// Load the demo CRM into an empty store and print its logins.
        #[arg(long)]
        demo: bool,
        /// How many contacts the demo CRM has.
        #[arg(long, default_value_t = 3000, requires = "demo")]
        demo_contacts: usize,
    },
    /// Import CRM exports (CSV, XLSX, JSON, JSON Lines) through a mapping preset.
    Import {
        #[command(flatten)]
        store: StoreArgs,
        /// Mapping preset (see `fundament presets`), e.g. bitrix24-contacts.
        #[arg(long, default_value = "generic-contacts")]
        preset: String,
        /// Your own mapping file (a preset in TOML) instead of a named preset.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Text encoding of CSV files (utf-8, windows-1251, koi8-r, cp866). Default: detected.
        #[arg(long)]
        encoding: Option<String>,
        /// CSV delimiter (one character, or `tab`). Default: detected.
        #[arg(long)]
        delimiter: Option<String>,
        /// Check everything and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Export a collection as JSON Lines or CSV.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// The collection: contacts, deals, activities, companies, products, orders, events, users, pipelines, stages.
        #[arg(long, default_value = "contacts")]
        entity: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Output file. Default: standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Create, list and revoke API keys.
    Keys {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Create and list users, set passwords.
    Users {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        action: UsersAction,
    },
    /// Inspect and verify the audit log.
    Audit {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Standardise a table's values in place: phones E.164, e-mails, dates ISO, names, cities.
    Standardize(data::StandardizeArgs),
    /// Check a table against rules written in YAML; write every violation.
    Validate(data::ValidateArgs),
    /// Find duplicate records in a table, or the same entities across two tables (--link).
    Dedupe(data::DedupeArgs),
    /// Write a training copy: identifiers pseudonymised, quasi-identifiers generalised, text scrubbed.
    Anonymize(data::AnonymizeArgs),
    /// Assess tables: per step a score, a prioritised fix-list, and whether models can be trained.
    Readiness(data::ReadinessArgs),
    /// Train a lead-scoring or churn model on a table with an outcome column.
    Train(predict::TrainArgs),
    /// Score a table with a trained model: probability and the reasons behind it.
    Score(predict::ScoreArgs),
    /// Customer lifetime value from a purchase log (BG/NBD with Gamma-Gamma).
    Clv(lifetime::ClvArgs),
    /// RFM segments and k-means clusters of customers from a purchase log.
    Segment(lifetime::SegmentArgs),
    /// Chatbots: talk to a flow in the terminal.
    Bot {
        #[command(subcommand)]
        action: bot::BotAction,
    },
    /// Understand messages: train on Rasa NLU YAML, parse, test.
    Nlu {
        #[command(subcommand)]
        action: nlu::NluAction,
    },
    /// Find or redact personal data in free text (JSON Lines on standard input).
    Pii {
        #[command(subcommand)]
        action: data::PiiAction,
    },
    /// List the mapping presets.
    Presets {
        /// Directory of your own presets.
        #[arg(long, env = "FUNDAMENT_PRESETS_DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Jsonl,
    Csv,
}

#[derive(Subcommand)]
enum KeysAction {
    /// Create a key; its last line of output is the key alone, shown only once.
    Create {
        /// Role: admin, manager, analyst, bot, integration.
        #[arg(long)]
        role: String,
        /// A label for the key.
        #[arg(long, default_value = "cli")]
        name: String,
        /// The user (login) the key acts for; required for managers.
        #[arg(long)]
        user: Option<String>,
    },
    /// List keys (prefixes, roles, state; never secrets).
    List,
    /// Revoke a key by its prefix (fk_xxxxxxxx).
    Revoke {
        /// The key's prefix, or the whole key.
        prefix: String,
    },
}

#[derive(Subcommand)]
enum UsersAction {
    /// Create a user.
    Create {
        /// Login.
        #[arg(long)]
        login: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role: admin, manager, analyst, bot, integration.
        #[arg(long)]
        role: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Set a user's password, read from standard input.
    SetPassword {
        /// Login.
        #[arg(long)]
        login: String,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Check the hash chain; exits non-zero if any entry was altered or removed.
    Verify,
    /// Show the newest entries.
    Log {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
