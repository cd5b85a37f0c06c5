//! PAdES signatures (ETSI EN 319 142-1) of PDF files: baseline B-B (CAdES detached signature with the
//! signing certificate bound by `signingCertificateV2`, the claimed time in the dictionary's `/M`)
//! and baseline B-T (plus a signature timestamp from the platform's authority).

use crate::asn1::{ID_DATA, sha256};
use crate::pdf::{self, Field};
use crate::signed_data::{self, Content};
use crate::timestamp::signature_timestamp_attribute;
use crate::{Credential, SigningError, TimestampAuthority};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The PAdES baseline level of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadesLevel {
    /// B-B: signed attributes only.
    BaselineB,
    /// B-T: B-B plus a timestamp of the signature value.
    BaselineT,
}

impl PadesLevel {
    pub fn label(self) -> &'static str {
        match self {
            Self::BaselineB => "PAdES B-B",
            Self::BaselineT => "PAdES B-T",
        }
    }
}

/// Who signs, why, where and when, and the lines of the visible block.
#[derive(Debug, Clone)]
pub struct SignatureRequest<'a> {
    pub reason: &'a str,
    pub location: &'a str,
    pub signed_at: OffsetDateTime,
    /// Lines of the visible signature block, e.g. "Signé électroniquement par …", "le … à …".
    pub lines: Vec<String>,
}

/// Signs `pdf` with `credential`: B-T when a timestamp authority is given, B-B otherwise.
pub fn sign(
    pdf: &[u8],
    credential: &Credential,
    request: &SignatureRequest<'_>,
    timestamps: Option<&TimestampAuthority>,
) -> Result<Vec<u8>, SigningError> {
    let signer_name = credential.common_name();
    let field = Field {
        signer_name: &signer_name,
        reason: request.reason,
        location: request.location,
        signed_at: request.signed_at,
        lines: request.lines.clone(),
    };
    let prepared = pdf::prepare(pdf, &field)?;
    let mut hasher = Sha256::new();
    for range in prepared.signed_bytes() {
        hasher.update(range);
    }
    let digest: [u8; 32] = hasher.finalize().into();
    let content = Content { content_type: ID_DATA, encapsulated: None, digest, signing_time: None };
    let mut signed = signed_data::sign(credential, &content)?;
    if let Some(authority) = timestamps {
        let signature_value = signed.signer_infos.0.iter().next().map(|s| s.signature.as_bytes().to_vec()).unwrap_or_default();
        let attribute = signature_timestamp_attribute(authority, &signature_value, request.signed_at)?;
        signed_data::add_unsigned_attribute(&mut signed, attribute)?;
    }
    prepared.embed(&signed_data::to_content_info(&signed)?)
}

/// The SHA-256 of a whole file, hex: how a signed PDF is referenced.
pub fn fingerprint(bytes: &[u8]) -> String {
    hex::encode(sha256(bytes))
}
