//! The archive's pages for an organisation's agents: its transfers (search by text, category and year),
//! one transfer with its objects, the download of an object (journaled) with its proof, the SEDA transfer;
//! the final disposition of its archives ([`retention`]); the archivists' desk ([`archivist`]).

mod archivist;
mod retention;

use crate::access::{self, ObjectView, Search, TransferSummary};
use crate::{ArchiveError, Category};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use identity::access::{OrgAccess, OrgMember};
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/archives", get(list))
        .route("/{slug}/archives/versements/{id}", get(transfer))
        .route("/{slug}/archives/versements/{id}/seda.xml", get(seda))
        .route("/{slug}/archives/objets/{id}", get(download))
        .route("/{slug}/archives/objets/{id}/preuve", get(proof))
        .merge(retention::routes())
        .merge(archivist::routes())
}

pub(crate) fn html_error(error: ArchiveError) -> HtmlError {
    match error {
        ArchiveError::NotFound(_) | ArchiveError::Blob(store::blobs::BlobError::NotFound(_)) => HtmlError::not_found(),
        ArchiveError::Invalid(message) => HtmlError::bad_request(message),
        other => HtmlError::internal(&other),
    }
}

pub(crate) fn meta(access: &OrgAccess, title: &str, here: Option<(&str, String)>) -> PageMeta {
    let slug = &access.organisation.slug;
    let mut trail = vec![
        ("Accueil".to_string(), "/".to_string()),
        (access.organisation.name.clone(), format!("/{slug}/")),
        ("Archives".to_string(), format!("/{slug}/archives")),
    ];
    if let Some((label, href)) = here {
        trail.push((label.to_string(), href));
    }
    let refs: Vec<(&str, &str)> = trail.iter().map(|(l, h)| (l.as_str(), h.as_str())).collect();
    access.page(title).with_breadcrumbs(&refs)
}

#[derive(Template, WebTemplate)]
#[template(path = "archives.html")]
struct ListPage {
    page: PageMeta,
    slug: String,
    search: Search,
    categories: Vec<Category>,
    transfers: Vec<TransferSummary>,
}

async fn list(State(state): State<AppState>, OrgMember(access): OrgMember, Query(search): Query<Search>) -> Result<ListPage, HtmlError> {
    access.require_agent()?;
    let transfers = access::transfers(&state.db, access.scope, &search).await.map_err(html_error)?;
    Ok(ListPage {
        page: meta(&access, "Archives électroniques", None),
        slug: access.organisation.slug.clone(),
        search,
        categories: vec![Category::Deliberation, Category::Act, Category::AccountingFlow],
        transfers,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "archive_transfer.html")]
struct TransferPage {
    page: PageMeta,
    slug: String,
    transfer: TransferSummary,
    objects: Vec<ObjectView>,
}

async fn transfer(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<TransferPage, HtmlError> {
    access.require_agent()?;
    let (transfer, objects) = access::transfer(&state.db, access.scope, id).await.map_err(html_error)?;
    let here = format!("/{}/archives/versements/{id}", access.organisation.slug);
    Ok(TransferPage {
        page: meta(&access, &format!("Versement {}", transfer.identifier), Some((transfer.identifier.as_str(), here))),
        slug: access.organisation.slug.clone(),
        transfer,
        objects,
    })
}

async fn seda(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let (identifier, xml) = access::seda(&state.db, &state.blobs, access.scope, id).await.map_err(html_error)?;
    Ok(attachment("application/xml", &format!("{identifier}.xml"), xml))
}

async fn download(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let reader = access.principal.user.display_name.clone();
    let (object, bytes) = access::read_object(&state.db, &state.blobs, access.scope, id, &reader).await.map_err(html_error)?;
    Ok(attachment(&object.media_type, &object.file_name, bytes))
}

async fn proof(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let proof = access::proof(&state.db, &state.blobs, access.scope, id).await.map_err(html_error)?;
    Ok(axum::Json(proof).into_response())
}

pub(crate) fn attachment(media_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let safe: String = file_name.chars().map(|c| if c == '"' || c.is_control() { '_' } else { c }).collect();
    ([(header::CONTENT_TYPE, media_type.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{safe}\""))], bytes)
        .into_response()
}
