//! Static assets, embedded in the binary.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const STYLESHEET: &str = include_str!("../assets/communs.css");
/// The stylesheet of printable documents: a file, since the content security policy forbids inline styles.
const DOCUMENT_STYLESHEET: &str = include_str!("../assets/document.css");

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/static/communs.css", get(|| css(STYLESHEET))).route("/static/document.css", get(|| css(DOCUMENT_STYLESHEET)))
}

async fn css(content: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], content)
}
