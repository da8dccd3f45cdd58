//! Importing a file: read it through a preset, match owners to users, and
//! write every row in one transaction — or nothing, if any row is bad.
//!
//! Re-importing the same file updates the records it made (matched by
//! source system and external id) instead of adding them again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use domain::ParseContext;
use domain::{EntityKind, Id, Record};
use import::{ImportError, MappedRow, Mapper, Preset, RowIssue, Table, TableOptions};
use serde_json::json;
use store::{NewAuditEntry, Store, Tx};
use tokio::sync::mpsc::Sender;

use crate::{Actor, App, Error, Permission, Result};

/// Rows written per batch: large enough to amortise statements, small enough to bound memory.
const BATCH_ROWS: usize = 2000;
/// Issues kept in a report; the count goes on past it.
const MAX_REPORTED_ISSUES: usize = 1000;

/// How to import a file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The preset's name (ignored when `mapping_file` is given).
    pub preset: String,
    /// A user's own mapping file (a preset in TOML).
    pub mapping_file: Option<PathBuf>,
    /// Format, encoding and delimiter, when not detected.
    pub table: TableOptions,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// The file name to show in messages (an upload's original name).
    pub display_name: Option<String>,
}

/// How far an import has got.
#[derive(Debug, Clone, Copy)]
pub struct ImportProgress {
    /// Data rows read so far.
    pub rows_read: usize,
}

/// What an import did, or would have done.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// The file as named in messages.
    pub file: String,
    /// Format, encoding and delimiter found.
    pub detected: String,
    /// The preset used.
    pub preset: String,
    /// The kind of record rows became.
    pub entity: String,
    /// Data rows read.
    pub rows_read: usize,
    /// Records created (or that would have been).
    pub inserted: usize,
    /// Records updated (or that would have been).
    pub updated: usize,
    /// Rows rejected.
    pub rejected: usize,
    /// The first issues, with row and column.
    pub issues: Vec<RowIssue>,
    /// Columns of the file that no field takes.
    pub unmapped_columns: Vec<String>,
    /// Owners named in the file who had no user yet (created inactive).
    pub owners_created: Vec<String>,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Whether anything was written.
    pub written: bool,
}

impl ImportReport {
    /// The report as JSON, for the API, the UI and job results.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "file": self.file, "detected": self.detected, "preset": self.preset, "entity": self.entity,
            "rows_read": self.rows_read, "inserted": self.inserted, "updated": self.updated, "rejected": self.rejected,
            "issues": self.issues.iter().map(|issue| json!({"row": issue.row, "column": issue.column, "field": issue.field, "reason": issue.reason})).collect::<Vec<_>>(),
            "unmapped_columns": self.unmapped_columns, "owners_created": self.owners_created,
            "dry_run": self.dry_run, "written": self.written,
        })
    }

    /// Each issue as one line naming the file, the row and the column.
    pub fn issue_lines(&self) -> Vec<String> {
        self.issues
            .iter()
            .map(|issue| {
                format!(
                    "{}: row {}, column {:?}: {}",
                    self.file, issue.row, issue.column, issue.reason
                )
            })
            .collect()
    }
}

/// The first rows of a file as a preset would map them, before importing.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    /// Format, encoding and delimiter found.
    pub detected: String,
    /// The kind of record rows become.
    pub entity: String,
    /// Each column of the file and the field it feeds, if any.
    pub columns: Vec<(String, Option<String>)>,
    /// The first rows: the mapped record as JSON, or the row's issues.
    pub rows: Vec<(usize, Result<serde_json::Value, Vec<RowIssue>>)>,
}

/// Every mapping preset: those in `dir` first, then the built-in ones.
pub fn presets(dir: Option<&Path>) -> Vec<import::PresetSummary> {
    Preset::list(dir)
}

impl App {
    /// Every mapping preset: the user's own first, then the built-in ones.
    pub fn presets(&self) -> Vec<import::PresetSummary> {
        presets(self.config.presets_dir.as_deref())
    }

    /// Shows how the first `limit` rows of a file would import, writing nothing.
    pub fn preview_import(
        &self,
        actor: &Actor,
        path: &Path,
        options: &ImportOptions,
        limit: usize,
    ) -> Result<ImportPreview> {
        actor.require(Permission::Import)?;
        let preset = match &options.mapping_file {
            Some(file) => Preset::from_file(file)?,
            None => Preset::load(&options.preset, self.config.presets_dir.as_deref())?,
        };
        let mut table = Table::open(path, &options.table)?;
        let mapper = preset.mapper(table.headers())?;
        let columns = table
            .headers()
            .iter()
            .map(|header| (header.clone(), mapper.target_of(header)))
            .collect();
        let detected = table.detected.clone();
        let rows = table
            .rows()
            .take(limit)
            .map(|row| match row {
                Ok(raw) => (
                    raw.row,
                    mapper.map(&raw, &self.config.parse).and_then(|mapped| {
                        Record::create(mapped.draft, Store::now())
                            .map(|record| record.to_json())
                            .map_err(|errors| {
                                errors
                                    .into_iter()
                                    .map(|error| RowIssue {
                                        row: raw.row,
                                        column: error.field.clone(),
                                        field: error.field,
                                        reason: error.error.to_string(),
                                    })
                                    .collect()
                            })
                    }),
                ),
                Err(error) => (
                    0,
                    Err(vec![RowIssue {
                        row: 0,
                        column: "(whole row)".into(),
                        field: String::new(),
                        reason: error.to_string(),
                    }]),
                ),
            })
            .collect();
        Ok(ImportPreview {
            detected,
            entity: preset.entity.collection().into(),
            columns,
            rows,
        })
    }

    /// Imports one file. Any rejected row means nothing is written and the
    /// report lists the issues; so does a dry run.
    pub async fn import_file(
        &self,
        actor: &Actor,
        path: &Path,
        options: &ImportOptions,
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportReport> {
        actor.require(Permission::Import)?;
        let preset = match &options.mapping_file {
            Some(file) => Preset::from_file(file)?,
            None => Preset::load(&options.preset, self.config.presets_dir.as_deref())?,
        };
        actor.require(Permission::Write(preset.entity))?;
        let table = Table::open(path, &options.table)?;
        let mapper = preset.mapper(table.headers())?;
        let file = options
            .display_name
            .clone()
            .unwrap_or_else(|| path.display().to_string());
        let mut report = ImportReport {
            file: file.clone(),
            detected: table.detected.clone(),
            preset: preset.name.clone(),
            entity: preset.entity.collection().to_string(),
            unmapped_columns: mapper.unmapped_columns().to_vec(),
            dry_run: options.dry_run,
            ..ImportReport::default()
        };
        let mut owners = self.users_by_name().await?;
        let mut tx = self.store.begin().await?;
        let first_from_source = !tx.has_source(preset.entity, &preset.system).await?;
        let mut destination = Destination {
            kind: preset.entity,
            system: &preset.system,
            written: first_from_source.then(HashSet::new),
        };
        // Reading and parsing run on a blocking thread while this task writes
        // the previous batch: two stages, two cores. The channel's bound keeps
        // memory flat whatever the file's size.
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<ReadBatch>>(2);
        let parse = self.config.parse.clone();
        let reader =
            tokio::task::spawn_blocking(move || read_batches(table, mapper, parse, sender));
        while let Some(batch) = receiver.recv().await {
            let batch = batch?;
            report.rows_read += batch.rows_read;
            for issues in batch.rejected {
                reject(&mut report, issues);
            }
            self.write_rows(
                &mut tx,
                &mut destination,
                batch.mapped,
                &mut owners,
                &mut report,
            )
            .await?;
            progress(ImportProgress {
                rows_read: report.rows_read,
            });
        }
        reader.await.map_err(|error| Error::Io {
            context: "reading the file".into(),
            source: std::io::Error::other(error.to_string()),
        })?;
        if report.rejected > 0 || options.dry_run {
            tx.rollback().await?;
            return Ok(report);
        }
        tx.append_audit(NewAuditEntry {
            actor: actor.label.clone(),
            action: "import".into(),
            entity: preset.entity.as_str().into(),
            entity_id: None,
            before: None,
            after: Some(json!({"file": file, "preset": preset.name, "inserted": report.inserted, "updated": report.updated}).to_string()),
        })
        .await?;
        tx.commit().await?;
        report.written = true;
        Ok(report)
    }

    /// Merges a batch of rows with what the store has and writes them
    /// (writing stops, checking goes on, once any row was rejected).
    async fn write_rows(
        &self,
        tx: &mut Tx,
        destination: &mut Destination<'_>,
        rows: Vec<MappedRow>,
        owners: &mut HashMap<String, Id>,
        report: &mut ImportReport,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let (kind, system) = (destination.kind, destination.system);
        let mut external_ids: Vec<String> = rows
            .iter()
            .filter_map(|row| {
                row.draft
                    .source
                    .as_ref()
                    .map(|source| source.external_id.clone())
            })
            .collect();
        if let Some(written) = &mut destination.written {
            // Only an id this import already wrote can exist in the store.
            external_ids.retain(|external_id| !written.insert(fingerprint(external_id)));
        }
        let mut existing = if external_ids.is_empty() {
            HashMap::new()
        } else {
            tx.find_by_source(kind, system, &external_ids).await?
        };
        let mut records: Vec<Record> = Vec::with_capacity(rows.len());
        let mut position: HashMap<String, usize> = HashMap::new();
        let now = Store::now();
        for row in rows {
            let owner = match &row.owner {
                Some(name) => Some(self.owner_id(tx, name, owners, report).await?),
                None => None,
            };
            let external_id = row
                .draft
                .source
                .as_ref()
                .map(|source| source.external_id.clone())
                .unwrap_or_default();
            let mut draft = row.draft;
            if owner.is_some() {
                draft.owner_id = Some(owner);
            }
            let result = match position.get(&external_id).copied() {
                // The same record twice in one file: the later row wins.
                Some(index) => records[index].apply(draft, now).map(|()| None),
                None => match existing.remove(&external_id) {
                    Some(mut record) => record.apply(draft, now).map(|()| {
                        report.updated += 1;
                        Some(record)
                    }),
                    None => Record::create(draft, now).map(|record| {
                        report.inserted += 1;
                        Some(record)
                    }),
                },
            };
            match result {
                Ok(Some(record)) => {
                    position.insert(external_id, records.len());
                    records.push(record);
                }
                Ok(None) => {}
                Err(errors) => reject(
                    report,
                    errors
                        .into_iter()
                        .map(|error| RowIssue {
                            row: row.row,
                            column: error.field.clone(),
                            field: error.field,
                            reason: error.error.to_string(),
                        })
                        .collect(),
                ),
            }
        }
        if report.rejected == 0 {
            tx.write_batch(kind, &records).await?;
        }
        Ok(())
    }

    /// The user a file's owner name means; unknown names become inactive
    /// managers (no password, so they cannot log in until an admin sets one).
    async fn owner_id(
        &self,
        tx: &mut Tx,
        name: &str,
        owners: &mut HashMap<String, Id>,
        report: &mut ImportReport,
    ) -> Result<Id> {
        let key = domain::fold_for_search(name.trim());
        if let Some(id) = owners.get(&key) {
            return Ok(*id);
        }
        let login = format!(
            "import.{}",
            key.split_whitespace().collect::<Vec<_>>().join(".")
        );
        let raw = json!({"login": login, "display_name": name.trim(), "role": "manager", "active": false});
        let draft = EntityKind::User
            .parse_draft(
                raw.as_object()
                    .ok_or_else(|| Error::BadRequest("owner".into()))?,
                &self.config.parse,
            )
            .map_err(Error::Invalid)?;
        let user = Record::create(draft, Store::now()).map_err(Error::Invalid)?;
        tx.insert(&user).await?;
        owners.insert(key, user.id);
        report.owners_created.push(name.trim().to_string());
        Ok(user.id)
    }
}

/// Where an import's rows go.
struct Destination<'a> {
    kind: EntityKind,
    system: &'a str,
    /// Fingerprints of the external ids written so far, kept when the store
    /// had no record of this source before the import: then a row needs a
    /// lookup only if its id came earlier in the same file. Eight bytes a
    /// row, against a database round trip per batch that grows with the table.
    written: Option<HashSet<u64>>,
}

fn fingerprint(external_id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    external_id.hash(&mut hasher);
    hasher.finish()
}

/// Rows read and mapped, on their way to be written.
struct ReadBatch {
    rows_read: usize,
    mapped: Vec<MappedRow>,
    rejected: Vec<Vec<RowIssue>>,
}

/// Reads the whole table in batches and sends them on; stops early when the
/// writer has gone away (it failed) or the file cannot be read further.
fn read_batches(
    mut table: Table,
    mapper: Mapper,
    parse: ParseContext,
    sender: Sender<Result<ReadBatch>>,
) {
    let empty = || ReadBatch {
        rows_read: 0,
        mapped: Vec::with_capacity(BATCH_ROWS),
        rejected: Vec::new(),
    };
    let mut batch = empty();
    for row in table.rows() {
        batch.rows_read += 1;
        match row {
            Ok(raw) => match mapper.map(&raw, &parse) {
                Ok(mapped) => batch.mapped.push(mapped),
                Err(issues) => batch.rejected.push(issues),
            },
            Err(ImportError::Row { row, reason, .. }) => batch.rejected.push(vec![RowIssue {
                row,
                column: "(whole row)".into(),
                field: String::new(),
                reason,
            }]),
            Err(other) => {
                let _ = sender.blocking_send(Err(other.into()));
                return;
            }
        }
        if batch.mapped.len() >= BATCH_ROWS
            && sender
                .blocking_send(Ok(std::mem::replace(&mut batch, empty())))
                .is_err()
        {
            return;
        }
    }
    let _ = sender.blocking_send(Ok(batch));
}

fn reject(report: &mut ImportReport, issues: Vec<RowIssue>) {
    report.rejected += 1;
    let room = MAX_REPORTED_ISSUES.saturating_sub(report.issues.len());
    report.issues.extend(issues.into_iter().take(room));
}
