//! `communs invoices`: issuing the yearly titres de recette and exporting them as PES V2 files.

use crate::config::Config;
use crate::tariffs::BadInput;
use convention::ConventionError;
use identity::service::Actor;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum InvoicesCommand {
    /// Issue the titres de recette of a year to every member with a convention (once per member and year).
    Issue {
        #[arg(long)]
        year: i64,
        /// Issue date, YYYY-MM-DD (today by default); article 5 wants 30 September at the latest.
        #[arg(long)]
        date: Option<String>,
    },
    /// Write the PES_Aller file (PES_RecetteAller bordereau) of a year's titres into a folder.
    Pes {
        #[arg(long)]
        year: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

fn refused(error: ConventionError) -> anyhow::Error {
    match error {
        ConventionError::Store(e) => anyhow::Error::new(e),
        other => BadInput(other.to_string()).into(),
    }
}

fn today() -> time::Date {
    store::clock::today_paris()
}

pub async fn run(command: &InvoicesCommand, config: &Config) -> anyhow::Result<String> {
    let db = crate::server::open_database(config).await?;
    match command {
        InvoicesCommand::Issue { year, date } => {
            let issued_on = match date {
                Some(text) => convention::invoicing::parse_date(text).map_err(refused)?,
                None => today(),
            };
            let report = convention::invoicing::issue_year(&db, Actor::cli(), *year, issued_on).await.map_err(refused)?;
            let mut out = format!("{} titre(s) de recette émis pour {year} le {issued_on}", report.issued.len());
            if report.already_issued > 0 {
                out.push_str(&format!(" ; {} membre(s) avaient déjà le leur", report.already_issued));
            }
            out.push('\n');
            for (name, total) in &report.issued {
                out.push_str(&format!("  {name} : {}\n", total.to_plain()));
            }
            if report.late {
                out.push_str("Attention : émis après le 30 septembre, délai de l'article 5 de la convention dépassé.\n");
            }
            Ok(out)
        }
        InvoicesCommand::Pes { year, out } => {
            let (path, count) = convention::invoicing::export_pes(&db, *year, out, today()).await.map_err(refused)?;
            Ok(format!("{} : {count} titre(s) de {year}\n", path.display()))
        }
    }
}
