use thiserror::Error;

/// Errors of the storage layer.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("base de données : {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration de la base de données : {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("adresse de base de données non prise en charge « {0} » (attendu : sqlite://… ou postgres://…)")]
    UnsupportedUrl(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Whether the error is the violation of a unique constraint (a duplicate).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}
