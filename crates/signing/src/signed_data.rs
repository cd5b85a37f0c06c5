//! CMS `SignedData` (RFC 5652) with one signer: detached over a digest (PAdES) or encapsulating its
//! content (timestamp tokens).

use crate::asn1::{
    ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST, ID_SIGNED_DATA, ID_SIGNING_TIME, attribute, sha256_algorithm,
    signing_certificate_attribute,
};
use crate::{Credential, SigningError};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

/// What one signer signs.
pub struct Content<'a> {
    /// The content type (`id-data` for a detached PDF signature, `id-ct-TSTInfo` for a token).
    pub content_type: ObjectIdentifier,
    /// The encapsulated content, or `None` for a detached signature.
    pub encapsulated: Option<&'a [u8]>,
    /// SHA-256 of the content.
    pub digest: [u8; 32],
    /// A `signingTime` attribute; PAdES puts the claimed time in the signature dictionary instead.
    pub signing_time: Option<OffsetDateTime>,
}

/// Signs `content` with `credential`, putting its certificate and issuers in the structure.
pub fn sign(credential: &Credential, content: &Content<'_>) -> Result<SignedData, SigningError> {
    let mut signed = vec![
        attribute(ID_CONTENT_TYPE, &content.content_type)?,
        attribute(ID_MESSAGE_DIGEST, &OctetString::new(content.digest.to_vec())?)?,
        signing_certificate_attribute(credential.certificate())?,
    ];
    if let Some(time) = content.signing_time {
        let unix = std::time::Duration::from_secs(u64::try_from(time.unix_timestamp()).unwrap_or(0));
        signed.push(attribute(ID_SIGNING_TIME, &x509_cert::time::Time::UtcTime(der::asn1::UtcTime::from_unix_duration(unix)?))?);
    }
    let signed_attrs = SetOfVec::try_from(signed)?;
    let signature = credential.sign(&signed_attrs.to_der()?)?;

    let certificate = credential.certificate();
    let signer = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: certificate.tbs_certificate.issuer.clone(),
            serial_number: certificate.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_algorithm(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: credential.signature_algorithm(),
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let mut certificates = vec![CertificateChoices::Certificate(certificate.clone())];
    for issuer in credential.chain() {
        certificates.push(CertificateChoices::Certificate(Certificate::from_der(issuer)?));
    }
    let econtent = content.encapsulated.map(|bytes| Any::new(der::Tag::OctetString, bytes.to_vec())).transpose()?;
    Ok(SignedData {
        version: if content.content_type == ID_DATA { CmsVersion::V1 } else { CmsVersion::V3 },
        digest_algorithms: SetOfVec::try_from(vec![sha256_algorithm()])?,
        encap_content_info: EncapsulatedContentInfo { econtent_type: content.content_type, econtent },
        certificates: Some(CertificateSet(SetOfVec::try_from(certificates)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer])?),
    })
}

/// Adds an unsigned attribute (e.g. the signature timestamp) to the only signer.
pub fn add_unsigned_attribute(signed_data: &mut SignedData, added: Attribute) -> Result<(), SigningError> {
    let mut signers: Vec<SignerInfo> = signed_data.signer_infos.0.iter().cloned().collect();
    let signer = signers.first_mut().ok_or_else(|| SigningError::Signature("aucun signataire".into()))?;
    let mut attributes: Vec<Attribute> = signer.unsigned_attrs.iter().flat_map(|set| set.iter().cloned()).collect();
    attributes.push(added);
    signer.unsigned_attrs = Some(SetOfVec::try_from(attributes)?);
    signed_data.signer_infos = SignerInfos(SetOfVec::try_from(signers)?);
    Ok(())
}

/// The `ContentInfo` wrapping of a `SignedData`, DER.
pub fn to_content_info(signed_data: &SignedData) -> Result<Vec<u8>, SigningError> {
    let content = Any::from_der(&signed_data.to_der()?)?;
    Ok(ContentInfo { content_type: ID_SIGNED_DATA, content }.to_der()?)
}

/// The `SignedData` inside a `ContentInfo`.
pub fn from_content_info(der_bytes: &[u8]) -> Result<SignedData, SigningError> {
    let info = ContentInfo::from_der(der_bytes)?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(SigningError::Asn1("le contenu n'est pas une signature CMS".into()));
    }
    Ok(info.content.decode_as::<SignedData>()?)
}
