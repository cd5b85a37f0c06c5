//! The audit log (*journal d'audit*): who did what, for which organisation, when and from where.
//! It is written in the transaction of the change it records, so one never exists without the other.

use crate::{OrgScope, StoreError, Tx, clock, tenant::scoped_as};
use kernel::audit::AuditAction;
use serde::Serialize;

/// One event to record.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub organisation_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    /// How the actor is shown: an e-mail address, or `cli` / `système` for the platform itself.
    pub actor: &'a str,
    pub action: AuditAction,
    pub target: &'a str,
    pub details: serde_json::Value,
    pub ip: Option<&'a str>,
}

/// Records an event inside the caller's transaction.
pub async fn record(tx: &mut Tx, entry: AuditEntry<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, organisation_id, actor_user_id, actor, action, target, details, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(clock::now_millis())
    .bind(entry.organisation_id)
    .bind(entry.actor_user_id)
    .bind(entry.actor.to_string())
    .bind(entry.action.code())
    .bind(entry.target.to_string())
    .bind(entry.details.to_string())
    .bind(entry.ip.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A recorded event, as read back.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub ip: Option<String>,
}

/// The most recent events of one organisation, newest first.
pub async fn list(db: &crate::Db, scope: OrgScope, limit: i64, before_id: Option<i64>) -> Result<Vec<AuditEvent>, StoreError> {
    Ok(scoped_as::<AuditEvent>(
        scope,
        "SELECT id, occurred_at, actor, action, target, details, ip FROM audit_events \
         WHERE organisation_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(before_id.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}
