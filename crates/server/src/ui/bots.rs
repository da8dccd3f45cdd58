//! The bots page: each bot's figures (containment, fallbacks, handoffs by
//! reason, overdue handoffs, satisfaction), the conversations managers have
//! with their deadlines, and the review queue where a person corrects what
//! the bot misread; corrections download as Rasa training data.

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::pages::error_page;
use super::{Lang, render_page};
use crate::AppState;
use crate::api::bots::review_json;
use crate::auth::Browser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bots", get(page))
        .route("/bots/reviews/{id}", post(review))
        .route("/bots/conversations/{id}/release", post(release))
        .route("/bots/conversations/{id}/reply", post(reply))
}

#[derive(Deserialize)]
struct ReplyForm {
    text: String,
}

async fn reply(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Response {
    let result = async {
        let id = domain::Id::parse(&id).map_err(|e| app::Error::BadRequest(e.to_string()))?;
        state
            .app
            .manager_reply(&browser.actor, id, &form.text)
            .await
    };
    match result.await {
        Ok(()) => Redirect::to("/bots").into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn page(lang: Lang, State(state): State<AppState>, browser: Browser) -> Response {
    let result = async {
        let mut bots = Vec::new();
        for name in state.app.bots().names() {
            let quality = state.app.bot_quality(&browser.actor, name).await?;
            let reviews = state.app.reviews(&browser.actor, name, "pending").await?;
            let intents = state
                .app
                .bots()
                .get(name)
                .map(|bot| bot.nlu().intents().to_vec())
                .unwrap_or_default();
            bots.push(json!({
                "name": name,
                "quality": quality,
                "reviews": reviews.iter().take(50).map(review_json).collect::<Vec<_>>(),
                "intents": intents,
            }));
        }
        let handed: Vec<serde_json::Value> = state
            .app
            .conversations(&browser.actor, Some("handoff"), 100)
            .await?
            .iter()
            .map(|c| {
                json!({
                    "id": c.id.to_string(),
                    "bot": c.bot,
                    "channel": c.channel,
                    "reason": c.handoff_reason,
                    "deadline": c.sla_deadline.map(|d| d.format("%d.%m %H:%M UTC").to_string()),
                    "overdue": c.sla_deadline.is_some_and(|d| d < chrono::Utc::now()),
                    "contact_id": c.contact_id.map(|id| id.to_string()),
                })
            })
            .collect();
        Ok::<_, app::Error>((bots, handed))
    };
    match result.await {
        Ok((bots, handed)) => Html(render_page(
            &state,
            "bots.html",
            lang,
            &browser.user,
            "bots",
            json!({"bots": bots, "handed": handed}),
        ))
        .into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

#[derive(Deserialize)]
struct ReviewForm {
    verdict: String,
    intent: Option<String>,
    /// One entity a line: `city: из Москвы` or `city: Москвы = Москва`.
    #[serde(default)]
    entities: String,
}

async fn review(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    let result = async {
        let id = domain::Id::parse(&id).map_err(|e| app::Error::BadRequest(e.to_string()))?;
        let correction = if form.verdict == "dismiss" {
            app::Correction::Dismiss
        } else {
            let entities = form
                .entities
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|line| {
                    let (entity, rest) = line.split_once(':').ok_or_else(|| {
                        app::Error::BadRequest(format!(
                            "entities: «{line}»; write one a line as «entity: words» or «entity: words = value»"
                        ))
                    })?;
                    let (words, value) = match rest.split_once('=') {
                        Some((w, v)) => (w.trim(), Some(v.trim().to_string())),
                        None => (rest.trim(), None),
                    };
                    Ok(app::CorrectedEntity {
                        entity: entity.trim().to_string(),
                        start: None,
                        end: None,
                        text: Some(words.to_string()),
                        value,
                    })
                })
                .collect::<Result<Vec<_>, app::Error>>()?;
            app::Correction::Correct {
                intent: form.intent.clone().unwrap_or_default(),
                entities,
            }
        };
        state
            .app
            .correct_review(&browser.actor, id, correction)
            .await
    };
    match result.await {
        Ok(()) => Redirect::to("/bots").into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn release(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id = domain::Id::parse(&id).map_err(|e| app::Error::BadRequest(e.to_string()))?;
        state.app.release_conversation(&browser.actor, id).await
    };
    match result.await {
        Ok(()) => Redirect::to("/bots").into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}
