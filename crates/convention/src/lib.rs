//! The convention slice (*convention de gestion de services numériques communs*): the shared
//! applications, the convention periods with their costs and the Métropole's participation, each
//! member's convention and subscriptions, and the cost sharing of annexe 2.

pub mod annex;
pub mod catalogue;
pub mod changes;
pub mod chart;
pub mod documents;
pub mod error;
pub mod facturx;
pub mod http;
pub mod input;
pub mod interventions;
pub mod invoicing;
pub mod model;
pub mod pes;
pub mod printing;
pub mod rules;
pub mod service;
pub mod signatures;
mod store;

pub use error::ConventionError;
