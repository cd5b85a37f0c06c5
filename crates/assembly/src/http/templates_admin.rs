//! The organisation's templates of its printed documents: shown to its people, adapted by its
//! administrators (an empty template brings back the one shipped with the product).

use crate::AssemblyError;
use crate::printed::{self, Document};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use std::collections::HashMap;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new().route("/{slug}/modeles-documents", get(templates)).route("/{slug}/modeles-documents/{document}", post(save))
}

/// A document with the template in use.
struct Shown {
    document: Document,
    body: String,
    adapted: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "templates_admin.html")]
struct TemplatesPage {
    page: PageMeta,
    slug: String,
    documents: Vec<Shown>,
    can_edit: bool,
    error: Option<String>,
}

async fn page(state: &AppState, access: &OrgAccess, error: Option<String>) -> Result<TemplatesPage, HtmlError> {
    let mut documents = Vec::new();
    for document in Document::ALL {
        let (body, adapted) = printed::template(&state.db, access.scope, document).await?;
        documents.push(Shown { document, body, adapted });
    }
    let slug = access.organisation.slug.clone();
    Ok(TemplatesPage {
        page: access.page("Modèles des documents du registre").with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Modèles des documents", &format!("/{slug}/modeles-documents")),
        ]),
        slug,
        documents,
        can_edit: access.is_admin(),
        error,
    })
}

async fn templates(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<TemplatesPage, HtmlError> {
    page(&state, &access, None).await
}

async fn save(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, document)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    if !access.is_admin() {
        return Err(HtmlError::forbidden());
    }
    let document = Document::parse(&document).ok_or_else(HtmlError::not_found)?;
    let body = form.get("modele").map(String::as_str).unwrap_or("");
    match printed::save(&state.db, access.actor(), access.scope, document, body).await {
        Ok(()) => Ok(Redirect::to(&format!("/{}/modeles-documents#{}", access.organisation.slug, document.code())).into_response()),
        Err(AssemblyError::Store(e)) => Err(HtmlError::internal(&e)),
        Err(other) => Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, &access, Some(other.to_string())).await?).into_response()),
    }
}
