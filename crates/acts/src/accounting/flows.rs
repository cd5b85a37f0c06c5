//! The life of a signed PES file: recorded (its bytes in the blob store) and queued, deposited with the
//! accountant by a job (retried with backoff while the accountant is unreachable; the file name makes a
//! second deposit impossible), then its acknowledgement (`PES_Acquit`) fetched and applied.

use super::accountant::Accountant;
use super::{FlowState, SignedPes};
use crate::store::pes::{self as sql, FlowRow, NewFlow};
use crate::transmission::connector::ConnectorError;
use crate::{ActsError, followup};
use serde_json::json;
use store::blobs::BlobStore;
use store::jobs::{self, NewJob};
use store::{Db, OrgScope, Tx};

/// The job that deposits a signed file with the accountant.
pub const DEPOSIT_JOB: &str = "acts.pes.deposit";
/// The job that fetches the acknowledgement of a deposited file.
pub const ACQUIT_JOB: &str = "acts.pes.acquit";
/// The job that hands an acknowledged file to the archive (handled by the binary's wiring).
pub const ARCHIVE_JOB: &str = "acts.pes.archive";

/// Which part of the budget a file carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// *Recettes*: titres.
    Revenue,
    /// *Dépenses*: mandats.
    Expenditure,
}

impl Domain {
    pub fn code(self) -> &'static str {
        match self {
            Domain::Revenue => "revenue",
            Domain::Expenditure => "expenditure",
        }
    }

    /// The domain as the pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Domain::Revenue => "Recettes (titres)",
            Domain::Expenditure => "Dépenses (mandats)",
        }
    }
}

/// Records a signed file and queues its deposit, in the caller's transaction; returns the flow's id.
pub async fn record(
    tx: &mut Tx,
    blobs: &BlobStore,
    scope: OrgScope,
    (domain, year): (Domain, i64),
    file: &SignedPes,
    signed_by: &str,
) -> Result<i64, ActsError> {
    let stored = blobs.put(file.xml.clone().into_bytes()).await?;
    let flow = NewFlow {
        domain: domain.code(),
        year,
        file_name: &file.file_name,
        sha256: &stored.sha256,
        bordereaux: i64::try_from(file.bordereaux).unwrap_or(i64::MAX),
        pieces: i64::try_from(file.pieces).unwrap_or(i64::MAX),
        signed_by,
        signed_at: store::clock::millis_of(file.signed_at),
    };
    let id = sql::insert_flow(tx, scope, &flow)
        .await?
        .ok_or_else(|| ActsError::Conflict(format!("le fichier « {} » a déjà été signé et envoyé au comptable", file.file_name)))?;
    let job = NewJob::new(DEPOSIT_JOB, json!({ "organisation_id": scope.organisation_id(), "flow_id": id }))
        .organisation(scope.organisation_id())
        .idempotency_key(format!("{DEPOSIT_JOB}:{}:{id}", scope.organisation_id()))
        .max_attempts(12);
    jobs::enqueue(tx, job).await?;
    Ok(id)
}

/// The job of [`DEPOSIT_JOB`]. An unreachable accountant makes the job fail (it is retried with backoff,
/// the file shows "en attente"); a refusal puts the file in error.
pub async fn run_deposit(db: &Db, blobs: &BlobStore, accountant: &dyn Accountant, payload: &serde_json::Value) -> Result<(), String> {
    let (scope, id) = followup::target(payload, "flow_id")?;
    let flow = flow(db, scope, id).await?;
    let pending = (FlowState::Queued.code(), FlowState::Waiting.code());
    if flow.state != pending.0 && flow.state != pending.1 {
        return Ok(());
    }
    let xml = blobs.get(&flow.sha256).await.map_err(|e| e.to_string())?;
    let outcome = accountant.deposit(&flow.file_name, &xml).await;
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    let result = match outcome {
        Ok(deposit) => {
            sql::set_reference(&mut tx, scope, id, &deposit.reference).await.map_err(|e| e.to_string())?;
            let detail =
                format!("Déposé chez le comptable (référence {}){}", deposit.reference, if deposit.duplicate { ", déjà reçu" } else { "" });
            sql::transition(&mut tx, scope, id, pending, FlowState::Deposited.code(), &detail).await.map_err(|e| e.to_string())?;
            enqueue_acquit(&mut tx, scope, id, 0).await.map_err(|e| e.to_string())?;
            Ok(())
        }
        Err(ConnectorError::Unavailable(reason)) => {
            let detail = format!("Comptable injoignable, nouvel essai prévu : {reason}");
            sql::transition(&mut tx, scope, id, pending, FlowState::Waiting.code(), &detail).await.map_err(|e| e.to_string())?;
            Err(reason)
        }
        Err(ConnectorError::Refused(reason)) => {
            let detail = format!("Fichier refusé au dépôt : {reason}");
            sql::transition(&mut tx, scope, id, pending, FlowState::Error.code(), &detail).await.map_err(|e| e.to_string())?;
            Ok(())
        }
    };
    tx.commit().await.map_err(|e| e.to_string())?;
    result
}

/// The job of [`ACQUIT_JOB`]: fetches the acknowledgement; while it has not come, asks again later
/// (1, 2, 4 … minutes, at most 32 times).
pub async fn run_acquit(db: &Db, blobs: &BlobStore, accountant: &dyn Accountant, payload: &serde_json::Value) -> Result<(), String> {
    let (scope, id) = followup::target(payload, "flow_id")?;
    let round = followup::round(payload);
    let flow = flow(db, scope, id).await?;
    let Some(reference) = flow.reference.as_deref().filter(|_| flow.state == FlowState::Deposited.code()) else { return Ok(()) };
    let answer = accountant.acquit(reference).await.map_err(|e| e.to_string())?;
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    match answer {
        Some(acquit) => {
            let (state, detail) = super::acknowledgement::outcome(&acquit).map_err(|e| format!("acquittement illisible : {e}"))?;
            let stored = blobs.put(acquit).await.map_err(|e| e.to_string())?;
            sql::set_acquit(&mut tx, scope, id, &stored.sha256).await.map_err(|e| e.to_string())?;
            let deposited = FlowState::Deposited.code();
            sql::transition(&mut tx, scope, id, (deposited, deposited), state.code(), &detail).await.map_err(|e| e.to_string())?;
            let job = NewJob::new(ARCHIVE_JOB, json!({ "organisation_id": scope.organisation_id(), "flow_id": id }))
                .organisation(scope.organisation_id())
                .idempotency_key(format!("{ARCHIVE_JOB}:{}:{id}", scope.organisation_id()))
                .max_attempts(12);
            jobs::enqueue(&mut tx, job).await.map_err(|e| e.to_string())?;
        }
        None if round < 32 => enqueue_acquit(&mut tx, scope, id, round + 1).await.map_err(|e| e.to_string())?,
        None => {}
    }
    tx.commit().await.map_err(|e| e.to_string())
}

async fn enqueue_acquit(tx: &mut Tx, scope: OrgScope, id: i64, round: i64) -> Result<(), store::StoreError> {
    followup::enqueue(tx, ACQUIT_JOB, scope, ("flow_id", id), round).await
}

async fn flow(db: &Db, scope: OrgScope, id: i64) -> Result<FlowRow, String> {
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    sql::flow(&mut tx, scope, id).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("flux PES {id} introuvable"))
}
