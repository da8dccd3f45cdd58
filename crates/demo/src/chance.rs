//! Random draws the generator needs beyond `rand`: normal and log-normal
//! numbers, Poisson counts, weighted picks and moments in time.
//!
//! Everything takes the one seeded [`StdRng`], so a seed fixes every draw. It
//! knows nothing of CRM content.

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use rand::Rng;
use rand::rngs::StdRng;

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut StdRng) -> f64 {
    let uniform_open: f64 = 1.0 - rng.random::<f64>();
    let angle: f64 = rng.random::<f64>() * std::f64::consts::TAU;
    (-2.0 * uniform_open.ln()).sqrt() * angle.cos()
}

/// A log-normal draw with the given median and spread (sigma of the log).
pub(crate) fn log_normal(rng: &mut StdRng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A Poisson count (Knuth's method, fine for the small means used here).
pub(crate) fn poisson(rng: &mut StdRng, mean: f64) -> usize {
    let limit = (-mean).exp();
    let mut product: f64 = rng.random();
    let mut count = 0;
    while product > limit {
        product *= rng.random::<f64>();
        count += 1;
    }
    count
}

/// True with probability `probability`, clamped to `0..=1`.
pub(crate) fn chance(rng: &mut StdRng, probability: f64) -> bool {
    rng.random_bool(probability.clamp(0.0, 1.0))
}

/// A uniformly chosen item.
///
/// # Panics
///
/// If `items` is empty; every pool in this crate is a non-empty constant.
pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    assert!(!items.is_empty(), "pick needs a non-empty pool");
    &items[rng.random_range(0..items.len())]
}

/// A uniformly chosen item, copied out of the pool.
pub(crate) fn pick_copy<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    *pick(rng, items)
}

/// An item chosen with probability proportional to its weight.
///
/// # Panics
///
/// If `items` is empty; every pool in this crate is a non-empty constant.
pub(crate) fn pick_weighted<T: Copy>(rng: &mut StdRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, weight)| weight).sum();
    let mut target = rng.random::<f64>() * total;
    for &(item, weight) in items {
        if target < weight {
            return item;
        }
        target -= weight;
    }
    items
        .last()
        .expect("pick_weighted needs a non-empty pool")
        .0
}

/// A moment uniformly between `from` and `to`, in whole seconds.
pub(crate) fn moment_between(
    rng: &mut StdRng,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DateTime<Utc> {
    let span = (to - from).num_seconds().max(1);
    from + TimeDelta::seconds(rng.random_range(0..span))
}

/// Moves `at` into Moscow working hours (09:00–21:00) on the same day with
/// probability `daytime_share`, unless that would pass `latest`: most
/// clients write during the day, some at night.
pub(crate) fn mostly_daytime(
    rng: &mut StdRng,
    at: DateTime<Utc>,
    daytime_share: f64,
    latest: DateTime<Utc>,
) -> DateTime<Utc> {
    if !chance(rng, daytime_share) {
        return at;
    }
    let moscow = at.with_timezone(&crate::factory::moscow_offset());
    let seconds_into_day = i64::from(moscow.num_seconds_from_midnight());
    let target = rng.random_range(9 * 3600..21 * 3600);
    let moved = at + TimeDelta::seconds(target - seconds_into_day);
    if moved <= latest { moved } else { at }
}

/// A span of minutes as a whole-second delta.
pub(crate) fn minutes(value: f64) -> TimeDelta {
    TimeDelta::seconds((value * 60.0).round() as i64)
}

/// A span of hours as a whole-second delta.
pub(crate) fn hours(value: f64) -> TimeDelta {
    minutes(value * 60.0)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn log_normal_draws_centre_on_their_median() {
        // Arrange
        let mut rng = StdRng::seed_from_u64(7);
        // Act
        let mut draws: Vec<f64> = (0..2001).map(|_| log_normal(&mut rng, 30.0, 1.0)).collect();
        draws.sort_by(f64::total_cmp);
        // Assert
        let median = draws[1000];
        assert!((24.0..37.0).contains(&median), "median {median}");
    }

    #[test]
    fn poisson_counts_average_their_mean() {
        let mut rng = StdRng::seed_from_u64(7);
        let total: usize = (0..4000).map(|_| poisson(&mut rng, 2.5)).sum();
        let mean = total as f64 / 4000.0;
        assert!((2.35..2.65).contains(&mean), "mean {mean}");
    }

    #[test]
    fn weighted_picks_follow_their_weights() {
        let mut rng = StdRng::seed_from_u64(7);
        let items = [("rare", 1.0), ("common", 9.0)];
        let rare = (0..5000)
            .filter(|_| pick_weighted(&mut rng, &items) == "rare")
            .count();
        assert!((400..600).contains(&rare), "rare picked {rare} times");
    }
}
