//! Integration tests of the whole application through HTTP, on SQLite or on the PostgreSQL server of
//! `COMMUNS_TEST_DATABASE_URL` (each test gets a fresh database).

mod accounting;
mod acts;
mod admin;
mod archive;
mod archive_retention;
mod assembly;
mod auth;
mod billing;
mod cli;
mod convention;
mod convocations;
mod documents;
mod e2e;
mod facturx;
mod interventions;
mod invoices;
mod isolation;
mod members;
mod ops;
mod organisations;
mod register;
mod requests;
mod serve;
mod sitting_recording;
mod support;
mod tariffs;
