//! Master data: duplicate candidates from the store's records, merges into
//! a golden record by survivorship rules with the lineage of every field,
//! and undo. A merge is one transaction (the golden record, the members
//! removed, their references moved, the merge kept whole, one audit entry);
//! so is its undo.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::{EntityKind, FieldType, Id, Record, Value};
use quality::dedupe::{FieldWeight, Settings};
use quality::{Frame, Roles};
use serde_json::{Value as Json, json};
use store::{ListQuery, MergeRow, NewAuditEntry, Store, Tx};

use crate::records::{check_owner, not_found, visible};
use crate::{Actor, App, Error, Permission, Result};

/// Two records that may be one, with each field's part in the verdict.
#[derive(Debug, Clone)]
pub struct CandidatePair {
    pub a: Record,
    pub b: Record,
    pub probability: f64,
    pub fields: Vec<FieldWeight>,
}

/// Where one golden value came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Lineage {
    pub field: String,
    pub value: Json,
    /// The member record it was taken from (several for a union).
    pub from: Vec<Id>,
    pub rule: &'static str,
}

/// A merge as users see it.
#[derive(Debug, Clone)]
pub struct Merge {
    pub id: Id,
    pub kind: EntityKind,
    pub golden_id: Id,
    /// The records merged, as they were.
    pub members: Vec<Record>,
    pub lineage: Vec<Lineage>,
    /// References moved to the golden record: (kind, record, field, from member).
    pub moved: Vec<(EntityKind, Id, String, Id)>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub undone_at: Option<DateTime<Utc>>,
    pub undone_by: Option<String>,
}

/// An existing record a new one probably is.
#[derive(Debug, Clone)]
pub struct ProbableMatch {
    pub record: Record,
    pub probability: f64,
    pub fields: Vec<FieldWeight>,
}

/// What the matching index of a kind was built from, to know when it is stale.
type Stamp = (i64, Option<DateTime<Utc>>);

/// A kind's matching index with the records it holds.
pub(crate) struct IndexEntry {
    stamp: Stamp,
    index: quality::dedupe::Index,
    records: Vec<Record>,
    roles: Roles,
}

/// The matching indexes, by kind.
pub(crate) type Indexes = std::collections::HashMap<EntityKind, Arc<IndexEntry>>;

/// The kinds whose duplicates can be found and merged.
pub const MERGEABLE: &[EntityKind] = &[
    EntityKind::Contact,
    EntityKind::Company,
    EntityKind::Product,
];

fn require_mergeable(kind: EntityKind) -> Result<()> {
    if MERGEABLE.contains(&kind) {
        Ok(())
    } else {
        Err(Error::BadRequest(format!(
            "{} cannot be merged; contacts, companies and products can",
            kind.collection()
        )))
    }
}

/// The columns a kind offers for matching, with the role each plays.
fn match_columns(kind: EntityKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        EntityKind::Contact => &[
            ("last_name", "last_name"),
            ("first_name", "first_name"),
            ("middle_name", "patronymic"),
            ("phones", "phone"),
            ("emails", "email"),
            ("city", "city"),
            ("birth_date", "birth_date"),
        ],
        EntityKind::Company => &[
            ("name", "company"),
            ("inn", "inn"),
            ("phones", "phone"),
            ("emails", "email"),
            ("city", "city"),
        ],
        _ => &[("sku", "sku"), ("name", "product")],
    }
}

/// Records as a table for the matcher: id first, then the match columns.
/// Records as a table: the id, then the named fields as text.
fn records_frame(records: &[Record], fields: &[&str]) -> Frame {
    let mut headers = vec!["id".to_string()];
    headers.extend(fields.iter().map(|field| (*field).to_string()));
    let rows = records
        .iter()
        .map(|record| {
            let mut row = vec![record.id.to_string()];
            row.extend(fields.iter().map(|field| {
                record
                    .fields
                    .get(field)
                    .map(Value::to_text)
                    .unwrap_or_default()
            }));
            row
        })
        .collect();
    Frame::new(headers, rows)
}

fn frame_of(kind: EntityKind, records: &[Record]) -> (Frame, Roles) {
    let columns = match_columns(kind);
    let fields: Vec<&str> = columns.iter().map(|(field, _)| *field).collect();
    let frame = records_frame(records, &fields);
    let roles = Roles {
        id: 0,
        columns: columns
            .iter()
            .enumerate()
            .filter_map(|(i, (_, role))| quality::Role::parse(role).map(|role| (i + 1, role)))
            .collect(),
    };
    (frame, roles)
}

/// Every record of a kind the actor may see.
pub(crate) async fn all_visible(
    store: &Store,
    actor: &Actor,
    kind: EntityKind,
) -> Result<Vec<Record>> {
    let mut query = visible(
        actor,
        kind,
        ListQuery {
            limit: store::MAX_PAGE,
            ..ListQuery::default()
        },
    )?;
    let mut records = Vec::new();
    loop {
        let page = store.list(kind, &query).await?;
        records.extend(page.items);
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
    }
    Ok(records)
}

/// Systems of record, most trusted first: a CRM's value beats a web form's.
const SOURCE_PRIORITY: &[&str] = &[
    "1c",
    "bitrix24",
    "amocrm",
    "salesforce",
    "hubspot",
    "api",
    "import",
];

/// Fields whose value is a fact to be taken from the most trusted source.
const SYSTEM_OF_RECORD_FIELDS: &[&str] = &["birth_date", "inn", "ogrn", "legal_form", "company_id"];

fn is_name_field(name: &str) -> bool {
    matches!(
        name,
        "last_name" | "first_name" | "middle_name" | "name" | "title"
    )
}

/// The golden values by survivorship: lists are united; names take the most
/// complete writing; facts (birth date, ИНН) the value of the most trusted
/// source; every other field the most recently updated value.
fn golden(
    kind: EntityKind,
    members: &[Record],
) -> (Vec<(&'static str, Option<Value>)>, Vec<Lineage>) {
    let mut values = Vec::new();
    let mut lineage = Vec::new();
    let mut by_recency: Vec<&Record> = members.iter().collect();
    by_recency.sort_by_key(|record| std::cmp::Reverse(record.updated_at));
    for def in kind.fields() {
        let holders: Vec<&Record> = by_recency
            .iter()
            .copied()
            .filter(|r| r.fields.contains_key(def.name))
            .collect();
        if holders.is_empty() {
            values.push((def.name, None));
            continue;
        }
        let (value, from, rule) = match def.ty {
            FieldType::Phones | FieldType::Emails => {
                let mut phones: Vec<domain::Phone> = Vec::new();
                let mut emails: Vec<domain::Email> = Vec::new();
                let mut from = Vec::new();
                for record in &holders {
                    match record.fields.get(def.name) {
                        Some(Value::Phones(list)) => {
                            let before = phones.len();
                            for phone in list {
                                if !phones.contains(phone) {
                                    phones.push(phone.clone());
                                }
                            }
                            if phones.len() > before {
                                from.push(record.id);
                            }
                        }
                        Some(Value::Emails(list)) => {
                            let before = emails.len();
                            for email in list {
                                if !emails.contains(email) {
                                    emails.push(email.clone());
                                }
                            }
                            if emails.len() > before {
                                from.push(record.id);
                            }
                        }
                        _ => {}
                    }
                }
                let value = if def.ty == FieldType::Phones {
                    Value::Phones(phones)
                } else {
                    Value::Emails(emails)
                };
                (value, from, "union of all members")
            }
            _ if is_name_field(def.name) => {
                let best = holders
                    .iter()
                    .max_by_key(|r| {
                        r.fields
                            .get(def.name)
                            .map_or(0, |v| v.to_text().trim_end_matches('.').chars().count())
                    })
                    .copied()
                    .unwrap_or(holders[0]);
                (
                    best.fields[def.name].clone(),
                    vec![best.id],
                    "most complete",
                )
            }
            // Facts about a person or company come from the system of record first.
            _ if SYSTEM_OF_RECORD_FIELDS.contains(&def.name) => {
                let rank = |r: &Record| {
                    r.source
                        .as_ref()
                        .and_then(|s| SOURCE_PRIORITY.iter().position(|p| *p == s.system.as_str()))
                        .unwrap_or(SOURCE_PRIORITY.len())
                };
                // `holders` is newest first, so the newest wins among equals.
                let best = holders
                    .iter()
                    .copied()
                    .min_by_key(|r| rank(r))
                    .unwrap_or(holders[0]);
                let rule = if rank(best) < SOURCE_PRIORITY.len() {
                    "source priority"
                } else {
                    "most recent"
                };
                (best.fields[def.name].clone(), vec![best.id], rule)
            }
            _ => (
                holders[0].fields[def.name].clone(),
                vec![holders[0].id],
                "most recent",
            ),
        };
        lineage.push(Lineage {
            field: def.name.to_string(),
            value: value.to_json(),
            from,
            rule,
        });
        values.push((def.name, Some(value)));
    }
    (values, lineage)
}

fn snapshot_json(records: &[Record]) -> String {
    let items: Vec<Json> = records
        .iter()
        .map(|r| json!({"record": r.to_json(), "created_us": r.created_at.timestamp_micros(), "updated_us": r.updated_at.timestamp_micros()}))
        .collect();
    Json::Array(items).to_string()
}

impl App {
    fn restore(&self, kind: EntityKind, item: &Json) -> Result<Record> {
        let broken =
            |what: &str| Error::BadRequest(format!("the merge's snapshot is damaged: {what}"));
        let raw = item
            .get("record")
            .and_then(Json::as_object)
            .ok_or_else(|| broken("no record"))?;
        let id = raw
            .get("id")
            .and_then(Json::as_str)
            .and_then(|t| Id::parse(t).ok())
            .ok_or_else(|| broken("no id"))?;
        let micros = |key: &str| {
            item.get(key)
                .and_then(Json::as_i64)
                .and_then(DateTime::<Utc>::from_timestamp_micros)
        };
        let draft = kind
            .parse_draft(raw, &self.config.parse)
            .map_err(Error::Invalid)?;
        let created = micros("created_us").ok_or_else(|| broken("no created time"))?;
        let mut record = Record::create(draft, created).map_err(Error::Invalid)?;
        record.id = id;
        record.created_at = created;
        record.updated_at = micros("updated_us").ok_or_else(|| broken("no updated time"))?;
        Ok(record)
    }

    fn merge_of(&self, row: MergeRow) -> Result<Merge> {
        let kind = EntityKind::parse(&row.kind).map_err(|e| Error::BadRequest(e.to_string()))?;
        let snapshot: Json =
            serde_json::from_str(&row.snapshot).map_err(|e| Error::BadRequest(e.to_string()))?;
        let members = snapshot
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| self.restore(kind, item))
            .collect::<Result<Vec<_>>>()?;
        let lineage_json: Json =
            serde_json::from_str(&row.lineage).map_err(|e| Error::BadRequest(e.to_string()))?;
        let lineage = lineage_json
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| Lineage {
                field: item["field"].as_str().unwrap_or_default().to_string(),
                value: item["value"].clone(),
                from: item["from"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|id| id.as_str().and_then(|t| Id::parse(t).ok()))
                    .collect(),
                rule: match item["rule"].as_str() {
                    Some("union of all members") => "union of all members",
                    Some("most complete") => "most complete",
                    Some("source priority") => "source priority",
                    _ => "most recent",
                },
            })
            .collect();
        let moved_json: Json =
            serde_json::from_str(&row.moved).map_err(|e| Error::BadRequest(e.to_string()))?;
        let moved = moved_json
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| {
                Some((
                    EntityKind::parse(item["kind"].as_str()?).ok()?,
                    Id::parse(item["id"].as_str()?).ok()?,
                    item["field"].as_str()?.to_string(),
                    Id::parse(item["from"].as_str()?).ok()?,
                ))
            })
            .collect();
        Ok(Merge {
            id: row.id,
            kind,
            golden_id: row.golden_id,
            members,
            lineage,
            moved,
            created_at: row.created_at,
            created_by: row.created_by,
            undone_at: row.undone_at,
            undone_by: row.undone_by,
        })
    }

    /// Pairs of the actor's records of `kind` that are probably one, most
    /// likely first, leaving out pairs a reviewer marked distinct.
    pub async fn duplicate_candidates(
        &self,
        actor: &Actor,
        kind: EntityKind,
        threshold: f64,
        limit: usize,
    ) -> Result<Vec<CandidatePair>> {
        require_mergeable(kind)?;
        let records = all_visible(&self.store, actor, kind).await?;
        let decided: HashSet<(String, String)> = self
            .store
            .match_decisions(kind.as_str())
            .await?
            .into_iter()
            .map(|(a, b, _)| (a, b))
            .collect();
        let pairs = tokio::task::spawn_blocking(move || {
            let (frame, roles) = frame_of(kind, &records);
            let settings = Settings {
                threshold,
                ..Settings::default()
            };
            let prepared = quality::dedupe::prepare(&frame, &roles, settings.today);
            // Reviewers' "not duplicates" verdicts train the model and are final.
            let position: std::collections::HashMap<&str, usize> = prepared
                .ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), i))
                .collect();
            let labels: Vec<(usize, usize, bool)> = decided
                .iter()
                .filter_map(|(a, b)| {
                    Some((
                        *position.get(a.as_str())?,
                        *position.get(b.as_str())?,
                        false,
                    ))
                })
                .collect();
            let outcome = quality::dedupe::dedupe_labelled(&prepared, &settings, &labels);
            let mut pairs: Vec<_> = outcome
                .matches
                .pairs
                .iter()
                .filter(|p| p.probability >= threshold)
                .copied()
                .collect();
            pairs.sort_by(|x, y| y.weight.total_cmp(&x.weight));
            pairs
                .into_iter()
                .filter(|p| {
                    let (a, b) = (&prepared.ids[p.a as usize], &prepared.ids[p.b as usize]);
                    let key = if a <= b {
                        (a.clone(), b.clone())
                    } else {
                        (b.clone(), a.clone())
                    };
                    !decided.contains(&key)
                })
                .take(limit)
                .map(|p| CandidatePair {
                    a: records[p.a as usize].clone(),
                    b: records[p.b as usize].clone(),
                    probability: p.probability,
                    fields: quality::dedupe::explain(
                        &prepared,
                        &outcome.matches,
                        p.a as usize,
                        p.b as usize,
                    ),
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| Error::BadRequest(format!("matching failed: {e}")))?;
        Ok(pairs)
    }

    /// The existing records a new one (raw input, as for `create`) probably
    /// is, most likely first — without storing it. The index is trained once
    /// and rebuilt only when the kind's records change, so a call takes
    /// milliseconds.
    pub async fn match_record(
        &self,
        actor: &Actor,
        kind: EntityKind,
        raw: &serde_json::Map<String, Json>,
    ) -> Result<Vec<ProbableMatch>> {
        require_mergeable(kind)?;
        actor.require(Permission::Read(kind))?;
        let draft = kind
            .parse_draft(raw, &self.config.parse)
            .map_err(Error::Invalid)?;
        let candidate = Record::create(draft, Store::now()).map_err(Error::Invalid)?;
        let entry = self.index(kind).await?;
        let (frame, _) = frame_of(kind, std::slice::from_ref(&candidate));
        let row = frame.rows.first().cloned().unwrap_or_default();
        let found = entry.index.find(&row, &entry.roles);
        Ok(found
            .into_iter()
            .filter_map(|m| {
                let record = entry.records.get(m.record)?.clone();
                check_owner(actor, &record).ok()?;
                Some(ProbableMatch {
                    record,
                    probability: m.probability,
                    fields: m.fields,
                })
            })
            .collect())
    }

    async fn index(&self, kind: EntityKind) -> Result<Arc<IndexEntry>> {
        let newest = self
            .store
            .list(
                kind,
                &ListQuery {
                    limit: 1,
                    sort: store::Sort::parse(kind, "-updated_at")?,
                    ..ListQuery::default()
                },
            )
            .await?
            .items
            .first()
            .map(|r| r.updated_at);
        let stamp = (self.store.count_all(kind).await?, newest);
        let mut indexes = self.indexes.lock().await;
        if let Some(entry) = indexes.get(&kind).filter(|e| e.stamp == stamp) {
            return Ok(entry.clone());
        }
        let records = all_visible(&self.store, &Actor::system("matching"), kind).await?;
        let entry = tokio::task::spawn_blocking(move || {
            let (frame, roles) = frame_of(kind, &records);
            let settings = Settings::default();
            let index = quality::dedupe::Index::build(
                quality::dedupe::prepare(&frame, &roles, settings.today),
                &settings,
            );
            IndexEntry {
                stamp,
                index,
                records,
                roles,
            }
        })
        .await
        .map_err(|e| Error::BadRequest(format!("matching failed: {e}")))?;
        let entry = Arc::new(entry);
        indexes.insert(kind, entry.clone());
        Ok(entry)
    }

    /// Records a reviewer's verdict that two records are different entities.
    pub async fn mark_distinct(&self, actor: &Actor, kind: EntityKind, a: Id, b: Id) -> Result<()> {
        require_mergeable(kind)?;
        actor.require(Permission::Write(kind))?;
        let mut tx = self.store.begin().await?;
        for id in [a, b] {
            let record = tx.get(kind, id).await?.ok_or_else(|| not_found(kind, id))?;
            check_owner(actor, &record)?;
        }
        tx.set_match_decision(kind.as_str(), a, b, "distinct", &actor.label)
            .await?;
        tx.append_audit(NewAuditEntry {
            actor: actor.label.clone(),
            action: "mark_distinct".into(),
            entity: kind.as_str().into(),
            entity_id: Some(a.to_string()),
            before: None,
            after: Some(json!({"a": a.to_string(), "b": b.to_string()}).to_string()),
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Merges records of one kind into a golden record: the oldest member
    /// survives with golden values; the others are removed and everything
    /// that referred to them now refers to it.
    pub async fn merge_records(
        &self,
        actor: &Actor,
        kind: EntityKind,
        ids: &[Id],
    ) -> Result<Merge> {
        require_mergeable(kind)?;
        actor.require(Permission::Write(kind))?;
        let unique: Vec<Id> = ids
            .iter()
            .copied()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if unique.len() < 2 {
            return Err(Error::BadRequest(
                "a merge needs at least two different records".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        let mut members = Vec::new();
        for id in &unique {
            let record = tx
                .get(kind, *id)
                .await?
                .ok_or_else(|| not_found(kind, *id))?;
            check_owner(actor, &record)?;
            members.push(record);
        }
        members.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then(a.id.to_string().cmp(&b.id.to_string()))
        });
        let (values, lineage) = golden(kind, &members);
        let mut survivor = members[0].clone();
        survivor.source = members.iter().find_map(|m| m.source.clone());
        for (field, value) in values {
            match value {
                Some(value) => survivor.fields.insert(field, value),
                None => survivor.fields.remove(field),
            };
        }
        survivor.updated_at = Store::now();
        survivor.validate().map_err(Error::Invalid)?;
        let mut moved = Vec::new();
        for member in &members[1..] {
            moved.extend(
                self.move_references(&mut tx, kind, member.id, survivor.id)
                    .await?,
            );
            tx.delete(kind, member.id).await?;
        }
        tx.update(&survivor).await?;
        let id = Id::new();
        let lineage_json: Vec<Json> = lineage
            .iter()
            .map(|l| json!({"field": l.field, "value": l.value, "from": l.from.iter().map(Id::to_string).collect::<Vec<_>>(), "rule": l.rule}))
            .collect();
        let moved_json: Vec<Json> = moved
            .iter()
            .map(|(k, record, field, from): &(EntityKind, Id, String, Id)| json!({"kind": k.as_str(), "id": record.to_string(), "field": field, "from": from.to_string()}))
            .collect();
        let row = MergeRow {
            id,
            kind: kind.as_str().to_string(),
            golden_id: survivor.id,
            snapshot: snapshot_json(&members),
            moved: Json::Array(moved_json).to_string(),
            lineage: Json::Array(lineage_json).to_string(),
            created_at: Store::now(),
            created_by: actor.label.clone(),
            undone_at: None,
            undone_by: None,
        };
        tx.insert_merge(&row).await?;
        tx.append_audit(NewAuditEntry {
            actor: actor.label.clone(),
            action: "merge".into(),
            entity: kind.as_str().into(),
            entity_id: Some(survivor.id.to_string()),
            before: Some(row.snapshot.clone()),
            after: Some(
                json!({"merge": id.to_string(), "golden": survivor.to_json(), "moved": row.moved})
                    .to_string(),
            ),
        })
        .await?;
        tx.commit().await?;
        self.merge_of(row)
    }

    /// Points every reference to `from` at `to`; returns what it moved.
    async fn move_references(
        &self,
        tx: &mut Tx,
        kind: EntityKind,
        from: Id,
        to: Id,
    ) -> Result<Vec<(EntityKind, Id, String, Id)>> {
        let mut moved = Vec::new();
        for other in domain::ALL_KINDS {
            for def in other.fields() {
                if def.ty != FieldType::Ref(kind) {
                    continue;
                }
                for mut record in tx.referencing(other, def.name, from).await? {
                    record.fields.insert(def.name, Value::Ref(to));
                    record.updated_at = Store::now();
                    tx.update(&record).await?;
                    moved.push((other, record.id, def.name.to_string(), from));
                }
            }
        }
        Ok(moved)
    }

    /// Undoes a merge: the members come back as they were, the golden record
    /// becomes its old self, and moved references point back.
    pub async fn undo_merge(&self, actor: &Actor, id: Id) -> Result<Merge> {
        let mut tx = self.store.begin().await?;
        let row = tx.merge(id).await?.ok_or_else(|| Error::NotFound {
            kind: "merge".into(),
            id: id.to_string(),
        })?;
        let merge = self.merge_of(row.clone())?;
        actor.require(Permission::Write(merge.kind))?;
        if !tx.mark_merge_undone(id, &actor.label).await? {
            return Err(Error::Conflict(format!("merge {id} was already undone")));
        }
        let current = tx.get(merge.kind, merge.golden_id).await?.ok_or_else(|| {
            Error::Conflict(format!(
                "the golden record {} was deleted after the merge; restore it first",
                merge.golden_id
            ))
        })?;
        check_owner(actor, &current)?;
        for member in &merge.members {
            if member.id == merge.golden_id {
                tx.update(member).await?;
            } else {
                tx.insert(member).await?;
            }
        }
        for (other, record_id, field, from) in &merge.moved {
            if let Some(mut record) = tx.get(*other, *record_id).await?
                && record.reference(field) == Some(merge.golden_id)
                && let Some(def) = other.field(field)
            {
                record.fields.insert(def.name, Value::Ref(*from));
                record.updated_at = Store::now();
                tx.update(&record).await?;
            }
        }
        tx.append_audit(NewAuditEntry {
            actor: actor.label.clone(),
            action: "unmerge".into(),
            entity: merge.kind.as_str().into(),
            entity_id: Some(merge.golden_id.to_string()),
            before: Some(current.to_json().to_string()),
            after: Some(row.snapshot.clone()),
        })
        .await?;
        tx.commit().await?;
        let row = self.store.merge(id).await?.ok_or_else(|| Error::NotFound {
            kind: "merge".into(),
            id: id.to_string(),
        })?;
        self.merge_of(row)
    }

    /// One merge.
    pub async fn merge(&self, actor: &Actor, id: Id) -> Result<Merge> {
        let row = self.store.merge(id).await?.ok_or_else(|| Error::NotFound {
            kind: "merge".into(),
            id: id.to_string(),
        })?;
        let merge = self.merge_of(row)?;
        actor.require(Permission::Read(merge.kind))?;
        Ok(merge)
    }

    /// The newest merges of a kind.
    pub async fn merges(&self, actor: &Actor, kind: EntityKind, limit: i64) -> Result<Vec<Merge>> {
        actor.require(Permission::Read(kind))?;
        self.store
            .merges(kind.as_str(), limit)
            .await?
            .into_iter()
            .map(|row| self.merge_of(row))
            .collect()
    }

    /// The merges that made a record what it is, newest first.
    pub async fn merges_into(&self, actor: &Actor, kind: EntityKind, id: Id) -> Result<Vec<Merge>> {
        actor.require(Permission::Read(kind))?;
        self.store
            .merges_into(id)
            .await?
            .into_iter()
            .map(|row| self.merge_of(row))
            .collect()
    }

    /// A collection as a table (id, then every field), for the
    /// data-readiness commands to work on the store as on a file.
    pub async fn table(&self, actor: &Actor, kind: EntityKind) -> Result<Frame> {
        let records = all_visible(&self.store, actor, kind).await?;
        let fields: Vec<&str> = kind.fields().iter().map(|def| def.name).collect();
        Ok(records_frame(&records, &fields))
    }

    /// The readiness of the store's contacts and deals, as the CLI gives it for files.
    pub async fn readiness(&self, actor: &Actor) -> Result<quality::readiness::Report> {
        let contacts = all_visible(&self.store, actor, EntityKind::Contact).await?;
        let deals = all_visible(&self.store, actor, EntityKind::Deal).await?;
        tokio::task::spawn_blocking(move || {
            let table = |kind: EntityKind, records: &[Record], fields: &[&str]| {
                let frame = records_frame(records, fields);
                // Roles from the field names; the id column is the first.
                let mut roles = Roles::detect(&frame, &[], None).unwrap_or(Roles {
                    id: 0,
                    columns: Vec::new(),
                });
                roles.id = 0;
                quality::readiness::assess(kind.collection(), &frame, &roles)
            };
            let contact_table = table(
                EntityKind::Contact,
                &contacts,
                &[
                    "last_name",
                    "first_name",
                    "middle_name",
                    "phones",
                    "emails",
                    "city",
                    "birth_date",
                    "source",
                ],
            );
            let deal_table = table(
                EntityKind::Deal,
                &deals,
                &["title", "status", "amount", "source", "channel"],
            );
            quality::readiness::report(vec![contact_table, deal_table])
        })
        .await
        .map_err(|e| Error::BadRequest(format!("assessment failed: {e}")))
    }
}
