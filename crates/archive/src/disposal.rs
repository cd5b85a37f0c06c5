//! Objects leaving the platform, by elimination or after a restitution: their rows removed and each
//! removal journaled in the same transaction, the transfer marked with what disposed of it; then, once
//! that is committed, their bytes deleted from the blob store unless another archived object still has
//! the same content. `verify` reports bytes that should have been deleted and were not.

use crate::ArchiveError;
use crate::journal::{self, EventKind, NewEntry};
use sqlx::Row;
use store::blobs::BlobStore;
use store::tenant::scoped;
use store::{Db, OrgScope, Tx};

/// An object that leaves, as its certificate lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Leaving {
    pub id: i64,
    pub transfer: String,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
}

impl Leaving {
    /// The digest in groups of sixteen digits, so that a printed table can wrap it without cutting it.
    pub fn grouped_digest(&self) -> String {
        self.sha256.as_bytes().chunks(16).map(|chunk| String::from_utf8_lossy(chunk)).collect::<Vec<_>>().join(" ")
    }
}

/// The objects of the given transfers, in order.
pub async fn objects_of(db: &Db, scope: OrgScope, transfer_ids: &[i64]) -> Result<Vec<Leaving>, ArchiveError> {
    let rows = scoped(
        scope,
        "SELECT o.id, t.id, t.identifier, o.file_name, o.size, o.sha256 FROM archive_objects o \
         JOIN archive_transfers t ON t.id = o.transfer_id AND t.organisation_id = o.organisation_id \
         WHERE o.organisation_id = $1 ORDER BY t.id, o.id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut leaving = Vec::new();
    for row in rows {
        if transfer_ids.contains(&row.try_get::<i64, _>(1)?) {
            leaving.push(Leaving {
                id: row.try_get(0)?,
                transfer: row.try_get(2)?,
                file_name: row.try_get(3)?,
                size: row.try_get(4)?,
                sha256: row.try_get(5)?,
            });
        }
    }
    Ok(leaving)
}

/// Removes `objects` of the transfers `transfer_ids` in `tx`, journaling each removal as `kind` and
/// marking the transfers with `disposal` (`elimination:{id}`, `restitution:{id}`).
pub async fn remove(
    tx: &mut Tx,
    scope: OrgScope,
    transfer_ids: &[i64],
    objects: &[Leaving],
    kind: EventKind,
    disposal: &str,
    at: i64,
) -> Result<(), ArchiveError> {
    for object in objects {
        let deleted =
            scoped(scope, "DELETE FROM archive_objects WHERE organisation_id = $1 AND id = $2").bind(object.id).execute(&mut **tx).await?;
        if deleted.rows_affected() != 1 {
            return Err(ArchiveError::Invalid(format!("objet {} déjà retiré : opération annulée", object.id)));
        }
        let reference = format!("objet:{}", object.id);
        let detail = format!("{} ({}) retiré de la plateforme ({disposal})", object.file_name, object.transfer);
        let entry = NewEntry {
            organisation_id: Some(scope.organisation_id()),
            kind,
            reference: &reference,
            object_sha256: Some(&object.sha256),
            detail: &detail,
        };
        journal::append(tx, &entry, at).await?;
    }
    for transfer_id in transfer_ids {
        scoped(scope, "UPDATE archive_transfers SET disposal = $3, disposed_at = $4 WHERE organisation_id = $1 AND id = $2")
            .bind(*transfer_id)
            .bind(disposal.to_string())
            .bind(at)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Deletes from the blob store the contents no archived object has any more.
pub async fn purge(db: &Db, blobs: &BlobStore, digests: impl IntoIterator<Item = String>) -> Result<(), ArchiveError> {
    for digest in digests {
        if !still_archived(db, &digest).await? {
            blobs.delete(&digest).await?;
        }
    }
    Ok(())
}

/// Whether an object of any organisation still has this content (the store is shared and
/// content-addressed: two organisations may have archived the same bytes).
pub async fn still_archived(db: &Db, digest: &str) -> Result<bool, ArchiveError> {
    let row = sqlx::query("SELECT COUNT(*) FROM archive_objects WHERE sha256 = $1").bind(digest.to_string()).fetch_one(db.pool()).await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}
