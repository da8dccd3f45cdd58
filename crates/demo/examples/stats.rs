//! Scratch statistics.
use std::collections::BTreeMap;
fn main() {
    let started = std::time::Instant::now();
    let data = demo::generate(&demo::DemoConfig::default());
    println!("generated in {:?}", started.elapsed());
    println!(
        "users {} pipelines {} stages {} companies {} contacts {} products {} deals {} orders {} activities {} events {}",
        data.users.len(),
        data.pipelines.len(),
        data.stages.len(),
        data.companies.len(),
        data.contacts.len(),
        data.products.len(),
        data.deals.len(),
        data.orders.len(),
        data.activities.len(),
        data.events.len()
    );
    let mut by_source: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for deal in &data.deals {
        let entry = by_source
            .entry(deal.text("source").unwrap_or("?").to_string())
            .or_default();
        match deal.text("status") {
            Some("won") => entry.0 += 1,
            Some("lost") => entry.1 += 1,
            _ => entry.2 += 1,
        }
    }
    for (source, (won, lost, open)) in &by_source {
        println!(
            "{source:15} won {won:4} lost {lost:4} open {open:4} rate {:.2}",
            *won as f64 / (won + lost) as f64
        );
    }
    let mut pipelines: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for deal in &data.deals {
        *pipelines
            .entry((
                deal.text("pipeline").unwrap_or("").into(),
                deal.text("stage").unwrap_or("").into(),
                deal.text("kind").unwrap_or("").into(),
            ))
            .or_default() += 1;
    }
    for (key, count) in &pipelines {
        println!("{key:?} {count}");
    }
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for deal in &data.deals {
        if let Some(r) = deal.text("lost_reason") {
            *reasons.entry(r.into()).or_default() += 1;
        }
    }
    println!("{reasons:?}");
    for record in data
        .contacts
        .iter()
        .take(6)
        .chain(data.deals.iter().take(3))
        .chain(data.activities.iter().take(8))
        .chain(data.orders.iter().take(2))
        .chain(data.events.iter().take(3))
        .chain(data.companies.iter().take(3))
        .chain(data.products.iter().take(2))
    {
        println!("{}", record.to_json());
    }
    for contact in data
        .contacts
        .iter()
        .filter(|c| c.source.as_ref().is_some_and(|s| s.system != "bitrix24"))
        .take(5)
    {
        println!("DUP {}", contact.to_json());
    }
}
