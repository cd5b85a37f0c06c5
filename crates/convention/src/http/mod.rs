//! Routes of the convention slice: public annexe-2 tables, each member's convention, the JSON API.

mod api;
mod pages;

pub use api::{ApiDoc, routes as api_routes};
pub use pages::{SubscriptionsSection, routes as page_routes};
