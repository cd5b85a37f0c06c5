use crate::metrics::Metrics;
use std::sync::Arc;
use store::Db;
use store::blobs::BlobStore;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub blobs: BlobStore,
    pub metrics: Arc<Metrics>,
    pub settings: Arc<WebSettings>,
}

/// Settings of the web layer, from the configuration file and `COMMUNS_*` variables.
#[derive(Clone)]
pub struct WebSettings {
    /// Key for CSRF tokens (shared by all nodes: kept in the database).
    pub secret: [u8; 32],
    /// Whether cookies carry the `Secure` attribute (true behind HTTPS).
    pub secure_cookies: bool,
    /// Whether to trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy: bool,
}
