//! Master data: merges of duplicate records, each kept whole (the members as
//! they were, the references moved, the lineage of every golden field) so
//! that it can be undone; and reviewers' decisions on candidate pairs.

use chrono::{DateTime, Utc};
use domain::Id;
use sqlx::{AssertSqlSafe, Row};

use crate::backend::{on_pool, on_tx};
use crate::{Error, Result, Store, Tx};

/// A merge as stored.
#[derive(Debug, Clone)]
pub struct MergeRow {
    pub id: Id,
    /// The entity kind (`contact`, `company`).
    pub kind: String,
    /// The record that survived and now holds the golden values.
    pub golden_id: Id,
    /// JSON: the member records before the merge.
    pub snapshot: String,
    /// JSON: the references moved to the golden record.
    pub moved: String,
    /// JSON: each golden field's value, source record and rule.
    pub lineage: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub undone_at: Option<DateTime<Utc>>,
    pub undone_by: Option<String>,
}

const MERGE_COLUMNS: &str =
    "id, kind, golden_id, snapshot, moved, lineage, created_at, created_by, undone_at, undone_by";

macro_rules! merge_row {
    ($row:expr) => {{
        let row = $row;
        let parse =
            |text: String| Id::parse(&text).map_err(|error| Error::BadQuery(error.to_string()));
        Ok::<MergeRow, Error>(MergeRow {
            id: parse(row.get(0))?,
            kind: row.get(1),
            golden_id: parse(row.get(2))?,
            snapshot: row.get(3),
            moved: row.get(4),
            lineage: row.get(5),
            created_at: row.get(6),
            created_by: row.get(7),
            undone_at: row.get(8),
            undone_by: row.get(9),
        })
    }};
}

impl Tx {
    /// Records a merge; it lands only with the changes it describes.
    pub async fn insert_merge(&mut self, merge: &MergeRow) -> Result<()> {
        on_tx!(self, conn => sqlx::query("INSERT INTO merges (id, kind, golden_id, snapshot, moved, lineage, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(merge.id.to_string())
            .bind(&merge.kind)
            .bind(merge.golden_id.to_string())
            .bind(&merge.snapshot)
            .bind(&merge.moved)
            .bind(&merge.lineage)
            .bind(merge.created_at)
            .bind(&merge.created_by)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// One merge, read inside the transaction.
    pub async fn merge(&mut self, id: Id) -> Result<Option<MergeRow>> {
        let sql = format!("SELECT {MERGE_COLUMNS} FROM merges WHERE id = $1");
        on_tx!(self, conn => match sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await? {
            Some(row) => Ok(Some(merge_row!(row)?)),
            None => Ok(None),
        })
    }

    /// Marks a merge undone; `false` if it already was.
    pub async fn mark_merge_undone(&mut self, id: Id, by: &str) -> Result<bool> {
        let changed = on_tx!(self, conn => sqlx::query("UPDATE merges SET undone_at = $1, undone_by = $2 WHERE id = $3 AND undone_at IS NULL")
            .bind(Store::now())
            .bind(by)
            .bind(id.to_string())
            .execute(conn)
            .await?
            .rows_affected());
        Ok(changed > 0)
    }

    /// Records a reviewer's decision on a pair (kept in id order).
    pub async fn set_match_decision(
        &mut self,
        kind: &str,
        a: Id,
        b: Id,
        decision: &str,
        by: &str,
    ) -> Result<()> {
        let (left, right) = if a.to_string() <= b.to_string() {
            (a, b)
        } else {
            (b, a)
        };
        on_tx!(self, conn => sqlx::query("INSERT INTO match_decisions (kind, left_id, right_id, decision, decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6) \
            ON CONFLICT (kind, left_id, right_id) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at, decided_by = excluded.decided_by")
            .bind(kind)
            .bind(left.to_string())
            .bind(right.to_string())
            .bind(decision)
            .bind(Store::now())
            .bind(by)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }
}

impl Store {
    /// One merge.
    pub async fn merge(&self, id: Id) -> Result<Option<MergeRow>> {
        let sql = format!("SELECT {MERGE_COLUMNS} FROM merges WHERE id = $1");
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(pool).await? {
            Some(row) => Ok(Some(merge_row!(row)?)),
            None => Ok(None),
        })
    }

    /// The newest merges of a kind first, at most `limit`.
    pub async fn merges(&self, kind: &str, limit: i64) -> Result<Vec<MergeRow>> {
        let sql = format!(
            "SELECT {MERGE_COLUMNS} FROM merges WHERE kind = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(kind).bind(limit).fetch_all(pool).await?;
            rows.into_iter().map(|row| merge_row!(row)).collect()
        })
    }

    /// The merges whose golden record is `id`, newest first.
    pub async fn merges_into(&self, id: Id) -> Result<Vec<MergeRow>> {
        let sql = format!(
            "SELECT {MERGE_COLUMNS} FROM merges WHERE golden_id = $1 ORDER BY created_at DESC, id DESC"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_all(pool).await?;
            rows.into_iter().map(|row| merge_row!(row)).collect()
        })
    }

    /// Reviewers' decisions on pairs of a kind: `(left id, right id, decision)`.
    pub async fn match_decisions(&self, kind: &str) -> Result<Vec<(String, String, String)>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT left_id, right_id, decision FROM match_decisions WHERE kind = $1").bind(kind).fetch_all(pool).await?;
            Ok(rows.into_iter().map(|row| (row.get(0), row.get(1), row.get(2))).collect())
        })
    }
}
