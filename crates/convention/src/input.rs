//! Reading the inputs of `communs tariffs`: MEMBERS.csv (`insee_code,name,population`) and
//! APPLICATIONS.csv (`application,global_cost_eur_ht,commune_participation_pct,ccas_participation_pct`).
//! Every error names the file's line (the header is line 1).

use crate::annex::{ApplicationCost, Member};
use kernel::{Cents, InseeCode, Percent};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, ligne {line} : {message}")]
pub struct InputError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// A CSV file with named columns, read record by record with line numbers.
struct Table {
    file: String,
    records: Vec<(u64, Vec<String>)>,
}

impl Table {
    fn read(file: &str, text: &str, required: &[&str]) -> Result<Self, InputError> {
        let error = |line: u64, message: String| InputError { file: file.to_string(), line, message };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| error(1, format!("en-tête illisible : {e}")))?.clone();
        if headers.iter().all(str::is_empty) {
            return Err(error(1, "fichier vide".into()));
        }
        let columns = required
            .iter()
            .map(|c| {
                headers
                    .iter()
                    .position(|h| h == *c)
                    .ok_or_else(|| error(1, format!("colonne « {c} » manquante (attendu : {})", required.join(","))))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| error(e.position().map_or(0, |p| p.line()), format!("ligne illisible : {e}")))?;
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(str::is_empty) {
                continue;
            }
            records.push((line, columns.iter().map(|&i| record.get(i).unwrap_or("").to_string()).collect()));
        }
        if records.is_empty() {
            return Err(error(1, "le fichier ne contient aucune ligne de données".into()));
        }
        Ok(Self { file: file.to_string(), records })
    }

    fn error(&self, line: u64, message: String) -> InputError {
        InputError { file: self.file.clone(), line, message }
    }
}

/// Reads MEMBERS.csv: each commune once, with a positive population.
pub fn members(file: &str, text: &str) -> Result<Vec<Member>, InputError> {
    let table = Table::read(file, text, &["insee_code", "name", "population"])?;
    let mut seen = HashSet::new();
    let mut members = Vec::with_capacity(table.records.len());
    for (line, fields) in &table.records {
        let insee = InseeCode::parse(&fields[0]).map_err(|e| table.error(*line, e.to_string()))?;
        if !seen.insert(insee.clone()) {
            return Err(table.error(*line, format!("code INSEE {insee} en double")));
        }
        if fields[1].is_empty() {
            return Err(table.error(*line, "nom de commune manquant".into()));
        }
        let population = fields[2].parse::<i64>().ok().filter(|p| *p > 0).ok_or_else(|| {
            table.error(*line, format!("population « {} » invalide : un entier strictement positif est attendu", fields[2]))
        })?;
        members.push(Member { insee_code: insee.as_str().to_string(), name: fields[1].clone(), population: population as u64 });
    }
    Ok(members)
}

/// Reads APPLICATIONS.csv: each application once, a non-negative cost, rates between 0 and 100.
pub fn applications(file: &str, text: &str) -> Result<Vec<ApplicationCost>, InputError> {
    let table = Table::read(file, text, &["application", "global_cost_eur_ht", "commune_participation_pct", "ccas_participation_pct"])?;
    let mut seen = HashSet::new();
    let mut applications = Vec::with_capacity(table.records.len());
    for (line, fields) in &table.records {
        if fields[0].is_empty() {
            return Err(table.error(*line, "nom d'application manquant".into()));
        }
        if !seen.insert(fields[0].clone()) {
            return Err(table.error(*line, format!("application « {} » en double", fields[0])));
        }
        let global_cost = Cents::parse_euros(&fields[1]).map_err(|e| table.error(*line, format!("coût global : {e}")))?;
        let rate = |i: usize, what: &str| Percent::parse(&fields[i]).map_err(|e| table.error(*line, format!("participation {what} : {e}")));
        applications.push(ApplicationCost {
            application: fields[0].clone(),
            global_cost,
            commune_participation: rate(2, "communes")?,
            ccas_participation: rate(3, "CCAS")?,
        });
    }
    Ok(applications)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_errors_name_the_line() {
        let cases = [
            ("", 1, "fichier vide"),
            ("insee_code,name,population\n", 1, "aucune ligne"),
            ("insee_code,name\n34022,Baillargues\n", 1, "colonne « population » manquante"),
            ("insee_code,name,population\n34022,Baillargues,7519\n34022,Baillargues,7519\n", 3, "en double"),
            ("insee_code,name,population\n34022,Baillargues,7519\n34027,Beaulieu,0\n", 3, "strictement positif"),
            ("insee_code,name,population\n34022,Baillargues,-5\n", 2, "strictement positif"),
            ("insee_code,name,population\n34022,Baillargues,beaucoup\n", 2, "invalide"),
            ("insee_code,name,population\n3402,Baillargues,7519\n", 2, "INSEE"),
            ("insee_code,name,population\n34022,,7519\n", 2, "nom"),
        ];
        for (text, line, message) in cases {
            let error = members("MEMBERS.csv", text).unwrap_err();
            assert_eq!(error.line, line, "{text:?}: {error}");
            assert!(error.to_string().contains(message), "{text:?}: {error}");
            assert!(error.to_string().starts_with(&format!("MEMBERS.csv, ligne {line} : ")));
        }
        let ok = members("m", "\u{feff}name,population,insee_code\nBaillargues,7519,34022\n").unwrap();
        assert_eq!(ok, vec![Member { insee_code: "34022".into(), name: "Baillargues".into(), population: 7519 }]);
    }

    #[test]
    fn applications_errors_name_the_line() {
        let header = "application,global_cost_eur_ht,commune_participation_pct,ccas_participation_pct\n";
        let cases = [
            (format!("{header}e-administration,25000,50,101\n"), 2, "participation CCAS"),
            (format!("{header}e-administration,25000,-1,80\n"), 2, "participation communes"),
            (format!("{header}e-administration,-25000,50,80\n"), 2, "coût global"),
            (format!("{header}e-administration,25000,50,80\ne-administration,1,50,80\n"), 3, "en double"),
            ("application,global_cost_eur_ht\nx,1\n".to_string(), 1, "commune_participation_pct"),
        ];
        for (text, line, message) in cases {
            let error = applications("APPLICATIONS.csv", &text).unwrap_err();
            assert_eq!(error.line, line, "{text:?}: {error}");
            assert!(error.to_string().contains(message), "{text:?}: {error}");
        }
        let ok = applications("a", &format!("{header}e-services,20000.50,50,33.5\n")).unwrap();
        assert_eq!(ok[0].global_cost, Cents(2_000_050));
        assert_eq!(ok[0].ccas_participation.to_plain(), "33.5");
    }
}
