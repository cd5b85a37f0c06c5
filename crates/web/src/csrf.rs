//! Protection against cross-site request forgery on every form.
//!
//! A form's token is HMAC-SHA256(server secret, the browser's session cookie — or, before login, its
//! pre-session cookie). The middleware [`verify_forms`] checks the `csrf` field of every form sent with
//! an unsafe method before any handler runs. JSON requests cannot be sent cross-site without a CORS
//! preflight, which the platform never grants; requests a browser marks `Sec-Fetch-Site: cross-site`
//! are refused as well.

use crate::{AppState, cookies, page::HtmlError};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Largest form body the middleware reads (uploads use multipart and carry the token in the URL).
const MAX_FORM_BYTES: usize = 1 << 20;

/// The token a form must carry for the browser holding `cookie_value`.
pub fn token(secret: &[u8; 32], cookie_value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"csrf:");
    mac.update(cookie_value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn token_matches(secret: &[u8; 32], cookie_value: &str, submitted: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"csrf:");
    mac.update(cookie_value.as_bytes());
    match hex::decode(submitted) {
        Ok(bytes) => mac.verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

/// Middleware: refuses unsafe requests whose form lacks a valid token, and cross-site requests.
pub async fn verify_forms(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let cross_site = request.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site");
    if cross_site {
        return HtmlError::forbidden_csrf().into_response();
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded") || v.starts_with("multipart/form-data"));
    if !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let secret = &state.settings.secret;
    let valid = |token: Option<String>| {
        token.is_some_and(|token| {
            [cookies::SESSION, cookies::PRESESSION]
                .iter()
                .filter_map(|name| cookies::get(&parts.headers, name))
                .any(|cookie| token_matches(secret, cookie, &token))
        })
    };
    // An upload carries its token in the URL: checked without reading the body, which streams on.
    let multipart = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/"));
    if multipart {
        if !valid(parts.uri.query().and_then(|q| find_field(q.as_bytes()))) {
            return HtmlError::forbidden_csrf().into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return HtmlError::bad_request("Le formulaire envoyé est trop volumineux.").into_response();
    };
    if !valid(find_field(&bytes)) {
        return HtmlError::forbidden_csrf().into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The pre-session cookie value given to this request: the browser's own, or a fresh one that
/// [`ensure_presession`] will set on the response.
#[derive(Clone)]
pub struct Presession(pub String);

/// Middleware: gives a browser without any cookie of ours a pre-session cookie, so that the forms it
/// is shown before login (the login form) carry a token bound to it.
pub async fn ensure_presession(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let existing = cookies::get(request.headers(), cookies::PRESESSION).map(str::to_string);
    let (value, fresh) = match existing {
        Some(value) => (value, false),
        None => (cookies::random_token(), true),
    };
    request.extensions_mut().insert(Presession(value.clone()));
    let mut response = next.run(request).await;
    if fresh {
        response.headers_mut().append(header::SET_COOKIE, cookies::set(cookies::PRESESSION, &value, None, state.settings.secure_cookies));
    }
    response
}

fn find_field(encoded: &[u8]) -> Option<String> {
    form_urlencoded::parse(encoded).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_to_the_cookie_and_the_secret() {
        let secret = [7u8; 32];
        let t = token(&secret, "cookie-a");
        assert!(token_matches(&secret, "cookie-a", &t));
        assert!(!token_matches(&secret, "cookie-b", &t));
        assert!(!token_matches(&[8u8; 32], "cookie-a", &t));
        assert!(!token_matches(&secret, "cookie-a", "not-hex"));
        assert!(!token_matches(&secret, "cookie-a", ""));
    }

    #[test]
    fn finds_the_field_in_a_form() {
        assert_eq!(find_field(b"a=1&csrf=abc%20d&b=2").as_deref(), Some("abc d"));
        assert_eq!(find_field(b"a=1"), None);
    }
}
