//! `fundament train` and `score` as other tools run them: any churn-like CSV
//! in, a model directory out, `record_id,probability,reasons` back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn fundament(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fundament"))
        .args(args)
        .env_remove("FUNDAMENT_CONFIG")
        .output()
        .expect("run fundament")
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fundament-predict-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// A churn table whose truth is known: short tenure and a monthly contract
/// raise churn, a two-year contract lowers it, `region` does nothing, and
/// tenure's effect bends (new customers churn much more) so a straight line
/// alone is not the whole story. Returns the CSV and each row's true probability.
fn churn_table(rows: usize, seed: u64) -> (String, Vec<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut csv =
        String::from("customer_id,tenure,contract,monthly_charges,region,comment,churn\n");
    let mut truth = Vec::new();
    for i in 0..rows {
        let tenure: u32 = rng.random_range(0..72);
        let contract = ["Month-to-month", "One year", "Two year"][rng.random_range(0..3)];
        let monthly: f64 = rng.random_range(20.0..120.0);
        let region = ["Москва", "Казань", "Тула", "Омск"][rng.random_range(0..4)];
        let z =
            -1.2 + if tenure < 6 {
                1.8
            } else {
                -0.02 * f64::from(tenure)
            } + match contract {
                "Month-to-month" => 1.0,
                "One year" => -0.3,
                _ => -1.5,
            } + 0.012 * (monthly - 70.0);
        let p = 1.0 / (1.0 + (-z).exp());
        truth.push(p);
        let churn = if rng.random::<f64>() < p { "Yes" } else { "No" };
        // Russian decimal commas on some rows, a blank charge now and then.
        let charges = match i % 10 {
            0 => format!("\"{}\"", format!("{monthly:.2}").replace('.', ",")),
            7 => " ".to_string(),
            _ => format!("{monthly:.2}"),
        };
        let comment = format!("\"звонок {} по тарифу, клиент {}\"", i, i * 7 % 13);
        csv.push_str(&format!(
            "C-{i:05},{tenure},{contract},{charges},{region},{comment},{churn}\n"
        ));
    }
    (csv, truth)
}

fn auc(p: &[f64], y: &[bool]) -> f64 {
    let mut pairs = 0.0;
    let mut wins = 0.0;
    for i in 0..p.len() {
        for j in 0..p.len() {
            if y[i] && !y[j] {
                pairs += 1.0;
                wins += if p[i] > p[j] {
                    1.0
                } else if p[i] == p[j] {
                    0.5
                } else {
                    0.0
                };
            }
        }
    }
    wins / pairs
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    std::iter::once(header)
        .chain(
            reader
                .records()
                .map(|r| r.expect("record").iter().map(String::from).collect()),
        )
        .collect()
}

#[test]
fn a_churn_table_trains_scores_and_explains() {
    let work = dir("churn");
    let (train, _) = churn_table(3000, 1);
    let (test, truth) = churn_table(800, 2);
    std::fs::write(work.join("train.csv"), train).expect("write");
    std::fs::write(work.join("test.csv"), &test).expect("write");
    let model = work.join("model");
    let out = fundament(&[
        "train",
        "--task",
        "churn",
        "--data",
        &work.join("train.csv").display().to_string(),
        "--target",
        "churn",
        "--id",
        "customer_id",
        "--out",
        &model.display().to_string(),
        "--lang",
        "en",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stderr);
    assert!(
        summary.contains("AUC") && summary.contains("Brier"),
        "{summary}"
    );
    assert!(
        summary.contains("comment (FreeText)"),
        "free text is set aside: {summary}"
    );
    assert!(model.join("model.json").exists() && model.join("metrics.json").exists());

    let scores = work.join("scores.csv");
    let out = fundament(&[
        "score",
        "--model",
        &model.display().to_string(),
        "--data",
        &work.join("test.csv").display().to_string(),
        "--out",
        &scores.display().to_string(),
        "--lang",
        "en",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = read_csv(&scores);
    assert_eq!(table[0], ["record_id", "probability", "reasons"]);
    assert_eq!(table.len(), 801);
    assert_eq!(
        table[1][0], "C-00000",
        "the training's id column names the rows"
    );

    let labels: Vec<bool> = test.lines().skip(1).map(|l| l.ends_with("Yes")).collect();
    let probabilities: Vec<f64> = table[1..]
        .iter()
        .map(|r| r[1].parse().expect("probability"))
        .collect();
    let ours = auc(&probabilities, &labels);
    let best_possible = auc(&truth, &labels);
    assert!(
        ours > best_possible - 0.03,
        "AUC {ours:.3} vs the truth's {best_possible:.3}"
    );
    // Calibrated: the mean probability is close to the churn rate.
    let mean = probabilities.iter().sum::<f64>() / probabilities.len() as f64;
    let rate = labels.iter().filter(|&&l| l).count() as f64 / labels.len() as f64;
    assert!(
        (mean - rate).abs() < 0.04,
        "mean {mean:.3} vs rate {rate:.3}"
    );

    // Reasons: three factors per row; region (which does nothing) rarely leads.
    for row in &table[1..] {
        assert_eq!(row[2].split("; ").count(), 3, "{}", row[2]);
    }
    let region_first = table[1..]
        .iter()
        .filter(|r| r[2].starts_with("region"))
        .count();
    let contract_first = table[1..]
        .iter()
        .filter(|r| r[2].starts_with("contract"))
        .count();
    assert!(
        region_first * 10 < table.len(),
        "region leads {region_first} rows"
    );
    assert!(
        contract_first > region_first * 3,
        "contract {contract_first}, region {region_first}"
    );
    let new_monthly = table[1..]
        .iter()
        .zip(test.lines().skip(1))
        .find(|(_, line)| line.split(',').nth(1) == Some("1") && line.contains("Month-to-month"))
        .map(|(row, _)| row[2].clone())
        .expect("a new monthly customer");
    assert!(new_monthly.contains("tenure = 1: +"), "{new_monthly}");
}

#[test]
fn too_few_outcomes_are_refused_with_what_is_missing() {
    let work = dir("few");
    let mut csv = String::from("amount,source,won\n");
    for i in 0..60 {
        csv.push_str(&format!(
            "{},{},{}\n",
            i * 10,
            ["site", "call"][i % 2],
            if i % 20 == 0 { "да" } else { "нет" }
        ));
    }
    std::fs::write(work.join("deals.csv"), csv).expect("write");
    let out = fundament(&[
        "train",
        "--data",
        &work.join("deals.csv").display().to_string(),
        "--target",
        "won",
        "--out",
        &work.join("model").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let error = text(&out.stderr);
    assert!(
        error.contains("3 rows with `won` = да") && error.contains("at least 10"),
        "{error}"
    );
    assert!(!work.join("model").join("model.json").exists());
}

#[test]
fn a_target_that_is_not_an_outcome_names_its_row() {
    let work = dir("bad-target");
    std::fs::write(work.join("t.csv"), "x,y\n1,yes\n2,no\n3,maybe\n").expect("write");
    let out = fundament(&[
        "train",
        "--data",
        &work.join("t.csv").display().to_string(),
        "--target",
        "y",
        "--out",
        &work.join("model").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let error = text(&out.stderr);
    assert!(
        error.contains("t.csv") && error.contains("row 4") && error.contains("maybe"),
        "{error}"
    );
    let out = fundament(&[
        "train",
        "--data",
        &work.join("t.csv").display().to_string(),
        "--target",
        "nope",
        "--out",
        &work.join("model").display().to_string(),
    ]);
    assert!(
        text(&out.stderr).contains("no column named `nope`"),
        "{}",
        text(&out.stderr)
    );
}
