//! Records and drafts: typed field values, and the parsing that makes them.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::{Map, Value as Json, json};

use crate::schema::{EnumOption, FieldDef, FieldType};
use crate::{
    Currency, Email, EntityKind, FieldError, Id, Inn, Money, Ogrn, Phone, ValueError, parse_date,
    parse_timestamp,
};

/// How to read values that leave something implicit.
#[derive(Debug, Clone)]
pub struct ParseContext {
    /// Region for phone numbers written without a country code (ISO 3166, `RU`).
    pub default_region: String,
    /// Currency of amounts that name none.
    pub default_currency: Currency,
    /// Offset of local times written without one (Moscow, +03:00, by default).
    pub local_offset: FixedOffset,
}

impl Default for ParseContext {
    fn default() -> Self {
        Self {
            default_region: "RU".to_string(),
            default_currency: Currency::RUB,
            local_offset: FixedOffset::east_opt(3 * 3600).expect("+03:00 is within a day"),
        }
    }
}

/// Where a record came from: the system and its id there. Re-importing the
/// same source and external id updates the record instead of adding one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    /// The system, e.g. `bitrix24`, `amocrm`, `hubspot`, `salesforce`, `csv`.
    pub system: String,
    /// The record's id in that system.
    pub external_id: String,
}

/// A typed field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, and the canonical value of enumerated fields.
    Text(String),
    /// A whole number.
    Int(i64),
    /// Yes or no.
    Bool(bool),
    /// Phone numbers, deduplicated, in the order given.
    Phones(Vec<Phone>),
    /// E-mail addresses, deduplicated, in the order given.
    Emails(Vec<Email>),
    /// An amount of money.
    Money(Money),
    /// A point in time.
    Timestamp(DateTime<Utc>),
    /// A calendar date.
    Date(NaiveDate),
    /// The id of another record.
    Ref(Id),
    /// A taxpayer number.
    Inn(Inn),
    /// A state registration number.
    Ogrn(Ogrn),
    /// Validated JSON: attributes or order lines.
    Json(Json),
}

impl Value {
    /// The value as the API shows it.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Text(text) => json!(text),
            Value::Int(number) => json!(number),
            Value::Bool(flag) => json!(flag),
            Value::Phones(phones) => json!(phones.iter().map(Phone::as_e164).collect::<Vec<_>>()),
            Value::Emails(emails) => json!(emails.iter().map(Email::as_str).collect::<Vec<_>>()),
            Value::Money(money) => {
                json!({"amount": money.to_decimal_string(), "currency": money.currency.code()})
            }
            Value::Timestamp(at) => json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            Value::Date(date) => json!(date.to_string()),
            Value::Ref(id) => json!(id.to_string()),
            Value::Inn(inn) => json!(inn.as_str()),
            Value::Ogrn(ogrn) => json!(ogrn.as_str()),
            Value::Json(value) => value.clone(),
        }
    }

    /// The value as one line of text, for the UI and search.
    pub fn to_text(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Phones(phones) => phones
                .iter()
                .map(Phone::to_display)
                .collect::<Vec<_>>()
                .join(", "),
            Value::Emails(emails) => emails
                .iter()
                .map(Email::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            Value::Money(money) => money.to_grouped_string(),
            Value::Bool(flag) => (if *flag { "✓" } else { "✗" }).to_string(),
            Value::Timestamp(at) => at.format("%Y-%m-%d %H:%M UTC").to_string(),
            other => match other.to_json() {
                Json::String(text) => text,
                json => json.to_string(),
            },
        }
    }
}

/// Parsed input for one record: the fields it sets and the fields it clears.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The kind of record.
    pub kind: EntityKind,
    /// Where it came from, if from another system.
    pub source: Option<SourceRef>,
    /// `Some(None)` clears the owner; `None` leaves it as it is.
    pub owner_id: Option<Option<Id>>,
    /// Field values to set; `None` clears the field.
    pub fields: BTreeMap<&'static str, Option<Value>>,
}

impl Draft {
    /// An empty draft of a kind.
    pub fn new(kind: EntityKind) -> Self {
        Self {
            kind,
            source: None,
            owner_id: None,
            fields: BTreeMap::new(),
        }
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The kind of record.
    pub kind: EntityKind,
    /// Its id.
    pub id: Id,
    /// Where it came from.
    pub source: Option<SourceRef>,
    /// The user who owns it.
    pub owner_id: Option<Id>,
    /// When fundament first stored it.
    pub created_at: DateTime<Utc>,
    /// When fundament last changed it.
    pub updated_at: DateTime<Utc>,
    /// Its field values; a field that is absent is empty.
    pub fields: BTreeMap<&'static str, Value>,
}

impl Record {
    /// A new record made from a draft; checks required fields and the
    /// kind's rules across fields.
    pub fn create(draft: Draft, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut record = Record {
            kind: draft.kind,
            id: Id::new(),
            source: draft.source.clone(),
            owner_id: None,
            created_at: now,
            updated_at: now,
            fields: BTreeMap::new(),
        };
        record.apply(draft, now)?;
        Ok(record)
    }

    /// Applies a draft's changes; checks required fields and the kind's rules
    /// across fields on the result.
    pub fn apply(&mut self, draft: Draft, now: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
        if let Some(owner) = draft.owner_id {
            self.owner_id = owner;
        }
        if draft.source.is_some() {
            self.source = draft.source;
        }
        for (name, value) in draft.fields {
            match value {
                Some(value) => self.fields.insert(name, value),
                None => self.fields.remove(name),
            };
        }
        self.updated_at = now;
        self.validate()
    }

    /// A text field's value, if set.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.fields.get(name) {
            Some(Value::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// A reference field's value, if set.
    pub fn reference(&self, name: &str) -> Option<Id> {
        match self.fields.get(name) {
            Some(Value::Ref(id)) => Some(*id),
            _ => None,
        }
    }

    /// A name to show for the record: a person's full name, a title, a login.
    pub fn title(&self) -> String {
        let parts: Vec<&str> = [
            "last_name",
            "first_name",
            "middle_name",
            "display_name",
            "name",
            "title",
            "number",
            "login",
            "kind",
        ]
        .iter()
        .filter_map(|name| self.text(name))
        .collect();
        match parts.first() {
            Some(_) if self.kind == EntityKind::Contact => {
                parts.iter().take(3).copied().collect::<Vec<_>>().join(" ")
            }
            Some(first) => (*first).to_string(),
            None => match self
                .fields
                .get("phones")
                .or_else(|| self.fields.get("emails"))
            {
                Some(value) => value.to_text(),
                None => format!("{} {}", self.kind, self.id),
            },
        }
    }

    /// Lower-case text of the searchable fields, `ё` folded to `е`; phones
    /// also appear as bare digits, so `916123` finds `+79161234567`.
    pub fn search_text(&self) -> String {
        let mut text = String::new();
        for def in self.kind.fields().iter().filter(|def| def.is_searchable()) {
            if let Some(value) = self.fields.get(def.name) {
                text.push_str(&value.to_text());
                text.push(' ');
                if let Value::Phones(phones) = value {
                    for phone in phones {
                        text.push_str(&phone.as_e164()[1..]);
                        text.push(' ');
                    }
                }
            }
        }
        fold_for_search(text.trim_end())
    }

    /// The record as the API shows it; every field of the kind is present,
    /// empty ones as `null`.
    pub fn to_json(&self) -> Json {
        let mut object = Map::new();
        object.insert("id".into(), json!(self.id.to_string()));
        object.insert(
            "owner_id".into(),
            json!(self.owner_id.map(|id| id.to_string())),
        );
        object.insert(
            "source_system".into(),
            json!(self.source.as_ref().map(|s| &s.system)),
        );
        object.insert(
            "external_id".into(),
            json!(self.source.as_ref().map(|s| &s.external_id)),
        );
        object.insert(
            "created_at".into(),
            json!(
                self.created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            ),
        );
        object.insert(
            "updated_at".into(),
            json!(
                self.updated_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            ),
        );
        for def in self.kind.fields() {
            object.insert(
                def.name.into(),
                self.fields.get(def.name).map_or(Json::Null, Value::to_json),
            );
        }
        Json::Object(object)
    }

    /// Checks required fields and the kind's rules across fields.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors: Vec<FieldError> = self
            .kind
            .fields()
            .iter()
            .filter(|def| def.required && !self.fields.contains_key(def.name))
            .map(|def| FieldError {
                field: def.name.to_string(),
                error: ValueError::new("the field is required but empty", "a value"),
            })
            .collect();
        let timestamp = |name| match self.fields.get(name) {
            Some(Value::Timestamp(at)) => Some(*at),
            _ => None,
        };
        if let (Some(opened), Some(closed)) = (timestamp("opened_at"), timestamp("closed_at"))
            && closed < opened
        {
            errors.push(FieldError {
                field: "closed_at".into(),
                error: ValueError::new(
                    format!("closed {closed} before it was opened {opened}"),
                    "a time not before opened_at",
                ),
            });
        }
        if self.kind == EntityKind::Contact
            && !["last_name", "first_name", "phones", "emails"]
                .iter()
                .any(|name| self.fields.contains_key(name))
        {
            errors.push(FieldError {
                field: "first_name".into(),
                error: ValueError::new(
                    "a contact needs a name, a phone or an e-mail",
                    "at least one of last_name, first_name, phones, emails",
                ),
            });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Lower-cases and folds `ё` to `е`, as search and matching expect.
pub fn fold_for_search(text: &str) -> String {
    text.to_lowercase().replace('ё', "е")
}

/// The keys every record has besides its kind's fields.
const COMMON_KEYS: &[&str] = &[
    "id",
    "owner_id",
    "source_system",
    "external_id",
    "created_at",
    "updated_at",
];

impl EntityKind {
    /// Parses raw input (an HTTP body or an import row) into a draft.
    /// `null` and empty strings clear a field. Every bad or unknown field is
    /// reported, not only the first.
    pub fn parse_draft(
        self,
        raw: &Map<String, Json>,
        context: &ParseContext,
    ) -> Result<Draft, Vec<FieldError>> {
        let mut draft = Draft::new(self);
        let mut errors = Vec::new();
        for (key, value) in raw {
            if COMMON_KEYS.contains(&key.as_str()) {
                continue;
            }
            let Some(def) = self.field(key) else {
                errors.push(FieldError {
                    field: key.clone(),
                    error: ValueError::new(
                        format!("{self} has no field `{key}`"),
                        "one of the fields listed in /api/openapi.json",
                    ),
                });
                continue;
            };
            match parse_value(def, value, context) {
                Ok(value) => {
                    draft.fields.insert(def.name, value);
                }
                Err(error) => errors.push(FieldError {
                    field: def.name.to_string(),
                    error,
                }),
            }
        }
        match raw.get("owner_id") {
            None => {}
            Some(Json::Null) => draft.owner_id = Some(None),
            Some(Json::String(text)) if text.trim().is_empty() => draft.owner_id = Some(None),
            Some(Json::String(text)) => match Id::parse(text) {
                Ok(id) => draft.owner_id = Some(Some(id)),
                Err(error) => errors.push(FieldError {
                    field: "owner_id".into(),
                    error,
                }),
            },
            Some(other) => errors.push(FieldError {
                field: "owner_id".into(),
                error: ValueError::new(format!("{other} is not an id"), "a user id"),
            }),
        }
        let text_of = |key: &str| {
            raw.get(key).and_then(|value| match value {
                Json::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
                Json::Number(number) => Some(number.to_string()),
                _ => None,
            })
        };
        match (text_of("source_system"), text_of("external_id")) {
            (Some(system), Some(external_id)) => {
                draft.source = Some(SourceRef {
                    system,
                    external_id,
                })
            }
            (None, None) => {}
            _ => errors.push(FieldError {
                field: "external_id".into(),
                error: ValueError::new(
                    "source_system and external_id come together",
                    "both or neither",
                ),
            }),
        }
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(errors)
        }
    }
}

/// Parses one raw value for a field; `Ok(None)` means "empty".
pub fn parse_value(
    def: &FieldDef,
    raw: &Json,
    context: &ParseContext,
) -> Result<Option<Value>, ValueError> {
    if is_empty(raw) {
        return Ok(None);
    }
    let text = || {
        scalar_text(raw).ok_or_else(|| {
            ValueError::new(format!("{raw} is not a single value"), "text or a number")
        })
    };
    let value = match def.ty {
        FieldType::Text => Value::Text(collapse_spaces(&text()?)),
        FieldType::LongText => Value::Text(text()?.trim().to_string()),
        FieldType::Int => Value::Int(parse_int(&text()?)?),
        FieldType::Bool => Value::Bool(parse_bool(raw)?),
        FieldType::Phones => {
            let phones = list_items(raw)?
                .iter()
                .map(|item| Phone::parse(item, &context.default_region))
                .collect::<Result<Vec<_>, _>>()?;
            Value::Phones(dedup(phones))
        }
        FieldType::Emails => Value::Emails(dedup(
            list_items(raw)?
                .iter()
                .map(|item| Email::parse(item))
                .collect::<Result<Vec<_>, _>>()?,
        )),
        FieldType::Money => Value::Money(parse_money(raw, context)?),
        FieldType::Timestamp => Value::Timestamp(parse_timestamp(&text()?, context.local_offset)?),
        FieldType::Date => Value::Date(parse_date(&text()?)?),
        FieldType::Ref(_) => Value::Ref(Id::parse(&text()?)?),
        FieldType::Inn => Value::Inn(Inn::parse(&text()?)?),
        FieldType::Ogrn => Value::Ogrn(Ogrn::parse(&text()?)?),
        FieldType::Enum(options) => Value::Text(parse_enum(&text()?, options)?.to_string()),
        FieldType::Attributes => Value::Json(parse_attributes(raw)?),
        FieldType::OrderLines => Value::Json(parse_order_lines(raw, context)?),
    };
    Ok(Some(value))
}

fn is_empty(raw: &Json) -> bool {
    match raw {
        Json::Null => true,
        Json::String(text) => text.trim().is_empty(),
        Json::Array(items) => items.iter().all(is_empty),
        _ => false,
    }
}

fn scalar_text(raw: &Json) -> Option<String> {
    match raw {
        Json::String(text) => Some(text.clone()),
        Json::Number(number) => Some(number.to_string()),
        Json::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_int(text: &str) -> Result<i64, ValueError> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let compact = compact.strip_suffix(".0").unwrap_or(&compact);
    compact.parse().map_err(|_| {
        ValueError::new(
            format!("{text:?} is not a whole number"),
            "a whole number such as 42",
        )
    })
}

fn parse_bool(raw: &Json) -> Result<bool, ValueError> {
    if let Json::Bool(flag) = raw {
        return Ok(*flag);
    }
    let text = scalar_text(raw).unwrap_or_default();
    match text.trim().to_lowercase().as_str() {
        "true" | "1" | "y" | "yes" | "да" | "д" | "+" | "on" | "есть" => Ok(true),
        "false" | "0" | "n" | "no" | "нет" | "н" | "-" | "off" => Ok(false),
        _ => Err(ValueError::new(
            format!("{text:?} is not yes or no"),
            "yes/no, да/нет, Y/N, true/false or 1/0",
        )),
    }
}

/// A list given as a JSON array, or as one text with `,`, `;` or line breaks between items.
fn list_items(raw: &Json) -> Result<Vec<String>, ValueError> {
    let items: Vec<String> = match raw {
        Json::Array(items) => items
            .iter()
            .filter(|item| !is_empty(item))
            .map(|item| {
                scalar_text(item).ok_or_else(|| {
                    ValueError::new(format!("{item} is not text"), "a list of texts")
                })
            })
            .collect::<Result<_, _>>()?,
        other => scalar_text(other).into_iter().collect(),
    };
    Ok(items
        .iter()
        .flat_map(|item| item.split([',', ';', '\n']))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect())
}

fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut unique = Vec::with_capacity(items.len());
    for item in items {
        if !unique.contains(&item) {
            unique.push(item);
        }
    }
    unique
}

fn parse_money(raw: &Json, context: &ParseContext) -> Result<Money, ValueError> {
    match raw {
        Json::Object(object) => {
            let currency = match object.get("currency").and_then(Json::as_str) {
                Some(code) => Currency::parse(code)?,
                None => context.default_currency,
            };
            let amount = object.get("amount").and_then(scalar_text).ok_or_else(|| {
                ValueError::new(
                    "the amount is missing",
                    "{\"amount\": \"1500.00\", \"currency\": \"RUB\"}",
                )
            })?;
            Money::parse(&amount, currency)
        }
        other => Money::parse(
            &scalar_text(other).unwrap_or_default(),
            context.default_currency,
        ),
    }
}

fn parse_enum(text: &str, options: &'static [EnumOption]) -> Result<&'static str, ValueError> {
    let lower = collapse_spaces(&text.to_lowercase());
    options
        .iter()
        .find(|option| option.value == lower || option.aliases.contains(&lower.as_str()))
        .map(|option| option.value)
        .ok_or_else(|| {
            let allowed = options
                .iter()
                .map(|option| option.value)
                .collect::<Vec<_>>()
                .join(", ");
            ValueError::new(
                format!("{text:?} is not one of {allowed}"),
                "one of the listed values",
            )
        })
}

fn parse_attributes(raw: &Json) -> Result<Json, ValueError> {
    const EXPECTED: &str =
        "a JSON object of names to texts or numbers, such as {\"color\": \"black\"}";
    let value = match raw {
        Json::String(text) => serde_json::from_str(text)
            .map_err(|error| ValueError::new(format!("not JSON: {error}"), EXPECTED))?,
        other => other.clone(),
    };
    match &value {
        Json::Object(object)
            if object
                .values()
                .all(|item| !item.is_object() && !item.is_array()) =>
        {
            Ok(value)
        }
        _ => Err(ValueError::new(
            "attributes must be a flat object",
            EXPECTED,
        )),
    }
}

fn parse_order_lines(raw: &Json, context: &ParseContext) -> Result<Json, ValueError> {
    const EXPECTED: &str = "a JSON array of lines such as [{\"sku\": \"A-1\", \"quantity\": 2, \"price\": \"990.00\"}]";
    let value = match raw {
        Json::String(text) => serde_json::from_str(text)
            .map_err(|error| ValueError::new(format!("not JSON: {error}"), EXPECTED))?,
        other => other.clone(),
    };
    let Json::Array(lines) = value else {
        return Err(ValueError::new("order lines must be an array", EXPECTED));
    };
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let number = index + 1;
            let object = line.as_object().ok_or_else(|| {
                ValueError::new(format!("line {number} is not an object"), EXPECTED)
            })?;
            let sku = object.get("sku").and_then(scalar_text);
            let product_id = object
                .get("product_id")
                .and_then(Json::as_str)
                .map(Id::parse)
                .transpose()?;
            if sku.is_none() && product_id.is_none() {
                return Err(ValueError::new(
                    format!("line {number} names neither sku nor product_id"),
                    EXPECTED,
                ));
            }
            let quantity = object
                .get("quantity")
                .and_then(scalar_text)
                .map(|text| parse_int(&text))
                .transpose()?
                .unwrap_or(1);
            if quantity <= 0 {
                return Err(ValueError::new(
                    format!("line {number} has quantity {quantity}"),
                    "a positive quantity",
                ));
            }
            let price = object
                .get("price")
                .map(|price| parse_money(price, context))
                .transpose()?;
            let mut normalized = Map::new();
            normalized.insert("sku".into(), json!(sku));
            normalized.insert(
                "product_id".into(),
                json!(product_id.map(|id| id.to_string())),
            );
            normalized.insert(
                "name".into(),
                object.get("name").cloned().unwrap_or(Json::Null),
            );
            normalized.insert("quantity".into(), json!(quantity));
            normalized.insert(
                "price".into(),
                price.map_or(Json::Null, |price| Value::Money(price).to_json()),
            );
            Ok(Json::Object(normalized))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Json::Array)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: EntityKind, raw: Json) -> Result<Draft, Vec<FieldError>> {
        kind.parse_draft(
            raw.as_object().expect("test input is an object"),
            &ParseContext::default(),
        )
    }

    #[test]
    fn a_messy_contact_becomes_typed_values() {
        let draft = parse(
            EntityKind::Contact,
            json!({
                "last_name": "  Иванов ", "first_name": "Иван",
                "phones": "8 (916) 123-45-67; +7 916 123 45 67, 8-495-123-45-67",
                "emails": ["Ivan@Mail.RU"], "birth_date": "02.01.1990", "consent_marketing": "да",
            }),
        )
        .unwrap();
        assert_eq!(
            draft.fields["last_name"],
            Some(Value::Text("Иванов".into()))
        );
        assert_eq!(
            draft.fields["phones"].as_ref().unwrap().to_json(),
            json!(["+79161234567", "+74951234567"])
        );
        assert_eq!(
            draft.fields["emails"].as_ref().unwrap().to_json(),
            json!(["Ivan@mail.ru"])
        );
        assert_eq!(
            draft.fields["birth_date"].as_ref().unwrap().to_json(),
            json!("1990-01-02")
        );
        assert_eq!(draft.fields["consent_marketing"], Some(Value::Bool(true)));
    }

    #[test]
    fn every_bad_field_is_reported_by_name() {
        let errors = parse(
            EntityKind::Contact,
            json!({"phones": "12", "emails": "nope", "shoe_size": 42}),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(fields, ["emails", "phones", "shoe_size"]);
    }

    #[test]
    fn enum_values_are_recognised_by_their_russian_names() {
        let draft = parse(
            EntityKind::Deal,
            json!({"status": "Успешно", "amount": "150 000 руб."}),
        )
        .unwrap();
        assert_eq!(draft.fields["status"], Some(Value::Text("won".into())));
        assert_eq!(
            draft.fields["amount"].as_ref().unwrap().to_json(),
            json!({"amount": "150000.00", "currency": "RUB"})
        );
        assert!(parse(EntityKind::Deal, json!({"status": "maybe"})).is_err());
    }

    #[test]
    fn a_record_checks_required_fields_and_cross_field_rules() {
        let now = Utc::now();
        let errors = Record::create(
            parse(EntityKind::Product, json!({"name": "Кроссовки"})).unwrap(),
            now,
        )
        .unwrap_err();
        assert_eq!(errors[0].field, "sku");
        let deal = parse(
            EntityKind::Deal,
            json!({"opened_at": "2024-03-02", "closed_at": "2024-03-01"}),
        )
        .unwrap();
        assert_eq!(Record::create(deal, now).unwrap_err()[0].field, "closed_at");
        assert!(
            Record::create(
                parse(EntityKind::Contact, json!({"city": "Москва"})).unwrap(),
                now
            )
            .is_err()
        );
    }

    #[test]
    fn search_text_is_folded_and_finds_phone_digits() {
        let draft = parse(
            EntityKind::Contact,
            json!({"last_name": "Ёлкина", "phones": "+79161234567"}),
        )
        .unwrap();
        let record = Record::create(draft, Utc::now()).unwrap();
        let text = record.search_text();
        assert!(
            text.contains("елкина") && text.contains("79161234567"),
            "{text}"
        );
    }

    #[test]
    fn order_lines_are_normalised() {
        let draft = parse(
            EntityKind::Order,
            json!({"lines": [{"sku": "SN-42", "quantity": "2", "price": "4 990"}]}),
        )
        .unwrap();
        assert_eq!(
            draft.fields["lines"].as_ref().unwrap().to_json(),
            json!([{"sku": "SN-42", "product_id": null, "name": null, "quantity": 2, "price": {"amount": "4990.00", "currency": "RUB"}}])
        );
        assert!(parse(EntityKind::Order, json!({"lines": [{"quantity": 1}]})).is_err());
    }
}
