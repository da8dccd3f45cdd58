//! The models against lifetimes' published results on the CDNOW data set
//! (shared/datasets/cdnow beside the repository, or `CLV_CDNOW_DIR`).

use std::path::PathBuf;

use chrono::NaiveDate;
use clv::{BgNbd, GammaGamma, History, Options, Spend, TimeUnit, Transaction};

fn read(file: &str) -> String {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("CLV_CDNOW_DIR").map(PathBuf::from),
        Some(manifest.join("../../../shared/datasets/cdnow")),
        Some(PathBuf::from("/work/shared/datasets/cdnow")),
    ];
    let found = candidates
        .iter()
        .flatten()
        .map(|dir| dir.join(file))
        .find(|path| path.exists());
    let Some(path) = found else {
        panic!("{file} not found in shared/datasets/cdnow; set CLV_CDNOW_DIR to its folder");
    };
    std::fs::read_to_string(&path).expect("readable")
}

/// Rows of a plain comma-separated file without quoting, header skipped.
fn rows(file: &str) -> Vec<Vec<String>> {
    read(file)
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.split(',')
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect()
}

fn number(cell: &str) -> f64 {
    cell.parse().expect("a number")
}

fn histories() -> Vec<(String, History)> {
    rows("cdnow_customers_summary.csv")
        .into_iter()
        .map(|row| {
            let history = History {
                frequency: number(&row[1]),
                recency: number(&row[2]),
                t: number(&row[3]),
            };
            (row[0].clone(), history)
        })
        .collect()
}

/// (id, history, mean repeat spend) from the file with spend.
fn with_spend() -> Vec<(String, History, f64)> {
    rows("cdnow_customers_summary_with_transactions.csv")
        .into_iter()
        .map(|row| {
            let history = History {
                frequency: number(&row[1]),
                recency: number(&row[2]),
                t: number(&row[3]),
            };
            (row[0].clone(), history, number(&row[4]))
        })
        .collect()
}

fn assert_relative(name: &str, actual: f64, expected: f64, tolerance: f64) {
    let error = (actual - expected).abs() / expected.abs();
    assert!(
        error <= tolerance,
        "{name}: {actual} vs {expected} ({:.3} % off, allowed {:.3} %)",
        error * 100.0,
        tolerance * 100.0
    );
}

fn fitted_bg_nbd() -> BgNbd {
    let histories: Vec<History> = histories().into_iter().map(|(_, h)| h).collect();
    BgNbd::fit(&histories, 0.0).expect("fits").0
}

#[test]
fn bg_nbd_matches_lifetimes_on_cdnow() {
    let histories: Vec<History> = histories().into_iter().map(|(_, h)| h).collect();
    assert_eq!(histories.len(), 2357);
    let (model, fit) = BgNbd::fit(&histories, 0.0).expect("fits");
    eprintln!("BG/NBD on CDNOW: {model:?} {fit:?}");
    assert!(fit.converged);
    assert_relative("r", model.r, 0.2426, 0.01);
    assert_relative("alpha", model.alpha, 4.4136, 0.01);
    assert_relative("a", model.a, 0.7929, 0.01);
    assert_relative("b", model.b, 2.4259, 0.01);
    // Fader, Hardie & Lee (2005) report LL = −9582.4 for this sample.
    assert!(
        (fit.log_likelihood + 9582.4).abs() < 0.5,
        "{}",
        fit.log_likelihood
    );

    // lifetimes' quickstart: the five customers most likely to buy next week.
    for (frequency, recency, t, expected) in [
        (18.0, 35.14, 35.86, 0.424_877),
        (19.0, 34.00, 34.14, 0.474_738),
        (17.0, 28.43, 28.86, 0.486_526),
        (29.0, 37.71, 38.00, 0.662_396),
        (26.0, 30.86, 31.00, 0.710_623),
    ] {
        let actual = model
            .expected_purchases(1.0, frequency, recency, t)
            .expect("converges");
        assert_relative("expected purchases next week", actual, expected, 0.005);
    }
}

#[test]
fn bg_nbd_penalizer_shrinks_the_parameters() {
    let histories: Vec<History> = histories().into_iter().map(|(_, h)| h).collect();
    let plain = fitted_bg_nbd();
    let (penalised, fit) = BgNbd::fit(&histories, 0.1).expect("fits");
    assert_eq!(fit.penalizer, 0.1);
    let size = |m: &BgNbd| m.r * m.r + m.a * m.a + m.b * m.b;
    assert!(
        size(&penalised) < size(&plain),
        "{penalised:?} vs {plain:?}"
    );
}

#[test]
fn gamma_gamma_matches_lifetimes_on_cdnow() {
    let customers = with_spend();
    let spends: Vec<Spend> = customers
        .iter()
        .filter(|(_, h, _)| h.frequency > 0.0)
        .map(|(_, h, spend)| Spend {
            frequency: h.frequency,
            monetary_value: *spend,
        })
        .collect();
    assert_eq!(spends.len(), 946);
    let (model, fit) = GammaGamma::fit(&spends, 0.0).expect("fits");
    eprintln!("Gamma-Gamma on CDNOW: {model:?} {fit:?}");
    assert!(fit.converged);
    assert_relative("p", model.p, 6.2490, 0.01);
    assert_relative("q", model.q, 3.7443, 0.01);
    assert_relative("v", model.v, 15.4471, 0.01);

    // lifetimes' quickstart prints the mean expected spend over all customers.
    let mean = customers
        .iter()
        .map(|(_, h, spend)| model.expected_average_spend(h.frequency, *spend))
        .sum::<f64>()
        / customers.len() as f64;
    assert_relative("mean expected spend", mean, 35.252_958_825_6, 0.002);
}

#[test]
fn lifetime_value_matches_the_lifetimes_documentation() {
    let customers = with_spend();
    let bg_nbd = fitted_bg_nbd();
    let gamma_gamma = GammaGamma {
        p: 6.2490,
        q: 3.7443,
        v: 15.4471,
    };
    // lifetimes' quickstart calls customer_lifetime_value(time=12,
    // discount_rate=0.01) with its default freq="D" on this weekly data,
    // i.e. 30 periods a month: TimeUnit::Days reproduces exactly that call.
    for (id, expected) in [
        ("1", 140.096_218),
        ("2", 18.943_466),
        ("3", 38.180_575),
        ("6", 1_003.868_285),
        ("7", 28.109_681),
        ("9", 167.418_224),
    ] {
        let Some((_, history, spend)) = customers.iter().find(|(row, _, _)| row == id) else {
            panic!("customer {id} is in the file");
        };
        let average = gamma_gamma.expected_average_spend(history.frequency, *spend);
        let value = clv::lifetime_value(&bg_nbd, history, average, 12, 0.01, TimeUnit::Days)
            .expect("converges");
        assert_relative(&format!("value of customer {id}"), value, expected, 0.01);
    }
}

fn master() -> Vec<Transaction> {
    rows("cdnow_master.csv")
        .into_iter()
        .map(|row| Transaction {
            customer_id: row[0].clone(),
            date: NaiveDate::parse_from_str(&row[1], "%Y%m%d").expect("YYYYMMDD"),
            amount: number(&row[3]),
        })
        .collect()
}

/// The 1/10 sample, with the sample's customer numbers as the summary files have them.
fn sample() -> Vec<Transaction> {
    rows("cdnow_sample.csv")
        .into_iter()
        .map(|row| Transaction {
            customer_id: row[1].trim_start_matches('0').to_string(),
            date: NaiveDate::parse_from_str(&row[2], "%Y%m%d").expect("YYYYMMDD"),
            amount: number(&row[4]),
        })
        .collect()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

#[test]
fn summary_reproduces_the_published_cdnow_summary() {
    // The published file counts days and divides by 7: TimeUnit::Days, then /7.
    let summaries =
        clv::summary(&sample(), Some(day("1997-09-30")), TimeUnit::Days).expect("summary");
    let published = with_spend();
    assert_eq!(summaries.len(), published.len());
    for (id, history, spend) in &published {
        let Some(ours) = summaries.iter().find(|s| &s.customer_id == id) else {
            panic!("customer {id} summarised");
        };
        assert_eq!(
            f64::from(ours.frequency),
            history.frequency,
            "customer {id}"
        );
        assert!(
            (ours.recency / 7.0 - history.recency).abs() < 0.006,
            "customer {id}"
        );
        assert!((ours.t / 7.0 - history.t).abs() < 0.006, "customer {id}");
        assert!((ours.monetary_value - spend).abs() < 0.006, "customer {id}");
    }
}

#[test]
fn holdout_on_the_cdnow_sample_matches_the_literature() {
    let options = Options {
        unit: TimeUnit::Days,
        ..Options::default()
    };
    let report =
        clv::holdout(&sample(), day("1997-09-30"), day("1998-06-30"), &options).expect("holdout");
    let model = report.bg_nbd;
    assert_relative("r", model.r, 0.2426, 0.01);
    assert_relative("alpha (weeks)", model.alpha / 7.0, 4.4136, 0.01);
    assert_relative("a", model.a, 0.7929, 0.01);
    assert_relative("b", model.b, 2.4259, 0.01);
    assert_eq!(report.duration, 273.0);
    // The holdout transactions of BTYD's cdnowSummary (x.star) add up to 1,882.
    assert_eq!(report.actual_total, 1_882.0);
    // lifetimes' conditional expectation with the published parameters,
    // summed with scipy's hyp2f1, gives 1,653.4: BG/NBD forecasts this
    // holdout about 12 % short (most of it among customers with one or two
    // repeat purchases), a property of the model on CDNOW, not of this code.
    assert_relative("predicted total", report.predicted_total, 1_653.4, 0.01);
}

#[test]
fn holdout_on_cdnow_master_forecasts_the_total() {
    let transactions = master();
    assert_eq!(transactions.len(), 69_659);
    let report = clv::holdout(
        &transactions,
        day("1997-09-30"),
        day("1998-06-30"),
        &Options::default(),
    )
    .expect("holdout");
    eprintln!(
        "CDNOW holdout ({} weeks): {:?} {:?}\n  customers {}, predicted {:.1}, actual {:.0}, MAE {:.4}, correlation {:?}",
        report.duration,
        report.bg_nbd,
        report.bg_nbd_fit,
        report.customers.len(),
        report.predicted_total,
        report.actual_total,
        report.mean_absolute_error,
        report.correlation,
    );
    assert_eq!(report.customers.len(), 23_570);
    assert_eq!(report.duration, 39.0);
    // The whole cohort falls short like the sample above (about 10 % in
    // weeks, 14 % in days), so "within 10 %" would be too tight; the sample
    // test pins the arithmetic to published numbers instead.
    let ratio = report.predicted_total / report.actual_total;
    assert!(
        (0.85..1.0).contains(&ratio),
        "predicted {} vs actual {}",
        report.predicted_total,
        report.actual_total
    );
    assert!(report.correlation.is_some_and(|r| r > 0.5));
    assert!(report.mean_absolute_error < 1.0);
}

#[test]
fn analyse_on_the_cdnow_sample_fits_both_published_models() {
    let options = Options {
        unit: TimeUnit::Days,
        observation_end: Some(day("1997-09-30")),
        ..Options::default()
    };
    let report = clv::analyse(&sample(), &options).expect("report");
    assert_eq!(report.customers.len(), 2357);
    assert_eq!(report.horizon_periods, 360.0);
    assert_relative("alpha (weeks)", report.bg_nbd.alpha / 7.0, 4.4136, 0.01);
    assert_eq!(report.gamma_gamma_fit.customers, 946);
    assert_relative("p", report.gamma_gamma.p, 6.2490, 0.01);
    assert_relative("q", report.gamma_gamma.q, 3.7443, 0.01);
    assert_relative("v", report.gamma_gamma.v, 15.4471, 0.01);
    // lifetimes' quickstart reports 0.113884 for this correlation.
    let correlation = report.frequency_spend_correlation.expect("varies");
    assert!((correlation - 0.113_884).abs() < 1e-4, "{correlation}");
    let first = &report.customers[0];
    assert_eq!(first.customer_id, "1");
    assert!((first.expected_average_spend - 24.658_619).abs() < 0.02);
    assert!(first.value > 0.0 && first.probability_alive > 0.0);
    let total: f64 = report.customers.iter().map(|c| c.value).sum();
    eprintln!("CDNOW sample: 12-month value of all customers {total:.0}");
}
