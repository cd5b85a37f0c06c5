//! Legal holds (*gels*): while a dispute, an audit or an investigation needs them, transfers may not be
//! eliminated nor destroyed. A hold is placed with its reason and lifted with another; both stay on record.

use crate::ArchiveError;
use sqlx::Row;
use store::tenant::scoped;
use store::{Db, OrgScope, Tx, clock};

/// A hold as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub id: i64,
    pub transfer_id: i64,
    pub reason: String,
    pub placed_by: String,
    /// In Paris time.
    pub placed_at: String,
    /// Who lifted it, when (Paris time) and why; `None` while it lasts.
    pub lifted: Option<(String, String, String)>,
}

impl Hold {
    pub fn is_active(&self) -> bool {
        self.lifted.is_none()
    }
}

/// Every hold of the organisation, newest first.
pub async fn list(db: &Db, scope: OrgScope) -> Result<Vec<Hold>, ArchiveError> {
    let rows = scoped(
        scope,
        "SELECT id, transfer_id, reason, placed_by, placed_at, lifted_by, lifted_at, lift_reason FROM archive_holds \
         WHERE organisation_id = $1 ORDER BY placed_at DESC, id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let lifted_by: Option<String> = row.try_get(5)?;
            let lifted_at: Option<i64> = row.try_get(6)?;
            let lift_reason: Option<String> = row.try_get(7)?;
            Ok(Hold {
                id: row.try_get(0)?,
                transfer_id: row.try_get(1)?,
                reason: row.try_get(2)?,
                placed_by: row.try_get(3)?,
                placed_at: clock::format_paris(row.try_get(4)?),
                lifted: lifted_by.zip(lifted_at).map(|(by, at)| (by, clock::format_paris(at), lift_reason.unwrap_or_default())),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Whether a hold lasts on the transfer, read in `tx` so that a decision sees the holds of its moment.
pub async fn is_held(tx: &mut Tx, scope: OrgScope, transfer_id: i64) -> Result<bool, ArchiveError> {
    let row = scoped(scope, "SELECT COUNT(*) FROM archive_holds WHERE organisation_id = $1 AND transfer_id = $2 AND lifted_at IS NULL")
        .bind(transfer_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Places a hold on a transfer of the organisation that is still on the platform.
pub async fn place(db: &Db, scope: OrgScope, transfer_id: i64, reason: &str, by: &str) -> Result<i64, ArchiveError> {
    let reason = required_reason(reason)?;
    let mut tx = db.begin().await?;
    let transfer = scoped(scope, "SELECT disposal FROM archive_transfers WHERE organisation_id = $1 AND id = $2")
        .bind(transfer_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| ArchiveError::NotFound(format!("versement {transfer_id} introuvable")))?;
    if transfer.try_get::<Option<String>, _>(0)?.is_some() {
        return Err(ArchiveError::Invalid("ce versement a quitté la plateforme : il ne peut plus être gelé".into()));
    }
    if is_held(&mut tx, scope, transfer_id).await? {
        return Err(ArchiveError::Invalid("ce versement est déjà gelé".into()));
    }
    let id: i64 = scoped(
        scope,
        "INSERT INTO archive_holds (organisation_id, transfer_id, reason, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(transfer_id)
    .bind(reason)
    .bind(by.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    tx.commit().await?;
    Ok(id)
}

/// Lifts a hold that lasts.
pub async fn lift(db: &Db, scope: OrgScope, hold_id: i64, reason: &str, by: &str) -> Result<(), ArchiveError> {
    let reason = required_reason(reason)?;
    let done = scoped(
        scope,
        "UPDATE archive_holds SET lifted_by = $3, lifted_at = $4, lift_reason = $5 WHERE organisation_id = $1 AND id = $2 AND lifted_at IS NULL",
    )
    .bind(hold_id)
    .bind(by.to_string())
    .bind(clock::now_millis())
    .bind(reason)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(ArchiveError::NotFound(format!("aucun gel en cours n° {hold_id}")));
    }
    Ok(())
}

fn required_reason(reason: &str) -> Result<String, ArchiveError> {
    let reason = reason.trim();
    match reason.chars().count() {
        0 => Err(ArchiveError::Invalid("indiquez le motif".into())),
        n if n > 500 => Err(ArchiveError::Invalid("le motif dépasse 500 caractères".into())),
        _ => Ok(reason.to_string()),
    }
}
