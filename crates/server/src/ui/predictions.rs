//! The prediction pages: a deal's card with its probability, reasons and
//! recommended action; "call first today", the open deals most likely to
//! buy; and the model registry with retraining, promotion and rollback.

use app::{Filter, FilterOp, ListQuery, Sort};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::{EntityKind, Id};
use serde_json::{Value, json};

use super::pages::{activity_view, deal_view, error_page, text_of};
use super::{Lang, render_page};
use crate::AppState;
use crate::api::score_json;
use crate::auth::Browser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/deals/{id}", get(deal_page))
        .route("/call-first", get(call_first))
        .route("/models", get(models))
        .route("/models/train", post(train))
        .route("/models/{id}/promote", post(promote))
}

fn id_param(text: &str) -> Result<Id, app::Error> {
    Id::parse(text).map_err(|e| app::Error::BadRequest(e.to_string()))
}

async fn deal_page(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
) -> Response {
    let russian = lang == Lang::Ru;
    let result = async {
        let id = id_param(&id)?;
        let deal = state.app.get(&browser.actor, EntityKind::Deal, id).await?;
        let score = state.app.deal_score(&browser.actor, id).await?;
        let activities = state
            .app
            .list(
                &browser.actor,
                EntityKind::Activity,
                ListQuery {
                    filters: vec![Filter::parse(
                        EntityKind::Activity,
                        "deal_id",
                        FilterOp::Eq,
                        &id.to_string(),
                    )?],
                    sort: Sort::parse(EntityKind::Activity, "-occurred_at")?,
                    limit: 100,
                    ..ListQuery::default()
                },
            )
            .await?
            .items;
        let fields: Vec<Value> = EntityKind::Deal
            .fields()
            .iter()
            .filter(|def| deal.fields.contains_key(def.name))
            .map(|def| json!({"label": if russian { def.label_ru } else { def.label_en }, "value": text_of(&deal, def.name)}))
            .collect();
        Ok::<_, app::Error>((deal, score, activities, fields))
    };
    match result.await {
        Ok((deal, score, activities, fields)) => Html(render_page(
            &state,
            "deal.html",
            lang,
            &browser.user,
            "deals",
            json!({
                "deal": deal_view(&deal),
                "fields": fields,
                "score": score.as_ref().map(|s| score_json(s, russian)),
                "activities": activities.iter().map(activity_view).collect::<Vec<_>>(),
            }),
        ))
        .into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn call_first(lang: Lang, State(state): State<AppState>, browser: Browser) -> Response {
    let russian = lang == Lang::Ru;
    match state.app.call_first(&browser.actor, 50).await {
        Ok(items) => Html(render_page(
            &state,
            "call_first.html",
            lang,
            &browser.user,
            "call_first",
            json!({"items": items.iter().map(|i| json!({"deal": i.deal, "title": i.title, "score": score_json(&i.score, russian)})).collect::<Vec<_>>()}),
        ))
        .into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn models(lang: Lang, State(state): State<AppState>, browser: Browser) -> Response {
    match state.app.models(&browser.actor).await {
        Ok(models) => Html(render_page(
            &state,
            "models.html",
            lang,
            &browser.user,
            "models",
            json!({
                "models": models,
                "admin": browser.actor.may(app::Permission::ManageModels),
                // No active model yet means nothing to drift from.
                "drift": state.app.drift(&browser.actor).await.ok(),
            }),
        ))
        .into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn train(lang: Lang, State(state): State<AppState>, browser: Browser) -> Response {
    match state.app.train_lead_model(&browser.actor).await {
        Ok(_) => Redirect::to("/models").into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn promote(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        state
            .app
            .promote_model(&browser.actor, id_param(&id)?)
            .await
    };
    match result.await {
        Ok(()) => Redirect::to("/models").into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}
