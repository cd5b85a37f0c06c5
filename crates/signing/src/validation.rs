//! The validation report of a signed PDF (*rapport de validation*): for each signature, whether the
//! signed bytes are intact, who signed with which certificate, whether that certificate chains to a
//! trusted authority and was valid when signing, and the timestamp that proves the time.

use crate::SigningError;
use crate::asn1::{
    ID_ECDSA_WITH_SHA256, ID_KP_TIME_STAMPING, ID_MESSAGE_DIGEST, ID_SHA256_WITH_RSA, ID_SIGNATURE_TIMESTAMP_TOKEN, find_attribute,
    first_der_value, sha256,
};
use crate::credential::common_name;
use crate::pades::PadesLevel;
use crate::signed_data::from_content_info;
use crate::timestamp::{TokenInfo, read_token};
use cms::signed_data::{SignedData, SignerIdentifier};
use der::asn1::OctetString;
use der::{Decode, Encode};
use lopdf::{Document, Object};
use ring::signature::{ECDSA_P256_SHA256_ASN1, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey, VerificationAlgorithm};
use serde::Serialize;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use time::OffsetDateTime;
use x509_cert::Certificate;

/// The report on every signature of a document.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationReport {
    pub signatures: Vec<SignatureReport>,
}

impl ValidationReport {
    /// At least one signature, and every one valid.
    pub fn all_valid(&self) -> bool {
        !self.signatures.is_empty() && self.signatures.iter().all(SignatureReport::is_valid)
    }
}

/// The report on one signature; `problems` says in French what is wrong.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    pub signer: String,
    pub subject: String,
    pub issuer: String,
    pub level: &'static str,
    /// The time the signer claimed (`/M`).
    #[serde(with = "time::serde::rfc3339::option")]
    pub claimed_time: Option<OffsetDateTime>,
    /// The time proven by the signature timestamp (B-T).
    #[serde(with = "time::serde::rfc3339::option")]
    pub timestamp_time: Option<OffsetDateTime>,
    pub timestamp_authority: Option<String>,
    /// The signed bytes are those of the document up to this signature.
    pub intact: bool,
    /// Nothing was appended after this signature.
    pub covers_whole_document: bool,
    pub trusted: bool,
    pub problems: Vec<String>,
}

impl SignatureReport {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A signature dictionary of a PDF: its byte range, its CMS contents, the time it claims.
struct Found {
    range: Vec<i64>,
    contents: Vec<u8>,
    claimed: Option<OffsetDateTime>,
}

/// The signature dictionaries of `pdf`, in the order they were added.
fn signatures(pdf: &[u8]) -> Result<Vec<Found>, SigningError> {
    let doc = Document::load_mem(pdf).map_err(|e| SigningError::Pdf(e.to_string()))?;
    let mut found: Vec<Found> = doc
        .objects
        .values()
        .filter_map(|object| match object {
            Object::Dictionary(d) if matches!(d.get(b"Type"), Ok(Object::Name(n)) if n == b"Sig") => Some(d),
            _ => None,
        })
        .filter_map(|d| {
            let range = match d.get(b"ByteRange") {
                Ok(Object::Array(items)) => {
                    items.iter().map(|i| if let Object::Integer(n) = i { Some(*n) } else { None }).collect::<Option<Vec<i64>>>()?
                }
                _ => return None,
            };
            let contents = match d.get(b"Contents") {
                Ok(Object::String(bytes, _)) => bytes.clone(),
                _ => return None,
            };
            let claimed = match d.get(b"M") {
                Ok(Object::String(bytes, _)) => parse_pdf_date(bytes),
                _ => None,
            };
            Some(Found { range, contents, claimed })
        })
        .collect();
    found.sort_by_key(|f| f.range.get(1).copied().unwrap_or(0));
    Ok(found)
}

/// Checks every signature of `pdf` against the trusted root certificates `anchors` (DER).
pub fn validate(pdf: &[u8], anchors: &[Vec<u8>]) -> Result<ValidationReport, SigningError> {
    let signatures = signatures(pdf)?.into_iter().map(|f| check_signature(pdf, &f.range, &f.contents, f.claimed, anchors)).collect();
    Ok(ValidationReport { signatures })
}

/// A signature's timestamp token with the value it timestamps, for checking it with another tool
/// (`openssl ts -verify -token_in -in TOKEN -data VALUE -CAfile ca.pem`).
pub struct SignatureTimestamp {
    pub signature_value: Vec<u8>,
    pub token: Vec<u8>,
}

/// The signature timestamps (B-T) of every signature of `pdf`, in order; signatures without one are skipped.
pub fn signature_timestamps(pdf: &[u8]) -> Result<Vec<SignatureTimestamp>, SigningError> {
    let mut stamps = Vec::new();
    for found in signatures(pdf)? {
        let signed = from_content_info(first_der_value(&found.contents)?)?;
        let Some(info) = signed.signer_infos.0.iter().next() else { continue };
        let token = info.unsigned_attrs.as_ref().and_then(|attrs| find_attribute(attrs.as_slice(), ID_SIGNATURE_TIMESTAMP_TOKEN));
        if let Some(token) = token {
            stamps.push(SignatureTimestamp { signature_value: info.signature.as_bytes().to_vec(), token: token.to_der()? });
        }
    }
    Ok(stamps)
}

fn check_signature(pdf: &[u8], range: &[i64], contents: &[u8], claimed: Option<OffsetDateTime>, anchors: &[Vec<u8>]) -> SignatureReport {
    let mut report = SignatureReport {
        signer: String::new(),
        subject: String::new(),
        issuer: String::new(),
        level: PadesLevel::BaselineB.label(),
        claimed_time: claimed,
        timestamp_time: None,
        timestamp_authority: None,
        intact: false,
        covers_whole_document: false,
        trusted: false,
        problems: Vec::new(),
    };
    let Some(digest) = byte_range_digest(pdf, range) else {
        report.problems.push("plage d'octets signée invalide".into());
        return report;
    };
    report.covers_whole_document = usize::try_from(range[2] + range[3]).is_ok_and(|end| end == pdf.len());
    let signed = match first_der_value(contents).and_then(from_content_info) {
        Ok(signed) => signed,
        Err(e) => {
            report.problems.push(format!("signature illisible : {e}"));
            return report;
        }
    };
    let signer = match verify_signed_data(&signed, &digest) {
        Ok(signer) => signer,
        Err(problem) => {
            report.problems.push(problem);
            return report;
        }
    };
    report.intact = true;
    report.signer = common_name(&signer);
    report.subject = signer.tbs_certificate.subject.to_string();
    report.issuer = signer.tbs_certificate.issuer.to_string();

    if let Some(info) = signed.signer_infos.0.iter().next() {
        let token = info.unsigned_attrs.as_ref().and_then(|attrs| find_attribute(attrs.as_slice(), ID_SIGNATURE_TIMESTAMP_TOKEN));
        if let Some(token) = token {
            report.level = PadesLevel::BaselineT.label();
            match token.to_der().map_err(|e| e.to_string()).and_then(|der| check_timestamp(&der, info.signature.as_bytes(), anchors)) {
                Ok((info, authority)) => {
                    report.timestamp_time = Some(info.time);
                    report.timestamp_authority = Some(authority);
                }
                Err(problem) => report.problems.push(format!("horodatage invalide : {problem}")),
            }
        }
    }
    let at = report.timestamp_time.or(report.claimed_time).unwrap_or_else(OffsetDateTime::now_utc);
    if !valid_at(&signer, at) {
        report.problems.push("le certificat du signataire n'était pas valide au moment de la signature".into());
    }
    report.trusted = chains_to_anchor(&signer, &signed, anchors);
    if !report.trusted {
        report.problems.push("le certificat du signataire ne remonte pas à une autorité de confiance".into());
    }
    report
}

/// SHA-256 of the two ranges `[a, a+b)` and `[c, c+d)`, when they are well formed.
fn byte_range_digest(pdf: &[u8], range: &[i64]) -> Option<[u8; 32]> {
    let [a, b, c, d] = <[i64; 4]>::try_from(range).ok()?;
    let (a, b, c, d) = (usize::try_from(a).ok()?, usize::try_from(b).ok()?, usize::try_from(c).ok()?, usize::try_from(d).ok()?);
    if a != 0 || c < a + b || c + d > pdf.len() {
        return None;
    }
    let mut hasher = Sha256::new();
    hasher.update(&pdf[a..a + b]);
    hasher.update(&pdf[c..c + d]);
    Some(hasher.finalize().into())
}

/// Checks the only signer of `signed`: its `messageDigest` is `digest` and its signature verifies
/// with the certificate it names. Returns that certificate.
fn verify_signed_data(signed: &SignedData, digest: &[u8]) -> Result<Certificate, String> {
    let info = signed.signer_infos.0.iter().next().ok_or("aucun signataire")?;
    let attrs = info.signed_attrs.as_ref().ok_or("attributs signés absents")?;
    let claimed = find_attribute(attrs.as_slice(), ID_MESSAGE_DIGEST)
        .and_then(|value| value.decode_as::<OctetString>().ok())
        .ok_or("empreinte signée absente")?;
    if claimed.as_bytes() != digest {
        return Err("le contenu a été modifié après la signature".into());
    }
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &info.sid else {
        return Err("signataire désigné par identifiant de clé : non pris en charge".into());
    };
    let signer = certificates(signed)
        .into_iter()
        .find(|c| c.tbs_certificate.issuer == sid.issuer && c.tbs_certificate.serial_number == sid.serial_number)
        .ok_or("certificat du signataire absent de la signature")?;
    let message = attrs.to_der().map_err(|e| e.to_string())?;
    if !verify(&signer, &info.signature_algorithm, &message, info.signature.as_bytes()) {
        return Err("la signature cryptographique est invalide".into());
    }
    Ok(signer)
}

/// Checks a timestamp token: it covers `signature_value` (any data: its SHA-256 is the token's imprint),
/// its signature verifies, its signer is a timestamping certificate chaining to an anchor. Returns what
/// the token says and the authority's name; the French message says what is wrong.
pub fn check_timestamp(token: &[u8], signature_value: &[u8], anchors: &[Vec<u8>]) -> Result<(TokenInfo, String), String> {
    let info = read_token(token).map_err(|e| e.to_string())?;
    if info.imprint != sha256(signature_value) {
        return Err("le jeton ne porte pas sur cette signature".into());
    }
    let signed = from_content_info(token).map_err(|e| e.to_string())?;
    let content = signed.encap_content_info.econtent.as_ref().ok_or("jeton sans contenu")?;
    let tst = content.decode_as::<OctetString>().map_err(|e| e.to_string())?;
    let authority = verify_signed_data(&signed, &sha256(tst.as_bytes()))?;
    if !has_timestamping_usage(&authority) {
        return Err("le certificat de l'autorité n'est pas un certificat d'horodatage".into());
    }
    if !valid_at(&authority, info.time) {
        return Err("le certificat de l'autorité n'était pas valide à la date du jeton".into());
    }
    if !chains_to_anchor(&authority, &signed, anchors) {
        return Err("l'autorité d'horodatage ne remonte pas à une autorité de confiance".into());
    }
    Ok((info, common_name(&authority)))
}

fn certificates(signed: &SignedData) -> Vec<Certificate> {
    signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            cms::cert::CertificateChoices::Certificate(c) => Some(c.clone()),
            cms::cert::CertificateChoices::Other(_) => None,
        })
        .collect()
}

/// Walks up from `certificate` through the certificates of `signed` and the anchors, each issuer's
/// key verifying the certificate below, until an anchor is reached.
fn chains_to_anchor(certificate: &Certificate, signed: &SignedData, anchors: &[Vec<u8>]) -> bool {
    let anchor_certificates: Vec<Certificate> = anchors.iter().filter_map(|a| Certificate::from_der(a).ok()).collect();
    let mut pool = certificates(signed);
    pool.extend(anchor_certificates.iter().cloned());
    let mut current = certificate.clone();
    for _ in 0..8 {
        if anchor_certificates.contains(&current) {
            return true;
        }
        let Ok(tbs) = current.tbs_certificate.to_der() else { return false };
        let Some(signature) = current.signature.as_bytes() else { return false };
        let issuer = pool.iter().find(|candidate| {
            candidate.tbs_certificate.subject == current.tbs_certificate.issuer
                && verify(candidate, &current.signature_algorithm, &tbs, signature)
        });
        match issuer {
            Some(issuer) if issuer == &current => return false,
            Some(issuer) => current = issuer.clone(),
            None => return false,
        }
    }
    false
}

fn verify(signer: &Certificate, algorithm: &AlgorithmIdentifierOwned, message: &[u8], signature: &[u8]) -> bool {
    let scheme: &dyn VerificationAlgorithm = if algorithm.oid == ID_ECDSA_WITH_SHA256 {
        &ECDSA_P256_SHA256_ASN1
    } else if algorithm.oid == ID_SHA256_WITH_RSA {
        &RSA_PKCS1_2048_8192_SHA256
    } else {
        return false;
    };
    let Some(key) = signer.tbs_certificate.subject_public_key_info.subject_public_key.as_bytes() else { return false };
    UnparsedPublicKey::new(scheme, key).verify(message, signature).is_ok()
}

fn valid_at(certificate: &Certificate, at: OffsetDateTime) -> bool {
    let validity = &certificate.tbs_certificate.validity;
    let at = std::time::Duration::from_secs(u64::try_from(at.unix_timestamp()).unwrap_or(0));
    validity.not_before.to_unix_duration() <= at && at <= validity.not_after.to_unix_duration()
}

fn has_timestamping_usage(certificate: &Certificate) -> bool {
    use x509_cert::ext::pkix::ExtendedKeyUsage;
    certificate.tbs_certificate.extensions.iter().flatten().any(|extension| {
        extension.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE
            && ExtendedKeyUsage::from_der(extension.extn_value.as_bytes()).is_ok_and(|usage| usage.0.contains(&ID_KP_TIME_STAMPING))
    })
}

/// `D:YYYYMMDDHHmmSS` with an optional `Z` or `±HH'mm'` offset.
fn parse_pdf_date(bytes: &[u8]) -> Option<OffsetDateTime> {
    let text = std::str::from_utf8(bytes).ok()?.strip_prefix("D:")?;
    let digits = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<i32>().ok());
    let date = time::Date::from_calendar_date(
        digits(0..4)?,
        time::Month::try_from(u8::try_from(digits(4..6)?).ok()?).ok()?,
        u8::try_from(digits(6..8)?).ok()?,
    )
    .ok()?;
    let clock = time::Time::from_hms(
        u8::try_from(digits(8..10).unwrap_or(0)).ok()?,
        u8::try_from(digits(10..12).unwrap_or(0)).ok()?,
        u8::try_from(digits(12..14).unwrap_or(0)).ok()?,
    )
    .ok()?;
    let offset = match text.get(14..15) {
        Some(sign @ ("+" | "-")) => {
            let hours = digits(15..17)?;
            let minutes = digits(18..20).unwrap_or(0);
            let total = (hours * 3600 + minutes * 60) * if sign == "-" { -1 } else { 1 };
            time::UtcOffset::from_whole_seconds(total).ok()?
        }
        _ => time::UtcOffset::UTC,
    };
    Some(time::PrimitiveDateTime::new(date, clock).assume_offset(offset))
}
