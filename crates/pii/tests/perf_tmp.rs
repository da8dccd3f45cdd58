//! Temporary throughput probe.
#[test]
fn throughput() {
    let mut text = String::new();
    for line in include_str!("data/eval.jsonl")
        .lines()
        .chain(include_str!("data/holdout.jsonl").lines())
    {
        let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        text.push_str(value["text"].as_str().unwrap_or_default());
        text.push('\n');
    }
    let base = text.clone();
    while text.len() < 5_000_000 {
        text.push_str(&base);
    }
    let _ = pii::detect("warm up Иванов");
    let chunks: Vec<&str> = text.split('\n').collect();
    let started = std::time::Instant::now();
    let mut n = 0;
    for chunk in &chunks {
        n += pii::detect(chunk).len();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let detector = pii::Detector::with_kinds(&[pii::PiiKind::Phone]);
    let started2 = std::time::Instant::now();
    for chunk in &chunks {
        n += detector.detect(chunk).len();
    }
    println!("no person: {:.2} s", started2.elapsed().as_secs_f64());
    println!(
        "{} bytes, {} entities, {:.2} s, {:.2} MB/s",
        text.len(),
        n,
        elapsed,
        text.len() as f64 / elapsed / 1e6
    );
}
