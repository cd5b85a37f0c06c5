//! Electronic signatures for the platform (*signature électronique*): certificate authorities (a demo
//! one per organisation, or certificates imported from PKCS#12 files), the platform's RFC 3161
//! timestamp authority (*autorité d'horodatage*), PAdES signatures of PDF files (baselines B-B and
//! B-T) with a visible signature block, and their validation report.
//!
//! Keys are ECDSA P-256 for everything this crate creates; imported certificates may also carry RSA
//! keys. Every structure is DER built with the RustCrypto `cms`/`x509-cert` types and signed with ring.

mod asn1;
pub mod authority;
mod c14n;
pub mod credential;
mod error;
pub mod pades;
mod pdf;
pub mod pkcs12;
mod signed_data;
pub mod timestamp;
pub mod validation;
pub mod vault;
pub mod xades;

pub use authority::CertificateAuthority;
pub use credential::Credential;
pub use error::SigningError;
pub use pades::{PadesLevel, SignatureRequest};
pub use timestamp::TimestampAuthority;
pub use validation::{SignatureReport, ValidationReport};
pub use vault::KeyVault;

/// A certificate (DER) as PEM.
pub fn pem_certificate(der: &[u8]) -> String {
    asn1::pem("CERTIFICATE", der)
}
