//! How an organisation's budget is known to Hélios (SIRET, *poste comptable*, *code collectivité*, *code
//! budget*), set by its administrators and written in the `EnTetePES` of its expenditure files.

use crate::ActsError;
use crate::store::mandates::{self as sql, BudgetRow};
use store::{Db, OrgScope};

/// The budget codes as typed, for the form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BudgetForm {
    pub siret: String,
    pub poste_comptable: String,
    pub code_collectivite: String,
    pub code_budget: String,
}

impl BudgetForm {
    fn budget(&self) -> pes::Budget {
        pes::Budget {
            siret: self.siret.trim().to_string(),
            poste_comptable: self.poste_comptable.trim().to_uppercase(),
            code_collectivite: self.code_collectivite.trim().to_string(),
            code_budget: self.code_budget.trim().to_uppercase(),
        }
    }
}

/// The organisation's budget codes, if set.
pub async fn get(db: &Db, scope: OrgScope) -> Result<Option<pes::Budget>, ActsError> {
    let mut tx = db.begin().await?;
    Ok(sql::budget(&mut tx, scope).await?.map(|row| pes::Budget {
        siret: row.siret,
        poste_comptable: row.poste_comptable,
        code_collectivite: row.code_collectivite,
        code_budget: row.code_budget,
    }))
}

/// The codes as the form shows them (empty when not set yet).
pub async fn form(db: &Db, scope: OrgScope) -> Result<BudgetForm, ActsError> {
    Ok(get(db, scope).await?.map_or_else(BudgetForm::default, |b| BudgetForm {
        siret: b.siret,
        poste_comptable: b.poste_comptable,
        code_collectivite: b.code_collectivite,
        code_budget: b.code_budget,
    }))
}

/// Checks the codes against the PES V2 patterns and saves them; a French message names the wrong field.
pub async fn set(db: &Db, scope: OrgScope, form: &BudgetForm) -> Result<(), ActsError> {
    let budget = form.budget();
    budget.check().map_err(ActsError::Invalid)?;
    let row = BudgetRow {
        siret: budget.siret,
        poste_comptable: budget.poste_comptable,
        code_collectivite: budget.code_collectivite,
        code_budget: budget.code_budget,
    };
    let mut tx = db.begin().await?;
    sql::set_budget(&mut tx, scope, &row).await?;
    tx.commit().await?;
    Ok(())
}
