//! Customers: Russian and some English-speaking people with phones in every
//! format, e-mails, cities under their aliases, consents and comments, and
//! about 6% duplicates that a second system (amoCRM or the site) holds again.
//!
//! A duplicate shares the original's phone (written differently) or e-mail
//! (in another case) and differs elsewhere: a typo or `ё`/`е` in the surname,
//! a diminutive, another spelling of the city. Deals and activities are made
//! in `deals`; this module only makes people.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use domain::{EntityKind, Id, Record};
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Value as Json, json};

use crate::chance::{chance, moment_between, mostly_daytime, pick, pick_weighted};
use crate::companies::CompanyInfo;
use crate::factory::Factory;
use crate::names::{Person, diminutive, misspell, person};
use crate::phones::{
    PHONE_STYLES, change_case, foreign_phone, landline_number, mobile_number, personal_email,
    write_phone,
};
use crate::places::{CITIES, city_index, other_spelling, written_city};
use crate::staff::{Manager, manager_index};

/// Where contacts first come from, and how often.
#[rustfmt::skip]
pub(crate) const SOURCES: &[(&str, f64)] = &[
    ("Сайт", 25.0), ("Telegram", 11.0), ("WhatsApp", 14.0), ("Звонок", 10.0), ("Рекомендация", 8.0), ("Авито", 13.0),
    ("Яндекс.Директ", 11.0), ("VK", 8.0),
];

/// The share of contacts that are a second copy of another contact.
pub(crate) const DUPLICATE_SHARE: f64 = 0.06;

/// The share of contacts who write in English and have no patronymic.
const ENGLISH_SHARE: f64 = 0.08;

/// What other generators need to know about a contact.
#[derive(Debug, Clone)]
pub(crate) struct ContactInfo {
    /// Its id.
    pub(crate) id: Id,
    /// When it was first seen.
    pub(crate) created_at: DateTime<Utc>,
    /// Its manager, an index into the managers.
    pub(crate) owner: usize,
    /// Where it came from (one of [`SOURCES`]).
    pub(crate) source: &'static str,
    /// Its company, an index into the companies.
    pub(crate) company: Option<usize>,
    /// Whether the person writes in English.
    pub(crate) is_english: bool,
    /// Whether the person receives the newsletter (consent and an address).
    pub(crate) gets_newsletter: bool,
    /// The system that holds it (`bitrix24`, `amocrm` or `site`).
    pub(crate) system: &'static str,
}

/// What contacts are made from.
pub(crate) struct ContactSetup<'a> {
    /// How many contacts, duplicates included.
    pub(crate) count: usize,
    /// Managers who own them.
    pub(crate) managers: &'a [Manager],
    /// Companies some of them work for.
    pub(crate) companies: &'a [CompanyInfo],
    /// The present moment; contacts are first seen in the year before it.
    pub(crate) now: DateTime<Utc>,
}

/// A phone as the person owns it, before it is written down.
#[derive(Debug, Clone)]
enum Number {
    /// Ten national digits of a Russian number.
    Russian(String),
    /// A foreign number as written.
    Foreign(String),
}

/// A contact before it becomes raw input.
#[derive(Debug, Clone)]
struct ContactSpec {
    person: Person,
    numbers: Vec<(Number, usize)>,
    email: Option<String>,
    city: Option<(usize, String)>,
    source: &'static str,
    company: Option<usize>,
    created_at: DateTime<Utc>,
    owner: usize,
    system: &'static str,
    external_id: String,
}

#[rustfmt::skip]
const POSITIONS: &[&str] = &[
    "Менеджер по закупкам", "Директор", "Логист", "Бухгалтер", "Собственник", "Категорийный менеджер", "Офис-менеджер",
    "Руководитель отдела снабжения",
];
#[rustfmt::skip]
const CALL_BACK: &[&str] = &[
    "перезвонить", "Перезвонить", "перезвонить!", "перезвонить позже", "не дозвонились, перезвонить",
    "просил перезвонить",
];
#[rustfmt::skip]
const USEFUL_RU: &[&str] = &[
    "Размер 43, любит Nike", "Постоянный клиент, скидка 5%", "Просил не звонить до 12:00", "Интересуется оптом",
    "Доставка только в пункт выдачи СДЭК", "Оплата по безналу, нужен счёт", "Покупал AirPods в прошлом году",
    "Жаловался на доставку в прошлый раз", "Предпочитает WhatsApp", "Берёт подарки сотрудникам к праздникам",
    "Размер 38, узкая стопа", "Не любит звонки, только переписка",
];
#[rustfmt::skip]
const USEFUL_EN: &[&str] = &[
    "Prefers e-mail", "EU size 44", "Call after 6 pm", "Expat, pays by card", "Speaks a little Russian",
];

/// Makes `setup.count` contacts, about [`DUPLICATE_SHARE`] of them
/// duplicates, ordered by when they were first seen.
pub(crate) fn generate_contacts(
    factory: &mut Factory,
    setup: &ContactSetup<'_>,
) -> (Vec<Record>, Vec<ContactInfo>) {
    let duplicates = (setup.count as f64 * DUPLICATE_SHARE).round() as usize;
    let originals = setup.count - duplicates;
    let mut used_numbers = BTreeSet::new();
    let mut used_emails = BTreeSet::new();
    let mut specs: Vec<ContactSpec> = Vec::with_capacity(setup.count);
    let mut next_external = 10_000;
    for _ in 0..originals {
        next_external += factory.rng.random_range(1..6);
        let spec = original(
            factory,
            setup,
            (&mut used_numbers, &mut used_emails),
            next_external,
        );
        specs.push(spec);
    }
    let mut candidates: Vec<usize> = (0..originals)
        .filter(|index| !specs[*index].numbers.is_empty() || specs[*index].email.is_some())
        .collect();
    candidates.shuffle(&mut factory.rng);
    let mut next_amo = 21_000_000;
    for (order, &index) in candidates.iter().take(duplicates).enumerate() {
        next_amo += factory.rng.random_range(1..40);
        let (system, external_id) = if chance(&mut factory.rng, 0.7) {
            ("amocrm", next_amo.to_string())
        } else {
            ("site", format!("lead-{}", 40_000 + order * 3))
        };
        let copy = duplicate(factory, setup, &specs[index], (system, external_id));
        specs.push(copy);
    }
    let mut made: Vec<(Record, ContactInfo)> = specs
        .iter()
        .map(|spec| render(factory, setup, spec))
        .collect();
    made.sort_by_key(|(record, _)| record.created_at);
    made.into_iter().unzip()
}

/// A new person held in Bitrix24.
fn original(
    factory: &mut Factory,
    setup: &ContactSetup<'_>,
    used: (&mut BTreeSet<String>, &mut BTreeSet<String>),
    external: usize,
) -> ContactSpec {
    let (used_numbers, used_emails) = used;
    let rng = &mut factory.rng;
    let person = person(rng, ENGLISH_SHARE);
    let company = (!setup.companies.is_empty() && chance(rng, 0.14))
        .then(|| rng.random_range(0..setup.companies.len()));
    let city_index =
        company.map_or_else(|| city_index(rng), |company| setup.companies[company].city);
    let mut numbers = Vec::new();
    if chance(rng, 0.93) {
        let number = if person.is_english && chance(rng, 0.3) {
            Number::Foreign(foreign_phone(rng))
        } else {
            Number::Russian(unique(used_numbers, || mobile_number(rng)))
        };
        numbers.push((number, rng.random_range(0..PHONE_STYLES)));
        if chance(rng, 0.12) {
            let is_landline = chance(rng, 0.5);
            let second = unique(used_numbers, || {
                if is_landline {
                    landline_number(rng, CITIES[city_index].area_codes)
                } else {
                    mobile_number(rng)
                }
            });
            numbers.push((Number::Russian(second), rng.random_range(0..PHONE_STYLES)));
        }
    }
    let email = chance(rng, if person.is_english { 0.97 } else { 0.85 }).then(|| {
        let mut address = personal_email(rng, &person);
        while !used_emails.insert(address.to_lowercase()) {
            let (local, domain) = address
                .split_once('@')
                .expect("a generated address has an @");
            address = format!("{local}{}@{domain}", rng.random_range(1..10));
        }
        address
    });
    let city = chance(rng, 0.9).then(|| {
        (
            city_index,
            written_city(rng, &CITIES[city_index], person.is_english),
        )
    });
    let source = pick_weighted(rng, SOURCES);
    let created_at = first_seen(rng, setup.now);
    let owner = manager_index(factory, setup.managers);
    ContactSpec {
        person,
        numbers,
        email,
        city,
        source,
        company,
        created_at,
        owner,
        system: "bitrix24",
        external_id: external.to_string(),
    }
}

/// The same person as a second system holds them: the phone written
/// another way or the e-mail in another case (at least one is shared), and
/// the name or city a little different.
fn duplicate(
    factory: &mut Factory,
    setup: &ContactSetup<'_>,
    original: &ContactSpec,
    source: (&'static str, String),
) -> ContactSpec {
    let rng = &mut factory.rng;
    let mut copy = original.clone();
    (copy.system, copy.external_id) = source;
    if chance(rng, 0.55) {
        copy.person.last_name = misspell(rng, &original.person.last_name);
    }
    if let Some(short) = diminutive(&original.person.first_name).filter(|_| chance(rng, 0.25)) {
        copy.person.first_name = short.to_string();
    }
    if chance(rng, 0.5) {
        copy.person.middle_name = None;
    }
    let keep_phone = !original.numbers.is_empty() && (original.email.is_none() || chance(rng, 0.8));
    copy.numbers = Vec::new();
    if keep_phone {
        let (number, style) = &original.numbers[0];
        copy.numbers.push((
            number.clone(),
            (style + rng.random_range(1..PHONE_STYLES)) % PHONE_STYLES,
        ));
        if chance(rng, 0.3) {
            copy.numbers.push((
                Number::Russian(mobile_number(rng)),
                rng.random_range(0..PHONE_STYLES),
            ));
        }
    }
    copy.email = match &original.email {
        Some(email) if !keep_phone || chance(rng, 0.6) => Some(if chance(rng, 0.65) {
            change_case(email)
        } else {
            email.clone()
        }),
        _ => None,
    };
    copy.city = original
        .city
        .as_ref()
        .and_then(|(city, written)| match rng.random_range(0..10) {
            0..=5 => Some((*city, other_spelling(rng, &CITIES[*city], written))),
            6 | 7 => Some((*city, written.clone())),
            _ => None,
        });
    let other_sources: Vec<(&'static str, f64)> = SOURCES
        .iter()
        .copied()
        .filter(|(name, _)| *name != original.source)
        .collect();
    copy.source = pick_weighted(rng, &other_sources);
    copy.created_at = first_seen(rng, setup.now);
    if chance(rng, 0.5) {
        copy.owner = manager_index(factory, setup.managers);
    }
    copy
}

/// The contact as raw input, parsed into a record.
fn render(
    factory: &mut Factory,
    setup: &ContactSetup<'_>,
    spec: &ContactSpec,
) -> (Record, ContactInfo) {
    let rng = &mut factory.rng;
    let written: Vec<String> = spec
        .numbers
        .iter()
        .map(|(number, style)| match number {
            Number::Russian(national) => write_phone(national, *style),
            Number::Foreign(text) if spec.system == "bitrix24" => text.clone(),
            Number::Foreign(text) => text.replace([' ', '-'], ""),
        })
        .collect();
    let phones = match written.len() {
        0 => Json::Null,
        1 => json!(written[0]),
        _ if chance(rng, 0.5) => json!(written),
        _ => json!(written.join(if chance(rng, 0.5) { "; " } else { ", " })),
    };
    let consent_marketing = chance(rng, 0.45);
    let comment = match rng.random_range(0..100) {
        0..=54 => None,
        55..=71 => Some(*pick(rng, CALL_BACK)),
        _ if spec.person.is_english => Some(*pick(rng, USEFUL_EN)),
        _ => Some(*pick(rng, USEFUL_RU)),
    };
    let birth_date = chance(rng, 0.2).then(|| {
        let (year, month, day) = (
            rng.random_range(1965..2006),
            rng.random_range(1..13),
            rng.random_range(1..29),
        );
        if chance(rng, 0.6) {
            format!("{day:02}.{month:02}.{year}")
        } else {
            format!("{year}-{month:02}-{day:02}")
        }
    });
    let region = spec
        .city
        .as_ref()
        .filter(|_| chance(rng, 0.3))
        .map(|(city, _)| *pick(rng, CITIES[*city].regions));
    let yes = |rng: &mut rand::rngs::StdRng, flag: bool| -> Json {
        match rng.random_range(0..4) {
            0 => json!(flag),
            1 => json!(if flag { "да" } else { "нет" }),
            2 => json!(if flag { "Y" } else { "N" }),
            _ => json!(if flag { "1" } else { "0" }),
        }
    };
    let consents_processing = chance(rng, 0.97);
    let consent_processing = chance(rng, 0.92).then(|| yes(rng, consents_processing));
    let consent_marketing_raw = chance(rng, 0.8).then(|| yes(rng, consent_marketing));
    let raw = json!({
        "last_name": spec.person.last_name, "first_name": spec.person.first_name, "middle_name": spec.person.middle_name,
        "phones": phones, "emails": spec.email, "city": spec.city.as_ref().map(|(_, written)| written), "region": region,
        "birth_date": birth_date, "company_id": spec.company.map(|company| setup.companies[company].id.to_string()),
        "position": spec.company.map(|_| *pick(rng, POSITIONS)), "source": spec.source,
        "consent_processing": consent_processing, "consent_marketing": consent_marketing_raw, "comment": comment,
        "owner_id": setup.managers[spec.owner].id.to_string(), "source_system": spec.system, "external_id": spec.external_id,
    });
    let mut record = factory.make(EntityKind::Contact, raw, spec.created_at);
    record.updated_at = moment_between(&mut factory.rng, spec.created_at, setup.now);
    let info = ContactInfo {
        id: record.id,
        created_at: spec.created_at,
        owner: spec.owner,
        source: spec.source,
        company: spec.company,
        is_english: spec.person.is_english,
        gets_newsletter: consent_marketing
            && consent_marketing_raw.is_some()
            && spec.email.is_some(),
        system: spec.system,
    };
    (record, info)
}

/// When a contact is first seen: some time in the 340 days before `now`,
/// mostly during the working day.
fn first_seen(rng: &mut rand::rngs::StdRng, now: DateTime<Utc>) -> DateTime<Utc> {
    let latest = now - TimeDelta::hours(1);
    let at = moment_between(rng, now - TimeDelta::days(340), latest);
    mostly_daytime(rng, at, 0.8, latest)
}

/// A value from `make` not yet in `used`, which then holds it.
fn unique(used: &mut BTreeSet<String>, mut make: impl FnMut() -> String) -> String {
    loop {
        let value = make();
        if used.insert(value.clone()) {
            return value;
        }
    }
}
