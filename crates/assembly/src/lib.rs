//! The assembly slice (*assemblées délibérantes*): deliberative bodies and their members in office,
//! sittings with their agenda, convocations, attendance, proxies, quorum and votes, and the documents
//! of the register of deliberations.

pub mod annexes;
pub mod convocations;
pub mod error;
pub mod extract;
pub mod http;
pub mod import;
pub mod minutes;
pub mod model;
pub mod numbering;
pub mod preparation;
pub mod printed;
pub mod recording;
pub mod rules;
pub mod service;
mod store;

pub use error::AssemblyError;
