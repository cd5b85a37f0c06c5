//! `communs tariffs`: the cost-sharing tables of annexe 2, from two CSV files or from the database.

use crate::config::Config;
use convention::annex::{self, ApplicationNames};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct TariffsArgs {
    /// MEMBERS.csv: insee_code,name,population.
    #[arg(long, requires = "applications", conflicts_with = "period")]
    pub members: Option<PathBuf>,
    /// APPLICATIONS.csv: application,global_cost_eur_ht,commune_participation_pct,ccas_participation_pct.
    #[arg(long, requires = "members", conflicts_with = "period")]
    pub applications: Option<PathBuf>,
    /// A convention period of the database, e.g. 2019-2021.
    #[arg(long, required_unless_present = "members")]
    pub period: Option<String>,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Years of the period (files only; a period of the database knows its own).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=99))]
    pub years: u32,
}

/// Input the command refuses: the message names the file and line; exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Computes the tables and renders them in the requested format.
pub async fn run(args: &TariffsArgs, config: &Config) -> anyhow::Result<String> {
    let (rows, names, years, title) = match (&args.members, &args.applications, &args.period) {
        (Some(members_path), Some(applications_path), _) => {
            let read = |path: &PathBuf| std::fs::read_to_string(path).map_err(|e| BadInput(format!("{} : {e}", path.display())));
            let members = convention::input::members(&members_path.display().to_string(), &read(members_path)?)
                .map_err(|e| BadInput(e.to_string()))?;
            let applications = convention::input::applications(&applications_path.display().to_string(), &read(applications_path)?)
                .map_err(|e| BadInput(e.to_string()))?;
            let rows = annex::table(&members, &applications, args.years);
            (rows, ApplicationNames::default(), args.years, "Tarification forfaitaire des solutions mutualisées".to_string())
        }
        (_, _, Some(code)) => {
            let db = crate::server::open_database(config).await?;
            let period = convention::service::period(&db, code).await.map_err(|e| BadInput(e.to_string()))?;
            let offers = convention::service::offers(&db, &period).await?;
            let rows = convention::service::annex_rows(&db, &period).await?;
            let names = ApplicationNames(offers.iter().map(|o| (o.application.code.clone(), o.application.name.clone())).collect());
            (rows, names, period.years as u32, format!("Convention {} — annexe 2 : tarification forfaitaire des solutions", period.label()))
        }
        _ => return Err(BadInput("indiquez --members et --applications, ou --period".into()).into()),
    };
    Ok(match args.format {
        Format::Csv => annex::to_csv(&rows),
        Format::Json => annex::to_json(&rows),
        Format::Html => annex::to_html(&rows, &names, years, &title),
    })
}
