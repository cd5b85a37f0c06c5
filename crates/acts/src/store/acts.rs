//! Acts, their annexes, history and messages.

use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{Db, OrgScope, StoreError, Tx, clock};

/// `SELECT <every column of ActRow> FROM acts <tail>`, as a static string for `store::tenant`.
macro_rules! select_acts {
    ($tail:literal) => {
        concat!(
            "SELECT id, nature, matter_code, internal_number, decided_on, subject, register_number, state, document_name, \
             document_sha256, signed_sha256, actes_id, transmission_id, received_on, published_at, created_at FROM acts ",
            $tail
        )
    };
}

#[derive(sqlx::FromRow)]
pub struct ActRow {
    pub id: i64,
    pub nature: String,
    pub matter_code: String,
    pub internal_number: String,
    pub decided_on: String,
    pub subject: String,
    pub register_number: Option<String>,
    pub state: String,
    pub document_name: String,
    pub document_sha256: String,
    pub signed_sha256: Option<String>,
    pub actes_id: Option<String>,
    pub transmission_id: Option<String>,
    pub received_on: Option<String>,
    pub published_at: Option<i64>,
    pub created_at: i64,
}

/// An act to write.
pub struct NewAct<'a> {
    pub nature: &'a str,
    pub matter_code: &'a str,
    pub internal_number: &'a str,
    pub decided_on: &'a str,
    pub decision_year: i64,
    pub subject: &'a str,
    pub register_number: Option<&'a str>,
    pub document_name: &'a str,
    pub document_sha256: &'a str,
}

pub async fn insert(tx: &mut Tx, scope: OrgScope, act: &NewAct<'_>) -> Result<i64, StoreError> {
    let now = clock::now_millis();
    Ok(scoped(
        scope,
        "INSERT INTO acts (organisation_id, nature, matter_code, internal_number, decision_year, decided_on, subject, register_number, \
         state, document_name, document_sha256, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $11, $11) \
         RETURNING id",
    )
    .bind(act.nature.to_string())
    .bind(act.matter_code.to_string())
    .bind(act.internal_number.to_string())
    .bind(act.decision_year)
    .bind(act.decided_on.to_string())
    .bind(act.subject.to_string())
    .bind(act.register_number.map(str::to_string))
    .bind(act.document_name.to_string())
    .bind(act.document_sha256.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

/// Whether the organisation already has an act of that internal number in that year, or of that
/// register number.
pub async fn number_taken(
    tx: &mut Tx,
    scope: OrgScope,
    year: i64,
    internal_number: &str,
    register: Option<&str>,
) -> Result<bool, StoreError> {
    let row = scoped(
        scope,
        "SELECT COUNT(*) FROM acts WHERE organisation_id = $1 AND ((decision_year = $2 AND internal_number = $3) OR register_number = $4)",
    )
    .bind(year)
    .bind(internal_number.to_string())
    .bind(register.map(str::to_string))
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

pub async fn get(db: &Db, scope: OrgScope, id: i64) -> Result<Option<ActRow>, StoreError> {
    Ok(scoped_as(scope, select_acts!("WHERE organisation_id = $1 AND id = $2")).bind(id).fetch_optional(db.pool()).await?)
}

/// The act of register number or internal number `number` (the newest when several years share it).
pub async fn by_number(db: &Db, scope: OrgScope, number: &str) -> Result<Option<ActRow>, StoreError> {
    Ok(scoped_as(
        scope,
        select_acts!("WHERE organisation_id = $1 AND (register_number = $2 OR internal_number = $2) ORDER BY decided_on DESC LIMIT 1"),
    )
    .bind(number.to_string())
    .fetch_optional(db.pool())
    .await?)
}

pub async fn list(db: &Db, scope: OrgScope) -> Result<Vec<ActRow>, StoreError> {
    Ok(scoped_as(scope, select_acts!("WHERE organisation_id = $1 ORDER BY decided_on DESC, id DESC")).fetch_all(db.pool()).await?)
}

/// The published acts, newest publication first.
pub async fn published(db: &Db, scope: OrgScope) -> Result<Vec<ActRow>, StoreError> {
    Ok(scoped_as(scope, select_acts!("WHERE organisation_id = $1 AND published_at IS NOT NULL ORDER BY published_at DESC, id DESC"))
        .fetch_all(db.pool())
        .await?)
}

/// Moves an act from one of `from` to `to`; false when it was in none of them (a concurrent change).
pub async fn transition(tx: &mut Tx, scope: OrgScope, id: i64, from: &[&str], to: &str) -> Result<bool, StoreError> {
    let mut done = false;
    for state in from {
        let result = scoped(scope, "UPDATE acts SET state = $3, updated_at = $4 WHERE organisation_id = $1 AND id = $2 AND state = $5")
            .bind(id)
            .bind(to.to_string())
            .bind(clock::now_millis())
            .bind(state.to_string())
            .execute(&mut **tx)
            .await?;
        done |= result.rows_affected() == 1;
        if done {
            break;
        }
    }
    Ok(done)
}

pub async fn set_signed(tx: &mut Tx, scope: OrgScope, id: i64, sha256: &str) -> Result<(), StoreError> {
    scoped(scope, "UPDATE acts SET signed_sha256 = $3, updated_at = $4 WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .bind(sha256.to_string())
        .bind(clock::now_millis())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_actes_id(tx: &mut Tx, scope: OrgScope, id: i64, actes_id: &str) -> Result<(), StoreError> {
    scoped(scope, "UPDATE acts SET actes_id = $3, updated_at = $4 WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .bind(actes_id.to_string())
        .bind(clock::now_millis())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_transmitted(tx: &mut Tx, scope: OrgScope, id: i64, transmission_id: &str) -> Result<(), StoreError> {
    scoped(scope, "UPDATE acts SET transmission_id = $3, updated_at = $4 WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .bind(transmission_id.to_string())
        .bind(clock::now_millis())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_received(tx: &mut Tx, scope: OrgScope, id: i64, received_on: &str) -> Result<(), StoreError> {
    scoped(scope, "UPDATE acts SET received_on = $3, updated_at = $4 WHERE organisation_id = $1 AND id = $2")
        .bind(id)
        .bind(received_on.to_string())
        .bind(clock::now_millis())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets the publication instant once: a second call changes nothing and returns false.
pub async fn publish(tx: &mut Tx, scope: OrgScope, id: i64, at: i64) -> Result<bool, StoreError> {
    let result =
        scoped(scope, "UPDATE acts SET published_at = $3, updated_at = $3 WHERE organisation_id = $1 AND id = $2 AND published_at IS NULL")
            .bind(id)
            .bind(at)
            .execute(&mut **tx)
            .await?;
    Ok(result.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
pub struct AnnexRow {
    pub id: i64,
    pub position: i64,
    pub piece_type: String,
    pub filename: String,
    pub sha256: String,
    pub size: i64,
}

pub async fn insert_annex(tx: &mut Tx, scope: OrgScope, act_id: i64, annex: &AnnexRow) -> Result<(), StoreError> {
    scoped(
        scope,
        "INSERT INTO act_annexes (organisation_id, act_id, position, piece_type, filename, sha256, size) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(act_id)
    .bind(annex.position)
    .bind(annex.piece_type.clone())
    .bind(annex.filename.clone())
    .bind(annex.sha256.clone())
    .bind(annex.size)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn annexes(db: &Db, scope: OrgScope, act_id: i64) -> Result<Vec<AnnexRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT id, position, piece_type, filename, sha256, size FROM act_annexes WHERE organisation_id = $1 AND act_id = $2 ORDER BY position",
    )
    .bind(act_id)
    .fetch_all(db.pool())
    .await?)
}

pub async fn insert_event(tx: &mut Tx, scope: OrgScope, act_id: i64, kind: &str, actor: &str, detail: &str) -> Result<(), StoreError> {
    scoped(scope, "INSERT INTO act_events (organisation_id, act_id, at, kind, actor, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(act_id)
        .bind(clock::now_millis())
        .bind(kind.to_string())
        .bind(actor.to_string())
        .bind(detail.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct EventRow {
    pub at: i64,
    pub kind: String,
    pub actor: String,
    pub detail: String,
}

pub async fn events(db: &Db, scope: OrgScope, act_id: i64) -> Result<Vec<EventRow>, StoreError> {
    Ok(scoped_as(scope, "SELECT at, kind, actor, detail FROM act_events WHERE organisation_id = $1 AND act_id = $2 ORDER BY id")
        .bind(act_id)
        .fetch_all(db.pool())
        .await?)
}

#[derive(sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub direction: String,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub summary: String,
    pub at: i64,
}

/// A message file to record.
pub struct NewMessage<'a> {
    pub direction: &'a str,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub summary: &'a str,
}

/// Records a message; false when that file was already recorded (a message is kept once).
pub async fn insert_message(tx: &mut Tx, scope: OrgScope, act_id: i64, m: &NewMessage<'_>) -> Result<bool, StoreError> {
    let result = scoped(
        scope,
        "INSERT INTO act_messages (organisation_id, act_id, direction, kind, file_name, sha256, summary, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (organisation_id, act_id, direction, file_name) DO NOTHING",
    )
    .bind(act_id)
    .bind(m.direction.to_string())
    .bind(m.kind.to_string())
    .bind(m.file_name.to_string())
    .bind(m.sha256.to_string())
    .bind(m.summary.to_string())
    .bind(clock::now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn messages(db: &Db, scope: OrgScope, act_id: i64) -> Result<Vec<MessageRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT id, direction, kind, file_name, sha256, summary, at FROM act_messages WHERE organisation_id = $1 AND act_id = $2 ORDER BY id",
    )
    .bind(act_id)
    .fetch_all(db.pool())
    .await?)
}
