//! One CRM row for one person: the messy cells a source would hold, and the
//! truth behind them. Every corruption is drawn independently per row, so two
//! rows of one person differ the way two exports of one customer do.

use rand::Rng;
use rand::rngs::StdRng;

use crate::addresses;
use crate::chance::{chance, pick, weighted};
use crate::cities::show_city;
use crate::companies::{self, Company};
use crate::contacts::{Shown, Source, Truth};
use crate::dates;
use crate::emails;
use crate::names::{given_entry, initial};
use crate::people::{Person, Registry};
use crate::phones::{self, Habit, Phone};
use crate::translit::{SCHEMES, transliterate};
use crate::typos::{homoglyph, typo};

/// The probabilities of each corruption in a row.
#[derive(Debug, Clone)]
pub(crate) struct Noise {
    pub diminutive: f64,
    pub drop_patronymic: f64,
    pub typo: f64,
    pub homoglyph: f64,
    pub yo: f64,
    pub upper: f64,
    pub lower: f64,
    pub translit: f64,
    pub spacing: f64,
    /// Initials, first name only and other short layouts are allowed.
    pub short_layouts: bool,
    pub phone_missing: f64,
    pub phone_garbage: f64,
    pub phone_new: f64,
    pub phone_two: f64,
    pub email_missing: f64,
    pub email_new: f64,
    pub email_typo: f64,
    pub city_missing: f64,
    pub city_alias: f64,
    pub birth_missing: f64,
    pub address_missing: f64,
    pub company_missing: f64,
    pub inn_missing: f64,
}

impl Noise {
    /// Rows of an everyday CRM: every row drawn independently with these rates.
    pub(crate) fn standard() -> Self {
        Noise {
            diminutive: 0.10,
            drop_patronymic: 0.20,
            typo: 0.07,
            homoglyph: 0.015,
            yo: 0.5,
            upper: 0.06,
            lower: 0.05,
            translit: 0.04,
            spacing: 0.06,
            short_layouts: true,
            phone_missing: 0.08,
            phone_garbage: 0.01,
            phone_new: 0.07,
            phone_two: 0.06,
            email_missing: 0.15,
            email_new: 0.06,
            email_typo: 0.04,
            city_missing: 0.12,
            city_alias: 0.45,
            birth_missing: 0.30,
            address_missing: 0.35,
            company_missing: 0.20,
            inn_missing: 0.40,
        }
    }

    /// The cleaner side of a linkage task: formats vary, content does not.
    pub(crate) fn light() -> Self {
        Noise {
            diminutive: 0.0,
            drop_patronymic: 0.05,
            typo: 0.0,
            homoglyph: 0.0,
            yo: 0.3,
            upper: 0.03,
            lower: 0.0,
            translit: 0.0,
            spacing: 0.02,
            short_layouts: false,
            phone_missing: 0.03,
            phone_garbage: 0.0,
            phone_new: 0.0,
            phone_two: 0.03,
            email_missing: 0.08,
            email_new: 0.0,
            email_typo: 0.0,
            city_missing: 0.03,
            city_alias: 0.25,
            birth_missing: 0.10,
            address_missing: 0.15,
            company_missing: 0.10,
            inn_missing: 0.30,
        }
    }

    /// The duplicate side of a linkage task: heavier than a standard row.
    pub(crate) fn heavy() -> Self {
        Noise {
            diminutive: 0.15,
            drop_patronymic: 0.30,
            typo: 0.12,
            homoglyph: 0.02,
            yo: 0.6,
            upper: 0.08,
            lower: 0.08,
            translit: 0.06,
            spacing: 0.08,
            phone_new: 0.10,
            email_new: 0.08,
            email_typo: 0.06,
            city_alias: 0.6,
            ..Noise::standard()
        }
    }
}

impl Source {
    fn habit(self) -> Habit {
        match self {
            Source::Bitrix24 => Habit::Mask,
            Source::AmoCrm => Habit::Plus,
            Source::Excel => Habit::Digits,
            Source::Site | Source::OneC => Habit::Any,
        }
    }
}

/// The shared state a row may draw new phones and addresses from.
pub(crate) struct World<'a> {
    pub registry: &'a mut Registry,
    pub companies: &'a [Company],
}

/// A row of `person` as `source` holds it.
pub(crate) fn row(
    rng: &mut StdRng,
    world: &mut World<'_>,
    person: &Person,
    source: Source,
    noise: &Noise,
) -> (Shown, Truth) {
    let site = source == Source::Site;
    let fio = name(rng, person, source, noise);
    let (phone, phone_e164) = phone(rng, world, person, source, noise);
    let (email, email_truth) = email(rng, world.registry, person, noise);
    let (city, city_truth) = if chance(rng, noise.city_missing * if site { 2.5 } else { 1.0 }) {
        (String::new(), String::new())
    } else {
        let alias_rate = if site {
            (noise.city_alias * 1.5).min(0.9)
        } else {
            noise.city_alias
        };
        (
            show_city(rng, person.city, alias_rate),
            person.city.name.to_string(),
        )
    };
    let birth_missing = noise.birth_missing * if site { 2.5 } else { 1.0 };
    let (birth_date, birth_truth) = match person.birth {
        Some(date) if !chance(rng, birth_missing) => (
            dates::show(rng, date, source == Source::Excel),
            dates::iso(date),
        ),
        _ => (String::new(), String::new()),
    };
    let (company, inn) = company_and_inn(rng, world.companies, person, source, noise);
    let address = if chance(rng, noise.address_missing * if site { 2.0 } else { 1.0 }) {
        String::new()
    } else {
        match person.employer {
            Some(index) if chance(rng, 0.3) => {
                let employer = &world.companies[index];
                addresses::show(rng, &employer.office, employer.city)
            }
            _ => addresses::show(rng, &person.home, person.city),
        }
    };
    let shown = Shown {
        fio,
        phone,
        email,
        city,
        birth_date,
        company,
        inn,
        address,
        source,
    };
    let truth = Truth {
        entity_id: entity_id(person.id),
        phone_e164,
        email: email_truth,
        city: city_truth,
        birth_date: birth_truth,
        last_name: person.surname(),
        first_name: person.first.to_string(),
        patronymic: person.patronymic.clone().unwrap_or_default(),
        gender: person.gender,
    };
    (shown, truth)
}

/// The entity id as the truth files write it.
pub(crate) fn entity_id(id: u32) -> String {
    format!("e{id:06}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Петров Иван Сергеевич
    Sfp,
    /// Иван Сергеевич Петров
    Fps,
    /// Иван Петров
    Fs,
    /// Петров Иван
    Sf,
    /// Петров И.С.
    SInit,
    /// И.С. Петров
    InitS,
    /// Иван
    F,
    /// Иван Сергеевич
    Fp,
    /// Петров
    S,
}

fn layout(rng: &mut StdRng, source: Source, short: bool) -> Layout {
    use Layout::*;
    if !short {
        return weighted(rng, &[(Sfp, 60), (Fs, 20), (Sf, 10), (Fps, 10)]);
    }
    match source {
        Source::OneC => weighted(
            rng,
            &[(Sfp, 70), (SInit, 15), (Sf, 8), (Fps, 4), (InitS, 3)],
        ),
        Source::Site => weighted(
            rng,
            &[(F, 30), (Fs, 30), (Sf, 10), (Sfp, 15), (Fp, 3), (S, 2)],
        ),
        Source::Excel => weighted(
            rng,
            &[
                (Sfp, 50),
                (SInit, 15),
                (Sf, 15),
                (Fs, 10),
                (InitS, 5),
                (S, 5),
            ],
        ),
        Source::Bitrix24 | Source::AmoCrm => weighted(
            rng,
            &[
                (Fs, 35),
                (Sfp, 30),
                (Sf, 12),
                (Fps, 8),
                (SInit, 6),
                (InitS, 3),
                (F, 4),
                (Fp, 2),
            ],
        ),
    }
}

fn initials(rng: &mut StdRng, first: &str, patronymic: Option<&str>) -> String {
    match patronymic {
        Some(p) => {
            let (f, p) = (initial(first), initial(p));
            match rng.random_range(0..10) {
                0..=5 => format!("{f}{p}"),
                6..=8 => format!("{f} {p}"),
                _ => format!("{f}{}", p.trim_end_matches('.')),
            }
        }
        None => initial(first),
    }
}

fn name(rng: &mut StdRng, person: &Person, source: Source, noise: &Noise) -> String {
    let site = source == Source::Site;
    let mut surname = person.surname();
    let mut first = person.first.to_string();
    let mut patronymic = person.patronymic.clone();
    let mut layout = layout(rng, source, noise.short_layouts);
    let diminutive_rate = noise.diminutive * if site { 2.5 } else { 1.0 };
    if chance(rng, diminutive_rate)
        && let Some(entry) = given_entry(&first).filter(|entry| !entry.short.is_empty())
    {
        first = (*pick(rng, entry.short)).to_string();
        patronymic = None;
        layout = match layout {
            Layout::SInit | Layout::Sfp | Layout::Sf => Layout::Sf,
            Layout::S | Layout::F => layout,
            _ => Layout::Fs,
        };
    }
    if chance(rng, noise.drop_patronymic) {
        patronymic = None;
    }
    if chance(rng, noise.typo) {
        match rng.random_range(0..10) {
            0..=4 => surname = typo(rng, &surname),
            5..=7 => first = typo(rng, &first),
            _ => patronymic = patronymic.map(|p| typo(rng, &p)),
        }
    }
    let p = patronymic.as_deref();
    let parts: Vec<String> = match (layout, p) {
        (Layout::Sfp, Some(p)) => vec![surname, first, p.to_string()],
        (Layout::Sfp | Layout::Sf, _) => vec![surname, first],
        (Layout::Fps, Some(p)) => vec![first, p.to_string(), surname],
        (Layout::Fps | Layout::Fs, _) => vec![first, surname],
        (Layout::SInit, _) => vec![surname, initials(rng, &first, p)],
        (Layout::InitS, _) => vec![initials(rng, &first, p), surname],
        (Layout::Fp, Some(p)) => vec![first, p.to_string()],
        (Layout::Fp | Layout::F, _) => vec![first],
        (Layout::S, _) => vec![surname],
    };
    let mut text = if chance(rng, noise.spacing) {
        spaced(rng, &parts)
    } else {
        parts.join(" ")
    };
    if chance(rng, noise.yo) {
        text = text.replace('ё', "е").replace('Ё', "Е");
    }
    let latin = chance(
        rng,
        noise.translit
            * if matches!(source, Source::Site | Source::Excel) {
                1.5
            } else {
                1.0
            },
    );
    if latin {
        text = transliterate(&text, *pick(rng, &SCHEMES));
    }
    let lower_rate = noise.lower * if site { 3.0 } else { 1.0 };
    let upper_rate = noise.upper * if source == Source::OneC { 2.0 } else { 1.0 };
    let roll: f64 = rng.random();
    if roll < upper_rate {
        text = text.to_uppercase();
    } else if roll < upper_rate + lower_rate {
        text = text.to_lowercase();
    }
    if !latin && chance(rng, noise.homoglyph) {
        text = homoglyph(rng, &text);
    }
    text
}

/// The parts joined with the stray spaces, hyphens and commas of hand entry.
fn spaced(rng: &mut StdRng, parts: &[String]) -> String {
    match rng.random_range(0..6) {
        0 => parts.join("  "),
        1 => format!(" {} ", parts.join(" ")),
        2 if parts.len() > 1 => format!("{} - {}", parts[0], parts[1..].join(" ")),
        3 if parts.len() > 1 => format!("{}, {}", parts[0], parts[1..].join(" ")),
        4 => format!("{}.", parts.join(" ")),
        _ => format!("{} ", parts.join("   ")),
    }
}

fn phone(
    rng: &mut StdRng,
    world: &mut World<'_>,
    person: &Person,
    source: Source,
    noise: &Noise,
) -> (String, String) {
    if chance(rng, noise.phone_missing) {
        return (String::new(), String::new());
    }
    if chance(rng, noise.phone_garbage) {
        return (phones::garbage(rng), String::new());
    }
    let work = person
        .employer
        .map(|index| world.companies[index].phone.clone());
    let (mut main, mut extension) = match (&work, &person.home_phone) {
        (Some(work), _) if chance(rng, 0.2) => (work.clone(), chance(rng, 0.6)),
        (_, Some(home)) if chance(rng, 0.45) => (home.clone(), false),
        _ => (person.mobile.clone(), chance(rng, 0.01)),
    };
    if chance(rng, noise.phone_new) {
        main = world.registry.new_mobile(rng);
        extension = false;
    }
    let habit = source.habit();
    let mut shown = phones::show(rng, &main, habit);
    if extension {
        shown.push_str(&phones::extension(rng));
    }
    if chance(rng, noise.phone_two) {
        let second: Phone = [
            Some(&person.mobile),
            person.home_phone.as_ref(),
            work.as_ref(),
        ]
        .into_iter()
        .flatten()
        .find(|other| **other != main)
        .cloned()
        .unwrap_or_else(|| world.registry.new_landline(rng, person.city));
        shown.push_str(phones::separator(rng));
        shown.push_str(&phones::show(rng, &second, habit));
    }
    (shown, main.e164())
}

fn email(
    rng: &mut StdRng,
    registry: &mut Registry,
    person: &Person,
    noise: &Noise,
) -> (String, String) {
    let options: Vec<&String> = [person.email.as_ref(), person.work_email.as_ref()]
        .into_iter()
        .flatten()
        .collect();
    if options.is_empty() || chance(rng, noise.email_missing) {
        return (String::new(), String::new());
    }
    let mut address = (*pick(rng, &options)).clone();
    if chance(rng, noise.email_new) {
        let year = person
            .birth
            .map_or(1980, |date| chrono::Datelike::year(&date));
        address = emails::personal(
            rng,
            person.first,
            &person.surname(),
            year,
            &mut registry.emails,
        );
    }
    let written = if chance(rng, noise.email_typo) {
        emails::typo_domain(rng, &address)
    } else {
        address.clone()
    };
    let mut shown = emails::show(rng, &written);
    if options.len() == 2 && chance(rng, 0.05) {
        let other = options
            .iter()
            .find(|other| ***other != address)
            .map_or(String::new(), |o| (*o).clone());
        if !other.is_empty() {
            shown = format!("{shown}{}{other}", pick(rng, &["; ", ", ", " "]));
        }
    }
    (shown, address)
}

fn show_inn(rng: &mut StdRng, inn: &str, source: Source) -> String {
    let drop_zeros = if source == Source::Excel { 0.8 } else { 0.05 };
    if inn.starts_with('0') && chance(rng, drop_zeros) {
        return inn.trim_start_matches('0').to_string();
    }
    match rng.random_range(0..100) {
        0..=3 => format!("ИНН {inn}"),
        4..=5 => format!("{inn} "),
        6 => format!("ИНН:{inn}"),
        _ => inn.to_string(),
    }
}

fn company_and_inn(
    rng: &mut StdRng,
    companies: &[Company],
    person: &Person,
    source: Source,
    noise: &Noise,
) -> (String, String) {
    let site = source == Source::Site;
    let company_missing = noise.company_missing * if site { 3.0 } else { 1.0 };
    let inn_missing = if site { 0.9 } else { noise.inn_missing };
    let (company, inn) = if let Some(index) = person.employer {
        let company = &companies[index];
        (
            (!chance(rng, company_missing)).then(|| companies::show(rng, company)),
            Some(company.inn.as_str()),
        )
    } else if let Some(inn) = &person.sole_trader_inn {
        let shown = (!chance(rng, company_missing)).then(|| {
            companies::show_sole_trader(
                rng,
                &person.surname(),
                person.first,
                person.patronymic.as_deref(),
            )
        });
        (shown, Some(inn.as_str()))
    } else {
        (None, person.personal_inn.as_deref())
    };
    let inn = match inn {
        Some(inn) if !chance(rng, inn_missing) => show_inn(rng, inn, source),
        _ => String::new(),
    };
    (company.unwrap_or_default(), inn)
}
