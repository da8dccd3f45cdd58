//! Precision and recall per kind on the hand-written evaluation texts
//! (`tests/data/eval.jsonl` and `holdout.jsonl`, built from the `*_source.txt`
//! files by `make_eval.py`). The held-out texts were written after the rules
//! were tuned on the first set. Run with `--nocapture` to see the tables and
//! every mistake.

mod scoring;

use pii::Entity;
use scoring::{Case, assert_floor, score, table};

fn cases(jsonl: &str) -> Vec<Case> {
    jsonl
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(number, line)| {
            let value: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("line {}: {error}", number + 1));
            let text = value["text"].as_str().unwrap_or_default().to_string();
            let gold: Vec<Entity> = serde_json::from_value(value["entities"].clone())
                .unwrap_or_else(|error| panic!("line {}: {error}", number + 1));
            Case { text, gold }
        })
        .collect()
}

fn evaluate(title: &str, cases: &[Case]) {
    // Act
    let (counts, mistakes) = score(cases);

    // Assert
    println!(
        "{}",
        table(&format!("{title}, {} texts", cases.len()), &counts)
    );
    for mistake in &mistakes {
        println!("{mistake}");
    }
    assert_floor(&counts, 0.95, 5);
}

#[test]
fn hand_written_texts_reach_the_quality_floor() {
    let cases = cases(include_str!("data/eval.jsonl"));
    assert!(cases.len() >= 150, "the set has {} texts", cases.len());
    evaluate("hand-written set", &cases);
}

#[test]
fn held_out_texts_reach_the_quality_floor() {
    let cases = cases(include_str!("data/holdout.jsonl"));
    evaluate("held-out set", &cases);
}
