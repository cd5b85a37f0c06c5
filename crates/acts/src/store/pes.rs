//! PES flows sent to the public accountant, the expenditure orders waiting for their bordereau, and the
//! organisations' Hélios budget codes.

use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{OrgScope, StoreError, Tx, clock};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FlowRow {
    pub id: i64,
    pub domain: String,
    pub year: i64,
    pub file_name: String,
    pub sha256: String,
    pub bordereaux: i64,
    pub pieces: i64,
    pub state: String,
    pub reference: Option<String>,
    pub acquit_sha256: Option<String>,
    pub detail: String,
    pub signed_by: String,
    pub created_at: i64,
}

macro_rules! select_flows {
    ($tail:literal) => {
        concat!(
            "SELECT id, domain, year, file_name, sha256, bordereaux, pieces, state, reference, acquit_sha256, detail, signed_by, \
             created_at FROM pes_flows ",
            $tail
        )
    };
}

/// A signed file to record.
pub struct NewFlow<'a> {
    pub domain: &'a str,
    pub year: i64,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub bordereaux: i64,
    pub pieces: i64,
    pub signed_by: &'a str,
    /// When the bordereaux were signed (milliseconds), the flow's creation.
    pub signed_at: i64,
}

/// Records a signed file, state `queued`; `None` when the organisation already has a file of that name.
pub async fn insert_flow(tx: &mut Tx, scope: OrgScope, flow: &NewFlow<'_>) -> Result<Option<i64>, StoreError> {
    let row = scoped(
        scope,
        "INSERT INTO pes_flows (organisation_id, domain, year, file_name, sha256, bordereaux, pieces, state, detail, signed_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', '', $8, $9, $9) \
         ON CONFLICT (organisation_id, file_name) DO NOTHING RETURNING id",
    )
    .bind(flow.domain.to_string())
    .bind(flow.year)
    .bind(flow.file_name.to_string())
    .bind(flow.sha256.to_string())
    .bind(flow.bordereaux)
    .bind(flow.pieces)
    .bind(flow.signed_by.to_string())
    .bind(flow.signed_at)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| r.try_get(0)).transpose().map_err(Into::into)
}

pub async fn flows(tx: &mut Tx, scope: OrgScope) -> Result<Vec<FlowRow>, StoreError> {
    Ok(scoped_as(scope, select_flows!("WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC")).fetch_all(&mut **tx).await?)
}

pub async fn flow(tx: &mut Tx, scope: OrgScope, id: i64) -> Result<Option<FlowRow>, StoreError> {
    Ok(scoped_as(scope, select_flows!("WHERE organisation_id = $1 AND id = $2")).bind(id).fetch_optional(&mut **tx).await?)
}

/// Moves a flow from `from` (one state, or either of two) to `to` with `detail`; false when it was in
/// neither.
pub async fn transition(tx: &mut Tx, scope: OrgScope, id: i64, from: (&str, &str), to: &str, detail: &str) -> Result<bool, StoreError> {
    let result = scoped(
        scope,
        "UPDATE pes_flows SET state = $3, detail = $4, updated_at = $5 WHERE organisation_id = $1 AND id = $2 AND state IN ($6, $7)",
    )
    .bind(id)
    .bind(to.to_string())
    .bind(detail.to_string())
    .bind(clock::now_millis())
    .bind(from.0.to_string())
    .bind(from.1.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn set_reference(tx: &mut Tx, scope: OrgScope, id: i64, reference: &str) -> Result<(), StoreError> {
    scoped(scope, "UPDATE pes_flows SET reference = $3 WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .bind(reference.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_acquit(tx: &mut Tx, scope: OrgScope, id: i64, sha256: &str) -> Result<(), StoreError> {
    scoped(scope, "UPDATE pes_flows SET acquit_sha256 = $3 WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .bind(sha256.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
