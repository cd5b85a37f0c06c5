use axum::http::StatusCode;
use thiserror::Error;
use web::{HtmlError, Problem};

/// What can go wrong in the identity slice. Messages are French: they reach people.
#[derive(Debug, Error)]
pub enum IdentityError {
    #[error("{field} : {message}")]
    Invalid { field: &'static str, message: String },
    #[error("Adresse électronique ou mot de passe incorrect.")]
    BadCredentials,
    #[error("Trop de tentatives de connexion. Patientez 15 minutes avant de réessayer.")]
    Throttled,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("Vous n'avez pas les droits nécessaires.")]
    Forbidden,
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<sqlx::Error> for IdentityError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error.into())
    }
}

impl IdentityError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }

    /// Whether a form can show this error next to its fields (rather than on an error page).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Self::Store(_) | Self::Forbidden | Self::NotFound(_))
    }
}

impl From<IdentityError> for Problem {
    fn from(error: IdentityError) -> Self {
        match error {
            IdentityError::Invalid { field, message } => Problem::invalid_field(field, message),
            IdentityError::BadCredentials => {
                Problem::new(StatusCode::UNAUTHORIZED, "identifiants-incorrects", "Identifiants incorrects", error.to_string())
            }
            IdentityError::Throttled => Problem::too_many_requests(error.to_string()),
            IdentityError::Conflict(detail) => Problem::conflict(detail),
            IdentityError::NotFound(detail) => Problem::not_found(detail),
            IdentityError::Forbidden => Problem::forbidden(),
            IdentityError::Store(e) => Problem::internal(&e),
        }
    }
}

impl From<IdentityError> for HtmlError {
    fn from(error: IdentityError) -> Self {
        match error {
            IdentityError::NotFound(_) => HtmlError::not_found(),
            IdentityError::Forbidden => HtmlError::forbidden(),
            IdentityError::Store(e) => HtmlError::internal(&e),
            other => HtmlError::bad_request(other.to_string()),
        }
    }
}
