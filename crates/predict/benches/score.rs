//! Scoring speed in process: one row at a time, probability alone and with
//! reasons (TreeSHAP + linear parts), on a model trained on Telco churn.
//! `cargo bench -p predict --bench score [-- PATH/telco_customer_churn.csv]`

use std::time::Instant;

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| a.ends_with(".csv"))
        .unwrap_or_else(|| {
            format!(
                "{}/../../../shared/datasets/telco_customer_churn/telco_customer_churn.csv",
                env!("CARGO_MANIFEST_DIR")
            )
        });
    let mut reader = csv::Reader::from_path(&path).expect("the Telco CSV");
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(String::from).collect())
        .collect();
    let options = predict::Options::new(predict::Task::Churn, "churn");
    let started = Instant::now();
    let model = predict::train(&headers, &rows, &options).expect("train");
    println!(
        "trained on {} rows in {:.2} s ({} trees, blend {:.1})",
        rows.len(),
        started.elapsed().as_secs_f64(),
        model.report.trees,
        model.report.blend
    );
    let mut fast = Vec::new();
    let mut full = Vec::new();
    let mut sink = 0.0;
    for row in rows.iter().take(3000) {
        let one = std::slice::from_ref(row);
        let t = Instant::now();
        sink += model.probabilities(&headers, one)[0];
        fast.push(t.elapsed().as_nanos() as u64);
        let t = Instant::now();
        let scored = model.score(&headers, one);
        sink += scored.scores[0].probability;
        full.push(t.elapsed().as_nanos() as u64);
    }
    let report = |name: &str, mut times: Vec<u64>| {
        times.sort_unstable();
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize] as f64 / 1000.0;
        println!(
            "{name}: p50 {:.1} µs, p99 {:.1} µs per row (one row per call)",
            at(0.5),
            at(0.99)
        );
    };
    report("probability", fast);
    report("probability + reasons", full);
    let t = Instant::now();
    let all = model.probabilities(&headers, &rows);
    println!(
        "batch of {}: {:.2} µs per row ({sink:.1})",
        all.len(),
        t.elapsed().as_secs_f64() * 1e6 / all.len() as f64
    );
}
