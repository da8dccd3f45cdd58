//! Russian telephone numbers and the many ways they are written: mobile
//! (9xx) and city numbers with 3- or 4-digit area codes, every mix of 8/+7,
//! brackets, hyphens and spaces, extensions, and the junk that ends up in a
//! phone column. Also foreign numbers for English texts.

use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{chance, digits, pick, weighted};
use crate::cities::City;

/// A valid Russian number: ten national digits after +7.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Phone {
    // Invariant: ten ASCII digits; the first `area_len` are the area or mobile code.
    national: String,
    area_len: usize,
}

impl Phone {
    /// The number in E.164, `+7` and ten digits.
    pub fn e164(&self) -> String {
        format!("+7{}", self.national)
    }

    fn area(&self) -> &str {
        &self.national[..self.area_len]
    }

    fn subscriber(&self) -> &str {
        &self.national[self.area_len..]
    }
}

const MOBILE_CODES: &[&str] = &[
    "900", "901", "902", "903", "904", "905", "906", "908", "909", "910", "911", "912", "913",
    "914", "915", "916", "917", "918", "919", "920", "921", "922", "923", "924", "925", "926",
    "927", "928", "929", "930", "931", "932", "933", "934", "936", "937", "938", "939", "950",
    "951", "952", "953", "958", "960", "961", "962", "963", "964", "965", "966", "967", "968",
    "969", "977", "978", "980", "981", "982", "983", "984", "985", "986", "987", "988", "989",
    "991", "992", "993", "994", "995", "996", "997", "999",
];

/// A mobile number.
pub(crate) fn mobile(rng: &mut StdRng) -> Phone {
    let code = pick(rng, MOBILE_CODES);
    let first = rng.random_range(1..10u8);
    Phone {
        national: format!("{code}{first}{}", digits(rng, 6)),
        area_len: 3,
    }
}

/// A city number in `city`.
pub(crate) fn landline(rng: &mut StdRng, city: &City) -> Phone {
    let code = *pick(rng, city.codes);
    let first = rng.random_range(2..10u8);
    Phone {
        national: format!("{code}{first}{}", digits(rng, 9 - code.len())),
        area_len: code.len(),
    }
}

/// How a source tends to write numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Habit {
    /// Anything people type.
    Any,
    /// An input mask: `+7 (916) 123-45-67`.
    Mask,
    /// `+79161234567`, as amoCRM stores them.
    Plus,
    /// Bare digits, as a spreadsheet keeps a number.
    Digits,
}

#[derive(Debug, Clone, Copy)]
enum Body {
    Dashed,
    Plain,
    Spaced,
    Half,
}

fn body(subscriber: &str, style: Body) -> String {
    let s = subscriber;
    match (style, s.len()) {
        (Body::Plain, _) => s.to_string(),
        (Body::Dashed, 7) => format!("{}-{}-{}", &s[..3], &s[3..5], &s[5..]),
        (Body::Spaced, 7) => format!("{} {} {}", &s[..3], &s[3..5], &s[5..]),
        (Body::Half, 7) => format!("{}-{}", &s[..3], &s[3..]),
        (Body::Dashed, 6) => format!("{}-{}-{}", &s[..2], &s[2..4], &s[4..]),
        (Body::Spaced, 6) => format!("{} {} {}", &s[..2], &s[2..4], &s[4..]),
        (Body::Half, 6) => format!("{}-{}", &s[..3], &s[3..]),
        _ => s.to_string(),
    }
}

/// (prefix, area with `A` for the code, body style, weight).
const STYLES: &[(&str, &str, Body, u32)] = &[
    ("8 ", "(A) ", Body::Dashed, 20),
    ("+7 ", "(A) ", Body::Dashed, 20),
    ("+7", "(A)", Body::Dashed, 6),
    ("+7 ", "A ", Body::Plain, 6),
    ("", "A", Body::Plain, 6),
    ("8", "A", Body::Plain, 10),
    ("+7", "A", Body::Plain, 12),
    ("7", "A", Body::Plain, 4),
    ("8-", "A-", Body::Dashed, 5),
    ("+7 ", "A ", Body::Spaced, 5),
    ("8 ", "A ", Body::Spaced, 4),
    ("7 ", "A ", Body::Spaced, 2),
    ("+7-", "A-", Body::Dashed, 2),
    ("", "(A) ", Body::Dashed, 3),
    ("8", "(A)", Body::Plain, 3),
    ("+7 ", "A ", Body::Dashed, 5),
    ("8 ", "A ", Body::Half, 2),
    ("8 ", "(A) ", Body::Plain, 2),
    ("8(", "A)", Body::Dashed, 2),
];

fn styled(phone: &Phone, prefix: &str, area: &str, style: Body) -> String {
    let area = area.replace('A', phone.area());
    format!("{prefix}{area}{}", body(phone.subscriber(), style))
}

/// The number as a person or a source writes it.
pub(crate) fn show(rng: &mut StdRng, phone: &Phone, habit: Habit) -> String {
    let styles: Vec<((&str, &str, Body), u32)> = STYLES
        .iter()
        .map(|&(prefix, area, style, weight)| ((prefix, area, style), weight))
        .collect();
    match habit {
        Habit::Mask if chance(rng, 0.7) => styled(phone, "+7 ", "(A) ", Body::Dashed),
        Habit::Plus if chance(rng, 0.6) => styled(phone, "+7", "A", Body::Plain),
        Habit::Digits if chance(rng, 0.7) => {
            let prefix = *pick(rng, &["7", "8", "", "+7"]);
            styled(phone, prefix, "A", Body::Plain)
        }
        _ => {
            let (prefix, area, style) = weighted(rng, &styles);
            styled(phone, prefix, area, style)
        }
    }
}

/// A written extension to follow a number (` доб. 12`).
pub(crate) fn extension(rng: &mut StdRng) -> String {
    let number = rng.random_range(1..1000u32);
    let form = *pick(
        rng,
        &[
            " доб. ",
            " доб.",
            ", доб. ",
            " (доб. ",
            " ext. ",
            " доп. ",
            " вн. ",
            " #",
        ],
    );
    if form == " (доб. " {
        format!("{form}{number})")
    } else {
        format!("{form}{number}")
    }
}

/// What goes between two numbers in one cell.
pub(crate) fn separator(rng: &mut StdRng) -> &'static str {
    pick::<&str>(rng, &[", ", "; ", " / ", ",", " или ", "\n"])
}

/// Something in a phone column that is not a usable number.
pub(crate) fn garbage(rng: &mut StdRng) -> String {
    let length = rng.random_range(3..8);
    let short = digits(rng, length);
    let options = [
        short.clone(),
        format!("{}-{}", &short[..2], &short[2..]),
        format!("+7 9{}", digits(rng, 4)),
        format!("8916{}abc", digits(rng, 3)),
        "нет".to_string(),
        "-".to_string(),
        "не указан".to_string(),
        "тел. уточнить".to_string(),
        "0".to_string(),
        "8 (000) 000-00-00".to_string(),
        "xxx-xx-xx".to_string(),
        format!("9{}", digits(rng, 8)),
    ];
    pick(rng, &options).clone()
}

/// A foreign number written the way its country writes it.
pub(crate) fn international(rng: &mut StdRng) -> String {
    match rng.random_range(0..9) {
        0 => format!("+44 20 7946 {}", digits(rng, 4)),
        1 => format!("+44 7700 900{}", digits(rng, 3)),
        2 => format!(
            "+1 ({}) 555-{}",
            pick(rng, &["415", "212", "646", "312", "206"]),
            digits(rng, 4)
        ),
        3 => format!(
            "+1-{}-555-{}",
            pick(rng, &["408", "617", "202"]),
            digits(rng, 4)
        ),
        4 => format!("+49 30 {}", digits(rng, 7)),
        5 => format!(
            "+375 29 {}-{}-{}",
            digits(rng, 3),
            digits(rng, 2),
            digits(rng, 2)
        ),
        6 => format!(
            "+998 90 {} {} {}",
            digits(rng, 3),
            digits(rng, 2),
            digits(rng, 2)
        ),
        7 => format!(
            "+33 6 {} {} {} {}",
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2)
        ),
        _ => format!("+86 138 {} {}", digits(rng, 4), digits(rng, 4)),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::cities::by_name;

    fn national_digits(shown: &str) -> String {
        let all: String = shown.chars().filter(char::is_ascii_digit).collect();
        all[all.len() - 10..].to_string()
    }

    #[test]
    fn every_style_keeps_the_ten_digits() {
        let mut rng = StdRng::seed_from_u64(1);
        let omsk = by_name("Омск").expect("Омск is listed");
        for _ in 0..500 {
            for phone in [mobile(&mut rng), landline(&mut rng, omsk)] {
                for habit in [Habit::Any, Habit::Mask, Habit::Plus, Habit::Digits] {
                    let shown = show(&mut rng, &phone, habit);
                    assert_eq!(
                        format!("+7{}", national_digits(&shown)),
                        phone.e164(),
                        "{shown}"
                    );
                }
            }
        }
    }

    #[test]
    fn styles_look_like_real_ones() {
        let phone = Phone {
            national: "9161234567".to_string(),
            area_len: 3,
        };
        assert_eq!(
            styled(&phone, "8 ", "(A) ", Body::Dashed),
            "8 (916) 123-45-67"
        );
        assert_eq!(
            styled(&phone, "+7", "(A)", Body::Dashed),
            "+7(916)123-45-67"
        );
        let omsk = Phone {
            national: "3812123456".to_string(),
            area_len: 4,
        };
        assert_eq!(
            styled(&omsk, "8 ", "(A) ", Body::Dashed),
            "8 (3812) 12-34-56"
        );
    }
}
