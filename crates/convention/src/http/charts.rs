//! The cost-sharing charts of a period, one per charged application (public, like the tables).

use crate::{annex, chart, service};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use web::{AppState, HtmlError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/conventions/{period}/{chart}", get(chart_svg))
}

async fn chart_svg(State(state): State<AppState>, Path((code, file)): Path<(String, String)>) -> Result<Response, HtmlError> {
    let application = file.strip_suffix(".svg").ok_or_else(HtmlError::not_found)?;
    let period = service::period(&state.db, &code).await?;
    let offers = service::offers(&state.db, &period).await?;
    let name =
        offers.iter().find(|o| o.application.code == application).map(|o| o.application.name.clone()).ok_or_else(HtmlError::not_found)?;
    let rows = service::annex_rows(&state.db, &period).await?;
    let tables = annex::tables(&rows);
    let communes =
        tables.iter().find(|t| t.application == application && t.kind == annex::MemberKind::Commune).ok_or_else(HtmlError::not_found)?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")],
        chart::shares_svg(communes, &name),
    )
        .into_response())
}
