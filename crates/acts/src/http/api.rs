//! The JSON API of the slice: an organisation's acts with their transmission and publication status.

use crate::model::Act;
use crate::service;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use identity::access::ApiOrgMember;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use web::{AppState, Problem};

#[derive(OpenApi)]
#[openapi(
    paths(acts, act),
    components(schemas(ActView, AnnexView, MessageView)),
    tags((name = "acts", description = "Actes : circuits de signature, transmission au contrôle de légalité (@ctes), publication"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/organisations/{slug}/acts", get(acts)).route("/api/v1/organisations/{slug}/acts/{number}", get(act))
}

/// An act. Dates are ISO 8601, instants RFC 3339.
#[derive(Serialize, ToSchema)]
struct ActView {
    id: i64,
    /// The number in the register (e.g. `M2021-641`), or the internal number.
    number: String,
    internal_number: String,
    /// @ctes nature: `DE`, `AR`, `AI`, `CC`, `BF`, `AU`.
    nature: String,
    matter: String,
    subject: String,
    decided_on: String,
    /// `draft`, `in_circuit`, `rejected`, `signed`, `posted`, `waiting`, `transmitted`, `acknowledged`,
    /// `error`, `cancellation_requested`, `cancelled`.
    state: String,
    actes_id: Option<String>,
    received_on: Option<String>,
    published_at: Option<String>,
    /// Acknowledged by the prefecture and published.
    executory: bool,
    #[schema(value_type = Vec<AnnexView>)]
    annexes: Vec<AnnexView>,
    /// The @ctes messages exchanged (one act only; empty in lists).
    #[schema(value_type = Vec<MessageView>)]
    messages: Vec<MessageView>,
}

#[derive(Serialize, ToSchema)]
struct AnnexView {
    position: i64,
    piece_type: String,
    filename: String,
    sha256: String,
}

#[derive(Serialize, ToSchema)]
struct MessageView {
    /// `sent` or `received`.
    direction: String,
    kind: String,
    file_name: String,
    sha256: String,
    at: String,
}

fn view(act: Act, messages: Vec<MessageView>) -> ActView {
    ActView {
        id: act.id,
        number: act.display_number().to_string(),
        executory: act.is_executory(),
        internal_number: act.internal_number,
        nature: act.nature.letters().to_string(),
        matter: act.matter_code,
        subject: act.subject,
        decided_on: act.decided_on.to_string(),
        state: act.state.code().to_string(),
        actes_id: act.actes_id,
        received_on: act.received_on.map(|d| d.to_string()),
        published_at: act.published_at.map(store::clock::rfc3339),
        annexes: act
            .annexes
            .into_iter()
            .map(|a| AnnexView { position: a.position, piece_type: a.piece_type, filename: a.filename, sha256: a.sha256 })
            .collect(),
        messages,
    }
}

/// The organisation's acts, newest decision first.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/acts", tag = "acts",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation")),
    responses((status = 200, body = Vec<ActView>), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn acts(State(state): State<AppState>, ApiOrgMember(access): ApiOrgMember) -> Result<Json<Vec<ActView>>, Problem> {
    Ok(Json(service::acts(&state.db, access.scope).await?.into_iter().map(|a| view(a, Vec::new())).collect()))
}

/// One act, by its register number (`M2021-641`) or internal number, with its annexes and messages.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/acts/{number}", tag = "acts",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation"), ("number" = String, Path, description = "Numéro de l'acte")),
    responses((status = 200, body = ActView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn act(
    State(state): State<AppState>,
    ApiOrgMember(access): ApiOrgMember,
    Path(path): Path<(String, String)>,
) -> Result<Json<ActView>, Problem> {
    let number = path.1;
    let act = service::act_by_number(&state.db, access.scope, &number)
        .await?
        .ok_or_else(|| Problem::not_found(format!("aucun acte n° {number}")))?;
    let messages = service::messages(&state.db, access.scope, act.id)
        .await?
        .into_iter()
        .map(|m| MessageView {
            direction: m.direction.code().to_string(),
            kind: m.kind,
            file_name: m.file_name,
            sha256: m.sha256,
            at: store::clock::rfc3339(m.at),
        })
        .collect();
    Ok(Json(view(act, messages)))
}
