//! Activity records: the calls, chats, e-mails, meetings, notes and tasks
//! each deal's timeline planned, plus a few "перезвонить" notes on contacts
//! who have no deal yet.
//!
//! What happened and when is decided in `timeline`; this module writes it as
//! a CRM export would, Russian kind names and all.

use std::collections::BTreeSet;

use chrono::TimeDelta;
use domain::{EntityKind, Record};
use serde_json::json;

use crate::chance::{chance, moment_between, pick};
use crate::deals::{DealInfo, DealSetup};
use crate::factory::Factory;
use crate::touches::PlannedActivity;

/// Makes every deal's activities and the notes on contacts without deals,
/// ordered by when they happened.
pub(crate) fn generate_activities(
    factory: &mut Factory,
    setup: &DealSetup<'_>,
    deals: &[DealInfo],
) -> Vec<Record> {
    let mut records = Vec::new();
    for deal in deals {
        for planned in &deal.timeline.activities {
            records.push(activity_record(factory, setup, deal, planned));
        }
    }
    let with_deals: BTreeSet<usize> = deals.iter().map(|deal| deal.contact).collect();
    for (index, contact) in setup.contacts.iter().enumerate() {
        if with_deals.contains(&index) || !chance(&mut factory.rng, 0.4) {
            continue;
        }
        let rng = &mut factory.rng;
        let at = moment_between(
            rng,
            contact.created_at,
            (contact.created_at + TimeDelta::days(14)).min(setup.now),
        );
        let raw = json!({
            "kind": *pick(rng, &["note", "заметка"]),
            "text": *pick(rng, &["перезвонить", "Перезвонить", "перезвонить позже"]),
            "author": setup.managers[contact.owner].display_name,
            "contact_id": contact.id.to_string(),
            "occurred_at": factory.timestamp(at),
        });
        records.push(factory.make(EntityKind::Activity, raw, at));
    }
    records.sort_by_key(|record| record.created_at);
    records
}

/// One planned activity as raw input, parsed into a record.
fn activity_record(
    factory: &mut Factory,
    setup: &DealSetup<'_>,
    deal: &DealInfo,
    planned: &PlannedActivity,
) -> Record {
    let rng = &mut factory.rng;
    let kind = if chance(rng, 0.2) {
        russian_kind(planned.kind)
    } else {
        planned.kind
    };
    let direction = planned
        .direction
        .map(|direction| match (direction, chance(rng, 0.2)) {
            ("inbound", true) => "входящий",
            ("outbound", true) => "исходящий",
            (other, _) => other,
        });
    let done = planned
        .due_at
        .map(|due_at| due_at <= setup.now && chance(rng, 0.85));
    let raw = json!({
        "kind": kind, "direction": direction, "channel": planned.channel, "text": planned.text,
        "author": planned.by_manager.then(|| setup.managers[deal.owner].display_name),
        "contact_id": setup.contacts[deal.contact].id.to_string(), "deal_id": deal.id.to_string(),
        "occurred_at": factory.timestamp(planned.occurred_at), "due_at": planned.due_at.map(|at| factory.timestamp(at)),
        "done": done, "duration_seconds": planned.duration_seconds,
    });
    let mut record = factory.make(EntityKind::Activity, raw, planned.occurred_at);
    if let (Some(true), Some(due_at)) = (done, planned.due_at) {
        record.updated_at = planned.occurred_at.max(due_at.min(setup.now));
    }
    record
}

/// The Russian name Bitrix24 exports for an activity kind.
fn russian_kind(kind: &'static str) -> &'static str {
    match kind {
        "call" => "звонок",
        "chat" => "чат",
        "email" => "письмо",
        "meeting" => "встреча",
        "task" => "задача",
        "note" => "заметка",
        other => other,
    }
}
