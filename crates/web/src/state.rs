use crate::home::HomeSection;
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
    /// Sections of the organisation home pages, in order, from the slices that have one.
    pub home_sections: Arc<Vec<Arc<dyn HomeSection>>>,
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
