//! Types of the convention slice. No I/O.

use kernel::{Cents, Percent};

/// A shared application (*solution mutualisée*, annexe 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub code: String,
    pub name: String,
    pub description: String,
    /// Offered without charge (open data, article 4).
    pub free_of_charge: bool,
}

/// A convention period and its financial terms (article 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub code: String,
    pub first_year: i64,
    pub years: i64,
    /// The year of the populations the cost sharing counts (2019: decree of 28 December 2018).
    pub population_year: i64,
    pub commune_participation: Percent,
    pub ccas_participation: Percent,
}

impl Period {
    pub fn last_year(&self) -> i64 {
        self.first_year + self.years - 1
    }

    pub fn label(&self) -> String {
        format!("{}-{}", self.first_year, self.last_year())
    }
}

/// An application offered over a period, with its global cost when it is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodApplication {
    pub application: Application,
    pub global_cost: Option<Cents>,
}

/// A member's convention for one period, approved by its deliberation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convention {
    pub id: i64,
    pub period_code: String,
    pub deliberation_reference: String,
    pub deliberation_date: String,
}

/// A subscription of a member to an application under a convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub convention_id: i64,
    pub application_code: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
}
