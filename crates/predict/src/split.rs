//! Stratified splits: every part keeps the outcome's share, so a rare outcome
//! is not left out of a fold by chance.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// Splits row indices into (train, test) with `test_share` of each outcome in
/// test, shuffled by `seed`.
pub fn stratified_split(labels: &[bool], test_share: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut train = Vec::new();
    let mut test = Vec::new();
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rows.shuffle(&mut rng);
        let cut = (rows.len() as f64 * test_share).round() as usize;
        test.extend_from_slice(&rows[..cut]);
        train.extend_from_slice(&rows[cut..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

/// `k` stratified folds: each row's fold number.
pub(crate) fn stratified_folds(labels: &[bool], k: usize, seed: u64) -> Vec<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut fold = vec![0; labels.len()];
    let mut next = 0;
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rows.shuffle(&mut rng);
        for row in rows {
            fold[row] = next % k;
            next += 1;
        }
    }
    fold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_keep_the_outcome_share() {
        let labels: Vec<bool> = (0..1000).map(|i| i % 10 == 0).collect();
        let (train, test) = stratified_split(&labels, 0.2, 42);
        assert_eq!(test.len(), 200);
        assert_eq!(test.iter().filter(|&&i| labels[i]).count(), 20);
        assert_eq!(train.len() + test.len(), 1000);
        let folds = stratified_folds(&labels, 5, 1);
        for f in 0..5 {
            let members: Vec<usize> = (0..1000).filter(|&i| folds[i] == f).collect();
            assert_eq!(members.len(), 200);
            assert_eq!(members.iter().filter(|&&i| labels[i]).count(), 20);
        }
    }
}
