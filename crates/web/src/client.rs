//! The address of the client, for the audit log and login throttling.

use crate::state::WebSettings;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use std::net::SocketAddr;

/// The client's IP address: the peer of the connection, or the first `X-Forwarded-For` entry when the
/// platform is configured to sit behind a trusted reverse proxy.
pub fn ip(parts: &Parts, settings: &WebSettings) -> String {
    if settings.trust_proxy
        && let Some(forwarded) = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(first) = forwarded.split(',').next().map(str::trim).filter(|s| !s.is_empty())
    {
        return first.to_string();
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "inconnue".to_string(), |ConnectInfo(addr)| addr.ip().to_string())
}
