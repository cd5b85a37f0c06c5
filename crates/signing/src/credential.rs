//! A certificate with its private key and the chain of its issuers: what signs.

use crate::SigningError;
use crate::asn1::{ID_ECDSA_WITH_SHA256, ID_SHA256_WITH_RSA, pem};
use der::{Decode, Encode};
use rcgen::{KeyPair, PublicKeyData, SigningKey};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

/// A signing certificate (*certificat de signature*), its key and its issuers, nearest first.
pub struct Credential {
    certificate: Certificate,
    certificate_der: Vec<u8>,
    chain: Vec<Vec<u8>>,
    key: KeyPair,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential").field("subject", &self.subject()).finish_non_exhaustive()
    }
}

impl Credential {
    /// Assembles a credential; the key must be the certificate's (ECDSA P-256 or RSA, PKCS#8 DER).
    pub fn new(certificate_der: Vec<u8>, chain: Vec<Vec<u8>>, key_pkcs8: &[u8]) -> Result<Self, SigningError> {
        let certificate = Certificate::from_der(&certificate_der)?;
        let key = KeyPair::try_from(key_pkcs8).map_err(|e| SigningError::Credential(format!("clé privée : {e}")))?;
        let spki = certificate.tbs_certificate.subject_public_key_info.to_der()?;
        if spki != key.subject_public_key_info() {
            return Err(SigningError::Credential("la clé privée ne correspond pas au certificat".into()));
        }
        signature_algorithm_of(&key)?;
        for issuer in &chain {
            Certificate::from_der(issuer)?;
        }
        Ok(Self { certificate, certificate_der, chain, key })
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The issuers' certificates, nearest first, up to the root when known.
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// The private key as PKCS#8 DER, to be stored encrypted.
    pub fn key_pkcs8(&self) -> &[u8] {
        self.key.serialized_der()
    }

    /// The subject's distinguished name, e.g. `CN=Michaël Delafosse,O=Montpellier Méditerranée Métropole`.
    pub fn subject(&self) -> String {
        self.certificate.tbs_certificate.subject.to_string()
    }

    /// The subject's common name, or the whole name when it has none.
    pub fn common_name(&self) -> String {
        common_name(&self.certificate)
    }

    /// The certificate then its issuers, PEM.
    pub fn chain_pem(&self) -> String {
        std::iter::once(self.certificate_der.as_slice())
            .chain(self.chain.iter().map(Vec::as_slice))
            .map(|der| pem("CERTIFICATE", der))
            .collect()
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SigningError> {
        self.key.sign(message).map_err(|e| SigningError::Signature(e.to_string()))
    }

    pub(crate) fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        signature_algorithm_of(&self.key).expect("checked when the credential was made")
    }
}

/// The CMS signature algorithm of a key: ECDSA P-256 with SHA-256, or RSA PKCS#1 v1.5 with SHA-256.
fn signature_algorithm_of(key: &KeyPair) -> Result<AlgorithmIdentifierOwned, SigningError> {
    if key.algorithm() == &rcgen::PKCS_ECDSA_P256_SHA256 {
        Ok(AlgorithmIdentifierOwned { oid: ID_ECDSA_WITH_SHA256, parameters: None })
    } else if key.algorithm() == &rcgen::PKCS_RSA_SHA256 {
        Ok(AlgorithmIdentifierOwned { oid: ID_SHA256_WITH_RSA, parameters: Some(der::asn1::Null.into()) })
    } else {
        Err(SigningError::Credential("type de clé non pris en charge (ECDSA P-256 ou RSA attendus)".into()))
    }
}

/// The common name of a certificate's subject, or its whole name.
pub fn common_name(certificate: &Certificate) -> String {
    let cn = const_oid::db::rfc4519::CN;
    certificate
        .tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == cn)
        .and_then(|atv| {
            der::asn1::Utf8StringRef::try_from(&atv.value)
                .map(|s| s.as_str().to_owned())
                .or_else(|_| der::asn1::PrintableStringRef::try_from(&atv.value).map(|s| s.as_str().to_owned()))
                .ok()
        })
        .unwrap_or_else(|| certificate.tbs_certificate.subject.to_string())
}
