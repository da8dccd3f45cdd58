//! Records of every kind: read, list with filters, sort and cursor
//! pagination, and write inside a transaction.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::{EntityKind, Id, ParseContext, Record};
use serde_json::{Value as Json, json};

use crate::backend::{TxInner, bind_values, on_pool, on_tx, read_columns};
use crate::layout::{self, Column, ColumnType, ColumnValue, columns, from_columns, to_columns};
use crate::{Error, Result, Store, Tx};
use sqlx::AssertSqlSafe;

/// The largest page a list returns.
pub const MAX_LIMIT: usize = 500;

/// A comparison in a list filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater than or equal.
    Gte,
    /// Less than or equal.
    Lte,
}

impl FilterOp {
    fn sql(self) -> &'static str {
        match self {
            FilterOp::Eq => "=",
            FilterOp::Ne => "<>",
            FilterOp::Gte => ">=",
            FilterOp::Lte => "<=",
        }
    }
}

/// One condition on a column.
#[derive(Debug, Clone)]
pub struct Filter {
    column: String,
    op: FilterOp,
    value: ColumnValue,
}

impl Filter {
    /// A condition on a field or common column (`owner_id`, `source_system`,
    /// `external_id`, `created_at`, `updated_at`) of `kind`, its value
    /// parsed as that field's values are; `null` tests for emptiness with
    /// `Eq` and `Ne`.
    pub fn parse(kind: EntityKind, field: &str, op: FilterOp, text: &str) -> Result<Self> {
        let bad = |why: String| Error::BadQuery(format!("filter on `{field}`: {why}"));
        let common = layout::COMMON_COLUMNS
            .iter()
            .find(|(name, _)| *name == field && *name != "search");
        let (column, ty) = match (common, kind.field(field)) {
            (Some((name, ty)), _) => ((*name).to_string(), *ty),
            (None, Some(def)) if def.is_filterable() => {
                let column = layout::field_columns(def).remove(0);
                (column.name, column.ty)
            }
            (None, Some(_)) => {
                return Err(bad("this field cannot be filtered or sorted on".into()));
            }
            (None, None) => return Err(bad(format!("{kind} has no such field"))),
        };
        let value = if text == "null" {
            ColumnValue::Null(ty)
        } else {
            column_value_from_text(kind, field, ty, text).map_err(bad)?
        };
        Ok(Self { column, op, value })
    }
}

/// The order of a list.
#[derive(Debug, Clone)]
pub struct Sort {
    column: String,
    ty: ColumnType,
    descending: bool,
}

impl Sort {
    /// Sorts on a field or common column; `-name` sorts descending.
    pub fn parse(kind: EntityKind, spec: &str) -> Result<Self> {
        let (descending, name) = match spec.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, spec),
        };
        let filter = Filter::parse(kind, name, FilterOp::Eq, "null")
            .map_err(|_| Error::BadQuery(format!("cannot sort {kind} on `{name}`")))?;
        let ColumnValue::Null(ty) = filter.value else {
            return Err(Error::BadQuery(format!("cannot sort on `{name}`")));
        };
        Ok(Self {
            column: filter.column,
            ty,
            descending,
        })
    }

    /// Newest first: the default order of every list.
    pub fn newest_first() -> Self {
        Self {
            column: "created_at".into(),
            ty: ColumnType::Timestamp,
            descending: true,
        }
    }
}

/// What to list.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Conditions, all of which must hold.
    pub filters: Vec<Filter>,
    /// Words the record's search text must contain.
    pub search: Option<String>,
    /// The order.
    pub sort: Sort,
    /// At most this many records (capped at [`MAX_LIMIT`]).
    pub limit: usize,
    /// Where the previous page ended.
    pub cursor: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            filters: Vec::new(),
            search: None,
            sort: Sort::newest_first(),
            limit: 50,
            cursor: None,
        }
    }
}

/// One page of a list.
#[derive(Debug)]
pub struct Page {
    /// The records.
    pub items: Vec<Record>,
    /// Pass as `cursor` to get the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

impl Store {
    /// One record by id.
    pub async fn get(&self, kind: EntityKind, id: Id) -> Result<Option<Record>> {
        let columns = columns(kind);
        let sql = format!(
            "SELECT {} FROM {} WHERE id = $1",
            column_list(&columns),
            table(kind)
        );
        let values = on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(pool).await? {
            Some(row) => Some(read_columns!(&row, &columns)?),
            None => None,
        });
        values.map(|values| from_columns(kind, values)).transpose()
    }

    /// One page of records matching a query.
    pub async fn list(&self, kind: EntityKind, query: &ListQuery) -> Result<Page> {
        let limit = query.limit.clamp(1, MAX_LIMIT);
        let columns = columns(kind);
        let mut params = Vec::new();
        let mut conditions = where_conditions(query, &mut params);
        if let Some(cursor) = &query.cursor {
            conditions.push(cursor_condition(&query.sort, cursor, &mut params)?);
        }
        let direction = if query.sort.descending { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT {} FROM {} {} ORDER BY {col} {direction} NULLS LAST, id {direction} LIMIT {}",
            column_list(&columns),
            table(kind),
            where_clause(&conditions),
            limit + 1,
            col = query.sort.column,
        );
        let rows: Vec<Vec<ColumnValue>> = on_pool!(self, pool => {
            let rows = bind_values!(sqlx::query(AssertSqlSafe(sql)), params).fetch_all(pool).await?;
            rows.iter().map(|row| read_columns!(row, &columns)).collect::<std::result::Result<Vec<_>, _>>()?
        });
        let has_more = rows.len() > limit;
        let sort_index = columns
            .iter()
            .position(|column| column.name == query.sort.column)
            .unwrap_or(0);
        let mut next_cursor = None;
        let mut items = Vec::with_capacity(limit);
        for (index, values) in rows.into_iter().take(limit).enumerate() {
            if has_more && index + 1 == limit {
                next_cursor = Some(encode_cursor(&values[sort_index], &values[0]));
            }
            items.push(from_columns(kind, values)?);
        }
        Ok(Page { items, next_cursor })
    }

    /// How many records match a query's filters and search.
    pub async fn count(&self, kind: EntityKind, query: &ListQuery) -> Result<i64> {
        let mut params = Vec::new();
        let conditions = where_conditions(query, &mut params);
        let sql = format!(
            "SELECT COUNT(*) FROM {} {}",
            table(kind),
            where_clause(&conditions)
        );
        let count: i64 = on_pool!(self, pool => bind_values!(sqlx::query_scalar(AssertSqlSafe(sql)), params).fetch_one(pool).await?);
        Ok(count)
    }

    /// How many records of a kind there are.
    pub async fn count_all(&self, kind: EntityKind) -> Result<i64> {
        self.count(kind, &ListQuery::default()).await
    }
}

impl Tx {
    /// One record by id, read inside the transaction.
    pub async fn get(&mut self, kind: EntityKind, id: Id) -> Result<Option<Record>> {
        let columns = columns(kind);
        let sql = format!(
            "SELECT {} FROM {} WHERE id = $1",
            column_list(&columns),
            table(kind)
        );
        let values = on_tx!(self, conn => match sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await? {
            Some(row) => Some(read_columns!(&row, &columns)?),
            None => None,
        });
        values.map(|values| from_columns(kind, values)).transpose()
    }

    /// The records of `kind` whose reference field `field` points at `id`.
    pub async fn referencing(
        &mut self,
        kind: EntityKind,
        field: &str,
        id: Id,
    ) -> Result<Vec<Record>> {
        if !kind.fields().iter().any(|def| def.name == field) {
            return Err(Error::BadQuery(format!("{kind} has no field {field}")));
        }
        let columns = columns(kind);
        let sql = format!(
            "SELECT {} FROM {} WHERE {field} = $1",
            column_list(&columns),
            table(kind)
        );
        let rows: Vec<Vec<ColumnValue>> = on_tx!(self, conn => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_all(conn).await?;
            rows.iter().map(|row| read_columns!(row, &columns)).collect::<std::result::Result<Vec<_>, _>>()?
        });
        rows.into_iter()
            .map(|values| from_columns(kind, values))
            .collect()
    }

    /// Whether any record of `kind` came from `system`.
    pub async fn has_source(&mut self, kind: EntityKind, system: &str) -> Result<bool> {
        let sql = format!(
            "SELECT 1 FROM {} WHERE source_system = $1 LIMIT 1",
            table(kind)
        );
        let found = on_tx!(self, conn => sqlx::query(AssertSqlSafe(sql)).bind(system.to_string()).fetch_optional(conn).await?.is_some());
        Ok(found)
    }

    /// The records of `system` whose external ids are among `external_ids`,
    /// keyed by external id.
    pub async fn find_by_source(
        &mut self,
        kind: EntityKind,
        system: &str,
        external_ids: &[String],
    ) -> Result<HashMap<String, Record>> {
        let mut found = HashMap::new();
        let columns = columns(kind);
        for chunk in external_ids.chunks(500) {
            let rows: Vec<Vec<ColumnValue>> = match &mut self.inner {
                // A join with the wanted ids makes PostgreSQL probe the unique
                // index for each. Not a prepared statement: a generic plan
                // cached while the table was nearly empty would scan it whole
                // on every later batch, as the import makes it grow.
                TxInner::Postgres(transaction) => {
                    let sql = format!(
                        "SELECT {} FROM unnest($2::text[]) AS wanted(external_id) \
                         JOIN {} AS t ON t.source_system = $1 AND t.external_id = wanted.external_id",
                        qualified_column_list("t", &columns),
                        table(kind),
                    );
                    let rows = sqlx::query(AssertSqlSafe(sql))
                        .persistent(false)
                        .bind(system.to_string())
                        .bind(chunk.to_vec())
                        .fetch_all(&mut **transaction)
                        .await?;
                    rows.iter()
                        .map(|row| read_columns!(row, &columns))
                        .collect::<std::result::Result<Vec<_>, _>>()?
                }
                // SQLite plans the IN list as index probes; anonymous `?`
                // keeps sqlx's parameter binding linear.
                TxInner::Sqlite(transaction) => {
                    let sql = format!(
                        "SELECT {} FROM {} WHERE source_system = ? AND external_id IN ({})",
                        column_list(&columns),
                        table(kind),
                        vec!["?"; chunk.len()].join(", ")
                    );
                    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(system.to_string());
                    for external_id in chunk {
                        query = query.bind(external_id.clone());
                    }
                    let rows = query.fetch_all(&mut **transaction).await?;
                    rows.iter()
                        .map(|row| read_columns!(row, &columns))
                        .collect::<std::result::Result<Vec<_>, _>>()?
                }
            };
            for values in rows {
                let record = from_columns(kind, values)?;
                if let Some(source) = &record.source {
                    found.insert(source.external_id.clone(), record);
                }
            }
        }
        Ok(found)
    }

    /// Inserts a new record.
    pub async fn insert(&mut self, record: &Record) -> Result<()> {
        let columns = columns(record.kind);
        let placeholders: Vec<String> = (1..=columns.len())
            .map(|index| format!("${index}"))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table(record.kind),
            column_list(&columns),
            placeholders.join(", ")
        );
        on_tx!(self, conn => bind_values!(sqlx::query(AssertSqlSafe(sql)), to_columns(record)).execute(conn).await?.rows_affected());
        Ok(())
    }

    /// Replaces a stored record's columns with the record's.
    pub async fn update(&mut self, record: &Record) -> Result<()> {
        let columns = columns(record.kind);
        let assignments: Vec<String> = columns
            .iter()
            .enumerate()
            .skip(1)
            .map(|(index, column)| format!("{} = ${}", column.name, index + 1))
            .collect();
        let sql = format!(
            "UPDATE {} SET {} WHERE id = $1",
            table(record.kind),
            assignments.join(", ")
        );
        let affected = on_tx!(self, conn => bind_values!(sqlx::query(AssertSqlSafe(sql)), to_columns(record)).execute(conn).await?.rows_affected());
        if affected == 0 {
            return Err(Error::NotFound {
                kind: record.kind.to_string(),
                id: record.id.to_string(),
            });
        }
        Ok(())
    }

    /// Inserts or replaces many records of one kind in few statements.
    pub async fn write_batch(&mut self, kind: EntityKind, records: &[Record]) -> Result<()> {
        let columns = columns(kind);
        let postgres = self.is_postgres();
        // Both backends cap bound parameters per statement (SQLite 32766).
        let rows_per_statement = (30_000 / columns.len()).clamp(1, 1000);
        let updates: Vec<String> = columns
            .iter()
            .skip(1)
            .map(|column| format!("{0} = excluded.{0}", column.name))
            .collect();
        for chunk in records.chunks(rows_per_statement) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|row| {
                    let placeholders: Vec<String> = (1..=columns.len())
                        .map(|column| placeholder(postgres, row * columns.len() + column))
                        .collect();
                    format!("({})", placeholders.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {} ON CONFLICT (id) DO UPDATE SET {}",
                table(kind),
                column_list(&columns),
                rows.join(", "),
                updates.join(", ")
            );
            let values: Vec<ColumnValue> = chunk.iter().flat_map(to_columns).collect();
            on_tx!(self, conn => bind_values!(sqlx::query(AssertSqlSafe(sql)), values).execute(conn).await?.rows_affected());
        }
        Ok(())
    }

    /// Deletes a record; `NotFound` if there was none.
    pub async fn delete(&mut self, kind: EntityKind, id: Id) -> Result<()> {
        let sql = format!("DELETE FROM {} WHERE id = $1", table(kind));
        let affected = on_tx!(self, conn => sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).execute(conn).await?.rows_affected());
        if affected == 0 {
            return Err(Error::NotFound {
                kind: kind.to_string(),
                id: id.to_string(),
            });
        }
        Ok(())
    }
}

/// The `number`th parameter of a statement. SQLite gets anonymous `?`, bound
/// in order: sqlx resolves every named `$n` by a linear search of the
/// statement's parameter names, which is quadratic in a 20,000-parameter batch.
/// Only for statements whose parameters appear once each, in order.
fn placeholder(postgres: bool, number: usize) -> String {
    if postgres {
        format!("${number}")
    } else {
        "?".to_string()
    }
}

fn table(kind: EntityKind) -> String {
    format!("\"{}\"", kind.collection())
}

fn qualified_column_list(alias: &str, columns: &[Column]) -> String {
    columns
        .iter()
        .map(|column| format!("{alias}.{}", column.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn column_list(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|column| column.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

fn where_conditions(query: &ListQuery, params: &mut Vec<ColumnValue>) -> Vec<String> {
    let mut conditions = Vec::new();
    for filter in &query.filters {
        match (&filter.value, filter.op) {
            (ColumnValue::Null(_), FilterOp::Ne) => {
                conditions.push(format!("{} IS NOT NULL", filter.column))
            }
            (ColumnValue::Null(_), _) => conditions.push(format!("{} IS NULL", filter.column)),
            (value, op) => {
                params.push(value.clone());
                conditions.push(format!("{} {} ${}", filter.column, op.sql(), params.len()));
            }
        }
    }
    for word in query
        .search
        .iter()
        .flat_map(|search| search.split_whitespace())
    {
        let escaped = domain::fold_for_search(word)
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        params.push(ColumnValue::Text(format!("%{escaped}%")));
        conditions.push(format!("search LIKE ${} ESCAPE '\\'", params.len()));
    }
    conditions
}

fn encode_cursor(sort_value: &ColumnValue, id: &ColumnValue) -> String {
    let value = match sort_value {
        ColumnValue::Null(_) => Json::Null,
        ColumnValue::Text(text) => json!(text),
        ColumnValue::Int(number) => json!(number),
        ColumnValue::Bool(flag) => json!(flag),
        ColumnValue::Timestamp(at) => json!(at.to_rfc3339()),
        ColumnValue::Date(date) => json!(date.to_string()),
    };
    let id = match id {
        ColumnValue::Text(text) => text.clone(),
        _ => String::new(),
    };
    URL_SAFE_NO_PAD.encode(json!([value, id]).to_string())
}

/// The condition that keeps only rows after the cursor, in the list's order
/// (NULLs last in both directions).
fn cursor_condition(sort: &Sort, cursor: &str, params: &mut Vec<ColumnValue>) -> Result<String> {
    let bad = || Error::BadQuery("the cursor is not one this list returned".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let decoded: Json = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let (value, id) = match decoded.as_array().map(Vec::as_slice) {
        Some([value, Json::String(id)]) => (value.clone(), id.clone()),
        _ => return Err(bad()),
    };
    let after = if sort.descending { "<" } else { ">" };
    let column = &sort.column;
    params.push(ColumnValue::Text(id));
    let id_param = params.len();
    if value.is_null() {
        return Ok(format!("({column} IS NULL AND id {after} ${id_param})"));
    }
    let text = match &value {
        Json::String(text) => text.clone(),
        other => other.to_string(),
    };
    let value = match sort.ty {
        ColumnType::Text => ColumnValue::Text(text),
        ColumnType::Int => ColumnValue::Int(text.parse().map_err(|_| bad())?),
        ColumnType::Bool => ColumnValue::Bool(text == "true"),
        ColumnType::Timestamp => ColumnValue::Timestamp(
            chrono::DateTime::parse_from_rfc3339(&text)
                .map_err(|_| bad())?
                .to_utc(),
        ),
        ColumnType::Date => ColumnValue::Date(text.parse().map_err(|_| bad())?),
    };
    params.push(value.clone());
    let first = params.len();
    params.push(value);
    let second = params.len();
    Ok(format!(
        "({column} IS NULL OR {column} {after} ${first} OR ({column} = ${second} AND id {after} ${id_param}))"
    ))
}

fn column_value_from_text(
    kind: EntityKind,
    field: &str,
    ty: ColumnType,
    text: &str,
) -> std::result::Result<ColumnValue, String> {
    if let Some(def) = kind.field(field) {
        return match domain::parse_value(
            def,
            &Json::String(text.to_string()),
            &ParseContext::default(),
        ) {
            Ok(Some(value)) => Ok(layout::to_column(&value)),
            Ok(None) => Ok(ColumnValue::Null(ty)),
            Err(error) => Err(error.to_string()),
        };
    }
    match ty {
        ColumnType::Timestamp => {
            domain::parse_timestamp(text, ParseContext::default().local_offset)
                .map(ColumnValue::Timestamp)
                .map_err(|error| error.to_string())
        }
        _ if field == "owner_id" => Id::parse(text)
            .map(|id| ColumnValue::Text(id.to_string()))
            .map_err(|error| error.to_string()),
        _ => Ok(ColumnValue::Text(text.to_string())),
    }
}
