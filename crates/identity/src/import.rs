//! Import of organisations from CSV — the format of `data/organisations.csv`:
//! `kind,name,slug,insee_code,siren,postal_codes,population,population_year,parent_insee_code`.
//! Every line is checked before anything is written; the import is one transaction.

use crate::IdentityError;
use crate::service::{self, Actor, NewOrganisation};
use store::Db;

const COLUMNS: [&str; 9] =
    ["kind", "name", "slug", "insee_code", "siren", "postal_codes", "population", "population_year", "parent_insee_code"];

/// Why an import was refused, with the line of the file (header = line 1).
#[derive(Debug, thiserror::Error)]
#[error("ligne {line} : {error}")]
pub struct ImportError {
    pub line: u64,
    pub error: IdentityError,
}

/// Parses and validates the whole file, then writes it. Returns the number of organisations created.
pub async fn import_organisations(db: &Db, actor: Actor<'_>, csv_text: &str) -> Result<usize, ImportError> {
    let rows = parse(csv_text)?;
    let mut valid = Vec::with_capacity(rows.len());
    for (line, row) in &rows {
        valid.push((*line, service::validate_organisation(row).map_err(|error| ImportError { line: *line, error })?));
    }
    let fail = |line: u64| move |error: IdentityError| ImportError { line, error };
    let mut tx = db.begin().await.map_err(|e| fail(1)(e.into()))?;
    let count = valid.len();
    for (line, org) in valid {
        service::insert_organisation(&mut tx, actor, org).await.map_err(fail(line))?;
    }
    tx.commit().await.map_err(|e| fail(1)(e.into()))?;
    Ok(count)
}

fn parse(csv_text: &str) -> Result<Vec<(u64, NewOrganisation)>, ImportError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let header_error = |message: String| ImportError { line: 1, error: IdentityError::invalid("en-tête", message) };
    let headers = reader.headers().map_err(|e| header_error(e.to_string()))?.clone();
    let index: Vec<usize> = COLUMNS
        .iter()
        .map(|c| headers.iter().position(|h| h == *c).ok_or_else(|| header_error(format!("colonne « {c} » manquante"))))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record
            .map_err(|e| ImportError { line: e.position().map_or(0, |p| p.line()), error: IdentityError::invalid("csv", e.to_string()) })?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(index[i]).unwrap_or("").to_string();
        let optional = |i: usize| Some(field(i)).filter(|v| !v.is_empty());
        let number = |i: usize, name: &'static str| -> Result<Option<i64>, ImportError> {
            optional(i)
                .map(|v| {
                    v.parse::<i64>().map_err(|_| ImportError {
                        line,
                        error: IdentityError::invalid(name, format!("« {v} » n'est pas un nombre entier")),
                    })
                })
                .transpose()
        };
        rows.push((
            line,
            NewOrganisation {
                kind: field(0),
                name: field(1),
                slug: optional(2),
                insee_code: optional(3),
                siren: optional(4),
                postal_codes: vec![field(5)],
                population: number(6, "population")?,
                population_year: number(7, "population_year")?,
                parent_insee_code: optional(8),
            },
        ));
    }
    if rows.is_empty() {
        return Err(header_error("le fichier ne contient aucune organisation".into()));
    }
    Ok(rows)
}
