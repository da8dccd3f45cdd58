//! Customer value and segments from a purchase log: `clv` (BG/NBD with
//! Gamma-Gamma, per customer) and `segment` (RFM segments and k-means
//! clusters). Both read any table with a customer, a date and an amount column.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use quality::{DateKind, Frame};

/// Where the purchases are and which columns say who, when and how much.
#[derive(Args)]
pub struct Purchases {
    /// The purchase log (CSV or XLSX with a header row).
    #[arg(long)]
    pub transactions: PathBuf,
    /// The customer column.
    #[arg(long)]
    pub customer: String,
    /// The purchase date column (ISO, dd.mm.yyyy, YYYYMMDD, ...).
    #[arg(long)]
    pub date: String,
    /// The amount column.
    #[arg(long)]
    pub amount: String,
    /// End of observation (default: the last purchase's date).
    #[arg(long)]
    pub end: Option<NaiveDate>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Unit {
    Days,
    Weeks,
}

#[derive(Args)]
pub struct ClvArgs {
    #[command(flatten)]
    pub purchases: Purchases,
    /// Months ahead to forecast and value.
    #[arg(long, default_value_t = 12)]
    pub horizon_months: u32,
    /// Discount rate per month.
    #[arg(long, default_value_t = 0.01)]
    pub discount: f64,
    /// The models' period: purchases in one period count as one.
    #[arg(long, value_enum, default_value = "weeks")]
    pub unit: Unit,
    /// Where to write one row per customer.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the fitted parameters and figures as JSON.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

#[derive(Args)]
pub struct SegmentArgs {
    #[command(flatten)]
    pub purchases: Purchases,
    /// Clusters wanted (default: chosen by silhouette among 2..8).
    #[arg(long)]
    pub k: Option<usize>,
    /// Where to write one row per customer: RFM scores, segment, cluster.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the clusters' descriptions as JSON.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

fn transactions(purchases: &Purchases) -> Result<Vec<clv::Transaction>> {
    let path = &purchases.transactions;
    if !path.exists() {
        bail!("{}: no such file", path.display());
    }
    let frame = Frame::read(path)?;
    let column = |name: &str, flag: &str| {
        frame.column(name).with_context(|| {
            format!(
                "{}: no column `{name}` for --{flag} (columns: {})",
                path.display(),
                frame.headers.join(", ")
            )
        })
    };
    let (customer, date, amount) = (
        column(&purchases.customer, "customer")?,
        column(&purchases.date, "date")?,
        column(&purchases.amount, "amount")?,
    );
    let order = quality::column_order((0..frame.rows.len()).map(|r| frame.cell(r, date)));
    let today = chrono::Utc::now().date_naive();
    let mut out = Vec::with_capacity(frame.rows.len());
    for row in 0..frame.rows.len() {
        let line = row + 2;
        let id = frame.cell(row, customer);
        if id.is_empty() {
            bail!(
                "{}, row {line}, column `{}`: empty; expected a customer id",
                path.display(),
                purchases.customer
            );
        }
        let day = frame.cell(row, date);
        let Some(day) = quality::parse_date(day, order, DateKind::Event, today) else {
            bail!(
                "{}, row {line}, column `{}`: `{day}` is not a date",
                path.display(),
                purchases.date
            );
        };
        let text = frame.cell(row, amount);
        let Some(value) = money(text) else {
            bail!(
                "{}, row {line}, column `{}`: `{text}` is not an amount",
                path.display(),
                purchases.amount
            );
        };
        out.push(clv::Transaction {
            customer_id: id.to_string(),
            date: day,
            amount: value,
        });
    }
    Ok(out)
}

/// `1 234,50`, `1234.5`, `₽500`: an amount as people write it.
fn money(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
        .collect();
    let normal = if cleaned.contains('.') {
        cleaned.replace(',', "")
    } else {
        cleaned.replace(',', ".")
    };
    normal.parse::<f64>().ok().filter(|v| v.is_finite())
}

pub fn clv(args: &ClvArgs) -> Result<ExitCode> {
    let transactions = transactions(&args.purchases)?;
    let options = clv::Options {
        unit: match args.unit {
            Unit::Days => clv::TimeUnit::Days,
            Unit::Weeks => clv::TimeUnit::Weeks,
        },
        observation_end: args.purchases.end,
        horizon_months: args.horizon_months,
        monthly_discount: args.discount,
        ..clv::Options::default()
    };
    let report = clv::analyse(&transactions, &options)
        .with_context(|| args.purchases.transactions.display().to_string())?;
    let rows = report.customers.iter().map(|c| {
        vec![
            c.customer_id.clone(),
            c.frequency.to_string(),
            format!("{:.2}", c.recency),
            format!("{:.2}", c.t),
            format!("{:.2}", c.monetary_value),
            format!("{:.4}", c.probability_alive),
            format!("{:.4}", c.expected_purchases),
            format!("{:.2}", c.expected_average_spend),
            format!("{:.2}", c.value),
        ]
    });
    quality::write_csv(
        &args.out,
        &[
            "customer_id",
            "frequency",
            "recency",
            "age",
            "monetary_value",
            "probability_alive",
            "expected_purchases",
            "expected_average_spend",
            "expected_value",
        ],
        rows,
    )?;
    if let Some(path) = &args.report {
        crate::data::write_json(path, &report)?;
    }
    let total: f64 = report.customers.iter().map(|c| c.value).sum();
    eprintln!(
        "{} customers; BG/NBD r={:.3} alpha={:.3} a={:.3} b={:.3}; Gamma-Gamma p={:.3} q={:.3} v={:.3}\n\
         expected value over {} months: {:.2} in all → {}",
        report.customers.len(),
        report.bg_nbd.r,
        report.bg_nbd.alpha,
        report.bg_nbd.a,
        report.bg_nbd.b,
        report.gamma_gamma.p,
        report.gamma_gamma.q,
        report.gamma_gamma.v,
        report.horizon_months,
        total,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn segment(args: &SegmentArgs) -> Result<ExitCode> {
    let transactions = transactions(&args.purchases)?;
    let customers = clv::summary(&transactions, args.purchases.end, clv::TimeUnit::Days)
        .with_context(|| args.purchases.transactions.display().to_string())?;
    let scores = clv::segment::rfm(&customers);
    let clustering = clv::segment::clusters(
        &customers,
        &clv::segment::ClusterOptions {
            k: args.k,
            ..Default::default()
        },
    )
    .with_context(|| args.purchases.transactions.display().to_string())?;
    let rows = scores.iter().zip(&clustering.members).map(|(s, m)| {
        vec![
            s.customer_id.clone(),
            s.recency_days.to_string(),
            s.frequency.to_string(),
            format!("{:.2}", s.monetary),
            s.r.to_string(),
            s.f.to_string(),
            s.m.to_string(),
            s.segment_ru.to_string(),
            s.segment_en.to_string(),
            m.cluster.to_string(),
        ]
    });
    quality::write_csv(
        &args.out,
        &[
            "customer_id",
            "recency_days",
            "frequency",
            "monetary",
            "r",
            "f",
            "m",
            "segment_ru",
            "segment_en",
            "cluster",
        ],
        rows,
    )?;
    if let Some(path) = &args.report {
        crate::data::write_json(path, &clustering)?;
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in &scores {
        *counts.entry(s.segment_ru).or_default() += 1;
    }
    eprintln!("{} customers; RFM segments:", scores.len());
    for (name, count) in counts {
        eprintln!("  {name}: {count}");
    }
    eprintln!(
        "{} clusters (silhouette {:.2}):",
        clustering.k,
        clustering.silhouette.unwrap_or(0.0)
    );
    for c in &clustering.clusters {
        eprintln!(
            "  {}: {} customers, {} / {} (typical: {:.0} days since last, {:.1} purchases, {:.2} spent)",
            c.cluster, c.size, c.label_ru, c.label_en, c.recency_days, c.frequency, c.monetary
        );
    }
    eprintln!("→ {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
