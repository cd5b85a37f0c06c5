//! Import of a real signing certificate from a PKCS#12 file (`.p12`/`.pfx`), as issued by qualified
//! providers: the key, its certificate and the issuers the file carries.

use crate::{Credential, SigningError};
use p12_keystore::{KeyStore, Pkcs12ImportPolicy};

/// The credential of a PKCS#12 file: its one private key with the certificate that matches it.
pub fn import(file: &[u8], password: &str) -> Result<Credential, SigningError> {
    let store = KeyStore::from_pkcs12(file, password, Pkcs12ImportPolicy::Relaxed).map_err(|e| SigningError::Pkcs12(e.to_string()))?;
    let (_, chain) = store.private_key_chain().ok_or_else(|| SigningError::Pkcs12("aucune clé privée dans le fichier".into()))?;
    let key = chain.key().as_der();
    let certificates: Vec<Vec<u8>> = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
    // The file orders the chain as it likes: the signer's certificate is the one the key opens.
    for (i, certificate) in certificates.iter().enumerate() {
        let issuers: Vec<Vec<u8>> = certificates.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c.clone()).collect();
        if let Ok(credential) = Credential::new(certificate.clone(), issuers, key) {
            return Ok(credential);
        }
    }
    Err(SigningError::Pkcs12("aucun certificat ne correspond à la clé privée (clé ECDSA P-256 ou RSA attendue)".into()))
}
