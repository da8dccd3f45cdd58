//! What each command does: resolve settings, call `app` or `server`, print.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use app::{Actor, App, AuditVerification, ImportOptions, ListQuery, TableOptions};
use domain::{EntityKind, Role};
use tokio::sync::watch;

use crate::config::{FileConfig, Resolved, resolve};
use crate::{AuditAction, Cli, Command, ExportFormat, KeysAction, StoreArgs, UsersAction};

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Prints a line to standard output; a closed pipe (`fundament ... | head`)
/// is not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let operator = Actor::system("cli");
    match cli.command {
        Command::Serve {
            store,
            listen,
            demo,
            demo_contacts,
        } => serve(&file, store, listen, demo.then_some(demo_contacts)).await,
        Command::Import {
            store,
            preset,
            mapping,
            encoding,
            delimiter,
            dry_run,
            files,
        } => {
            let (app, _) = open(&file, store, "warn").await?;
            let table = TableOptions {
                format: None,
                encoding: encoding.as_deref().map(|name| app::Encoding::parse(name).with_context(|| format!("unknown encoding {name:?}; use utf-8, windows-1251, koi8-r or cp866"))).transpose()?,
                delimiter: delimiter.as_deref().map(parse_delimiter).transpose()?,
            };
            let options = ImportOptions {
                preset,
                mapping_file: mapping,
                table,
                dry_run,
                display_name: None,
            };
            import(&app, &operator, &files, options).await
        }
        Command::Export {
            store,
            entity,
            format,
            output,
        } => {
            let (app, _) = open(&file, store, "warn").await?;
            let kind =
                EntityKind::parse(&entity).map_err(|error| anyhow::anyhow!("--entity: {error}"))?;
            let format = match format {
                ExportFormat::Jsonl => app::ExportFormat::JsonLines,
                ExportFormat::Csv => app::ExportFormat::Csv,
            };
            let count = match output {
                Some(path) => {
                    let file = std::fs::File::create(&path)
                        .with_context(|| format!("creating {}", path.display()))?;
                    let mut out = std::io::BufWriter::new(file);
                    app.export(&operator, kind, format, &mut out).await?
                }
                None => {
                    app.export(
                        &operator,
                        kind,
                        format,
                        &mut std::io::BufWriter::new(std::io::stdout()),
                    )
                    .await?
                }
            };
            eprintln!("exported {count} {}", kind.collection());
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys { store, action } => {
            let (app, _) = open(&file, store, "warn").await?;
            keys(&app, &operator, action).await
        }
        Command::Users { store, action } => {
            let (app, _) = open(&file, store, "warn").await?;
            users(&app, &operator, action).await
        }
        Command::Audit { store, action } => {
            let (app, _) = open(&file, store, "warn").await?;
            audit(&app, &operator, action).await
        }
        Command::Migrate { store } => {
            let (app, resolved) = open(&file, store, "warn").await?;
            say!(
                "migrated {} ({})",
                redact(&resolved.db),
                app.store().backend_name()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Standardize(args) => {
            let frame = store_table(&file, &args.source).await?;
            crate::data::standardize(args, frame)
        }
        Command::Validate(args) => {
            let frame = store_table(&file, &args.source).await?;
            crate::data::validate(args, frame)
        }
        Command::Dedupe(args) => {
            let frame = store_table(&file, &args.source).await?;
            crate::data::dedupe(args, frame)
        }
        Command::Anonymize(args) => {
            let frame = store_table(&file, &args.source).await?;
            crate::data::anonymize(args, frame)
        }
        Command::Readiness(args) => {
            let report = if args.source.store {
                let (app, _) = open(&file, args.source.location.clone(), "warn").await?;
                Some(app.readiness(&operator).await?)
            } else {
                None
            };
            crate::data::readiness(args, report)
        }
        Command::Train(args) => {
            if args.store {
                let (app, _) = open(&file, args.location.clone(), "warn").await?;
                let model = match args.task {
                    predict::Task::Lead => app.train_lead_model(&operator).await?,
                    predict::Task::Churn => app.train_churn_model(&operator).await?,
                };
                return crate::predict::report_store_model(&model, args.lang);
            }
            let (Some(data), Some(target), Some(out)) = (&args.data, &args.target, &args.out)
            else {
                anyhow::bail!("give --data FILE, --target COLUMN and --out DIR, or --store");
            };
            let frame = crate::data::read(data)?;
            crate::predict::train(&args, frame, target, out)
        }
        Command::Score(args) => {
            if args.store {
                let (app, _) = open(&file, args.location.clone(), "warn").await?;
                if args.task == predict::Task::Churn {
                    let scored = app.score_customers(&operator).await?;
                    eprintln!("{scored} customers scored with the active churn model");
                    return Ok(ExitCode::SUCCESS);
                }
                let scored = app.score_open_deals(&operator).await?;
                eprintln!("{scored} open deals scored with the active model");
                if let Some(out) = &args.out {
                    let list = app.call_first(&operator, usize::MAX).await?;
                    crate::predict::write_store_scores(&list, out, args.top, args.lang)?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            let (Some(data), Some(out), Some(_)) = (&args.data, &args.out, &args.model) else {
                anyhow::bail!("give --model DIR, --data FILE and --out FILE, or --store");
            };
            let frame = crate::data::read(data)?;
            crate::predict::score(&args, frame, out)
        }
        Command::Clv(args) => crate::lifetime::clv(&args),
        Command::Segment(args) => crate::lifetime::segment(&args),
        Command::Pii { action } => crate::data::pii(action),
        Command::Nlu { action } => crate::nlu::run(action),
        Command::Bot { action } => crate::bot::run(action),
        Command::Presets { dir } => {
            for preset in import_presets(dir.or(file.presets_dir.clone())) {
                say!(
                    "{:<28} {:<11} {}",
                    preset.name,
                    preset.entity.collection(),
                    preset.title
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// With `--store`, the collection as a table; otherwise `None` (the command reads its file).
async fn store_table(
    file: &FileConfig,
    source: &crate::data::StoreInput,
) -> Result<Option<quality::Frame>> {
    if !source.store {
        return Ok(None);
    }
    let kind =
        EntityKind::parse(&source.entity).map_err(|error| anyhow::anyhow!("--entity: {error}"))?;
    let (app, _) = open(file, source.location.clone(), "warn").await?;
    Ok(Some(app.table(&Actor::system("cli"), kind).await?))
}

fn import_presets(dir: Option<std::path::PathBuf>) -> Vec<app::PresetSummary> {
    app::presets(dir.as_deref())
}

async fn open(file: &FileConfig, store: StoreArgs, log_level: &str) -> Result<(App, Resolved)> {
    init_logging(log_level);
    let resolved = resolve(store.db, store.data_dir, file)?;
    std::fs::create_dir_all(&resolved.data_dir).with_context(|| {
        format!(
            "creating the data directory {}",
            resolved.data_dir.display()
        )
    })?;
    let app = App::open(&resolved.db, resolved.app.clone())
        .await
        .with_context(|| format!("opening the store at {}", redact(&resolved.db)))?;
    Ok((app, resolved))
}

fn init_logging(default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FUNDAMENT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

async fn serve(
    file: &FileConfig,
    store: StoreArgs,
    listen: Option<String>,
    demo_contacts: Option<usize>,
) -> Result<ExitCode> {
    let mut file = file.clone();
    file.example_bots = demo_contacts.is_some();
    let (app, resolved) = open(&file, store, "info").await?;
    if let Some(contacts) = demo_contacts {
        let config = demo::DemoConfig {
            contacts,
            ..demo::DemoConfig::default()
        };
        say!("loading the demo CRM ({contacts} contacts) into an empty store…");
        let summary = app.load_demo(&Actor::system("demo"), &config).await?;
        if summary.loaded {
            let counts: Vec<String> = summary
                .counts
                .iter()
                .map(|(name, count)| format!("{count} {name}"))
                .collect();
            say!("demo data loaded: {}", counts.join(", "));
            say!(
                "demo logins: {} (password: {})",
                summary.logins.join(", "),
                summary.password
            );
        } else {
            say!(
                "demo: the store already has users; nothing loaded (demo logins use the password {})",
                summary.password
            );
        }
        let operator = Actor::system("demo");
        if app.models(&operator).await?.is_empty() {
            say!("training the lead-scoring model on the demo deals…");
            match app.train_lead_model(&operator).await {
                Ok(model) => say!(
                    "lead model v{}: held-out AUC {} on folds, {} on the latest deals; open deals scored",
                    model.version,
                    model.figure("/folds/validation/auc/value"),
                    model.figure("/time_holdout/auc/value")
                ),
                // Too few closed deals is the data's state, not a reason not to serve.
                Err(error) => say!("lead model not trained: {error}"),
            }
            match app.train_churn_model(&operator).await {
                Ok(model) => say!(
                    "churn model v{}: held-out AUC {}; customers scored",
                    model.version,
                    model.figure("/folds/validation/auc/value")
                ),
                Err(error) => say!("churn model not trained: {error}"),
            }
        }
    }
    for bot in app.bots().names() {
        say!("bot {bot}: /widget/{bot} (web chat), POST /api/v1/bots/{bot}/messages");
    }
    let address = listen
        .or_else(|| file.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| format!("listening on {address}"))?;
    let local = listener.local_addr().context("reading the bound address")?;
    say!(
        "fundament is serving {} on http://{local}/ (data in {})",
        redact(&resolved.db),
        resolved.data_dir.display()
    );
    let (stop, stopped) = watch::channel(false);
    // Telegram bots without a webhook secret take their messages by long polling.
    for entry in &file.channels {
        if let app::messengers::Platform::Telegram(config) = &entry.platform
            && config.secret_token.is_none()
        {
            say!("bot {}: Telegram by long polling", entry.bot);
            tokio::spawn(app::poll_telegram(
                app.clone(),
                entry.bot.clone(),
                stopped.clone(),
            ));
        }
    }
    let worker = tokio::spawn(app::run_worker(
        app.clone(),
        format!("worker-{}-{}", std::process::id(), local.port()),
        stopped,
    ));
    let shutdown = async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    };
    server::serve(listener, server::AppState::new(app), shutdown)
        .await
        .context("serving HTTP")?;
    let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

fn parse_delimiter(text: &str) -> Result<u8> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        other if other.len() == 1 => Ok(other.as_bytes()[0]),
        other => bail!("--delimiter must be one character or `tab`, not {other:?}"),
    }
}

async fn import(
    app: &App,
    operator: &Actor,
    files: &[std::path::PathBuf],
    options: ImportOptions,
) -> Result<ExitCode> {
    let mut failed = false;
    for path in files {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {msg} {pos} rows ({per_sec}, {elapsed})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(path.display().to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        let result = app
            .import_file(operator, path, &options, &mut |progress| {
                bar.set_position(progress.rows_read as u64)
            })
            .await;
        bar.finish_and_clear();
        let report = match result {
            Ok(report) => report,
            Err(error) => {
                // Import errors already name the file; others get it prefixed.
                let message = error.to_string();
                if message.starts_with(&path.display().to_string()) {
                    eprintln!("{message}");
                } else {
                    eprintln!("{}: {message}", path.display());
                }
                failed = true;
                continue;
            }
        };
        let verdict = if report.written {
            "imported"
        } else if report.rejected > 0 {
            "REJECTED, nothing written"
        } else {
            "checked (dry run), nothing written"
        };
        say!(
            "{}: {verdict} — {} rows read, {} inserted, {} updated, {} rejected [{}; preset {} → {}]",
            report.file,
            report.rows_read,
            report.inserted,
            report.updated,
            report.rejected,
            report.detected,
            report.preset,
            report.entity
        );
        for line in report.issue_lines().iter().take(50) {
            eprintln!("{line}");
        }
        if report.issues.len() > 50 {
            eprintln!("... and {} more issues", report.issues.len() - 50);
        }
        if !report.owners_created.is_empty() {
            say!(
                "new owners (inactive users, no password yet): {}",
                report.owners_created.join(", ")
            );
        }
        if !report.unmapped_columns.is_empty() {
            say!(
                "columns not imported: {}",
                report.unmapped_columns.join(", ")
            );
        }
        failed |= report.rejected > 0;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn keys(app: &App, operator: &Actor, action: KeysAction) -> Result<ExitCode> {
    match action {
        KeysAction::Create { role, name, user } => {
            let role = Role::parse(&role).map_err(|error| anyhow::anyhow!("--role: {error}"))?;
            let user_id = match user {
                Some(login) => Some(
                    app.user_by_login(&login)
                        .await?
                        .with_context(|| format!("no user with login {login:?}"))?
                        .id,
                ),
                None => None,
            };
            let (key, row) = app.create_key(operator, role, &name, user_id).await?;
            eprintln!(
                "created {} key {} ({}); it is shown only now:",
                row.role, row.prefix, row.name
            );
            say!("{key}");
        }
        KeysAction::List => {
            for key in app.list_keys(operator).await? {
                let state = key.revoked_at.map_or_else(
                    || "active".to_string(),
                    |at| format!("revoked {}", at.format("%Y-%m-%d %H:%M")),
                );
                say!(
                    "{:<12} {:<12} {:<20} {} {}",
                    key.prefix,
                    key.role,
                    key.name,
                    key.created_at.format("%Y-%m-%d %H:%M"),
                    state
                );
            }
        }
        KeysAction::Revoke { prefix } => {
            let prefix: String = prefix.chars().take(app::KEY_PREFIX.len() + 8).collect();
            app.revoke_key(operator, &prefix).await?;
            say!("revoked {prefix}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn users(app: &App, operator: &Actor, action: UsersAction) -> Result<ExitCode> {
    match action {
        UsersAction::Create {
            login,
            name,
            role,
            password_stdin,
        } => {
            let role = Role::parse(&role).map_err(|error| anyhow::anyhow!("--role: {error}"))?;
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let user = app
                .create_user(operator, &login, &name, role, password.as_deref())
                .await?;
            say!("created user {login} ({role}) {}", user.id);
        }
        UsersAction::List => {
            let page = app
                .list(
                    operator,
                    EntityKind::User,
                    ListQuery {
                        limit: app::MAX_PAGE,
                        ..ListQuery::default()
                    },
                )
                .await?;
            for user in page.items {
                say!(
                    "{:<24} {:<12} {:<6} {}",
                    user.text("login").unwrap_or(""),
                    user.text("role").unwrap_or(""),
                    if user.fields.get("active") == Some(&domain::Value::Bool(false)) {
                        "off"
                    } else {
                        "on"
                    },
                    user.text("display_name").unwrap_or("")
                );
            }
        }
        UsersAction::SetPassword { login } => {
            let password = read_password()?;
            app.set_password(operator, &login, &password).await?;
            say!("password set for {login}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_password() -> Result<String> {
    eprint!("password: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn audit(app: &App, operator: &Actor, action: AuditAction) -> Result<ExitCode> {
    match action {
        AuditAction::Verify => match app.verify_audit(operator).await? {
            AuditVerification::Intact { entries } => {
                say!("audit log intact: {entries} entries verified");
                Ok(ExitCode::SUCCESS)
            }
            AuditVerification::Broken { seq, reason } => {
                eprintln!("audit log TAMPERED at entry {seq}: {reason}");
                Ok(ExitCode::FAILURE)
            }
        },
        AuditAction::Log { limit } => {
            for entry in app.audit_entries(operator, limit, None).await? {
                say!(
                    "{:>6} {} {:<28} {:<14} {} {}",
                    entry.seq,
                    entry.at.format("%Y-%m-%d %H:%M:%S"),
                    entry.actor,
                    entry.action,
                    entry.entity,
                    entry.entity_id.unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
