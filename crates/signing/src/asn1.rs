//! Object identifiers and the few ASN.1 structures the RustCrypto crates do not define.

use crate::SigningError;
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Reader, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

pub const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
pub const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
pub const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
pub const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
pub const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
pub const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
pub const ID_SIGNATURE_TIMESTAMP_TOKEN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
pub const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
pub const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const ID_ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
pub const ID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
pub const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// ESS `SigningCertificateV2` (RFC 5035): binds the signer's certificate to the signature (CAdES and
/// RFC 3161 tokens require it). The hash algorithm is SHA-256, the DEFAULT, hence not encoded.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    pub cert_hash: OctetString,
    pub issuer_serial: IssuerSerial,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

pub fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid: ID_SHA256, parameters: None }
}

/// A CMS attribute with one value.
pub fn attribute(oid: ObjectIdentifier, value: &impl Encode) -> Result<Attribute, SigningError> {
    let value = Any::from_der(&value.to_der()?)?;
    Ok(Attribute { oid, values: SetOfVec::try_from(vec![value])? })
}

/// The `signingCertificateV2` attribute naming `certificate`.
pub fn signing_certificate_attribute(certificate: &Certificate) -> Result<Attribute, SigningError> {
    let der = certificate.to_der()?;
    let id = EssCertIdV2 {
        cert_hash: OctetString::new(sha256(&der).to_vec())?,
        issuer_serial: IssuerSerial {
            issuer: vec![GeneralName::DirectoryName(certificate.tbs_certificate.issuer.clone())],
            serial_number: certificate.tbs_certificate.serial_number.clone(),
        },
    };
    attribute(ID_SIGNING_CERTIFICATE_V2, &SigningCertificateV2 { certs: vec![id] })
}

/// The single value of the attribute `oid`, if present.
pub fn find_attribute(attributes: &[Attribute], oid: ObjectIdentifier) -> Option<&Any> {
    attributes.iter().find(|a| a.oid == oid).and_then(|a| a.values.iter().next())
}

/// PEM armour (RFC 7468) of a DER value.
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The bytes of the first DER value of `bytes` (a PDF signature's /Contents is padded with zeros).
pub fn first_der_value(bytes: &[u8]) -> Result<&[u8], SigningError> {
    let mut reader = der::SliceReader::new(bytes)?;
    let header = der::Header::decode(&mut reader)?;
    let total = (reader.position() + header.length)?;
    let end = usize::try_from(total).map_err(|_| SigningError::Asn1("longueur hors limites".into()))?;
    bytes.get(..end).ok_or_else(|| SigningError::Asn1("valeur tronquée".into()))
}
