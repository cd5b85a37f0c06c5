//! Storage shared by every slice of `communs`.
//!
//! One async code path for SQLite (the embedded default) and PostgreSQL, through sqlx's `Any` driver:
//! every statement is written once with `$n` bind parameters, which both engines accept. DDL differs and
//! lives in `migrations/sqlite` and `migrations/postgres`.

pub mod audit;
pub mod blobs;
pub mod clock;
mod db;
mod error;
pub mod jobs;
pub mod settings;
pub mod tenant;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db, Tx, redact};
pub use error::StoreError;
pub use tenant::OrgScope;
