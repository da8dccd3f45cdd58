//! E-mail addresses, checked and with their domain lower-cased.

use std::fmt;

use crate::ValueError;

const EXPECTED: &str = "an e-mail address such as ivan@example.ru";

/// A syntactically valid e-mail address. The domain is lower-cased and
/// internationalized domains are kept as written (`почта.рф`).
// Invariant: exactly one `@`, a non-empty local part, a dotted domain, no spaces.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Email(String);

impl Email {
    /// Parses an address; surrounding spaces, `mailto:` and angle brackets are dropped.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let trimmed = text
            .trim()
            .trim_start_matches("mailto:")
            .trim_matches(|c| c == '<' || c == '>')
            .trim();
        let invalid = || ValueError::new(format!("{trimmed:?} is not an e-mail address"), EXPECTED);
        let (local, domain) = trimmed.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains(char::is_whitespace)
            && !local.contains(['@', ',', ';', '<', '>', '(', ')', '[', ']', '"']);
        if !domain_ok || !local_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Personal data: shows only the domain.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = self.0.split_once('@').map_or("", |(_, domain)| domain);
        write!(f, "Email(***@{domain})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_their_domain_lower_cased() {
        assert_eq!(
            Email::parse("  Ivan.Petrov@Example.RU ").unwrap().as_str(),
            "Ivan.Petrov@example.ru"
        );
        assert_eq!(
            Email::parse("<anna@mail.ru>").unwrap().as_str(),
            "anna@mail.ru"
        );
        assert_eq!(
            Email::parse("info@почта.рф").unwrap().as_str(),
            "info@почта.рф"
        );
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for input in [
            "",
            "ivan",
            "ivan@",
            "@mail.ru",
            "ivan@mail",
            "iv an@mail.ru",
            "a@b..ru",
            "a,b@mail.ru",
        ] {
            assert!(Email::parse(input).is_err(), "{input:?} should be rejected");
        }
    }

    #[test]
    fn debug_hides_the_local_part() {
        assert_eq!(
            format!("{:?}", Email::parse("ivan@mail.ru").unwrap()),
            "Email(***@mail.ru)"
        );
    }
}
