//! The catalogue of shared applications and convention periods, as the Métropole writes it in TOML
//! (`data/convention.toml` holds Montpellier's): loaded in one transaction, checked first.

use crate::{ConventionError, store as sql};
use kernel::{Cents, Percent};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use store::Db;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    applications: Vec<ApplicationEntry>,
    periods: Vec<PeriodEntry>,
    /// How the titres are written in PES V2; without it they cannot be exported.
    accounting: Option<crate::pes::Accounting>,
}

/// Settings key of the PES V2 accounting codes.
pub const ACCOUNTING_SETTING: &str = "convention.accounting";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplicationEntry {
    code: String,
    name: String,
    description: String,
    #[serde(default)]
    free_of_charge: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodEntry {
    code: String,
    first_year: i64,
    years: i64,
    population_year: i64,
    commune_participation_pct: String,
    ccas_participation_pct: String,
    /// Global cost over the period, € HT, per application code.
    #[serde(default)]
    costs: BTreeMap<String, String>,
    /// Applications offered whose cost is not fixed yet.
    #[serde(default)]
    applications: Vec<String>,
    /// Annexe 3: price per day of the interventions, by profile.
    #[serde(default)]
    day_rates: Vec<DayRateEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayRateEntry {
    profile: String,
    label: String,
    /// € HT per day.
    price: String,
}

/// A period ready to be written.
pub(crate) struct PeriodRecord {
    pub code: String,
    pub first_year: i64,
    pub years: i64,
    pub population_year: i64,
    pub commune_participation: Percent,
    pub ccas_participation: Percent,
    pub offers: Vec<(String, Option<Cents>)>,
    pub day_rates: Vec<crate::model::DayRate>,
}

/// Loads a catalogue into the database; returns (applications, periods) written.
pub async fn load(db: &Db, toml_text: &str) -> Result<(usize, usize), ConventionError> {
    let catalogue: Catalogue = toml::from_str(toml_text).map_err(|e| ConventionError::Catalogue(e.to_string()))?;
    let codes: HashSet<&str> = catalogue.applications.iter().map(|a| a.code.as_str()).collect();
    if codes.len() != catalogue.applications.len() {
        return Err(ConventionError::Catalogue("une application figure deux fois".into()));
    }
    if let Some(accounting) = &catalogue.accounting {
        accounting.check().map_err(ConventionError::Catalogue)?;
    }
    let mut periods = Vec::new();
    for p in &catalogue.periods {
        let fail = |message: String| ConventionError::Catalogue(format!("période {} : {message}", p.code));
        if p.years < 1 || !(1900..=2200).contains(&p.first_year) {
            return Err(fail("années invalides".into()));
        }
        let rate = |s: &str| Percent::parse(s).map_err(|e| fail(e.to_string()));
        let mut offers: Vec<(String, Option<Cents>)> = Vec::new();
        for (code, cost) in &p.costs {
            offers.push((code.clone(), Some(Cents::parse_euros(cost).map_err(|e| fail(e.to_string()))?)));
        }
        for code in &p.applications {
            if !p.costs.contains_key(code) {
                offers.push((code.clone(), None));
            }
        }
        if let Some((unknown, _)) = offers.iter().find(|(code, _)| !codes.contains(code.as_str())) {
            return Err(fail(format!("application inconnue « {unknown} »")));
        }
        let mut day_rates = Vec::with_capacity(p.day_rates.len());
        for rate in &p.day_rates {
            let price = Cents::parse_euros(&rate.price)
                .ok()
                .filter(|c| *c > Cents(0))
                .ok_or_else(|| fail(format!("prix journalier invalide pour « {} »", rate.profile)))?;
            if day_rates.iter().any(|r: &crate::model::DayRate| r.profile == rate.profile) {
                return Err(fail(format!("profil « {} » en double", rate.profile)));
            }
            day_rates.push(crate::model::DayRate { profile: rate.profile.clone(), label: rate.label.clone(), price });
        }
        periods.push(PeriodRecord {
            code: p.code.clone(),
            first_year: p.first_year,
            years: p.years,
            population_year: p.population_year,
            commune_participation: rate(&p.commune_participation_pct)?,
            ccas_participation: rate(&p.ccas_participation_pct)?,
            offers,
            day_rates,
        });
    }
    let mut tx = db.begin().await?;
    for (position, a) in catalogue.applications.iter().enumerate() {
        sql::insert_application(&mut tx, &a.code, &a.name, &a.description, a.free_of_charge, position as i64).await?;
    }
    for period in &periods {
        sql::insert_period(&mut tx, period).await?;
    }
    if let Some(accounting) = &catalogue.accounting {
        let json = serde_json::to_string(accounting).expect("accounting codes serialise");
        store::settings::put(&mut tx, ACCOUNTING_SETTING, &json).await?;
    }
    tx.commit().await?;
    Ok((catalogue.applications.len(), periods.len()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_catalogue_parses() {
        let catalogue: super::Catalogue = toml::from_str(include_str!("../../../data/convention.toml")).unwrap();
        assert_eq!(catalogue.applications.len(), 7);
        let first = &catalogue.periods[0];
        assert_eq!((first.code.as_str(), first.costs["e-administration"].as_str()), ("2019-2021", "25000"));
        assert!(catalogue.accounting.unwrap().check().is_ok());
    }
}
