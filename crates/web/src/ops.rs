//! Operations endpoints: liveness, readiness and metrics.

use crate::{AppState, Problem};
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics))
}

/// The process is up and answering.
async fn healthz() -> &'static str {
    "ok\n"
}

/// The node can serve: its database answers.
async fn readyz(State(state): State<AppState>) -> Result<&'static str, Problem> {
    state.db.ping().await.map_err(|e| Problem::unavailable(format!("La base de données ne répond pas : {e}")))?;
    Ok("ready\n")
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut out = String::new();
    state.metrics.render(&mut out);
    out.push_str("# HELP communs_db_pool_connections Open database connections of this node.\n");
    out.push_str("# TYPE communs_db_pool_connections gauge\n");
    out.push_str(&format!("communs_db_pool_connections {}\n", state.db.pool().size()));
    match store::jobs::counts_by_state(&state.db).await {
        Ok(counts) => {
            out.push_str("# HELP communs_jobs Jobs of the durable queue, by state.\n");
            out.push_str("# TYPE communs_jobs gauge\n");
            for (job_state, count) in [("queued", counts.queued), ("running", counts.running), ("done", counts.done), ("dead", counts.dead)]
            {
                out.push_str(&format!("communs_jobs{{state=\"{job_state}\"}} {count}\n"));
            }
        }
        Err(error) => tracing::warn!(%error, "job counts unavailable for /metrics"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out)
}
