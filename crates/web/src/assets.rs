//! Static assets, embedded in the binary.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const STYLESHEET: &str = include_str!("../assets/communs.css");

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/static/communs.css", get(stylesheet))
}

async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
}
