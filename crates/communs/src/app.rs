//! The HTTP application: every slice's routes behind the shared middleware.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use web::{AppState, HtmlError, Problem, csrf, metrics};

/// Largest request body accepted (documents come with the later slices and raise it per route).
const MAX_BODY_BYTES: usize = 24 * 1024 * 1024;

pub fn router(state: AppState, acts: acts::http::ActsServices) -> Router {
    Router::new()
        .merge(identity::http::page_routes())
        .merge(identity::http::api_routes())
        .merge(convention::http::page_routes())
        .merge(convention::http::api_routes())
        .merge(assembly::http::page_routes())
        .merge(assembly::http::api_routes())
        .merge(acts::http::routes(acts))
        .merge(archive::http::routes())
        .merge(crate::admin::routes())
        .merge(web::ops::routes())
        .merge(web::assets::routes())
        .route("/api/v1/openapi.json", get(openapi))
        .route_layer(from_fn_with_state(state.metrics.clone(), metrics::track))
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), csrf::verify_forms))
        .layer(from_fn_with_state(state.clone(), csrf::ensure_presession))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(security_header("x-content-type-options", "nosniff"))
        .layer(security_header("x-frame-options", "DENY"))
        .layer(security_header("referrer-policy", "same-origin"))
        .layer(security_header(
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn security_header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
}

/// The OpenAPI document of the whole API, generated from the handlers of every slice.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = identity::http::ApiDoc::openapi();
    doc.merge(convention::http::ApiDoc::openapi());
    doc.merge(assembly::http::ApiDoc::openapi());
    doc.merge(acts::http::ApiDoc::openapi());
    doc.info.title = "communs".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description = Some(
        "API des services numériques mutualisés : organisations, comptes et rôles, conventions et tarification, séances et délibérations. Erreurs au format application/problem+json (RFC 9457)."
            .into(),
    );
    doc
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_document().to_json().unwrap_or_default()).into_response()
}

/// Unknown address: a problem for the API, a page for people.
async fn not_found(request: Request) -> Response {
    if request.uri().path().starts_with("/api/") {
        Problem::not_found(format!("Aucune ressource à l'adresse {}", request.uri().path())).into_response()
    } else {
        HtmlError::not_found().into_response()
    }
}
