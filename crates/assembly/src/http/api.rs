//! The JSON API of the slice: sittings with their agenda and attendance, deliberations with their vote.

use crate::model::Presence;
use crate::service::{self, SittingRecord};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use identity::access::ApiOrgMember;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use web::{AppState, Problem};

#[derive(OpenApi)]
#[openapi(
    paths(sittings, sitting, deliberation),
    components(schemas(SittingSummary, SittingView, ItemView, DeliberationView, ProxyView, VotesView)),
    tags((name = "assemblies", description = "Séances des assemblées délibérantes, présences, votes, délibérations"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organisations/{slug}/sittings", get(sittings))
        .route("/api/v1/organisations/{slug}/sittings/{id}", get(sitting))
        .route("/api/v1/organisations/{slug}/deliberations/{number}", get(deliberation))
}

/// A sitting in a list. Dates are ISO 8601.
#[derive(Serialize, ToSchema)]
struct SittingSummary {
    id: i64,
    body: String,
    date: String,
    /// `ordinary`, `extraordinary` or `urgent`.
    kind: String,
    /// `in_person`, `videoconference` or `mixed`.
    mode: String,
    place: String,
}

/// A member represented by a proxy; `holder` is null when the register does not say who held it.
#[derive(Serialize, ToSchema)]
struct ProxyView {
    member: String,
    holder: Option<String>,
}

/// The tally: pour, contre, abstention, ne prend pas part au vote.
#[derive(Serialize, ToSchema)]
struct VotesView {
    #[serde(rename = "for")]
    for_: u32,
    against: u32,
    abstention: u32,
    not_voting: u32,
}

/// An item of the agenda; `number` and `votes` once voted.
#[derive(Serialize, ToSchema)]
struct ItemView {
    rank: i64,
    title: String,
    rapporteur: String,
    number: Option<String>,
    votes: Option<VotesView>,
    adopted: Option<bool>,
}

/// A sitting with its attendance and agenda.
#[derive(Serialize, ToSchema)]
struct SittingView {
    id: i64,
    body: String,
    date: String,
    kind: String,
    mode: String,
    place: String,
    president: String,
    /// Derived from the members' mandates.
    members_in_office: usize,
    present: Vec<String>,
    represented: Vec<ProxyView>,
    excused: Vec<String>,
    absent: Vec<String>,
    quorum_required: u32,
    quorum_counted: u32,
    /// The rules in force on the sitting's day (ordinary law or health emergency).
    rule_set: String,
    items: Vec<ItemView>,
}

/// A deliberation with its sitting's attendance and its vote.
#[derive(Serialize, ToSchema)]
struct DeliberationView {
    /// As printed: `M2021-641`, `19.07.01.05`.
    number: String,
    title: String,
    sitting_date: String,
    members_in_office: usize,
    present: Vec<String>,
    represented: Vec<ProxyView>,
    excused: Vec<String>,
    absent: Vec<String>,
    votes: Option<VotesView>,
    adopted: Option<bool>,
    /// `show_of_hands`, `electronic` or `secret`.
    ballot: Option<String>,
    published_on: Option<String>,
    /// The ACTES identifier once the act is transmitted.
    actes_id: Option<String>,
    prefecture_received_on: Option<String>,
}

fn names(list: Vec<&crate::model::Attendance>) -> Vec<String> {
    list.into_iter().map(|a| a.name.clone()).collect()
}

fn proxies(record: &SittingRecord) -> Vec<ProxyView> {
    record
        .represented()
        .into_iter()
        .map(|a| ProxyView {
            member: a.name.clone(),
            holder: match &a.presence {
                Presence::Represented { holder } => holder.clone(),
                _ => None,
            },
        })
        .collect()
}

fn votes(item: &crate::model::Item) -> Option<VotesView> {
    item.vote.as_ref().map(|v| VotesView {
        for_: v.tally.for_,
        against: v.tally.against,
        abstention: v.tally.abstention,
        not_voting: v.tally.not_voting,
    })
}

/// The organisation's sittings, latest first.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/sittings", tag = "assemblies",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation")),
    responses((status = 200, body = [SittingSummary]), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn sittings(State(state): State<AppState>, ApiOrgMember(access): ApiOrgMember) -> Result<Json<Vec<SittingSummary>>, Problem> {
    let sittings = service::sittings(&state.db, access.scope).await?;
    Ok(Json(
        sittings
            .into_iter()
            .map(|s| SittingSummary {
                id: s.id,
                body: s.body.name,
                date: s.date.to_string(),
                kind: s.kind.code().into(),
                mode: s.mode.code().into(),
                place: s.place,
            })
            .collect(),
    ))
}

/// A sitting with its attendance and agenda.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/sittings/{id}", tag = "assemblies",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation"), ("id" = i64, Path, description = "Séance")),
    responses((status = 200, body = SittingView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn sitting(
    State(state): State<AppState>,
    ApiOrgMember(access): ApiOrgMember,
    Path(path): Path<(String, i64)>,
) -> Result<Json<SittingView>, Problem> {
    let id = path.1;
    let record =
        service::sitting(&state.db, access.scope, id).await?.ok_or_else(|| Problem::not_found(format!("aucune séance n° {id}")))?;
    let quorum = record.quorum();
    Ok(Json(SittingView {
        id: record.sitting.id,
        body: record.sitting.body.name.clone(),
        date: record.sitting.date.to_string(),
        kind: record.sitting.kind.code().into(),
        mode: record.sitting.mode.code().into(),
        place: record.sitting.place.clone(),
        president: record.sitting.president.clone(),
        members_in_office: record.members_in_office.len(),
        present: names(record.present()),
        represented: proxies(&record),
        excused: names(record.excused()),
        absent: names(record.absent()),
        quorum_required: quorum.required,
        quorum_counted: quorum.counted,
        rule_set: record.rule_set().code.clone(),
        items: record
            .items
            .iter()
            .map(|i| ItemView {
                rank: i.rank,
                title: i.title.clone(),
                rapporteur: i.rapporteur.clone(),
                number: i.number.clone(),
                votes: votes(i),
                adopted: i.vote.as_ref().map(|v| v.adopted),
            })
            .collect(),
    }))
}

/// A deliberation, by its number as printed (`M2021-641`, `19.07.01.05`), with its vote.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/deliberations/{number}", tag = "assemblies",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation"), ("number" = String, Path, description = "Numéro de la délibération")),
    responses((status = 200, body = DeliberationView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn deliberation(
    State(state): State<AppState>,
    ApiOrgMember(access): ApiOrgMember,
    Path(path): Path<(String, String)>,
) -> Result<Json<DeliberationView>, Problem> {
    let number = path.1;
    let missing = || Problem::not_found(format!("aucune délibération n° {number}"));
    let record = service::deliberation(&state.db, access.scope, &number).await?.ok_or_else(missing)?;
    let item = record.deliberation(&number).ok_or_else(missing)?;
    // The attendance when the item was examined: the opening's, with arrivals and departures.
    let at_item = SittingRecord { attendance: record.attendance_at(item.rank), movements: Vec::new(), ..record.clone() };
    Ok(Json(DeliberationView {
        number: number.clone(),
        title: item.title.clone(),
        sitting_date: record.sitting.date.to_string(),
        members_in_office: record.members_in_office.len(),
        present: names(at_item.present()),
        represented: proxies(&at_item),
        excused: names(at_item.excused()),
        absent: names(at_item.absent()),
        votes: votes(item),
        adopted: item.vote.as_ref().map(|v| v.adopted),
        ballot: item.vote.as_ref().map(|v| v.ballot.code().into()),
        published_on: item.register.published_on.map(|d| d.to_string()),
        actes_id: item.register.actes_id.clone(),
        prefecture_received_on: item.register.prefecture_received_on.map(|d| d.to_string()),
    }))
}
