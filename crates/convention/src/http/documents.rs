//! A member's convention and the draft deliberation approving it, as print-ready HTML documents built
//! from the same [`documents::DocumentView`], and as PDF printed from that very HTML (so the PDF cannot
//! say something the page does not).

use crate::annex::MemberKind;
use crate::documents::{self, DocumentView, Population};
use crate::model::Period;
use crate::service;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use identity::Organisation;
use identity::access::{OrgAccess, OrgMember};
use kernel::OrganisationKind;
use store::Db;
use web::{AppState, HtmlError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/convention/{period}/convention.html", get(convention_document))
        .route("/{slug}/convention/{period}/deliberation.html", get(deliberation_document))
        .route("/{slug}/convention/{period}/convention.pdf", get(convention_pdf))
        .route("/{slug}/convention/{period}/deliberation.pdf", get(deliberation_pdf))
}

/// The convention as PDF.
async fn convention_pdf(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((slug, period)): Path<(String, String)>,
) -> Result<Response, HtmlError> {
    let view = view(&state.db, &access, &period).await?;
    let html = documents::render_convention(&view).map_err(|e| HtmlError::internal(&e))?;
    pdf(html, format!("convention_{slug}_{period}.pdf")).await
}

/// The draft deliberation as PDF.
async fn deliberation_pdf(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((slug, period)): Path<(String, String)>,
) -> Result<Response, HtmlError> {
    let view = view(&state.db, &access, &period).await?;
    let html = documents::render_deliberation(&view).map_err(|e| HtmlError::internal(&e))?;
    pdf(html, format!("deliberation_{slug}_{period}.pdf")).await
}

/// Prints a document's HTML to PDF on the blocking pool (typst layout is CPU work).
async fn pdf(html: String, file_name: String) -> Result<Response, HtmlError> {
    let pdf = tokio::task::spawn_blocking(move || docgen::html_pdf(&html))
        .await
        .map_err(|e| HtmlError::internal(&e))?
        .map_err(|e| HtmlError::internal(&e))?;
    Ok((
        [(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file_name}\""))],
        pdf,
    )
        .into_response())
}

/// The convention of the organisation of the URL for a period: articles 1 to 11 and annexes 1 to 4.
async fn convention_document(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, period)): Path<(String, String)>,
) -> Result<Html<String>, HtmlError> {
    let view = view(&state.db, &access, &period).await?;
    documents::render_convention(&view).map(Html).map_err(|e| HtmlError::internal(&e))
}

/// The draft deliberation of the member's council approving that convention.
async fn deliberation_document(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, period)): Path<(String, String)>,
) -> Result<Html<String>, HtmlError> {
    let view = view(&state.db, &access, &period).await?;
    documents::render_deliberation(&view).map(Html).map_err(|e| HtmlError::internal(&e))
}

/// The view of both documents; 404 when the member has no convention for that period.
async fn view(db: &Db, access: &OrgAccess, period_code: &str) -> Result<DocumentView, HtmlError> {
    let member = service::member_conventions(db, access.scope, &access.organisation)
        .await?
        .into_iter()
        .find(|c| c.period.code == period_code)
        .ok_or_else(HtmlError::not_found)?;
    let offers = service::offers(db, &member.period).await?;
    let metropole = crate::invoicing::issuer(db).await?;
    let population = population(db, &access.organisation, &member.period).await?;
    let rate_card = service::rate_card(db, &member.period).await?;
    Ok(documents::view(&member, &offers, &access.organisation, &metropole.name, population, rate_card))
}

/// The population the member's shares count (its commune's for a CCAS) and the total, read from the
/// period's annexe-2 rows so that they are those of the computation. `None` when no application of the
/// period is charged yet.
async fn population(db: &Db, organisation: &Organisation, period: &Period) -> Result<Option<Population>, HtmlError> {
    let insee_code = match organisation.kind {
        OrganisationKind::Ccas => identity::service::organisations(db)
            .await?
            .into_iter()
            .find(|o| Some(o.id) == organisation.parent_id)
            .and_then(|commune| commune.insee_code),
        _ => organisation.insee_code.clone(),
    };
    let rows = service::annex_rows(db, period).await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let table: Vec<_> = rows.iter().filter(|r| r.application == first.application && r.kind == MemberKind::Commune).collect();
    let total = table.iter().map(|r| r.population).sum();
    Ok(table.iter().find(|r| Some(&r.insee_code) == insee_code.as_ref()).map(|r| Population {
        commune: r.name.clone(),
        member: r.population,
        total,
        year: period.population_year,
    }))
}
