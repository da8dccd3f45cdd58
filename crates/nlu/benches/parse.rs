//! Parse latency in process, one message per call (intent, entities,
//! sentiment), on a model trained on the Russian set of `crates/bench/nlu/ru`
//! or on the Rasa files given: `cargo bench -p nlu --bench parse [-- TRAIN.yml TEST.yml]`.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a.ends_with(".yml"))
        .collect();
    let here = env!("CARGO_MANIFEST_DIR");
    let (train, test) = match &args[..] {
        [train, test] => (train.clone(), test.clone()),
        _ => (
            format!("{here}/../bench/nlu/ru/train.yml"),
            format!("{here}/../bench/nlu/ru/test.yml"),
        ),
    };
    let data = nlu::TrainingData::load(&[&train]).expect("training data");
    let started = Instant::now();
    let model = nlu::NluModel::train(&data, &nlu::Options::default()).expect("train");
    println!(
        "trained on {} examples in {:.2} s",
        data.examples.len(),
        started.elapsed().as_secs_f64()
    );
    let texts: Vec<String> = nlu::TrainingData::load(&[&test])
        .expect("test data")
        .examples
        .into_iter()
        .map(|e| e.text)
        .collect();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    // Warm up: the city gazetteer and the stemmers load on first use.
    for text in &texts {
        std::hint::black_box(model.parse_at(text, today));
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        for text in &texts {
            let started = Instant::now();
            std::hint::black_box(model.parse_at(text, today));
            times.push(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "parse, {} calls over {} messages: p50 {:.0} µs, p90 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        times.len(),
        texts.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}
