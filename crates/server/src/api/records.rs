//! CRUD, lists and bulk upsert for every entity kind.

use app::{Filter, FilterOp, ListQuery, Sort};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::{EntityKind, Id};
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/{collection}", get(list).post(create))
        .route("/api/v1/{collection}/bulk", post(bulk))
        .route(
            "/api/v1/{collection}/{id}",
            get(read).put(replace).patch(patch).delete(remove),
        )
}

async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(collection): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Value>> {
    let kind = kind_of(&collection)?;
    let query = list_query(kind, &params)?;
    let page = state.app.list(&actor, kind, query).await?;
    Ok(Json(
        json!({"items": page.items.iter().map(domain::Record::to_json).collect::<Vec<_>>(), "next_cursor": page.next_cursor}),
    ))
}

async fn read(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((collection, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let kind = kind_of(&collection)?;
    Ok(Json(
        state.app.get(&actor, kind, parse_id(&id)?).await?.to_json(),
    ))
}

async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(collection): Path<String>,
    body: Json<Value>,
) -> ApiResult<impl IntoResponse> {
    let kind = kind_of(&collection)?;
    let record = state.app.create(&actor, kind, &object(body.0)?).await?;
    Ok((StatusCode::CREATED, Json(record.to_json())))
}

async fn replace(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((collection, id)): Path<(String, String)>,
    body: Json<Value>,
) -> ApiResult<Json<Value>> {
    update(&state, &actor, &collection, &id, body.0, true).await
}

async fn patch(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((collection, id)): Path<(String, String)>,
    body: Json<Value>,
) -> ApiResult<Json<Value>> {
    update(&state, &actor, &collection, &id, body.0, false).await
}

/// PUT (`replace`) and PATCH differ only in whether omitted fields are cleared.
async fn update(
    state: &AppState,
    actor: &app::Actor,
    collection: &str,
    id: &str,
    body: Value,
    replace: bool,
) -> ApiResult<Json<Value>> {
    let kind = kind_of(collection)?;
    let record = state
        .app
        .update(actor, kind, parse_id(id)?, &object(body)?, replace)
        .await?;
    Ok(Json(record.to_json()))
}

async fn remove(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((collection, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let kind = kind_of(&collection)?;
    state.app.delete(&actor, kind, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn bulk(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(collection): Path<String>,
    body: Json<Value>,
) -> ApiResult<Json<Value>> {
    let kind = kind_of(&collection)?;
    let items = match body.0 {
        Value::Object(mut object) => match object.remove("items") {
            Some(Value::Array(items)) => items,
            _ => return Err(bad_request("expected {\"items\": [ ... ]}")),
        },
        _ => return Err(bad_request("expected {\"items\": [ ... ]}")),
    };
    let items: Vec<Map<String, Value>> = items.into_iter().map(object).collect::<Result<_, _>>()?;
    let outcome = state.app.bulk_upsert(&actor, kind, &items).await?;
    Ok(Json(
        json!({"created": outcome.created, "updated": outcome.updated, "ids": outcome.ids.iter().map(ToString::to_string).collect::<Vec<_>>()}),
    ))
}

pub(crate) fn kind_of(collection: &str) -> ApiResult<EntityKind> {
    domain::ALL_KINDS
        .into_iter()
        .find(|kind| kind.collection() == collection)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no collection /api/v1/{collection}; see /api/openapi.json"),
            )
        })
}

pub(crate) fn parse_id(text: &str) -> ApiResult<Id> {
    Id::parse(text).map_err(|error| bad_request(&error.to_string()))
}

fn object(value: Value) -> ApiResult<Map<String, Value>> {
    match value {
        Value::Object(object) => Ok(object),
        _ => Err(bad_request("expected a JSON object")),
    }
}

fn bad_request(message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
}

/// `limit`, `cursor`, `sort`, `q`, and `field=value` or `field[op]=value`
/// filters (`op` one of `ne`, `gte`, `lte`).
pub fn list_query(kind: EntityKind, params: &[(String, String)]) -> ApiResult<ListQuery> {
    let mut query = ListQuery::default();
    for (key, value) in params {
        match key.as_str() {
            "limit" => {
                query.limit = value
                    .parse()
                    .map_err(|_| bad_request("limit must be a number from 1 to 500"))?
            }
            "cursor" => query.cursor = Some(value.clone()),
            "sort" => query.sort = Sort::parse(kind, value).map_err(app::Error::from)?,
            "q" => query.search = Some(value.clone()).filter(|text| !text.trim().is_empty()),
            _ => {
                let (field, op) = match key.split_once('[') {
                    Some((field, "ne]")) => (field, FilterOp::Ne),
                    Some((field, "gte]")) => (field, FilterOp::Gte),
                    Some((field, "lte]")) => (field, FilterOp::Lte),
                    Some((_, other)) => {
                        return Err(bad_request(&format!(
                            "unknown filter operator [{other}; use [ne], [gte] or [lte]"
                        )));
                    }
                    None => (key.as_str(), FilterOp::Eq),
                };
                query
                    .filters
                    .push(Filter::parse(kind, field, op, value).map_err(app::Error::from)?);
            }
        }
    }
    Ok(query)
}
