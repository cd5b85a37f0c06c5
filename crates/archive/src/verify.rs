//! The integrity check of the whole archive (`communs archive verify`): every object re-hashed from the
//! blob store (several at a time, each streamed), the journal's chain recomputed, and the database rows
//! matched against the journal entries that recorded them, and each checkpoint's timestamp token checked
//! against the entry it sealed. Each fault is named in French.

use crate::journal::{self, Entry};
use futures::StreamExt;
use sqlx::Row;
use std::collections::HashMap;
use store::Db;
use store::blobs::{BlobError, BlobStore};

/// How many objects are hashed at once.
const PARALLEL_HASHES: usize = 4;

/// What the check saw and found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub objects: usize,
    pub bytes: u64,
    pub entries: usize,
    pub faults: Vec<String>,
}

impl Report {
    pub fn is_intact(&self) -> bool {
        self.faults.is_empty()
    }
}

/// An archived object as its row gives it.
struct ObjectRow {
    id: i64,
    sha256: String,
    file_name: String,
}

/// Checks everything; only a failure to read the database is an error, every other problem is a fault.
pub async fn verify(db: &Db, blobs: &BlobStore) -> Result<Report, crate::ArchiveError> {
    let entries = journal::entries(db).await?;
    let mut faults = journal::chain_faults(&entries);
    faults.extend(journal::head_faults(&entries, &journal::head(db).await?));
    let root = acts::keys::timestamp_root(db).await.map_err(|e| crate::ArchiveError::Invalid(e.to_string()))?;
    faults.extend(crate::checkpoint::faults(&entries, blobs, root.as_deref()).await);
    let rows = sqlx::query("SELECT id, sha256, file_name FROM archive_objects ORDER BY id").fetch_all(db.pool()).await?;
    let objects: Vec<ObjectRow> = rows
        .iter()
        .map(|r| Ok(ObjectRow { id: r.try_get(0)?, sha256: r.try_get(1)?, file_name: r.try_get(2)? }))
        .collect::<Result<_, sqlx::Error>>()?;
    faults.extend(rows_against_journal(&objects, &entries));
    faults.extend(leftovers(&objects, &entries, blobs).await);
    let checks = futures::stream::iter(objects.iter().map(|object| async move { (object, blobs.verify(&object.sha256).await) }))
        .buffered(PARALLEL_HASHES)
        .collect::<Vec<_>>()
        .await;
    let mut bytes = 0;
    for (object, result) in checks {
        match result {
            Ok(blob) => bytes += blob.size,
            Err(BlobError::NotFound(_)) => {
                faults.push(format!("objet {} ({}) : fichier absent du stockage ({})", object.id, object.file_name, object.sha256))
            }
            Err(BlobError::Corrupted { actual, .. }) => faults.push(format!(
                "objet {} ({}) : fichier altéré (empreinte attendue {}, trouvée {actual})",
                object.id, object.file_name, object.sha256
            )),
            Err(other) => faults.push(format!("objet {} ({}) : lecture impossible : {other}", object.id, object.file_name)),
        }
    }
    Ok(Report { objects: objects.len(), bytes, entries: entries.len(), faults })
}

/// Each object row must have been recorded by a deposit entry (`objet:{id}`) of the same digest, and each
/// deposited object not eliminated since must still have its row.
fn rows_against_journal(objects: &[ObjectRow], entries: &[Entry]) -> Vec<String> {
    let mut deposited: HashMap<&str, &Entry> = HashMap::new();
    for entry in entries {
        match entry.kind.as_str() {
            "deposit" if entry.reference.starts_with("objet:") => {
                deposited.insert(entry.reference.as_str(), entry);
            }
            "elimination" | "restitution" => {
                deposited.remove(entry.reference.as_str());
            }
            _ => {}
        }
    }
    let mut faults = Vec::new();
    for object in objects {
        let reference = format!("objet:{}", object.id);
        match deposited.remove(reference.as_str()) {
            None => faults.push(format!("objet {} ({}) : absent du journal (ligne ajoutée hors versement)", object.id, object.file_name)),
            Some(entry) if entry.object_sha256.as_deref() != Some(object.sha256.as_str()) => faults.push(format!(
                "objet {} ({}) : empreinte en base {} différente de celle du journal (entrée {}) : ligne modifiée",
                object.id, object.file_name, object.sha256, entry.seq
            )),
            Some(_) => {}
        }
    }
    let mut missing: Vec<&&Entry> = deposited.values().collect();
    missing.sort_by_key(|e| e.seq);
    for entry in missing {
        faults.push(format!(
            "{} : versé (entrée {} du journal) mais absent de la base : ligne supprimée",
            entry.reference.replace(':', " "),
            entry.seq
        ));
    }
    faults
}

/// The contents of objects removed from the platform (elimination, restitution) must be gone from the
/// store, unless another archived object still has the same content.
async fn leftovers(objects: &[ObjectRow], entries: &[Entry], blobs: &BlobStore) -> Vec<String> {
    let live: std::collections::HashSet<&str> = objects.iter().map(|o| o.sha256.as_str()).collect();
    let mut faults = Vec::new();
    let removed = entries.iter().filter(|e| matches!(e.kind.as_str(), "elimination" | "restitution") && e.reference.starts_with("objet:"));
    for entry in removed {
        let Some(digest) = entry.object_sha256.as_deref().filter(|d| !live.contains(d)) else { continue };
        match blobs.exists(digest).await {
            Ok(false) => {}
            Ok(true) => faults.push(format!(
                "{} : retiré de la plateforme (entrée {} du journal) mais son contenu est encore dans le stockage ({digest})",
                entry.reference.replace(':', " "),
                entry.seq
            )),
            Err(e) => faults.push(format!("{} : stockage illisible ({e})", entry.reference.replace(':', " "))),
        }
    }
    faults
}
