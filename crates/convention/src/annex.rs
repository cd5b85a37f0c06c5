//! The cost-sharing tables of annexe 2: one row per (application, member kind, member), computed by
//! [`rules::share`], written as CSV, JSON or an HTML document.

use crate::rules::{self, Share};
use kernel::{Cents, Percent};
use serde::Serialize;

/// A member of the cost sharing: a commune, with the population the period counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub insee_code: String,
    pub name: String,
    pub population: u64,
}

/// An application's global cost over the period and the Métropole's participation per member kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationCost {
    pub application: String,
    pub global_cost: Cents,
    pub commune_participation: Percent,
    pub ccas_participation: Percent,
}

/// Kinds of member charged in annexe 2. A CCAS pays on its commune's population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberKind {
    Commune,
    Ccas,
}

impl MemberKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::Ccas => "ccas",
        }
    }

    pub fn label_plural(self) -> &'static str {
        match self {
            Self::Commune => "Communes",
            Self::Ccas => "CCAS",
        }
    }
}

/// One figure line of annexe 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffRow {
    pub application: String,
    pub global_cost: Cents,
    pub kind: MemberKind,
    pub participation: Percent,
    pub insee_code: String,
    pub name: String,
    pub population: u64,
    pub share: Share,
}

/// Computes every row: for each application, the communes' table then the CCAS' table, members in
/// the order given. The total population is the sum of the members' populations.
pub fn table(members: &[Member], applications: &[ApplicationCost], years: u32) -> Vec<TariffRow> {
    let total: u64 = members.iter().map(|m| m.population).sum();
    let mut rows = Vec::with_capacity(members.len() * applications.len() * 2);
    for application in applications {
        for (kind, participation) in
            [(MemberKind::Commune, application.commune_participation), (MemberKind::Ccas, application.ccas_participation)]
        {
            for member in members {
                rows.push(TariffRow {
                    application: application.application.clone(),
                    global_cost: application.global_cost,
                    kind,
                    participation,
                    insee_code: member.insee_code.clone(),
                    name: member.name.clone(),
                    population: member.population,
                    share: rules::share(application.global_cost, member.population, total, years, participation),
                });
            }
        }
    }
    rows
}

/// The header of the CSV contract (that of `annexe2_tariffs_2019_2021.csv`).
pub const CSV_HEADER: [&str; 10] = [
    "application",
    "application_global_cost_3y_eur_ht",
    "member_kind",
    "metropole_participation_pct",
    "insee_code",
    "commune",
    "population",
    "cost_3y_eur",
    "cost_annual_eur",
    "cost_annual_after_participation_eur",
];

/// CSV as RFC 4180 writes it (CRLF line ends), like the reference file of annexe 2.
pub fn to_csv(rows: &[TariffRow]) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    writer.write_record(CSV_HEADER).expect("writing to memory");
    for r in rows {
        writer
            .write_record([
                r.application.as_str(),
                &r.global_cost.to_plain_compact(),
                r.kind.code(),
                &r.participation.to_plain(),
                &r.insee_code,
                &r.name,
                &r.population.to_string(),
                &r.share.cost_period.to_plain(),
                &r.share.cost_annual.to_plain(),
                &r.share.cost_annual_after_participation.to_plain(),
            ])
            .expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("UTF-8 input gives UTF-8 output")
}

#[derive(Serialize)]
struct JsonRow<'a> {
    application: &'a str,
    application_global_cost_3y_eur_ht: String,
    member_kind: &'static str,
    metropole_participation_pct: String,
    insee_code: &'a str,
    commune: &'a str,
    population: u64,
    cost_3y_eur: String,
    cost_annual_eur: String,
    cost_annual_after_participation_eur: String,
}

/// The same rows as JSON objects with the CSV's field names; amounts are decimal strings, so that no
/// reader turns them into floating-point numbers.
pub fn to_json(rows: &[TariffRow]) -> String {
    let rows: Vec<JsonRow> = rows
        .iter()
        .map(|r| JsonRow {
            application: &r.application,
            application_global_cost_3y_eur_ht: r.global_cost.to_plain(),
            member_kind: r.kind.code(),
            metropole_participation_pct: r.participation.to_plain(),
            insee_code: &r.insee_code,
            commune: &r.name,
            population: r.population,
            cost_3y_eur: r.share.cost_period.to_plain(),
            cost_annual_eur: r.share.cost_annual.to_plain(),
            cost_annual_after_participation_eur: r.share.cost_annual_after_participation.to_plain(),
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("rows serialise") + "\n"
}

/// One table of the annexe: an application and a member kind, with its totals.
pub struct AnnexTable<'a> {
    pub application: &'a str,
    pub global_cost: Cents,
    pub kind: MemberKind,
    pub participation: Percent,
    pub rows: Vec<&'a TariffRow>,
}

impl AnnexTable<'_> {
    pub fn total_population(&self) -> u64 {
        self.rows.iter().map(|r| r.population).sum()
    }
    pub fn total_period(&self) -> Cents {
        self.rows.iter().map(|r| r.share.cost_period).sum()
    }
    pub fn total_annual(&self) -> Cents {
        self.rows.iter().map(|r| r.share.cost_annual).sum()
    }
    pub fn total_after(&self) -> Cents {
        self.rows.iter().map(|r| r.share.cost_annual_after_participation).sum()
    }
}

/// Groups rows into the tables of the annexe, in order.
pub fn tables(rows: &[TariffRow]) -> Vec<AnnexTable<'_>> {
    let mut tables: Vec<AnnexTable> = Vec::new();
    for row in rows {
        match tables.last_mut() {
            Some(t) if t.application == row.application && t.kind == row.kind => t.rows.push(row),
            _ => tables.push(AnnexTable {
                application: &row.application,
                global_cost: row.global_cost,
                kind: row.kind,
                participation: row.participation,
                rows: vec![row],
            }),
        }
    }
    tables
}

/// Display names of applications, by code (the code itself when unknown).
#[derive(Debug, Clone, Default)]
pub struct ApplicationNames(pub Vec<(String, String)>);

impl ApplicationNames {
    pub fn name_of<'a>(&'a self, code: &'a str) -> &'a str {
        self.0.iter().find(|(c, _)| c == code).map_or(code, |(_, name)| name.as_str())
    }
}

#[derive(askama::Template)]
#[template(path = "annex_document.html")]
struct AnnexDocument<'a> {
    title: &'a str,
    tables: Vec<AnnexTable<'a>>,
    names: &'a ApplicationNames,
    years: u32,
    total_population: String,
    population_label: &'a str,
    heading_level: u8,
}

/// The tables as a standalone, accessible HTML document (French), with the formula applied.
pub fn to_html(rows: &[TariffRow], names: &ApplicationNames, years: u32, title: &str) -> String {
    let total: u64 = rows
        .first()
        .map(|first| rows.iter().filter(|r| r.application == first.application && r.kind == first.kind).map(|r| r.population).sum())
        .unwrap_or(0);
    let document = AnnexDocument {
        title,
        tables: tables(rows),
        names,
        years,
        total_population: total.to_string(),
        population_label: "Population",
        heading_level: 2,
    };
    askama::Template::render(&document).expect("the annex template renders")
}
