//! Acts: reading them with their documents, and creating them from an upload or from a deliberation of
//! the assembly slice.

use crate::ActsError;
use crate::legality::{Classification, InternalNumber, MatterCodes, Nature, PieceTypeCode, check_subject};
use crate::model::{Act, ActState, Annex, Direction, Event, Message};
use crate::store::acts::{self as sql, ActRow, AnnexRow, NewAct};
use store::blobs::BlobStore;
use store::{Db, OrgScope, Tx};
use time::Date;

/// An act read with its annexes.
pub async fn act(db: &Db, scope: OrgScope, id: i64) -> Result<Option<Act>, ActsError> {
    match sql::get(db, scope, id).await? {
        Some(row) => Ok(Some(assemble(row, sql::annexes(db, scope, id).await?)?)),
        None => Ok(None),
    }
}

/// The act of register number (e.g. `M2021-641`) or internal number `number`.
pub async fn act_by_number(db: &Db, scope: OrgScope, number: &str) -> Result<Option<Act>, ActsError> {
    match sql::by_number(db, scope, number).await? {
        Some(row) => {
            let id = row.id;
            Ok(Some(assemble(row, sql::annexes(db, scope, id).await?)?))
        }
        None => Ok(None),
    }
}

/// Every act of the organisation, newest decision first (annexes not read).
pub async fn acts(db: &Db, scope: OrgScope) -> Result<Vec<Act>, ActsError> {
    sql::list(db, scope).await?.into_iter().map(|row| assemble(row, Vec::new())).collect()
}

/// The published acts, newest publication first (annexes not read).
pub async fn published(db: &Db, scope: OrgScope) -> Result<Vec<Act>, ActsError> {
    sql::published(db, scope).await?.into_iter().map(|row| assemble(row, Vec::new())).collect()
}

pub async fn history(db: &Db, scope: OrgScope, act_id: i64) -> Result<Vec<Event>, ActsError> {
    Ok(sql::events(db, scope, act_id)
        .await?
        .into_iter()
        .map(|e| Event { at: e.at, kind: e.kind, actor: e.actor, detail: e.detail })
        .collect())
}

pub async fn messages(db: &Db, scope: OrgScope, act_id: i64) -> Result<Vec<Message>, ActsError> {
    Ok(sql::messages(db, scope, act_id)
        .await?
        .into_iter()
        .map(|m| Message {
            id: m.id,
            direction: if m.direction == "sent" { Direction::Sent } else { Direction::Received },
            kind: m.kind,
            file_name: m.file_name,
            sha256: m.sha256,
            summary: m.summary,
            at: m.at,
        })
        .collect())
}

pub(crate) fn assemble(row: ActRow, annexes: Vec<AnnexRow>) -> Result<Act, ActsError> {
    let corrupt = |what: &str| ActsError::Invalid(format!("acte {} : {what} enregistré illisible", row.id));
    Ok(Act {
        id: row.id,
        nature: Nature::from_letters(&row.nature).map_err(|_| corrupt("nature"))?,
        decided_on: parse_date(&row.decided_on).map_err(|_| corrupt("date de décision"))?,
        received_on: row.received_on.as_deref().map(parse_date).transpose().map_err(|_| corrupt("date de réception"))?,
        state: ActState::parse(&row.state).ok_or_else(|| corrupt("état"))?,
        matter_code: row.matter_code,
        internal_number: row.internal_number,
        subject: row.subject,
        register_number: row.register_number,
        document_name: row.document_name,
        document_sha256: row.document_sha256,
        signed_sha256: row.signed_sha256,
        actes_id: row.actes_id,
        transmission_id: row.transmission_id,
        published_at: row.published_at,
        created_at: row.created_at,
        annexes: annexes
            .into_iter()
            .map(|a| Annex {
                id: a.id,
                position: a.position,
                piece_type: a.piece_type,
                filename: a.filename,
                sha256: a.sha256,
                size: a.size,
            })
            .collect(),
    })
}

/// A date typed `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, ActsError> {
    Date::parse(text.trim(), time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| ActsError::Invalid(format!("date « {text} » invalide (AAAA-MM-JJ attendu)")))
}

/// A file given with an act.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// An annex with its @ctes piece type.
pub struct AnnexUpload {
    pub piece_type: String,
    pub file: Upload,
}

/// What an agent types to create an act.
pub struct NewActInput {
    pub nature: Nature,
    pub matter_code: String,
    pub internal_number: String,
    pub decided_on: Date,
    pub subject: String,
    pub register_number: Option<String>,
    pub document: Upload,
    pub annexes: Vec<AnnexUpload>,
}

/// The classification the organisation files its acts under: the one it imported, or the national one.
pub async fn classification(db: &Db, scope: OrgScope) -> Result<Classification, ActsError> {
    let row = store::tenant::scoped(scope, "SELECT document FROM act_classifications WHERE organisation_id = $1")
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => {
            let document: String = sqlx::Row::try_get(&row, 0)?;
            Ok(Classification::parse(document.as_bytes())?)
        }
        None => Ok(Classification::national()),
    }
}

/// Imports the `RetourClassification` file the prefecture sent; it replaces the one in use.
pub async fn import_classification(db: &Db, scope: OrgScope, xml: &[u8]) -> Result<Classification, ActsError> {
    let classification = Classification::parse(xml)?;
    let text = String::from_utf8(xml.to_vec()).unwrap_or_else(|_| classification.to_xml());
    let document =
        if text.contains("encoding=\"ISO-8859-1\"") || text.contains("encoding='ISO-8859-1'") { classification.to_xml() } else { text };
    store::tenant::scoped(
        scope,
        "INSERT INTO act_classifications (organisation_id, version_date, document, imported_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organisation_id) DO UPDATE SET version_date = excluded.version_date, document = excluded.document, \
         imported_at = excluded.imported_at",
    )
    .bind(classification.version_date.to_string())
    .bind(document)
    .bind(store::clock::now_millis())
    .execute(db.pool())
    .await?;
    Ok(classification)
}

/// Creates an act (state *brouillon*) after checking what @ctes will check: internal number, subject,
/// matter, piece types, PDF files. Nothing is written when a check fails.
pub async fn create(db: &Db, blobs: &BlobStore, scope: OrgScope, actor: &str, input: NewActInput) -> Result<i64, ActsError> {
    InternalNumber::parse(&input.internal_number)?;
    check_subject(&input.subject)?;
    let classification = classification(db, scope).await?;
    classification.check(&MatterCodes::parse(&input.matter_code)?)?;
    check_pdf(&input.document)?;
    for annex in &input.annexes {
        let code = PieceTypeCode::parse(&annex.piece_type)?;
        classification.check_piece_type(input.nature, &code)?;
        check_pdf(&annex.file)?;
    }
    let year = i64::from(input.decided_on.year());
    let register = input.register_number.as_deref().map(str::trim).filter(|r| !r.is_empty());

    let document = blobs.put(input.document.bytes.clone()).await?;
    let mut stored_annexes = Vec::new();
    for annex in &input.annexes {
        stored_annexes.push(blobs.put(annex.file.bytes.clone()).await?);
    }
    let mut tx = db.begin().await?;
    if sql::number_taken(&mut tx, scope, year, &input.internal_number, register).await? {
        return Err(ActsError::Conflict(format!(
            "un acte porte déjà le numéro interne {} en {year}{}",
            input.internal_number,
            register.map(|r| format!(" ou le numéro {r}")).unwrap_or_default()
        )));
    }
    let id = sql::insert(
        &mut tx,
        scope,
        &NewAct {
            nature: input.nature.letters(),
            matter_code: input.matter_code.trim(),
            internal_number: &input.internal_number,
            decided_on: &input.decided_on.to_string(),
            decision_year: year,
            subject: input.subject.trim(),
            register_number: register,
            document_name: &input.document.name,
            document_sha256: &document.sha256,
        },
    )
    .await?;
    for (position, (annex, stored)) in input.annexes.iter().zip(&stored_annexes).enumerate() {
        let row = AnnexRow {
            id: 0,
            position: position as i64 + 1,
            piece_type: annex.piece_type.clone(),
            filename: annex.file.name.clone(),
            sha256: stored.sha256.clone(),
            size: annex.file.bytes.len() as i64,
        };
        sql::insert_annex(&mut tx, scope, id, &row).await?;
    }
    sql::insert_event(&mut tx, scope, id, "created", actor, &format!("Acte créé ({} annexe(s))", input.annexes.len())).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates the act of a deliberation: its printed extract becomes the main document.
pub async fn create_from_deliberation(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    (organisation, slug): (&str, &str),
    actor: &str,
    number: &str,
    internal_number: Option<&str>,
) -> Result<i64, ActsError> {
    let record = assembly::service::deliberation(db, scope, number)
        .await
        .map_err(|e| ActsError::Invalid(e.to_string()))?
        .ok_or_else(|| ActsError::NotFound(format!("aucune délibération n° {number}")))?;
    let item = record.deliberation(number).ok_or_else(|| ActsError::NotFound(format!("aucune délibération n° {number}")))?;
    let matter = item.matiere.clone().ok_or_else(|| ActsError::Invalid(format!("la délibération {number} n'a pas de matière @ctes")))?;
    let html = assembly::extract::html(db, scope, organisation, slug, number)
        .await
        .map_err(|e| ActsError::Invalid(e.to_string()))?
        .ok_or_else(|| ActsError::NotFound(number.to_string()))?;
    let pdf = tokio::task::spawn_blocking(move || docgen::html_pdf(&html))
        .await
        .map_err(|e| ActsError::Invalid(e.to_string()))?
        .map_err(|e| ActsError::Invalid(e.to_string()))?;
    let internal = internal_number.map(str::to_string).unwrap_or_else(|| internal_number_of(number));
    let subject: String = item.title.chars().take(crate::legality::SUBJECT_MAX_CHARS).collect();
    let input = NewActInput {
        nature: Nature::Deliberation,
        matter_code: matter,
        internal_number: internal,
        decided_on: record.sitting.date,
        subject,
        register_number: Some(number.to_string()),
        document: Upload { name: format!("deliberation_{}.pdf", internal_number_of(number)), bytes: pdf },
        annexes: Vec::new(),
    };
    create(db, blobs, scope, actor, input).await
}

/// The @ctes internal number derived from a register number: `M2021-641` gives `M2021_641`.
pub fn internal_number_of(number: &str) -> String {
    number.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).take(15).collect()
}

fn check_pdf(file: &Upload) -> Result<(), ActsError> {
    if !file.bytes.starts_with(b"%PDF-") {
        return Err(ActsError::Invalid(format!("« {} » n'est pas un fichier PDF", file.name)));
    }
    Ok(())
}

/// Records a line of the act's history.
pub(crate) async fn record(tx: &mut Tx, scope: OrgScope, act_id: i64, kind: &str, actor: &str, detail: &str) -> Result<(), ActsError> {
    Ok(sql::insert_event(tx, scope, act_id, kind, actor, detail).await?)
}
