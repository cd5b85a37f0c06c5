use thiserror::Error;
use web::{HtmlError, Problem};

#[derive(Debug, Error)]
pub enum ConventionError {
    #[error("{0}")]
    NotFound(String),
    #[error("{field} : {message}")]
    Invalid { field: &'static str, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("catalogue des applications : {0}")]
    Catalogue(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<sqlx::Error> for ConventionError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error.into())
    }
}

impl From<ConventionError> for Problem {
    fn from(error: ConventionError) -> Self {
        match error {
            ConventionError::NotFound(detail) => Problem::not_found(detail),
            ConventionError::Invalid { field, message } => Problem::invalid_field(field, message),
            ConventionError::Conflict(detail) => Problem::conflict(detail),
            ConventionError::Catalogue(detail) => Problem::bad_request(detail),
            ConventionError::Store(e) => Problem::internal(&e),
        }
    }
}

impl From<ConventionError> for HtmlError {
    fn from(error: ConventionError) -> Self {
        match error {
            ConventionError::NotFound(_) => HtmlError::not_found(),
            ConventionError::Store(e) => HtmlError::internal(&e),
            other => HtmlError::bad_request(other.to_string()),
        }
    }
}
