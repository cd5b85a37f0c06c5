//! Certificate authorities made by the platform: the demo authority of each organisation, which
//! issues its agents' and elected members' signing certificates, and the root of the platform's
//! timestamp authority. Real deployments import their certificates instead (`pkcs12`).

use crate::asn1::ID_KP_TIME_STAMPING;
use crate::{Credential, SigningError};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
    SerialNumber,
};
use time::{Duration, OffsetDateTime};

/// A certificate authority (*autorité de certification*): a self-signed certificate and its key.
pub struct CertificateAuthority {
    credential: Credential,
}

/// Who a certificate is issued to.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub common_name: &'a str,
    pub organisation: &'a str,
    pub email: Option<&'a str>,
}

impl CertificateAuthority {
    /// A new authority, valid 20 years from `now`.
    pub fn create(common_name: &str, organisation: &str, now: OffsetDateTime) -> Result<Self, SigningError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = base_params(&Subject { common_name, organisation, email: None }, now, Duration::days(365 * 20))?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let certificate = params.self_signed(&key)?;
        Ok(Self { credential: Credential::new(certificate.der().to_vec(), Vec::new(), &key.serialize_der())? })
    }

    /// An authority stored earlier.
    pub fn open(certificate_der: Vec<u8>, key_pkcs8: &[u8]) -> Result<Self, SigningError> {
        Ok(Self { credential: Credential::new(certificate_der, Vec::new(), key_pkcs8)? })
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// A signing certificate for a person or an organisation's seal (key usages: digital signature,
    /// non-repudiation), valid ten years from `now`: a demo authority's certificates outlive the
    /// documents they sign, so that a plain validation today still accepts past signatures.
    pub fn issue_signer(&self, subject: &Subject<'_>, now: OffsetDateTime) -> Result<Credential, SigningError> {
        let mut params = base_params(subject, now, Duration::days(365 * 10))?;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
        if let Some(email) = subject.email {
            params.subject_alt_names = vec![SanType::Rfc822Name(email.try_into()?)];
        }
        self.issue(params)
    }

    /// The certificate of a timestamp authority (RFC 3161 §2.3: the only extended key usage is
    /// `id-kp-timeStamping`, marked critical), valid ten years from `now`.
    pub fn issue_timestamping(&self, subject: &Subject<'_>, now: OffsetDateTime) -> Result<Credential, SigningError> {
        let mut params = base_params(subject, now, Duration::days(365 * 10))?;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
        let eku = der::Encode::to_der(&vec![ID_KP_TIME_STAMPING])?;
        let mut extension = CustomExtension::from_oid_content(&[2, 5, 29, 37], eku);
        extension.set_criticality(true);
        params.custom_extensions.push(extension);
        self.issue(params)
    }

    fn issue(&self, params: CertificateParams) -> Result<Credential, SigningError> {
        let ca_key = KeyPair::try_from(self.credential.key_pkcs8())?;
        let ca_der = rustls_pki_types::CertificateDer::from(self.credential.certificate_der().to_vec());
        let issuer = Issuer::from_ca_cert_der(&ca_der, ca_key)?;
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let certificate = params.signed_by(&key, &issuer)?;
        Credential::new(certificate.der().to_vec(), vec![self.credential.certificate_der().to_vec()], &key.serialize_der())
    }
}

fn base_params(subject: &Subject<'_>, now: OffsetDateTime, validity: Duration) -> Result<CertificateParams, SigningError> {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CountryName, "FR");
    name.push(DnType::OrganizationName, subject.organisation);
    name.push(DnType::CommonName, subject.common_name);
    params.distinguished_name = name;
    params.not_before = now - Duration::minutes(5);
    params.not_after = now + validity;
    params.serial_number = Some(SerialNumber::from_slice(&random_serial()?));
    params.use_authority_key_identifier_extension = true;
    Ok(params)
}

/// 16 random bytes, positive as a DER INTEGER.
fn random_serial() -> Result<[u8; 16], SigningError> {
    use ring::rand::SecureRandom;
    let mut serial = [0u8; 16];
    ring::rand::SystemRandom::new().fill(&mut serial).map_err(|_| SigningError::Credential("aléa indisponible".into()))?;
    serial[0] = (serial[0] & 0x7f) | 0x01;
    Ok(serial)
}
