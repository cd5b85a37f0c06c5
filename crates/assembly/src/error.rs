//! Why an action of the slice is refused, in French for people, as problem+json for the API.

use crate::rules::RuleError;
use thiserror::Error;
use web::{HtmlError, Problem};

#[derive(Debug, Error)]
pub enum AssemblyError {
    #[error("{0}")]
    NotFound(String),
    /// Input that cannot be read (a date, a missing field).
    #[error("{0}")]
    Invalid(String),
    /// A rule of law the action would break (the message names it).
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<sqlx::Error> for AssemblyError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error.into())
    }
}

impl From<AssemblyError> for Problem {
    fn from(error: AssemblyError) -> Self {
        match error {
            AssemblyError::NotFound(detail) => Problem::not_found(detail),
            AssemblyError::Conflict(detail) => Problem::conflict(detail),
            AssemblyError::Store(e) => Problem::internal(&e),
            other => Problem::bad_request(other.to_string()),
        }
    }
}

impl From<AssemblyError> for HtmlError {
    fn from(error: AssemblyError) -> Self {
        match error {
            AssemblyError::NotFound(_) => HtmlError::not_found(),
            AssemblyError::Store(e) => HtmlError::internal(&e),
            other => HtmlError::bad_request(other.to_string()),
        }
    }
}
