//! Russian company identifiers with their check digits: ИНН and ОГРН.

use std::fmt;

use crate::ValueError;

/// A taxpayer number (ИНН): 10 digits for organisations, 12 for individuals
/// and sole proprietors, with valid check digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Inn(String);

impl Inn {
    /// Parses an ИНН, ignoring spaces; checks length and check digits.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        const EXPECTED: &str = "an ИНН of 10 or 12 digits with valid check digits";
        let digits = only_digits(text)
            .ok_or_else(|| ValueError::new(format!("{text:?} is not an ИНН"), EXPECTED))?;
        let check = |weights: &[u32], values: &[u32]| -> u32 {
            weights.iter().zip(values).map(|(w, v)| w * v).sum::<u32>() % 11 % 10
        };
        let valid = match digits.len() {
            10 => check(&[2, 4, 10, 3, 5, 9, 4, 6, 8], &digits) == digits[9],
            12 => {
                check(&[7, 2, 4, 10, 3, 5, 9, 4, 6, 8], &digits) == digits[10]
                    && check(&[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], &digits) == digits[11]
            }
            _ => false,
        };
        if !valid {
            return Err(ValueError::new(
                format!("{text:?} fails the ИНН length or check digits"),
                EXPECTED,
            ));
        }
        Ok(Self(
            digits
                .iter()
                .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
                .collect(),
        ))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Inn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A state registration number (ОГРН of 13 digits, ОГРНИП of 15) with a valid check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ogrn(String);

impl Ogrn {
    /// Parses an ОГРН or ОГРНИП, ignoring spaces.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        const EXPECTED: &str = "an ОГРН of 13 or ОГРНИП of 15 digits with a valid check digit";
        let digits = only_digits(text)
            .ok_or_else(|| ValueError::new(format!("{text:?} is not an ОГРН"), EXPECTED))?;
        let number = |slice: &[u32]| slice.iter().fold(0_u64, |acc, d| acc * 10 + u64::from(*d));
        let valid = match digits.len() {
            13 => number(&digits[..12]) % 11 % 10 == u64::from(digits[12]),
            15 => number(&digits[..14]) % 13 % 10 == u64::from(digits[14]),
            _ => false,
        };
        if !valid {
            return Err(ValueError::new(
                format!("{text:?} fails the ОГРН length or check digit"),
                EXPECTED,
            ));
        }
        Ok(Self(
            digits
                .iter()
                .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
                .collect(),
        ))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn only_digits(text: &str) -> Option<Vec<u32>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    compact.chars().map(|c| c.to_digit(10)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_identifiers_pass_their_checksums() {
        // Sberbank's ИНН and ОГРН, and a valid individual ИНН.
        assert_eq!(Inn::parse("7707083893").unwrap().as_str(), "7707083893");
        assert!(Inn::parse("500100732259").is_ok());
        assert_eq!(
            Ogrn::parse("1027700132195").unwrap().as_str(),
            "1027700132195"
        );
    }

    #[test]
    fn a_wrong_check_digit_is_rejected() {
        for input in ["7707083894", "500100732258", "12345", "77070838AB"] {
            assert!(Inn::parse(input).is_err(), "{input:?}");
        }
        assert!(Ogrn::parse("1027700132196").is_err());
    }
}
