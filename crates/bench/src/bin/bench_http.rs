//! An open-loop HTTP load generator: sends requests at a fixed rate, each
//! timed from when it was due (so a slow server cannot hide its queueing),
//! and prints achieved rate and latency percentiles.
//! `bench-http --base http://127.0.0.1:8080 --key KEY --paths paths.txt --rate 2000 --seconds 20`;
//! with `--bot NAME --messages FILE` it posts customers' messages to the
//! bot's REST channel instead (a thousand chats, each message with its own
//! id) and then checks that the bot recorded every turn it was sent.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bench::percentile;
use clap::Parser;

/// Drives the API at a fixed rate and reports latencies.
#[derive(Parser)]
struct Args {
    /// Base URL of a running `fundament serve`.
    #[arg(long)]
    base: String,
    /// API key.
    #[arg(long, env = "FUNDAMENT_KEY")]
    key: String,
    /// A file with one request path per line (cycled through).
    #[arg(long, required_unless_present = "bot")]
    paths: Option<PathBuf>,
    /// Post messages to this bot's REST channel instead of reading paths.
    #[arg(long, requires = "messages")]
    bot: Option<String>,
    /// With `--bot`: one customer message per line (cycled through).
    #[arg(long)]
    messages: Option<PathBuf>,
    /// With `--bot`: how many chats the messages are spread over.
    #[arg(long, default_value_t = 1000)]
    chats: u64,
    /// Requests per second, in total.
    #[arg(long, default_value_t = 2000)]
    rate: u64,
    /// How long to send.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 32)]
    connections: u64,
    /// Requests sent first and not counted.
    #[arg(long, default_value_t = 2000)]
    warmup: u64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if !(args.base.contains("://127.")
        || args.base.contains("://localhost")
        || args.base.contains("://[::1]"))
    {
        bail!("load goes only to loopback addresses, not {}", args.base);
    }
    let lines_file = args
        .messages
        .as_ref()
        .or(args.paths.as_ref())
        .context("--paths or --bot with --messages")?;
    let paths: Arc<Vec<String>> = Arc::new(
        std::fs::read_to_string(lines_file)
            .with_context(|| format!("reading {}", lines_file.display()))?
            .lines()
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect(),
    );
    if paths.is_empty() {
        bail!("{} has no lines", lines_file.display());
    }
    let bot = args.bot.clone();
    let chats = args.chats.max(1);
    // Fresh chats each run.
    let run = std::process::id();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections as usize)
        .build()?;
    // The turns the bot had before, so that "recorded" counts this run's only.
    let turns_before = match &bot {
        Some(bot) => turns(&client, &args.base, &args.key, bot).await?,
        None => 0,
    };
    let total = args.rate * args.seconds + args.warmup;
    let interval = Duration::from_secs_f64(args.connections as f64 / args.rate as f64);
    let start = Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::new();
    for connection in 0..args.connections {
        let (client, paths, base, key, bot) = (
            client.clone(),
            Arc::clone(&paths),
            args.base.clone(),
            args.key.clone(),
            bot.clone(),
        );
        let per_connection = total / args.connections;
        let offset = interval.mul_f64(connection as f64 / args.connections as f64);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_connection as usize);
            let mut errors = 0_u64;
            for index in 0..per_connection {
                let due = start + offset + interval.mul_f64(index as f64);
                tokio::time::sleep_until(due.into()).await;
                let line = &paths[((index * 7919 + connection) % paths.len() as u64) as usize];
                let request = match &bot {
                    Some(bot) => client
                        .post(format!("{base}/api/v1/bots/{bot}/messages"))
                        .json(&serde_json::json!({
                            "chat": format!("load-{run}-{}", (index * 31 + connection * 7) % chats),
                            "text": line,
                            "message_id": format!("{connection}-{index}"),
                        })),
                    None => client.get(format!("{base}{line}")),
                };
                let ok = match request.bearer_auth(&key).send().await {
                    Ok(response) => {
                        response.status().is_success() && response.bytes().await.is_ok()
                    }
                    Err(_) => false,
                };
                if !ok {
                    errors += 1;
                }
                latencies.push((index, due.elapsed().as_micros() as u64));
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let warmup_per_connection = args.warmup / args.connections;
    for task in tasks {
        let (task_latencies, task_errors) = task.await?;
        latencies.extend(
            task_latencies
                .into_iter()
                .filter(|(index, _)| *index >= warmup_per_connection)
                .map(|(_, micros)| micros),
        );
        errors += task_errors;
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    println!(
        "requests {} in {elapsed:.1} s ({:.0} rps offered {}), errors {errors}; latency µs p50 {} p90 {} p99 {} p99.9 {} max {}",
        latencies.len(),
        total as f64 / elapsed,
        args.rate,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
        percentile(&latencies, 0.999),
        latencies.last().copied().unwrap_or(0),
    );
    if let Some(bot) = &args.bot {
        // None lost: every message sent is a turn in some conversation.
        let sent = (total / args.connections) * args.connections;
        let recorded = turns(&client, &args.base, &args.key, bot).await? - turns_before;
        println!(
            "bot {bot}: turns recorded {recorded} of {sent} messages sent ({errors} answered with an error)"
        );
    }
    Ok(())
}

/// The turns a bot has answered so far, by its quality figures.
async fn turns(client: &reqwest::Client, base: &str, key: &str, bot: &str) -> Result<u64> {
    let quality: serde_json::Value = client
        .get(format!("{base}/api/v1/bots/{bot}/quality"))
        .bearer_auth(key)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    quality["turns"]
        .as_u64()
        .context("the quality figures have no turns")
}
