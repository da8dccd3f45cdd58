//! Check digits of the numbers we recognise. Each function takes ASCII
//! digits and says only whether they pass; none of them looks at context.

/// The Luhn check of payment cards.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0_u32;
    for (position, digit) in digits.iter().rev().enumerate() {
        let mut value = u32::from(digit - b'0');
        if position % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    sum.is_multiple_of(10)
}

/// The СНИЛС check number: the weighted sum of the first nine digits
/// (weights 9 down to 1), taken modulo 101, where 100 and 101 become 00.
pub(crate) fn snils(digits: &[u8]) -> bool {
    if digits.len() != 11 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((1..=9).rev())
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    let check = match sum {
        0..=99 => sum,
        100 | 101 => 0,
        _ => match sum % 101 {
            100 => 0,
            rest => rest,
        },
    };
    check == u32::from(digits[9] - b'0') * 10 + u32::from(digits[10] - b'0')
}

/// An ИНН of 10 or 12 digits, checked by the domain's own rules.
pub(crate) fn inn(digits: &[u8]) -> bool {
    std::str::from_utf8(digits).is_ok_and(|text| domain::Inn::parse(text).is_ok())
}

/// An ОГРН (13 digits) or ОГРНИП (15), checked by the domain's own rules.
pub(crate) fn ogrn(digits: &[u8]) -> bool {
    std::str::from_utf8(digits).is_ok_and(|text| domain::Ogrn::parse(text).is_ok())
}

/// The payment systems whose numbers we accept: Мир 2200–2204, MasterCard
/// 51–55 and 2221–2720, Visa 4, American Express 34/37, JCB 35, Maestro and
/// UnionPay 50, 56–58, 6. A Luhn-valid number outside them is more likely an
/// order or a policy number than a card.
pub(crate) fn card_prefix(digits: &[u8]) -> bool {
    let prefix = |n: usize| -> u32 {
        digits[..n.min(digits.len())]
            .iter()
            .fold(0, |acc, digit| acc * 10 + u32::from(digit - b'0'))
    };
    match digits.first() {
        Some(b'4') => true,
        Some(b'5') => matches!(prefix(2), 50..=58),
        Some(b'2') => matches!(prefix(4), 2200..=2204 | 2221..=2720),
        Some(b'3') => matches!(prefix(2), 34 | 35 | 37),
        Some(b'6') => matches!(prefix(2), 60 | 62 | 63 | 65 | 67),
        _ => false,
    }
}

/// A Russian bank account: 20 digits whose first five are a balance account
/// of the chart of accounts (3xxxx for banks, 4xxxx for clients) and whose
/// sixth to eighth are a currency code.
pub(crate) fn bank_account(digits: &[u8]) -> bool {
    digits.len() == 20
        && matches!(digits[0], b'3' | b'4')
        && matches!(
            &digits[5..8],
            b"810" | b"643" | b"840" | b"978" | b"156" | b"398" | b"933"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_real_test_cards_only() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"5500000000000004"));
        assert!(!luhn(b"4111111111111112"));
    }

    #[test]
    fn snils_check_number_follows_the_pension_fund_rule() {
        assert!(snils(b"11223344595"));
        assert!(snils(b"08765430300"));
        assert!(!snils(b"11223344596"));
    }

    #[test]
    fn card_prefixes_cover_the_russian_market() {
        assert!(card_prefix(b"2200123412341234"));
        assert!(card_prefix(b"5469123412341234"));
        assert!(!card_prefix(b"9999123412341234"));
        assert!(!card_prefix(b"1234123412341234"));
    }
}
