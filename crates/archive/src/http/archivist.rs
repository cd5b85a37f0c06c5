//! The archivists' desk: the elimination proposals of every organisation awaiting a decision, each read
//! with its transfers as they stand today, approved with the control authority's visa or refused with a
//! reason. Only the archive service's archivists reach it.

use super::html_error;
use crate::access::TransferSummary;
use crate::elimination::{self, Proposal};
use crate::{ArchiveError, archivists};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::Organisation;
use identity::access::SignedIn;
use serde::Deserialize;
use store::{OrgScope, clock};
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/archives/eliminations", get(desk))
        .route("/archives/eliminations/{slug}/{id}", get(proposal_page))
        .route("/archives/eliminations/{slug}/{id}/approbation", post(approve))
        .route("/archives/eliminations/{slug}/{id}/refus", post(refuse))
}

async fn archivist(state: &AppState, signed_in: &SignedIn) -> Result<(), HtmlError> {
    if archivists::is_archivist(&state.db, signed_in.principal.user.id).await.map_err(html_error)? {
        Ok(())
    } else {
        Err(HtmlError::forbidden())
    }
}

fn meta(signed_in: &SignedIn, title: &str, here: Option<(&str, String)>) -> PageMeta {
    let mut trail =
        vec![("Accueil".to_string(), "/".to_string()), ("Éliminations à décider".to_string(), "/archives/eliminations".to_string())];
    trail.extend(here.map(|(label, href)| (label.to_string(), href)));
    let refs: Vec<(&str, &str)> = trail.iter().map(|(l, h)| (l.as_str(), h.as_str())).collect();
    PageMeta {
        title: title.to_string(),
        user_name: Some(signed_in.principal.user.display_name.clone()),
        csrf: signed_in.csrf.clone(),
        is_platform_admin: signed_in.principal.user.is_platform_admin,
        breadcrumbs: Vec::new(),
    }
    .with_breadcrumbs(&refs)
}

#[derive(Template, WebTemplate)]
#[template(path = "archive_desk.html")]
struct DeskPage {
    page: PageMeta,
    awaiting: Vec<(Organisation, Proposal)>,
    done: Option<String>,
}

#[derive(Deserialize)]
struct Done {
    #[serde(default)]
    fait: Option<String>,
}

async fn organisation(state: &AppState, slug: &str) -> Result<Organisation, HtmlError> {
    identity::service::organisation_by_slug(&state.db, slug).await.map_err(|e| HtmlError::internal(&e))?.ok_or_else(HtmlError::not_found)
}

async fn desk(State(state): State<AppState>, signed_in: SignedIn, Query(done): Query<Done>) -> Result<DeskPage, HtmlError> {
    archivist(&state, &signed_in).await?;
    let mut awaiting = Vec::new();
    for (organisation_id, id) in elimination::awaiting(&state.db).await.map_err(html_error)? {
        let organisation = identity::service::organisation_by_id(&state.db, organisation_id)
            .await
            .map_err(|e| HtmlError::internal(&e))?
            .ok_or_else(HtmlError::not_found)?;
        let (proposal, _) = elimination::proposal(&state.db, OrgScope::granted(organisation_id), id).await.map_err(html_error)?;
        awaiting.push((organisation, proposal));
    }
    Ok(DeskPage { page: meta(&signed_in, "Éliminations à décider", None), awaiting, done: done.fait })
}

/// A transfer of the proposal with where it stands today.
struct Line {
    transfer: TransferSummary,
    situation: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "archive_proposal.html")]
struct ProposalPage {
    page: PageMeta,
    organisation: Organisation,
    proposal: Proposal,
    lines: Vec<Line>,
    error: Option<String>,
}

async fn proposal_view(
    state: &AppState,
    signed_in: &SignedIn,
    slug: &str,
    id: i64,
    error: Option<String>,
) -> Result<ProposalPage, HtmlError> {
    let organisation = organisation(state, slug).await?;
    let scope = OrgScope::granted(organisation.id);
    let (proposal, transfers) = elimination::proposal(&state.db, scope, id).await.map_err(html_error)?;
    let held: Vec<i64> = crate::holds::list(&state.db, scope)
        .await
        .map_err(html_error)?
        .into_iter()
        .filter(|h| h.is_active())
        .map(|h| h.transfer_id)
        .collect();
    let today = clock::today_paris();
    let lines = transfers
        .into_iter()
        .map(|transfer| {
            let situation = transfer.disposal_label().unwrap_or_else(|| transfer.disposition(today, held.contains(&transfer.id)).label());
            Line { transfer, situation }
        })
        .collect();
    let here = (proposal.number(), format!("/archives/eliminations/{slug}/{id}"));
    Ok(ProposalPage {
        page: meta(signed_in, &format!("Proposition d'élimination {}", proposal.number()), Some((here.0.as_str(), here.1.clone()))),
        organisation,
        proposal,
        lines,
        error,
    })
}

async fn proposal_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<ProposalPage, HtmlError> {
    archivist(&state, &signed_in).await?;
    proposal_view(&state, &signed_in, &slug, id, None).await
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    note: String,
}

async fn decided(
    state: &AppState,
    signed_in: &SignedIn,
    slug: &str,
    id: i64,
    result: Result<String, ArchiveError>,
) -> Result<Response, HtmlError> {
    match result {
        Ok(message) => Ok(Redirect::to(&format!("/archives/eliminations?fait={}", web::urls::encode_component(&message))).into_response()),
        Err(ArchiveError::Invalid(reason) | ArchiveError::NotFound(reason)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, proposal_view(state, signed_in, slug, id, Some(reason)).await?).into_response())
        }
        Err(other) => Err(html_error(other)),
    }
}

/// What the archivist decides.
#[derive(Clone, Copy)]
enum Decision {
    Approve,
    Refuse,
}

async fn decide(
    state: &AppState,
    signed_in: &SignedIn,
    slug: &str,
    id: i64,
    note: &str,
    decision: Decision,
) -> Result<Response, HtmlError> {
    archivist(state, signed_in).await?;
    let scope = OrgScope::granted(organisation(state, slug).await?.id);
    let archivist = signed_in.principal.user.display_name.clone();
    let number = format!("ELIM-{}-{id}", scope.organisation_id());
    let result = match decision {
        Decision::Approve => elimination::approve(&state.db, &state.blobs, scope, id, &archivist, note, time::OffsetDateTime::now_utc())
            .await
            .map(|()| format!("Élimination {number} approuvée : les archives sont détruites et le certificat établi.")),
        Decision::Refuse => elimination::refuse(&state.db, scope, id, &archivist, note)
            .await
            .map(|()| format!("Proposition {number} refusée : les archives restent conservées.")),
    };
    decided(state, signed_in, slug, id, result).await
}

async fn approve(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, HtmlError> {
    decide(&state, &signed_in, &slug, id, &form.note, Decision::Approve).await
}

async fn refuse(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, HtmlError> {
    decide(&state, &signed_in, &slug, id, &form.note, Decision::Refuse).await
}
