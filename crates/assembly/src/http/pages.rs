//! The sittings of an organisation and the extracts of its register of deliberations.

use crate::extract::{self, Extract};
use crate::model::Sitting;
use crate::service::{self, SittingRecord};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use identity::access::{OrgAccess, OrgMember};
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/seances", get(sittings))
        .route("/{slug}/seances/{id}", get(sitting))
        .route("/{slug}/deliberations/{number}/extrait.html", get(extract_html))
        .route("/{slug}/deliberations/{number}/extrait.pdf", get(extract_pdf))
}

#[derive(Template, WebTemplate)]
#[template(path = "sittings.html")]
struct SittingsPage {
    page: PageMeta,
    slug: String,
    sittings: Vec<Sitting>,
}

impl SittingsPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }
}

fn breadcrumbs<'a>(access: &'a OrgAccess, slug: &'a str) -> [(&'a str, String); 3] {
    [("Accueil", "/".to_string()), (access.organisation.name.as_str(), format!("/{slug}/")), ("Séances", format!("/{slug}/seances"))]
}

fn with_breadcrumbs(access: &OrgAccess, title: &str) -> PageMeta {
    let slug = &access.organisation.slug;
    let crumbs = breadcrumbs(access, slug);
    let refs: Vec<(&str, &str)> = crumbs.iter().map(|(label, href)| (*label, href.as_str())).collect();
    access.page(title).with_breadcrumbs(&refs)
}

async fn sittings(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<SittingsPage, HtmlError> {
    let sittings = service::sittings(&state.db, access.scope).await?;
    Ok(SittingsPage {
        page: with_breadcrumbs(&access, &format!("Séances des assemblées — {}", access.organisation.name)),
        slug: access.organisation.slug.clone(),
        sittings,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "sitting.html")]
struct SittingPage {
    page: PageMeta,
    slug: String,
    r: SittingRecord,
    quorum: crate::rules::quorum::QuorumCheck,
}

impl SittingPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }

    fn long(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_long_fr(*date.borrow())
    }
}

async fn sitting(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<SittingPage, HtmlError> {
    let record = service::sitting(&state.db, access.scope, id).await?.ok_or_else(HtmlError::not_found)?;
    let title = format!("{} — séance du {}", record.sitting.body.name, kernel::calendar::format_long_fr(record.sitting.date));
    Ok(SittingPage { page: with_breadcrumbs(&access, &title), slug: access.organisation.slug.clone(), quorum: record.quorum(), r: record })
}

/// The extract of the deliberation `number` as HTML; 404 when the organisation has none of that number.
async fn extract_document(state: &AppState, access: &OrgAccess, number: &str) -> Result<String, HtmlError> {
    let record = service::deliberation(&state.db, access.scope, number).await?.ok_or_else(HtmlError::not_found)?;
    let item = record.deliberation(number).ok_or_else(HtmlError::not_found)?;
    let extract = Extract::of(&record, &access.organisation.name, item);
    let back = format!("/{}/seances/{}", access.organisation.slug, record.sitting.id);
    extract::render(&extract, &back).map_err(|e| HtmlError::internal(&e))
}

async fn extract_html(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, number)): Path<(String, String)>,
) -> Result<Html<String>, HtmlError> {
    extract_document(&state, &access, &number).await.map(Html)
}

async fn extract_pdf(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, number)): Path<(String, String)>,
) -> Result<Response, HtmlError> {
    let html = extract_document(&state, &access, &number).await?;
    let pdf = tokio::task::spawn_blocking(move || docgen::html_pdf(&html))
        .await
        .map_err(|e| HtmlError::internal(&e))?
        .map_err(|e| HtmlError::internal(&e))?;
    let file_name: String = number.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"deliberation_{file_name}.pdf\"")),
        ],
        pdf,
    )
        .into_response())
}

/// On an organisation's home page: its latest sittings and the way to all of them.
pub struct SittingsSection;

#[derive(Template)]
#[template(path = "home_section.html")]
struct SectionFragment {
    slug: String,
    latest: Vec<Sitting>,
}

impl SectionFragment {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }
}

impl web::home::HomeSection for SittingsSection {
    fn render<'a>(
        &'a self,
        db: &'a store::Db,
        scope: store::OrgScope,
        organisation_slug: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<String, HtmlError>> {
        Box::pin(async move {
            let sittings = service::sittings(db, scope).await?;
            if sittings.is_empty() {
                return Ok(String::new());
            }
            let latest = sittings.into_iter().take(3).collect();
            SectionFragment { slug: organisation_slug.to_string(), latest }.render().map_err(|e| HtmlError::internal(&e))
        })
    }
}
