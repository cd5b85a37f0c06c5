//! The expenditure flow: agents enter expenditure orders (*mandats de paiement*), each with its creditor
//! and supporting document (*pièce justificative*, PDF); the ordonnateur signs the year's pending orders
//! as one bordereau, sent in a `PES_Aller` with the documents in its `PES_PJ` part.

use super::{Domain, Submission, UnsignedPes, sign_and_record};
use crate::ActsError;
use crate::store::mandates::{self as sql, MandateRow};
use kernel::Cents;
use store::blobs::BlobStore;
use store::{Db, OrgScope};
use time::Date;

/// Largest supporting document accepted (Hélios limits a PES file to a few megabytes).
pub const MAX_ATTACHMENT_BYTES: usize = 4 * 1024 * 1024;

/// A mandate as an agent enters it: one line, imputed on one budget account.
#[derive(Debug, Clone)]
pub struct NewMandate {
    pub issued_on: Date,
    pub creditor_name: String,
    pub creditor_siret: Option<String>,
    pub creditor_address: String,
    pub creditor_postal_code: String,
    pub creditor_town: String,
    pub object: String,
    /// Budget account (*compte par nature*), digits.
    pub nature: String,
    pub amount_ht: Cents,
    pub vat: Cents,
    /// The supporting document: file name and PDF bytes.
    pub attachment: Option<(String, Vec<u8>)>,
}

impl NewMandate {
    /// The rules of a mandate; the French message names the field.
    pub fn check(&self) -> Result<(), ActsError> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let fail = |message: &str| Err(ActsError::Invalid(message.to_string()));
        if self.creditor_name.trim().is_empty() || self.creditor_name.chars().count() > 100 {
            return fail("créancier : nom obligatoire, 100 caractères au plus");
        }
        if let Some(siret) = &self.creditor_siret
            && !(digits(siret) && siret.len() == 14)
        {
            return fail("SIRET du créancier : 14 chiffres");
        }
        if self.creditor_address.trim().is_empty() || self.creditor_town.trim().is_empty() {
            return fail("adresse du créancier : voie et commune obligatoires");
        }
        if !(digits(&self.creditor_postal_code) && self.creditor_postal_code.len() == 5) {
            return fail("code postal du créancier : 5 chiffres");
        }
        if self.object.trim().is_empty() || self.object.chars().count() > 160 {
            return fail("objet : obligatoire, 160 caractères au plus");
        }
        if !(digits(&self.nature) && self.nature.len() <= 12) {
            return fail("compte d'imputation : des chiffres, 12 au plus (ex. 6068)");
        }
        if self.amount_ht <= Cents(0) {
            return fail("montant hors taxes : supérieur à zéro");
        }
        if self.vat < Cents(0) {
            return fail("TVA : positive ou nulle");
        }
        if let Some((_, bytes)) = &self.attachment {
            if !bytes.starts_with(b"%PDF-") {
                return fail("pièce justificative : un fichier PDF est attendu");
            }
            if bytes.len() > MAX_ATTACHMENT_BYTES {
                return fail("pièce justificative : 4 Mo au plus");
            }
        }
        Ok(())
    }
}

/// Records a mandate (its document in the blob store); returns its number in the year.
pub async fn add(db: &Db, blobs: &BlobStore, scope: OrgScope, actor: &str, mandate: NewMandate) -> Result<i64, ActsError> {
    mandate.check()?;
    let attachment = match &mandate.attachment {
        Some((name, bytes)) => Some((name.clone(), blobs.put(bytes.clone()).await?.sha256)),
        None => None,
    };
    let row = MandateRow {
        id: 0,
        year: i64::from(mandate.issued_on.year()),
        number: 0,
        issued_on: mandate.issued_on.to_string(),
        creditor_name: mandate.creditor_name.trim().to_string(),
        creditor_siret: mandate.creditor_siret.clone(),
        creditor_address: mandate.creditor_address.trim().to_string(),
        creditor_postal_code: mandate.creditor_postal_code.clone(),
        creditor_town: mandate.creditor_town.trim().to_string(),
        object: mandate.object.trim().to_string(),
        nature: mandate.nature.clone(),
        amount_ht: mandate.amount_ht.0,
        vat: mandate.vat.0,
        attachment_sha256: attachment.as_ref().map(|(_, sha)| sha.clone()),
        attachment_name: attachment.map(|(name, _)| name),
        flow_id: None,
    };
    let mut tx = db.begin().await?;
    let number = sql::insert(&mut tx, scope, &row, actor).await?;
    tx.commit().await?;
    Ok(number)
}

/// The mandates not yet signed in a bordereau.
pub async fn pending(db: &Db, scope: OrgScope) -> Result<Vec<MandateRow>, ActsError> {
    let mut tx = db.begin().await?;
    Ok(sql::all_pending(&mut tx, scope).await?)
}

/// Removes a mandate not yet signed.
pub async fn remove(db: &Db, scope: OrgScope, id: i64) -> Result<(), ActsError> {
    let mut tx = db.begin().await?;
    if !sql::delete_pending(&mut tx, scope, id).await? {
        return Err(ActsError::NotFound("mandat introuvable ou déjà signé".into()));
    }
    tx.commit().await?;
    Ok(())
}

/// Signs the pending mandates of the year as the next bordereau of the year, with their supporting
/// documents, and queues the file for the accountant.
pub(super) async fn submit(s: &Submission<'_>) -> Result<i64, ActsError> {
    let (scope, year) = (s.organisation.0, s.year);
    let budget = super::budget::get(s.db, scope).await?.ok_or_else(|| {
        ActsError::Invalid("renseignez d'abord les codes Hélios du budget (poste comptable, collectivité, budget)".into())
    })?;
    let mut tx = s.db.begin().await?;
    let mandates = sql::pending(&mut tx, scope, year).await?;
    if mandates.is_empty() {
        return Err(ActsError::Invalid(format!("aucun mandat en attente pour {year}")));
    }
    let number = sql::expenditure_bordereaux(&mut tx, scope, year).await? + 1;
    let mut attachments = Vec::new();
    for mandate in &mandates {
        if let (Some(name), Some(sha256)) = (&mandate.attachment_name, &mandate.attachment_sha256) {
            attachments.push(pes::attachments::Attachment {
                id: attachment_id(mandate),
                file_name: name.clone(),
                description: format!("Pièce justificative du mandat {}", mandate.number),
                content: s.blobs.get(sha256).await?,
            });
        }
    }
    let bordereau = pes::expenditure::ExpenditureBordereau {
        number: u32::try_from(number).map_err(|_| ActsError::Invalid("numéro de bordereau hors limites".into()))?,
        year: i32::try_from(year).map_err(|_| ActsError::Invalid(format!("exercice {year} invalide")))?,
        issued_on: store::clock::paris_date(s.now),
        mandates: mandates.iter().map(mandate_of).collect(),
    };
    let file_name = format!("PES_Aller_{year}_{}_{}_DEP{number}.xml", budget.siret, budget.code_budget);
    let xml = pes::expenditure_file(&budget, &file_name, store::clock::paris_date(s.now), &bordereau, &attachments);
    let file = UnsignedPes { domain: Domain::Expenditure, file_name, xml, pieces: mandates.len() };
    let id = sign_and_record(&mut tx, s, file).await?;
    let ids: Vec<i64> = mandates.iter().map(|m| m.id).collect();
    if !sql::attach_to_flow(&mut tx, scope, &ids, id).await? {
        return Err(ActsError::Conflict("un des mandats vient d'être signé ou supprimé : recommencez".into()));
    }
    tx.commit().await?;
    Ok(id)
}

/// The `IdUnique` of a mandate's supporting document: unique per organisation's budget and year.
fn attachment_id(row: &MandateRow) -> String {
    format!("PJ{}M{}", row.year, row.number)
}

fn mandate_of(row: &MandateRow) -> pes::expenditure::Mandate {
    pes::expenditure::Mandate {
        number: u32::try_from(row.number).unwrap_or(u32::MAX),
        object: row.object.clone(),
        lines: vec![pes::expenditure::MandateLine {
            object: row.object.clone(),
            nature: row.nature.clone(),
            fonction: None,
            amount_ht: Cents(row.amount_ht),
            vat: Cents(row.vat),
        }],
        creditor: pes::expenditure::Creditor {
            name: row.creditor_name.clone(),
            siret: row.creditor_siret.clone(),
            address: row.creditor_address.clone(),
            postal_code: row.creditor_postal_code.clone(),
            town: row.creditor_town.clone(),
        },
        attachment: row.attachment_sha256.as_ref().map(|_| attachment_id(row)),
    }
}
