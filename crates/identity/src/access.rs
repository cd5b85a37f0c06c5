//! Access checks as axum extractors. This is the one place that hands out an [`OrgScope`]: only after
//! checking that the signed-in person holds a role in the organisation named by the URL (or is a
//! platform administrator).

use crate::model::{Organisation, Principal};
use crate::service;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::Role;
use std::collections::HashMap;
use store::OrgScope;
use web::csrf::Presession;
use web::{AppState, HtmlError, PageMeta, Problem, cookies, csrf};

/// Whoever is looking at a page: signed in or not, with the CSRF token for its forms.
pub struct Viewer {
    pub principal: Option<Principal>,
    pub csrf: String,
    pub ip: String,
}

impl Viewer {
    /// The layout data for a page titled `title`.
    pub fn page(&self, title: &str) -> PageMeta {
        PageMeta {
            title: title.to_string(),
            user_name: self.principal.as_ref().map(|p| p.user.display_name.clone()),
            csrf: self.csrf.clone(),
            is_platform_admin: self.principal.as_ref().is_some_and(|p| p.user.is_platform_admin),
            breadcrumbs: Vec::new(),
        }
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = HtmlError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let principal = principal(parts, state).await.map_err(|e| HtmlError::internal(&e))?;
        let cookie = match &principal {
            Some(p) => p.session_token.clone(),
            None => parts.extensions.get::<Presession>().map(|p| p.0.clone()).unwrap_or_default(),
        };
        Ok(Self { principal, csrf: csrf::token(&state.settings.secret, &cookie), ip: web::client::ip(parts, &state.settings) })
    }
}

async fn principal(parts: &Parts, state: &AppState) -> Result<Option<Principal>, crate::IdentityError> {
    match cookies::get(&parts.headers, cookies::SESSION) {
        Some(token) if !token.is_empty() => service::resolve_session(&state.db, token).await,
        _ => Ok(None),
    }
}

/// Why access was denied; rendered as a page or as a problem depending on the extractor.
enum Denial {
    UnknownOrganisation,
    SignedOut { return_to: String },
    Forbidden,
    Internal(crate::IdentityError),
}

impl Denial {
    fn page(self) -> Response {
        match self {
            Self::UnknownOrganisation => HtmlError::not_found().into_response(),
            Self::SignedOut { return_to } => {
                Redirect::to(&format!("/connexion?suivant={}", web::urls::encode_component(&return_to))).into_response()
            }
            Self::Forbidden => HtmlError::forbidden().into_response(),
            Self::Internal(e) => HtmlError::internal(&e).into_response(),
        }
    }

    fn problem(self) -> Response {
        match self {
            Self::UnknownOrganisation => Problem::not_found("Aucune organisation ne porte cet identifiant.").into_response(),
            Self::SignedOut { .. } => Problem::unauthorized().into_response(),
            Self::Forbidden => Problem::forbidden().into_response(),
            Self::Internal(e) => Problem::internal(&e).into_response(),
        }
    }
}

/// A signed-in person acting in the organisation named by the `{slug}` of the URL.
pub struct OrgAccess {
    pub organisation: Organisation,
    pub scope: OrgScope,
    pub principal: Principal,
    pub roles: Vec<Role>,
    pub csrf: String,
    pub ip: String,
}

impl OrgAccess {
    pub fn is_admin(&self) -> bool {
        self.principal.user.is_platform_admin || self.roles.iter().any(|r| r.administers())
    }

    /// Refuses people who may only read: elected members act on nothing, administrators and agents do.
    pub fn require_agent(&self) -> Result<(), HtmlError> {
        let acts = self.principal.user.is_platform_admin || self.roles.iter().any(|r| matches!(r, Role::OrgAdmin | Role::Agent));
        if acts { Ok(()) } else { Err(HtmlError::forbidden()) }
    }

    pub fn page(&self, title: &str) -> PageMeta {
        PageMeta {
            title: title.to_string(),
            user_name: Some(self.principal.user.display_name.clone()),
            csrf: self.csrf.clone(),
            is_platform_admin: self.principal.user.is_platform_admin,
            breadcrumbs: Vec::new(),
        }
    }

    pub fn actor(&self) -> service::Actor<'_> {
        service::Actor::person(&self.principal, &self.ip)
    }
}

async fn authorize(parts: &mut Parts, state: &AppState, admin_only: bool) -> Result<OrgAccess, Denial> {
    let slug = Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .ok()
        .and_then(|Path(params)| params.get("slug").cloned())
        .ok_or(Denial::UnknownOrganisation)?;
    let principal = principal(parts, state).await.map_err(Denial::Internal)?;
    let organisation =
        service::organisation_by_slug(&state.db, &slug).await.map_err(Denial::Internal)?.ok_or(Denial::UnknownOrganisation)?;
    let principal = principal.ok_or_else(|| Denial::SignedOut { return_to: parts.uri.path().to_string() })?;
    let roles = principal.roles_in(organisation.id);
    let allowed = principal.user.is_platform_admin || if admin_only { roles.iter().any(|r| r.administers()) } else { !roles.is_empty() };
    if !allowed {
        return Err(Denial::Forbidden);
    }
    let csrf = csrf::token(&state.settings.secret, &principal.session_token);
    Ok(OrgAccess {
        scope: OrgScope::granted(organisation.id),
        organisation,
        roles,
        csrf,
        ip: web::client::ip(parts, &state.settings),
        principal,
    })
}

/// Page access for any member of the organisation.
pub struct OrgMember(pub OrgAccess);
/// Page access for the organisation's administrators.
pub struct OrgAdmin(pub OrgAccess);
/// API access for any member of the organisation.
pub struct ApiOrgMember(pub OrgAccess);
/// API access for the organisation's administrators.
pub struct ApiOrgAdmin(pub OrgAccess);

macro_rules! access_extractor {
    ($name:ident, $admin_only:expr, $render:ident) => {
        impl FromRequestParts<AppState> for $name {
            type Rejection = Response;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                authorize(parts, state, $admin_only).await.map($name).map_err(Denial::$render)
            }
        }
    };
}
access_extractor!(OrgMember, false, page);
access_extractor!(OrgAdmin, true, page);
access_extractor!(ApiOrgMember, false, problem);
access_extractor!(ApiOrgAdmin, true, problem);

/// A signed-in person, for pages outside any organisation (their account).
pub struct SignedIn {
    pub principal: Principal,
    pub csrf: String,
    pub ip: String,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        match viewer.principal {
            Some(principal) => Ok(Self { principal, csrf: viewer.csrf, ip: viewer.ip }),
            None => Err(Denial::SignedOut { return_to: parts.uri.path().to_string() }.page()),
        }
    }
}

/// A signed-in person calling the API.
pub struct ApiSignedIn {
    pub principal: Principal,
    pub ip: String,
}

impl FromRequestParts<AppState> for ApiSignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match principal(parts, state).await {
            Ok(Some(principal)) => Ok(Self { principal, ip: web::client::ip(parts, &state.settings) }),
            Ok(None) => Err(Problem::unauthorized().into_response()),
            Err(e) => Err(Problem::internal(&e).into_response()),
        }
    }
}
