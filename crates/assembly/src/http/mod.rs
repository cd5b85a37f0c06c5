//! Routes of the assembly slice: the sittings of an organisation, the extracts of its register, the JSON API.

mod api;
mod manage;
mod pages;
mod portal;
mod templates_admin;

pub use api::{ApiDoc, routes as api_routes};
pub use pages::SittingsSection;

/// Every page of the slice and the actions of its forms.
pub fn page_routes() -> axum::Router<web::AppState> {
    pages::routes().merge(manage::routes()).merge(portal::routes()).merge(templates_admin::routes())
}
