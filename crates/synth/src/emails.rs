//! E-mail addresses built the way Russians build them (ivan.petrov@mail.ru,
//! petrov85@yandex.ru, a nickname at gmail.com, a work address), and the ways
//! a CRM cell spoils them: case, spaces, `mailto:`, a trailing comma, and a
//! mistyped domain (gmial.com, mail.ry, yandex.ry).

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{chance, digits, pick, weighted};
use crate::translit::{Scheme, transliterate};

const DOMAINS: &[(&str, u32)] = &[
    ("mail.ru", 30),
    ("yandex.ru", 25),
    ("gmail.com", 20),
    ("bk.ru", 5),
    ("list.ru", 5),
    ("inbox.ru", 4),
    ("ya.ru", 4),
    ("rambler.ru", 3),
    ("icloud.com", 2),
    ("outlook.com", 1),
    ("hotmail.com", 1),
    ("yahoo.com", 1),
];

const NICKNAMES: &[&str] = &[
    "sunny",
    "kotik",
    "zvezda",
    "tiger",
    "dragon",
    "angel",
    "mamochka",
    "bestman",
    "pilot",
    "rybak",
    "travel",
    "happy",
    "moroz",
    "volk",
    "lisichka",
    "solnce",
    "malish",
    "boss",
    "medved",
    "sokol",
    "rocker",
    "sportsman",
    "koshka",
    "lastochka",
    "romashka",
    "veter",
];

/// ASCII letters, digits and dots of a transliterated word, lowercased.
pub(crate) fn slug(text: &str, scheme: Scheme) -> String {
    transliterate(text, scheme)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// A personal address for a person, unique among `taken`.
pub(crate) fn personal(
    rng: &mut StdRng,
    first: &str,
    last: &str,
    birth_year: i32,
    taken: &mut HashSet<String>,
) -> String {
    let scheme = if chance(rng, 0.5) {
        Scheme::Informal
    } else {
        *pick(rng, &[Scheme::Passport, Scheme::Bgn, Scheme::Lat])
    };
    let f = slug(first, scheme);
    let l = slug(last, scheme);
    let i = f.chars().next().map(String::from).unwrap_or_default();
    let yy = format!("{:02}", birth_year.rem_euclid(100));
    let local = match rng.random_range(0..12) {
        0 | 1 => format!("{f}.{l}"),
        2 => format!("{l}.{f}"),
        3 => format!("{i}.{l}"),
        4 => format!("{f}{l}"),
        5 => format!("{l}{yy}"),
        6 => format!("{f}_{l}{yy}"),
        7 => format!("{l}_{i}"),
        8 => format!("{f}{birth_year}"),
        9 => format!("{l}-{f}"),
        10 => format!("{}{}", pick(rng, NICKNAMES), digits(rng, 2)),
        _ => format!("{f}.{l}{}", rng.random_range(1..100)),
    };
    let domain = weighted(rng, DOMAINS);
    unique(rng, &local, domain, taken)
}

/// A family mailbox (semya.ivanovy@mail.ru), unique among `taken`.
pub(crate) fn family(rng: &mut StdRng, surname: &str, taken: &mut HashSet<String>) -> String {
    let family = slug(surname, Scheme::Informal);
    let local = match rng.random_range(0..4) {
        0 => format!("semya.{family}"),
        1 => format!("{family}.family"),
        2 => format!("{family}y"),
        _ => format!("{family}_dom"),
    };
    let domain = weighted(rng, DOMAINS);
    unique(rng, &local, domain, taken)
}

/// A work address at the company's domain, unique among `taken`.
pub(crate) fn work(
    rng: &mut StdRng,
    first: &str,
    last: &str,
    domain: &str,
    taken: &mut HashSet<String>,
) -> String {
    let f = slug(first, Scheme::Informal);
    let l = slug(last, Scheme::Informal);
    let i = f.chars().next().map(String::from).unwrap_or_default();
    let local = match rng.random_range(0..4) {
        0 => format!("{i}.{l}"),
        1 => format!("{f}.{l}"),
        2 => l,
        _ => format!("{l}{i}"),
    };
    unique(rng, &local, domain, taken)
}

fn unique(rng: &mut StdRng, local: &str, domain: &str, taken: &mut HashSet<String>) -> String {
    let mut address = format!("{local}@{domain}");
    while taken.contains(&address) {
        address = format!("{local}{}@{domain}", rng.random_range(1..1000));
    }
    taken.insert(address.clone());
    address
}

/// The address as a cell shows it; the canonical address stays lowercase.
pub(crate) fn show(rng: &mut StdRng, address: &str) -> String {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    match rng.random_range(0..100) {
        0..=69 => address.to_string(),
        70..=76 => {
            let capitalised: Vec<String> = local.split('.').map(capitalise).collect();
            format!("{}@{}", capitalised.join("."), capitalise(domain))
        }
        77..=80 => address.to_uppercase(),
        81..=84 => format!(" {address}"),
        85..=87 => format!("{address} "),
        88..=89 => format!("{local} @{domain}"),
        90..=91 => format!("{local}@ {domain}"),
        92..=93 => format!("mailto:{address}"),
        94..=95 => format!("<{address}>"),
        96..=97 => format!("{address},"),
        _ => format!("{local}@{}", capitalise(domain)),
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The address with a mistyped domain, the kind a CRM keeps for years.
pub(crate) fn typo_domain(rng: &mut StdRng, address: &str) -> String {
    let Some((local, domain)) = address.split_once('@') else {
        return address.to_string();
    };
    let options: &[&str] = match domain {
        "gmail.com" => &[
            "gmial.com",
            "gmail.co",
            "gmai.com",
            "gmail.cm",
            "gamil.com",
            "gmail.ru",
            "gmaill.com",
        ],
        "mail.ru" => &[
            "mail.ry", "mal.ru", "mail.ri", "mai.ru", "mail.tu", "maill.ru", "mail.ru.",
        ],
        "yandex.ru" => &[
            "yandex.ry",
            "yandeks.ru",
            "yndex.ru",
            "yandex.tu",
            "yanex.ru",
            "yadex.ru",
        ],
        "bk.ru" => &["bk.ry", "bk.tu"],
        "list.ru" => &["list.ry", "lsit.ru"],
        "inbox.ru" => &["inbox.ry", "inbx.ru"],
        "rambler.ru" => &["rambler.ry", "rambeler.ru", "ramler.ru"],
        "ya.ru" => &["ya.ry", "ya.ru.ru"],
        "icloud.com" => &["icloud.co", "iclod.com"],
        _ => {
            let (name, tld) = domain.rsplit_once('.').unwrap_or((domain, "ru"));
            return format!("{local}@{name}.{}", if tld == "ru" { "ry" } else { "co" });
        }
    };
    format!("{local}@{}", pick(rng, options))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn addresses_are_ascii_lowercase_and_unique() {
        let mut rng = StdRng::seed_from_u64(5);
        let mut taken = HashSet::new();
        for _ in 0..300 {
            let address = personal(&mut rng, "Юлия", "Соловьёва", 1985, &mut taken);
            assert!(address.is_ascii(), "{address}");
            assert_eq!(address, address.to_lowercase());
            assert_eq!(address.matches('@').count(), 1, "{address}");
        }
        assert_eq!(taken.len(), 300);
    }

    #[test]
    fn a_domain_typo_keeps_the_mailbox() {
        let mut rng = StdRng::seed_from_u64(5);
        let typo = typo_domain(&mut rng, "ivan.petrov@gmail.com");
        assert!(typo.starts_with("ivan.petrov@"));
        assert_ne!(typo, "ivan.petrov@gmail.com");
    }
}
