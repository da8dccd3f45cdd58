//! How records map to table columns, derived from the domain schema.
//!
//! Every entity table has the common columns (id, source, owner, times,
//! search text) followed by one column per field; money takes two
//! (`<name>_minor`, `<name>_currency`), lists and JSON are stored as JSON text.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    Currency, EntityKind, FieldDef, FieldType, Id, Money, ParseContext, Record, SourceRef, Value,
};
use serde_json::Value as Json;

use crate::{Error, Result};

/// The SQL type family of a column, the same on both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// TEXT.
    Text,
    /// 64-bit integer.
    Int,
    /// BOOLEAN (INTEGER 0/1 on SQLite).
    Bool,
    /// TIMESTAMPTZ (RFC 3339 TEXT on SQLite).
    Timestamp,
    /// DATE (ISO TEXT on SQLite).
    Date,
}

/// A value bound to or read from one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValue {
    /// NULL of a column type (PostgreSQL wants typed NULLs).
    Null(ColumnType),
    /// Text.
    Text(String),
    /// Integer.
    Int(i64),
    /// Boolean.
    Bool(bool),
    /// Timestamp.
    Timestamp(DateTime<Utc>),
    /// Date.
    Date(NaiveDate),
}

/// One column of an entity table.
#[derive(Debug, Clone)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Its type.
    pub ty: ColumnType,
}

/// The columns every entity table starts with.
pub const COMMON_COLUMNS: [(&str, ColumnType); 7] = [
    ("id", ColumnType::Text),
    ("source_system", ColumnType::Text),
    ("external_id", ColumnType::Text),
    ("owner_id", ColumnType::Text),
    ("created_at", ColumnType::Timestamp),
    ("updated_at", ColumnType::Timestamp),
    ("search", ColumnType::Text),
];

/// The columns of one field.
pub fn field_columns(def: &FieldDef) -> Vec<Column> {
    let column = |name: String, ty| Column { name, ty };
    match def.ty {
        FieldType::Money => vec![
            column(format!("{}_minor", def.name), ColumnType::Int),
            column(format!("{}_currency", def.name), ColumnType::Text),
        ],
        FieldType::Int => vec![column(def.name.to_string(), ColumnType::Int)],
        FieldType::Bool => vec![column(def.name.to_string(), ColumnType::Bool)],
        FieldType::Timestamp => vec![column(def.name.to_string(), ColumnType::Timestamp)],
        FieldType::Date => vec![column(def.name.to_string(), ColumnType::Date)],
        _ => vec![column(def.name.to_string(), ColumnType::Text)],
    }
}

/// All columns of a kind's table, in order.
pub fn columns(kind: EntityKind) -> Vec<Column> {
    COMMON_COLUMNS
        .iter()
        .map(|(name, ty)| Column {
            name: (*name).to_string(),
            ty: *ty,
        })
        .chain(kind.fields().iter().flat_map(field_columns))
        .collect()
}

/// The column values of a record, in the order of [`columns`].
pub fn to_columns(record: &Record) -> Vec<ColumnValue> {
    let text = |value: Option<String>| {
        value.map_or(ColumnValue::Null(ColumnType::Text), ColumnValue::Text)
    };
    let mut values = vec![
        ColumnValue::Text(record.id.to_string()),
        text(record.source.as_ref().map(|source| source.system.clone())),
        text(
            record
                .source
                .as_ref()
                .map(|source| source.external_id.clone()),
        ),
        text(record.owner_id.map(|id| id.to_string())),
        ColumnValue::Timestamp(record.created_at),
        ColumnValue::Timestamp(record.updated_at),
        ColumnValue::Text(record.search_text()),
    ];
    for def in record.kind.fields() {
        let value = record.fields.get(def.name);
        match (def.ty, value) {
            (FieldType::Money, Some(Value::Money(money))) => {
                values.push(ColumnValue::Int(money.minor));
                values.push(ColumnValue::Text(money.currency.code().to_string()));
            }
            (FieldType::Money, _) => {
                values.push(ColumnValue::Null(ColumnType::Int));
                values.push(ColumnValue::Null(ColumnType::Text));
            }
            (_, None) => values.push(ColumnValue::Null(field_columns(def)[0].ty)),
            (_, Some(value)) => values.push(to_column(value)),
        }
    }
    values
}

/// The column form of one (non-money) value.
pub fn to_column(value: &Value) -> ColumnValue {
    match value {
        Value::Text(text) => ColumnValue::Text(text.clone()),
        Value::Int(number) => ColumnValue::Int(*number),
        Value::Bool(flag) => ColumnValue::Bool(*flag),
        Value::Timestamp(at) => ColumnValue::Timestamp(*at),
        Value::Date(date) => ColumnValue::Date(*date),
        Value::Money(money) => ColumnValue::Int(money.minor),
        Value::Phones(_) | Value::Emails(_) | Value::Json(_) => {
            ColumnValue::Text(value.to_json().to_string())
        }
        Value::Ref(_) | Value::Inn(_) | Value::Ogrn(_) => match value.to_json() {
            Json::String(text) => ColumnValue::Text(text),
            other => ColumnValue::Text(other.to_string()),
        },
    }
}

/// Rebuilds a record from its columns (read in the order of [`columns`]).
/// Stored values are parsed again, so a row edited behind fundament's back
/// is reported, not trusted.
pub fn from_columns(kind: EntityKind, values: Vec<ColumnValue>) -> Result<Record> {
    let mut values = values.into_iter();
    let mut next = || values.next().unwrap_or(ColumnValue::Null(ColumnType::Text));
    let corrupt = |column: &str, why: String| Error::Corrupt {
        kind,
        column: column.to_string(),
        reason: why,
    };
    let id_text = as_text(next()).ok_or_else(|| corrupt("id", "missing".into()))?;
    let id = Id::parse(&id_text).map_err(|error| corrupt("id", error.to_string()))?;
    let source_system = as_text(next());
    let external_id = as_text(next());
    let owner_id = as_text(next())
        .map(|text| Id::parse(&text))
        .transpose()
        .map_err(|error| corrupt("owner_id", error.to_string()))?;
    let created_at = as_timestamp(next()).ok_or_else(|| corrupt("created_at", "missing".into()))?;
    let updated_at = as_timestamp(next()).ok_or_else(|| corrupt("updated_at", "missing".into()))?;
    let _search = next();
    let context = ParseContext::default();
    let mut fields = BTreeMap::new();
    for def in kind.fields() {
        let value = match def.ty {
            FieldType::Money => {
                let minor = next();
                let currency = as_text(next());
                match (minor, currency) {
                    (ColumnValue::Int(minor), Some(code)) => {
                        let currency = Currency::parse(&code)
                            .map_err(|error| corrupt(def.name, error.to_string()))?;
                        Some(Value::Money(Money::from_minor(minor, currency)))
                    }
                    _ => None,
                }
            }
            _ => match next() {
                ColumnValue::Null(_) => None,
                ColumnValue::Int(number) => Some(Value::Int(number)),
                ColumnValue::Bool(flag) => Some(Value::Bool(flag)),
                ColumnValue::Timestamp(at) => Some(Value::Timestamp(at)),
                ColumnValue::Date(date) => Some(Value::Date(date)),
                ColumnValue::Text(text) => {
                    let raw = match def.ty {
                        FieldType::Phones
                        | FieldType::Emails
                        | FieldType::Attributes
                        | FieldType::OrderLines => serde_json::from_str(&text)
                            .map_err(|error| corrupt(def.name, error.to_string()))?,
                        _ => Json::String(text),
                    };
                    domain::parse_value(def, &raw, &context)
                        .map_err(|error| corrupt(def.name, error.to_string()))?
                }
            },
        };
        if let Some(value) = value {
            fields.insert(def.name, value);
        }
    }
    let source = match (source_system, external_id) {
        (Some(system), Some(external_id)) => Some(SourceRef {
            system,
            external_id,
        }),
        _ => None,
    };
    Ok(Record {
        kind,
        id,
        source,
        owner_id,
        created_at,
        updated_at,
        fields,
    })
}

fn as_text(value: ColumnValue) -> Option<String> {
    match value {
        ColumnValue::Text(text) => Some(text),
        _ => None,
    }
}

fn as_timestamp(value: ColumnValue) -> Option<DateTime<Utc>> {
    match value {
        ColumnValue::Timestamp(at) => Some(at),
        _ => None,
    }
}
