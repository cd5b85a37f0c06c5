//! Interventions a member orders from the Métropole (article 3): adaptations, evolutions, dedicated
//! trainings, agreed by e-mail on the price list of annexe 3, and invoiced after "service fait" with VAT
//! at the normal rate (article 6).

use crate::rules::interventions as rules;
use crate::service;
use crate::{ConventionError, invoicing, store as sql};
use identity::Organisation;
use identity::service::Actor;
use kernel::Cents;
use kernel::audit::AuditAction;
use serde_json::json;
use store::audit;
use store::{Db, OrgScope};
use time::Date;

/// A line of an intervention: a profile for a number of half-days at its day rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub profile: String,
    pub label: String,
    pub half_days: i64,
    pub day_rate: Cents,
}

impl Line {
    pub fn price(&self) -> Cents {
        rules::price(self.half_days, self.day_rate)
    }

    /// `1,5` — days as people write them.
    pub fn days(&self) -> String {
        if self.half_days % 2 == 0 { (self.half_days / 2).to_string() } else { format!("{},5", self.half_days / 2) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    pub id: i64,
    pub member_id: i64,
    /// The member's convention in force when it was agreed.
    pub convention_id: i64,
    pub member_name: String,
    pub subject: String,
    /// The e-mail exchange that agreed it (date, correspondents, reference).
    pub agreement: String,
    pub agreed_on: Date,
    /// "Service fait": from then on it can be invoiced.
    pub done_on: Option<Date>,
    pub lines: Vec<Line>,
    /// Reference of the titre that invoiced it (`T2026-0003`), once issued.
    pub invoiced_by: Option<String>,
}

impl Intervention {
    pub fn excluding_tax(&self) -> Cents {
        self.lines.iter().map(Line::price).sum()
    }

    pub fn vat(&self) -> Cents {
        rules::vat(self.excluding_tax(), rules::normal_vat_rate())
    }

    pub fn including_tax(&self) -> Cents {
        self.excluding_tax() + self.vat()
    }
}

fn assemble(rows: Vec<sql::InterventionRow>, lines: Vec<sql::InterventionLineRow>) -> Result<Vec<Intervention>, ConventionError> {
    rows.into_iter()
        .map(|r| {
            Ok(Intervention {
                id: r.id,
                member_id: r.organisation_id,
                convention_id: r.convention_id,
                invoiced_by: r.titre_year.zip(r.titre_number).map(|(year, number)| invoicing::reference(year, number)),
                member_name: r.member_name,
                subject: r.subject,
                agreement: r.agreement,
                agreed_on: invoicing::parse_date(&r.agreed_on)?,
                done_on: r.done_on.as_deref().map(invoicing::parse_date).transpose()?,
                lines: lines
                    .iter()
                    .filter(|l| l.intervention_id == r.id)
                    .map(|l| Line {
                        profile: l.profile.clone(),
                        label: l.label.clone(),
                        half_days: l.half_days,
                        day_rate: Cents(l.day_rate_cents),
                    })
                    .collect(),
            })
        })
        .collect()
}

pub async fn of_member(db: &Db, scope: OrgScope) -> Result<Vec<Intervention>, ConventionError> {
    let (rows, lines) = sql::interventions_of_member(db, scope).await?;
    assemble(rows, lines)
}

pub async fn of_issuer(db: &Db, issuer: OrgScope) -> Result<Vec<Intervention>, ConventionError> {
    let (rows, lines) = sql::interventions_of_issuer(db, issuer).await?;
    assemble(rows, lines)
}

fn invalid(field: &'static str, message: impl Into<String>) -> ConventionError {
    ConventionError::Invalid { field, message: message.into() }
}

/// Records an intervention agreed on `agreed_on` with a member, priced on the rate card of the member's
/// convention in force that day. `lines` are (profile, days as typed: `1`, `0,5`, `2,5`).
pub async fn record(
    db: &Db,
    actor: Actor<'_>,
    member: &Organisation,
    subject: &str,
    agreement: &str,
    agreed_on: Date,
    lines: &[(String, String)],
) -> Result<Intervention, ConventionError> {
    let subject = subject.trim();
    if subject.is_empty() || subject.chars().count() > 300 {
        return Err(invalid("objet", "l'objet de l'intervention est obligatoire (300 caractères au plus)"));
    }
    let agreement = agreement.trim();
    if agreement.is_empty() {
        return Err(invalid("accord", "indiquez l'échange de courriels qui vaut accord (article 3)"));
    }
    let scope = OrgScope::granted(member.id);
    let year = i64::from(agreed_on.year());
    let convention = service::member_conventions(db, scope, member)
        .await?
        .into_iter()
        .find(|c| (c.period.first_year..=c.period.last_year()).contains(&year))
        .ok_or_else(|| invalid("accord", format!("{} n'a pas de convention en cours en {year}", member.name)))?;
    let rate_card = service::rate_card(db, &convention.period).await?;
    let mut priced = Vec::new();
    for (profile, days) in lines.iter().filter(|(_, days)| !days.trim().is_empty()) {
        let rate = rate_card.iter().find(|r| r.profile == *profile).ok_or_else(|| {
            invalid("profil", format!("profil « {profile} » absent du bordereau de prix de la période {}", convention.period.label()))
        })?;
        let half_days = rules::half_days(days)
            .ok_or_else(|| invalid("jours", format!("« {days} » : un nombre de jours ou de demi-journées est attendu (1, 0,5, 2,5…)")))?;
        priced.push((rate.profile.clone(), rate.label.clone(), half_days, rate.price));
    }
    if priced.is_empty() {
        return Err(invalid("jours", "indiquez au moins un profil et son nombre de jours"));
    }
    let issuer = invoicing::issuer(db).await?;
    let record = sql::InterventionRecord {
        issuer_organisation_id: issuer.id,
        convention_id: convention.convention.id,
        subject,
        agreement,
        agreed_on: &agreed_on.to_string(),
        lines: &priced,
    };
    let mut tx = db.begin().await?;
    let id = sql::insert_intervention(&mut tx, scope, &record).await?;
    let target = format!("intervention:{id}");
    let total: Cents = priced.iter().map(|(_, _, half_days, rate)| rules::price(*half_days, *rate)).sum();
    let entry = actor.entry(
        Some(member.id),
        AuditAction::InterventionRecorded,
        &target,
        json!({ "subject": subject, "excluding_tax": total.to_plain() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(Intervention {
        id,
        member_id: member.id,
        convention_id: convention.convention.id,
        invoiced_by: None,
        member_name: member.name.clone(),
        subject: subject.to_string(),
        agreement: agreement.to_string(),
        agreed_on,
        done_on: None,
        lines: priced.into_iter().map(|(profile, label, half_days, day_rate)| Line { profile, label, half_days, day_rate }).collect(),
    })
}

/// Records the "service fait" of an intervention: it is then due, with VAT.
pub async fn mark_done(db: &Db, actor: Actor<'_>, issuer: OrgScope, id: i64, done_on: Date) -> Result<Intervention, ConventionError> {
    let intervention = of_issuer(db, issuer)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| ConventionError::NotFound(format!("aucune intervention n° {id}")))?;
    if done_on < intervention.agreed_on {
        return Err(invalid("date", "le service ne peut être fait avant l'accord"));
    }
    let mut tx = db.begin().await?;
    if !sql::mark_intervention_done(&mut tx, issuer, id, &done_on.to_string()).await? {
        return Err(ConventionError::Conflict(format!("le service fait de l'intervention n° {id} est déjà enregistré")));
    }
    let target = format!("intervention:{id}");
    let entry =
        actor.entry(Some(intervention.member_id), AuditAction::InterventionDone, &target, json!({ "done_on": done_on.to_string() }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(Intervention { done_on: Some(done_on), ..intervention })
}
