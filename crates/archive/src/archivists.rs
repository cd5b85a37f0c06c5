//! The archivists of the platform's archive service (*archivistes du service d'archives*): they decide
//! on the organisations' elimination proposals. The Métropole's IT team designates them.

use crate::ArchiveError;
use sqlx::Row;
use store::{Db, clock};

/// Designates the account `user_id` as an archivist (nothing changes if it already is one).
pub async fn designate(db: &Db, user_id: i64) -> Result<(), ArchiveError> {
    if !is_archivist(db, user_id).await? {
        sqlx::query("INSERT INTO archive_archivists (user_id, designated_at) VALUES ($1, $2)")
            .bind(user_id)
            .bind(clock::now_millis())
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

pub async fn is_archivist(db: &Db, user_id: i64) -> Result<bool, ArchiveError> {
    let row = sqlx::query("SELECT COUNT(*) FROM archive_archivists WHERE user_id = $1").bind(user_id).fetch_one(db.pool()).await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}
