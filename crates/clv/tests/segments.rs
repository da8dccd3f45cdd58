//! RFM segments and k-means clusters on small hand-made customer sets.

use chrono::{Duration, NaiveDate};
use clv::segment::{ClusterOptions, Segment, clusters, rfm};
use clv::{CustomerSummary, TimeUnit, Transaction, summary};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 31).expect("date")
}

/// `count` purchases of `amount`, the last `last_days_ago` days before the end, 10 days apart.
fn buys(id: &str, count: usize, amount: f64, last_days_ago: i64) -> Vec<Transaction> {
    (0..count)
        .map(|i| Transaction {
            customer_id: id.into(),
            date: end() - Duration::days(last_days_ago + 10 * i as i64),
            amount,
        })
        .collect()
}

#[test]
fn rfm_names_champions_and_lost_customers() {
    let mut transactions = Vec::new();
    transactions.extend(buys("champion", 12, 500.0, 1));
    transactions.extend(buys("gone", 1, 15.0, 360));
    transactions.extend(buys("newcomer", 1, 20.0, 2));
    transactions.extend(buys("big-but-silent", 10, 400.0, 300));
    for (i, days) in [20, 45, 60, 90, 120, 150, 200, 240, 30, 75]
        .iter()
        .enumerate()
    {
        transactions.extend(buys(
            &format!("regular-{i}"),
            1 + i % 4,
            50.0 + 10.0 * i as f64,
            *days,
        ));
    }
    let customers = summary(&transactions, Some(end()), TimeUnit::Weeks).expect("summary");
    let scores = rfm(&customers);
    let of = |id: &str| {
        let Some(score) = scores.iter().find(|s| s.customer_id == id) else {
            panic!("{id} scored");
        };
        score.clone()
    };
    let champion = of("champion");
    assert_eq!((champion.r, champion.f, champion.m), (5, 5, 5));
    assert_eq!(champion.segment, Segment::Champions);
    assert_eq!(champion.segment_ru, "Чемпионы");
    assert_eq!(champion.segment_en, "Champions");

    let gone = of("gone");
    assert_eq!(gone.r, 1);
    assert!(
        matches!(gone.segment, Segment::Lost | Segment::Hibernating),
        "{gone:?}"
    );
    assert_eq!(of("newcomer").segment, Segment::New);
    assert!(matches!(
        of("big-but-silent").segment,
        Segment::CantLoseThem | Segment::AtRisk
    ));

    let json = serde_json::to_value(&champion).expect("serialises");
    assert_eq!(json["segment"], "champions");
    assert_eq!(json["segment_ru"], "Чемпионы");
}

/// A customer summary with just the fields clustering reads.
fn customer(id: usize, days: f64, transactions: f64, spend: f64) -> CustomerSummary {
    CustomerSummary {
        customer_id: format!("c{id:04}"),
        first_purchase: end(),
        last_purchase: end(),
        frequency: 0,
        recency: 0.0,
        t: 0.0,
        monetary_value: 0.0,
        transactions: transactions.round().max(1.0) as u32,
        total_spend: spend,
        days_since_last: days.round() as i64,
    }
}

#[test]
fn kmeans_finds_three_separated_groups() {
    let mut rng = StdRng::seed_from_u64(7);
    // (days since last, transactions, spend): loyal big spenders, one-off
    // lapsed buyers, and occasional mid spenders, each spread ±20 %.
    let groups = [
        (5.0, 30.0, 20_000.0),
        (400.0, 1.0, 40.0),
        (60.0, 5.0, 900.0),
    ];
    let mut customers = Vec::new();
    let mut truth = Vec::new();
    for (group, (days, transactions, spend)) in groups.iter().enumerate() {
        for _ in 0..70 {
            let mut jitter = || rng.random_range(0.8..1.2);
            let id = customers.len();
            customers.push(customer(
                id,
                days * jitter(),
                transactions * jitter(),
                spend * jitter(),
            ));
            truth.push(group);
        }
    }
    let result = clusters(&customers, &ClusterOptions::default()).expect("clusters");
    assert_eq!(result.k, 3, "{:?}", result.candidates);
    assert!(result.k_chosen);
    assert_eq!(result.candidates.len(), 7, "k = 2..=8 tried");
    assert!(result.silhouette.is_some_and(|s| s > 0.7));
    // Each true group lands whole in one cluster, and the clusters differ.
    let mut seen = Vec::new();
    for group in 0..3 {
        let labels: Vec<usize> = result
            .members
            .iter()
            .zip(&truth)
            .filter(|(_, t)| **t == group)
            .map(|(m, _)| m.cluster)
            .collect();
        assert!(
            labels.iter().all(|l| *l == labels[0]),
            "group {group} split"
        );
        seen.push(labels[0]);
    }
    seen.sort_unstable();
    assert_eq!(seen, vec![1, 2, 3]);
    assert!(result.clusters.iter().all(|c| c.size == 70));

    let best = result
        .clusters
        .iter()
        .find(|c| c.monetary > 10_000.0)
        .expect("the big spenders' cluster");
    assert_eq!(best.label_en, "recent, frequent, high spend");
    assert_eq!(best.label_ru, "недавние, частые, высокие траты");
    assert!((best.recency_days - 5.0).abs() < 1.5, "{best:?}");
    let lapsed = result
        .clusters
        .iter()
        .find(|c| c.recency_days > 200.0)
        .expect("the lapsed cluster");
    assert_eq!(lapsed.label_en, "lapsed, infrequent, low spend");

    // The same seed gives the same answer; a given k is used as is.
    let again = clusters(&customers, &ClusterOptions::default()).expect("clusters");
    assert_eq!(again, result);
    let two = clusters(
        &customers,
        &ClusterOptions {
            k: Some(2),
            seed: 1,
        },
    )
    .expect("clusters");
    assert_eq!((two.k, two.k_chosen, two.clusters.len()), (2, false, 2));
    assert!(two.candidates.is_empty());
}

#[test]
fn clustering_identical_customers_is_refused() {
    let customers: Vec<CustomerSummary> = (0..10).map(|i| customer(i, 10.0, 2.0, 100.0)).collect();
    let error = clusters(&customers, &ClusterOptions::default()).expect_err("all the same");
    assert_eq!(
        error.to_string(),
        "clustering needs at least 2 customers with distinct recency, frequency and spend; found 1"
    );
}
