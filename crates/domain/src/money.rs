//! Amounts of money: integer minor units plus an ISO 4217 currency.

use std::fmt;

use crate::ValueError;

const EXPECTED: &str = "an amount such as 1500, 1 500,50 руб. or USD 99.90";

/// An ISO 4217 currency that fundament knows the minor unit of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    exponent: u32,
}

/// Currencies a CRM in Russia and its neighbours meets, with their symbols and
/// the words people write after amounts.
const CURRENCIES: &[(&str, u32, &[&str])] = &[
    (
        "RUB",
        2,
        &[
            "₽",
            "руб",
            "руб.",
            "р",
            "р.",
            "rur",
            "рублей",
            "рубля",
            "рубль",
        ],
    ),
    ("USD", 2, &["$", "us$", "долл", "долл.", "долларов"]),
    ("EUR", 2, &["€", "евро"]),
    ("KZT", 2, &["₸", "тенге"]),
    ("BYN", 2, &["br"]),
    ("UAH", 2, &["₴", "грн", "грн."]),
    ("CNY", 2, &["¥", "юаней", "rmb"]),
    ("GBP", 2, &["£"]),
    ("UZS", 2, &["сум"]),
    ("AMD", 2, &["֏"]),
    ("JPY", 0, &[]),
];

impl Currency {
    /// The Russian rouble, the default when an amount names no currency.
    pub const RUB: Currency = Currency {
        code: "RUB",
        exponent: 2,
    };

    /// Finds a currency by ISO code, symbol or common word (case-insensitive).
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let lower = text.trim().to_lowercase();
        CURRENCIES
            .iter()
            .find(|(code, _, aliases)| {
                code.eq_ignore_ascii_case(&lower) || aliases.contains(&lower.as_str())
            })
            .map(|&(code, exponent, _)| Currency { code, exponent })
            .ok_or_else(|| {
                ValueError::new(
                    format!("{text:?} is not a known currency"),
                    "an ISO 4217 code such as RUB, USD, EUR",
                )
            })
    }

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        self.code
    }

    /// How many decimal digits the minor unit has (2 for kopecks and cents).
    pub fn exponent(self) -> u32 {
        self.exponent
    }
}

/// An amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// The amount in minor units (kopecks, cents).
    pub minor: i64,
    /// Its currency.
    pub currency: Currency,
}

impl Money {
    /// An amount from minor units.
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Parses an amount as people and CRM exports write it: `1500`,
    /// `1 500,50 руб.`, `$1,234.50`, `12 000 ₽`, `EUR 99.9`. An amount with no
    /// currency is in `default_currency`.
    pub fn parse(text: &str, default_currency: Currency) -> Result<Self, ValueError> {
        let trimmed = text.trim();
        let invalid =
            || ValueError::new(format!("{trimmed:?} is not an amount of money"), EXPECTED);
        let number_start = trimmed
            .find(|c: char| c.is_ascii_digit() || c == '-')
            .ok_or_else(invalid)?;
        let number_end = trimmed
            .rfind(|c: char| c.is_ascii_digit())
            .map(|index| index + 1)
            .ok_or_else(invalid)?;
        let (prefix, number, suffix) = (
            &trimmed[..number_start],
            &trimmed[number_start..number_end],
            &trimmed[number_end..],
        );
        let currency_text = format!("{}{}", prefix.trim(), suffix.trim());
        let currency = if currency_text.is_empty() {
            default_currency
        } else {
            Currency::parse(&currency_text)?
        };
        let (negative, number) = match number.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, number),
        };
        let (units, fraction) = split_decimal(number).ok_or_else(invalid)?;
        let exponent = currency.exponent as usize;
        if fraction.len() > exponent {
            return Err(ValueError::new(
                format!(
                    "{trimmed:?} has more decimal places than {} allows",
                    currency.code
                ),
                EXPECTED,
            ));
        }
        let scale = 10_i64.pow(currency.exponent);
        let units: i64 = if units.is_empty() {
            0
        } else {
            units.parse().map_err(|_| invalid())?
        };
        let fraction_minor: i64 = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<exponent$}")
                .parse()
                .map_err(|_| invalid())?
        };
        let minor = units
            .checked_mul(scale)
            .and_then(|value| value.checked_add(fraction_minor))
            .ok_or_else(invalid)?;
        Ok(Self {
            minor: if negative { -minor } else { minor },
            currency,
        })
    }

    /// The amount as a decimal string without grouping, e.g. `1500.50`.
    pub fn to_decimal_string(&self) -> String {
        let exponent = self.currency.exponent;
        if exponent == 0 {
            return self.minor.to_string();
        }
        let scale = 10_i64.pow(exponent).unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        let absolute = self.minor.unsigned_abs();
        format!(
            "{sign}{}.{:0width$}",
            absolute / scale,
            absolute % scale,
            width = exponent as usize
        )
    }
}

impl Money {
    /// The amount for people: thousands grouped by thin spaces, e.g. `1 149 700.00 RUB`.
    pub fn to_grouped_string(&self) -> String {
        let decimal = self.to_decimal_string();
        let (sign, unsigned) = decimal
            .strip_prefix('-')
            .map_or(("", decimal.as_str()), |rest| ("-", rest));
        let (integer, fraction) = unsigned
            .split_once('.')
            .map_or((unsigned, None), |(integer, fraction)| {
                (integer, Some(fraction))
            });
        let mut grouped = String::new();
        for (index, digit) in integer.chars().enumerate() {
            if index > 0 && (integer.len() - index) % 3 == 0 {
                grouped.push('\u{2009}');
            }
            grouped.push(digit);
        }
        match fraction {
            Some(fraction) => format!("{sign}{grouped}.{fraction} {}", self.currency.code),
            None => format!("{sign}{grouped} {}", self.currency.code),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency.code)
    }
}

/// Splits digits with grouping into (integer digits, fraction digits).
/// The last of `.` and `,` is the decimal mark when both occur; a lone `,`
/// followed by exactly three digits groups thousands (`1,500`); spaces,
/// no-break spaces and apostrophes always group.
fn split_decimal(number: &str) -> Option<(String, String)> {
    let cleaned: String = number
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’'))
        .collect();
    if !cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let last_dot = cleaned.rfind('.');
    let last_comma = cleaned.rfind(',');
    let decimal_at = match (last_dot, last_comma) {
        (Some(dot), Some(comma)) => Some(dot.max(comma)),
        (Some(dot), None) if cleaned.matches('.').count() == 1 => Some(dot),
        (None, Some(comma))
            if cleaned.matches(',').count() == 1 && cleaned.len() - comma - 1 != 3 =>
        {
            Some(comma)
        }
        _ => None,
    };
    let (integer, fraction) = match decimal_at {
        Some(at) => (&cleaned[..at], &cleaned[at + 1..]),
        None => (cleaned.as_str(), ""),
    };
    let mixed_marks = decimal_at.is_some_and(|at| integer.contains(&cleaned[at..=at]));
    if fraction.contains(['.', ',']) || mixed_marks {
        return None;
    }
    Some((
        integer.chars().filter(char::is_ascii_digit).collect(),
        fraction.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, minor: i64, code: &str) {
        let money =
            Money::parse(input, Currency::RUB).unwrap_or_else(|error| panic!("{input:?}: {error}"));
        assert_eq!(
            (money.minor, money.currency.code()),
            (minor, code),
            "input {input:?}"
        );
    }

    #[test]
    fn amounts_in_russian_and_english_notation() {
        check("1500", 150_000, "RUB");
        check("1 500,50 руб.", 150_050, "RUB");
        check("12\u{a0}000 ₽", 1_200_000, "RUB");
        check("$1,234.50", 123_450, "USD");
        check("1,500", 150_000, "RUB");
        check("1,5", 150, "RUB");
        check("EUR 99.9", 9_990, "EUR");
        check("1.234.567,89 EUR", 123_456_789, "EUR");
        check("-200", -20_000, "RUB");
        check("5000 тенге", 500_000, "KZT");
    }

    #[test]
    fn nonsense_and_too_precise_amounts_are_rejected() {
        for input in ["", "abc", "12 бананов", "1.234", "1.2.3,4,5"] {
            assert!(
                Money::parse(input, Currency::RUB).is_err(),
                "{input:?} should be rejected"
            );
        }
    }

    #[test]
    fn grouped_amounts_are_easy_to_read() {
        let grouped = Money::parse("-1149700", Currency::RUB)
            .unwrap()
            .to_grouped_string();
        assert_eq!(grouped, "-1\u{2009}149\u{2009}700.00 RUB");
        assert_eq!(
            Money::parse("999", Currency::RUB)
                .unwrap()
                .to_grouped_string(),
            "999.00 RUB"
        );
    }

    #[test]
    fn decimal_string_round_trips() {
        for input in ["1500.50", "0.05", "-3.10"] {
            assert_eq!(
                Money::parse(input, Currency::RUB)
                    .unwrap()
                    .to_decimal_string(),
                input
            );
        }
    }
}
