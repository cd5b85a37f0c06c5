//! Printed documents of the slice, rendered to PDF by the `docgen` leaf crate from typst templates.

use crate::annex::{AnnexTable, ApplicationNames};
use crate::model::Period;
use serde_json::json;

const ANNEXE2_TEMPLATE: &str = include_str!("../templates/annexe2.typ");
const TITRE_TEMPLATE: &str = include_str!("../templates/titre.typ");

/// The data of the annexe-2 document of a period.
pub fn annex_data(period: &Period, tables: &[AnnexTable<'_>], names: &ApplicationNames) -> serde_json::Value {
    let tables: Vec<serde_json::Value> = tables
        .iter()
        .map(|t| {
            let ccas = t.kind == crate::annex::MemberKind::Ccas;
            json!({
                "heading": format!("{} — {}", names.name_of(t.application), t.kind.label_plural()),
                "intro": format!("Coût forfaitaire global sur {} ans : {} HT ; participation de la Métropole : {}.", period.years, t.global_cost, t.participation),
                "member_header": if ccas { "CCAS de la commune" } else { "Commune" },
                "rows": t.rows.iter().map(|r| vec![
                    r.name.clone(),
                    r.population.to_string(),
                    r.share.cost_period.to_string(),
                    r.share.cost_annual.to_string(),
                    r.share.cost_annual_after_participation.to_string(),
                ]).collect::<Vec<_>>(),
                "total": [t.total_population().to_string(), t.total_period().to_string(), t.total_annual().to_string(), t.total_after().to_string()],
            })
        })
        .collect();
    json!({
        "title": format!("Convention {} — annexe 2 : tarification forfaitaire des solutions", period.label()),
        "formula": format!(
            "Coût sur la durée = coût global × population de la commune ÷ population totale ; coût annuel = ce coût ÷ {} ; après participation = coût annuel × (1 − taux de participation de la Métropole). Chaque montant est arrondi au centime, le demi-centime au-dessus, à partir de la valeur non arrondie. Un CCAS est tarifé sur la population de sa commune.",
            period.years
        ),
        "population_label": format!("Population {}", period.population_year),
        "years": period.years,
        "tables": tables,
    })
}

/// The annexe-2 tables of a period as a PDF document.
pub fn annex_pdf(period: &Period, tables: &[AnnexTable<'_>], names: &ApplicationNames) -> Result<Vec<u8>, docgen::DocError> {
    docgen::render_pdf(ANNEXE2_TEMPLATE, &annex_data(period, tables, names))
}

fn party(p: &crate::facturx::Party) -> serde_json::Value {
    let ids = [p.siren.as_ref().map(|s| format!("SIREN {s}")), p.siret.as_ref().map(|s| format!("SIRET {s}"))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" — ");
    let address = [
        p.address_line.clone(),
        Some([p.postal_code.clone(), p.town.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    json!({ "name": p.name, "ids": ids, "address": address })
}

/// The data of a titre de recette document: the same figures and deadlines as its PES and Factur-X forms.
pub fn titre_data(
    order: &crate::invoicing::RevenueOrder,
    seller: &crate::facturx::Party,
    buyer: &crate::facturx::Party,
) -> serde_json::Value {
    let fr = kernel::calendar::format_fr;
    let (tax_clause, totals) = match order.vat {
        Some(vat) => (
            format!("TVA au taux normal de {} sur les interventions (article 6 et annexe 3 de la convention).", vat.rate),
            vec![
                vec!["Total hors taxe".to_string(), order.excluding_tax().to_string()],
                vec![format!("TVA {}", vat.rate), vat.amount.to_string()],
                vec!["Total toutes taxes comprises".to_string(), order.total.to_string()],
            ],
        ),
        None => (
            "Montants facturés nets de taxe (article 6 de la convention).".to_string(),
            vec![vec!["Total net de taxe".to_string(), order.total.to_string()]],
        ),
    };
    json!({
        "reference": order.reference(),
        "year": order.year,
        "issued_on": fr(order.issued_on),
        "subject": order.subject(),
        "done_on": order.intervention.as_ref().map(|i| fr(i.done_on)),
        "seller": party(seller),
        "buyer": party(buyer),
        "lines": order.lines.iter().map(|l| vec![l.label.clone(), l.quantity.label(), l.unit_price.to_string(), l.amount.to_string()]).collect::<Vec<_>>(),
        "totals": totals,
        "clauses": [
            tax_clause,
            format!("Contestation possible par courriel au plus tard le {} (8 jours francs après réception) ; passé ce délai, le titre est réputé accepté (article 5).", fr(order.contest_deadline())),
            format!("À régler au plus tard le {} (30 jours à compter de la notification, article 5).", fr(order.payment_due())),
            format!(
                "Tout retard de paiement fait courir des intérêts moratoires au taux de la BCE majoré de 8 points et ouvre droit à une indemnité forfaitaire de {} (décret n° 2013-269 du 29 mars 2013).",
                crate::rules::invoicing::RECOVERY_COMPENSATION
            ),
        ],
    })
}

pub fn titre_pdf(
    order: &crate::invoicing::RevenueOrder,
    seller: &crate::facturx::Party,
    buyer: &crate::facturx::Party,
) -> Result<Vec<u8>, docgen::DocError> {
    docgen::render_pdf(TITRE_TEMPLATE, &titre_data(order, seller, buyer))
}
