//! Deposits (*versements*): a flow of another slice enters the archive as one transfer — its SEDA 2.2
//! `ArchiveTransfer` and the platform's `ArchiveTransferReply` kept beside its objects — each object and
//! the transfer recorded in the journal, all in one transaction. A flow is deposited once: depositing it
//! again returns the first transfer.

use crate::journal::{self, EventKind, NewEntry};
use crate::{ArchiveError, Category};
use sqlx::Row;
use store::blobs::BlobStore;
use store::tenant::scoped;
use store::{Db, OrgScope, clock};
use time::OffsetDateTime;

/// The organisation that transfers its archives (*service versant*).
#[derive(Debug, Clone)]
pub struct Transferring {
    pub scope: OrgScope,
    pub name: String,
    /// Its SIREN, or its slug when it has none.
    pub identifier: String,
}

/// An object to archive, already in the blob store.
#[derive(Debug, Clone)]
pub struct NewObject {
    pub file_name: String,
    pub media_type: String,
    pub title: String,
    pub sha256: String,
    pub size: u64,
}

/// A flow to archive.
#[derive(Debug, Clone)]
pub struct NewTransfer {
    pub transferring: Transferring,
    /// What the flow is in its slice (`acte:034-243400017-20211214-174579-DE`): deposited once.
    pub source: String,
    pub category: Category,
    pub title: String,
    /// The date of the documents (decision, signature).
    pub dated: time::Date,
    pub objects: Vec<NewObject>,
}

/// A transfer as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deposited {
    pub transfer_id: i64,
    pub identifier: String,
    /// False when the flow had been deposited before.
    pub new: bool,
}

/// Archives a flow (see the module's documentation).
pub async fn deposit(db: &Db, blobs: &BlobStore, transfer: &NewTransfer, now: OffsetDateTime) -> Result<Deposited, ArchiveError> {
    let scope = transfer.transferring.scope;
    if transfer.objects.is_empty() {
        return Err(ArchiveError::Invalid(format!("« {} » : rien à archiver", transfer.title)));
    }
    if let Some(existing) = existing(db, scope, &transfer.source).await? {
        return Ok(existing);
    }
    for object in &transfer.objects {
        blobs.verify(&object.sha256).await?;
    }
    let identifier = format!("VERS-{}-{}", scope.organisation_id(), hex_of(&transfer.source));
    let (seda, reply) = crate::seda::documents(transfer, &identifier, now);
    let seda = blobs.put(seda.into_bytes()).await?;
    let reply = blobs.put(reply.into_bytes()).await?;
    let at = clock::millis_of(now);
    let mut tx = db.begin().await?;
    let transfer_id: i64 = scoped(
        scope,
        "INSERT INTO archive_transfers (organisation_id, identifier, source, category, title, seda_sha256, reply_sha256, dated, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(identifier.clone())
    .bind(transfer.source.clone())
    .bind(transfer.category.code())
    .bind(transfer.title.clone())
    .bind(seda.sha256.clone())
    .bind(reply.sha256.clone())
    .bind(transfer.dated.to_string())
    .bind(at)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let organisation = Some(scope.organisation_id());
    for object in &transfer.objects {
        let id: i64 = scoped(
            scope,
            "INSERT INTO archive_objects (organisation_id, transfer_id, sha256, size, file_name, media_type, title, deposited_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(transfer_id)
        .bind(object.sha256.clone())
        .bind(i64::try_from(object.size).unwrap_or(i64::MAX))
        .bind(object.file_name.clone())
        .bind(object.media_type.clone())
        .bind(object.title.clone())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let reference = format!("objet:{id}");
        let detail = format!("{} — {}", object.title, object.file_name);
        let entry = NewEntry {
            organisation_id: organisation,
            kind: EventKind::Deposit,
            reference: &reference,
            object_sha256: Some(&object.sha256),
            detail: &detail,
        };
        journal::append(&mut tx, &entry, at).await?;
    }
    let reference = format!("versement:{identifier}");
    let detail = format!("{} : {} ({} objet(s))", transfer.category.label(), transfer.title, transfer.objects.len());
    let entry = NewEntry {
        organisation_id: organisation,
        kind: EventKind::Deposit,
        reference: &reference,
        object_sha256: Some(&seda.sha256),
        detail: &detail,
    };
    journal::append(&mut tx, &entry, at).await?;
    tx.commit().await?;
    Ok(Deposited { transfer_id, identifier, new: true })
}

async fn existing(db: &Db, scope: OrgScope, source: &str) -> Result<Option<Deposited>, ArchiveError> {
    let row = scoped(scope, "SELECT id, identifier FROM archive_transfers WHERE organisation_id = $1 AND source = $2")
        .bind(source.to_string())
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => Some(Deposited { transfer_id: row.try_get(0)?, identifier: row.try_get(1)?, new: false }),
        None => None,
    })
}

/// A short stable name for a source: the first 12 hex digits of its SHA-256.
fn hex_of(source: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(source.as_bytes())[..6])
}
