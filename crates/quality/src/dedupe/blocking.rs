//! Blocking: which pairs are worth comparing. A pair is a candidate when the
//! two records share any key: a phone, an e-mail, an identity number, a birth
//! date, or a name key (surname prefix with first initial, in both orders, a
//! consonant skeleton, transliterated), so typos in one field do not hide a match.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use chrono::Datelike;

use super::features::Features;

fn hash(tag: u8, parts: &[&str]) -> u64 {
    let mut hasher = DefaultHasher::new();
    tag.hash(&mut hasher);
    parts.hash(&mut hasher);
    hasher.finish()
}

fn prefix(text: &str, chars: usize) -> &str {
    text.char_indices()
        .nth(chars)
        .map_or(text, |(i, _)| &text[..i])
}

/// A consonant skeleton of a Latin key: `kuzneTov` → `kzn`; vowels and
/// doubled letters are where transliterations and typos differ most.
fn skeleton(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if i > 0 && "aeiou".contains(c) {
            continue;
        }
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    prefix(&out, 4).to_string()
}

/// The blocking keys of one record.
pub fn keys(f: &Features, out: &mut Vec<u64>) {
    out.clear();
    for phone in &f.phones {
        out.push(hash(1, &[phone]));
    }
    for email in &f.emails {
        out.push(hash(2, &[email]));
        if let Some((local, _)) = email.split_once('@')
            && local.len() >= 5
        {
            out.push(hash(3, &[local]));
        }
    }
    if let Some(id) = &f.national_id {
        out.push(hash(4, &[id]));
    }
    if let Some(inn) = &f.inn {
        out.push(hash(5, &[inn]));
    }
    let last = f.last.as_ref().map(|k| k.key.as_str());
    let first = f.first.as_ref().map(|k| k.key.as_str());
    let first_initial = first.and_then(|k| k.chars().next()).or(f.first_initial);
    let first_initial = first_initial.map(String::from);
    let birth = f.birth.map(|d| d.format("%Y%m%d").to_string());
    let year = f.birth.map(|d| d.year().to_string());
    if let (Some(last), Some(initial)) = (last, &first_initial) {
        out.push(hash(6, &[prefix(last, 4), initial]));
        out.push(hash(7, &[&skeleton(last), initial]));
    }
    if let (Some(last), Some(first)) = (last, first) {
        // Swapped order: the first name's prefix with the surname's initial.
        out.push(hash(6, &[prefix(first, 4), prefix(last, 1)]));
        out.push(hash(8, &[&skeleton(first), &skeleton(last)]));
        out.push(hash(8, &[&skeleton(last), &skeleton(first)]));
    }
    if let Some(birth) = &birth {
        out.push(hash(9, &[birth]));
    }
    for form in &f.first_forms {
        if let Some(year) = &year {
            out.push(hash(11, &[year, form]));
        }
        if let Some(last) = last {
            out.push(hash(12, &[prefix(last, 3), form]));
        }
    }
    if let (Some(postcode), Some(house)) = (&f.postcode, &f.house) {
        out.push(hash(14, &[postcode, house]));
    }
    if let (Some(postcode), Some(last)) = (&f.postcode, last) {
        out.push(hash(15, &[postcode, prefix(last, 2)]));
    }
    if let (Some(address), Some(house)) = (&f.address, &f.house) {
        out.push(hash(16, &[prefix(address, 6), house]));
    }
    if let Some(address) = f
        .address
        .as_ref()
        .filter(|a| a.chars().any(|c| c.is_ascii_digit()))
    {
        // The numbers of an address with its longest word: one flat, however written.
        let numbers: Vec<&str> = address
            .split(' ')
            .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        let word = address
            .split(' ')
            .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
            .max_by_key(|w| w.len());
        if numbers.len() >= 2
            && let Some(word) = word
        {
            out.push(hash(22, &[&numbers.join(" "), prefix(word, 4)]));
        }
    }
    if let (Some(last), Some(city)) = (last, &f.city)
        && first.is_none()
        && f.first_initial.is_none()
    {
        // A surname alone: its city is the best company it keeps.
        out.push(hash(23, &[last, city]));
    }
    // Colleagues share a company: for people it blocks nothing useful.
    if let Some(company) = f
        .company
        .as_ref()
        .filter(|_| last.is_none() && first.is_none())
    {
        out.push(hash(18, &[prefix(company, 8)]));
        out.push(hash(19, &[&skeleton(&lexicon::latin_key(company))]));
    }
    if let Some(sku) = &f.sku {
        out.push(hash(20, &[prefix(sku, 5)]));
    }
    if let Some(product) = &f.product {
        out.push(hash(21, &[prefix(product, 10)]));
    }
    out.sort_unstable();
    out.dedup();
}

/// The order of records inside a large block: by name, so that a record's
/// neighbours there are the ones most like it.
pub fn sort_key(f: &Features) -> u64 {
    let last = f.last.as_ref().map_or("", |k| k.key.as_str());
    let first = f
        .first_forms
        .first()
        .map(String::as_str)
        .or(f.first.as_ref().map(|k| k.key.as_str()))
        .unwrap_or("");
    let mut hasher = DefaultHasher::new();
    last.hash(&mut hasher);
    let high = hasher.finish() & 0xFFFF_FFFF_0000_0000;
    let mut hasher = DefaultHasher::new();
    first.hash(&mut hasher);
    high | (hasher.finish() >> 32)
}

/// Records sharing a key become candidate pairs (`i < j`, packed as
/// `i << 32 | j`). A key shared by more than `max_block` records pairs each
/// record only with its `window` neighbours in name order, so one common
/// key cannot make the work quadratic.
pub fn candidate_pairs(
    record_keys: &[Vec<u64>],
    sort_keys: &[u64],
    max_block: usize,
    window: usize,
    keep: impl Fn(u32, u32) -> bool,
) -> Vec<u64> {
    let mut entries: Vec<(u64, u64, u32)> = record_keys
        .iter()
        .enumerate()
        .flat_map(|(i, keys)| keys.iter().map(move |key| (*key, sort_keys[i], i as u32)))
        .collect();
    entries.sort_unstable();
    let mut pairs = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let key = entries[start].0;
        let mut end = start;
        while end < entries.len() && entries[end].0 == key {
            end += 1;
        }
        let block = &entries[start..end];
        let reach = if block.len() > max_block {
            window
        } else {
            block.len()
        };
        for (x, &(_, _, i)) in block.iter().enumerate() {
            for &(_, _, j) in block.iter().skip(x + 1).take(reach) {
                if i != j && keep(i, j) {
                    let (a, b) = if i < j { (i, j) } else { (j, i) };
                    pairs.push(u64::from(a) << 32 | u64::from(b));
                }
            }
        }
        start = end;
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}
