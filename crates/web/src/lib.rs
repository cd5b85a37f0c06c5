//! HTTP plumbing shared by every slice: application state, the page layout, problem+json errors,
//! CSRF protection, cookies, static assets, request metrics and health probes.

pub mod assets;
pub mod client;
pub mod cookies;
pub mod csrf;
pub mod home;
pub mod metrics;
pub mod ops;
pub mod page;
pub mod problem;
pub mod state;
pub mod urls;

pub use page::{HtmlError, PageMeta};
pub use problem::{ApiJson, Problem};
pub use state::AppState;
