//! The elected member's side: a convocation's personal link opens the sitting, its agenda and every
//! project as PDF, the member's private annotations per document and page, and their answer. A signed-in
//! member also finds their sittings under « Mes séances ».

use crate::AssemblyError;
use crate::convocations::{self, Annotation, Answer, Convocation, Locator};
use crate::extract::{Block, blocks};
use crate::model::Item;
use crate::service::{self, SittingRecord};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember, Viewer};
use std::collections::HashMap;
use store::OrgScope;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/convocations/{token}", get(by_link))
        .route("/{slug}/convocations/{token}/reponse", post(answer_by_link))
        .route("/{slug}/convocations/{token}/annotations", post(annotate_by_link))
        .route("/{slug}/convocations/{token}/projets/{document}", get(project_by_link))
        .route("/{slug}/convocations/{token}/annexes/{annex}", get(annex_by_link))
        .route("/{slug}/mes-seances", get(my_sittings))
        .route("/{slug}/mes-seances/{sitting}", get(signed_in))
        .route("/{slug}/mes-seances/{sitting}/reponse", post(answer_signed_in))
        .route("/{slug}/mes-seances/{sitting}/annotations", post(annotate_signed_in))
        .route("/{slug}/mes-seances/{sitting}/projets/{document}", get(project_signed_in))
        .route("/{slug}/mes-seances/{sitting}/annexes/{annex}", get(annex_signed_in))
}

/// Whose convocation a request reads, and the address its forms post to.
struct Reader {
    organisation: identity::Organisation,
    scope: OrgScope,
    base: String,
    token: Option<String>,
    member: Option<(i64, i64)>,
}

impl Reader {
    fn locator(&self) -> Locator<'_> {
        match (&self.token, self.member) {
            (Some(token), _) => Locator::Token(token),
            (None, Some((sitting_id, member_id))) => Locator::Member { sitting_id, member_id },
            (None, None) => unreachable!("a reader has a token or a member"),
        }
    }

    /// A reader through a personal link: anyone holding it.
    async fn by_link(state: &AppState, slug: &str, token: &str) -> Result<Self, HtmlError> {
        let organisation = identity::service::organisation_by_slug(&state.db, slug).await?.ok_or_else(HtmlError::not_found)?;
        Ok(Reader {
            scope: OrgScope::granted(organisation.id),
            base: format!("/{slug}/convocations/{token}"),
            token: Some(token.to_string()),
            member: None,
            organisation,
        })
    }

    /// A signed-in person of the organisation, as the member of their e-mail address convened to the sitting.
    async fn signed_in(state: &AppState, access: OrgAccess, sitting_id: i64) -> Result<Self, HtmlError> {
        let email = access.principal.user.email.to_lowercase();
        let member = my_members(state, &access, &email).await?;
        let convened = convocations::of_sitting(&state.db, access.scope, sitting_id).await?;
        let convocation = convened.iter().find(|c| member.contains(&c.member_id)).ok_or_else(HtmlError::not_found)?;
        Ok(Reader {
            base: format!("/{}/mes-seances/{sitting_id}", access.organisation.slug),
            token: None,
            member: Some((sitting_id, convocation.member_id)),
            scope: access.scope,
            organisation: access.organisation,
        })
    }
}

/// The members of the organisation's bodies with the e-mail address of the signed-in person.
async fn my_members(state: &AppState, access: &OrgAccess, email: &str) -> Result<Vec<i64>, HtmlError> {
    Ok(service::members(&state.db, access.scope)
        .await?
        .into_iter()
        .filter(|m| m.email.as_deref().is_some_and(|e| e.to_lowercase() == email))
        .map(|m| m.id)
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "convocation.html")]
struct ConvocationPage {
    page: PageMeta,
    base: String,
    organisation: String,
    c: Convocation,
    r: SittingRecord,
    annotations: Vec<Annotation>,
    annexes: Vec<crate::annexes::Annex>,
    error: Option<String>,
}

impl ConvocationPage {
    /// The annexes of the project `item_id`.
    fn annexes_of(&self, item_id: &i64) -> Vec<&crate::annexes::Annex> {
        self.annexes.iter().filter(|a| a.item_id == *item_id).collect()
    }

    fn long(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_long_fr(*date.borrow())
    }

    fn is_answer(&self, code: &str) -> bool {
        matches!(
            (&self.c.answer, code),
            (Some(Answer::Present), "present") | (Some(Answer::Absent), "absent") | (Some(Answer::Proxy(_)), "proxy")
        )
    }

    fn is_holder(&self, id: &i64) -> bool {
        self.c.answer == Some(Answer::Proxy(*id))
    }
}

async fn page(state: &AppState, viewer: &Viewer, reader: &Reader, error: Option<String>) -> Result<ConvocationPage, HtmlError> {
    let (c, r) = convocations::open(&state.db, reader.scope, reader.locator()).await?.ok_or_else(HtmlError::not_found)?;
    let annotations = convocations::annotations(&state.db, reader.scope, c.id).await?;
    let annexes = crate::annexes::of_sitting(&state.db, reader.scope, r.sitting.id).await?;
    Ok(ConvocationPage {
        annexes,
        page: viewer.page(&format!("Convocation — {} du {}", r.sitting.body.name, kernel::calendar::format_long_fr(r.sitting.date))),
        base: reader.base.clone(),
        organisation: reader.organisation.name.clone(),
        c,
        r,
        annotations,
        error,
    })
}

async fn after(state: &AppState, viewer: &Viewer, reader: &Reader, result: Result<(), AssemblyError>) -> Result<Response, HtmlError> {
    match result {
        Ok(()) => Ok(Redirect::to(&reader.base).into_response()),
        Err(AssemblyError::NotFound(_)) => Err(HtmlError::not_found()),
        Err(AssemblyError::Store(e)) => Err(HtmlError::internal(&e)),
        Err(other) => Ok((StatusCode::UNPROCESSABLE_ENTITY, page(state, viewer, reader, Some(other.to_string())).await?).into_response()),
    }
}

/// The form: `reponse` (present, absent, proxy) and `mandataire` (a colleague's id) for a proxy.
async fn answer(state: &AppState, viewer: &Viewer, reader: &Reader, form: &HashMap<String, String>) -> Result<Response, HtmlError> {
    let answer = match form.get("reponse").map(String::as_str) {
        Some("present") => Ok(Answer::Present),
        Some("absent") => Ok(Answer::Absent),
        Some("proxy") => form
            .get("mandataire")
            .and_then(|h| h.parse().ok())
            .map(Answer::Proxy)
            .ok_or_else(|| AssemblyError::Invalid("choisissez le collègue à qui vous donnez pouvoir".into())),
        _ => Err(AssemblyError::Invalid("choisissez votre réponse".into())),
    };
    let result = match answer {
        Ok(answer) => convocations::answer(&state.db, reader.scope, reader.locator(), answer).await,
        Err(e) => Err(e),
    };
    after(state, viewer, reader, result).await
}

async fn annotate(state: &AppState, viewer: &Viewer, reader: &Reader, form: &HashMap<String, String>) -> Result<Response, HtmlError> {
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    let result = convocations::annotate(&state.db, reader.scope, reader.locator(), field("document"), field("page"), field("note")).await;
    after(state, viewer, reader, result).await
}

async fn by_link(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, token)): Path<(String, String)>,
) -> Result<ConvocationPage, HtmlError> {
    page(&state, &viewer, &Reader::by_link(&state, &slug, &token).await?, None).await
}

async fn answer_by_link(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, token)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    answer(&state, &viewer, &Reader::by_link(&state, &slug, &token).await?, &form).await
}

async fn annotate_by_link(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((slug, token)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    annotate(&state, &viewer, &Reader::by_link(&state, &slug, &token).await?, &form).await
}

async fn project_by_link(
    State(state): State<AppState>,
    Path((slug, token, document)): Path<(String, String, String)>,
) -> Result<Response, HtmlError> {
    project_pdf(&state, &Reader::by_link(&state, &slug, &token).await?, &document).await
}

/// An annex of the sitting the convocation is for.
async fn annex(state: &AppState, reader: &Reader, annex_id: i64) -> Result<Response, HtmlError> {
    let (_, r) = convocations::open(&state.db, reader.scope, reader.locator()).await?.ok_or_else(HtmlError::not_found)?;
    super::pages::annex_response(state, reader.scope, r.sitting.id, annex_id).await
}

async fn annex_by_link(
    State(state): State<AppState>,
    Path((slug, token, annex_id)): Path<(String, String, i64)>,
) -> Result<Response, HtmlError> {
    annex(&state, &Reader::by_link(&state, &slug, &token).await?, annex_id).await
}

async fn annex_signed_in(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, sitting, annex_id)): Path<(String, i64, i64)>,
) -> Result<Response, HtmlError> {
    annex(&state, &Reader::signed_in(&state, access, sitting).await?, annex_id).await
}

async fn signed_in(
    State(state): State<AppState>,
    viewer: Viewer,
    OrgMember(access): OrgMember,
    Path((_, sitting)): Path<(String, i64)>,
) -> Result<ConvocationPage, HtmlError> {
    page(&state, &viewer, &Reader::signed_in(&state, access, sitting).await?, None).await
}

async fn answer_signed_in(
    State(state): State<AppState>,
    viewer: Viewer,
    OrgMember(access): OrgMember,
    Path((_, sitting)): Path<(String, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    answer(&state, &viewer, &Reader::signed_in(&state, access, sitting).await?, &form).await
}

async fn annotate_signed_in(
    State(state): State<AppState>,
    viewer: Viewer,
    OrgMember(access): OrgMember,
    Path((_, sitting)): Path<(String, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    annotate(&state, &viewer, &Reader::signed_in(&state, access, sitting).await?, &form).await
}

async fn project_signed_in(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, sitting, document)): Path<(String, i64, String)>,
) -> Result<Response, HtmlError> {
    project_pdf(&state, &Reader::signed_in(&state, access, sitting).await?, &document).await
}

#[derive(askama::Template)]
#[template(path = "project.html")]
struct ProjectDocument<'a> {
    organisation: &'a str,
    r: &'a SittingRecord,
    item: &'a Item,
    text: Vec<Block>,
    note: Vec<Block>,
    decision: Vec<Block>,
}

/// A project of the agenda as PDF (`projet-3.pdf`), shown in the browser.
async fn project_pdf(state: &AppState, reader: &Reader, document: &str) -> Result<Response, HtmlError> {
    let (_, r) = convocations::open(&state.db, reader.scope, reader.locator()).await?.ok_or_else(HtmlError::not_found)?;
    let rank: i64 = document
        .strip_prefix("projet-")
        .and_then(|d| d.strip_suffix(".pdf"))
        .and_then(|n| n.parse().ok())
        .ok_or_else(HtmlError::not_found)?;
    let item = r.items.iter().find(|i| i.rank == rank).ok_or_else(HtmlError::not_found)?;
    let html = ProjectDocument {
        organisation: &reader.organisation.name,
        r: &r,
        item,
        text: blocks(&item.draft_text),
        note: item.explanatory_note.as_deref().map(blocks).unwrap_or_default(),
        decision: blocks(&item.decision),
    }
    .render()
    .map_err(|e| HtmlError::internal(&e))?;
    super::pages::pdf_response(html, &format!("projet-{rank}.pdf")).await
}

/// A sitting the signed-in member is convened to, with the link of their convocation.
struct MySitting {
    record: SittingRecord,
    convocation: Convocation,
}

#[derive(Template, WebTemplate)]
#[template(path = "my_sittings.html")]
struct MySittingsPage {
    page: PageMeta,
    slug: String,
    sittings: Vec<MySitting>,
}

impl MySittingsPage {
    fn long(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_long_fr(*date.borrow())
    }
}

/// The sittings a signed-in person is convened to, as the member of that e-mail address.
async fn my_sittings(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<MySittingsPage, HtmlError> {
    let mine = my_members(&state, &access, &access.principal.user.email.to_lowercase()).await?;
    let mut sittings = Vec::new();
    for sitting in service::sittings(&state.db, access.scope).await? {
        let convocations = convocations::of_sitting(&state.db, access.scope, sitting.id).await?;
        if let Some(convocation) = convocations.into_iter().find(|c| mine.contains(&c.member_id)) {
            let record = service::sitting(&state.db, access.scope, sitting.id).await?.ok_or_else(HtmlError::not_found)?;
            sittings.push(MySitting { record, convocation });
        }
    }
    Ok(MySittingsPage { page: access.page("Mes séances"), slug: access.organisation.slug.clone(), sittings })
}
