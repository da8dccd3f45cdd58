//! An open-loop HTTP load generator: sends requests at a fixed rate, each
//! timed from when it was due (so a slow server cannot hide its queueing),
//! and prints achieved rate and latency percentiles.
//! `bench-http --base http://127.0.0.1:8080 --key KEY --paths paths.txt --rate 2000 --seconds 20`

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
    #[arg(long)]
    paths: PathBuf,
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
    let paths: Arc<Vec<String>> = Arc::new(
        std::fs::read_to_string(&args.paths)
            .with_context(|| format!("reading {}", args.paths.display()))?
            .lines()
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect(),
    );
    if paths.is_empty() {
        bail!("{} has no paths", args.paths.display());
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections as usize)
        .build()?;
    let total = args.rate * args.seconds + args.warmup;
    let interval = Duration::from_secs_f64(args.connections as f64 / args.rate as f64);
    let start = Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::new();
    for connection in 0..args.connections {
        let (client, paths, base, key) = (
            client.clone(),
            Arc::clone(&paths),
            args.base.clone(),
            args.key.clone(),
        );
        let per_connection = total / args.connections;
        let offset = interval.mul_f64(connection as f64 / args.connections as f64);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_connection as usize);
            let mut errors = 0_u64;
            for index in 0..per_connection {
                let due = start + offset + interval.mul_f64(index as f64);
                tokio::time::sleep_until(due.into()).await;
                let path = &paths[((index * 7919 + connection) % paths.len() as u64) as usize];
                let ok = match client
                    .get(format!("{base}{path}"))
                    .bearer_auth(&key)
                    .send()
                    .await
                {
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
    Ok(())
}
