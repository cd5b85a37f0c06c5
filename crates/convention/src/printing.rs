//! Printed documents of the slice, rendered to PDF by the `docgen` leaf crate from typst templates.

use crate::annex::{AnnexTable, ApplicationNames};
use crate::model::Period;
use serde_json::json;

const ANNEXE2_TEMPLATE: &str = include_str!("../templates/annexe2.typ");

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
