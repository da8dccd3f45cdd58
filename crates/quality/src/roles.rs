//! What each column holds, told by its header in Russian or English
//! (`ФИО`, `Телефон`, `date_of_birth` ...) or set by the user (`phone=Моб.`).

use std::fmt;

use crate::{Frame, QualityError};

/// What a column holds, as far as data quality is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Id,
    FullName,
    LastName,
    FirstName,
    Patronymic,
    Phone,
    Email,
    City,
    Region,
    BirthDate,
    Date,
    Company,
    Inn,
    Ogrn,
    Snils,
    Passport,
    Address,
    Locality,
    HouseNumber,
    Postcode,
    NationalId,
    Gender,
    Source,
    Sku,
    Product,
    Stage,
    Amount,
    Text,
}

/// Every role with the name users write in `--map role=column`.
pub const ROLE_NAMES: &[(Role, &str)] = &[
    (Role::Id, "id"),
    (Role::FullName, "name"),
    (Role::LastName, "last_name"),
    (Role::FirstName, "first_name"),
    (Role::Patronymic, "patronymic"),
    (Role::Phone, "phone"),
    (Role::Email, "email"),
    (Role::City, "city"),
    (Role::Region, "region"),
    (Role::BirthDate, "birth_date"),
    (Role::Date, "date"),
    (Role::Company, "company"),
    (Role::Inn, "inn"),
    (Role::Ogrn, "ogrn"),
    (Role::Snils, "snils"),
    (Role::Passport, "passport"),
    (Role::Address, "address"),
    (Role::Locality, "locality"),
    (Role::HouseNumber, "house"),
    (Role::Postcode, "postcode"),
    (Role::NationalId, "national_id"),
    (Role::Gender, "gender"),
    (Role::Source, "source"),
    (Role::Sku, "sku"),
    (Role::Product, "product"),
    (Role::Stage, "stage"),
    (Role::Amount, "amount"),
    (Role::Text, "text"),
];

impl Role {
    /// The role called `name` in `--map` (`phone`, `birth_date`, ...; also `full_name`, `fio`).
    pub fn parse(name: &str) -> Option<Role> {
        let key = name.trim().to_lowercase().replace('-', "_");
        let key = match key.as_str() {
            "full_name" | "fio" | "фио" => "name",
            "dob" | "birthdate" => "birth_date",
            "surname" => "last_name",
            "given_name" => "first_name",
            "middle_name" => "patronymic",
            other => other,
        };
        ROLE_NAMES
            .iter()
            .find(|(_, n)| *n == key)
            .map(|(role, _)| *role)
    }

    /// The `--map` name of the role.
    pub fn name(self) -> &'static str {
        ROLE_NAMES
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("text", |(_, n)| n)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Headers (folded, punctuation as `_`) that name a role exactly.
const HEADERS: &[(Role, &[&str])] = &[
    (
        Role::Id,
        &[
            "id",
            "rec_id",
            "record_id",
            "ид",
            "код",
            "идентификатор",
            "external_id",
            "uid",
        ],
    ),
    (
        Role::FullName,
        &[
            "фио",
            "ф_и_о",
            "полное_имя",
            "имя_клиента",
            "клиент",
            "контакт",
            "покупатель",
            "контактное_лицо",
            "имя_и_фамилия",
            "фамилия_имя",
            "фамилия_имя_отчество",
            "фамилия_и_имя",
            "заказчик",
            "абонент",
            "name",
            "full_name",
            "fullname",
            "contact",
            "contact_name",
            "customer",
            "customer_name",
            "client",
            "client_name",
            "person",
        ],
    ),
    (
        Role::LastName,
        &["фамилия", "surname", "last_name", "lastname", "family_name"],
    ),
    (
        Role::FirstName,
        &["имя", "given_name", "first_name", "firstname", "forename"],
    ),
    (
        Role::Patronymic,
        &[
            "отчество",
            "patronymic",
            "middle_name",
            "middlename",
            "second_name",
        ],
    ),
    (
        Role::Phone,
        &[
            "телефон",
            "тел",
            "моб_телефон",
            "мобильный",
            "мобильный_телефон",
            "рабочий_телефон",
            "контактный_телефон",
            "номер_телефона",
            "phone",
            "phone_number",
            "mobile",
            "tel",
            "telephone",
            "mobile_phone",
            "work_phone",
            "home_phone",
            "cell",
        ],
    ),
    (
        Role::Email,
        &[
            "email",
            "e_mail",
            "почта",
            "эл_почта",
            "электронная_почта",
            "емейл",
            "имейл",
            "mail",
            "email_address",
            "e_mail_address",
            "рабочий_e_mail",
        ],
    ),
    (
        Role::City,
        &[
            "город",
            "city",
            "town",
            "населенный_пункт",
            "нас_пункт",
            "гор",
        ],
    ),
    (
        Role::Region,
        &[
            "регион",
            "область",
            "субъект",
            "субъект_рф",
            "region",
            "state",
            "province",
        ],
    ),
    (
        Role::BirthDate,
        &[
            "дата_рождения",
            "др",
            "день_рождения",
            "birth_date",
            "birthdate",
            "date_of_birth",
            "dob",
            "birthday",
        ],
    ),
    (
        Role::Company,
        &[
            "компания",
            "организация",
            "название_компании",
            "юрлицо",
            "юр_лицо",
            "контрагент",
            "company",
            "company_name",
            "organization",
            "organisation",
            "account",
            "account_name",
        ],
    ),
    (Role::Inn, &["инн", "inn", "tax_id", "инн_компании"]),
    (Role::Ogrn, &["огрн", "огрнип", "ogrn"]),
    (Role::Snils, &["снилс", "snils"]),
    (
        Role::Passport,
        &[
            "паспорт",
            "passport",
            "серия_и_номер_паспорта",
            "паспорт_серия_номер",
        ],
    ),
    (
        Role::Address,
        &[
            "адрес",
            "address",
            "address_1",
            "address1",
            "street",
            "улица",
            "street_address",
        ],
    ),
    (
        Role::Locality,
        &[
            "address_2",
            "address2",
            "suburb",
            "район",
            "district",
            "locality",
        ],
    ),
    (
        Role::HouseNumber,
        &[
            "street_number",
            "дом",
            "house",
            "house_number",
            "номер_дома",
        ],
    ),
    (
        Role::Postcode,
        &[
            "индекс",
            "почтовый_индекс",
            "postcode",
            "zip",
            "zip_code",
            "postal_code",
        ],
    ),
    (
        Role::NationalId,
        &["soc_sec_id", "ssn", "national_id", "social_security_number"],
    ),
    (Role::Gender, &["пол", "gender", "sex"]),
    (
        Role::Source,
        &[
            "источник",
            "канал",
            "source",
            "lead_source",
            "источник_лида",
            "utm_source",
            "channel",
        ],
    ),
    (Role::Sku, &["артикул", "sku", "код_товара", "article"]),
    (
        Role::Product,
        &[
            "товар",
            "название_товара",
            "product",
            "product_name",
            "наименование",
        ],
    ),
    (
        Role::Stage,
        &[
            "стадия",
            "статус",
            "этап",
            "стадия_сделки",
            "статус_сделки",
            "этап_сделки",
            "результат",
            "stage",
            "status",
            "deal_stage",
            "outcome",
            "dealstage",
            "stagename",
        ],
    ),
    (
        Role::Amount,
        &[
            "сумма",
            "бюджет",
            "сумма_сделки",
            "amount",
            "deal_amount",
            "revenue",
            "opportunity",
            "value",
        ],
    ),
    (
        Role::Text,
        &[
            "комментарий",
            "примечание",
            "текст",
            "сообщение",
            "comment",
            "notes",
            "note",
            "text",
        ],
    ),
];

/// A header folded to the keys of [`HEADERS`]: lower case, `ё` as `е`,
/// runs of anything but letters and digits as one `_`.
fn header_key(header: &str) -> String {
    let folded = lexicon::fold(header);
    let mut key = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_matches('_').to_string()
}

/// The role a header names, if any: exactly, or by a telling word inside it
/// (`Телефон рабочий`, `Дата покупки`, `created_date`).
pub fn role_of_header(header: &str) -> Option<Role> {
    let key = header_key(header);
    if let Some((role, _)) = HEADERS
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
    {
        return Some(*role);
    }
    let has = |part: &str| key.split('_').any(|word| word == part) || key.contains(part);
    if has("рожд") || has("birth") {
        Some(Role::BirthDate)
    } else if has("телефон")
        || has("phone")
        || key
            .split('_')
            .any(|w| w.starts_with("моб") || w.starts_with("сотов"))
        || key == "tel"
    {
        Some(Role::Phone)
    } else if has("mail") || has("почта") {
        Some(Role::Email)
    } else if has("дата") || has("date") || key.ends_with("_at") || has("время") {
        Some(Role::Date)
    } else if has("фио") {
        Some(Role::FullName)
    } else if has("город") || has("city") {
        Some(Role::City)
    } else if key.split('_').any(|w| w == "инн") {
        Some(Role::Inn)
    } else if key.split('_').any(|w| w == "адрес" || w == "address") {
        Some(Role::Address)
    } else {
        None
    }
}

/// Columns and their roles for one table.
#[derive(Debug, Clone)]
pub struct Roles {
    /// The record id column.
    pub id: usize,
    /// Every column with a role, in column order; one role may hold several
    /// columns (two phone columns).
    pub columns: Vec<(usize, Role)>,
}

impl Roles {
    /// Detects roles from the headers; `map` (`role=column` pairs) overrides,
    /// `id` names the id column (default: a column called id, else the first).
    pub fn detect(
        frame: &Frame,
        map: &[(String, String)],
        id: Option<&str>,
    ) -> Result<Roles, QualityError> {
        let missing = |column: &str| QualityError::Columns {
            file: frame.path.clone(),
            reason: format!(
                "no column {column:?}; the header has: {}",
                frame.headers.join(", ")
            ),
        };
        let mut roles: Vec<Option<Role>> =
            frame.headers.iter().map(|h| role_of_header(h)).collect();
        for (role_name, column) in map {
            let role = Role::parse(role_name).ok_or_else(|| QualityError::Columns {
                file: frame.path.clone(),
                reason: format!(
                    "unknown role {role_name:?} in --map; expected one of: {}",
                    ROLE_NAMES
                        .iter()
                        .map(|(_, n)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
            let index = frame.column(column).ok_or_else(|| missing(column))?;
            roles[index] = Some(role);
        }
        let id = match id {
            Some(column) => frame.column(column).ok_or_else(|| missing(column))?,
            None => roles.iter().position(|r| *r == Some(Role::Id)).unwrap_or(0),
        };
        let columns = roles
            .into_iter()
            .enumerate()
            .filter(|(index, _)| *index != id)
            .filter_map(|(index, role)| role.map(|role| (index, role)))
            .collect();
        Ok(Roles { id, columns })
    }

    /// The columns holding `role`.
    pub fn columns_of(&self, role: Role) -> impl Iterator<Item = usize> + '_ {
        self.columns
            .iter()
            .filter(move |(_, r)| *r == role)
            .map(|(index, _)| *index)
    }

    /// The first column holding `role`.
    pub fn column_of(&self, role: Role) -> Option<usize> {
        self.columns_of(role).next()
    }

    /// The role of a column.
    pub fn role_of(&self, column: usize) -> Option<Role> {
        self.columns
            .iter()
            .find(|(index, _)| *index == column)
            .map(|(_, role)| *role)
    }
}

/// Parses `role=column,role=column` as given to `--map`.
pub fn parse_map(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            pair.split_once('=')
                .map(|(role, column)| (role.trim().to_string(), column.trim().to_string()))
                .ok_or_else(|| format!("{pair:?} is not role=column"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_russian_and_english_name_their_roles() {
        for (header, role) in [
            ("ФИО", Role::FullName),
            ("Ф.И.О.", Role::FullName),
            ("Телефон", Role::Phone),
            ("Рабочий телефон", Role::Phone),
            ("E-mail", Role::Email),
            ("Эл. почта", Role::Email),
            ("Город", Role::City),
            ("Дата рождения", Role::BirthDate),
            ("date_of_birth", Role::BirthDate),
            (" given_name", Role::FirstName),
            ("surname", Role::LastName),
            ("soc_sec_id", Role::NationalId),
            ("Дата покупки", Role::Date),
            ("ИНН", Role::Inn),
            ("Источник", Role::Source),
            ("Контактное лицо", Role::FullName),
            ("ФИО клиента", Role::FullName),
            ("Сотовый", Role::Phone),
            ("Моб. тел.", Role::Phone),
            ("Адрес доставки", Role::Address),
            ("ИНН организации", Role::Inn),
        ] {
            assert_eq!(role_of_header(header), Some(role), "{header}");
        }
        assert_eq!(role_of_header("Сумма"), Some(Role::Amount));
        assert_eq!(role_of_header("Цвет"), None);
        assert_eq!(
            role_of_header("Марка автомобиля"),
            None,
            "моб inside a word is no phone"
        );
    }

    #[test]
    fn map_overrides_and_unknown_names_are_errors() {
        let frame = Frame::new(vec!["Код".into(), "Моб.".into(), "X".into()], vec![]);
        let roles = Roles::detect(&frame, &[("phone".into(), "Моб.".into())], None).unwrap();
        assert_eq!(roles.id, 0);
        assert_eq!(roles.column_of(Role::Phone), Some(1));
        let error = Roles::detect(&frame, &[("telefon".into(), "X".into())], None).unwrap_err();
        assert!(
            error.to_string().contains("unknown role \"telefon\""),
            "{error}"
        );
        let error = Roles::detect(&frame, &[("phone".into(), "Нет".into())], None).unwrap_err();
        assert!(error.to_string().contains("no column \"Нет\""), "{error}");
    }
}
