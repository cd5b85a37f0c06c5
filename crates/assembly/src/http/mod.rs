//! Routes of the assembly slice: the sittings of an organisation, the extracts of its register, the JSON API.

mod api;
mod pages;

pub use api::{ApiDoc, routes as api_routes};
pub use pages::{SittingsSection, routes as page_routes};
