//! The acts slice (*actes administratifs*): acts with their nature and classification, signature
//! circuits, transmission to the prefecture's legality control through @ctes, publication, and the
//! accounting flows (PES V2) sent to the public accountant.

pub mod accounting;
pub mod circuit;
mod error;
pub mod export;
mod followup;
pub mod http;
pub mod keys;
pub mod legality;
pub mod model;
pub mod notify;
pub mod publication;
pub mod service;
pub mod settings;
pub mod simulator;
mod store;
pub mod transmission;
mod xsd;

pub use error::ActsError;
