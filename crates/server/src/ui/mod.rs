//! The web UI: server-rendered pages in Russian and English, every asset
//! served by the binary. Elements that tests drive carry `data-test`.

mod bots;
mod i18n;
mod importing;
mod master;
mod pages;
mod predictions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::routing::get;
use minijinja::Environment;

pub use i18n::Lang;

use crate::AppState;

/// The UI's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(master::router())
        .merge(predictions::router())
        .merge(bots::router())
        .merge(importing::router().layer(DefaultBodyLimit::max(crate::api::imports::MAX_UPLOAD)))
        .route(
            "/assets/app.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "max-age=3600"),
                    ],
                    include_str!("../../assets/app.css"),
                )
            }),
        )
}

/// Every template, compiled once at start.
pub fn templates() -> Environment<'static> {
    let mut environment = Environment::new();
    for (name, source) in [
        ("layout.html", include_str!("../../templates/layout.html")),
        ("login.html", include_str!("../../templates/login.html")),
        ("bots.html", include_str!("../../templates/bots.html")),
        (
            "contacts.html",
            include_str!("../../templates/contacts.html"),
        ),
        ("contact.html", include_str!("../../templates/contact.html")),
        ("deals.html", include_str!("../../templates/deals.html")),
        ("import.html", include_str!("../../templates/import.html")),
        (
            "import_preview.html",
            include_str!("../../templates/import_preview.html"),
        ),
        (
            "import_job.html",
            include_str!("../../templates/import_job.html"),
        ),
        ("error.html", include_str!("../../templates/error.html")),
        (
            "duplicates.html",
            include_str!("../../templates/duplicates.html"),
        ),
        ("merge.html", include_str!("../../templates/merge.html")),
        (
            "readiness.html",
            include_str!("../../templates/readiness.html"),
        ),
        ("docs.html", include_str!("../../templates/docs.html")),
        ("deal.html", include_str!("../../templates/deal.html")),
        (
            "call_first.html",
            include_str!("../../templates/call_first.html"),
        ),
        ("models.html", include_str!("../../templates/models.html")),
    ] {
        if let Err(error) = environment.add_template(name, source) {
            // Templates are compiled into the binary; a broken one is a build defect caught by every UI test.
            tracing::error!(template = name, error = %error, "Template does not compile.");
        }
    }
    environment
}

/// Renders a page of the logged-in UI: adds the texts in `lang`, the user
/// and the active tab to `context`.
pub fn render_page(
    state: &AppState,
    name: &str,
    lang: Lang,
    user: &domain::Record,
    active: &str,
    mut context: serde_json::Value,
) -> String {
    if let serde_json::Value::Object(map) = &mut context {
        map.insert("t".into(), serde_json::json!(lang.texts()));
        map.insert("lang".into(), serde_json::json!(lang.code()));
        map.insert("user".into(), pages::user_view(user));
        map.insert("active".into(), serde_json::json!(active));
    }
    render(state, name, context)
}

/// Renders a template; a rendering failure becomes a plain error page.
pub fn render(state: &AppState, name: &str, context: serde_json::Value) -> String {
    match state
        .templates
        .get_template(name)
        .and_then(|template| template.render(minijinja::value::Serde(&context)))
    {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(template = name, error = %error, "Template failed to render.");
            format!(
                "<!doctype html><title>fundament</title><p>Page failed to render: {}</p>",
                minijinja::HtmlEscape(&error.to_string())
            )
        }
    }
}
