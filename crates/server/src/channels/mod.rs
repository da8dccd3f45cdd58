//! Channels customers write in, each verified as its platform documents
//! and answered through `app::App::converse`. The website widget is here;
//! the REST channel is in `api::bots`.

mod widget;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(widget::router())
}
