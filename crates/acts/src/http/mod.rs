//! Routes of the acts slice: the agents' pages (acts, parapheur, circuits, certificates, settings),
//! the public pages of published acts with their open-data feed, the timestamp authority, the API.

mod accounting;
mod actions;
mod admin;
mod api;
mod home;
mod pages;
mod parapheur;
mod public;

use crate::accounting::accountant::Accountant;
use crate::circuit::Person;
use crate::transmission::Legality;
use identity::access::OrgAccess;
use kernel::Role;
use signing::KeyVault;
use std::sync::Arc;

/// What the slice's handlers need beyond the application state: the key vault, the route to the
/// prefecture, the route to the public accountant, and the platform's public address (links in feeds and
/// e-mails).
#[derive(Clone)]
pub struct ActsServices {
    pub vault: Arc<KeyVault>,
    pub legality: Legality,
    pub accountant: Arc<dyn Accountant>,
    pub public_url: String,
}

pub use api::ApiDoc;
pub use home::ActsSection;

/// Every route of the slice, with its services.
pub fn routes(services: ActsServices) -> axum::Router<web::AppState> {
    pages::routes()
        .merge(actions::routes())
        .merge(parapheur::routes())
        .merge(admin::routes())
        .merge(public::routes())
        .merge(accounting::routes())
        .merge(api::routes())
        .layer(axum::Extension(services))
}

/// The signed-in person as the circuits see them.
pub(super) struct SignedInPerson {
    user_id: i64,
    name: String,
    email: String,
    roles: Vec<Role>,
    ip: String,
}

impl SignedInPerson {
    pub(super) fn as_person(&self) -> Person<'_> {
        Person { user_id: self.user_id, name: &self.name, email: &self.email, roles: &self.roles, ip: Some(&self.ip) }
    }
}

pub(super) fn person_of(access: &OrgAccess) -> SignedInPerson {
    SignedInPerson {
        user_id: access.principal.user.id,
        name: access.principal.user.display_name.clone(),
        email: access.principal.user.email.clone(),
        roles: access.roles.clone(),
        ip: access.ip.clone(),
    }
}
