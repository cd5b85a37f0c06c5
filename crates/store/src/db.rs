use crate::StoreError;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// A database transaction. Business writes, their audit events and the jobs they enqueue share one.
pub type Tx = sqlx::Transaction<'static, Any>;

/// Which engine a [`Db`] talks to. Only DDL, locking and backup differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: a connection pool on SQLite (embedded default) or PostgreSQL.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Connects to `sqlite://PATH` (the file is created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') { url.to_string() } else { format!("{url}?mode=rwc") };
                options
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; synchronous=FULL makes every
                            // acknowledged commit survive a power cut, not only a crash of the process.
                            conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => options.max_connections(16).connect(url).await?,
        };
        Ok(Self { pool, backend })
    }

    /// Applies the pending migrations of this engine.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so a
    /// transaction that reads before it writes cannot fail half-way on a lock upgrade.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Whether the database answers (readiness probe).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Writes a consistent snapshot of a SQLite database to `out` while it stays online
    /// (`VACUUM INTO`). PostgreSQL has its own tool for this: `pg_dump`.
    pub async fn backup_sqlite(&self, out: &std::path::Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Io(std::io::Error::other(
                "la sauvegarde intégrée ne concerne que SQLite ; pour PostgreSQL, utilisez pg_dump",
            )));
        }
        let target = out.to_string_lossy().replace('\'', "''");
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'"))).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The URL without its password, fit for an error message or a log line.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &credentials[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_passwords_only() {
        let cases = [
            ("postgres://communs:s3cret@db:5432/communs", "postgres://communs:***@db:5432/communs"),
            ("postgres://communs@db/communs", "postgres://communs@db/communs"),
            ("sqlite://./communs-data/communs.db", "sqlite://./communs-data/communs.db"),
        ];
        for (url, expected) in cases {
            assert_eq!(redact(url), expected);
        }
    }
}
