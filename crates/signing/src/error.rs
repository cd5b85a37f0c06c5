use thiserror::Error;

/// Why a certificate, a timestamp or a signature could not be made or read.
#[derive(Debug, Error)]
pub enum SigningError {
    #[error("certificat ou clé illisible : {0}")]
    Credential(String),
    #[error("fichier PKCS#12 illisible ou mot de passe incorrect : {0}")]
    Pkcs12(String),
    #[error("PDF illisible : {0}")]
    Pdf(String),
    #[error("structure ASN.1 invalide : {0}")]
    Asn1(String),
    #[error("horodatage refusé : {0}")]
    Timestamp(String),
    #[error("signature impossible : {0}")]
    Signature(String),
    #[error("signature XAdES invalide : {0}")]
    Xades(String),
}

impl From<der::Error> for SigningError {
    fn from(e: der::Error) -> Self {
        Self::Asn1(e.to_string())
    }
}

impl From<rcgen::Error> for SigningError {
    fn from(e: rcgen::Error) -> Self {
        Self::Credential(e.to_string())
    }
}
