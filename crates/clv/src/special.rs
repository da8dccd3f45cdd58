//! Special functions the models need: ln Γ and the Gauss hypergeometric 2F1.

use std::f64::consts::PI;

use crate::ClvError;

/// Lanczos coefficients for g = 7, n = 9 (about 15 correct digits).
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0 (by reflection below 1/2).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x < 0.5 {
        return (PI / (PI * x).sin().abs()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let series = LANCZOS
        .iter()
        .enumerate()
        .skip(1)
        .fold(LANCZOS[0], |sum, (i, c)| sum + c / (x + i as f64));
    let t = x + 7.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

/// Terms before the series gives up; enough for z up to about 0.9999.
const MAX_TERMS: usize = 2_000_000;

/// The plain series Σ (a)ₙ(b)ₙ/(c)ₙ zⁿ/n!, or None if it does not settle.
fn series(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if z == 0.0 {
        return Some(1.0);
    }
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    for n in 0..MAX_TERMS {
        let n = n as f64;
        if c + n == 0.0 {
            return None;
        }
        let ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            return None;
        }
        // Only stop once the terms shrink for good, not on a passing small one.
        if ratio.abs() < 1.0 && term.abs() <= f64::EPSILON * sum.abs() {
            return Some(sum);
        }
    }
    None
}

/// ln 2F1(a, b; c; z) for 0 ≤ z < 1 where the function is positive.
///
/// When c − a − b < 0 the function grows like (1 − z)^(c−a−b) and its series
/// converges slowly near 1, so Euler's transformation
/// 2F1(a, b; c; z) = (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z) is tried first.
pub(crate) fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, ClvError> {
    let direct = || series(a, b, c, z).filter(|v| *v > 0.0).map(f64::ln);
    let euler = || {
        series(c - a, c - b, c, z)
            .filter(|v| *v > 0.0)
            .map(|v| v.ln() + (c - a - b) * (-z).ln_1p())
    };
    let value = if c - a - b < 0.0 {
        euler().or_else(direct)
    } else {
        direct().or_else(euler)
    };
    value.ok_or(ClvError::Series { a, b, c, z })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance * expected.abs().max(1.0),
            "{actual} vs {expected}"
        );
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        close(ln_gamma(0.5), 0.572_364_942_924_700_1, 1e-14);
        close(ln_gamma(1.0), 0.0, 1e-14);
        close(ln_gamma(2.0), 0.0, 1e-14);
        close(ln_gamma(10.0), 12.801_827_480_081_469, 1e-14);
        close(ln_gamma(100.0), 359.134_205_369_575_4, 1e-14);
        close(ln_gamma(0.1), 2.252_712_651_734_206, 1e-13);
    }

    #[test]
    fn hyp2f1_matches_closed_forms() {
        // 2F1(1, 1; 2; z) = −ln(1 − z) / z
        for z in [0.1_f64, 0.5, 0.9, 0.99] {
            let expected = -(-z).ln_1p() / z;
            close(
                ln_hyp2f1(1.0, 1.0, 2.0, z).expect("converges"),
                expected.ln(),
                1e-12,
            );
        }
        // 2F1(a, b; b; z) = (1 − z)^(−a), with c − a − b < 0 (Euler's form).
        close(
            ln_hyp2f1(2.5, 0.7, 0.7, 0.95).expect("converges"),
            -2.5 * (0.05_f64).ln(),
            1e-12,
        );
        // A negative c − a still converges and is used only if it stays positive.
        close(
            ln_hyp2f1(0.3, 1.2, 0.4, 0.6).expect("converges"),
            series(0.3, 1.2, 0.4, 0.6).expect("series").ln(),
            1e-12,
        );
    }
}
