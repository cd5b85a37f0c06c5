//! Who signed a member's convention, and its amendments (*avenants*, article 9: "la mise en œuvre de
//! nouvelles applications … ainsi que toute modification des conditions de mise en œuvre … devra faire
//! l'objet d'un avenant entre les 2 parties"). Recorded by the Métropole, which keeps the register of
//! conventions; shown to the member and printed in the convention document.

use crate::ConventionError;
use crate::invoicing::parse_date;
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde_json::json;
use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{Db, OrgScope, StoreError, Tx, audit, clock};
use time::Date;

/// A party to the convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The commune or CCAS.
    Member,
    Metropole,
}

impl Party {
    pub fn code(self) -> &'static str {
        match self {
            Party::Member => "member",
            Party::Metropole => "metropole",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Party::Member, Party::Metropole].into_iter().find(|p| p.code() == code)
    }
}

/// A party's signature of the convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub party: Party,
    pub name: String,
    /// *Qualité*: « Le Maire », « Le Président », « L'adjoint délégué ».
    pub title: String,
    pub signed_on: Date,
}

impl Signature {
    pub fn by_member(&self) -> bool {
        self.party == Party::Member
    }
}

/// An amendment (*avenant*) to a convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    pub number: i64,
    pub object: String,
    pub signed_on: Date,
    /// The member's deliberation approving it, when there was one.
    pub deliberation_reference: Option<String>,
}

/// The signatures and amendments of a member's conventions, by convention id.
#[derive(Debug, Clone, Default)]
pub struct Register {
    signatures: Vec<(i64, Signature)>,
    amendments: Vec<(i64, Amendment)>,
}

impl Register {
    pub async fn of_member(db: &Db, scope: OrgScope) -> Result<Self, ConventionError> {
        Ok(Register { signatures: sql::signatures(db, scope).await?, amendments: sql::amendments(db, scope).await? })
    }

    pub fn signatures(&self, convention_id: i64) -> Vec<Signature> {
        self.signatures.iter().filter(|(id, _)| *id == convention_id).map(|(_, s)| s.clone()).collect()
    }

    pub fn amendments(&self, convention_id: i64) -> Vec<Amendment> {
        self.amendments.iter().filter(|(id, _)| *id == convention_id).map(|(_, a)| a.clone()).collect()
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> ConventionError {
    ConventionError::Invalid { field, message: message.into() }
}

fn required(field: &'static str, value: &str, what: &str, max: usize) -> Result<String, ConventionError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(invalid(field, format!("{what} est obligatoire ({max} caractères au plus)")));
    }
    Ok(value.to_string())
}

/// A signature as typed in the register's form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SignatureInput {
    #[serde(default)]
    pub partie: String,
    #[serde(default)]
    pub signataire: String,
    #[serde(default)]
    pub qualite: String,
    #[serde(default)]
    pub date: String,
}

/// Records a party's signature of the member's convention `convention_id` (once per party).
pub async fn sign(
    db: &Db,
    actor: Actor<'_>,
    member: OrgScope,
    convention_id: i64,
    input: &SignatureInput,
) -> Result<Signature, ConventionError> {
    let party = Party::parse(&input.partie).ok_or_else(|| invalid("partie", "choisissez la partie signataire"))?;
    let signature = Signature {
        party,
        name: required("signataire", &input.signataire, "le nom du signataire", 120)?,
        title: required("qualité", &input.qualite, "la qualité du signataire", 120)?,
        signed_on: parse_date(&input.date)?,
    };
    let mut tx = db.begin().await?;
    if !sql::insert_signature(&mut tx, member, convention_id, &signature).await? {
        return Err(ConventionError::Conflict(match party {
            Party::Member => "la signature du membre est déjà enregistrée".into(),
            Party::Metropole => "la signature de la Métropole est déjà enregistrée".into(),
        }));
    }
    let target = format!("convention:{convention_id}");
    let entry = actor.entry(
        Some(member.organisation_id()),
        AuditAction::ConventionSigned,
        &target,
        json!({ "party": party.code(), "signatory": signature.name, "signed_on": signature.signed_on.to_string() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(signature)
}

/// Records an amendment to the member's convention `convention_id`, numbered after the previous ones.
pub async fn amend(
    db: &Db,
    actor: Actor<'_>,
    member: OrgScope,
    convention_id: i64,
    object: &str,
    signed_on: &str,
    deliberation_reference: &str,
) -> Result<Amendment, ConventionError> {
    let object = required("objet", object, "l'objet de l'avenant", 500)?;
    let signed_on = parse_date(signed_on)?;
    let deliberation_reference = Some(deliberation_reference.trim().to_string()).filter(|r| !r.is_empty());
    let mut tx = db.begin().await?;
    let number = sql::insert_amendment(&mut tx, member, convention_id, &object, signed_on, deliberation_reference.as_deref())
        .await?
        .ok_or_else(|| ConventionError::NotFound(format!("aucune convention n° {convention_id} pour ce membre")))?;
    let target = format!("convention:{convention_id}:avenant:{number}");
    let entry = actor.entry(
        Some(member.organisation_id()),
        AuditAction::ConventionAmended,
        &target,
        json!({ "object": object, "signed_on": signed_on.to_string() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(Amendment { number, object, signed_on, deliberation_reference })
}

mod sql {
    use super::*;

    /// Writes a signature of one of the member's conventions; false when that party already signed.
    pub async fn insert_signature(tx: &mut Tx, member: OrgScope, convention_id: i64, s: &Signature) -> Result<bool, StoreError> {
        let done = scoped(
            member,
            "INSERT INTO convention_signatures (organisation_id, convention_id, party, signatory_name, signatory_title, signed_on, created_at) \
             SELECT $1, id, $3, $4, $5, $6, $7 FROM conventions WHERE organisation_id = $1 AND id = $2 \
             AND NOT EXISTS (SELECT 1 FROM convention_signatures WHERE convention_id = $2 AND party = $3)",
        )
        .bind(convention_id)
        .bind(s.party.code())
        .bind(s.name.clone())
        .bind(s.title.clone())
        .bind(s.signed_on.to_string())
        .bind(clock::now_millis())
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Writes an amendment of one of the member's conventions; returns its number.
    pub async fn insert_amendment(
        tx: &mut Tx,
        member: OrgScope,
        convention_id: i64,
        object: &str,
        signed_on: Date,
        deliberation_reference: Option<&str>,
    ) -> Result<Option<i64>, StoreError> {
        let row = scoped(
            member,
            "INSERT INTO convention_amendments (organisation_id, convention_id, number, object, signed_on, deliberation_reference, created_at) \
             SELECT $1, c.id, (SELECT COALESCE(MAX(number), 0) + 1 FROM convention_amendments WHERE convention_id = c.id), $3, $4, $5, $6 \
             FROM conventions c WHERE c.organisation_id = $1 AND c.id = $2 RETURNING number",
        )
        .bind(convention_id)
        .bind(object.to_string())
        .bind(signed_on.to_string())
        .bind(deliberation_reference.map(str::to_string))
        .bind(clock::now_millis())
        .fetch_optional(&mut **tx)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    #[derive(sqlx::FromRow)]
    struct SignatureRow {
        convention_id: i64,
        party: String,
        signatory_name: String,
        signatory_title: String,
        signed_on: String,
    }

    pub async fn signatures(db: &Db, member: OrgScope) -> Result<Vec<(i64, Signature)>, ConventionError> {
        let rows: Vec<SignatureRow> = scoped_as(
            member,
            "SELECT convention_id, party, signatory_name, signatory_title, signed_on FROM convention_signatures \
             WHERE organisation_id = $1 ORDER BY convention_id, signed_on, party DESC",
        )
        .fetch_all(db.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let party = Party::parse(&r.party).ok_or_else(|| ConventionError::Conflict(format!("partie inconnue « {} »", r.party)))?;
                Ok((
                    r.convention_id,
                    Signature { party, name: r.signatory_name, title: r.signatory_title, signed_on: parse_date(&r.signed_on)? },
                ))
            })
            .collect()
    }

    #[derive(sqlx::FromRow)]
    struct AmendmentRow {
        convention_id: i64,
        number: i64,
        object: String,
        signed_on: String,
        deliberation_reference: Option<String>,
    }

    pub async fn amendments(db: &Db, member: OrgScope) -> Result<Vec<(i64, Amendment)>, ConventionError> {
        let rows: Vec<AmendmentRow> = scoped_as(
            member,
            "SELECT convention_id, number, object, signed_on, deliberation_reference FROM convention_amendments \
             WHERE organisation_id = $1 ORDER BY convention_id, number",
        )
        .fetch_all(db.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.convention_id,
                    Amendment {
                        number: r.number,
                        object: r.object,
                        signed_on: parse_date(&r.signed_on)?,
                        deliberation_reference: r.deliberation_reference,
                    },
                ))
            })
            .collect()
    }
}
