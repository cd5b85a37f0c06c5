//! Requests to change a convention: the member files them, the Métropole answers them.

use crate::changes::{self, Request, RequestKind};
use crate::{ConventionError, service};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use kernel::OrganisationKind;
use serde::Deserialize;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/convention/demandes", get(member_requests).post(submit))
        .route("/{slug}/demandes-convention", get(issuer_requests))
        .route("/{slug}/demandes-convention/{id}", post(answer))
}

fn fr(date: impl std::borrow::Borrow<time::Date>) -> String {
    kernel::calendar::format_fr(*date.borrow())
}

#[derive(Template, WebTemplate)]
#[template(path = "requests_member.html")]
struct MemberRequestsPage {
    page: PageMeta,
    slug: String,
    requests: Vec<Request>,
    applications: Vec<(String, String)>,
    names: Vec<(String, String)>,
    error: Option<String>,
    can_act: bool,
}

impl MemberRequestsPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        fr(date)
    }
    fn name_of<'a>(&'a self, code: &'a Option<String>) -> &'a str {
        let code = code.as_deref().unwrap_or("");
        self.names.iter().find(|(c, _)| c == code).map_or(code, |(_, n)| n.as_str())
    }
}

async fn member_page(state: &AppState, access: &OrgAccess, error: Option<String>) -> Result<MemberRequestsPage, HtmlError> {
    let requests = changes::of_member(&state.db, access.scope).await?;
    let mut names = Vec::new();
    for period in service::periods(&state.db).await? {
        for offer in service::offers(&state.db, &period).await? {
            if !names.iter().any(|(c, _): &(String, String)| *c == offer.application.code) {
                names.push((offer.application.code.clone(), offer.application.name.clone()));
            }
        }
    }
    let slug = access.organisation.slug.clone();
    Ok(MemberRequestsPage {
        page: access.page("Demandes de modification de la convention").with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Convention", &format!("/{slug}/convention")),
            ("Demandes", &format!("/{slug}/convention/demandes")),
        ]),
        slug,
        requests,
        applications: names.clone(),
        names,
        error,
        can_act: access.require_agent().is_ok(),
    })
}

async fn member_requests(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<MemberRequestsPage, HtmlError> {
    member_page(&state, &access, None).await
}

#[derive(Deserialize)]
struct SubmitForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    application: String,
}

async fn submit(State(state): State<AppState>, OrgMember(access): OrgMember, Form(form): Form<SubmitForm>) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let Some(kind) = RequestKind::parse(&form.kind) else {
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, member_page(&state, &access, Some("type de demande inconnu".into())).await?).into_response()
        );
    };
    let today = store::clock::today_paris();
    match changes::submit(&state.db, access.actor(), &access.organisation, kind, Some(&form.application), today).await {
        Ok(_) => Ok(Redirect::to(&format!("/{}/convention/demandes", access.organisation.slug)).into_response()),
        Err(ConventionError::Store(e)) => Err(HtmlError::internal(&e)),
        Err(e) => Ok((StatusCode::UNPROCESSABLE_ENTITY, member_page(&state, &access, Some(e.to_string())).await?).into_response()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "requests_issuer.html")]
struct IssuerRequestsPage {
    page: PageMeta,
    slug: String,
    requests: Vec<Request>,
    error: Option<String>,
    today: time::Date,
}

impl IssuerRequestsPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        fr(date)
    }
}

async fn issuer_page(state: &AppState, access: &OrgAccess, error: Option<String>) -> Result<IssuerRequestsPage, HtmlError> {
    if access.organisation.kind != OrganisationKind::Metropole {
        return Err(HtmlError::not_found());
    }
    let slug = access.organisation.slug.clone();
    Ok(IssuerRequestsPage {
        page: access.page("Demandes de modification des conventions").with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Demandes des membres", &format!("/{slug}/demandes-convention")),
        ]),
        slug,
        requests: changes::of_issuer(&state.db, access.scope).await?,
        error,
        today: store::clock::today_paris(),
    })
}

async fn issuer_requests(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<IssuerRequestsPage, HtmlError> {
    issuer_page(&state, &access, None).await
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    answer: String,
}

async fn answer(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, HtmlError> {
    issuer_page(&state, &access, None).await?;
    access.require_agent()?;
    let accept = match form.decision.as_str() {
        "accepter" => true,
        "refuser" => false,
        _ => {
            return Ok(
                (StatusCode::UNPROCESSABLE_ENTITY, issuer_page(&state, &access, Some("décision inconnue".into())).await?).into_response()
            );
        }
    };
    match changes::answer(&state.db, access.actor(), access.scope, id, accept, &form.answer, store::clock::today_paris()).await {
        Ok(_) => Ok(Redirect::to(&format!("/{}/demandes-convention", access.organisation.slug)).into_response()),
        Err(ConventionError::NotFound(_)) => Err(HtmlError::not_found()),
        Err(ConventionError::Store(e)) => Err(HtmlError::internal(&e)),
        Err(e) => Ok((StatusCode::UNPROCESSABLE_ENTITY, issuer_page(&state, &access, Some(e.to_string())).await?).into_response()),
    }
}
