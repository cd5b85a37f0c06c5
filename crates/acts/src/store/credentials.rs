//! Signing certificates of the organisations (their demo authority, their members' certificates) and
//! the platform's timestamp authority. Private keys are stored sealed (`signing::KeyVault`).

use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{Db, OrgScope, StoreError, Tx, clock};

#[derive(sqlx::FromRow)]
pub struct CredentialRow {
    pub user_id: Option<i64>,
    pub purpose: String,
    pub source: String,
    pub subject: String,
    pub certificate: String,
    pub chain: String,
    pub sealed_key: String,
    pub not_after: i64,
}

/// A credential to write: base64 DER certificate, chain as base64 DER values joined by commas.
pub struct NewCredential<'a> {
    pub user_id: Option<i64>,
    pub purpose: &'a str,
    pub source: &'a str,
    pub subject: &'a str,
    pub certificate: &'a str,
    pub chain: &'a str,
    pub sealed_key: &'a str,
    pub not_after: i64,
}

pub async fn insert(tx: &mut Tx, scope: OrgScope, c: &NewCredential<'_>) -> Result<i64, StoreError> {
    Ok(scoped(
        scope,
        "INSERT INTO signing_credentials (organisation_id, user_id, purpose, source, subject, certificate, chain, sealed_key, not_after, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(c.user_id)
    .bind(c.purpose.to_string())
    .bind(c.source.to_string())
    .bind(c.subject.to_string())
    .bind(c.certificate.to_string())
    .bind(c.chain.to_string())
    .bind(c.sealed_key.to_string())
    .bind(c.not_after)
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

macro_rules! select_credentials {
    ($tail:literal) => {
        concat!("SELECT user_id, purpose, source, subject, certificate, chain, sealed_key, not_after FROM signing_credentials ", $tail)
    };
}

/// The organisation's certificate authority.
pub async fn authority(tx: &mut Tx, scope: OrgScope) -> Result<Option<CredentialRow>, StoreError> {
    Ok(scoped_as(
        scope,
        select_credentials!("WHERE organisation_id = $1 AND purpose = 'authority' AND revoked_at IS NULL ORDER BY id LIMIT 1"),
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// The newest valid certificate of a person in the organisation.
pub async fn of_user(tx: &mut Tx, scope: OrgScope, user_id: i64, now: i64) -> Result<Option<CredentialRow>, StoreError> {
    Ok(scoped_as(
        scope,
        select_credentials!(
            "WHERE organisation_id = $1 AND purpose = 'signer' AND user_id = $2 AND revoked_at IS NULL AND not_after > $3 ORDER BY id DESC LIMIT 1"
        ),
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The newest valid seal certificate of the organisation (issued to the organisation itself).
pub async fn seal(tx: &mut Tx, scope: OrgScope, now: i64) -> Result<Option<CredentialRow>, StoreError> {
    Ok(scoped_as(
        scope,
        select_credentials!(
            "WHERE organisation_id = $1 AND purpose = 'signer' AND user_id IS NULL AND revoked_at IS NULL AND not_after > $2 ORDER BY id DESC LIMIT 1"
        ),
    )
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Every certificate of the organisation, its authority first.
pub async fn list(db: &Db, scope: OrgScope) -> Result<Vec<CredentialRow>, StoreError> {
    Ok(scoped_as(scope, select_credentials!("WHERE organisation_id = $1 AND revoked_at IS NULL ORDER BY purpose, id"))
        .fetch_all(db.pool())
        .await?)
}

#[derive(sqlx::FromRow)]
pub struct TimestampAuthorityRow {
    pub root_certificate: String,
    pub certificate: String,
    pub sealed_key: String,
}

/// The platform's timestamp authority (one for all organisations).
pub async fn timestamp_authority(tx: &mut Tx) -> Result<Option<TimestampAuthorityRow>, StoreError> {
    Ok(sqlx::query_as("SELECT root_certificate, certificate, sealed_key FROM timestamp_authority WHERE id = 1")
        .fetch_optional(&mut **tx)
        .await?)
}

/// Records the timestamp authority unless another node did first.
pub async fn insert_timestamp_authority(tx: &mut Tx, root: &str, certificate: &str, sealed_key: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO timestamp_authority (id, root_certificate, certificate, sealed_key, created_at) VALUES (1, $1, $2, $3, $4) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(root.to_string())
    .bind(certificate.to_string())
    .bind(sealed_key.to_string())
    .bind(clock::now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
