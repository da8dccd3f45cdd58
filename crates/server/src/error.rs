//! One error type for every handler, and the one table that maps each
//! application error to an HTTP status and a stable code.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Value,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Value::Null,
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<app::Error> for ApiError {
    fn from(error: app::Error) -> Self {
        use app::Error as E;
        let (status, code) = match &error {
            E::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            E::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            E::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            E::Invalid(_) | E::InvalidBatch(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input")
            }
            E::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            E::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            E::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            E::Import(_) => (StatusCode::UNPROCESSABLE_ENTITY, "import_failed"),
            E::Store(_) | E::Io { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        let details = match &error {
            E::Invalid(errors) => json!(errors.iter().map(|error| json!({"field": error.field, "message": error.error.to_string()})).collect::<Vec<_>>()),
            E::InvalidBatch(items) => json!(items
                .iter()
                .map(|(index, errors)| json!({"index": index, "errors": errors.iter().map(|error| json!({"field": error.field, "message": error.error.to_string()})).collect::<Vec<_>>()}))
                .collect::<Vec<_>>()),
            _ => Value::Null,
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            // 5xx stays opaque to the client; the cause goes to the log (no personal data in store errors).
            tracing::error!(error = %error, "Request failed.");
            "internal error; see the server log".to_string()
        } else {
            error.to_string()
        };
        Self {
            status,
            code,
            message,
            details,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"code": self.code, "message": self.message, "details": self.details})),
        )
            .into_response()
    }
}

/// The handlers' result type.
pub type ApiResult<T> = Result<T, ApiError>;
