//! Reading and writing records, with roles, ownership, reference checks and
//! an audit entry for every change.

use std::collections::HashMap;

use domain::{Draft, EntityKind, FieldType, Id, Record, Role, SourceRef};
use serde_json::{Map, Value as Json};
use store::{Filter, FilterOp, ListQuery, NewAuditEntry, Page, Store, Tx};

use crate::{Actor, App, Error, Permission, Result};

/// What a bulk upsert did.
#[derive(Debug, Clone, Default)]
pub struct BulkOutcome {
    /// Records created.
    pub created: usize,
    /// Records updated.
    pub updated: usize,
    /// The id of each item, in the order given.
    pub ids: Vec<Id>,
}

impl App {
    /// One page of records the actor may see.
    pub async fn list(&self, actor: &Actor, kind: EntityKind, query: ListQuery) -> Result<Page> {
        let query = visible(actor, kind, query)?;
        Ok(self.store.list(kind, &query).await?)
    }

    /// How many records the actor may see match a query.
    pub async fn count(&self, actor: &Actor, kind: EntityKind, query: ListQuery) -> Result<i64> {
        let query = visible(actor, kind, query)?;
        Ok(self.store.count(kind, &query).await?)
    }

    /// One record; `NotFound` also when it exists but is not the actor's to see.
    pub async fn get(&self, actor: &Actor, kind: EntityKind, id: Id) -> Result<Record> {
        actor.require(Permission::Read(kind))?;
        let record = self
            .store
            .get(kind, id)
            .await?
            .ok_or_else(|| not_found(kind, id))?;
        check_owner(actor, &record)?;
        Ok(record)
    }

    /// Creates a record from raw input (an API body).
    pub async fn create(
        &self,
        actor: &Actor,
        kind: EntityKind,
        raw: &Map<String, Json>,
    ) -> Result<Record> {
        actor.require(Permission::Write(kind))?;
        let draft = kind
            .parse_draft(raw, &self.config.parse)
            .map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        let record = new_record(actor, draft, &mut tx).await?;
        tx.insert(&record).await?;
        tx.append_audit(audit(actor, "create", None, Some(&record)))
            .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Changes a record: `replace` clears every field the input leaves out
    /// (PUT); otherwise only the given fields change (PATCH).
    pub async fn update(
        &self,
        actor: &Actor,
        kind: EntityKind,
        id: Id,
        raw: &Map<String, Json>,
        replace: bool,
    ) -> Result<Record> {
        actor.require(Permission::Write(kind))?;
        let mut draft = kind
            .parse_draft(raw, &self.config.parse)
            .map_err(Error::Invalid)?;
        if replace {
            for def in kind.fields() {
                draft.fields.entry(def.name).or_insert(None);
            }
        }
        let mut tx = self.store.begin().await?;
        let before = tx.get(kind, id).await?.ok_or_else(|| not_found(kind, id))?;
        check_owner(actor, &before)?;
        let mut after = before.clone();
        apply_draft(actor, &mut after, draft, &mut tx).await?;
        tx.update(&after).await?;
        if kind == EntityKind::User
            && after.fields.get("active") == Some(&domain::Value::Bool(false))
        {
            tx.remove_credentials(id).await?;
        }
        tx.append_audit(audit(actor, "update", Some(&before), Some(&after)))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a record.
    pub async fn delete(&self, actor: &Actor, kind: EntityKind, id: Id) -> Result<()> {
        actor.require(Permission::Write(kind))?;
        let mut tx = self.store.begin().await?;
        let before = tx.get(kind, id).await?.ok_or_else(|| not_found(kind, id))?;
        check_owner(actor, &before)?;
        tx.delete(kind, id).await?;
        // A score's reasons quote the record's values: they go with it.
        tx.delete_score(kind.as_str(), id).await?;
        // So do the conversations with a contact: their transcripts.
        if kind == EntityKind::Contact {
            tx.delete_conversations_of(id).await?;
        }
        if kind == EntityKind::User {
            tx.remove_credentials(id).await?;
        }
        tx.append_audit(audit(actor, "delete", Some(&before), None))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates or updates many records at once, all or nothing. An item with
    /// `id` updates that record; one with `source_system` and `external_id`
    /// updates the record from that source or creates it; others are created.
    pub async fn bulk_upsert(
        &self,
        actor: &Actor,
        kind: EntityKind,
        items: &[Map<String, Json>],
    ) -> Result<BulkOutcome> {
        actor.require(Permission::Write(kind))?;
        let mut drafts = Vec::with_capacity(items.len());
        let mut invalid = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let id = match item
                .get("id")
                .and_then(Json::as_str)
                .map(Id::parse)
                .transpose()
            {
                Ok(id) => id,
                Err(error) => {
                    invalid.push((
                        index,
                        vec![domain::FieldError {
                            field: "id".into(),
                            error,
                        }],
                    ));
                    continue;
                }
            };
            match kind.parse_draft(item, &self.config.parse) {
                Ok(draft) => drafts.push((index, id, draft)),
                Err(errors) => invalid.push((index, errors)),
            }
        }
        if !invalid.is_empty() {
            return Err(Error::InvalidBatch(invalid));
        }
        let mut tx = self.store.begin().await?;
        let mut outcome = BulkOutcome::default();
        for (index, id, draft) in drafts {
            let existing = match (&id, &draft.source) {
                (Some(id), _) => Some(
                    tx.get(kind, *id)
                        .await?
                        .ok_or_else(|| not_found(kind, *id))?,
                ),
                (
                    None,
                    Some(SourceRef {
                        system,
                        external_id,
                    }),
                ) => tx
                    .find_by_source(kind, system, std::slice::from_ref(external_id))
                    .await?
                    .remove(external_id),
                (None, None) => None,
            };
            let result = match existing {
                Some(before) => {
                    check_owner(actor, &before)?;
                    let mut after = before.clone();
                    apply_draft(actor, &mut after, draft, &mut tx).await?;
                    tx.update(&after).await?;
                    tx.append_audit(audit(actor, "update", Some(&before), Some(&after)))
                        .await?;
                    outcome.updated += 1;
                    Ok(after.id)
                }
                None => match new_record(actor, draft, &mut tx).await {
                    Ok(record) => {
                        tx.insert(&record).await?;
                        tx.append_audit(audit(actor, "create", None, Some(&record)))
                            .await?;
                        outcome.created += 1;
                        Ok(record.id)
                    }
                    Err(error) => Err(error),
                },
            };
            match result {
                Ok(id) => outcome.ids.push(id),
                Err(Error::Invalid(errors)) => {
                    return Err(Error::InvalidBatch(vec![(index, errors)]));
                }
                Err(other) => return Err(other),
            }
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// Every user, keyed by lower-cased display name and login, for matching
    /// the owner names that CRM exports carry.
    pub(crate) async fn users_by_name(&self) -> Result<HashMap<String, Id>> {
        let mut names = HashMap::new();
        let mut query = ListQuery {
            limit: store::MAX_PAGE,
            ..ListQuery::default()
        };
        loop {
            let page = self.store.list(EntityKind::User, &query).await?;
            for user in &page.items {
                for name in ["display_name", "login"]
                    .iter()
                    .filter_map(|field| user.text(field))
                {
                    names.insert(domain::fold_for_search(name), user.id);
                }
            }
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => return Ok(names),
            }
        }
    }
}

/// A new record from a draft, owned by the acting manager, with references checked.
pub(crate) async fn new_record(actor: &Actor, draft: Draft, tx: &mut Tx) -> Result<Record> {
    let owner = draft.owner_id;
    let mut record = Record::create(
        Draft {
            owner_id: None,
            ..draft
        },
        Store::now(),
    )
    .map_err(Error::Invalid)?;
    record.owner_id = owner.flatten();
    if let Some(Some(owner)) = owner {
        check_owner_change(actor, owner)?;
    }
    if actor.role == Role::Manager && record.kind.is_owned() {
        record.owner_id = actor.user_id;
    }
    check_references(&record, tx).await?;
    Ok(record)
}

async fn apply_draft(actor: &Actor, record: &mut Record, draft: Draft, tx: &mut Tx) -> Result<()> {
    if let Some(Some(owner)) = draft.owner_id {
        check_owner_change(actor, owner)?;
    }
    if actor.role == Role::Manager && draft.owner_id == Some(None) && record.kind.is_owned() {
        return Err(Error::Forbidden(
            "a manager cannot give up their own record".into(),
        ));
    }
    record.apply(draft, Store::now()).map_err(Error::Invalid)?;
    check_references(record, tx).await
}

fn check_owner_change(actor: &Actor, owner: Id) -> Result<()> {
    if actor.role == Role::Manager && actor.user_id != Some(owner) {
        return Err(Error::Forbidden(
            "a manager can only own records themselves".into(),
        ));
    }
    Ok(())
}

/// Every reference must point at an existing record of the right kind.
async fn check_references(record: &Record, tx: &mut Tx) -> Result<()> {
    let mut errors = Vec::new();
    for def in record.kind.fields() {
        if let (FieldType::Ref(target), Some(domain::Value::Ref(id))) =
            (def.ty, record.fields.get(def.name))
            && tx.get(target, *id).await?.is_none()
        {
            errors.push(domain::FieldError {
                field: def.name.to_string(),
                error: domain::ValueError::new(
                    format!("no {target} has id {id}"),
                    "the id of an existing record",
                ),
            });
        }
    }
    if let Some(owner) = record.owner_id
        && tx.get(EntityKind::User, owner).await?.is_none()
    {
        errors.push(domain::FieldError {
            field: "owner_id".into(),
            error: domain::ValueError::new(
                format!("no user has id {owner}"),
                "the id of an existing user",
            ),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Checks the actor may read `kind` and narrows the query to what they may see.
pub(crate) fn visible(actor: &Actor, kind: EntityKind, mut query: ListQuery) -> Result<ListQuery> {
    actor.require(Permission::Read(kind))?;
    if let Some(owner) = scoped_owner(actor, kind)? {
        query.filters.push(Filter::parse(
            kind,
            "owner_id",
            FilterOp::Eq,
            &owner.to_string(),
        )?);
    }
    Ok(query)
}

fn scoped_owner(actor: &Actor, kind: EntityKind) -> Result<Option<Id>> {
    match actor.owner_scope(kind) {
        None => Ok(None),
        Some(Some(owner)) => Ok(Some(owner)),
        Some(None) => Err(Error::Forbidden(
            "a manager must act as a user to see owned records".into(),
        )),
    }
}

pub(crate) fn check_owner(actor: &Actor, record: &Record) -> Result<()> {
    match actor.owner_scope(record.kind) {
        Some(owner) if owner.is_none() || record.owner_id != owner => {
            Err(not_found(record.kind, record.id))
        }
        _ => Ok(()),
    }
}

pub(crate) fn not_found(kind: EntityKind, id: Id) -> Error {
    Error::NotFound {
        kind: kind.to_string(),
        id: id.to_string(),
    }
}

pub(crate) fn audit(
    actor: &Actor,
    action: &str,
    before: Option<&Record>,
    after: Option<&Record>,
) -> NewAuditEntry {
    let record = after.or(before);
    NewAuditEntry {
        actor: actor.label.clone(),
        action: action.to_string(),
        entity: record
            .map_or("record", |record| record.kind.as_str())
            .to_string(),
        entity_id: record.map(|record| record.id.to_string()),
        before: before.map(|record| record.to_json().to_string()),
        after: after.map(|record| record.to_json().to_string()),
    }
}
