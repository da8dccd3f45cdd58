//! Small helpers over the seeded generator: a coin, a pick, a weighted pick,
//! random digits. Everything random in this crate goes through one `StdRng`,
//! so a seed fixes the output.

use rand::Rng;
use rand::rngs::StdRng;

/// True with the given probability.
pub(crate) fn chance(rng: &mut StdRng, probability: f64) -> bool {
    rng.random::<f64>() < probability
}

/// One item of a slice.
///
/// # Panics
///
/// If `items` is empty; every list in this crate is a non-empty constant.
pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An index into a list ordered most common first: the first quarter is
/// picked half the time.
pub(crate) fn popular_index(rng: &mut StdRng, len: usize) -> usize {
    let u: f64 = rng.random();
    ((u * u * len as f64) as usize).min(len.saturating_sub(1))
}

/// One item, each with its weight.
///
/// # Panics
///
/// If `items` is empty or every weight is zero.
pub(crate) fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.random_range(0..total);
    for &(item, weight) in items {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

/// `n` random decimal digits.
pub(crate) fn digits(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}
