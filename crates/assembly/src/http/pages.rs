//! The sittings of an organisation and the extracts of its register of deliberations.

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
        .route("/{slug}/assemblees", get(bodies).post(super::manage::create_body))
        .route("/{slug}/seances", get(sittings).post(super::manage::create_sitting))
        .route("/{slug}/seances/{id}", get(sitting))
        .route("/{slug}/seances/{id}/{document}", get(sitting_document))
        .route("/{slug}/seances/{id}/annexes/{annex}", get(annex))
        .route("/{slug}/deliberations/{number}/extrait.html", get(extract_html))
        .route("/{slug}/deliberations/{number}/extrait.pdf", get(extract_pdf))
}

#[derive(Template, WebTemplate)]
#[template(path = "sittings.html")]
pub(super) struct SittingsPage {
    page: PageMeta,
    slug: String,
    sittings: Vec<Sitting>,
    bodies: Vec<crate::model::Body>,
    can_act: bool,
    error: Option<String>,
    kinds: [crate::model::SittingKind; 3],
    modes: [crate::model::Mode; 3],
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

pub(super) async fn sittings_page(state: &AppState, access: &OrgAccess, error: Option<String>) -> Result<SittingsPage, HtmlError> {
    Ok(SittingsPage {
        page: with_breadcrumbs(access, &format!("Séances des assemblées — {}", access.organisation.name)),
        slug: access.organisation.slug.clone(),
        sittings: service::sittings(&state.db, access.scope).await?,
        bodies: service::bodies(&state.db, access.scope).await?,
        can_act: access.require_agent().is_ok(),
        error,
        kinds: crate::model::SittingKind::ALL,
        modes: crate::model::Mode::ALL,
    })
}

async fn sittings(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<SittingsPage, HtmlError> {
    sittings_page(&state, &access, None).await
}

/// A body with its members in office today.
pub(super) struct BodyMembers {
    pub body: crate::model::Body,
    pub members: Vec<crate::model::Member>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bodies.html")]
pub(super) struct BodiesPage {
    page: PageMeta,
    slug: String,
    bodies: Vec<BodyMembers>,
    kinds: [crate::rules::convocation::BodyKind; 5],
    can_act: bool,
    error: Option<String>,
    today: time::Date,
}

impl BodiesPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }
}

pub(super) async fn bodies_page(state: &AppState, access: &OrgAccess, error: Option<String>) -> Result<BodiesPage, HtmlError> {
    let today = store::clock::today_paris();
    let members = service::members(&state.db, access.scope).await?;
    let bodies = service::bodies(&state.db, access.scope)
        .await?
        .into_iter()
        .map(|body| {
            let members = members.iter().filter(|m| m.body_id == body.id && m.in_office_on(today)).cloned().collect();
            BodyMembers { body, members }
        })
        .collect();
    Ok(BodiesPage {
        page: with_breadcrumbs(access, &format!("Assemblées et membres en exercice — {}", access.organisation.name)),
        slug: access.organisation.slug.clone(),
        bodies,
        kinds: crate::rules::convocation::BodyKind::ALL,
        can_act: access.require_agent().is_ok(),
        error,
        today,
    })
}

async fn bodies(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<BodiesPage, HtmlError> {
    bodies_page(&state, &access, None).await
}

/// What the convocation of a sitting requires (CGCT L2121-10 to L2121-12).
pub(super) struct ConvocationNeeds {
    pub clear_days: crate::rules::convocation::ClearDays,
    pub last_sending_day: time::Date,
    pub explanatory_note: bool,
    /// Today is past the last sending day and nothing was sent.
    pub late: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "sitting.html")]
pub(super) struct SittingPage {
    page: PageMeta,
    slug: String,
    r: SittingRecord,
    quorum: crate::rules::quorum::QuorumCheck,
    convocation: ConvocationNeeds,
    can_act: bool,
    message: Option<String>,
    error: Option<String>,
    today: String,
    ballots: [crate::rules::votes::Ballot; 3],
    convocations: Vec<crate::convocations::Convocation>,
    annexes: Vec<crate::annexes::Annex>,
}

impl SittingPage {
    /// The annexes of the project `item_id`.
    fn annexes_of(&self, item_id: &i64) -> Vec<&crate::annexes::Annex> {
        self.annexes.iter().filter(|a| a.item_id == *item_id).collect()
    }

    /// `15/12/2026 18:04`, Paris time.
    fn at(&self, millis: &i64) -> String {
        store::clock::format_paris(*millis)
    }

    /// The presence the attendance form proposes: as recorded, else as the member answered the convocation.
    fn proposed(&self, member_id: &i64) -> (&'static str, Option<i64>) {
        use crate::convocations::Answer;
        if self.r.sitting.attendance_recorded {
            return (self.r.presence_code(*member_id), self.r.holder_id(*member_id));
        }
        match self.convocations.iter().find(|c| c.member_id == *member_id).and_then(|c| c.answer.as_ref()) {
            Some(Answer::Absent) => ("excused", None),
            Some(Answer::Proxy(holder)) => ("represented", Some(*holder)),
            _ => ("present", None),
        }
    }

    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }

    fn long(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_long_fr(*date.borrow())
    }
}

pub(super) async fn sitting_page(
    state: &AppState,
    access: &OrgAccess,
    id: i64,
    message: Option<String>,
    error: Option<String>,
) -> Result<SittingPage, HtmlError> {
    use crate::rules::convocation::{explanatory_note_required, last_sending_day, required_clear_days};
    let record = service::sitting(&state.db, access.scope, id).await?.ok_or_else(HtmlError::not_found)?;
    let title = format!("{} — séance du {}", record.sitting.body.name, kernel::calendar::format_long_fr(record.sitting.date));
    let population = access.organisation.population.map(|(_, p)| p.max(0) as u64);
    let kind = record.sitting.body.kind;
    let clear_days = required_clear_days(kind, population, record.sitting.urgency_reason.is_some());
    let last = last_sending_day(record.sitting.date, clear_days.days);
    let today = store::clock::today_paris();
    let convocation = ConvocationNeeds {
        last_sending_day: last,
        explanatory_note: explanatory_note_required(kind, population),
        late: record.sitting.convocation_sent_on.is_none() && today > last,
        clear_days,
    };
    let convocations = crate::convocations::of_sitting(&state.db, access.scope, id).await?;
    let annexes = crate::annexes::of_sitting(&state.db, access.scope, id).await?;
    Ok(SittingPage {
        annexes,
        page: with_breadcrumbs(access, &title),
        slug: access.organisation.slug.clone(),
        convocations,
        quorum: record.quorum(),
        r: record,
        convocation,
        can_act: access.require_agent().is_ok(),
        message,
        error,
        today: today.to_string(),
        ballots: crate::rules::votes::Ballot::ALL,
    })
}

#[derive(serde::Deserialize, Default)]
struct Done {
    fait: Option<String>,
}

async fn sitting(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<SittingPage, HtmlError> {
    sitting_page(&state, &access, id, done.fait, None).await
}

/// The extract of the deliberation `number` as HTML; 404 when the organisation has none of that number.
async fn extract_document(state: &AppState, access: &OrgAccess, number: &str) -> Result<String, HtmlError> {
    crate::extract::html(&state.db, access.scope, &access.organisation.name, &access.organisation.slug, number)
        .await?
        .ok_or_else(HtmlError::not_found)
}

async fn extract_html(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, number)): Path<(String, String)>,
) -> Result<Html<String>, HtmlError> {
    extract_document(&state, &access, &number).await.map(Html)
}

/// The list of deliberations (`liste-deliberations.html|pdf`) or the minutes (`proces-verbal.html|pdf`).
async fn sitting_document(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, document)): Path<(String, i64, String)>,
) -> Result<Response, HtmlError> {
    let (name, format) = document.rsplit_once('.').ok_or_else(HtmlError::not_found)?;
    let record = service::sitting(&state.db, access.scope, id).await?.ok_or_else(HtmlError::not_found)?;
    let content = crate::minutes::SittingDocument::of(&record, &access.organisation.name);
    let back = format!("/{}/seances/{id}", access.organisation.slug);
    let document = match name {
        "liste-deliberations" => crate::printed::Document::DeliberationsList,
        "proces-verbal" => crate::printed::Document::Minutes,
        _ => return Err(HtmlError::not_found()),
    };
    let html = crate::printed::render(&state.db, access.scope, document, serde_json::json!({ "d": content, "back": back })).await?;
    match format {
        "html" => Ok(Html(html).into_response()),
        "pdf" => pdf_response(html, &format!("{name}_{}.pdf", record.sitting.date)).await,
        _ => Err(HtmlError::not_found()),
    }
}

/// An annex of a project, shown in the browser.
async fn annex(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, annex)): Path<(String, i64, i64)>,
) -> Result<Response, HtmlError> {
    annex_response(&state, access.scope, id, annex).await
}

/// An annex as the browser shows it (inline, under its name).
pub(super) async fn annex_response(
    state: &AppState,
    scope: store::OrgScope,
    sitting_id: i64,
    annex_id: i64,
) -> Result<Response, HtmlError> {
    let (annex, bytes) = crate::annexes::content(&state.db, &state.blobs, scope, sitting_id, annex_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, annex.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", annex.filename.replace(|c: char| !c.is_ascii_graphic() && c != ' ', "_")),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A printed document as PDF, laid out on the blocking pool.
pub(super) async fn pdf_response(html: String, file_name: &str) -> Result<Response, HtmlError> {
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

async fn extract_pdf(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, number)): Path<(String, String)>,
) -> Result<Response, HtmlError> {
    let html = extract_document(&state, &access, &number).await?;
    let file_name: String = number.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    pdf_response(html, &format!("deliberation_{file_name}.pdf")).await
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
