//! Who is calling: an API key (`Authorization: Bearer ...`) or a browser
//! session cookie.

use app::Actor;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Record;

use crate::AppState;
use crate::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "fundament_session";

/// An authenticated caller of the API.
pub struct Authenticated(pub Actor);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let key = header
                .to_str()
                .ok()
                .and_then(|value| {
                    value
                        .strip_prefix("Bearer ")
                        .or_else(|| value.strip_prefix("bearer "))
                })
                .ok_or_else(|| {
                    app::Error::Unauthorized("expected `Authorization: Bearer <API key>`".into())
                })?;
            return Ok(Self(state.app.authenticate_key(key.trim()).await?));
        }
        if let Some(token) = session_token(parts) {
            return Ok(Self(state.app.session_actor(&token).await?.0));
        }
        Err(
            app::Error::Unauthorized("send an API key as `Authorization: Bearer <key>`".into())
                .into(),
        )
    }
}

/// A logged-in user of the web UI; others are sent to the login page.
pub struct Browser {
    /// Who acts.
    pub actor: Actor,
    /// Their user record.
    pub user: Record,
    /// The session token (for logging out).
    pub token: String,
}

impl FromRequestParts<AppState> for Browser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let to_login = || Redirect::to("/login").into_response();
        let token = session_token(parts).ok_or_else(to_login)?;
        let (actor, user) = state
            .app
            .session_actor(&token)
            .await
            .map_err(|_| to_login())?;
        Ok(Self { actor, user, token })
    }
}

/// The value of a cookie.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

fn session_token(parts: &Parts) -> Option<String> {
    cookie(parts, SESSION_COOKIE).filter(|token| !token.is_empty())
}
