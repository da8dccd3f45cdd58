//! Free CRM texts (chat messages, call notes, manager comments, e-mail
//! signatures) in Russian (about 75%) and English, with every piece of
//! personal data marked by its exact span, among distractors that look like
//! personal data and are not: order numbers, amounts, dates, times,
//! percentages, tracking and article numbers, bank details, and 10/12/16-digit
//! numbers whose ИНН or Luhn check fails.
//!
//! Span rules, for whoever scores against this truth:
//! - offsets count Unicode characters (not bytes); `end` is exclusive;
//! - spans never overlap;
//! - PERSON covers the whole name expression in whatever case it stands
//!   (surname, first name, patronymic or initials), never an honorific:
//!   in "Mr. Brown" only "Brown" is the span; a bare first name used as a
//!   name ("Маша, перезвоните") is a PERSON too;
//! - PHONE excludes an extension written after it (" доб. 12");
//! - EMAIL excludes surrounding `<>`;
//! - INN, SNILS, PASSPORT, CARD, OGRN cover the number only, without the
//!   label before it ("ИНН", "паспорт"), with its own spaces and hyphens;
//! - OGRN also covers 15-digit ОГРНИП.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::chance::{chance, digits, pick, weighted};
use crate::cities::{CITIES, pick_city};
use crate::emails;
use crate::ids;
use crate::names::{
    Case, Gender, decline_given, decline_patronymic, decline_surname, given_entry, initial,
    patronymic, pick_given, pick_surname,
};
use crate::phones::{self, Habit};
use crate::translit::{SCHEMES, Scheme, transliterate};

mod templates;

/// The kind of personal data a span holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    Person,
    Phone,
    Email,
    Inn,
    Snils,
    Passport,
    Card,
    Ogrn,
}

impl PiiKind {
    /// Every kind.
    pub const ALL: [PiiKind; 8] = [
        PiiKind::Person,
        PiiKind::Phone,
        PiiKind::Email,
        PiiKind::Inn,
        PiiKind::Snils,
        PiiKind::Passport,
        PiiKind::Card,
        PiiKind::Ogrn,
    ];

    /// The label in the truth file.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Person => "PERSON",
            PiiKind::Phone => "PHONE",
            PiiKind::Email => "EMAIL",
            PiiKind::Inn => "INN",
            PiiKind::Snils => "SNILS",
            PiiKind::Passport => "PASSPORT",
            PiiKind::Card => "CARD",
            PiiKind::Ogrn => "OGRN",
        }
    }
}

/// One piece of personal data in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub kind: PiiKind,
    /// Offset of the first character, in characters.
    pub start: usize,
    /// Offset after the last character, in characters.
    pub end: usize,
    pub text: String,
}

/// A text and the personal data in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// `d1`, `d2`, …
    pub id: String,
    /// `ru` or `en`.
    pub lang: &'static str,
    pub text: String,
    /// In order of position.
    pub entities: Vec<Span>,
}

/// A text being written, counting characters as it grows.
#[derive(Default)]
struct Text {
    text: String,
    chars: usize,
    spans: Vec<Span>,
}

impl Text {
    fn plain(&mut self, text: &str) {
        // "руб." or "И.С." before a sentence's full stop: one dot, not two.
        let text = match text.strip_prefix('.') {
            Some(rest) if self.text.ends_with('.') => rest,
            _ => text,
        };
        self.text.push_str(text);
        self.chars += text.chars().count();
    }

    fn entity(&mut self, kind: PiiKind, text: &str) {
        let start = self.chars;
        self.plain(text);
        self.spans.push(Span {
            kind,
            start,
            end: self.chars,
            text: text.to_string(),
        });
    }
}

/// The entity kind a slot writes, or None for plain text.
fn slot_kind(slot: &str) -> Option<PiiKind> {
    if slot.contains('|') {
        return None;
    }
    let name = slot.split(':').next().unwrap_or(slot);
    Some(match name {
        "per" | "perm" | "perf" | "en_per" | "en_first" | "en_sur" | "ru_lat" => PiiKind::Person,
        "phone" | "phone_intl" => PiiKind::Phone,
        "email" => PiiKind::Email,
        "inn" | "inn10" | "inn12" => PiiKind::Inn,
        "snils" => PiiKind::Snils,
        "passport" | "passport_bare" => PiiKind::Passport,
        "card" => PiiKind::Card,
        "ogrn" | "ogrnip" => PiiKind::Ogrn,
        _ => return None,
    })
}

/// The template cut into plain text and `{slots}`.
fn pieces(template: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push((false, &rest[..open]));
        out.push((true, &rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    out.push((false, rest));
    out
}

fn kinds_of(template: &str) -> Vec<PiiKind> {
    pieces(template)
        .into_iter()
        .filter(|(slot, _)| *slot)
        .filter_map(|(_, slot)| slot_kind(slot))
        .collect()
}

fn case_of(name: &str) -> Case {
    match name {
        "gen" => Case::Gen,
        "dat" => Case::Dat,
        "acc" => Case::Acc,
        "ins" => Case::Ins,
        "pre" => Case::Pre,
        _ => Case::Nom,
    }
}

struct Writer<'r> {
    rng: &'r mut StdRng,
    emails: HashSet<String>,
    /// The last person named in the current sentence (first name, surname),
    /// so that an e-mail next to a name usually belongs to that name.
    named: Option<(String, String)>,
}

impl Writer<'_> {
    fn expand(&mut self, template: &str, text: &mut Text) {
        self.named = None;
        for (slot, piece) in pieces(template) {
            if slot {
                self.slot(piece, text);
            } else {
                text.plain(piece);
            }
        }
    }

    fn slot(&mut self, slot: &str, text: &mut Text) {
        if slot.contains('|') {
            let options: Vec<&str> = slot.split('|').collect();
            let option = *pick(self.rng, &options);
            text.plain(option);
            return;
        }
        let mut args = slot.split(':');
        let name = args.next().unwrap_or_default();
        let case = case_of(args.next().unwrap_or("nom"));
        let form = args.next();
        if let Some(kind) = slot_kind(slot) {
            let value = match name {
                "per" => {
                    let gender = if chance(self.rng, 0.5) {
                        Gender::Male
                    } else {
                        Gender::Female
                    };
                    self.russian_name(gender, case, form)
                }
                "perm" => self.russian_name(Gender::Male, case, form),
                "perf" => self.russian_name(Gender::Female, case, form),
                "en_per" => self.english_name(),
                "en_first" => (*pick(self.rng, templates::EN_FIRST)).to_string(),
                "en_sur" => (*pick(self.rng, templates::EN_SUR)).to_string(),
                "ru_lat" => self.latin_russian_name(),
                "phone" => self.phone(),
                "phone_intl" => phones::international(self.rng),
                "email" => self.email(),
                "inn" if chance(self.rng, 0.5) => {
                    let region = region(self.rng);
                    ids::inn10(self.rng, region)
                }
                "inn" | "inn12" => {
                    let region = region(self.rng);
                    ids::inn12(self.rng, region)
                }
                "inn10" => {
                    let region = region(self.rng);
                    ids::inn10(self.rng, region)
                }
                "snils" => {
                    let snils = ids::snils(self.rng);
                    snils_shown(self.rng, &snils)
                }
                "passport" => self.passport(false),
                "passport_bare" => self.passport(true),
                "card" => {
                    let card = ids::card(self.rng);
                    card_shown(self.rng, &card)
                }
                "ogrn" => {
                    let region = region(self.rng);
                    ids::ogrn(self.rng, region)
                }
                _ => {
                    let region = region(self.rng);
                    ids::ogrnip(self.rng, region)
                }
            };
            text.entity(kind, &value);
        } else {
            let value = self.distractor(name);
            text.plain(&value);
        }
    }

    /// A Russian name in `case`: `form` picks which parts, or a random form.
    fn russian_name(&mut self, gender: Gender, case: Case, form: Option<&str>) -> String {
        let first = pick_given(self.rng, gender).name;
        let surname = pick_surname(self.rng);
        let father = pick_given(self.rng, Gender::Male).name;
        let patronymic = patronymic(father, gender);
        let form = form.unwrap_or_else(|| {
            weighted(
                self.rng,
                &[
                    ("full", 25),
                    ("fs", 20),
                    ("sf", 10),
                    ("fps", 5),
                    ("init", 20),
                    ("inits", 10),
                    ("sur", 10),
                ],
            )
        });
        self.named = Some((
            first.to_string(),
            decline_surname(surname, gender, Case::Nom),
        ));
        let s = decline_surname(surname, gender, case);
        let f = decline_given(first, gender, case);
        let p = decline_patronymic(&patronymic, case);
        let initials = if chance(self.rng, 0.7) {
            format!("{}{}", initial(first), initial(&patronymic))
        } else {
            format!("{} {}", initial(first), initial(&patronymic))
        };
        match form {
            "full" => format!("{s} {f} {p}"),
            "fs" => format!("{f} {s}"),
            "sf" => format!("{s} {f}"),
            "fps" => format!("{f} {p} {s}"),
            "fp" => format!("{f} {p}"),
            "init" => format!("{s} {initials}"),
            "inits" => format!("{initials} {s}"),
            "sur" => s,
            _ => {
                let short = given_entry(first)
                    .filter(|entry| !entry.short.is_empty() && chance(self.rng, 0.5))
                    .map(|entry| *pick(self.rng, entry.short));
                decline_given(short.unwrap_or(first), gender, case)
            }
        }
    }

    fn english_name(&mut self) -> String {
        let first = *pick(self.rng, templates::EN_FIRST);
        let last = *pick(self.rng, templates::EN_SUR);
        self.named = Some((first.to_string(), last.to_string()));
        match self.rng.random_range(0..10) {
            0 => format!("{} {last}", initial(first)),
            1 => format!(
                "{first} {}. {last}",
                pick(self.rng, &["A", "J", "M", "R", "T"])
            ),
            _ => format!("{first} {last}"),
        }
    }

    fn latin_russian_name(&mut self) -> String {
        let gender = if chance(self.rng, 0.5) {
            Gender::Male
        } else {
            Gender::Female
        };
        let first = pick_given(self.rng, gender).name;
        let surname = decline_surname(pick_surname(self.rng), gender, Case::Nom);
        self.named = Some((first.to_string(), surname.clone()));
        let name = match self.rng.random_range(0..10) {
            0..=5 => format!("{first} {surname}"),
            6..=7 => format!("{surname} {first}"),
            _ => {
                let father = pick_given(self.rng, Gender::Male).name;
                format!("{first} {} {surname}", patronymic(father, gender))
            }
        };
        transliterate(&name, *pick(self.rng, &SCHEMES))
    }

    fn phone(&mut self) -> String {
        let phone = if chance(self.rng, 0.75) {
            phones::mobile(self.rng)
        } else {
            let city = pick_city(self.rng);
            phones::landline(self.rng, city)
        };
        phones::show(self.rng, &phone, Habit::Any)
    }

    fn email(&mut self) -> String {
        if let Some((first, last)) = self.named.clone()
            && chance(self.rng, 0.7)
        {
            if first.is_ascii() {
                let last = last.to_lowercase().replace('\'', "");
                let first = first.to_lowercase();
                let domain = pick(
                    self.rng,
                    &["acme.com", "globex.co.uk", "gmail.com", "outlook.com"],
                );
                return format!("{first}.{last}@{domain}");
            }
            let year = self.rng.random_range(1960..2005);
            return emails::personal(self.rng, &first, &last, year, &mut self.emails);
        }
        let gender = if chance(self.rng, 0.5) {
            Gender::Male
        } else {
            Gender::Female
        };
        let first = pick_given(self.rng, gender).name;
        let surname = decline_surname(pick_surname(self.rng), gender, Case::Nom);
        let year = self.rng.random_range(1960..2005);
        match self.rng.random_range(0..100) {
            0..=49 => emails::personal(self.rng, first, &surname, year, &mut self.emails),
            50..=64 => {
                let domain = format!(
                    "{}.{}",
                    pick(
                        self.rng,
                        &[
                            "vector-group",
                            "stroyservis",
                            "alfa-trade",
                            "romashka",
                            "uralsnab",
                            "tk-meridian"
                        ]
                    ),
                    pick(self.rng, &["ru", "com", "su"])
                );
                emails::work(self.rng, first, &surname, &domain, &mut self.emails)
            }
            65..=77 => {
                let first = pick(self.rng, templates::EN_FIRST).to_lowercase();
                let last = pick(self.rng, templates::EN_SUR)
                    .to_lowercase()
                    .replace('\'', "");
                let domain = pick(
                    self.rng,
                    &[
                        "acme.com",
                        "globex.co.uk",
                        "initech.io",
                        "gmail.com",
                        "outlook.com",
                        "northwind.de",
                    ],
                );
                match self.rng.random_range(0..3) {
                    0 => format!("{first}.{last}@{domain}"),
                    1 => format!("{}{last}@{domain}", &first[..1]),
                    _ => format!("{first}_{last}{}@{domain}", self.rng.random_range(1..99)),
                }
            }
            78..=87 => {
                let local = emails::slug(first, Scheme::Informal);
                let tag = pick(self.rng, &["crm", "shop", "news", "work", "2024"]);
                let domain = pick(self.rng, &["gmail.com", "yandex.ru", "mail.ru"]);
                format!(
                    "{local}.{}+{tag}@{domain}",
                    emails::slug(&surname, Scheme::Bgn)
                )
            }
            88..=95 => {
                let second = pick_given(self.rng, gender).name;
                format!(
                    "{}-{}.{}@{}",
                    emails::slug(first, Scheme::Informal),
                    emails::slug(second, Scheme::Informal),
                    emails::slug(&surname, Scheme::Informal),
                    pick(self.rng, &["yandex.ru", "mail.ru", "bk.ru"])
                )
            }
            _ => {
                let local = pick(
                    self.rng,
                    &["info", "zakaz", "почта", "ivan", "sales", "директор"],
                );
                let domain = pick(
                    self.rng,
                    &["пример.рф", "магазин.рф", "компания.рф", "завод.рф"],
                );
                format!("{local}@{domain}")
            }
        }
    }

    fn passport(&mut self, bare: bool) -> String {
        let (series, number) = ids::passport(self.rng);
        if bare {
            return format!("{series}{number}");
        }
        if chance(self.rng, 0.5) {
            format!("{} {} {number}", &series[..2], &series[2..])
        } else {
            format!("{series} {number}")
        }
    }

    fn distractor(&mut self, name: &str) -> String {
        let rng = &mut *self.rng;
        match name {
            "order" => match rng.random_range(0..4) {
                0 => format!("ЗК-{}-{}", rng.random_range(2019..2026), digits(rng, 5)),
                1 => format!("A-{}", digits(rng, 5)),
                _ => format!("{}", rng.random_range(1_000..99_999_999u32)),
            },
            "order_en" => format!(
                "{}-{}-{}",
                pick(rng, &["INV", "PO", "SO"]),
                rng.random_range(2019..2026),
                digits(rng, 4)
            ),
            "amount" => {
                let hundreds = rng.random_range(1..300u32) * 100;
                let value = if chance(rng, 0.4) {
                    hundreds - 10
                } else {
                    hundreds
                };
                let grouped = group_thousands(value);
                let currency = pick(rng, &[" ₽", "₽", " руб.", " р.", " руб", ",00 руб."]);
                format!("{grouped}{currency}")
            }
            "amount_en" => format!(
                "{}{}.{:02}",
                pick(rng, &["$", "€", "£", "USD "]),
                group_thousands_comma(rng.random_range(5..25_000)),
                rng.random_range(0..100)
            ),
            "date" => match rng.random_range(0..4) {
                0 => format!(
                    "{:02}.{:02}.{}",
                    rng.random_range(1..29),
                    rng.random_range(1..13),
                    rng.random_range(2022..2027)
                ),
                1 => format!(
                    "{} {}",
                    rng.random_range(1..29),
                    pick(
                        rng,
                        &["января", "марта", "мая", "июня", "сентября", "ноября"]
                    )
                ),
                2 => format!(
                    "{:02}.{:02}",
                    rng.random_range(1..29),
                    rng.random_range(1..13)
                ),
                _ => format!(
                    "{}-{:02}-{:02}",
                    rng.random_range(2022..2027),
                    rng.random_range(1..13),
                    rng.random_range(1..29)
                ),
            },
            "date_past" => format!(
                "{:02}.{:02}.{}",
                rng.random_range(1..29),
                rng.random_range(1..13),
                rng.random_range(2004..2025)
            ),
            "date_en" => match rng.random_range(0..3) {
                0 => format!(
                    "{} {}, {}",
                    pick(rng, &["March", "April", "May", "June", "October"]),
                    rng.random_range(1..29),
                    rng.random_range(2023..2027)
                ),
                1 => format!(
                    "{:02}/{:02}/{}",
                    rng.random_range(1..13),
                    rng.random_range(1..29),
                    rng.random_range(2023..2027)
                ),
                _ => format!(
                    "{} {} {}",
                    rng.random_range(1..29),
                    pick(rng, &["Jan", "Feb", "Apr", "Aug", "Dec"]),
                    rng.random_range(2023..2027)
                ),
            },
            "time" => format!(
                "{}:{}",
                rng.random_range(8..21),
                pick(rng, &["00", "15", "30", "45"])
            ),
            "time_en" => pick(
                rng,
                &["10:30 am", "3 pm", "15:00", "9:45", "noon", "5:30 pm"],
            )
            .to_string(),
            "percent" => {
                pick(rng, &["15%", "7,5 %", "20 %", "3.5%", "10%", "5%", "12%"]).to_string()
            }
            "article" => match rng.random_range(0..3) {
                0 => format!("{}-{}", digits(rng, 3), digits(rng, 3)),
                1 => format!("ART-{}", digits(rng, 4)),
                _ => digits(rng, 6),
            },
            "track" => match rng.random_range(0..3) {
                0 => format!("RA{}RU", digits(rng, 9)),
                1 => format!("8{}", digits(rng, 13)),
                _ => ids::bad_inn(rng, 10),
            },
            "bad_inn" => {
                let length = if chance(rng, 0.5) { 10 } else { 12 };
                ids::bad_inn(rng, length)
            }
            "bad_card" => {
                let card = ids::bad_card(rng);
                card_shown(rng, &card)
            }
            "bad_snils" => ids::bad_snils(rng),
            "bad_ogrn" => ids::bad_ogrn(rng),
            "sn" => format!(
                "{}-{}",
                pick(rng, &["SN", "PRD", "ART", "KT"]),
                digits(rng, 4)
            ),
            "qty" | "n" => rng.random_range(1..50).to_string(),
            "weight" => format!("{},{}", rng.random_range(1..40), rng.random_range(0..10)),
            "street" => format!(
                "{} {}, д. {}",
                pick(rng, &["ул.", "пр-т", "пер."]),
                pick(
                    rng,
                    &[
                        "Ленина",
                        "Мира",
                        "Садовая",
                        "Гагарина",
                        "Строителей",
                        "Советская"
                    ]
                ),
                rng.random_range(1..120)
            ),
            "kpp" => format!("{:02}{:02}01001", region(rng), rng.random_range(1..50)),
            "bik" => format!("04{}", digits(rng, 7)),
            "account" => format!("40702810{}", digits(rng, 12)),
            "corr" => format!("30101810{}", digits(rng, 12)),
            "company" => format!(
                "{} «{}»",
                pick(rng, &["ООО", "АО", "ООО", "ЗАО"]),
                pick(
                    rng,
                    &[
                        "Вектор",
                        "СтройСервис",
                        "Альфа-Трейд",
                        "Меридиан",
                        "УралСнаб",
                        "Горизонт",
                        "Техноком"
                    ]
                )
            ),
            "company_en" => pick(
                rng,
                &[
                    "Acme Ltd",
                    "Northwind LLC",
                    "Globex GmbH",
                    "Initech Inc.",
                    "Umbrella Trading",
                ],
            )
            .to_string(),
            "city" => pick(rng, CITIES).name.to_string(),
            "dept" => format!("{}-{}", digits(rng, 3), digits(rng, 3)),
            "expiry" => format!(
                "{:02}/{}",
                rng.random_range(1..13),
                rng.random_range(26..31)
            ),
            "promo" => format!(
                "{}{}",
                pick(rng, &["SALE", "VESNA", "LETO", "BONUS"]),
                rng.random_range(5..30)
            ),
            "position" => pick(
                rng,
                &[
                    "менеджер по продажам",
                    "руководитель отдела закупок",
                    "главный бухгалтер",
                    "генеральный директор",
                    "специалист по логистике",
                ],
            )
            .to_string(),
            "position_en" => pick(
                rng,
                &[
                    "Sales Manager",
                    "Procurement Lead",
                    "CFO",
                    "Account Executive",
                ],
            )
            .to_string(),
            "ext" => phones::extension(rng),
            "ext_en" => format!(" ext. {}", rng.random_range(10..999)),
            other => other.to_string(),
        }
    }
}

fn region(rng: &mut StdRng) -> u8 {
    pick(rng, CITIES).region
}

fn group_thousands(value: u32) -> String {
    let text = value.to_string();
    if text.len() <= 3 {
        return text;
    }
    let split = text.len() - 3;
    format!("{} {}", &text[..split], &text[split..])
}

fn group_thousands_comma(value: u32) -> String {
    let text = value.to_string();
    if text.len() <= 3 {
        return text;
    }
    let split = text.len() - 3;
    format!("{},{}", &text[..split], &text[split..])
}

fn snils_shown(rng: &mut StdRng, snils: &str) -> String {
    let (a, b, c, d) = (&snils[..3], &snils[3..6], &snils[6..9], &snils[9..]);
    match rng.random_range(0..20) {
        0..=10 => format!("{a}-{b}-{c} {d}"),
        11..=15 => snils.to_string(),
        16..=17 => format!("{a}-{b}-{c}-{d}"),
        _ => format!("{a} {b} {c} {d}"),
    }
}

fn card_shown(rng: &mut StdRng, card: &str) -> String {
    let groups = [&card[..4], &card[4..8], &card[8..12], &card[12..]];
    match rng.random_range(0..20) {
        0..=10 => groups.join(" "),
        11..=13 => groups.join("-"),
        _ => card.to_string(),
    }
}

/// Generates `docs` texts; the same seed gives the same texts.
pub fn generate(docs: usize, seed: u64) -> Vec<Doc> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut writer = Writer {
        rng: &mut rng,
        emails: HashSet::new(),
        named: None,
    };
    let indexed = |templates: &'static [&'static str]| -> Vec<(&'static str, Vec<PiiKind>)> {
        templates.iter().map(|t| (*t, kinds_of(t))).collect()
    };
    let (ru, en) = (indexed(templates::RU), indexed(templates::EN));
    (1..=docs)
        .map(|n| {
            let english = chance(writer.rng, 0.25);
            let (sentences, noise, open, close) = if english {
                (
                    &en,
                    templates::EN_NOISE,
                    templates::EN_OPEN,
                    templates::EN_CLOSE,
                )
            } else {
                (
                    &ru,
                    templates::RU_NOISE,
                    templates::RU_OPEN,
                    templates::RU_CLOSE,
                )
            };
            let mut kinds = PiiKind::ALL.to_vec();
            kinds.shuffle(writer.rng);
            kinds.truncate(writer.rng.random_range(1..4));
            let mut body: Vec<&str> = kinds
                .iter()
                .map(|kind| {
                    let fitting: Vec<&str> = sentences
                        .iter()
                        .filter(|(_, kinds)| kinds.contains(kind))
                        .map(|(template, _)| *template)
                        .collect();
                    *pick(writer.rng, &fitting)
                })
                .collect();
            for _ in 0..writer.rng.random_range(0..3) {
                body.push(*pick(writer.rng, noise));
            }
            body.shuffle(writer.rng);
            let separator = if chance(writer.rng, 0.6) { " " } else { "\n" };
            let mut text = Text::default();
            let opening = *pick(writer.rng, open);
            if !opening.is_empty() {
                writer.expand(opening, &mut text);
                text.plain(if chance(writer.rng, 0.5) { " " } else { "\n" });
            }
            for (i, sentence) in body.iter().enumerate() {
                if i > 0 {
                    text.plain(separator);
                }
                writer.expand(sentence, &mut text);
            }
            let closing = *pick(writer.rng, close);
            if !closing.is_empty() {
                if !closing.starts_with('\n') {
                    text.plain(" ");
                }
                writer.expand(closing, &mut text);
            }
            Doc {
                id: format!("d{n}"),
                lang: if english { "en" } else { "ru" },
                text: text.text,
                entities: text.spans,
            }
        })
        .collect()
}

fn json(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// Writes `{"id":…,"text":…}` lines to `out`.
pub fn write_texts<W: Write>(docs: &[Doc], mut out: W) -> io::Result<()> {
    for doc in docs {
        writeln!(
            out,
            "{{\"id\":{},\"text\":{}}}",
            json(&doc.id),
            json(&doc.text)
        )?;
    }
    out.flush()
}

/// Writes `{"id":…,"entities":[{"type","start","end","text"}…]}` lines to `out`.
pub fn write_entities<W: Write>(docs: &[Doc], mut out: W) -> io::Result<()> {
    for doc in docs {
        let entities: Vec<String> = doc
            .entities
            .iter()
            .map(|span| {
                format!(
                    "{{\"type\":{},\"start\":{},\"end\":{},\"text\":{}}}",
                    json(span.kind.as_str()),
                    span.start,
                    span.end,
                    json(&span.text)
                )
            })
            .collect();
        writeln!(
            out,
            "{{\"id\":{},\"entities\":[{}]}}",
            json(&doc.id),
            entities.join(",")
        )?;
    }
    out.flush()
}

/// Writes the texts file and the entities file.
pub fn write_jsonl(docs: &[Doc], texts_path: &Path, truth_path: &Path) -> io::Result<()> {
    write_texts(docs, io::BufWriter::new(std::fs::File::create(texts_path)?))?;
    write_entities(docs, io::BufWriter::new(std::fs::File::create(truth_path)?))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::ids::{inn_is_valid, luhn_is_valid, ogrn_is_valid, snils_is_valid};

    #[test]
    fn the_same_seed_gives_the_same_texts() {
        assert_eq!(generate(200, 1), generate(200, 1));
        assert_ne!(generate(200, 1), generate(200, 2));
    }

    #[test]
    fn spans_are_exact_ordered_and_apart() {
        for doc in generate(2_000, 3) {
            let mut previous_end = 0;
            for span in &doc.entities {
                let text: String = doc
                    .text
                    .chars()
                    .skip(span.start)
                    .take(span.end - span.start)
                    .collect();
                assert_eq!(text, span.text, "{}: {}", doc.id, doc.text);
                assert!(
                    span.start >= previous_end && span.end > span.start,
                    "{}",
                    doc.id
                );
                assert_eq!(span.text.trim(), span.text, "{}: padded span", doc.id);
                previous_end = span.end;
            }
            assert!(
                !doc.text.contains('{') && !doc.text.contains('}'),
                "{}",
                doc.text
            );
        }
    }

    #[test]
    fn every_kind_appears_often_in_both_languages() {
        let docs = generate(2_000, 4);
        let mut counts: BTreeMap<PiiKind, usize> = BTreeMap::new();
        for span in docs.iter().flat_map(|doc| &doc.entities) {
            *counts.entry(span.kind).or_default() += 1;
        }
        for kind in PiiKind::ALL {
            let count = counts.get(&kind).copied().unwrap_or(0);
            assert!(count >= 300, "{kind:?}: {count}");
        }
        let english = docs.iter().filter(|doc| doc.lang == "en").count();
        assert!((400..=600).contains(&english), "{english}");
    }

    #[test]
    fn identifiers_pass_their_checks() {
        for span in generate(2_000, 5).iter().flat_map(|doc| &doc.entities) {
            let digits: String = span.text.chars().filter(char::is_ascii_digit).collect();
            match span.kind {
                PiiKind::Inn => assert!(inn_is_valid(&span.text), "{}", span.text),
                PiiKind::Snils => assert!(snils_is_valid(&span.text), "{}", span.text),
                PiiKind::Ogrn => assert!(ogrn_is_valid(&span.text), "{}", span.text),
                PiiKind::Card => assert!(
                    luhn_is_valid(&span.text) && digits.len() == 16,
                    "{}",
                    span.text
                ),
                PiiKind::Passport => assert_eq!(digits.len(), 10, "{}", span.text),
                _ => {}
            }
        }
    }

    /// Digit groups joined by single spaces or hyphens, outside every span.
    fn numbers_outside_spans(doc: &Doc) -> Vec<String> {
        let mut chars: Vec<char> = doc.text.chars().collect();
        for span in &doc.entities {
            for c in &mut chars[span.start..span.end] {
                *c = '|';
            }
        }
        let mut numbers = Vec::new();
        let mut current = String::new();
        for (i, c) in chars.iter().enumerate() {
            let joins = (*c == ' ' || *c == '-')
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() {
                current.push(*c);
            } else if !joins && !current.is_empty() {
                numbers.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            numbers.push(current);
        }
        numbers
    }

    #[test]
    fn distractors_fail_the_checks() {
        let mut seen = [0; 3];
        for doc in generate(2_000, 6) {
            for number in numbers_outside_spans(&doc) {
                match number.len() {
                    10 | 12 => {
                        seen[0] += 1;
                        assert!(!inn_is_valid(&number), "{number} in {}", doc.text);
                    }
                    16 => {
                        seen[1] += 1;
                        assert!(!luhn_is_valid(&number), "{number} in {}", doc.text);
                    }
                    11 => assert!(!snils_is_valid(&number), "{number} in {}", doc.text),
                    13 | 15 => {
                        seen[2] += 1;
                        assert!(!ogrn_is_valid(&number), "{number} in {}", doc.text);
                    }
                    _ => {}
                }
            }
        }
        assert!(seen.iter().all(|count| *count > 30), "{seen:?}");
    }

    #[test]
    fn names_stand_in_the_case_the_sentence_needs() {
        let mut rng = StdRng::seed_from_u64(8);
        let mut writer = Writer {
            rng: &mut rng,
            emails: HashSet::new(),
            named: None,
        };
        let mut text = Text::default();
        writer.expand("Передайте {perf:dat:full}.", &mut text);
        let name = &text.spans[0].text;
        let parts: Vec<&str> = name.split(' ').collect();
        assert_eq!(parts.len(), 3, "{name}");
        assert!(
            parts[2].ends_with("вне") || parts[2].ends_with("чне"),
            "{name}"
        );
    }

    #[test]
    fn the_output_lines_are_json_with_character_offsets() {
        let docs = generate(20, 9);
        let mut texts = Vec::new();
        write_texts(&docs, &mut texts).expect("write texts");
        let mut entities = Vec::new();
        write_entities(&docs, &mut entities).expect("write entities");
        let texts = String::from_utf8(texts).expect("utf-8");
        let entities = String::from_utf8(entities).expect("utf-8");
        let first: serde_json::Value =
            serde_json::from_str(texts.lines().next().expect("a line")).expect("json");
        assert_eq!(first["id"], "d1");
        assert!(texts.starts_with("{\"id\":\"d1\",\"text\":"));
        for line in entities.lines() {
            let value: serde_json::Value = serde_json::from_str(line).expect("json");
            assert!(value["entities"].is_array());
        }
    }
}
