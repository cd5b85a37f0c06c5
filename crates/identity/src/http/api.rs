use crate::access::{ApiOrgAdmin, ApiSignedIn};
use crate::model::{MemberView, Organisation, OrganisationView};
use crate::service::{self, AddedMember, NewMember, NewOrganisation};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use web::{ApiJson, AppState, Problem, cookies};

#[derive(OpenApi)]
#[openapi(
    paths(list_organisations, get_organisation, create_organisation, me, open_session, close_session, list_members, add_member, list_audit_events),
    components(schemas(OrganisationView, NewOrganisation, MemberView, NewMember, AddedMember, MeView, Credentials, AuditEventView, Problem, web::problem::InvalidParam)),
    tags((name = "identité", description = "Organisations, comptes, rôles et journal d'audit"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organisations", get(list_organisations).post(create_organisation))
        .route("/api/v1/organisations/{slug}", get(get_organisation))
        .route("/api/v1/organisations/{slug}/members", get(list_members).post(add_member))
        .route("/api/v1/organisations/{slug}/audit-events", get(list_audit_events))
        .route("/api/v1/me", get(me))
        .route("/api/v1/session", axum::routing::post(open_session).delete(close_session))
}

/// The API view of `o`, naming its parent from the full list.
fn view(organisations: &[Organisation], o: &Organisation) -> OrganisationView {
    o.view(o.parent_id.and_then(|id| organisations.iter().find(|p| p.id == id).map(|p| p.slug.clone())))
}

/// Every organisation hosted by the platform (public information).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "identité", responses((status = 200, body = [OrganisationView])))]
async fn list_organisations(State(state): State<AppState>) -> Result<Json<Vec<OrganisationView>>, Problem> {
    let organisations = service::organisations(&state.db).await?;
    Ok(Json(organisations.iter().map(|o| view(&organisations, o)).collect()))
}

/// One organisation (public information).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}", tag = "identité",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation")),
    responses((status = 200, body = OrganisationView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_organisation(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Json<OrganisationView>, Problem> {
    let organisations = service::organisations(&state.db).await?;
    let organisation = organisations
        .iter()
        .find(|o| o.slug == slug)
        .ok_or_else(|| Problem::not_found(format!("Aucune organisation ne porte l'identifiant « {slug} ».")))?;
    Ok(Json(view(&organisations, organisation)))
}

/// Creates an organisation (platform administrators).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "identité", request_body = NewOrganisation,
    responses((status = 201, body = OrganisationView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_organisation(
    State(state): State<AppState>,
    caller: ApiSignedIn,
    ApiJson(new): ApiJson<NewOrganisation>,
) -> Result<Response, Problem> {
    if !caller.principal.user.is_platform_admin {
        return Err(Problem::forbidden());
    }
    let actor = service::Actor::person(&caller.principal, &caller.ip);
    let created = service::create_organisation(&state.db, actor, &new).await?;
    let organisations = service::organisations(&state.db).await?;
    let view = view(&organisations, &created);
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/organisations/{}", view.slug))], Json(view)).into_response())
}

/// The signed-in person and their roles.
#[derive(Serialize, ToSchema)]
struct MeView {
    email: String,
    display_name: String,
    is_platform_admin: bool,
    /// (organisation slug, role) pairs.
    roles: Vec<(String, String)>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "identité",
    responses((status = 200, body = MeView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn me(caller: ApiSignedIn) -> Json<MeView> {
    let p = caller.principal;
    Json(MeView {
        roles: p.memberships.iter().map(|m| (m.organisation_slug.clone(), m.role.code().to_string())).collect(),
        email: p.user.email,
        display_name: p.user.display_name,
        is_platform_admin: p.user.is_platform_admin,
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

/// Opens a session (sets the `communs_session` cookie).
#[utoipa::path(post, path = "/api/v1/session", tag = "identité", request_body = Credentials,
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn open_session(
    State(state): State<AppState>,
    ip: ClientIp,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<Response, Problem> {
    let (_, token) = service::login(&state.db, &credentials.email, &credentials.password, &ip.0).await?;
    let cookie = cookies::set(cookies::SESSION, &token, Some(crate::rules::SESSION_LIFETIME_MS / 1000), state.settings.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Closes the current session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "identité",
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn close_session(State(state): State<AppState>, caller: ApiSignedIn) -> Result<Response, Problem> {
    service::logout(&state.db, &caller.principal, &caller.ip).await?;
    let cookie = cookies::set(cookies::SESSION, "", Some(0), state.settings.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The people holding a role in the organisation (its administrators only).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/members", tag = "identité",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation")),
    responses((status = 200, body = [MemberView]), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_members(State(state): State<AppState>, ApiOrgAdmin(access): ApiOrgAdmin) -> Result<Json<Vec<MemberView>>, Problem> {
    Ok(Json(service::members(&state.db, access.scope).await?))
}

/// Gives a person a role in the organisation, creating their account when needed.
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/members", tag = "identité", request_body = NewMember,
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation")),
    responses((status = 201, body = AddedMember), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_member(
    State(state): State<AppState>,
    ApiOrgAdmin(access): ApiOrgAdmin,
    ApiJson(new): ApiJson<NewMember>,
) -> Result<Response, Problem> {
    let added = service::add_member(&state.db, access.actor(), access.scope, &new).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

#[derive(Serialize, ToSchema)]
struct AuditEventView {
    id: i64,
    /// RFC 3339, UTC.
    occurred_at: String,
    actor: String,
    action: String,
    target: String,
    details: serde_json::Value,
    ip: Option<String>,
}

#[derive(Deserialize, IntoParams)]
struct AuditQuery {
    /// Only events older than this id (pagination).
    before: Option<i64>,
    /// At most this many events (1–500, default 100).
    limit: Option<i64>,
}

/// The organisation's audit log, newest first (its administrators only).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/audit-events", tag = "identité",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation"), AuditQuery),
    responses((status = 200, body = [AuditEventView]), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_audit_events(
    State(state): State<AppState>,
    ApiOrgAdmin(access): ApiOrgAdmin,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEventView>>, Problem> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Problem::invalid_field("limit", "entre 1 et 500"));
    }
    let events = store::audit::list(&state.db, access.scope, limit, q.before).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| AuditEventView {
                id: e.id,
                occurred_at: store::clock::rfc3339(e.occurred_at),
                actor: e.actor,
                action: e.action,
                target: e.target,
                details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
                ip: e.ip,
            })
            .collect(),
    ))
}

/// The client address, for endpoints that need no signed-in person.
struct ClientIp(String);

impl axum::extract::FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(web::client::ip(parts, &state.settings)))
    }
}
