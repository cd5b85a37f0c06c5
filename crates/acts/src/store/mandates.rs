//! Expenditure orders (*mandats*) entered by agents, and the organisations' Hélios budget codes.

use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{OrgScope, StoreError, Tx, clock};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MandateRow {
    pub id: i64,
    pub year: i64,
    pub number: i64,
    pub issued_on: String,
    pub creditor_name: String,
    pub creditor_siret: Option<String>,
    pub creditor_address: String,
    pub creditor_postal_code: String,
    pub creditor_town: String,
    pub object: String,
    pub nature: String,
    pub amount_ht: i64,
    pub vat: i64,
    pub attachment_name: Option<String>,
    pub attachment_sha256: Option<String>,
    pub flow_id: Option<i64>,
}

macro_rules! select_mandates {
    ($tail:literal) => {
        concat!(
            "SELECT id, year, number, issued_on, creditor_name, creditor_siret, creditor_address, creditor_postal_code, creditor_town, \
             object, nature, amount_ht, vat, attachment_name, attachment_sha256, flow_id FROM pes_mandates ",
            $tail
        )
    };
}

/// Records a mandate with the next number of its year; returns that number.
pub async fn insert(tx: &mut Tx, scope: OrgScope, mandate: &MandateRow, created_by: &str) -> Result<i64, StoreError> {
    let next: i64 = scoped(scope, "SELECT COALESCE(MAX(number), 0) + 1 FROM pes_mandates WHERE organisation_id = $1 AND year = $2")
        .bind(mandate.year)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    scoped(
        scope,
        "INSERT INTO pes_mandates (organisation_id, year, number, issued_on, creditor_name, creditor_siret, creditor_address, \
         creditor_postal_code, creditor_town, object, nature, amount_ht, vat, attachment_name, attachment_sha256, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(mandate.year)
    .bind(next)
    .bind(mandate.issued_on.clone())
    .bind(mandate.creditor_name.clone())
    .bind(mandate.creditor_siret.clone())
    .bind(mandate.creditor_address.clone())
    .bind(mandate.creditor_postal_code.clone())
    .bind(mandate.creditor_town.clone())
    .bind(mandate.object.clone())
    .bind(mandate.nature.clone())
    .bind(mandate.amount_ht)
    .bind(mandate.vat)
    .bind(mandate.attachment_name.clone())
    .bind(mandate.attachment_sha256.clone())
    .bind(created_by.to_string())
    .bind(clock::now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(next)
}

/// The mandates of a year not yet in a bordereau, in number order.
pub async fn pending(tx: &mut Tx, scope: OrgScope, year: i64) -> Result<Vec<MandateRow>, StoreError> {
    Ok(scoped_as(scope, select_mandates!("WHERE organisation_id = $1 AND year = $2 AND flow_id IS NULL ORDER BY number"))
        .bind(year)
        .fetch_all(&mut **tx)
        .await?)
}

/// Every mandate not yet in a bordereau, whatever its year.
pub async fn all_pending(tx: &mut Tx, scope: OrgScope) -> Result<Vec<MandateRow>, StoreError> {
    Ok(scoped_as(scope, select_mandates!("WHERE organisation_id = $1 AND flow_id IS NULL ORDER BY year, number"))
        .fetch_all(&mut **tx)
        .await?)
}

/// Removes a mandate not yet in a bordereau; false when there is none such.
pub async fn delete_pending(tx: &mut Tx, scope: OrgScope, id: i64) -> Result<bool, StoreError> {
    let result = scoped(scope, "DELETE FROM pes_mandates WHERE organisation_id = $1 AND id = $2 AND flow_id IS NULL")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Puts the pending mandates `ids` in the bordereau of `flow_id`; false when one of them was taken meanwhile.
pub async fn attach_to_flow(tx: &mut Tx, scope: OrgScope, ids: &[i64], flow_id: i64) -> Result<bool, StoreError> {
    for id in ids {
        let result = scoped(scope, "UPDATE pes_mandates SET flow_id = $3 WHERE organisation_id = $1 AND id = $2 AND flow_id IS NULL")
            .bind(*id)
            .bind(flow_id)
            .execute(&mut **tx)
            .await?;
        if result.rows_affected() != 1 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// How many expenditure bordereaux the organisation already sent for `year`.
pub async fn expenditure_bordereaux(tx: &mut Tx, scope: OrgScope, year: i64) -> Result<i64, StoreError> {
    Ok(scoped(scope, "SELECT COUNT(*) FROM pes_flows WHERE organisation_id = $1 AND domain = 'expenditure' AND year = $2")
        .bind(year)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?)
}

/// The Hélios budget codes: SIRET, poste comptable, code collectivité, code budget.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct BudgetRow {
    pub siret: String,
    pub poste_comptable: String,
    pub code_collectivite: String,
    pub code_budget: String,
}

pub async fn budget(tx: &mut Tx, scope: OrgScope) -> Result<Option<BudgetRow>, StoreError> {
    Ok(scoped_as(scope, "SELECT siret, poste_comptable, code_collectivite, code_budget FROM pes_budgets WHERE organisation_id = $1")
        .fetch_optional(&mut **tx)
        .await?)
}

pub async fn set_budget(tx: &mut Tx, scope: OrgScope, budget: &BudgetRow) -> Result<(), StoreError> {
    scoped(
        scope,
        "INSERT INTO pes_budgets (organisation_id, siret, poste_comptable, code_collectivite, code_budget, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organisation_id) DO UPDATE SET siret = excluded.siret, \
         poste_comptable = excluded.poste_comptable, code_collectivite = excluded.code_collectivite, code_budget = excluded.code_budget, \
         updated_at = excluded.updated_at",
    )
    .bind(budget.siret.clone())
    .bind(budget.poste_comptable.clone())
    .bind(budget.code_collectivite.clone())
    .bind(budget.code_budget.clone())
    .bind(clock::now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
