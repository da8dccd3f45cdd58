//! # bench
//!
//! Tools that produce the figures in BENCHMARKS.md: `bench-data` writes a
//! large, messy Bitrix24-style contacts export; `bench-http` drives the API
//! at a fixed request rate and reports latency percentiles.
//!
//! Nothing here is part of the product; it talks to fundament only through
//! its files and its HTTP API.

/// A small deterministic generator (SplitMix64), so that the same seed gives
/// the same file on every machine without a dependency.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    /// One item of a slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Percentiles of a set of latencies in microseconds (sorted in place).
pub fn percentile(sorted_micros: &[u64], fraction: f64) -> u64 {
    if sorted_micros.is_empty() {
        return 0;
    }
    let index = ((sorted_micros.len() as f64 - 1.0) * fraction).round() as usize;
    sorted_micros[index.min(sorted_micros.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_percentiles_pick_ranks() {
        let (mut first, mut second) = (SplitMix::new(7), SplitMix::new(7));
        assert_eq!(
            (0..5).map(|_| first.next_u64()).collect::<Vec<_>>(),
            (0..5).map(|_| second.next_u64()).collect::<Vec<_>>()
        );
        let latencies: Vec<u64> = (1..=100).collect();
        assert_eq!(
            (
                percentile(&latencies, 0.5),
                percentile(&latencies, 0.99),
                percentile(&[], 0.5)
            ),
            (51, 99, 0)
        );
    }
}
