//! Throw-away databases for tests. With `COMMUNS_TEST_DATABASE_URL=postgres://…` every call creates a
//! fresh PostgreSQL database on that server; otherwise a SQLite file in a temporary directory.

use crate::Db;
use sqlx::Executor;

/// A migrated, empty database that lives as long as this value (SQLite) or the server (PostgreSQL).
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new() -> Self {
        match std::env::var("COMMUNS_TEST_DATABASE_URL") {
            Ok(server) if !server.is_empty() => Self::postgres(&server).await,
            _ => Self::sqlite().await,
        }
    }

    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("communs.db").display());
        let db = Db::connect(&url).await.expect("SQLite opens");
        db.migrate().await.expect("migrations run");
        Self { db, url, _dir: Some(dir) }
    }

    async fn postgres(server: &str) -> Self {
        let admin = Db::connect(server).await.expect("test PostgreSQL server reachable");
        let mut name_bytes = [0u8; 8];
        getrandom::fill(&mut name_bytes).expect("randomness");
        let name = format!("communs_test_{}", hex::encode(name_bytes));
        admin.pool().execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("CREATE DATABASE");
        admin.close().await;
        let url = database_url(server, &name);
        let db = Db::connect(&url).await.expect("test database reachable");
        db.migrate().await.expect("migrations run");
        Self { db, url, _dir: None }
    }
}

/// The URL of database `name` on the server of `server_url` (same credentials and options).
fn database_url(server_url: &str, name: &str) -> String {
    let (without_query, query) = match server_url.find('?') {
        Some(q) => (&server_url[..q], &server_url[q..]),
        None => (server_url, ""),
    };
    let authority_start = without_query.find("://").map_or(0, |i| i + 3);
    let base = match without_query[authority_start..].find('/') {
        Some(slash) => &without_query[..authority_start + slash],
        None => without_query,
    };
    format!("{base}/{name}{query}")
}

/// The S3-compatible server of the test environment, when one is configured, with every key under
/// `prefix` so that tests can share a bucket:
///
/// | variable                              | meaning                                   | default        |
/// |---------------------------------------|-------------------------------------------|----------------|
/// | `COMMUNS_TEST_S3_ENDPOINT`            | `http://127.0.0.1:9000`; unset: no S3     | —              |
/// | `COMMUNS_TEST_S3_BUCKET`              | bucket, created if missing                | `communs-test` |
/// | `COMMUNS_TEST_S3_ACCESS_KEY_ID`       | access key                                | —              |
/// | `COMMUNS_TEST_S3_SECRET_ACCESS_KEY`   | secret key                                | —              |
/// | `COMMUNS_TEST_S3_REGION`              | signing region                            | `us-east-1`    |
///
/// `scripts/s3-test-server.sh` starts such a server (s3s-fs) and prints these variables; CI sets them.
pub fn s3_from_env(prefix: String) -> Option<crate::blobs::S3Config> {
    let endpoint = std::env::var("COMMUNS_TEST_S3_ENDPOINT").ok().filter(|e| !e.is_empty())?;
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    Some(crate::blobs::S3Config {
        endpoint,
        bucket: var("COMMUNS_TEST_S3_BUCKET", "communs-test"),
        region: var("COMMUNS_TEST_S3_REGION", "us-east-1"),
        access_key_id: var("COMMUNS_TEST_S3_ACCESS_KEY_ID", ""),
        secret_access_key: var("COMMUNS_TEST_S3_SECRET_ACCESS_KEY", ""),
        prefix,
        path_style: true,
    })
}

#[cfg(test)]
mod tests {
    use super::database_url;

    #[test]
    fn database_url_table() {
        let cases = [
            ("postgres://u:p@localhost/postgres", "postgres://u:p@localhost/t1"),
            ("postgres://u:p@localhost:5432", "postgres://u:p@localhost:5432/t1"),
            ("postgres://u@h/db?sslmode=disable", "postgres://u@h/t1?sslmode=disable"),
        ];
        for (server, expected) in cases {
            assert_eq!(database_url(server, "t1"), expected);
        }
    }
}
