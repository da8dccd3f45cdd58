//! Phone numbers, always E.164 once parsed.

use std::fmt;

use phonenumber::{Mode, country};

use crate::ValueError;

const EXPECTED: &str = "a phone number such as +7 916 123-45-67 or 8 (916) 123-45-67";

/// A valid phone number in E.164 form (`+79161234567`).
// Invariant: the string is E.164 and libphonenumber considers the number valid.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parses a phone number written in any common way. Numbers without a
    /// country code are read in `default_region` (ISO 3166 alpha-2, e.g. `RU`),
    /// so `8 (916) 123-45-67` becomes `+79161234567`.
    pub fn parse(text: &str, default_region: &str) -> Result<Self, ValueError> {
        let trimmed = text.trim();
        let digits = trimmed.chars().filter(char::is_ascii_digit).count();
        if digits < 5 {
            return Err(ValueError::new(
                format!("{trimmed:?} has too few digits for a phone number"),
                EXPECTED,
            ));
        }
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().\u{a0}".contains(c))
        {
            return Err(ValueError::new(
                format!("{trimmed:?} is not a phone number"),
                EXPECTED,
            ));
        }
        // Most numbers a Russian CRM holds are +7; the numbering plan decides
        // them in nanoseconds, where libphonenumber's regexes take tens of
        // microseconds (it matters at a million rows).
        if let Some(e164) = russian_plan(trimmed, default_region) {
            return Ok(Self(e164));
        }
        let region: Option<country::Id> = default_region.parse().ok();
        match phonenumber::parse(region, trimmed) {
            Ok(number) if phonenumber::is_valid(&number) => {
                Ok(Self(number.format().mode(Mode::E164).to_string()))
            }
            _ => Err(ValueError::new(
                format!("{trimmed:?} is not a valid phone number"),
                EXPECTED,
            )),
        }
    }

    /// The E.164 form, e.g. `+79161234567`.
    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// The form Russian CRMs print: `+7-916-123-45-67` for Russian and Kazakh
    /// numbers, E.164 for the rest.
    pub fn to_display(&self) -> String {
        let digits = &self.0[1..];
        if digits.len() == 11 && digits.starts_with('7') {
            format!(
                "+7-{}-{}-{}-{}",
                &digits[1..4],
                &digits[4..7],
                &digits[7..9],
                &digits[9..11]
            )
        } else {
            self.0.clone()
        }
    }
}

/// The Russian numbering plan (+7, ten digits, codes 3xx, 4xx, 8xx, 9xx),
/// written by hand because the libphonenumber port rejects valid 8xx
/// numbers, St Petersburg's 812 and toll-free 800 among them.
fn russian_plan(text: &str, default_region: &str) -> Option<String> {
    let explicit_plus = text.starts_with('+');
    let in_russia = default_region.eq_ignore_ascii_case("RU");
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.len() {
        11 if digits.starts_with('7') && (explicit_plus || in_russia) => &digits[1..],
        11 if digits.starts_with('8') && !explicit_plus && in_russia => &digits[1..],
        10 if !explicit_plus && in_russia => &digits[..],
        _ => return None,
    };
    matches!(national.as_bytes().first(), Some(b'3' | b'4' | b'8' | b'9'))
        .then(|| format!("+7{national}"))
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Personal data: shows only the last two digits.
impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone(***{})", &self.0[self.0.len().saturating_sub(2)..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let phone = Phone::parse(input, "RU").unwrap_or_else(|error| panic!("{input:?}: {error}"));
        assert_eq!(phone.as_e164(), expected, "input {input:?}");
    }

    #[test]
    fn russian_numbers_in_every_common_form_become_e164() {
        check("8 (916) 123-45-67", "+79161234567");
        check("+7 916 123 45 67", "+79161234567");
        check("79161234567", "+79161234567");
        check("9161234567", "+79161234567");
        check("+7(495)123-45-67", "+74951234567");
        check("8 812 309-25-25", "+78123092525");
        check("8-800-555-35-35", "+78005553535");
    }

    #[test]
    fn kazakh_numbers_share_plus_seven_but_keep_their_plan() {
        check("+7 701 123 45 67", "+77011234567");
        assert!(
            Phone::parse("+7 601 123 45 67", "RU").is_err(),
            "+7 6xx is not assigned"
        );
    }

    #[test]
    fn foreign_numbers_keep_their_country() {
        check("+44 20 7946 0958", "+442079460958");
        check("+375 29 123-45-67", "+375291234567");
    }

    #[test]
    fn garbage_is_rejected_with_what_was_expected() {
        for input in [
            "",
            "12-34",
            "not a phone",
            "+7 916 12",
            "8916abc1234567",
            "+7 916 123 45 67 89",
        ] {
            let error = Phone::parse(input, "RU").expect_err(input);
            assert!(
                error.to_string().contains("expected a phone number"),
                "{input:?}: {error}"
            );
        }
    }

    #[test]
    fn display_form_is_the_russian_crm_convention() {
        let phone = Phone::parse("8 916 123 45 67", "RU").unwrap();
        assert_eq!(phone.to_display(), "+7-916-123-45-67");
        assert_eq!(format!("{phone:?}"), "Phone(***67)");
    }
}
