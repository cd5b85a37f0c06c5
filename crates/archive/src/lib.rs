//! The archive slice: probative electronic archiving (*archivage électronique à valeur probatoire*) of
//! the flows of the other slices. Each flow becomes a SEDA 2.2 transfer whose objects are kept in the
//! content-addressed blob store; every deposit is recorded in a hash-chained journal; `verify` re-hashes
//! everything and names each fault.

pub mod access;
pub mod archivists;
mod category;
mod certificate;
pub mod checkpoint;
pub mod deposit;
mod disposal;
pub mod elimination;
mod error;
pub mod export;
pub mod holds;
pub mod http;
pub mod import;
pub mod journal;
pub mod restitution;
pub mod retention;
pub mod seda;
pub mod sources;
pub mod verify;

pub use category::{Category, FinalAction};
pub use error::ArchiveError;
