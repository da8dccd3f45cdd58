//! What every handler can reach.

use std::sync::Arc;

use app::App;

use crate::metrics::Metrics;

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub app: App,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) templates: Arc<minijinja::Environment<'static>>,
}

impl AppState {
    /// State around an application.
    pub fn new(app: App) -> Self {
        Self {
            app,
            metrics: Arc::new(Metrics::default()),
            templates: Arc::new(crate::ui::templates()),
        }
    }
}
