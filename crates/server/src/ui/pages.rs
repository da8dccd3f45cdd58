//! Login, the contacts list and card, and the deals board.

use app::{Filter, FilterOp, ListQuery, Sort};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::{EntityKind, Id, Record};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Lang, render, render_page};
use crate::AppState;
use crate::auth::{Browser, SESSION_COOKIE};
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/contacts") }))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/contacts", get(contacts))
        .route("/contacts/{id}", get(contact))
        .route("/deals", get(deals))
}

/// An error shown as a page.
pub fn error_page(state: &AppState, lang: Lang, error: ApiError) -> Response {
    let html = render(
        state,
        "error.html",
        json!({ "t": lang.texts(), "lang": lang.code(), "status": error.status().as_u16(), "message": error.message() }),
    );
    (error.status(), Html(html)).into_response()
}

async fn login_page(lang: Lang, State(state): State<AppState>) -> Html<String> {
    Html(render(
        &state,
        "login.html",
        json!({ "t": lang.texts(), "lang": lang.code() }),
    ))
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
}

async fn login(lang: Lang, State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    match state.app.login(&form.login, &form.password).await {
        Ok(session) => {
            let max_age = (session.expires_at - chrono::Utc::now())
                .num_seconds()
                .max(0);
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}",
                session.token
            );
            let mut response = Redirect::to("/contacts").into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(_) => {
            let html = render(
                &state,
                "login.html",
                json!({ "t": lang.texts(), "lang": lang.code(), "failed": true, "login": form.login }),
            );
            (StatusCode::UNAUTHORIZED, Html(html)).into_response()
        }
    }
}

async fn logout(State(state): State<AppState>, browser: Browser) -> Response {
    let _ = state.app.logout(&browser.token).await;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "fundament_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
    );
    response
}

#[derive(Deserialize)]
struct ListParams {
    q: Option<String>,
    cursor: Option<String>,
    pipeline: Option<String>,
}

async fn contacts(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Query(params): Query<ListParams>,
) -> Response {
    let search = params.q.clone().filter(|q| !q.trim().is_empty());
    let query = ListQuery {
        search: search.clone(),
        cursor: params.cursor.clone(),
        limit: 50,
        ..ListQuery::default()
    };
    let result = async {
        let page = state
            .app
            .list(&browser.actor, EntityKind::Contact, query.clone())
            .await?;
        let total = state
            .app
            .count(
                &browser.actor,
                EntityKind::Contact,
                ListQuery {
                    cursor: None,
                    ..query
                },
            )
            .await?;
        Ok::<_, app::Error>((page, total))
    };
    match result.await {
        Ok((page, total)) => {
            let rows: Vec<Value> = page.items.iter().map(contact_row).collect();
            Html(render_page(&state, "contacts.html", lang, &browser.user, "contacts", json!({ "rows": rows, "total": total, "q": search.unwrap_or_default(), "next_cursor": page.next_cursor, })))
            .into_response()
        }
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn contact(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id = Id::parse(&id).map_err(|error| app::Error::BadRequest(error.to_string()))?;
        let contact = state
            .app
            .get(&browser.actor, EntityKind::Contact, id)
            .await?;
        let by_contact = |kind, sort: &str| -> Result<ListQuery, app::Error> {
            Ok(ListQuery {
                filters: vec![Filter::parse(
                    kind,
                    "contact_id",
                    FilterOp::Eq,
                    &id.to_string(),
                )?],
                sort: Sort::parse(kind, sort)?,
                limit: 200,
                ..ListQuery::default()
            })
        };
        let activities = state
            .app
            .list(
                &browser.actor,
                EntityKind::Activity,
                by_contact(EntityKind::Activity, "-occurred_at")?,
            )
            .await?;
        let deals = state
            .app
            .list(
                &browser.actor,
                EntityKind::Deal,
                by_contact(EntityKind::Deal, "-opened_at")?,
            )
            .await?;
        let offers = state.app.next_best_offers(&browser.actor, id).await?;
        let churn = state
            .app
            .churn_score(&browser.actor, id, lang == Lang::Ru)
            .await?;
        Ok::<_, app::Error>((contact, activities.items, deals.items, offers, churn))
    };
    match result.await {
        Ok((contact, activities, deals, offers, churn)) => {
            let fields: Vec<Value> = EntityKind::Contact
                .fields()
                .iter()
                .filter_map(|def| contact.fields.get(def.name).map(|value| json!({"label": if lang == Lang::Ru { def.label_ru } else { def.label_en }, "value": value.to_text()})))
                .collect();
            Html(render_page(
                &state,
                "contact.html",
                lang,
                &browser.user,
                "contacts",
                json!({ "contact": contact_row(&contact), "fields": fields,
                "activities": activities.iter().map(activity_view).collect::<Vec<_>>(),
                "deals": deals.iter().map(deal_view).collect::<Vec<_>>(),
                "churn": churn,
                "offers": offers.iter().map(|o| json!({
                    "name": o.name, "sku": o.sku,
                    "why": if lang == Lang::Ru { &o.why_ru } else { &o.why_en },
                    "action": if lang == Lang::Ru { &o.action_ru } else { &o.action_en },
                })).collect::<Vec<_>>(), }),
            ))
            .into_response()
        }
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn deals(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Query(params): Query<ListParams>,
) -> Response {
    let result = async {
        let all = |kind| ListQuery {
            sort: Sort::parse(kind, "name").unwrap_or_else(|_| Sort::newest_first()),
            limit: app::MAX_PAGE,
            ..ListQuery::default()
        };
        let pipelines = state
            .app
            .list(
                &browser.actor,
                EntityKind::Pipeline,
                all(EntityKind::Pipeline),
            )
            .await?
            .items;
        let chosen = params.pipeline.clone().or_else(|| {
            pipelines
                .first()
                .and_then(|pipeline| pipeline.text("name").map(str::to_string))
        });
        let mut stage_query = ListQuery {
            sort: Sort::parse(EntityKind::Stage, "position")?,
            limit: app::MAX_PAGE,
            ..ListQuery::default()
        };
        if let Some(pipeline) = pipelines
            .iter()
            .find(|pipeline| pipeline.text("name") == chosen.as_deref())
        {
            stage_query.filters.push(Filter::parse(
                EntityKind::Stage,
                "pipeline_id",
                FilterOp::Eq,
                &pipeline.id.to_string(),
            )?);
        }
        let stages = state
            .app
            .list(&browser.actor, EntityKind::Stage, stage_query)
            .await?
            .items;
        let mut columns = Vec::new();
        for stage in &stages {
            let name = stage.text("name").unwrap_or_default();
            let mut filters = vec![Filter::parse(
                EntityKind::Deal,
                "stage",
                FilterOp::Eq,
                name,
            )?];
            if let Some(pipeline) = &chosen {
                filters.push(Filter::parse(
                    EntityKind::Deal,
                    "pipeline",
                    FilterOp::Eq,
                    pipeline,
                )?);
            }
            let query = ListQuery {
                filters,
                sort: Sort::parse(EntityKind::Deal, "-opened_at")?,
                limit: 20,
                ..ListQuery::default()
            };
            let total = state
                .app
                .count(&browser.actor, EntityKind::Deal, query.clone())
                .await?;
            let page = state
                .app
                .list(&browser.actor, EntityKind::Deal, query)
                .await?;
            let ids: Vec<domain::Id> = page.items.iter().map(|d| d.id).collect();
            let scores = state.app.deal_scores(&browser.actor, &ids).await?;
            let cards: Vec<Value> = page
                .items
                .iter()
                .map(|deal| {
                    let mut view = deal_view(deal);
                    if let Some(score) = scores.get(&deal.id) {
                        view["score"] = crate::api::score_json(score, lang == Lang::Ru);
                    }
                    view
                })
                .collect();
            columns.push(json!({"name": name, "total": total, "more": total - page.items.len() as i64, "deals": cards}));
        }
        let pipeline_names: Vec<String> = pipelines
            .iter()
            .filter_map(|pipeline| pipeline.text("name").map(str::to_string))
            .collect();
        Ok::<_, app::Error>((columns, pipeline_names, chosen))
    };
    match result.await {
        Ok((columns, pipelines, chosen)) => Html(render_page(
            &state,
            "deals.html",
            lang,
            &browser.user,
            "deals",
            json!({ "columns": columns, "pipelines": pipelines, "chosen": chosen, }),
        ))
        .into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

pub fn user_view(user: &Record) -> Value {
    json!({"name": user.text("display_name").or(user.text("login")).unwrap_or_default(), "role": user.text("role")})
}

pub(crate) fn text_of(record: &Record, field: &str) -> String {
    record
        .fields
        .get(field)
        .map(domain::Value::to_text)
        .unwrap_or_default()
}

fn contact_row(contact: &Record) -> Value {
    json!({
        "id": contact.id.to_string(), "name": contact.title(), "phones": text_of(contact, "phones"), "emails": text_of(contact, "emails"),
        "city": text_of(contact, "city"), "source": text_of(contact, "source"), "created": contact.created_at.format("%Y-%m-%d").to_string(),
    })
}

pub(crate) fn activity_view(activity: &Record) -> Value {
    json!({
        "kind": text_of(activity, "kind"), "direction": text_of(activity, "direction"), "channel": text_of(activity, "channel"),
        "text": text_of(activity, "text"), "author": text_of(activity, "author"), "when": text_of(activity, "occurred_at"),
        "due": text_of(activity, "due_at"),
    })
}

pub(crate) fn deal_view(deal: &Record) -> Value {
    json!({
        "id": deal.id.to_string(), "title": deal.title(), "amount": text_of(deal, "amount"), "stage": text_of(deal, "stage"),
        "status": text_of(deal, "status"), "source": text_of(deal, "source"), "contact_id": deal.reference("contact_id").map(|id| id.to_string()),
        "opened": deal.fields.get("opened_at").map(|_| text_of(deal, "opened_at")),
    })
}
