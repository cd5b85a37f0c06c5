//! Titres de recette (articles 5 and 6), issued by the Métropole: one per member and year for the flat
//! fee, listing its subscribed applications net of tax; and one per intervention (article 3) once its
//! "service fait" is recorded, with VAT at the normal rate. Both share the issuer's yearly numbering.

use crate::interventions::{self, Intervention};
use crate::rules::invoicing as rules;
use crate::service::{self, MemberConvention};
use crate::{ConventionError, store as sql};
use identity::Organisation;
use identity::service::Actor;
use kernel::audit::AuditAction;
use kernel::{Cents, OrganisationKind};
use serde_json::json;
use store::audit;
use store::{Db, OrgScope};
use time::Date;
use time::macros::format_description;

/// How much of a line is invoiced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// One year of an application's flat fee.
    Year,
    /// Half-days of a profile of annexe 3.
    HalfDays(i64),
}

impl Quantity {
    /// The quantity as a decimal with a dot: `1`, `1.5`.
    pub fn decimal(self) -> String {
        match self {
            Quantity::Year => "1".into(),
            Quantity::HalfDays(n) if n % 2 == 0 => (n / 2).to_string(),
            Quantity::HalfDays(n) => format!("{}.5", n / 2),
        }
    }

    /// The unit in UN/ECE recommendation 20 codes: `ANN` (year), `DAY`.
    pub fn unit_code(self) -> &'static str {
        match self {
            Quantity::Year => "ANN",
            Quantity::HalfDays(_) => "DAY",
        }
    }

    /// `1 an`, `1,5 j`.
    pub fn label(self) -> String {
        match self {
            Quantity::Year => "1 an".into(),
            Quantity::HalfDays(_) => format!("{} j", self.decimal().replace('.', ",")),
        }
    }
}

/// A line of a titre: a subscribed application for the year, or a profile's days of an intervention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The application code, or the profile code of annexe 3.
    pub code: String,
    pub label: String,
    pub quantity: Quantity,
    pub unit_price: Cents,
    /// Amount excluding tax.
    pub amount: Cents,
}

/// VAT charged on a titre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vat {
    pub rate: kernel::Percent,
    pub amount: Cents,
}

/// The intervention a titre invoices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoicedIntervention {
    pub id: i64,
    pub subject: String,
    pub done_on: Date,
}

/// A titre de recette of the convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevenueOrder {
    pub id: i64,
    pub debtor_id: i64,
    pub debtor_name: String,
    pub debtor_siren: Option<String>,
    pub debtor_kind: OrganisationKind,
    pub year: i64,
    pub number: i64,
    pub issued_on: Date,
    pub lines: Vec<Line>,
    /// Amount due, VAT included.
    pub total: Cents,
    pub paid_on: Option<Date>,
    /// `None` for the yearly flat fee.
    pub intervention: Option<InvoicedIntervention>,
    /// `None` for the flat fee, outside the scope of VAT.
    pub vat: Option<Vat>,
}

/// `T2020-0001`: a titre's reference from its year and number in the issuer's yearly series.
pub fn reference(year: i64, number: i64) -> String {
    format!("T{year}-{number:04}")
}

/// The ECB main refinancing rates shipped with the product (`data/ecb_main_refinancing_rates.csv`),
/// sorted by date: the base of late-payment interest.
pub fn ecb_rates() -> &'static [(Date, kernel::Percent)] {
    static RATES: std::sync::OnceLock<Vec<(Date, kernel::Percent)>> = std::sync::OnceLock::new();
    RATES.get_or_init(|| {
        include_str!("../../../data/ecb_main_refinancing_rates.csv")
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (date, rate) = line.split_once(',')?;
                Some((parse_date(date).ok()?, kernel::Percent::parse(rate).ok()?))
            })
            .collect()
    })
}

impl RevenueOrder {
    /// Interest and compensation owed for a payment made after the due date (décret 2013-269).
    pub fn late_payment(&self) -> Option<rules::LatePayment> {
        rules::late_payment(self.total, self.payment_due(), self.paid_on?, ecb_rates())
    }

    /// `T2020-0001`.
    pub fn reference(&self) -> String {
        reference(self.year, self.number)
    }

    pub fn excluding_tax(&self) -> Cents {
        self.total - self.vat.map_or(Cents(0), |v| v.amount)
    }

    /// The VAT of each line: each line's own, rounded, with the rounding difference on the last line so
    /// that the lines add up to the titre's VAT, computed on its total (EN 16931 BR-CO-17).
    pub fn line_vats(&self) -> Vec<Cents> {
        let Some(vat) = self.vat else { return vec![Cents(0); self.lines.len()] };
        let mut vats: Vec<Cents> = self.lines.iter().map(|l| crate::rules::interventions::vat(l.amount, vat.rate)).collect();
        let before_last: Cents = vats.iter().rev().skip(1).copied().sum();
        if let Some(last) = vats.last_mut() {
            *last = vat.amount - before_last;
        }
        vats
    }

    /// What the titre is for, in a sentence.
    pub fn subject(&self) -> String {
        match &self.intervention {
            Some(i) => format!("Intervention (article 3 de la convention) : {}", i.subject),
            None => format!("Convention de gestion de services numériques communs, forfait annuel {}", self.year),
        }
    }

    /// Last day to contest, taking the issue day as the day of receipt through Chorus.
    pub fn contest_deadline(&self) -> Date {
        rules::contest_deadline(self.issued_on)
    }

    /// Payment due date, counted from the issue (notification) day.
    pub fn payment_due(&self) -> Date {
        rules::payment_due(self.issued_on)
    }

    /// Whether a flat-fee titre was issued after 30 September of its year (article 5); interventions are
    /// invoiced whenever their service is done.
    pub fn issued_late(&self) -> bool {
        self.intervention.is_none() && self.issued_on > rules::issue_deadline(self.year as i32)
    }
}

pub fn parse_date(text: &str) -> Result<Date, ConventionError> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| ConventionError::Invalid { field: "date", message: format!("« {text} » n'est pas une date AAAA-MM-JJ") })
}

fn assemble(
    rows: Vec<sql::RevenueOrderRow>,
    lines: Vec<sql::RevenueOrderLineRow>,
    interventions: &[Intervention],
) -> Result<Vec<RevenueOrder>, ConventionError> {
    rows.into_iter()
        .map(|r| {
            let invoiced = r.intervention_id.and_then(|id| interventions.iter().find(|i| i.id == id));
            let lines: Vec<Line> = match invoiced {
                Some(intervention) => intervention
                    .lines
                    .iter()
                    .map(|l| Line {
                        code: l.profile.clone(),
                        label: l.label.clone(),
                        quantity: Quantity::HalfDays(l.half_days),
                        unit_price: l.day_rate,
                        amount: l.price(),
                    })
                    .collect(),
                None => lines
                    .iter()
                    .filter(|l| l.revenue_order_id == r.id)
                    .map(|l| Line {
                        code: l.application_code.clone(),
                        label: l.label.clone(),
                        quantity: Quantity::Year,
                        unit_price: Cents(l.amount_cents),
                        amount: Cents(l.amount_cents),
                    })
                    .collect(),
            };
            let vat = (r.vat_rate_millionths > 0)
                .then(|| kernel::Percent::from_millionths(r.vat_rate_millionths).map(|rate| Vat { rate, amount: Cents(r.vat_cents) }))
                .flatten();
            Ok(RevenueOrder {
                id: r.id,
                debtor_id: r.organisation_id,
                debtor_name: r.debtor_name,
                debtor_siren: r.debtor_siren,
                debtor_kind: r.debtor_kind.parse().unwrap_or(OrganisationKind::Commune),
                year: r.year,
                number: r.number,
                issued_on: parse_date(&r.issued_on)?,
                lines,
                total: Cents(r.total_cents),
                paid_on: r.paid_on.as_deref().map(parse_date).transpose()?,
                intervention: match invoiced {
                    Some(i) => Some(InvoicedIntervention {
                        id: i.id,
                        subject: i.subject.clone(),
                        done_on: i
                            .done_on
                            .ok_or_else(|| ConventionError::Conflict(format!("intervention {} facturée sans service fait", i.id)))?,
                    }),
                    None => None,
                },
                vat,
            })
        })
        .collect()
}

/// The titres a member received, newest first.
pub async fn of_debtor(db: &Db, scope: OrgScope) -> Result<Vec<RevenueOrder>, ConventionError> {
    let interventions = interventions::of_member(db, scope).await?;
    assemble(sql::revenue_orders_of_debtor(db, scope).await?, sql::revenue_order_lines(db, scope).await?, &interventions)
}

/// One of a member's titres, by its reference (`T2020-0001`).
pub async fn of_debtor_by_reference(db: &Db, scope: OrgScope, reference: &str) -> Result<Option<RevenueOrder>, ConventionError> {
    Ok(of_debtor(db, scope).await?.into_iter().find(|t| t.reference() == reference))
}

/// The titres the Métropole issued for a year, by number.
pub async fn of_issuer(db: &Db, issuer: OrgScope, year: i64) -> Result<Vec<RevenueOrder>, ConventionError> {
    let interventions = interventions::of_issuer(db, issuer).await?;
    assemble(
        sql::revenue_orders_of_issuer(db, issuer, year).await?,
        sql::revenue_order_lines_of_issuer(db, issuer, year).await?,
        &interventions,
    )
}

/// The organisation that hosts the shared services and issues the titres: the Métropole.
pub async fn issuer(db: &Db) -> Result<Organisation, ConventionError> {
    let mut metropoles: Vec<Organisation> = identity::service::organisations(db)
        .await
        .map_err(|e| ConventionError::NotFound(e.to_string()))?
        .into_iter()
        .filter(|o| o.kind == OrganisationKind::Metropole)
        .collect();
    match metropoles.len() {
        1 => Ok(metropoles.remove(0)),
        0 => Err(ConventionError::NotFound("aucune métropole sur la plateforme : elle émet les titres de recette".into())),
        _ => Err(ConventionError::Conflict("plusieurs métropoles sur la plateforme : l'émettrice des titres est ambiguë".into())),
    }
}

/// What an issuing run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueReport {
    pub issued: Vec<(String, Cents)>,
    pub already_issued: usize,
    /// Issued after 30 September of the year (article 5).
    pub late: bool,
}

/// Issues the titres of `year` on `issued_on` to every member whose convention covers the year and that
/// has none yet. Amounts are those of the convention (annual cost after participation). One transaction.
pub async fn issue_year(db: &Db, actor: Actor<'_>, year: i64, issued_on: Date) -> Result<IssueReport, ConventionError> {
    if i64::from(issued_on.year()) < year {
        return Err(ConventionError::Invalid {
            field: "date",
            message: format!("le titre de {year} ne peut être émis avant le 1er janvier {year}"),
        });
    }
    let issuer = issuer(db).await?;
    let mut plans: Vec<(Organisation, MemberConvention)> = Vec::new();
    for organisation_id in sql::organisations_with_conventions(db).await? {
        let organisation = identity::service::organisations(db)
            .await
            .map_err(|e| ConventionError::NotFound(e.to_string()))?
            .into_iter()
            .find(|o| o.id == organisation_id)
            .ok_or_else(|| ConventionError::NotFound(format!("organisation {organisation_id}")))?;
        let conventions = service::member_conventions(db, OrgScope::granted(organisation.id), &organisation).await?;
        if let Some(convention) = conventions.into_iter().find(|c| (c.period.first_year..=c.period.last_year()).contains(&year)) {
            plans.push((organisation, convention));
        }
    }
    let issued_text = issued_on.to_string();
    let mut report = IssueReport { issued: Vec::new(), already_issued: 0, late: issued_on > rules::issue_deadline(year as i32) };
    let mut tx = db.begin().await?;
    for (organisation, convention) in plans {
        let scope = OrgScope::granted(organisation.id);
        if sql::has_revenue_order(&mut tx, scope, year).await? {
            report.already_issued += 1;
            continue;
        }
        let lines: Vec<(String, String, Cents)> = convention
            .charges
            .iter()
            .filter(|c| c.subscription.active_in(year))
            .filter_map(|c| {
                let amount = c.share?.cost_annual_after_participation;
                (amount > Cents(0))
                    .then(|| (c.application.application.code.clone(), format!("{} — année {year}", c.application.application.name), amount))
            })
            .collect();
        if lines.is_empty() {
            continue;
        }
        let record = sql::RevenueOrderRecord {
            issuer_organisation_id: issuer.id,
            convention_id: convention.convention.id,
            year,
            issued_on: &issued_text,
            lines: &lines,
        };
        sql::insert_revenue_order(&mut tx, scope, &record).await?;
        let total: Cents = lines.iter().map(|l| l.2).sum();
        let target = format!("titre:{year}:{}", organisation.slug);
        let entry = actor.entry(
            Some(organisation.id),
            AuditAction::RevenueOrderIssued,
            &target,
            json!({ "year": year, "total": total.to_plain(), "issued_on": issued_text }),
        );
        audit::record(&mut tx, entry).await?;
        report.issued.push((organisation.name.clone(), total));
    }
    tx.commit().await?;
    Ok(report)
}

/// The PES_Aller document of a year's titres: (file name, XML, number of titres).
pub async fn pes_document(db: &Db, year: i64, created_on: Date) -> Result<(String, String, usize), ConventionError> {
    let accounting: crate::pes::Accounting = match store::settings::get(db, crate::catalogue::ACCOUNTING_SETTING).await? {
        Some(json) => {
            serde_json::from_str(&json).map_err(|e| ConventionError::Catalogue(format!("paramètres comptables illisibles : {e}")))?
        }
        None => {
            return Err(ConventionError::NotFound(
                "paramètres comptables PES absents : importez un catalogue avec une section [accounting]".into(),
            ));
        }
    };
    let issuer = issuer(db).await?;
    let orders = of_issuer(db, OrgScope::granted(issuer.id), year).await?;
    if orders.is_empty() {
        return Err(ConventionError::NotFound(format!("aucun titre de recette émis pour {year}")));
    }
    let organisations = identity::service::organisations(db).await.map_err(|e| ConventionError::NotFound(e.to_string()))?;
    let debtor_of = |order: &RevenueOrder| {
        let debtor = organisations.iter().find(|o| o.id == order.debtor_id);
        let town = debtor.and_then(|d| d.parent_id).and_then(|p| organisations.iter().find(|o| o.id == p)).or(debtor);
        crate::pes::Debtor {
            kind: order.debtor_kind,
            name: match order.debtor_kind {
                OrganisationKind::Commune => format!("Commune de {}", order.debtor_name),
                _ => order.debtor_name.clone(),
            },
            siren: order.debtor_siren.clone(),
            postal_code: debtor.and_then(|d| d.postal_codes.first().cloned()).unwrap_or_default(),
            town: town.map(|t| t.name.clone()).unwrap_or_default(),
        }
    };
    let xml = crate::pes::pes_aller(&accounting, year, &orders, debtor_of, created_on);
    Ok((crate::pes::file_name(&accounting, year), xml, orders.len()))
}

/// Writes the PES_Aller file of a year's titres into `out_dir` and returns its path and the titres count.
pub async fn export_pes(
    db: &Db,
    year: i64,
    out_dir: &std::path::Path,
    created_on: Date,
) -> Result<(std::path::PathBuf, usize), ConventionError> {
    let (name, xml, count) = pes_document(db, year, created_on).await?;
    std::fs::create_dir_all(out_dir).map_err(|e| ConventionError::Store(e.into()))?;
    let path = out_dir.join(name);
    std::fs::write(&path, xml).map_err(|e| ConventionError::Store(e.into()))?;
    Ok((path, count))
}

/// Records that the titre `reference` (`T2020-0001`) of the issuer was paid on `paid_on`; returns the
/// titre as it now stands, with any late-payment interest owed.
pub async fn record_payment(
    db: &Db,
    actor: Actor<'_>,
    issuer: OrgScope,
    reference: &str,
    paid_on: Date,
) -> Result<RevenueOrder, ConventionError> {
    let unknown = || ConventionError::NotFound(format!("aucun titre de recette « {reference} »"));
    let year = reference.strip_prefix('T').and_then(|r| r.split_once('-')).and_then(|(y, _)| y.parse::<i64>().ok()).ok_or_else(unknown)?;
    let order = of_issuer(db, issuer, year).await?.into_iter().find(|o| o.reference() == reference).ok_or_else(unknown)?;
    if paid_on < order.issued_on {
        return Err(ConventionError::Invalid {
            field: "date",
            message: format!("le paiement ne peut précéder l'émission du titre ({})", order.issued_on),
        });
    }
    let mut tx = db.begin().await?;
    if !sql::record_payment(&mut tx, issuer, order.id, &paid_on.to_string()).await? {
        return Err(ConventionError::Conflict(format!("le titre {} est déjà payé", order.reference())));
    }
    let target = format!("titre:{}", order.reference());
    let entry = actor.entry(Some(order.debtor_id), AuditAction::RevenueOrderPaid, &target, json!({ "paid_on": paid_on.to_string() }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(RevenueOrder { paid_on: Some(paid_on), ..order })
}

/// Issues the titre of an intervention whose "service fait" is recorded (articles 3 and 6): its days at
/// the rates of annexe 3, VAT at the normal rate, numbered in the issuer's series of the issue year.
pub async fn invoice_intervention(
    db: &Db,
    actor: Actor<'_>,
    issuer: OrgScope,
    intervention_id: i64,
    issued_on: Date,
) -> Result<RevenueOrder, ConventionError> {
    let intervention = interventions::of_issuer(db, issuer)
        .await?
        .into_iter()
        .find(|i| i.id == intervention_id)
        .ok_or_else(|| ConventionError::NotFound(format!("aucune intervention n° {intervention_id}")))?;
    let Some(done_on) = intervention.done_on else {
        return Err(ConventionError::Invalid {
            field: "service fait",
            message: "une intervention est facturée après service fait (article 6) : enregistrez-le d'abord".into(),
        });
    };
    if issued_on < done_on {
        return Err(ConventionError::Invalid {
            field: "date",
            message: format!("le titre ne peut précéder le service fait ({})", kernel::calendar::format_fr(done_on)),
        });
    }
    if let Some(reference) = &intervention.invoiced_by {
        return Err(ConventionError::Conflict(format!("l'intervention n° {intervention_id} est déjà facturée par le titre {reference}")));
    }
    let year = i64::from(issued_on.year());
    let rate = crate::rules::interventions::normal_vat_rate();
    let record = sql::InterventionTitreRecord {
        convention_id: intervention.convention_id,
        intervention_id,
        year,
        issued_on: &issued_on.to_string(),
        total: intervention.including_tax(),
        vat_rate_millionths: rate.millionths(),
        vat: intervention.vat(),
    };
    let mut tx = db.begin().await?;
    let number = sql::insert_intervention_titre(&mut tx, issuer, OrgScope::granted(intervention.member_id), &record).await?;
    let target = format!("titre:{}", reference(year, number));
    let entry = actor.entry(
        Some(intervention.member_id),
        AuditAction::RevenueOrderIssued,
        &target,
        json!({ "intervention": intervention_id, "total": intervention.including_tax().to_plain(), "issued_on": issued_on.to_string() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    of_issuer(db, issuer, year)
        .await?
        .into_iter()
        .find(|o| o.number == number)
        .ok_or_else(|| ConventionError::NotFound(format!("titre {} introuvable après émission", reference(year, number))))
}
