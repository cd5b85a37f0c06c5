//! Signature circuits: the models per nature, each act's steps, and delegations.

use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{Db, OrgScope, StoreError, Tx, clock};

#[derive(sqlx::FromRow)]
pub struct CircuitRow {
    pub id: i64,
    pub nature: String,
    pub name: String,
}

#[derive(sqlx::FromRow)]
pub struct CircuitStepRow {
    pub circuit_id: i64,
    pub kind: String,
    pub assignee_role: Option<String>,
    pub assignee_user_id: Option<i64>,
    pub assignee_name: Option<String>,
}

pub async fn circuits(db: &Db, scope: OrgScope) -> Result<Vec<CircuitRow>, StoreError> {
    Ok(scoped_as(scope, "SELECT id, nature, name FROM circuits WHERE organisation_id = $1 ORDER BY nature").fetch_all(db.pool()).await?)
}

pub async fn circuit_steps(db: &Db, scope: OrgScope) -> Result<Vec<CircuitStepRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT s.circuit_id, s.kind, s.assignee_role, s.assignee_user_id, u.display_name AS assignee_name FROM circuit_steps s \
         LEFT JOIN users u ON u.id = s.assignee_user_id WHERE s.organisation_id = $1 ORDER BY s.circuit_id, s.position",
    )
    .fetch_all(db.pool())
    .await?)
}

/// Replaces the circuit of `nature` (name and steps).
pub async fn save_circuit(
    tx: &mut Tx,
    scope: OrgScope,
    nature: &str,
    name: &str,
    steps: &[(String, Option<String>, Option<i64>)],
) -> Result<i64, StoreError> {
    let existing = scoped(scope, "SELECT id FROM circuits WHERE organisation_id = $1 AND nature = $2")
        .bind(nature.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    let id: i64 = match existing {
        Some(row) => {
            let id: i64 = row.try_get(0)?;
            scoped(scope, "UPDATE circuits SET name = $3 WHERE organisation_id = $1 AND id = $2")
                .bind(id)
                .bind(name.to_string())
                .execute(&mut **tx)
                .await?;
            scoped(scope, "DELETE FROM circuit_steps WHERE organisation_id = $1 AND circuit_id = $2").bind(id).execute(&mut **tx).await?;
            id
        }
        None => scoped(scope, "INSERT INTO circuits (organisation_id, nature, name) VALUES ($1, $2, $3) RETURNING id")
            .bind(nature.to_string())
            .bind(name.to_string())
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?,
    };
    for (position, (kind, role, user)) in steps.iter().enumerate() {
        scoped(
            scope,
            "INSERT INTO circuit_steps (organisation_id, circuit_id, position, kind, assignee_role, assignee_user_id) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(position as i64 + 1)
        .bind(kind.clone())
        .bind(role.clone())
        .bind(*user)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub struct StepRow {
    pub id: i64,
    pub act_id: i64,
    pub position: i64,
    pub kind: String,
    pub assignee_role: Option<String>,
    pub assignee_user_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub state: String,
    pub done_by_name: Option<String>,
    pub on_behalf_of_name: Option<String>,
    pub done_at: Option<i64>,
    pub comment: Option<String>,
}

macro_rules! select_steps {
    ($tail:literal) => {
        concat!(
            "SELECT s.id, s.act_id, s.position, s.kind, s.assignee_role, s.assignee_user_id, a.display_name AS assignee_name, s.state, \
             d.display_name AS done_by_name, b.display_name AS on_behalf_of_name, s.done_at, s.comment FROM act_steps s \
             LEFT JOIN users a ON a.id = s.assignee_user_id LEFT JOIN users d ON d.id = s.done_by \
             LEFT JOIN users b ON b.id = s.on_behalf_of ",
            $tail
        )
    };
}

pub async fn steps(db: &Db, scope: OrgScope, act_id: i64) -> Result<Vec<StepRow>, StoreError> {
    Ok(scoped_as(scope, select_steps!("WHERE s.organisation_id = $1 AND s.act_id = $2 ORDER BY s.position"))
        .bind(act_id)
        .fetch_all(db.pool())
        .await?)
}

/// Every current step of the organisation (the parapheur's in-trays are filtered from these).
pub async fn current_steps(db: &Db, scope: OrgScope) -> Result<Vec<StepRow>, StoreError> {
    Ok(scoped_as(scope, select_steps!("WHERE s.organisation_id = $1 AND s.state = 'current' ORDER BY s.act_id"))
        .fetch_all(db.pool())
        .await?)
}

/// A step of an act to write.
pub struct NewStep<'a> {
    pub position: i64,
    pub kind: &'a str,
    pub role: Option<&'a str>,
    pub user: Option<i64>,
    pub state: &'a str,
}

pub async fn insert_step(tx: &mut Tx, scope: OrgScope, act_id: i64, step: &NewStep<'_>) -> Result<(), StoreError> {
    scoped(
        scope,
        "INSERT INTO act_steps (organisation_id, act_id, position, kind, assignee_role, assignee_user_id, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(act_id)
    .bind(step.position)
    .bind(step.kind.to_string())
    .bind(step.role.map(str::to_string))
    .bind(step.user)
    .bind(step.state.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn delete_steps(tx: &mut Tx, scope: OrgScope, act_id: i64) -> Result<(), StoreError> {
    scoped(scope, "DELETE FROM act_steps WHERE organisation_id = $1 AND act_id = $2").bind(act_id).execute(&mut **tx).await?;
    Ok(())
}

/// Closes the current step `step_id` as `state`; false when it was no longer current.
pub async fn close_step(
    tx: &mut Tx,
    scope: OrgScope,
    step_id: i64,
    state: &str,
    done_by: i64,
    on_behalf_of: Option<i64>,
    comment: Option<&str>,
) -> Result<bool, StoreError> {
    let result = scoped(
        scope,
        "UPDATE act_steps SET state = $3, done_by = $4, on_behalf_of = $5, done_at = $6, comment = $7 \
         WHERE organisation_id = $1 AND id = $2 AND state = 'current'",
    )
    .bind(step_id)
    .bind(state.to_string())
    .bind(done_by)
    .bind(on_behalf_of)
    .bind(clock::now_millis())
    .bind(comment.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn open_step(tx: &mut Tx, scope: OrgScope, act_id: i64, position: i64) -> Result<(), StoreError> {
    scoped(scope, "UPDATE act_steps SET state = 'current' WHERE organisation_id = $1 AND act_id = $2 AND position = $3")
        .bind(act_id)
        .bind(position)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct DelegationRow {
    pub id: i64,
    pub from_user_id: i64,
    pub from_name: String,
    pub to_user_id: i64,
    pub to_name: String,
    pub starts_on: String,
    pub ends_on: String,
}

pub async fn delegations(db: &Db, scope: OrgScope) -> Result<Vec<DelegationRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT d.id, d.from_user_id, f.display_name AS from_name, d.to_user_id, t.display_name AS to_name, d.starts_on, d.ends_on \
         FROM delegations d JOIN users f ON f.id = d.from_user_id JOIN users t ON t.id = d.to_user_id \
         WHERE d.organisation_id = $1 ORDER BY d.starts_on DESC, d.id DESC",
    )
    .fetch_all(db.pool())
    .await?)
}

pub async fn insert_delegation(
    tx: &mut Tx,
    scope: OrgScope,
    from: i64,
    to: i64,
    starts_on: &str,
    ends_on: &str,
) -> Result<i64, StoreError> {
    Ok(scoped(
        scope,
        "INSERT INTO delegations (organisation_id, from_user_id, to_user_id, starts_on, ends_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(from)
    .bind(to)
    .bind(starts_on.to_string())
    .bind(ends_on.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

pub async fn delete_delegation(tx: &mut Tx, scope: OrgScope, id: i64) -> Result<bool, StoreError> {
    let result = scoped(scope, "DELETE FROM delegations WHERE organisation_id = $1 AND id = $2").bind(id).execute(&mut **tx).await?;
    Ok(result.rows_affected() == 1)
}
