//! Comparing a secret a delivery presents with the configured one in constant time, so the
//! time an answer takes does not reveal how much of a guess was right.

use sha2::{Digest, Sha256};

/// Whether `presented` equals `expected`. Both are hashed first, so the work depends
/// neither on where they differ nor on their lengths (beyond hashing, which leaks nothing
/// useful about the secret).
pub(crate) fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    let presented = Sha256::digest(presented);
    let expected = Sha256::digest(expected);
    let difference = presented
        .iter()
        .zip(expected.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    // black_box keeps the optimiser from turning the fold into an early-exit comparison.
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_secrets_match_and_any_difference_does_not() {
        assert!(same_secret(b"s3cret-token", b"s3cret-token"));
        assert!(!same_secret(b"s3cret-token", b"s3cret-tokeN"));
        assert!(!same_secret(b"s3cret", b"s3cret-token"));
        assert!(!same_secret(b"", b"s3cret-token"));
    }
}
