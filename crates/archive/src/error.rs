use thiserror::Error;

/// Why an archive operation failed; the message is French, for people.
#[derive(Debug, Error)]
pub enum ArchiveError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Blob(#[from] store::blobs::BlobError),
}

impl From<sqlx::Error> for ArchiveError {
    fn from(e: sqlx::Error) -> Self {
        ArchiveError::Store(e.into())
    }
}
