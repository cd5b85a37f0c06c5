//! Use-cases of the convention slice.

use crate::annex::{self, ApplicationCost, Member, TariffRow};
use crate::model::{Convention, Period, PeriodApplication, Subscription};
use crate::rules::{self, Share};
use crate::{ConventionError, store as sql};
use identity::Organisation;
use kernel::{Cents, OrganisationKind};
use store::{Db, OrgScope};

pub async fn periods(db: &Db) -> Result<Vec<Period>, ConventionError> {
    Ok(sql::periods(db).await?)
}

pub async fn period(db: &Db, code: &str) -> Result<Period, ConventionError> {
    sql::periods(db)
        .await?
        .into_iter()
        .find(|p| p.code == code)
        .ok_or_else(|| ConventionError::NotFound(format!("aucune période de convention « {code} »")))
}

pub async fn offers(db: &Db, period: &Period) -> Result<Vec<PeriodApplication>, ConventionError> {
    Ok(sql::offers(db, &period.code).await?)
}

/// The members of a period's cost sharing: every commune, with its population of the period's year.
async fn members(db: &Db, period: &Period) -> Result<Vec<Member>, ConventionError> {
    let communes = sql::communes_with_population(db, period.population_year).await?;
    if communes.is_empty() {
        return Err(ConventionError::NotFound(format!("aucune commune n'a de population {} sur la plateforme", period.population_year)));
    }
    Ok(communes.into_iter().map(|c| Member { insee_code: c.insee_code, name: c.name, population: c.population.max(0) as u64 }).collect())
}

/// The applications of a period that are charged: not free, cost fixed.
fn charged(offers: &[PeriodApplication], period: &Period) -> Vec<ApplicationCost> {
    offers
        .iter()
        .filter(|o| !o.application.free_of_charge)
        .filter_map(|o| {
            Some(ApplicationCost {
                application: o.application.code.clone(),
                global_cost: o.global_cost?,
                commune_participation: period.commune_participation,
                ccas_participation: period.ccas_participation,
            })
        })
        .collect()
}

/// Annexe 2 of a period, from the database: every charged application, communes then CCAS.
pub async fn annex_rows(db: &Db, period: &Period) -> Result<Vec<TariffRow>, ConventionError> {
    let members = members(db, period).await?;
    let offers = offers(db, period).await?;
    Ok(annex::table(&members, &charged(&offers, period), period.years as u32))
}

/// What a member pays each year for one subscribed application of a period.
#[derive(Debug, Clone)]
pub struct Charge {
    pub application: PeriodApplication,
    pub subscription: Subscription,
    /// `None` for a free application or a cost not fixed yet.
    pub share: Option<Share>,
}

/// A member's convention for a period, its subscriptions and what each costs.
#[derive(Debug, Clone)]
pub struct MemberConvention {
    pub period: Period,
    pub convention: Convention,
    pub charges: Vec<Charge>,
    pub signatures: Vec<crate::signatures::Signature>,
    /// Avenants, by number.
    pub amendments: Vec<crate::signatures::Amendment>,
}

impl MemberConvention {
    /// The signature of a party, once recorded.
    pub fn signature(&self, party: crate::signatures::Party) -> Option<&crate::signatures::Signature> {
        self.signatures.iter().find(|s| s.party == party)
    }

    /// The day the convention was signed by both parties: the later signature.
    pub fn signed_on(&self) -> Option<time::Date> {
        use crate::signatures::Party;
        Some(self.signature(Party::Member)?.signed_on.max(self.signature(Party::Metropole)?.signed_on))
    }

    /// The yearly amount of the titre de recette: sum of the charged applications after participation.
    pub fn annual_total(&self) -> Cents {
        self.charges.iter().filter_map(|c| c.share.map(|s| s.cost_annual_after_participation)).sum()
    }
}

/// The conventions of an organisation with their charges. A CCAS is charged on its commune's population
/// at the CCAS participation rate.
pub async fn member_conventions(db: &Db, scope: OrgScope, organisation: &Organisation) -> Result<Vec<MemberConvention>, ConventionError> {
    let conventions = sql::conventions(db, scope).await?;
    let subscriptions = sql::subscriptions(db, scope).await?;
    let register = crate::signatures::Register::of_member(db, scope).await?;
    let mut result = Vec::with_capacity(conventions.len());
    for convention in conventions {
        let period = period(db, &convention.period_code).await?;
        let members = members(db, &period).await?;
        let total: u64 = members.iter().map(|m| m.population).sum();
        let (population, participation) = match organisation.kind {
            OrganisationKind::Ccas => (population_of(db, organisation.parent_id, &period).await?, period.ccas_participation),
            _ => (population_of(db, Some(organisation.id), &period).await?, period.commune_participation),
        };
        let offers = offers(db, &period).await?;
        let charges = subscriptions
            .iter()
            .filter(|s| s.convention_id == convention.id)
            .filter_map(|s| {
                let offer = offers.iter().find(|o| o.application.code == s.application_code)?.clone();
                let share = match (offer.application.free_of_charge, offer.global_cost, population) {
                    (false, Some(cost), Some(population)) => {
                        Some(rules::share(cost, population, total, period.years as u32, participation))
                    }
                    _ => None,
                };
                Some(Charge { application: offer, subscription: s.clone(), share })
            })
            .collect();
        let (signatures, amendments) = (register.signatures(convention.id), register.amendments(convention.id));
        result.push(MemberConvention { period, convention, charges, signatures, amendments });
    }
    Ok(result)
}

async fn population_of(db: &Db, organisation_id: Option<i64>, period: &Period) -> Result<Option<u64>, ConventionError> {
    let Some(id) = organisation_id else { return Ok(None) };
    let communes = sql::communes_with_population(db, period.population_year).await?;
    Ok(communes.into_iter().find(|c| c.id == id).map(|c| c.population.max(0) as u64))
}

/// Records a member's convention for a period and its subscriptions (used by the demo data and imports).
pub async fn record_convention(
    db: &Db,
    actor: identity::service::Actor<'_>,
    scope: OrgScope,
    period_code: &str,
    deliberation_reference: &str,
    deliberation_date: &str,
    applications: &[&str],
) -> Result<i64, ConventionError> {
    let period = period(db, period_code).await?;
    let offers = offers(db, &period).await?;
    if let Some(unknown) = applications.iter().find(|a| !offers.iter().any(|o| o.application.code == **a)) {
        return Err(ConventionError::Invalid {
            field: "application",
            message: format!("« {unknown} » n'est pas proposée sur la période {period_code}"),
        });
    }
    let starts_on = format!("{}-01-01", period.first_year);
    let mut tx = db.begin().await?;
    let id = match sql::insert_convention(&mut tx, scope, period_code, deliberation_reference, deliberation_date).await {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            return Err(ConventionError::Conflict(format!("une convention existe déjà pour la période {period_code}")));
        }
        Err(e) => return Err(e.into()),
    };
    for application in applications {
        sql::insert_subscription(&mut tx, scope, id, application, &starts_on).await?;
    }
    let target = format!("convention:{period_code}");
    let entry = actor.entry(
        Some(scope.organisation_id()),
        kernel::audit::AuditAction::ConventionRecorded,
        &target,
        serde_json::json!({ "deliberation": deliberation_reference, "date": deliberation_date, "applications": applications }),
    );
    store::audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// The price list of the interventions of a period (annexe 3).
pub async fn rate_card(db: &Db, period: &Period) -> Result<Vec<crate::model::DayRate>, ConventionError> {
    Ok(sql::rate_card(db, &period.code).await?)
}
