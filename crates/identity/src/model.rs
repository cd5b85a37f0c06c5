//! Types of the identity slice. No I/O.

use kernel::{OrganisationKind, Role};
use serde::Serialize;
use utoipa::ToSchema;

/// An organisation hosted by the platform: a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: i64,
    pub kind: OrganisationKind,
    pub name: String,
    pub slug: String,
    pub insee_code: Option<String>,
    pub siren: Option<String>,
    pub postal_codes: Vec<String>,
    pub parent_id: Option<i64>,
    /// Population of the latest reference year known, with that year.
    pub population: Option<(i64, i64)>,
}

/// An organisation as the public API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationView {
    /// `metropole`, `commune`, `ccas` or `company`.
    pub kind: String,
    pub name: String,
    pub slug: String,
    /// INSEE commune code (communes only).
    pub insee_code: Option<String>,
    /// SIREN (9 digits, Luhn-checked).
    pub siren: Option<String>,
    pub postal_codes: Vec<String>,
    /// Population of the latest reference year (municipal population, INSEE).
    pub population: Option<i64>,
    pub population_year: Option<i64>,
    /// Slug of the commune a CCAS belongs to.
    pub parent_slug: Option<String>,
}

impl Organisation {
    pub fn view(&self, parent_slug: Option<String>) -> OrganisationView {
        OrganisationView {
            kind: self.kind.code().to_string(),
            name: self.name.clone(),
            slug: self.slug.clone(),
            insee_code: self.insee_code.clone(),
            siren: self.siren.clone(),
            postal_codes: self.postal_codes.clone(),
            population: self.population.map(|(_, p)| p),
            population_year: self.population.map(|(y, _)| y),
            parent_slug,
        }
    }
}

/// A person's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub is_platform_admin: bool,
}

/// A role held by a person in an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organisation_id: i64,
    pub organisation_slug: String,
    pub organisation_name: String,
    pub role: Role,
}

/// The signed-in person behind a request, with every role they hold.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub memberships: Vec<Membership>,
    /// The session cookie value, needed to derive CSRF tokens and to log out.
    pub session_token: String,
}

impl Principal {
    /// The roles this person holds in one organisation.
    pub fn roles_in(&self, organisation_id: i64) -> Vec<Role> {
        self.memberships.iter().filter(|m| m.organisation_id == organisation_id).map(|m| m.role).collect()
    }
}

/// A member of an organisation as listed to its administrators.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    /// `org_admin`, `agent` or `elected`.
    pub roles: Vec<String>,
}
