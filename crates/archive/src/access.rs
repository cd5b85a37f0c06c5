//! Access to an organisation's archives: the transfers found by text, category and year, one transfer's
//! objects, and the reading of an object — checked against its digest and recorded in the journal
//! (*consultation*) — with the proof of its deposit.

use crate::journal::{self, EventKind, NewEntry};
use crate::{ArchiveError, Category};
use sqlx::Row;
use store::blobs::BlobStore;
use store::tenant::scoped;
use store::{Db, OrgScope, clock};

/// `SELECT <every column of ObjectView> FROM archive_objects `, as a static string for `store::tenant`.
macro_rules! select_objects {
    () => {
        "SELECT id, transfer_id, file_name, title, media_type, size, sha256, deposited_at FROM archive_objects "
    };
}

/// A transfer as listed.
#[derive(Debug, Clone)]
pub struct TransferSummary {
    pub id: i64,
    pub identifier: String,
    pub category: Category,
    pub title: String,
    /// When it was archived, in Paris time.
    pub archived_at: String,
    pub year: i32,
    pub objects: i64,
    /// The date of its documents, from which its retention period runs.
    pub dated: time::Date,
    /// How its objects left the platform (`elimination:{id}`, `restitution:{id}`) and when (Paris time).
    pub disposal: Option<(String, String)>,
}

impl TransferSummary {
    /// Where it stands on `today` with respect to its final disposition.
    pub fn disposition(&self, today: time::Date, held: bool) -> crate::retention::Disposition {
        crate::retention::disposition(self.category, self.dated, today, held)
    }

    /// Its disposal in words: « éliminé le … », « restitué et détruit le … ».
    pub fn disposal_label(&self) -> Option<String> {
        self.disposal.as_ref().map(|(disposal, at)| {
            if disposal.starts_with("elimination:") {
                format!("éliminé le {at}")
            } else {
                format!("restitué, copies détruites le {at}")
            }
        })
    }
}

/// What to look for; everything when empty.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Search {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub year: String,
}

/// An archived object.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ObjectView {
    pub id: i64,
    pub transfer_id: i64,
    pub file_name: String,
    pub title: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub deposited_at: String,
}

/// The transfers matching `search`, newest first.
pub async fn transfers(db: &Db, scope: OrgScope, search: &Search) -> Result<Vec<TransferSummary>, ArchiveError> {
    let rows = scoped(
        scope,
        "SELECT t.id, t.identifier, t.category, t.title, t.created_at, COUNT(o.id), t.dated, t.disposal, t.disposed_at \
         FROM archive_transfers t LEFT JOIN archive_objects o ON o.transfer_id = t.id AND o.organisation_id = t.organisation_id \
         WHERE t.organisation_id = $1 GROUP BY t.id, t.identifier, t.category, t.title, t.created_at, t.dated, t.disposal, t.disposed_at \
         ORDER BY t.created_at DESC, t.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let words: Vec<String> = kernel::slug::fold_accents(&search.q).to_lowercase().split_whitespace().map(str::to_string).collect();
    let mut found = Vec::new();
    for row in rows {
        let summary = summary_of(&row)?;
        let haystack = kernel::slug::fold_accents(&format!("{} {}", summary.title, summary.identifier)).to_lowercase();
        let matches = words.iter().all(|w| haystack.contains(w.as_str()))
            && (search.category.is_empty() || summary.category.code() == search.category)
            && (search.year.is_empty() || summary.year.to_string() == search.year);
        if matches {
            found.push(summary);
        }
    }
    Ok(found)
}

fn summary_of(row: &sqlx::any::AnyRow) -> Result<TransferSummary, ArchiveError> {
    let category: String = row.try_get(2)?;
    let created_at: i64 = row.try_get(4)?;
    let dated: String = row.try_get(6)?;
    let disposal: Option<String> = row.try_get(7)?;
    let disposed_at: Option<i64> = row.try_get(8)?;
    Ok(TransferSummary {
        id: row.try_get(0)?,
        identifier: row.try_get(1)?,
        category: Category::parse(&category).ok_or_else(|| ArchiveError::Invalid(format!("catégorie inconnue : {category}")))?,
        title: row.try_get(3)?,
        archived_at: clock::format_paris(created_at),
        year: time::OffsetDateTime::from_unix_timestamp(created_at / 1000).map_or(1970, |t| t.year()),
        objects: row.try_get(5)?,
        dated: time::Date::parse(&dated, time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| ArchiveError::Invalid(format!("date de versement illisible : {dated}")))?,
        disposal: disposal.zip(disposed_at.map(clock::format_paris)),
    })
}

/// One transfer with its objects.
pub async fn transfer(db: &Db, scope: OrgScope, id: i64) -> Result<(TransferSummary, Vec<ObjectView>), ArchiveError> {
    let all = transfers(db, scope, &Search::default()).await?;
    let summary = all.into_iter().find(|t| t.id == id).ok_or_else(|| ArchiveError::NotFound(format!("versement {id} introuvable")))?;
    let rows = scoped(scope, concat!(select_objects!(), "WHERE organisation_id = $1 AND transfer_id = $2 ORDER BY id"))
        .bind(id)
        .fetch_all(db.pool())
        .await?;
    let objects = rows.iter().map(object_of).collect::<Result<_, _>>()?;
    Ok((summary, objects))
}

fn object_of(row: &sqlx::any::AnyRow) -> Result<ObjectView, ArchiveError> {
    Ok(ObjectView {
        id: row.try_get(0)?,
        transfer_id: row.try_get(1)?,
        file_name: row.try_get(2)?,
        title: row.try_get(3)?,
        media_type: row.try_get(4)?,
        size: row.try_get(5)?,
        sha256: row.try_get(6)?,
        deposited_at: clock::format_paris(row.try_get(7)?),
    })
}

async fn object(db: &Db, scope: OrgScope, id: i64) -> Result<ObjectView, ArchiveError> {
    let row = scoped(scope, concat!(select_objects!(), "WHERE organisation_id = $1 AND id = $2"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| ArchiveError::NotFound(format!("objet {id} introuvable")))?;
    object_of(&row)
}

/// Reads an object for `reader`: its bytes, checked against the digest, and the consultation journaled.
pub async fn read_object(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    id: i64,
    reader: &str,
) -> Result<(ObjectView, Vec<u8>), ArchiveError> {
    let object = object(db, scope, id).await?;
    let bytes = blobs.get(&object.sha256).await?;
    let reference = format!("objet:{id}");
    let detail = format!("Consultation de {} par {reader}", object.file_name);
    let entry = NewEntry {
        organisation_id: Some(scope.organisation_id()),
        kind: EventKind::Access,
        reference: &reference,
        object_sha256: Some(&object.sha256),
        detail: &detail,
    };
    let mut tx = db.begin().await?;
    journal::append(&mut tx, &entry, clock::now_millis()).await?;
    tx.commit().await?;
    Ok((object, bytes))
}

/// The proof of an object: its digest, the journal entry of its deposit, and — once a checkpoint sealed
/// it — the chain from that entry to the sealed head (each link as its content digest and hash) with the
/// checkpoint's RFC 3161 token and the certificates that check it.
pub async fn proof(db: &Db, blobs: &BlobStore, scope: OrgScope, id: i64) -> Result<serde_json::Value, ArchiveError> {
    use base64::Engine;
    let object = object(db, scope, id).await?;
    let reference = format!("objet:{id}");
    let entries = journal::entries(db).await?;
    let deposit = entries.iter().find(|e| e.kind == EventKind::Deposit.code() && e.reference == reference);
    let deposit = deposit.ok_or_else(|| ArchiveError::Invalid(format!("objet {id} : versement absent du journal")))?;
    let sealing = entries.iter().filter(|e| e.kind == EventKind::Checkpoint.code()).find_map(|checkpoint| {
        let anchored: i64 = checkpoint.reference.strip_prefix("ancre:")?.parse().ok()?;
        (anchored >= deposit.seq).then_some((checkpoint, anchored))
    });
    let seal = match sealing {
        Some((checkpoint, anchored)) => {
            let token = blobs.get(checkpoint.object_sha256.as_deref().unwrap_or_default()).await?;
            let chain: Vec<serde_json::Value> = entries
                .iter()
                .filter(|e| e.seq > deposit.seq && e.seq <= anchored)
                .map(|e| serde_json::json!({ "seq": e.seq, "content_sha256": e.content_digest(), "previous_hash": e.previous_hash, "hash": e.hash }))
                .collect();
            let certificates = acts::keys::chain_pem(db, scope).await.map_err(|e| ArchiveError::Invalid(e.to_string()))?;
            serde_json::json!({
                "checkpoint_seq": checkpoint.seq,
                "sealed_seq": anchored,
                "sealed_hash": entries.iter().find(|e| e.seq == anchored).map(|e| e.hash.clone()),
                "chain_from_deposit": chain,
                "timestamp_token_base64": base64::engine::general_purpose::STANDARD.encode(token),
                "timestamp_imprint": "SHA-256 of sealed_hash (its hexadecimal text)",
                "certificates_pem": certificates,
            })
        }
        None => serde_json::Value::Null,
    };
    Ok(serde_json::json!({
        "object": object,
        "digest_algorithm": "SHA-256",
        "journal_entry": {
            "seq": deposit.seq,
            "at": clock::rfc3339(deposit.at),
            "kind": deposit.kind,
            "reference": deposit.reference,
            "object_sha256": deposit.object_sha256,
            "detail": deposit.detail,
            "content_sha256": deposit.content_digest(),
            "previous_hash": deposit.previous_hash,
            "hash": deposit.hash,
        },
        "seal": seal,
        "seal_pending": seal.is_null().then_some("le prochain scellement du journal (toutes les dix minutes) couvrira ce dépôt"),
        "verification": crate::journal::VERIFICATION,
    }))
}

/// The SEDA 2.2 transfer of a transfer: its identifier and XML.
pub async fn seda(db: &Db, blobs: &BlobStore, scope: OrgScope, id: i64) -> Result<(String, Vec<u8>), ArchiveError> {
    let row = scoped(scope, "SELECT identifier, seda_sha256 FROM archive_transfers WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| ArchiveError::NotFound(format!("versement {id} introuvable")))?;
    Ok((row.try_get(0)?, blobs.get(&row.try_get::<String, _>(1)?).await?))
}
