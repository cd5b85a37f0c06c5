//! Platform settings shared by every node: small named values (JSON or text) in the `settings` table.

use crate::{Db, StoreError, Tx};
use sqlx::Row;

pub async fn get(db: &Db, key: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1").bind(key.to_string()).fetch_optional(db.pool()).await?;
    Ok(match row {
        Some(row) => Some(row.try_get(0)?),
        None => None,
    })
}

/// Sets a value inside the caller's transaction, replacing the previous one.
pub async fn put(tx: &mut Tx, key: &str, value: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key.to_string())
        .bind(value.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
