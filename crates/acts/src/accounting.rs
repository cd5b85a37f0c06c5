//! Accounting flows to the public accountant (PES V2, DGFiP Hélios): the year's revenue bordereaux of the
//! convention slice, each signed by the signed-in ordonnateur or their delegate (XAdES-BES, enveloped,
//! one signature per bordereau) and marked as dematerialised (`InfoDematerialisee` = 1).

use crate::ActsError;
use crate::keys::{self, Signatory};
use signing::KeyVault;
use store::{Db, OrgScope};
use time::OffsetDateTime;

/// A signed PES file: its name and content.
pub struct SignedPes {
    pub file_name: String,
    pub xml: String,
    pub bordereaux: usize,
    pub titres: usize,
}

/// The PES_Aller of the titres issued in `year` by the organisation (the convention's issuer), every
/// bordereau signed by `signatory` with their certificate.
pub async fn signed_revenue_file(
    db: &Db,
    vault: &KeyVault,
    (scope, organisation): (OrgScope, &str),
    signatory: &Signatory<'_>,
    year: i64,
    now: OffsetDateTime,
) -> Result<SignedPes, ActsError> {
    let issuer = convention::invoicing::issuer(db).await.map_err(|e| ActsError::Invalid(e.to_string()))?;
    if issuer.id != scope.organisation_id() {
        return Err(ActsError::Invalid("seul l'émetteur des titres de la convention envoie leurs bordereaux au comptable".into()));
    }
    let (file_name, xml, titres) =
        convention::invoicing::pes_document(db, year, now.date()).await.map_err(|e| ActsError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    let credential = keys::credential(&mut tx, vault, scope, organisation, signatory, now).await?;
    tx.commit().await?;
    let (xml, bordereaux) = tokio::task::spawn_blocking(move || sign_bordereaux(&xml, &credential, now))
        .await
        .map_err(|e| ActsError::Invalid(e.to_string()))??;
    Ok(SignedPes { file_name, xml, bordereaux, titres })
}

/// Declares the recipe blocks dematerialised and signs every bordereau (`Id="BORD…"`).
fn sign_bordereaux(xml: &str, credential: &signing::Credential, now: OffsetDateTime) -> Result<(String, usize), ActsError> {
    const VERSION: &str = "<IdVer V=\"2\"/>";
    let at = xml.find(VERSION).ok_or_else(|| ActsError::Invalid("fichier PES sans en-tête de recette".into()))? + VERSION.len();
    let mut signed = format!("{}<InfoDematerialisee V=\"1\"/>{}", &xml[..at], &xml[at..]);
    let ids: Vec<String> = bordereau_ids(&signed);
    if ids.is_empty() {
        return Err(ActsError::Invalid("fichier PES sans bordereau à signer".into()));
    }
    for id in &ids {
        signed = signing::xades::sign_enveloped(&signed, id, credential, now)?;
    }
    Ok((signed, ids.len()))
}

/// The Ids of the bordereaux, in order.
fn bordereau_ids(xml: &str) -> Vec<String> {
    xml.match_indices("<Bordereau Id=\"")
        .filter_map(|(at, marker)| {
            let rest = &xml[at + marker.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}
