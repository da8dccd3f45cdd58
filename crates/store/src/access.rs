//! API keys, user passwords and browser sessions. Only hashes are stored.

use chrono::{DateTime, Utc};
use domain::{Id, Role};
use sqlx::Row;

use crate::backend::{on_pool, on_tx};
use crate::{Error, Result, Store, Tx};
use sqlx::AssertSqlSafe;

/// A stored API key: its public prefix and the argon2 hash of the whole key.
#[derive(Debug, Clone)]
pub struct ApiKeyRow {
    /// Key id.
    pub id: Id,
    /// The key's public prefix, used to find it; not a secret.
    pub prefix: String,
    /// Argon2 PHC string of the whole key.
    pub hash: String,
    /// What the key may do.
    pub role: Role,
    /// A human label.
    pub name: String,
    /// The user the key acts for (a manager's key sees only their records).
    pub user_id: Option<Id>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A browser session, found by the hash of its cookie token.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// SHA-256 of the cookie token, hex.
    pub token_hash: String,
    /// Whose session it is.
    pub user_id: Id,
    /// When it stops being valid.
    pub expires_at: DateTime<Utc>,
}

const KEY_COLUMNS: &str = "id, prefix, hash, role, name, user_id, created_at, revoked_at";

/// The columns of `api_keys`, in the order of [`KEY_COLUMNS`].
type KeyColumns = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

fn key_from_row(columns: KeyColumns) -> Result<ApiKeyRow> {
    let (id, prefix, hash, role, name, user_id, created_at, revoked_at) = columns;
    let corrupt = |what: String| Error::BadQuery(format!("stored api key {prefix}: {what}"));
    Ok(ApiKeyRow {
        id: Id::parse(&id).map_err(|error| corrupt(error.to_string()))?,
        role: Role::parse(&role).map_err(|error| corrupt(error.to_string()))?,
        user_id: user_id
            .map(|text| Id::parse(&text))
            .transpose()
            .map_err(|error| corrupt(error.to_string()))?,
        prefix,
        hash,
        name,
        created_at,
        revoked_at,
    })
}

macro_rules! key_row {
    ($row:expr) => {
        key_from_row((
            $row.get(0),
            $row.get(1),
            $row.get(2),
            $row.get(3),
            $row.get(4),
            $row.get(5),
            $row.get(6),
            $row.get(7),
        ))
    };
}

impl Store {
    /// A key by its public prefix, revoked or not.
    pub async fn api_key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKeyRow>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE prefix = $1");
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(prefix).fetch_optional(pool).await? {
            Some(row) => Ok(Some(key_row!(row)?)),
            None => Ok(None),
        })
    }

    /// Every key, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRow>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC");
        on_pool!(self, pool => sqlx::query(AssertSqlSafe(sql)).fetch_all(pool).await?.iter().map(|row| key_row!(row)).collect())
    }

    /// A user's password hash, if they have one.
    pub async fn password_hash(&self, user_id: Id) -> Result<Option<String>> {
        on_pool!(self, pool => Ok(sqlx::query_scalar("SELECT password_hash FROM credentials WHERE user_id = $1").bind(user_id.to_string()).fetch_optional(pool).await?))
    }

    /// A live session by token hash.
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRow>> {
        let row: Option<(String, DateTime<Utc>)> = on_pool!(self, pool => sqlx::query("SELECT user_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
            .map(|row| (row.get(0), row.get(1))));
        row.map(|(user_id, expires_at)| {
            Ok(SessionRow {
                token_hash: token_hash.to_string(),
                user_id: Id::parse(&user_id).map_err(|error| Error::BadQuery(error.to_string()))?,
                expires_at,
            })
        })
        .transpose()
    }
}

impl Tx {
    /// Stores a new key.
    pub async fn insert_api_key(&mut self, key: &ApiKeyRow) -> Result<()> {
        on_tx!(self, conn => sqlx::query(AssertSqlSafe(format!("INSERT INTO api_keys ({KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")))
            .bind(key.id.to_string())
            .bind(&key.prefix)
            .bind(&key.hash)
            .bind(key.role.as_str())
            .bind(&key.name)
            .bind(key.user_id.map(|id| id.to_string()))
            .bind(key.created_at)
            .bind(key.revoked_at)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Revokes a key by prefix; `false` if no live key has it.
    pub async fn revoke_api_key(&mut self, prefix: &str, at: DateTime<Utc>) -> Result<bool> {
        let affected = on_tx!(self, conn => sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE prefix = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(prefix)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(affected > 0)
    }

    /// Sets or replaces a user's password hash.
    pub async fn set_password_hash(
        &mut self,
        user_id: Id,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(self, conn => sqlx::query("INSERT INTO credentials (user_id, password_hash, updated_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at")
            .bind(user_id.to_string())
            .bind(hash)
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Starts a session.
    pub async fn insert_session(&mut self, session: &SessionRow, now: DateTime<Utc>) -> Result<()> {
        on_tx!(self, conn => {
            // Sweep expired sessions while here, so the table does not grow forever.
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&mut *conn).await?;
            sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(&session.token_hash)
                .bind(session.user_id.to_string())
                .bind(now)
                .bind(session.expires_at)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        on_tx!(self, conn => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(conn).await?.rows_affected());
        Ok(())
    }

    /// Ends every session and removes the password of a user (when they are deleted or deactivated).
    pub async fn remove_credentials(&mut self, user_id: Id) -> Result<()> {
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id.to_string()).execute(&mut *conn).await?;
            sqlx::query("DELETE FROM credentials WHERE user_id = $1").bind(user_id.to_string()).execute(&mut *conn).await?;
        });
        Ok(())
    }
}
