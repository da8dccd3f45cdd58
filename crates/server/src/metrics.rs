//! Request counts and latencies in Prometheus text format. Written by hand:
//! a few counters do not justify a metrics crate stack.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

/// Counters of every route.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, String), Route>>,
}

#[derive(Default)]
struct Route {
    statuses: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

/// Middleware: counts each request under its route template (never its
/// concrete path or query, which may hold personal data).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    if let Ok(mut routes) = state.metrics.routes.lock() {
        let entry = routes.entry((method.clone(), route.clone())).or_default();
        *entry.statuses.entry(status).or_default() += 1;
        entry.count += 1;
        entry.sum_seconds += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }
    if status >= 500 {
        tracing::warn!(%method, %route, status, "Request failed.");
    } else {
        tracing::debug!(%method, %route, status, micros = (seconds * 1e6) as u64, "Request served.");
    }
    response
}

impl Metrics {
    /// The Prometheus exposition text.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP fundament_http_requests_total HTTP requests by route and status.\n# TYPE fundament_http_requests_total counter\n",
        );
        let Ok(routes) = self.routes.lock() else {
            return out;
        };
        for ((method, route), entry) in routes.iter() {
            for (status, count) in &entry.statuses {
                out.push_str(&format!("fundament_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}\n"));
            }
        }
        out.push_str("# HELP fundament_http_request_duration_seconds Request latency by route.\n# TYPE fundament_http_request_duration_seconds histogram\n");
        for ((method, route), entry) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, count) in BUCKETS.iter().zip(entry.buckets) {
                out.push_str(&format!("fundament_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}\n"));
            }
            out.push_str(&format!(
                "fundament_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n",
                entry.count
            ));
            out.push_str(&format!(
                "fundament_http_request_duration_seconds_sum{{{labels}}} {}\n",
                entry.sum_seconds
            ));
            out.push_str(&format!(
                "fundament_http_request_duration_seconds_count{{{labels}}} {}\n",
                entry.count
            ));
        }
        out
    }
}
