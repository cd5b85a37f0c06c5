//! Checkpoints (*scellements*) of the journal: at intervals the head of the chain — the hash of its last
//! entry — is timestamped by the platform's RFC 3161 authority, and the token recorded as a journal entry
//! (`ancre:{seq}`, the token kept in the blob store). Rewriting the chain before a checkpoint, even with
//! every hash recomputed, no longer matches the token.

use crate::ArchiveError;
use crate::journal::{self, Entry, EventKind, NewEntry};
use sha2::{Digest, Sha256};
use signing::KeyVault;
use store::blobs::BlobStore;
use store::{Db, clock};
use time::OffsetDateTime;

/// The job that takes a checkpoint (scheduled by the binary).
pub const CHECKPOINT_JOB: &str = "archive.checkpoint";

/// Timestamps the head of the journal when entries were added since the last checkpoint; returns the
/// checkpoint's entry, or `None` when there was nothing new.
pub async fn take(db: &Db, blobs: &BlobStore, vault: &KeyVault, now: OffsetDateTime) -> Result<Option<Entry>, ArchiveError> {
    let entries = journal::entries(db).await?;
    let Some(head) = entries.last() else { return Ok(None) };
    if head.kind == EventKind::Checkpoint.code() {
        return Ok(None);
    }
    let mut tx = db.begin().await?;
    let authority = acts::keys::timestamp_authority(&mut tx, vault, now).await.map_err(|e| ArchiveError::Invalid(e.to_string()))?;
    let imprint: [u8; 32] = Sha256::digest(head.hash.as_bytes()).into();
    let token = authority.stamp(&imprint, None, now).map_err(|e| ArchiveError::Invalid(e.to_string()))?;
    let stored = blobs.put(token).await?;
    let reference = format!("ancre:{}", head.seq);
    let detail = format!("Horodatage de la tête du journal (entrée {}) : {}", head.seq, head.hash);
    let entry = NewEntry {
        organisation_id: None,
        kind: EventKind::Checkpoint,
        reference: &reference,
        object_sha256: Some(&stored.sha256),
        detail: &detail,
    };
    let written = journal::append(&mut tx, &entry, clock::millis_of(now)).await?;
    tx.commit().await?;
    Ok(Some(written))
}

/// The faults of the checkpoints of `entries`: each token must be readable, signed by the platform's
/// authority (`root`), and cover the hash of the entry it names.
pub async fn faults(entries: &[Entry], blobs: &BlobStore, root: Option<&[u8]>) -> Vec<String> {
    let mut faults = Vec::new();
    for checkpoint in entries.iter().filter(|e| e.kind == EventKind::Checkpoint.code()) {
        let name = format!("journal : scellement {} ({})", checkpoint.seq, checkpoint.reference);
        let anchored = checkpoint.reference.strip_prefix("ancre:").and_then(|n| n.parse::<i64>().ok());
        let Some(anchored) = anchored.and_then(|seq| entries.iter().find(|e| e.seq == seq)) else {
            faults.push(format!("{name} : l'entrée scellée est absente"));
            continue;
        };
        let Some(token_sha) = &checkpoint.object_sha256 else {
            faults.push(format!("{name} : jeton d'horodatage absent"));
            continue;
        };
        let token = match blobs.get(token_sha).await {
            Ok(token) => token,
            Err(e) => {
                faults.push(format!("{name} : jeton d'horodatage illisible ({e})"));
                continue;
            }
        };
        let anchors: Vec<Vec<u8>> = root.map(|r| vec![r.to_vec()]).unwrap_or_default();
        if let Err(reason) = signing::validation::check_timestamp(&token, anchored.hash.as_bytes(), &anchors) {
            faults.push(format!("{name} : l'horodatage ne correspond plus à l'entrée {} ({reason})", anchored.seq));
        }
    }
    faults
}
