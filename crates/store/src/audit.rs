//! The append-only audit log, hash-chained so that an edited or deleted
//! entry is detected.
//!
//! Each entry's hash covers the previous entry's hash, its own sequence
//! number, time, actor, action, entity and a digest of its before/after
//! payloads. Keeping the digest rather than the payload in the chain lets a
//! lawful erasure blank a payload later without breaking verification.
//! The chain head is also kept in `audit_head`, so truncating the tail is
//! detected too.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::backend::{on_pool, on_tx};
use crate::{Result, Store, Tx};
use sqlx::AssertSqlSafe;

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    /// Who: `user:<id>`, `key:<prefix>`, `cli`, `system`.
    pub actor: String,
    /// What: `create`, `update`, `delete`, `import`, `key.create` ...
    pub action: String,
    /// Which kind of thing (`contact`, `api_key` ...).
    pub entity: String,
    /// Its id, if one thing.
    pub entity_id: Option<String>,
    /// The state before (JSON), if any.
    pub before: Option<String>,
    /// The state after (JSON), if any.
    pub after: Option<String>,
}

/// A stored entry.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Which kind of thing.
    pub entity: String,
    /// Its id.
    pub entity_id: Option<String>,
    /// The state before.
    pub before: Option<String>,
    /// The state after.
    pub after: Option<String>,
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    /// Every entry is intact.
    Intact {
        /// How many entries were checked.
        entries: i64,
    },
    /// The first place where the chain breaks.
    Broken {
        /// The sequence number where it breaks.
        seq: i64,
        /// What is wrong there.
        reason: String,
    },
}

const SELECT_ENTRIES: &str = "SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, payload_digest, prev_hash, hash FROM audit_log";

impl Tx {
    /// Appends an entry in this transaction: it lands only with the change it records.
    pub async fn append_audit(&mut self, entry: NewAuditEntry) -> Result<i64> {
        if self.is_postgres() {
            // Serialises appenders across processes so the chain stays linear.
            on_tx!(self, conn => sqlx::query("SELECT pg_advisory_xact_lock(7243911)").execute(conn).await?.rows_affected());
        }
        let head: Option<(i64, String)> = on_tx!(self, conn => sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(conn)
            .await?
            .map(|row| (row.get::<i64, _>(0), row.get::<String, _>(1))));
        let (previous_seq, previous_hash) = head.unwrap_or((0, String::new()));
        let seq = previous_seq + 1;
        let at = Store::now();
        let digest = payload_digest(entry.before.as_deref(), entry.after.as_deref());
        let hash = chain_hash(
            &previous_hash,
            seq,
            at,
            &entry.actor,
            &entry.action,
            &entry.entity,
            entry.entity_id.as_deref(),
            &digest,
        );
        on_tx!(self, conn => {
            sqlx::query("INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, payload_digest, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .bind(seq)
                .bind(at)
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(&entry.entity)
                .bind(&entry.entity_id)
                .bind(&entry.before)
                .bind(&entry.after)
                .bind(&digest)
                .bind(&previous_hash)
                .bind(&hash)
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash")
                .bind(seq)
                .bind(&hash)
                .execute(&mut *conn)
                .await?;
        });
        Ok(seq)
    }
}

impl Store {
    /// The newest entries first, at most `limit`, optionally about one entity.
    pub async fn audit_entries(
        &self,
        limit: i64,
        entity_id: Option<&str>,
    ) -> Result<Vec<AuditEntry>> {
        let sql = match entity_id {
            Some(_) => format!("{SELECT_ENTRIES} WHERE entity_id = $2 ORDER BY seq DESC LIMIT $1"),
            None => format!("{SELECT_ENTRIES} ORDER BY seq DESC LIMIT $1"),
        };
        let entries = on_pool!(self, pool => {
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(limit);
            if let Some(entity_id) = entity_id {
                query = query.bind(entity_id.to_string());
            }
            query.fetch_all(pool).await?.iter().map(|row| AuditEntry {
                seq: row.get(0),
                at: row.get(1),
                actor: row.get(2),
                action: row.get(3),
                entity: row.get(4),
                entity_id: row.get(5),
                before: row.get(6),
                after: row.get(7),
            }).collect()
        });
        Ok(entries)
    }

    /// Walks the whole chain and reports the first broken place.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        let mut previous_hash = String::new();
        let mut expected_seq = 1_i64;
        loop {
            let sql = format!("{SELECT_ENTRIES} WHERE seq >= $1 ORDER BY seq LIMIT 1000");
            type Row = (
                i64,
                DateTime<Utc>,
                String,
                String,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                String,
                String,
                String,
            );
            let rows: Vec<Row> = on_pool!(self, pool => sqlx::query(AssertSqlSafe(sql)).bind(expected_seq).fetch_all(pool).await?.iter().map(|row| (
                row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5), row.get(6), row.get(7), row.get(8), row.get(9), row.get(10),
            )).collect());
            if rows.is_empty() {
                break;
            }
            for (
                seq,
                at,
                actor,
                action,
                entity,
                entity_id,
                before,
                after,
                digest,
                prev_hash,
                hash,
            ) in rows
            {
                let broken = |reason: &str| {
                    Ok(AuditVerification::Broken {
                        seq,
                        reason: reason.to_string(),
                    })
                };
                if seq != expected_seq {
                    return Ok(AuditVerification::Broken {
                        seq: expected_seq,
                        reason: format!("entry {expected_seq} is missing"),
                    });
                }
                if prev_hash != previous_hash {
                    return broken("its link to the previous entry does not match");
                }
                if (before.is_some() || after.is_some())
                    && payload_digest(before.as_deref(), after.as_deref()) != digest
                {
                    return broken("its before/after payload was changed");
                }
                if chain_hash(
                    &prev_hash,
                    seq,
                    at,
                    &actor,
                    &action,
                    &entity,
                    entity_id.as_deref(),
                    &digest,
                ) != hash
                {
                    return broken("its contents do not match its hash");
                }
                previous_hash = hash;
                expected_seq += 1;
            }
        }
        let head: Option<(i64, String)> = on_pool!(self, pool => sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(pool)
            .await?
            .map(|row| (row.get::<i64, _>(0), row.get::<String, _>(1))));
        let entries = expected_seq - 1;
        match head {
            Some((seq, hash)) if seq != entries || hash != previous_hash => {
                Ok(AuditVerification::Broken {
                    seq: entries + 1,
                    reason: format!(
                        "the log ends at entry {entries} but its head says {seq}: entries were removed"
                    ),
                })
            }
            None if entries > 0 => Ok(AuditVerification::Broken {
                seq: 1,
                reason: "the chain head is missing".into(),
            }),
            _ => Ok(AuditVerification::Intact { entries }),
        }
    }
}

fn payload_digest(before: Option<&str>, after: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(before.unwrap_or("").as_bytes());
    hasher.update([0x1e]);
    hasher.update(after.unwrap_or("").as_bytes());
    hex::encode(hasher.finalize())
}

#[allow(clippy::too_many_arguments)] // the fields of one entry, hashed in one place
fn chain_hash(
    previous: &str,
    seq: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    digest: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        previous,
        &seq.to_string(),
        &at.timestamp_micros().to_string(),
        actor,
        action,
        entity,
        entity_id.unwrap_or(""),
        digest,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}
