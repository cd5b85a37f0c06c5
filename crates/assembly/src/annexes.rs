//! Annexes of the projects on the agenda (conventions, plans, budgets…): documents the convocation
//! carries with the projects (CGCT L2121-12), stored content-addressed in the platform's blob store and
//! read by the members in their browser. PDF, PNG and JPEG are accepted (the formats @ctes transmits).

use crate::AssemblyError;
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde_json::json;
use sqlx::Row;
use store::blobs::BlobStore;
use store::tenant::scoped;
use store::{Db, OrgScope, audit, clock};

/// Largest annex accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// An annex of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annex {
    pub id: i64,
    pub item_id: i64,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
}

impl Annex {
    /// `1,2 Mo`, `830 ko`.
    pub fn size_label(&self) -> String {
        if self.size >= 1_000_000 {
            format!("{},{} Mo", self.size / 1_000_000, (self.size % 1_000_000) / 100_000)
        } else {
            format!("{} ko", (self.size + 999) / 1000)
        }
    }
}

/// The type of a document from its first bytes: only PDF, PNG and JPEG are annexes.
pub fn content_type_of(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// A file name safe to show and to send back in a header: no path, no control or quote characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').collect::<String>().trim().chars().take(200).collect();
    if cleaned.is_empty() { "annexe".into() } else { cleaned }
}

/// A file sent by a form.
pub struct Upload {
    pub filename: String,
    pub content: Vec<u8>,
}

/// Adds an annex to the project of rank `rank` of a sitting, before the sitting's first vote.
pub async fn add(
    db: &Db,
    blobs: &BlobStore,
    actor: Actor<'_>,
    scope: OrgScope,
    (sitting_id, rank): (i64, i64),
    upload: Upload,
) -> Result<Annex, AssemblyError> {
    let Upload { filename, content } = upload;
    let record =
        crate::service::sitting(db, scope, sitting_id).await?.ok_or_else(|| AssemblyError::NotFound(format!("séance {sitting_id}")))?;
    let item = record.items.iter().find(|i| i.rank == rank).ok_or_else(|| AssemblyError::NotFound(format!("projet {rank}")))?;
    if record.voting_started() {
        return Err(AssemblyError::Conflict("la séance a commencé à voter : les projets et leurs annexes sont arrêtés".into()));
    }
    if content.is_empty() {
        return Err(AssemblyError::Invalid("choisissez le fichier de l'annexe".into()));
    }
    if content.len() > MAX_BYTES {
        return Err(AssemblyError::Invalid(format!("une annexe pèse {} Mo au plus", MAX_BYTES / (1024 * 1024))));
    }
    let content_type =
        content_type_of(&content).ok_or_else(|| AssemblyError::Invalid("une annexe est un document PDF, PNG ou JPEG".into()))?;
    let filename = clean_name(&filename);
    let stored = blobs.put(content).await.map_err(|e| AssemblyError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    let id: i64 = scoped(
        scope,
        "INSERT INTO assembly_annexes (organisation_id, item_id, filename, content_type, sha256, size, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(item.id)
    .bind(filename.clone())
    .bind(content_type.to_string())
    .bind(stored.sha256.clone())
    .bind(stored.size as i64)
    .bind(clock::now_millis())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let target = format!("seance:{sitting_id}:projet:{rank}:annexe:{id}");
    let entry = actor.entry(
        Some(scope.organisation_id()),
        AuditAction::AssemblyPrepared,
        &target,
        json!({ "filename": filename, "sha256": stored.sha256 }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(Annex { id, item_id: item.id, filename, content_type: content_type.to_string(), sha256: stored.sha256, size: stored.size as i64 })
}

/// The annexes of a sitting's projects, in the order they were added.
pub async fn of_sitting(db: &Db, scope: OrgScope, sitting_id: i64) -> Result<Vec<Annex>, AssemblyError> {
    let rows = scoped(
        scope,
        "SELECT a.id, a.item_id, a.filename, a.content_type, a.sha256, a.size FROM assembly_annexes a \
         JOIN assembly_items i ON i.id = a.item_id WHERE a.organisation_id = $1 AND i.sitting_id = $2 ORDER BY a.id",
    )
    .bind(sitting_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Annex {
                id: r.try_get(0)?,
                item_id: r.try_get(1)?,
                filename: r.try_get(2)?,
                content_type: r.try_get(3)?,
                sha256: r.try_get(4)?,
                size: r.try_get(5)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AssemblyError::from)
}

/// The content of an annex of the sitting, to show in the browser.
pub async fn content(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    sitting_id: i64,
    annex_id: i64,
) -> Result<(Annex, Vec<u8>), AssemblyError> {
    let annex = of_sitting(db, scope, sitting_id)
        .await?
        .into_iter()
        .find(|a| a.id == annex_id)
        .ok_or_else(|| AssemblyError::NotFound(format!("annexe {annex_id}")))?;
    let bytes = blobs.get(&annex.sha256).await.map_err(|e| AssemblyError::Invalid(e.to_string()))?;
    Ok((annex, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_types_and_names() {
        assert_eq!(content_type_of(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(content_type_of(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(content_type_of(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(content_type_of(b"PK\x03\x04 a zip"), None);
        assert_eq!(clean_name("C:\\Users\\x\\Plan \"final\".pdf"), "Plan final.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("   "), "annexe");
    }
}
