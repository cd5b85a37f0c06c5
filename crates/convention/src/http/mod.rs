//! Routes of the convention slice: public annexe-2 tables, each member's convention, the JSON API.

mod api;
mod billing;
mod charts;
mod documents;
mod interventions;
mod pages;
mod printed;
mod register;
mod requests;

pub use api::{ApiDoc, routes as api_routes};
pub use billing::BillingSection;
pub use pages::SubscriptionsSection;

/// Every page of the slice: public tables, members' conventions, the Métropole's billing desk.
pub fn page_routes() -> axum::Router<web::AppState> {
    pages::routes()
        .merge(billing::routes())
        .merge(charts::routes())
        .merge(requests::routes())
        .merge(printed::routes())
        .merge(documents::routes())
        .merge(interventions::routes())
        .merge(register::routes())
}
