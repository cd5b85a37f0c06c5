//! Why an action of the acts slice is refused, in French for people, as problem+json for the API.

use crate::legality::LegalityError;
use thiserror::Error;
use web::{HtmlError, Problem};

#[derive(Debug, Error)]
pub enum ActsError {
    #[error("{0}")]
    NotFound(String),
    /// Input that cannot be accepted (the message names the field or the rule).
    #[error("{0}")]
    Invalid(String),
    /// A value @ctes refuses (number, classification, subject, file name…).
    #[error(transparent)]
    Legality(#[from] LegalityError),
    #[error(transparent)]
    Signing(#[from] signing::SigningError),
    /// The act is not in a state that allows the action, or someone acted first.
    #[error("{0}")]
    Conflict(String),
    #[error("stockage des documents : {0}")]
    Blob(#[from] store::blobs::BlobError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<sqlx::Error> for ActsError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error.into())
    }
}

impl From<ActsError> for Problem {
    fn from(error: ActsError) -> Self {
        match error {
            ActsError::NotFound(detail) => Problem::not_found(detail),
            ActsError::Conflict(detail) => Problem::conflict(detail),
            ActsError::Store(e) => Problem::internal(&e),
            ActsError::Blob(e) => Problem::internal(&e),
            other => Problem::bad_request(other.to_string()),
        }
    }
}

impl From<ActsError> for HtmlError {
    fn from(error: ActsError) -> Self {
        match error {
            ActsError::NotFound(_) => HtmlError::not_found(),
            ActsError::Store(e) => HtmlError::internal(&e),
            ActsError::Blob(e) => HtmlError::internal(&e),
            other => HtmlError::bad_request(other.to_string()),
        }
    }
}
