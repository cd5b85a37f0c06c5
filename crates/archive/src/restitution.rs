//! Restitution (convention, annexe 4 § XI): when an organisation leaves the service, its archives are
//! handed back — every transfer still on the platform as its SEDA 2.2 package, with the extract of the
//! journal that proves their integrity — and then, on its instruction, the platform's copies are
//! destroyed with a certificate.
//!
//! The extract (`journal.json`) holds the whole chain: the organisation's entries and the checkpoints in
//! full, the other organisations' entries reduced to their content digest, so that the chain can be
//! recomputed to its timestamped checkpoints (`horodatages/{seq}.tsr`, checked with `ca.pem`) without
//! disclosing anything of theirs.

use crate::access::{self, Search};
use crate::certificate::Certificate;
use crate::disposal;
use crate::journal::{self, EventKind, NewEntry};
use crate::retention::french_date;
use crate::{ArchiveError, export, holds, sources};
use serde_json::json;
use sqlx::Row;
use std::path::Path;
use store::blobs::BlobStore;
use store::tenant::scoped;
use store::{Db, OrgScope, clock};
use time::OffsetDateTime;

/// A restitution as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restitution {
    pub id: i64,
    pub exported_by: String,
    /// In Paris time.
    pub exported_at: String,
    pub transfers: i64,
    pub objects: i64,
    pub manifest_sha256: String,
    /// Who destroyed the copies, when (Paris time), on which instruction.
    pub destroyed: Option<(String, String, String)>,
}

/// Writes the restitution package of the organisation into `out` and records it; returns it.
pub async fn export(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    out: &Path,
    by: &str,
    now: OffsetDateTime,
) -> Result<Restitution, ArchiveError> {
    let io = |e: std::io::Error| ArchiveError::Invalid(format!("écriture dans {} : {e}", out.display()));
    let exported = export::write_packages(db, blobs, scope, out).await?;
    if exported.transfers == 0 {
        return Err(ArchiveError::Invalid("aucune archive de cette organisation n'est sur la plateforme : rien à restituer".into()));
    }
    let organisation = sources::transferring(db, scope).await?;
    let entries = journal::entries(db).await?;
    std::fs::create_dir_all(out.join("horodatages")).map_err(io)?;
    let mut extract = Vec::new();
    for entry in &entries {
        let own = entry.organisation_id == Some(scope.organisation_id());
        let checkpoint = entry.kind == EventKind::Checkpoint.code();
        if checkpoint && let Some(token) = &entry.object_sha256 {
            std::fs::write(out.join(format!("horodatages/{}.tsr", entry.seq)), blobs.get(token).await?).map_err(io)?;
        }
        extract.push(if own || checkpoint {
            json!({
                "seq": entry.seq, "at": entry.at, "organisation_id": entry.organisation_id, "kind": entry.kind,
                "reference": entry.reference, "object_sha256": entry.object_sha256, "detail": entry.detail,
                "content_sha256": entry.content_digest(), "previous_hash": entry.previous_hash, "hash": entry.hash,
            })
        } else {
            json!({ "seq": entry.seq, "content_sha256": entry.content_digest(), "previous_hash": entry.previous_hash, "hash": entry.hash })
        });
    }
    let journal_json = serde_json::to_vec_pretty(&json!({
        "organisation": { "id": scope.organisation_id(), "name": organisation.name, "identifier": organisation.identifier },
        "verification": journal::VERIFICATION,
        "checkpoints": "each checkpoint entry's token (horodatages/{seq}.tsr) is an RFC 3161 timestamp of SHA-256 of the hash of the entry its reference names (ancre:{seq}); ca.pem holds the authority's certificates",
        "entries": extract,
    }))
    .map_err(|e| ArchiveError::Invalid(e.to_string()))?;
    std::fs::write(out.join("journal.json"), &journal_json).map_err(io)?;
    let chain = acts::keys::chain_pem(db, scope).await.map_err(|e| ArchiveError::Invalid(e.to_string()))?;
    std::fs::write(out.join("ca.pem"), chain).map_err(io)?;
    let manifest = serde_json::to_vec_pretty(&json!({
        "organisation": organisation.name,
        "identifier": organisation.identifier,
        "exported_at": clock::rfc3339(clock::millis_of(now)),
        "transfers": exported.transfers,
        "objects": exported.objects,
        "journal_sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&journal_json)),
        "journal_head": entries.last().map(|e| json!({ "seq": e.seq, "hash": e.hash })),
    }))
    .map_err(|e| ArchiveError::Invalid(e.to_string()))?;
    std::fs::write(out.join("restitution.json"), &manifest).map_err(io)?;
    let manifest = blobs.put(manifest).await?;
    let at = clock::millis_of(now);
    let mut tx = db.begin().await?;
    let id: i64 = scoped(
        scope,
        "INSERT INTO archive_restitutions (organisation_id, exported_by, exported_at, transfers, objects, manifest_sha256) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(by.to_string())
    .bind(at)
    .bind(i64::try_from(exported.transfers).unwrap_or(i64::MAX))
    .bind(i64::try_from(exported.objects).unwrap_or(i64::MAX))
    .bind(manifest.sha256.clone())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let reference = format!("restitution:{id}");
    let detail =
        format!("Restitution à {} : {} versement(s), {} objet(s), par {by}", organisation.name, exported.transfers, exported.objects);
    let entry = NewEntry {
        organisation_id: Some(scope.organisation_id()),
        kind: EventKind::Restitution,
        reference: &reference,
        object_sha256: Some(&manifest.sha256),
        detail: &detail,
    };
    journal::append(&mut tx, &entry, at).await?;
    tx.commit().await?;
    restitution(db, scope, id).await
}

/// The organisation's restitutions, newest first.
pub async fn list(db: &Db, scope: OrgScope) -> Result<Vec<Restitution>, ArchiveError> {
    let rows = scoped(
        scope,
        "SELECT id, exported_by, exported_at, transfers, objects, manifest_sha256, destroyed_by, destroyed_at, instruction \
         FROM archive_restitutions WHERE organisation_id = $1 ORDER BY id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let destroyed_by: Option<String> = row.try_get(6)?;
            let destroyed_at: Option<i64> = row.try_get(7)?;
            let instruction: Option<String> = row.try_get(8)?;
            Ok(Restitution {
                id: row.try_get(0)?,
                exported_by: row.try_get(1)?,
                exported_at: clock::format_paris(row.try_get(2)?),
                transfers: row.try_get(3)?,
                objects: row.try_get(4)?,
                manifest_sha256: row.try_get(5)?,
                destroyed: destroyed_by.zip(destroyed_at).map(|(by, at)| (by, clock::format_paris(at), instruction.unwrap_or_default())),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

async fn restitution(db: &Db, scope: OrgScope, id: i64) -> Result<Restitution, ArchiveError> {
    list(db, scope).await?.into_iter().find(|r| r.id == id).ok_or_else(|| ArchiveError::NotFound(format!("restitution {id} introuvable")))
}

/// Destroys the platform's copies of the archives handed back by restitution `id`, on the organisation's
/// `instruction`; returns the certificate (PDF). Refused, changing nothing, while a legal hold lasts,
/// when the copies are already destroyed, or when a transfer arrived after the package was made.
pub async fn destroy(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    id: i64,
    instruction: &str,
    by: &str,
    now: OffsetDateTime,
) -> Result<Vec<u8>, ArchiveError> {
    let instruction = instruction.trim();
    if instruction.is_empty() {
        return Err(ArchiveError::Invalid(
            "indiquez l'instruction de l'organisation (courrier, délibération…) qui demande la destruction".into(),
        ));
    }
    let restitution = restitution(db, scope, id).await?;
    if restitution.destroyed.is_some() {
        return Err(ArchiveError::Invalid(format!("les copies de la restitution {id} sont déjà détruites")));
    }
    let exported_at: i64 = scoped(scope, "SELECT exported_at FROM archive_restitutions WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    let live: Vec<_> = access::transfers(db, scope, &Search::default()).await?.into_iter().filter(|t| t.disposal.is_none()).collect();
    let created_after = scoped(
        scope,
        "SELECT identifier FROM archive_transfers WHERE organisation_id = $1 AND disposal IS NULL AND created_at > $2 ORDER BY id",
    )
    .bind(exported_at)
    .fetch_all(db.pool())
    .await?;
    if let Some(row) = created_after.first() {
        return Err(ArchiveError::Invalid(format!(
            "le versement {} est arrivé après la restitution {id} : faites une nouvelle restitution avant de détruire",
            row.try_get::<String, _>(0)?
        )));
    }
    let held = holds::list(db, scope).await?.into_iter().find(|h| h.is_active());
    if let Some(hold) = held {
        return Err(ArchiveError::Invalid(format!(
            "un gel est en cours (« {} ») : destruction impossible tant qu'il n'est pas levé",
            hold.reason
        )));
    }
    let transfer_ids: Vec<i64> = live.iter().map(|t| t.id).collect();
    let objects = disposal::objects_of(db, scope, &transfer_ids).await?;
    let organisation = sources::transferring(db, scope).await?;
    let today = clock::paris_date(now);
    let certificate = Certificate {
        title: "Certificat de destruction des copies après restitution",
        number: format!("REST-{}-{id}", scope.organisation_id()),
        date: french_date(today),
        organisation: &organisation.name,
        organisation_identifier: &organisation.identifier,
        decision_label: "Instruction",
        decision: format!(
            "{instruction} ; archives restituées le {} ({} versement(s), manifeste {}) ; destruction exécutée par {by}",
            restitution.exported_at, restitution.transfers, restitution.manifest_sha256
        ),
        basis: "Convention de services numériques mutualisés, annexe 4 § XI (réversibilité et restitution des données)",
        transfers: &live,
        objects: &objects,
    };
    let pdf = certificate.pdf().await?;
    let stored = blobs.put(pdf.clone()).await?;
    let packages = scoped(scope, "SELECT seda_sha256, reply_sha256 FROM archive_transfers WHERE organisation_id = $1 AND disposal IS NULL")
        .fetch_all(db.pool())
        .await?;
    let at = clock::millis_of(now);
    let mut tx = db.begin().await?;
    let done = scoped(
        scope,
        "UPDATE archive_restitutions SET destroyed_by = $3, destroyed_at = $4, instruction = $5, certificate_sha256 = $6 \
         WHERE organisation_id = $1 AND id = $2 AND destroyed_at IS NULL",
    )
    .bind(id)
    .bind(by.to_string())
    .bind(at)
    .bind(instruction.to_string())
    .bind(stored.sha256.clone())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ArchiveError::Invalid(format!("les copies de la restitution {id} viennent d'être détruites")));
    }
    let disposal_name = format!("restitution:{id}");
    disposal::remove(&mut tx, scope, &transfer_ids, &objects, EventKind::Restitution, &disposal_name, at).await?;
    // Proposals still awaiting an archivist have nothing left to decide on.
    scoped(
        scope,
        "UPDATE archive_eliminations SET state = 'refused', decided_by = $2, decided_at = $3, \
         decision_note = 'sans objet : copies détruites après restitution' WHERE organisation_id = $1 AND state = 'proposed'",
    )
    .bind(by.to_string())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let detail = format!("Certificat de destruction des copies après restitution : {instruction}");
    let entry = NewEntry {
        organisation_id: Some(scope.organisation_id()),
        kind: EventKind::Restitution,
        reference: &disposal_name,
        object_sha256: Some(&stored.sha256),
        detail: &detail,
    };
    journal::append(&mut tx, &entry, at).await?;
    tx.commit().await?;
    let mut digests: Vec<String> = objects.into_iter().map(|o| o.sha256).collect();
    for row in packages {
        digests.push(row.try_get(0)?);
        digests.extend(row.try_get::<Option<String>, _>(1)?);
    }
    disposal::purge(db, blobs, digests).await?;
    Ok(pdf)
}

/// The certificate of destruction of a restitution whose copies were destroyed.
pub async fn certificate(db: &Db, blobs: &BlobStore, scope: OrgScope, id: i64) -> Result<Vec<u8>, ArchiveError> {
    let row = scoped(scope, "SELECT certificate_sha256 FROM archive_restitutions WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| ArchiveError::NotFound(format!("restitution {id} introuvable")))?;
    let digest: Option<String> = row.try_get(0)?;
    Ok(blobs
        .get(&digest.ok_or_else(|| ArchiveError::NotFound(format!("les copies de la restitution {id} ne sont pas détruites")))?)
        .await?)
}
