//! The agents' pages: the acts of the organisation, a new act, one act with its steps, history and
//! messages, and its documents.

use super::person_of;
use crate::circuit;
use crate::legality::{Classification, Matter, Nature};
use crate::model::{Act, ActState, Event, Message, Step};
use crate::{ActsError, service};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use identity::access::{OrgAccess, OrgMember};
use serde::Deserialize;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/actes", get(acts))
        .route("/{slug}/actes/nouveau", get(new_act))
        .route("/{slug}/actes/{id}", get(act))
        .route("/{slug}/actes/{id}/document.pdf", get(current_document))
        .route("/{slug}/actes/{id}/original.pdf", get(original_document))
        .route("/{slug}/actes/{id}/annexes/{annex}", get(annex))
        .route("/{slug}/actes/{id}/messages/{message}", get(message))
        .route("/{slug}/actes/{id}/validation", get(validation))
}

/// `fait`: the confirmation of the action just done.
#[derive(Deserialize, Default)]
pub(super) struct Done {
    #[serde(default)]
    pub fait: Option<String>,
}

pub(super) fn meta(access: &OrgAccess, title: &str, here: Option<(&str, String)>) -> PageMeta {
    let slug = &access.organisation.slug;
    let mut trail = vec![
        ("Accueil".to_string(), "/".to_string()),
        (access.organisation.name.clone(), format!("/{slug}/")),
        ("Actes".to_string(), format!("/{slug}/actes")),
    ];
    if let Some((label, href)) = here {
        trail.push((label.to_string(), href));
    }
    let refs: Vec<(&str, &str)> = trail.iter().map(|(l, h)| (l.as_str(), h.as_str())).collect();
    access.page(title).with_breadcrumbs(&refs)
}

pub(super) fn fr(date: time::Date) -> String {
    kernel::calendar::format_fr(date)
}

/// An instant (milliseconds) as people in France read it: `20/12/2021 à 11:30`.
pub(super) fn instant(ms: i64) -> String {
    store::clock::format_paris(ms)
}

#[derive(Template, WebTemplate)]
#[template(path = "acts.html")]
pub(super) struct ActsPage {
    page: PageMeta,
    slug: String,
    acts: Vec<Act>,
    deliberations: Vec<(String, String)>,
    can_act: bool,
    is_admin: bool,
    waiting: usize,
    error: Option<String>,
    done: Option<String>,
}

impl ActsPage {
    fn fr(&self, date: &time::Date) -> String {
        fr(*date)
    }
}

pub(super) async fn acts_page(
    state: &AppState,
    access: &OrgAccess,
    error: Option<String>,
    done: Option<String>,
) -> Result<ActsPage, HtmlError> {
    let acts = service::acts(&state.db, access.scope).await?;
    let numbered: Vec<&str> = acts.iter().filter_map(|a| a.register_number.as_deref()).collect();
    let mut deliberations = Vec::new();
    for sitting in assembly::service::sittings(&state.db, access.scope).await? {
        if let Some(record) = assembly::service::sitting(&state.db, access.scope, sitting.id).await? {
            for item in record.items.iter().filter(|i| i.vote.as_ref().is_some_and(|v| v.adopted)) {
                if let Some(number) = &item.number
                    && !numbered.contains(&number.as_str())
                {
                    deliberations.push((number.clone(), item.title.clone()));
                }
            }
        }
    }
    let person = person_of(access);
    let waiting = circuit::in_tray(&state.db, access.scope, &person.as_person(), store::clock::today_paris()).await?.len();
    Ok(ActsPage {
        page: meta(access, &format!("Actes — {}", access.organisation.name), None),
        slug: access.organisation.slug.clone(),
        acts,
        deliberations,
        can_act: access.require_agent().is_ok(),
        is_admin: access.is_admin(),
        waiting,
        error,
        done,
    })
}

async fn acts(State(state): State<AppState>, OrgMember(access): OrgMember, Query(done): Query<Done>) -> Result<ActsPage, HtmlError> {
    acts_page(&state, &access, None, done.fait).await
}

#[derive(Template, WebTemplate)]
#[template(path = "act_new.html")]
pub(super) struct NewActPage {
    page: PageMeta,
    slug: String,
    natures: [Nature; 6],
    matters: Vec<Matter>,
    piece_types: Vec<(String, String)>,
    version: String,
    today: String,
    error: Option<String>,
}

pub(super) async fn new_act_page(state: &AppState, access: &OrgAccess, error: Option<String>) -> Result<NewActPage, HtmlError> {
    let classification: Classification = service::classification(&state.db, access.scope).await?;
    let mut piece_types: Vec<(String, String)> = Vec::new();
    for entry in &classification.natures {
        for piece in &entry.piece_types {
            let code = piece.code.to_string();
            if !piece_types.iter().any(|(c, _)| c == &code) {
                piece_types.push((code, format!("{} ({})", piece.label, entry.label)));
            }
        }
    }
    Ok(NewActPage {
        page: meta(access, "Nouvel acte", Some(("Nouvel acte", format!("/{}/actes/nouveau", access.organisation.slug)))),
        slug: access.organisation.slug.clone(),
        natures: Nature::ALL,
        matters: classification.entries.clone(),
        piece_types,
        version: fr(classification.version_date),
        today: store::clock::today_paris().to_string(),
        error,
    })
}

async fn new_act(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<NewActPage, HtmlError> {
    access.require_agent()?;
    new_act_page(&state, &access, None).await
}

#[derive(Template, WebTemplate)]
#[template(path = "act.html")]
pub(super) struct ActPage {
    page: PageMeta,
    slug: String,
    act: Act,
    steps: Vec<Step>,
    events: Vec<Event>,
    messages: Vec<Message>,
    my_step: Option<Step>,
    can_act: bool,
    error: Option<String>,
    done: Option<String>,
}

impl ActPage {
    fn fr(&self, date: &time::Date) -> String {
        fr(*date)
    }
    fn instant(&self, ms: &i64) -> String {
        instant(*ms)
    }
    fn is_draft(&self) -> bool {
        matches!(self.act.state, ActState::Draft | ActState::Rejected)
    }
    fn can_transmit(&self) -> bool {
        self.act.state == ActState::Signed
    }
    fn can_poll(&self) -> bool {
        self.act.transmission_id.is_some()
    }
    fn can_publish(&self) -> bool {
        self.act.published_at.is_none()
            && !matches!(self.act.state, ActState::Draft | ActState::InCircuit | ActState::Rejected | ActState::Cancelled)
    }
    fn can_cancel(&self) -> bool {
        self.act.state == ActState::Acknowledged
    }
}

pub(super) async fn act_page(
    state: &AppState,
    access: &OrgAccess,
    id: i64,
    error: Option<String>,
    done: Option<String>,
) -> Result<ActPage, HtmlError> {
    let act = service::act(&state.db, access.scope, id).await?.ok_or_else(HtmlError::not_found)?;
    let person = person_of(access);
    let today = store::clock::today_paris();
    let mine = circuit::in_tray(&state.db, access.scope, &person.as_person(), today).await?;
    let my_step = mine.into_iter().find(|(a, _)| a.id == id).map(|(_, step)| step);
    Ok(ActPage {
        page: meta(
            access,
            &format!("Acte {}", act.display_number()),
            Some((act.display_number(), format!("/{}/actes/{id}", access.organisation.slug))),
        ),
        slug: access.organisation.slug.clone(),
        steps: circuit::steps(&state.db, access.scope, id).await?,
        events: service::history(&state.db, access.scope, id).await?,
        messages: service::messages(&state.db, access.scope, id).await?,
        act,
        my_step,
        can_act: access.require_agent().is_ok(),
        error,
        done,
    })
}

async fn act(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    Query(done): Query<Done>,
) -> Result<ActPage, HtmlError> {
    act_page(&state, &access, id, None, done.fait).await
}

fn file(bytes: Vec<u8>, content_type: &str, name: &str, inline: bool) -> Response {
    let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!("{}; filename=\"{name}\"", if inline { "inline" } else { "attachment" });
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

async fn load(state: &AppState, access: &OrgAccess, id: i64) -> Result<Act, HtmlError> {
    service::act(&state.db, access.scope, id).await?.ok_or_else(HtmlError::not_found)
}

async fn current_document(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    let act = load(&state, &access, id).await?;
    let bytes = state.blobs.get(act.current_sha256()).await.map_err(ActsError::from)?;
    Ok(file(bytes, "application/pdf", &format!("acte_{}.pdf", act.internal_number), true))
}

async fn original_document(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    let act = load(&state, &access, id).await?;
    let bytes = state.blobs.get(&act.document_sha256).await.map_err(ActsError::from)?;
    Ok(file(bytes, "application/pdf", &act.document_name, true))
}

async fn annex(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, annex)): Path<(String, i64, i64)>,
) -> Result<Response, HtmlError> {
    let act = load(&state, &access, id).await?;
    let annex = act.annexes.iter().find(|a| a.id == annex).ok_or_else(HtmlError::not_found)?;
    let bytes = state.blobs.get(&annex.sha256).await.map_err(ActsError::from)?;
    Ok(file(bytes, "application/pdf", &annex.filename, true))
}

async fn message(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, message)): Path<(String, i64, i64)>,
) -> Result<Response, HtmlError> {
    load(&state, &access, id).await?;
    let messages = service::messages(&state.db, access.scope, id).await?;
    let message = messages.iter().find(|m| m.id == message).ok_or_else(HtmlError::not_found)?;
    let bytes = state.blobs.get(&message.sha256).await.map_err(ActsError::from)?;
    let content_type = if message.file_name.ends_with(".xml") { "application/xml" } else { "application/pdf" };
    Ok(file(bytes, content_type, &message.file_name, content_type == "application/pdf"))
}

#[derive(Template, WebTemplate)]
#[template(path = "validation.html")]
struct ValidationPage {
    page: PageMeta,
    slug: String,
    act: Act,
    report: signing::ValidationReport,
}

impl ValidationPage {
    fn when(&self, at: &Option<time::OffsetDateTime>) -> String {
        at.map(|t| instant((t.unix_timestamp_nanos() / 1_000_000) as i64)).unwrap_or_else(|| "—".into())
    }
}

/// The validation report of the act's signatures (*rapport de validation*).
async fn validation(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<ValidationPage, HtmlError> {
    let act = load(&state, &access, id).await?;
    let pdf = state.blobs.get(act.current_sha256()).await.map_err(ActsError::from)?;
    let anchors = crate::keys::trust_anchors(&state.db, access.scope).await?;
    let report = tokio::task::spawn_blocking(move || signing::validation::validate(&pdf, &anchors))
        .await
        .map_err(|e| HtmlError::internal(&e))?
        .map_err(ActsError::from)?;
    Ok(ValidationPage {
        page: meta(
            &access,
            &format!("Rapport de validation — acte {}", act.display_number()),
            Some((act.display_number(), format!("/{}/actes/{id}", access.organisation.slug))),
        ),
        slug: access.organisation.slug.clone(),
        act,
        report,
    })
}
