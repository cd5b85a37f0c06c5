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

/// A line of the price list of annexe 3: a profile and its price per day, excluding VAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRate {
    pub profile: String,
    pub label: String,
    pub price: Cents,
}

/// A member's convention for one period, approved by its deliberation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convention {
    pub id: i64,
    pub period_code: String,
    pub deliberation_reference: String,
    pub deliberation_date: String,
}

impl Subscription {
    /// Whether the subscription runs for at least part of `year` (dates are ISO, so they compare as text).
    pub fn active_in(&self, year: i64) -> bool {
        self.starts_on.as_str() <= format!("{year}-12-31").as_str()
            && self.ends_on.as_deref().is_none_or(|end| end >= format!("{year}-01-01").as_str())
    }
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

#[cfg(test)]
mod tests {
    use super::Subscription;

    #[test]
    fn activity_by_year() {
        let s = |starts: &str, ends: Option<&str>| Subscription {
            id: 1,
            convention_id: 1,
            application_code: "x".into(),
            starts_on: starts.into(),
            ends_on: ends.map(str::to_string),
        };
        let cases = [
            (s("2019-01-01", None), 2021, true),
            (s("2020-01-01", None), 2019, false),
            (s("2019-01-01", Some("2019-12-31")), 2020, false),
            (s("2019-01-01", Some("2019-12-31")), 2019, true),
        ];
        for (subscription, year, expected) in cases {
            assert_eq!(subscription.active_in(year), expected, "{subscription:?} {year}");
        }
    }
}
