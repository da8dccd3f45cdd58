//! Precision and recall per kind on texts from the `synth` generator, one
//! evaluation source among several (the hand-written sets are the others).
//! `synth` marks no bank accounts (it uses them as distractors), so bank
//! accounts found in its texts are counted apart rather than as errors.
//! Run with `--nocapture` to see the table and a sample of mistakes.

mod scoring;

use pii::{Entity, PiiKind};
use scoring::{Case, assert_floor, score, table};

const DOCS: usize = 3000;
const SEED: u64 = 777;

fn kind_of(kind: synth::pii::PiiKind) -> PiiKind {
    match kind {
        synth::pii::PiiKind::Person => PiiKind::Person,
        synth::pii::PiiKind::Phone => PiiKind::Phone,
        synth::pii::PiiKind::Email => PiiKind::Email,
        synth::pii::PiiKind::Inn => PiiKind::Inn,
        synth::pii::PiiKind::Snils => PiiKind::Snils,
        synth::pii::PiiKind::Passport => PiiKind::Passport,
        synth::pii::PiiKind::Card => PiiKind::Card,
        synth::pii::PiiKind::Ogrn => PiiKind::Ogrn,
    }
}

#[test]
fn generated_texts_reach_the_quality_floor() {
    // Arrange
    let docs = synth::pii::generate(DOCS, SEED);
    let cases: Vec<Case> = docs
        .iter()
        .map(|doc| Case {
            text: doc.text.clone(),
            gold: doc
                .entities
                .iter()
                .map(|span| Entity {
                    kind: kind_of(span.kind),
                    start: span.start,
                    end: span.end,
                    text: span.text.clone(),
                })
                .collect(),
        })
        .collect();

    // Act
    let (mut counts, mistakes) = score(&cases);

    // Assert
    let accounts = counts
        .remove(&PiiKind::BankAccount)
        .map_or(0, |c| c.false_positives);
    println!(
        "{}",
        table(&format!("synth::pii::generate({DOCS}, {SEED})"), &counts)
    );
    println!("bank accounts found (synth marks none): {accounts}");
    let mistakes: Vec<&String> = mistakes
        .iter()
        .filter(|m| !m.starts_with("FP BANK_ACCOUNT"))
        .collect();
    println!("{} mistakes; the first 400:", mistakes.len());
    for mistake in mistakes.iter().take(400) {
        println!("{mistake}");
    }
    assert_floor(&counts, 0.95, 20);
}
