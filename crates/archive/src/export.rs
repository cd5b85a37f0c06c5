//! The export of an organisation's archives (`communs archive export`): each transfer's SEDA 2.2
//! `ArchiveTransfer` (`{identifier}.xml`) and the objects it references, at the paths it gives
//! (`{identifier}/{file name}`), with the platform's reply beside it. Only the transfers still on the
//! platform are written; each export is journaled as a copy.

use crate::ArchiveError;
use crate::journal::{self, EventKind, NewEntry};
use sqlx::Row;
use std::path::Path;
use store::blobs::BlobStore;
use store::tenant::scoped;
use store::{Db, OrgScope, clock};

/// What was written: the number of transfers and of objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub transfers: usize,
    pub objects: usize,
}

/// The path of an object in an export, relative to the transfer's XML file (its SEDA `Uri`).
pub fn object_path(identifier: &str, file_name: &str) -> String {
    let safe: String = file_name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    format!("{identifier}/{safe}")
}

/// Exports the organisation's archives into `out` for `by`, and journals the copy.
pub async fn write(db: &Db, blobs: &BlobStore, scope: OrgScope, out: &Path, by: &str) -> Result<Exported, ArchiveError> {
    let exported = write_packages(db, blobs, scope, out).await?;
    let reference = format!("export:{}", out.display());
    let detail = format!("Copie de {} versement(s) et {} objet(s) par {by}", exported.transfers, exported.objects);
    let entry = NewEntry {
        organisation_id: Some(scope.organisation_id()),
        kind: EventKind::Copy,
        reference: &reference,
        object_sha256: None,
        detail: &detail,
    };
    let mut tx = db.begin().await?;
    journal::append(&mut tx, &entry, clock::now_millis()).await?;
    tx.commit().await?;
    Ok(exported)
}

/// Writes the SEDA packages of the transfers still on the platform into `out`.
pub(crate) async fn write_packages(db: &Db, blobs: &BlobStore, scope: OrgScope, out: &Path) -> Result<Exported, ArchiveError> {
    let io = |e: std::io::Error| ArchiveError::Invalid(format!("écriture dans {} : {e}", out.display()));
    std::fs::create_dir_all(out).map_err(io)?;
    let transfers =
        scoped(scope, "SELECT id, identifier, seda_sha256, reply_sha256 FROM archive_transfers WHERE organisation_id = $1 AND disposal IS NULL ORDER BY id")
            .fetch_all(db.pool())
            .await?;
    let mut objects = 0;
    for transfer in &transfers {
        let (id, identifier): (i64, String) = (transfer.try_get(0)?, transfer.try_get(1)?);
        std::fs::write(out.join(format!("{identifier}.xml")), blobs.get(&transfer.try_get::<String, _>(2)?).await?).map_err(io)?;
        if let Some(reply) = transfer.try_get::<Option<String>, _>(3)? {
            std::fs::write(out.join(format!("{identifier}_reponse.xml")), blobs.get(&reply).await?).map_err(io)?;
        }
        std::fs::create_dir_all(out.join(&identifier)).map_err(io)?;
        let rows =
            scoped(scope, "SELECT sha256, file_name FROM archive_objects WHERE organisation_id = $1 AND transfer_id = $2 ORDER BY id")
                .bind(id)
                .fetch_all(db.pool())
                .await?;
        for row in rows {
            let (sha256, file_name): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            std::fs::write(out.join(object_path(&identifier, &file_name)), blobs.get(&sha256).await?).map_err(io)?;
            objects += 1;
        }
    }
    Ok(Exported { transfers: transfers.len(), objects })
}
