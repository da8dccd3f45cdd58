//! The master-data pages: the duplicates review queue (side by side, field
//! weights, merge or "not duplicates"), a merge's golden record with the
//! lineage of every field and its undo, and the readiness report.

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::{EntityKind, Id, Record};
use serde::Deserialize;
use serde_json::{Value, json};

use super::pages::error_page;
use super::{Lang, render_page};
use crate::AppState;
use crate::auth::Browser;
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(queue))
        .route("/duplicates/merge", post(merge))
        .route("/duplicates/distinct", post(distinct))
        .route("/merges/{id}", get(merge_page))
        .route("/merges/{id}/undo", post(undo))
        .route("/readiness", get(readiness))
}

#[derive(Deserialize)]
struct QueueParams {
    kind: Option<String>,
}

#[derive(Deserialize)]
struct PairForm {
    kind: String,
    a: String,
    b: String,
}

fn kind_param(text: Option<&str>) -> Result<EntityKind, app::Error> {
    let kind = EntityKind::parse(text.unwrap_or("contacts"))
        .map_err(|e| app::Error::BadRequest(e.to_string()))?;
    if app::MERGEABLE.contains(&kind) {
        Ok(kind)
    } else {
        Err(app::Error::BadRequest(format!(
            "{} cannot be merged",
            kind.collection()
        )))
    }
}

fn id_param(text: &str) -> Result<Id, app::Error> {
    Id::parse(text).map_err(|e| app::Error::BadRequest(e.to_string()))
}

/// The fields shown side by side for a kind.
fn shown_fields(kind: EntityKind) -> Vec<&'static str> {
    kind.fields()
        .iter()
        .map(|def| def.name)
        .filter(|name| {
            !matches!(
                *name,
                "consent_processing" | "consent_marketing" | "comment" | "attributes"
            )
        })
        .collect()
}

fn value_of(record: &Record, field: &str) -> String {
    record
        .fields
        .get(field)
        .map(domain::Value::to_text)
        .unwrap_or_default()
}

async fn queue(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Query(params): Query<QueueParams>,
) -> Response {
    let result = async {
        let kind = kind_param(params.kind.as_deref())?;
        let pairs = state
            .app
            .duplicate_candidates(&browser.actor, kind, 0.5, 30)
            .await?;
        Ok::<_, app::Error>((kind, pairs))
    };
    match result.await {
        Ok((kind, pairs)) => {
            let views: Vec<Value> = pairs
                .iter()
                .map(|pair| {
                    let rows: Vec<Value> = shown_fields(kind)
                        .into_iter()
                        .filter_map(|field| {
                            let (a, b) = (value_of(&pair.a, field), value_of(&pair.b, field));
                            (!a.is_empty() || !b.is_empty()).then(|| json!({"field": field, "a": a, "b": b, "same": a == b}))
                        })
                        .collect();
                    let weights: Vec<Value> = pair
                        .fields
                        .iter()
                        .filter(|f| f.weight != 0.0)
                        .map(|f| json!({"field": f.field, "level": f.level, "weight": format!("{:+.1}", f.weight), "positive": f.weight > 0.0}))
                        .collect();
                    json!({
                        "a": pair.a.id.to_string(), "b": pair.b.id.to_string(),
                        "a_title": pair.a.title(), "b_title": pair.b.title(),
                        "a_source": pair.a.source.as_ref().map(|s| s.system.clone()), "b_source": pair.b.source.as_ref().map(|s| s.system.clone()),
                        "probability": format!("{:.0}%", pair.probability * 100.0),
                        "rows": rows, "weights": weights,
                    })
                })
                .collect();
            Html(render_page(
                &state,
                "duplicates.html",
                lang,
                &browser.user,
                "duplicates",
                json!({"kind": kind.collection(), "pairs": views}),
            ))
            .into_response()
        }
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn merge(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Form(form): Form<PairForm>,
) -> Response {
    let result = async {
        let kind = kind_param(Some(&form.kind))?;
        state
            .app
            .merge_records(
                &browser.actor,
                kind,
                &[id_param(&form.a)?, id_param(&form.b)?],
            )
            .await
    };
    match result.await {
        Ok(merge) => Redirect::to(&format!("/merges/{}", merge.id)).into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn distinct(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Form(form): Form<PairForm>,
) -> Response {
    let result = async {
        let kind = kind_param(Some(&form.kind))?;
        state
            .app
            .mark_distinct(&browser.actor, kind, id_param(&form.a)?, id_param(&form.b)?)
            .await?;
        Ok::<_, app::Error>(kind)
    };
    match result.await {
        Ok(kind) => {
            Redirect::to(&format!("/duplicates?kind={}", kind.collection())).into_response()
        }
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn merge_page(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let merge = state.app.merge(&browser.actor, id_param(&id)?).await?;
        let golden = state
            .app
            .get(&browser.actor, merge.kind, merge.golden_id)
            .await
            .ok();
        Ok::<_, app::Error>((merge, golden))
    };
    match result.await {
        Ok((merge, golden)) => {
            let title_of = |id: &Id| {
                merge.members.iter().find(|m| m.id == *id).map(|m| {
                    let source = m
                        .source
                        .as_ref()
                        .map_or_else(String::new, |s| format!(" · {}", s.system));
                    format!("{}{source}", m.title())
                })
            };
            let lineage: Vec<Value> = merge
                .lineage
                .iter()
                .map(|l| {
                    let value = match &l.value {
                        Value::String(text) => text.clone(),
                        Value::Array(items) => items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect::<Vec<_>>().join(", "),
                        other => other.to_string(),
                    };
                    json!({"field": l.field, "value": value, "from": l.from.iter().filter_map(title_of).collect::<Vec<_>>().join("; "), "rule": l.rule})
                })
                .collect();
            let members: Vec<Value> = merge.members.iter().map(|m| json!({"id": m.id.to_string(), "title": m.title(), "source": m.source.as_ref().map(|s| s.system.clone()), "golden": m.id == merge.golden_id})).collect();
            let context = json!({
                "id": merge.id.to_string(), "kind": merge.kind.collection(), "golden_id": merge.golden_id.to_string(),
                "golden_title": golden.as_ref().map(Record::title), "lineage": lineage, "members": members,
                "moved": merge.moved.len(), "created_at": merge.created_at.format("%Y-%m-%d %H:%M UTC").to_string(), "created_by": merge.created_by,
                "undone_at": merge.undone_at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()), "undone_by": merge.undone_by,
            });
            Html(render_page(
                &state,
                "merge.html",
                lang,
                &browser.user,
                "duplicates",
                context,
            ))
            .into_response()
        }
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn undo(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
) -> Response {
    let result = async { state.app.undo_merge(&browser.actor, id_param(&id)?).await };
    match result.await {
        Ok(merge) => Redirect::to(&format!("/merges/{}", merge.id)).into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn readiness(lang: Lang, State(state): State<AppState>, browser: Browser) -> Response {
    match state.app.readiness(&browser.actor).await {
        Ok(report) => {
            let report = serde_json::to_value(&report).unwrap_or(Value::Null);
            Html(render_page(
                &state,
                "readiness.html",
                lang,
                &browser.user,
                "readiness",
                json!({"report": report, "ru": lang == Lang::Ru}),
            ))
            .into_response()
        }
        Err(error) => error_page(&state, lang, ApiError::from(error)),
    }
}
