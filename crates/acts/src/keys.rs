//! The certificates the slice signs with: each organisation's demo authority and the certificates it
//! issues to its members on their first signature, certificates imported from PKCS#12 files, and the
//! platform's timestamp authority. Keys are sealed by the vault before they reach the database.

use crate::ActsError;
use crate::store::credentials::{self, CredentialRow, NewCredential};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use signing::authority::Subject;
use signing::{CertificateAuthority, Credential, KeyVault, TimestampAuthority};
use store::{Db, OrgScope, Tx, clock};
use time::OffsetDateTime;

/// Who signs: a member of the organisation.
#[derive(Debug, Clone)]
pub struct Signatory<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub email: &'a str,
}

/// The organisation's certificate authority, created on first use (`now` dates it).
pub async fn authority(
    tx: &mut Tx,
    vault: &KeyVault,
    scope: OrgScope,
    organisation: &str,
    now: OffsetDateTime,
) -> Result<CertificateAuthority, ActsError> {
    if let Some(row) = credentials::authority(tx, scope).await? {
        return Ok(CertificateAuthority::open(decode(&row.certificate)?, &vault.open(&row.sealed_key)?)?);
    }
    let authority =
        CertificateAuthority::create(&format!("Autorité de certification de démonstration — {organisation}"), organisation, now)?;
    save(tx, vault, scope, None, "authority", "demo", authority.credential()).await?;
    Ok(authority)
}

/// The certificate `signatory` signs with: their newest valid one, or one the organisation's demo
/// authority issues now.
pub async fn credential(
    tx: &mut Tx,
    vault: &KeyVault,
    scope: OrgScope,
    organisation: &str,
    signatory: &Signatory<'_>,
    now: OffsetDateTime,
) -> Result<Credential, ActsError> {
    if let Some(row) = credentials::of_user(tx, scope, signatory.user_id, millis(now)).await? {
        return open(vault, &row);
    }
    let authority = authority(tx, vault, scope, organisation, now).await?;
    let subject = Subject { common_name: signatory.name, organisation, email: Some(signatory.email) };
    let credential = authority.issue_signer(&subject, now)?;
    save(tx, vault, scope, Some(signatory.user_id), "signer", "demo", &credential).await?;
    Ok(credential)
}

/// The organisation's seal (*cachet*): a certificate issued to the organisation itself.
pub async fn seal(
    tx: &mut Tx,
    vault: &KeyVault,
    scope: OrgScope,
    organisation: &str,
    now: OffsetDateTime,
) -> Result<Credential, ActsError> {
    if let Some(row) = credentials::seal(tx, scope, millis(now)).await? {
        return open(vault, &row);
    }
    let authority = authority(tx, vault, scope, organisation, now).await?;
    let credential = authority.issue_signer(&Subject { common_name: organisation, organisation, email: None }, now)?;
    save(tx, vault, scope, None, "signer", "demo", &credential).await?;
    Ok(credential)
}

/// Imports a PKCS#12 file as `user_id`'s signing certificate.
pub async fn import(db: &Db, vault: &KeyVault, scope: OrgScope, user_id: i64, file: &[u8], password: &str) -> Result<String, ActsError> {
    let credential = signing::pkcs12::import(file, password)?;
    let mut tx = db.begin().await?;
    save(&mut tx, vault, scope, Some(user_id), "signer", "pkcs12", &credential).await?;
    tx.commit().await?;
    Ok(credential.subject())
}

/// A certificate of the organisation as its pages list it.
#[derive(Debug, Clone)]
pub struct CertificateInfo {
    pub subject: String,
    pub authority: bool,
    pub seal: bool,
    pub imported: bool,
    pub not_after: OffsetDateTime,
}

/// The organisation's certificates: its authority, its seal, its members' certificates.
pub async fn certificates(db: &Db, scope: OrgScope) -> Result<Vec<CertificateInfo>, ActsError> {
    Ok(credentials::list(db, scope)
        .await?
        .into_iter()
        .map(|row| CertificateInfo {
            authority: row.purpose == "authority",
            seal: row.purpose == "signer" && row.user_id.is_none(),
            imported: row.source == "pkcs12",
            not_after: OffsetDateTime::from_unix_timestamp(row.not_after / 1000).unwrap_or(OffsetDateTime::UNIX_EPOCH),
            subject: row.subject,
        })
        .collect())
}

/// The platform's timestamp authority, created on first use under its own root.
pub async fn timestamp_authority(tx: &mut Tx, vault: &KeyVault, now: OffsetDateTime) -> Result<TimestampAuthority, ActsError> {
    if credentials::timestamp_authority(tx).await?.is_none() {
        let root = CertificateAuthority::create("Racine de l'autorité d'horodatage de communs", "communs", now)?;
        let issued = root
            .issue_timestamping(&Subject { common_name: "Autorité d'horodatage de communs", organisation: "communs", email: None }, now)?;
        credentials::insert_timestamp_authority(
            tx,
            &STANDARD.encode(root.credential().certificate_der()),
            &STANDARD.encode(issued.certificate_der()),
            &vault.seal(issued.key_pkcs8())?,
        )
        .await?;
    }
    let row = credentials::timestamp_authority(tx).await?.ok_or_else(|| ActsError::Conflict("autorité d'horodatage absente".into()))?;
    let credential = Credential::new(decode(&row.certificate)?, vec![decode(&row.root_certificate)?], &vault.open(&row.sealed_key)?)?;
    Ok(TimestampAuthority::new(credential))
}

/// The root certificate (DER) of the platform's timestamp authority, once it exists.
pub async fn timestamp_root(db: &Db) -> Result<Option<Vec<u8>>, ActsError> {
    let mut tx = db.begin().await?;
    match credentials::timestamp_authority(&mut tx).await? {
        Some(row) => Ok(Some(decode(&row.root_certificate)?)),
        None => Ok(None),
    }
}

/// The certificates that validate the organisation's signatures and timestamps (its authority, the
/// issuers of imported certificates, the timestamp authority's root), DER.
pub async fn trust_anchors(db: &Db, scope: OrgScope) -> Result<Vec<Vec<u8>>, ActsError> {
    let mut anchors = Vec::new();
    for row in credentials::list(db, scope).await? {
        let chain = chain_of(&row)?;
        let root = chain.last().cloned().unwrap_or(decode(&row.certificate)?);
        if !anchors.contains(&root) {
            anchors.push(root);
        }
    }
    let mut tx = db.begin().await?;
    if let Some(tsa) = credentials::timestamp_authority(&mut tx).await? {
        anchors.push(decode(&tsa.root_certificate)?);
    }
    tx.commit().await?;
    Ok(anchors)
}

/// The anchors and the timestamp authority's certificate as one PEM file (`ca.pem`).
pub async fn chain_pem(db: &Db, scope: OrgScope) -> Result<String, ActsError> {
    let mut pem = String::new();
    for der in trust_anchors(db, scope).await? {
        pem.push_str(&signing::pem_certificate(&der));
    }
    let mut tx = db.begin().await?;
    if let Some(tsa) = credentials::timestamp_authority(&mut tx).await? {
        pem.push_str(&signing::pem_certificate(&decode(&tsa.certificate)?));
    }
    tx.commit().await?;
    Ok(pem)
}

async fn save(
    tx: &mut Tx,
    vault: &KeyVault,
    scope: OrgScope,
    user_id: Option<i64>,
    purpose: &str,
    source: &str,
    credential: &Credential,
) -> Result<i64, ActsError> {
    let chain: Vec<String> = credential.chain().iter().map(|der| STANDARD.encode(der)).collect();
    let not_after = credential.certificate().tbs_certificate.validity.not_after.to_unix_duration().as_millis() as i64;
    Ok(credentials::insert(
        tx,
        scope,
        &NewCredential {
            user_id,
            purpose,
            source,
            subject: &credential.subject(),
            certificate: &STANDARD.encode(credential.certificate_der()),
            chain: &chain.join(","),
            sealed_key: &vault.seal(credential.key_pkcs8())?,
            not_after,
        },
    )
    .await?)
}

fn open(vault: &KeyVault, row: &CredentialRow) -> Result<Credential, ActsError> {
    Ok(Credential::new(decode(&row.certificate)?, chain_of(row)?, &vault.open(&row.sealed_key)?)?)
}

fn chain_of(row: &CredentialRow) -> Result<Vec<Vec<u8>>, ActsError> {
    row.chain.split(',').filter(|s| !s.is_empty()).map(decode).collect()
}

fn decode(text: &str) -> Result<Vec<u8>, ActsError> {
    STANDARD.decode(text).map_err(|_| ActsError::Invalid("certificat enregistré illisible".into()))
}

/// Milliseconds of an instant, for comparisons with stored instants.
pub fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Now, as the platform's clock says.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(clock::now_millis()) * 1_000_000).unwrap_or_else(|_| OffsetDateTime::now_utc())
}
