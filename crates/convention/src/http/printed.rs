//! PDF editions of the public tables.

use crate::annex::{self, ApplicationNames};
use crate::{printing, service};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use identity::access::OrgMember;
use web::{AppState, HtmlError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/conventions/{period}/annexe-2.pdf", get(annex_pdf)).route("/{slug}/titres/{reference}/titre.pdf", get(titre_pdf))
}

async fn annex_pdf(State(state): State<AppState>, Path(code): Path<String>) -> Result<Response, HtmlError> {
    let period = service::period(&state.db, &code).await?;
    let offers = service::offers(&state.db, &period).await?;
    let rows = service::annex_rows(&state.db, &period).await?;
    let names = ApplicationNames(offers.iter().map(|o| (o.application.code.clone(), o.application.name.clone())).collect());
    // Typst lays out on the blocking pool: a document takes tens of milliseconds of CPU.
    let pdf = tokio::task::spawn_blocking(move || printing::annex_pdf(&period, &annex::tables(&rows), &names))
        .await
        .map_err(|e| HtmlError::internal(&e))?
        .map_err(|e| HtmlError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"annexe2_tarifs_{code}.pdf\"")),
        ],
        pdf,
    )
        .into_response())
}

/// A member's titre de recette as a PDF document (its members only).
async fn titre_pdf(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, reference)): Path<(String, String)>,
) -> Result<Response, HtmlError> {
    let order = crate::invoicing::of_debtor_by_reference(&state.db, access.scope, &reference).await?.ok_or_else(HtmlError::not_found)?;
    let (seller, buyer) = crate::facturx::parties(&state.db, &order).await?;
    let pdf = tokio::task::spawn_blocking(move || printing::titre_pdf(&order, &seller, &buyer))
        .await
        .map_err(|e| HtmlError::internal(&e))?
        .map_err(|e| HtmlError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{reference}.pdf\"")),
        ],
        pdf,
    )
        .into_response())
}
