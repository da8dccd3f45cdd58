//! Each record's values made ready for comparison once: names split and
//! keyed across scripts, phones E.164, dates parsed, places canonical.

use chrono::NaiveDate;
use lexicon::{Gender, Names, Places, fold, latin_key};

use crate::dates::{DateKind, Order, parse_date};
use crate::person::PersonName;
use crate::roles::{Role, Roles};
use crate::standardize::person_of;
use crate::values;

/// A name part under two keys: folded as written, and its Latin key.
#[derive(Debug, Clone, PartialEq)]
pub struct NameKey {
    pub folded: String,
    pub key: String,
}

impl NameKey {
    pub fn new(text: &str) -> NameKey {
        NameKey {
            folded: fold(text),
            key: latin_key(text),
        }
    }

    pub fn initial(&self) -> Option<char> {
        self.key.chars().next()
    }
}

/// What a record offers for matching.
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub last: Option<NameKey>,
    pub first: Option<NameKey>,
    /// Full first names the first name stands for (`Саша` → александр, александра).
    pub first_forms: Vec<String>,
    pub first_initial: Option<char>,
    pub patronymic: Option<NameKey>,
    pub patronymic_initial: Option<char>,
    pub gender: Option<Gender>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub birth: Option<NaiveDate>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub address: Option<String>,
    pub locality: Option<String>,
    pub house: Option<String>,
    pub postcode: Option<String>,
    pub national_id: Option<String>,
    pub inn: Option<String>,
    pub company: Option<String>,
    pub sku: Option<String>,
    pub product: Option<String>,
}

/// Which comparisons a table can support, from its roles.
#[derive(Debug, Clone, Copy, Default)]
pub struct Present {
    pub names: bool,
    pub patronymic: bool,
    pub phone: bool,
    pub email: bool,
    pub birth: bool,
    pub city: bool,
    pub region: bool,
    pub address: bool,
    pub locality: bool,
    pub house: bool,
    pub postcode: bool,
    pub national_id: bool,
    pub inn: bool,
    pub company: bool,
    pub sku: bool,
    pub product: bool,
}

impl Present {
    pub fn of(roles: &Roles) -> Present {
        let has = |role: Role| roles.column_of(role).is_some();
        Present {
            names: has(Role::FullName) || has(Role::LastName) || has(Role::FirstName),
            patronymic: has(Role::FullName) || has(Role::Patronymic),
            phone: has(Role::Phone),
            email: has(Role::Email),
            birth: has(Role::BirthDate),
            city: has(Role::City),
            region: has(Role::Region),
            address: has(Role::Address),
            locality: has(Role::Locality),
            house: has(Role::HouseNumber),
            postcode: has(Role::Postcode),
            national_id: has(Role::NationalId) || has(Role::Snils) || has(Role::Passport),
            inn: has(Role::Inn),
            company: has(Role::Company),
            sku: has(Role::Sku),
            product: has(Role::Product),
        }
    }
}

fn non_empty(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

/// Letters and digits only, folded: the key of free text such as addresses.
pub fn text_key(text: &str) -> String {
    let folded = fold(text);
    let words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    words.join(" ")
}

/// Words that say what kind of place a part of an address is, written many ways.
const ADDRESS_WORDS: &[&str] = &[
    "г",
    "город",
    "гор",
    "ул",
    "улица",
    "д",
    "дом",
    "кв",
    "квартира",
    "корп",
    "корпус",
    "к",
    "стр",
    "строение",
    "пр",
    "пр-т",
    "просп",
    "проспект",
    "пер",
    "переулок",
    "бул",
    "бульвар",
    "ш",
    "шоссе",
    "пл",
    "площадь",
    "наб",
    "набережная",
    "мкр",
    "микрорайон",
    "оф",
    "офис",
    "пос",
    "россия",
    "рф",
    "обл",
    "область",
    "р-н",
    "район",
    "st",
    "street",
    "ave",
    "apt",
    "road",
    "rd",
];

/// An address as a bag of its meaningful words and numbers, sorted:
/// «ул. Пушкина, д. 45, кв. 194» and «Пушкина ул 45-194» meet. A postcode
/// and the city are kept; they agree or are missing in both.
pub fn address_key(text: &str) -> String {
    let folded = fold(text);
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !ADDRESS_WORDS.contains(w))
        .filter(|w| !(w.len() == 6 && w.chars().all(|c| c.is_ascii_digit())))
        .collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

/// Prepares one row.
pub fn features(
    row: &[String],
    roles: &Roles,
    orders: &[(usize, Order)],
    today: NaiveDate,
) -> Features {
    let names = Names::get();
    let mut f = Features::default();
    let cell = |role: Role| {
        roles
            .column_of(role)
            .and_then(|c| row.get(c))
            .and_then(|s| non_empty(s))
    };
    if let Some(person) = person_of(row, roles) {
        apply_person(&mut f, &person, names);
    }
    for column in roles.columns_of(Role::Phone) {
        if let Some(text) = row.get(column).and_then(|s| non_empty(s)) {
            match values::parse_phones(text) {
                Ok(phones) => f
                    .phones
                    .extend(phones.into_iter().map(|(p, _)| p.as_e164().to_string())),
                // An unreadable phone still matches itself by its digits.
                Err(_) => {
                    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                    if digits.len() >= 6 {
                        f.phones.push(digits);
                    }
                }
            }
        }
    }
    for column in roles.columns_of(Role::Email) {
        if let Some(text) = row.get(column).and_then(|s| non_empty(s)) {
            match values::standard_email(text) {
                Ok((email, suggestion)) => f.emails.push(suggestion.unwrap_or(email)),
                Err(_) => f.emails.push(fold(text)),
            }
        }
    }
    if let Some(column) = roles.column_of(Role::BirthDate)
        && let Some(text) = row.get(column).and_then(|s| non_empty(s))
    {
        let order = orders
            .iter()
            .find(|(c, _)| *c == column)
            .map_or(Order::DayFirst, |(_, o)| *o);
        f.birth = parse_date(text, order, DateKind::Birth, today);
    }
    if let Some(text) = cell(Role::City) {
        f.city = Some(
            Places::get()
                .city(text)
                .map_or_else(|| text_key(text), |c| fold(&c.name)),
        );
    }
    if let Some(text) = cell(Role::Region) {
        f.region = Some(
            Places::get()
                .region(text)
                .map_or_else(|| text_key(text), |r| r.iso.clone()),
        );
    }
    f.address = cell(Role::Address).map(address_key);
    f.locality = cell(Role::Locality).map(text_key);
    f.house = cell(Role::HouseNumber).map(text_key);
    f.postcode = cell(Role::Postcode).map(|t| t.chars().filter(|c| c.is_alphanumeric()).collect());
    f.national_id = [Role::NationalId, Role::Snils, Role::Passport]
        .into_iter()
        .find_map(cell)
        .map(|t| {
            t.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_uppercase()
        });
    f.inn = cell(Role::Inn).map(|t| t.chars().filter(char::is_ascii_digit).collect());
    f.company = cell(Role::Company).map(|t| {
        let (_, name) = values::standard_company(t);
        text_key(&name)
    });
    f.sku = cell(Role::Sku).map(|t| {
        t.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_uppercase()
    });
    f.product = cell(Role::Product).map(text_key);
    f
}

fn apply_person(f: &mut Features, person: &PersonName, names: &Names) {
    // Only a patronymic or a surname's form tells gender for sure; Latin
    // spellings and everyday first names do not.
    f.gender = if person.latin || !person.gender_certain {
        None
    } else {
        person.gender
    };
    f.last = person.last.as_deref().map(|last| {
        // Gender forms of one surname share a key (Иванова → иванов); gender is compared apart.
        let masculine = if person.latin {
            latin_masculine(last)
        } else {
            names
                .surname(last)
                .map_or_else(|| fold(last), |s| s.masculine)
        };
        NameKey {
            folded: fold(&masculine),
            key: latin_key(&masculine),
        }
    });
    if let Some(first) = &person.first {
        f.first_forms = names
            .full_forms(first)
            .into_iter()
            .map(str::to_string)
            .collect();
        f.first = Some(NameKey::new(first));
    }
    f.first_initial = person
        .first_initial
        .map(|c| latin_key(&c.to_string()).chars().next().unwrap_or(c));
    f.patronymic = person.patronymic.as_deref().map(NameKey::new);
    f.patronymic_initial = person
        .patronymic_initial
        .map(|c| latin_key(&c.to_string()).chars().next().unwrap_or(c));
}

/// The masculine form of a transliterated Russian surname (Ivanova → ivanov).
fn latin_masculine(last: &str) -> String {
    let folded = fold(last);
    for (end, masculine) in [
        ("ova", "ov"),
        ("eva", "ev"),
        ("ina", "in"),
        ("skaya", "sky"),
        ("skaia", "sky"),
    ] {
        if let Some(stem) = folded.strip_suffix(end)
            && stem.len() >= 2
        {
            return format!("{stem}{masculine}");
        }
    }
    folded
}
