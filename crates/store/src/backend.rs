//! The two backends, connecting, migrating and transactions.
//!
//! SQL is written once and run on both: every statement uses `$1`-style
//! parameters, which SQLite accepts too. The macros here expand one body per
//! backend, so each copy is concretely typed without a generic `Database`
//! bound on every function.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{Error, Result};

/// A connection pool to one of the two backends.
#[derive(Clone)]
pub enum Pool {
    /// Embedded SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// The store: a pool plus, for SQLite, the lock that keeps writers in line.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    // SQLite allows one writer; taking this lock before `BEGIN` turns
    // would-be SQLITE_BUSY upgrades into an orderly queue.
    write_lock: Arc<Mutex<()>>,
}

/// A write transaction: everything done through it lands together on
/// [`Tx::commit`], or not at all if it is dropped or an error occurs.
pub struct Tx {
    pub(crate) inner: TxInner,
    _write_guard: Option<OwnedMutexGuard<()>>,
}

pub(crate) enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$pool` bound to the concrete pool of `$store`.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::backend::Pool::Sqlite($pool) => $body,
            $crate::backend::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the concrete connection of `$tx`.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::backend::TxInner::Sqlite(transaction) => {
                let $conn = &mut **transaction;
                $body
            }
            $crate::backend::TxInner::Postgres(transaction) => {
                let $conn = &mut **transaction;
                $body
            }
        }
    };
}

/// Binds column values to a query, with typed NULLs.
macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        use $crate::layout::{ColumnType, ColumnValue};
        let mut query = $query;
        for value in $values {
            query = match value {
                ColumnValue::Null(ColumnType::Text) => query.bind(None::<String>),
                ColumnValue::Null(ColumnType::Int) => query.bind(None::<i64>),
                ColumnValue::Null(ColumnType::Bool) => query.bind(None::<bool>),
                ColumnValue::Null(ColumnType::Timestamp) => {
                    query.bind(None::<chrono::DateTime<chrono::Utc>>)
                }
                ColumnValue::Null(ColumnType::Date) => query.bind(None::<chrono::NaiveDate>),
                ColumnValue::Text(text) => query.bind(text),
                ColumnValue::Int(number) => query.bind(number),
                ColumnValue::Bool(flag) => query.bind(flag),
                ColumnValue::Timestamp(at) => query.bind(at),
                ColumnValue::Date(date) => query.bind(date),
            };
        }
        query
    }};
}

/// Reads a row's columns, in order, as column values.
macro_rules! read_columns {
    ($row:expr, $columns:expr) => {{
        use sqlx::Row;
        use $crate::layout::{ColumnType, ColumnValue};
        let row = $row;
        $columns
            .iter()
            .enumerate()
            .map(
                |(index, column)| -> std::result::Result<ColumnValue, sqlx::Error> {
                    Ok(match column.ty {
                        ColumnType::Text => row
                            .try_get::<Option<String>, _>(index)?
                            .map_or(ColumnValue::Null(column.ty), ColumnValue::Text),
                        ColumnType::Int => row
                            .try_get::<Option<i64>, _>(index)?
                            .map_or(ColumnValue::Null(column.ty), ColumnValue::Int),
                        ColumnType::Bool => row
                            .try_get::<Option<bool>, _>(index)?
                            .map_or(ColumnValue::Null(column.ty), ColumnValue::Bool),
                        ColumnType::Timestamp => row
                            .try_get::<Option<chrono::DateTime<chrono::Utc>>, _>(index)?
                            .map_or(ColumnValue::Null(column.ty), ColumnValue::Timestamp),
                        ColumnType::Date => row
                            .try_get::<Option<chrono::NaiveDate>, _>(index)?
                            .map_or(ColumnValue::Null(column.ty), ColumnValue::Date),
                    })
                },
            )
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
    }};
}

pub(crate) use {bind_values, on_pool, on_tx, read_columns};

impl Store {
    /// Connects to `sqlite://PATH` (created if missing; `sqlite::memory:` for
    /// a throw-away store) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:");
            if !memory {
                let path = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                let path = path.split('?').next().unwrap_or(path);
                if let Some(parent) = Path::new(path)
                    .parent()
                    .filter(|parent| !parent.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent)
                        .map_err(|error| Error::Database(sqlx::Error::Io(error)))?;
                }
            }
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .log_statements(log::LevelFilter::Off)
                .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(1));
            // An in-memory database lives in one connection; a pool of
            // several would see several empty databases.
            let max_connections = if memory { 1 } else { 8 };
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Statement logs would print whole SQL at WARN for every big batch; the
            // server logs requests itself, without personal data.
            let options = PgConnectOptions::from_str(url)?
                .log_statements(log::LevelFilter::Off)
                .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(1));
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?,
            )
        } else {
            return Err(Error::UnsupportedUrl(url.to_string()));
        };
        Ok(Self {
            pool,
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    /// Applies every migration not yet applied. Safe to run at each start.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()).map_err(Error::from))
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let guard = Arc::clone(&self.write_lock).lock_owned().await;
                Ok(Tx {
                    inner: TxInner::Sqlite(pool.begin().await?),
                    _write_guard: Some(guard),
                })
            }
            Pool::Postgres(pool) => Ok(Tx {
                inner: TxInner::Postgres(pool.begin().await?),
                _write_guard: None,
            }),
        }
    }

    /// The current time at the precision both backends keep (microseconds),
    /// so that a record reads back equal to what was written.
    pub fn now() -> DateTime<Utc> {
        let now = Utc::now();
        DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

impl Tx {
    /// Makes every change of this transaction durable.
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(transaction) => transaction.commit().await?,
            TxInner::Postgres(transaction) => transaction.commit().await?,
        }
        Ok(())
    }

    /// Drops every change of this transaction.
    pub async fn rollback(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(transaction) => transaction.rollback().await?,
            TxInner::Postgres(transaction) => transaction.rollback().await?,
        }
        Ok(())
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.inner, TxInner::Postgres(_))
    }
}
