//! Identity: organisations (the tenants), people, their roles in each organisation, sessions, login
//! throttling and the access checks that hand out an [`store::OrgScope`].

pub mod access;
pub mod error;
pub mod http;
pub mod import;
pub mod model;
pub mod password;
pub mod rules;
pub mod service;
mod store;

pub use error::IdentityError;
pub use model::{Organisation, Principal, User};
