//! Accounting flows to the public accountant (PES V2, DGFiP Hélios): the year's revenue bordereaux of the
//! convention slice and the expenditure orders (*mandats*) agents enter, each bordereau signed by the
//! signed-in ordonnateur or their delegate (XAdES-BES, enveloped, one signature per bordereau) and marked
//! as dematerialised (`InfoDematerialisee` = 1), then deposited with the accountant, whose
//! acknowledgement (`PES_Acquit`) gives the file's state.

pub mod accountant;
mod acknowledgement;
pub mod budget;
pub mod expenditure;
pub mod flows;
pub mod helios;
mod revenue;

pub use flows::Domain;

use crate::ActsError;
use crate::keys::{self, Signatory};
use crate::store::pes as sql;
use signing::KeyVault;
use store::blobs::BlobStore;
use store::{Db, OrgScope};
use time::OffsetDateTime;

/// A request to sign a year's bordereaux of one domain and send them: the stores, the organisation (scope
/// and name, for its certificate), who signs, and when.
pub struct Submission<'a> {
    pub db: &'a Db,
    pub blobs: &'a BlobStore,
    pub vault: &'a KeyVault,
    pub organisation: (OrgScope, &'a str),
    pub signatory: &'a Signatory<'a>,
    pub year: i64,
    pub now: OffsetDateTime,
}

/// Signs the year's bordereaux of `domain` (the convention's titres, or the pending mandates) and queues
/// the file for the accountant; returns the flow's id.
pub async fn submit(domain: Domain, submission: &Submission<'_>) -> Result<i64, ActsError> {
    match domain {
        Domain::Revenue => revenue::submit(submission).await,
        Domain::Expenditure => expenditure::submit(submission).await,
    }
}

/// A signed PES file: its name and content.
pub struct SignedPes {
    pub file_name: String,
    pub xml: String,
    pub bordereaux: usize,
    pub pieces: usize,
    pub signed_at: OffsetDateTime,
}

/// Where a file stands with the accountant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowState {
    /// Signed, waiting for its deposit.
    Queued,
    /// The accountant could not be reached; the deposit will be tried again.
    Waiting,
    /// Deposited, waiting for the acknowledgement.
    Deposited,
    /// Every bordereau accepted (*PES_Acquit* without anomaly).
    Accepted,
    /// Some bordereaux accepted, others rejected.
    PartiallyAccepted,
    /// Every bordereau rejected.
    Rejected,
    /// Refused at deposit.
    Error,
}

impl FlowState {
    const ALL: [FlowState; 7] = [
        FlowState::Queued,
        FlowState::Waiting,
        FlowState::Deposited,
        FlowState::Accepted,
        FlowState::PartiallyAccepted,
        FlowState::Rejected,
        FlowState::Error,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FlowState::Queued => "queued",
            FlowState::Waiting => "waiting",
            FlowState::Deposited => "deposited",
            FlowState::Accepted => "accepted",
            FlowState::PartiallyAccepted => "partially_accepted",
            FlowState::Rejected => "rejected",
            FlowState::Error => "error",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            FlowState::Queued => "Signé, en attente de dépôt",
            FlowState::Waiting => "Comptable injoignable, nouvel essai prévu",
            FlowState::Deposited => "Déposé, en attente d'acquittement",
            FlowState::Accepted => "Acquitté",
            FlowState::PartiallyAccepted => "Acquitté partiellement",
            FlowState::Rejected => "Rejeté par le comptable",
            FlowState::Error => "Refusé au dépôt",
        }
    }
}

/// A file sent (or being sent) to the accountant, as the accounting page shows it.
#[derive(Debug, Clone)]
pub struct Flow {
    pub id: i64,
    pub domain: Domain,
    pub year: i64,
    pub file_name: String,
    pub bordereaux: i64,
    pub pieces: i64,
    pub state: FlowState,
    pub detail: String,
    pub signed_by: String,
    /// When it was signed, in Paris time.
    pub signed_at: String,
    pub has_acquit: bool,
}

/// The organisation's files, newest first.
pub async fn list(db: &Db, scope: OrgScope) -> Result<Vec<Flow>, ActsError> {
    let mut tx = db.begin().await?;
    let rows = sql::flows(&mut tx, scope).await?;
    rows.into_iter().map(flow_of).collect()
}

fn flow_of(row: sql::FlowRow) -> Result<Flow, ActsError> {
    Ok(Flow {
        id: row.id,
        domain: if row.domain == Domain::Expenditure.code() { Domain::Expenditure } else { Domain::Revenue },
        year: row.year,
        file_name: row.file_name,
        bordereaux: row.bordereaux,
        pieces: row.pieces,
        state: FlowState::parse(&row.state).ok_or_else(|| ActsError::Invalid(format!("état de flux inconnu : {}", row.state)))?,
        detail: row.detail,
        signed_by: row.signed_by,
        signed_at: store::clock::format_paris(row.created_at),
        has_acquit: row.acquit_sha256.is_some(),
    })
}

/// A file of the organisation: the signed PES_Aller, or its acknowledgement when `acquit`. Its name and bytes.
pub async fn file(db: &Db, blobs: &BlobStore, scope: OrgScope, id: i64, acquit: bool) -> Result<(String, Vec<u8>), ActsError> {
    let mut tx = db.begin().await?;
    let row = sql::flow(&mut tx, scope, id).await?.ok_or_else(|| ActsError::NotFound(format!("flux comptable {id} introuvable")))?;
    if !acquit {
        return Ok((row.file_name, blobs.get(&row.sha256).await?));
    }
    let sha256 = row.acquit_sha256.ok_or_else(|| ActsError::NotFound("ce fichier n'a pas encore été acquitté".into()))?;
    let stem = row.file_name.trim_end_matches(".xml");
    Ok((format!("{stem}_ACQUIT.xml"), blobs.get(&sha256).await?))
}

/// An unsigned PES_Aller of a domain: its name, content and number of pieces.
struct UnsignedPes {
    domain: Domain,
    file_name: String,
    xml: String,
    pieces: usize,
}

/// Signs every bordereau of `file` with the signatory's certificate and records the file for the
/// accountant, in `tx`; returns the flow's id.
async fn sign_and_record(tx: &mut store::Tx, s: &Submission<'_>, file: UnsignedPes) -> Result<i64, ActsError> {
    let (scope, organisation) = s.organisation;
    let credential = keys::credential(tx, s.vault, scope, organisation, s.signatory, s.now).await?;
    let (xml, now) = (file.xml, s.now);
    let (xml, bordereaux) = tokio::task::spawn_blocking(move || sign_bordereaux(&xml, &credential, now))
        .await
        .map_err(|e| ActsError::Invalid(e.to_string()))??;
    let signed = SignedPes { file_name: file.file_name, xml, bordereaux, pieces: file.pieces, signed_at: now };
    flows::record(tx, s.blobs, scope, (file.domain, s.year), &signed, s.signatory.name).await
}

/// The DGFiP's signature policy for Hélios flows, which every bordereau signature names (its identifier,
/// and the SHA-1 digest of the published policy document).
pub const HELIOS_POLICY: signing::xades::SignaturePolicy = signing::xades::SignaturePolicy {
    identifier: "urn:oid:1.2.250.1.131.1.5.18.21.1.4",
    description: "Politique de signature Helios de la DGFiP",
    sha1_digest: "Jkdb+aba0Hz6+ZPKmKNhPByzQ+Q=",
    uri: "https://portail.dgfip.finances.gouv.fr/documents/PS_Helios_DGFiP.pdf",
};

/// Declares the bordereaux dematerialised (after the domain header's `IdVer`) and signs every bordereau
/// (`<Bordereau Id="…">`) with `credential`; returns the signed file and the number of bordereaux.
fn sign_bordereaux(xml: &str, credential: &signing::Credential, now: OffsetDateTime) -> Result<(String, usize), ActsError> {
    const VERSION: &str = "<IdVer V=\"2\"/>";
    let at = xml.find(VERSION).ok_or_else(|| ActsError::Invalid("fichier PES sans en-tête de domaine".into()))? + VERSION.len();
    let mut signed = format!("{}<InfoDematerialisee V=\"1\"/>{}", &xml[..at], &xml[at..]);
    let ids: Vec<String> = bordereau_ids(&signed);
    if ids.is_empty() {
        return Err(ActsError::Invalid("fichier PES sans bordereau à signer".into()));
    }
    let profile = signing::xades::Profile { policy: Some(HELIOS_POLICY), claimed_role: Some("Ordonnateur".into()) };
    for id in &ids {
        signed = signing::xades::sign_enveloped(&signed, id, credential, now, &profile)?;
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
