//! What the @ctes envelope says of an organisation: its SIREN (from its record), and the département,
//! arrondissement, nature code, referent and return address its administrators set (the département
//! is suggested from the organisation's INSEE or postal code).

use crate::ActsError;
use crate::legality::{Arrondissement, CollectivityNature, Departement, Email, Referent, Sender};
use identity::model::Organisation;
use kernel::Siren;
use serde::Serialize;
use sqlx::Row;
use store::tenant::scoped;
use store::{Db, OrgScope, clock};

/// The settings as typed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LegalitySettings {
    /// `034`, `02A`, `974`.
    pub departement: String,
    pub arrondissement: String,
    pub collectivity_nature: String,
    pub referent_name: String,
    pub referent_email: String,
    pub referent_phone: String,
    pub return_email: String,
    /// The organisation's SIRET (*COLL_SIRET* of the open-data feeds).
    pub siret: String,
}

impl LegalitySettings {
    /// The envelope's sender for `organisation`; a French message names what is missing or invalid.
    pub fn sender(&self, organisation: &Organisation) -> Result<Sender, ActsError> {
        let siren =
            organisation.siren.as_deref().ok_or_else(|| ActsError::Invalid("le SIREN de l'organisation n'est pas renseigné".into()))?;
        let arrondissement: u8 = self
            .arrondissement
            .trim()
            .parse()
            .map_err(|_| ActsError::Invalid(format!("arrondissement « {} » invalide : un chiffre attendu", self.arrondissement)))?;
        let email = |text: &str| Email::parse(text.trim());
        Ok(Sender {
            siren: Siren::parse(siren).map_err(|e| ActsError::Invalid(e.to_string()))?,
            departement: Departement::parse(self.departement.trim())?,
            arrondissement: Arrondissement::new(arrondissement)?,
            nature: CollectivityNature::parse(self.collectivity_nature.trim())?,
            referent: Some(Referent {
                name: Some(self.referent_name.trim().to_string()).filter(|n| !n.is_empty()),
                phone: Some(self.referent_phone.trim().to_string()).filter(|p| !p.is_empty()),
                email: Some(self.referent_email.trim()).filter(|e| !e.is_empty()).map(email).transpose()?,
            }),
            return_emails: vec![email(&self.return_email)?],
        })
    }

    /// Checks the SIRET: 14 digits, the organisation's SIREN then its establishment number.
    pub fn check_siret(&self, organisation: &Organisation) -> Result<(), ActsError> {
        let siret = self.siret.trim();
        let siren = organisation.siren.as_deref().unwrap_or_default();
        if siret.len() != 14 || !siret.bytes().all(|b| b.is_ascii_digit()) || !siret.starts_with(siren) {
            return Err(ActsError::Invalid(format!("SIRET « {siret} » invalide : 14 chiffres commençant par le SIREN {siren}")));
        }
        Ok(())
    }
}

/// The département suggested for the organisation, from its INSEE code (communes) or its first postal code.
pub fn suggested_departement(organisation: &Organisation) -> Result<Departement, ActsError> {
    let from_insee = organisation.insee_code.as_deref().map(|code| match &code[..2] {
        "97" | "98" => code[..3].to_string(),
        prefix => format!("0{prefix}"),
    });
    let from_postal = organisation.postal_codes.first().map(|postal| match &postal[..2] {
        "97" | "98" => postal[..3].to_string(),
        "20" => "02A".to_string(),
        prefix => format!("0{prefix}"),
    });
    let code = from_insee
        .or(from_postal)
        .ok_or_else(|| ActsError::Invalid("ni code INSEE ni code postal : le département de l'organisation est inconnu".into()))?;
    Ok(Departement::parse(&code)?)
}

/// The organisation's settings, or `None` before its administrators set them.
pub async fn get(db: &Db, scope: OrgScope) -> Result<Option<LegalitySettings>, ActsError> {
    let row = scoped(
        scope,
        "SELECT departement, arrondissement, collectivity_nature, referent_name, referent_email, referent_phone, return_email, siret FROM act_settings \
         WHERE organisation_id = $1",
    )
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(LegalitySettings {
            departement: r.try_get(0)?,
            arrondissement: r.try_get(1)?,
            collectivity_nature: r.try_get(2)?,
            referent_name: r.try_get(3)?,
            referent_email: r.try_get(4)?,
            referent_phone: r.try_get(5)?,
            return_email: r.try_get(6)?,
            siret: r.try_get(7)?,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| ActsError::from(e))
}

/// Saves the settings after checking that they make a valid envelope for the organisation.
pub async fn save(db: &Db, scope: OrgScope, organisation: &Organisation, settings: &LegalitySettings) -> Result<(), ActsError> {
    settings.sender(organisation)?.check()?;
    settings.check_siret(organisation)?;
    scoped(
        scope,
        "INSERT INTO act_settings (organisation_id, departement, arrondissement, collectivity_nature, referent_name, referent_email, \
         referent_phone, return_email, siret, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (organisation_id) \
         DO UPDATE SET departement = excluded.departement, arrondissement = excluded.arrondissement, collectivity_nature = excluded.collectivity_nature, referent_name = excluded.referent_name, \
         referent_email = excluded.referent_email, referent_phone = excluded.referent_phone, return_email = excluded.return_email, \
         siret = excluded.siret, updated_at = excluded.updated_at",
    )
    .bind(settings.departement.trim().to_string())
    .bind(settings.arrondissement.trim().to_string())
    .bind(settings.collectivity_nature.trim().to_string())
    .bind(settings.referent_name.trim().to_string())
    .bind(settings.referent_email.trim().to_string())
    .bind(settings.referent_phone.trim().to_string())
    .bind(settings.return_email.trim().to_string())
    .bind(settings.siret.trim().to_string())
    .bind(clock::now_millis())
    .execute(db.pool())
    .await?;
    Ok(())
}
