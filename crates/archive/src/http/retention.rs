//! The final disposition of an organisation's archives, for its agents: each transfer's retention period
//! and where it stands, legal holds placed and lifted, elimination proposals with their decision,
//! certificate and SEDA notification, and the restitutions with their certificate of destruction.

use super::{attachment, html_error, meta};
use crate::access::{self, Search, TransferSummary};
use crate::elimination::{self, Proposal};
use crate::holds::{self, Hold};
use crate::restitution::{self, Restitution};
use crate::{ArchiveError, Category};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use serde::Deserialize;
use store::clock;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/archives/sort-final", get(page))
        .route("/{slug}/archives/versements/{id}/gel", post(place_hold))
        .route("/{slug}/archives/gels/{id}/levee", post(lift_hold))
        .route("/{slug}/archives/eliminations", post(propose))
        .route("/{slug}/archives/eliminations/{id}/{document}", get(elimination_document))
        .route("/{slug}/archives/restitutions/{id}/certificat.pdf", get(restitution_certificate))
}

/// A transfer with where it stands and its hold, if one lasts.
struct Line {
    transfer: TransferSummary,
    situation: String,
    hold: Option<Hold>,
}

/// A category's rule, as the page explains it.
struct Rule {
    category: &'static str,
    years: u8,
    final_action: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "archive_retention.html")]
struct RetentionPage {
    page: PageMeta,
    slug: String,
    rules: Vec<Rule>,
    lines: Vec<Line>,
    eliminable: usize,
    proposals: Vec<Proposal>,
    lifted: Vec<Hold>,
    restitutions: Vec<Restitution>,
    identifiers: std::collections::HashMap<i64, String>,
    error: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize)]
struct Done {
    #[serde(default)]
    fait: Option<String>,
}

async fn retention_page(
    state: &AppState,
    access: &OrgAccess,
    error: Option<String>,
    done: Option<String>,
) -> Result<RetentionPage, HtmlError> {
    let (db, scope) = (&state.db, access.scope);
    let today = clock::today_paris();
    let transfers = access::transfers(db, scope, &Search::default()).await.map_err(html_error)?;
    let holds = holds::list(db, scope).await.map_err(html_error)?;
    let identifiers = transfers.iter().map(|t| (t.id, t.identifier.clone())).collect();
    let lines = transfers
        .into_iter()
        .map(|transfer| {
            let hold = holds.iter().find(|h| h.is_active() && h.transfer_id == transfer.id).cloned();
            let situation = transfer.disposal_label().unwrap_or_else(|| transfer.disposition(today, hold.is_some()).label());
            Line { transfer, situation, hold }
        })
        .collect();
    let rules = [Category::Deliberation, Category::Act, Category::AccountingFlow]
        .into_iter()
        .map(|category| {
            let (years, action) = category.retention();
            let final_action = if action == crate::FinalAction::Keep { "conservation définitive" } else { "destruction" };
            Rule { category: category.label(), years, final_action }
        })
        .collect();
    Ok(RetentionPage {
        page: meta(access, "Sort final des archives", Some(("Sort final", format!("/{}/archives/sort-final", access.organisation.slug)))),
        slug: access.organisation.slug.clone(),
        rules,
        lines,
        eliminable: elimination::eliminable(db, scope, today).await.map_err(html_error)?.len(),
        proposals: elimination::list(db, scope).await.map_err(html_error)?,
        lifted: holds.into_iter().filter(|h| !h.is_active()).collect(),
        restitutions: restitution::list(db, scope).await.map_err(html_error)?,
        identifiers,
        error,
        done,
    })
}

async fn page(State(state): State<AppState>, OrgMember(access): OrgMember, Query(done): Query<Done>) -> Result<RetentionPage, HtmlError> {
    access.require_agent()?;
    retention_page(&state, &access, None, done.fait).await
}

/// Back to the page with the confirmation, or the page again with the reason of a refusal (nothing changed).
async fn outcome(state: &AppState, access: &OrgAccess, result: Result<String, ArchiveError>) -> Result<Response, HtmlError> {
    match result {
        Ok(message) => {
            Ok(Redirect::to(&format!("/{}/archives/sort-final?fait={}", access.organisation.slug, web::urls::encode_component(&message)))
                .into_response())
        }
        Err(ArchiveError::Invalid(reason) | ArchiveError::NotFound(reason)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, retention_page(state, access, Some(reason), None).await?).into_response())
        }
        Err(other) => Err(html_error(other)),
    }
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn place_hold(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let by = access.principal.user.display_name.clone();
    let result = holds::place(&state.db, access.scope, id, &form.reason, &by)
        .await
        .map(|_| "Le versement est gelé : il ne peut plus être éliminé ni détruit.".to_string());
    outcome(&state, &access, result).await
}

async fn lift_hold(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let by = access.principal.user.display_name.clone();
    let result = holds::lift(&state.db, access.scope, id, &form.reason, &by).await.map(|()| "Le gel est levé.".to_string());
    outcome(&state, &access, result).await
}

async fn propose(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let by = access.principal.user.display_name.clone();
    let result = elimination::propose(&state.db, access.scope, &by, clock::today_paris())
        .await
        .map(|id| format!("Proposition d'élimination ELIM-{}-{id} transmise aux archivistes.", access.scope.organisation_id()));
    outcome(&state, &access, result).await
}

/// A document kept when archives leave the platform.
#[derive(Clone, Copy)]
enum Kept {
    EliminationCertificate,
    EliminationNotification,
    RestitutionCertificate,
}

async fn kept(state: &AppState, access: &OrgAccess, id: i64, document: Kept) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let (db, blobs, scope) = (&state.db, &state.blobs, access.scope);
    let (bytes, media_type, name) = match document {
        Kept::EliminationCertificate => {
            (elimination::document(db, blobs, scope, id, true).await, "application/pdf", format!("certificat-elimination-{id}.pdf"))
        }
        Kept::EliminationNotification => {
            (elimination::document(db, blobs, scope, id, false).await, "application/xml", format!("notification-elimination-{id}.xml"))
        }
        Kept::RestitutionCertificate => (
            restitution::certificate(db, blobs, scope, id).await,
            "application/pdf",
            format!("certificat-destruction-restitution-{id}.pdf"),
        ),
    };
    Ok(attachment(media_type, &name, bytes.map_err(html_error)?))
}

/// `certificat.pdf` or `notification.xml` of an elimination.
async fn elimination_document(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, document)): Path<(String, i64, String)>,
) -> Result<Response, HtmlError> {
    let document = match document.as_str() {
        "certificat.pdf" => Kept::EliminationCertificate,
        "notification.xml" => Kept::EliminationNotification,
        _ => return Err(HtmlError::not_found()),
    };
    kept(&state, &access, id, document).await
}

async fn restitution_certificate(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    kept(&state, &access, id, Kept::RestitutionCertificate).await
}
