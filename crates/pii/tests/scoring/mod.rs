//! Precision and recall per kind against gold spans, shared by the
//! evaluation tests. A detection counts only with the exact kind and span.

use std::collections::BTreeMap;

use pii::{Entity, PiiKind};

/// One text and the entities it truly holds.
pub struct Case {
    pub text: String,
    pub gold: Vec<Entity>,
}

#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// Scores every case; returns counts per kind and the mistakes, described.
pub fn score(cases: &[Case]) -> (BTreeMap<PiiKind, Counts>, Vec<String>) {
    let mut counts: BTreeMap<PiiKind, Counts> = BTreeMap::new();
    let mut mistakes = Vec::new();
    for case in cases {
        let found = pii::detect(&case.text);
        let key = |e: &Entity| (e.kind, e.start, e.end);
        for entity in &found {
            let entry = counts.entry(entity.kind).or_default();
            if case.gold.iter().any(|g| key(g) == key(entity)) {
                entry.true_positives += 1;
            } else {
                entry.false_positives += 1;
                mistakes.push(format!(
                    "FP {} {:?} in {:?}",
                    entity.kind, entity.text, case.text
                ));
            }
        }
        for gold in &case.gold {
            if !found.iter().any(|e| key(e) == key(gold)) {
                counts.entry(gold.kind).or_default().false_negatives += 1;
                mistakes.push(format!(
                    "FN {} {:?} in {:?}",
                    gold.kind, gold.text, case.text
                ));
            }
        }
    }
    (counts, mistakes)
}

/// The table printed with `--nocapture`.
pub fn table(title: &str, counts: &BTreeMap<PiiKind, Counts>) -> String {
    let mut out = format!(
        "\n{title}\n{:<13} {:>6} {:>6} {:>6} {:>9} {:>7}\n",
        "type", "tp", "fp", "fn", "precision", "recall"
    );
    for (kind, c) in counts {
        out.push_str(&format!(
            "{:<13} {:>6} {:>6} {:>6} {:>9.3} {:>7.3}\n",
            kind.label(),
            c.true_positives,
            c.false_positives,
            c.false_negatives,
            c.precision(),
            c.recall()
        ));
    }
    out
}

/// Fails when a kind with at least `min_support` gold entities falls below `floor`.
pub fn assert_floor(counts: &BTreeMap<PiiKind, Counts>, floor: f64, min_support: usize) {
    for (kind, c) in counts {
        if c.true_positives + c.false_negatives < min_support {
            continue;
        }
        assert!(
            c.precision() >= floor,
            "{kind} precision {:.3} below {floor}",
            c.precision()
        );
        assert!(
            c.recall() >= floor,
            "{kind} recall {:.3} below {floor}",
            c.recall()
        );
    }
}
