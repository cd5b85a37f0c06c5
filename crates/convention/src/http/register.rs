//! The Métropole's register of its members' conventions: who signed each, when, and its avenants.

use crate::service::{self, MemberConvention};
use crate::signatures::{self, SignatureInput};
use crate::{ConventionError, store as sql};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::Organisation;
use identity::access::{OrgAccess, OrgMember};
use kernel::OrganisationKind;
use serde::Deserialize;
use store::OrgScope;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/registre-conventions", get(register))
        .route("/{slug}/registre-conventions/{member}", get(member_register))
        .route("/{slug}/registre-conventions/{member}/{period}/signature", post(sign))
        .route("/{slug}/registre-conventions/{member}/{period}/avenant", post(amend))
}

/// The register is the Métropole's: other organisations do not have one.
fn keeper_only(access: &OrgAccess) -> Result<(), HtmlError> {
    if access.organisation.kind == OrganisationKind::Metropole { Ok(()) } else { Err(HtmlError::not_found()) }
}

struct MemberConventions {
    member: Organisation,
    conventions: Vec<MemberConvention>,
}

#[derive(Template, WebTemplate)]
#[template(path = "register.html")]
struct RegisterPage {
    page: PageMeta,
    slug: String,
    members: Vec<MemberConventions>,
}

impl RegisterPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }
}

async fn register(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<RegisterPage, HtmlError> {
    keeper_only(&access)?;
    let organisations = identity::service::organisations(&state.db).await?;
    let mut members = Vec::new();
    for id in sql::organisations_with_conventions(&state.db).await? {
        let Some(member) = organisations.iter().find(|o| o.id == id).cloned() else { continue };
        let conventions = service::member_conventions(&state.db, OrgScope::granted(member.id), &member).await?;
        members.push(MemberConventions { member, conventions });
    }
    members.sort_by(|a, b| a.member.name.cmp(&b.member.name));
    let slug = access.organisation.slug.clone();
    Ok(RegisterPage {
        page: access.page("Registre des conventions des membres").with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Registre des conventions", &format!("/{slug}/registre-conventions")),
        ]),
        slug,
        members,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "register_member.html")]
struct MemberRegisterPage {
    page: PageMeta,
    slug: String,
    member: Organisation,
    conventions: Vec<MemberConvention>,
    error: Option<String>,
    today: String,
}

impl MemberRegisterPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }
}

async fn member_page(
    state: &AppState,
    access: &OrgAccess,
    member_slug: &str,
    error: Option<String>,
) -> Result<MemberRegisterPage, HtmlError> {
    keeper_only(access)?;
    let member = identity::service::organisation_by_slug(&state.db, member_slug).await?.ok_or_else(HtmlError::not_found)?;
    let conventions = service::member_conventions(&state.db, OrgScope::granted(member.id), &member).await?;
    if conventions.is_empty() {
        return Err(HtmlError::not_found());
    }
    let slug = access.organisation.slug.clone();
    Ok(MemberRegisterPage {
        page: access.page(&format!("Conventions de {}", member.name)).with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Registre des conventions", &format!("/{slug}/registre-conventions")),
            (&member.name, &format!("/{slug}/registre-conventions/{}", member.slug)),
        ]),
        slug,
        member,
        conventions,
        error,
        today: store::clock::today_paris().to_string(),
    })
}

async fn member_register(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, member)): Path<(String, String)>,
) -> Result<MemberRegisterPage, HtmlError> {
    member_page(&state, &access, &member, None).await
}

/// The member's convention for the period of the URL, as the register's forms act on it.
async fn target(state: &AppState, access: &OrgAccess, member: &str, period: &str) -> Result<(OrgScope, i64), HtmlError> {
    let page = member_page(state, access, member, None).await?;
    access.require_agent()?;
    let convention = page.conventions.iter().find(|c| c.period.code == period).ok_or_else(HtmlError::not_found)?;
    Ok((OrgScope::granted(page.member.id), convention.convention.id))
}

/// After an action: back to the member's register, or the register with the reason and nothing changed.
async fn outcome<T>(state: &AppState, access: &OrgAccess, member: &str, result: Result<T, ConventionError>) -> Result<Response, HtmlError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/{}/registre-conventions/{member}", access.organisation.slug)).into_response()),
        Err(ConventionError::Store(e)) => Err(HtmlError::internal(&e)),
        Err(ConventionError::NotFound(_)) => Err(HtmlError::not_found()),
        Err(other) => {
            let page = member_page(state, access, member, Some(other.to_string())).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn sign(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, member, period)): Path<(String, String, String)>,
    Form(input): Form<SignatureInput>,
) -> Result<Response, HtmlError> {
    let (scope, convention_id) = target(&state, &access, &member, &period).await?;
    let result = signatures::sign(&state.db, access.actor(), scope, convention_id, &input).await;
    outcome(&state, &access, &member, result).await
}

#[derive(Deserialize)]
struct AmendmentForm {
    #[serde(default)]
    objet: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    deliberation: String,
}

async fn amend(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, member, period)): Path<(String, String, String)>,
    Form(form): Form<AmendmentForm>,
) -> Result<Response, HtmlError> {
    let (scope, convention_id) = target(&state, &access, &member, &period).await?;
    let result = signatures::amend(&state.db, access.actor(), scope, convention_id, &form.objet, &form.date, &form.deliberation).await;
    outcome(&state, &access, &member, result).await
}
