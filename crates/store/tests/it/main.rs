//! Integration tests of the storage layer, on SQLite or on the PostgreSQL of COMMUNS_TEST_DATABASE_URL.

mod blobs;
mod jobs;
