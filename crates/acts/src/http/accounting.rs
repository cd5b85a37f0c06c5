//! The accounting flows page: the year's revenue bordereaux signed (XAdES) by the signed-in person and
//! downloaded as the PES V2 file for the public accountant.

use super::ActsServices;
use super::actions::reason;
use super::pages::meta;
use crate::accounting;
use crate::keys::{self, Signatory};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use serde::Deserialize;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new().route("/{slug}/flux-comptables", get(page).post(sign))
}

#[derive(Template, WebTemplate)]
#[template(path = "accounting.html")]
struct AccountingPage {
    page: PageMeta,
    slug: String,
    years: Vec<i32>,
    error: Option<String>,
}

fn accounting_page(access: &OrgAccess, error: Option<String>) -> AccountingPage {
    let this_year = keys::now().year();
    AccountingPage {
        page: meta(access, "Flux comptables (PES V2)", Some(("Flux comptables", format!("/{}/flux-comptables", access.organisation.slug)))),
        slug: access.organisation.slug.clone(),
        years: (2019..=this_year).rev().collect(),
        error,
    }
}

async fn page(OrgMember(access): OrgMember) -> Result<AccountingPage, HtmlError> {
    access.require_agent()?;
    Ok(accounting_page(&access, None))
}

#[derive(Deserialize)]
struct SignForm {
    year: i64,
}

/// Signs every bordereau of the year's titres and returns the file.
async fn sign(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Extension(services): Extension<ActsServices>,
    Form(form): Form<SignForm>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let user = &access.principal.user;
    let signatory = Signatory { user_id: user.id, name: &user.display_name, email: &user.email };
    let organisation = (access.scope, access.organisation.name.as_str());
    match accounting::signed_revenue_file(&state.db, &services.vault, organisation, &signatory, form.year, keys::now()).await {
        Ok(file) => Ok((
            [
                (header::CONTENT_TYPE, "application/xml".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", file.file_name)),
            ],
            file.xml,
        )
            .into_response()),
        Err(e) => Ok((StatusCode::UNPROCESSABLE_ENTITY, accounting_page(&access, Some(reason(e)?))).into_response()),
    }
}
