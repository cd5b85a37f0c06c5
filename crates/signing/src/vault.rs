//! Private keys at rest: sealed with AES-256-GCM under a key-encryption key kept in a file outside the
//! database (so that a dump of the database alone does not give away the signing keys).

use crate::SigningError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;

/// The key-encryption key.
pub struct KeyVault {
    key: LessSafeKey,
}

impl KeyVault {
    /// The vault whose key is in `path`, created (32 random bytes, owner-only) when missing.
    pub fn open_or_create(path: &Path) -> Result<Self, SigningError> {
        let failure = |e: std::io::Error| SigningError::Credential(format!("clé de chiffrement {} : {e}", path.display()));
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(failure)?;
                }
                let mut key = [0u8; 32];
                SystemRandom::new().fill(&mut key).map_err(|_| SigningError::Credential("aléa indisponible".into()))?;
                write_private(path, &key).map_err(failure)?;
                key.to_vec()
            }
            Err(e) => return Err(failure(e)),
        };
        Self::from_key(&bytes)
    }

    /// A vault over a 32-byte key.
    pub fn from_key(bytes: &[u8]) -> Result<Self, SigningError> {
        let unbound = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| SigningError::Credential("clé de chiffrement de 32 octets attendue".into()))?;
        Ok(Self { key: LessSafeKey::new(unbound) })
    }

    /// `secret` sealed: base64 of nonce, ciphertext and tag.
    pub fn seal(&self, secret: &[u8]) -> Result<String, SigningError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| SigningError::Credential("aléa indisponible".into()))?;
        let mut sealed = secret.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut sealed)
            .map_err(|_| SigningError::Credential("chiffrement impossible".into()))?;
        Ok(STANDARD.encode([nonce.as_slice(), &sealed].concat()))
    }

    /// The secret of `sealed`; an error when it was sealed under another key or altered.
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, SigningError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| SigningError::Credential("clé scellée illisible".into()))?;
        if bytes.len() < NONCE_LEN {
            return Err(SigningError::Credential("clé scellée tronquée".into()));
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SigningError::Credential("nonce invalide".into()))?;
        let mut buffer = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut buffer)
            .map_err(|_| SigningError::Credential("clé scellée sous une autre clé de chiffrement, ou altérée".into()))?;
        Ok(plain.to_vec())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::KeyVault;

    #[test]
    fn sealed_keys_open_only_under_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/signing.kek");
        let vault = KeyVault::open_or_create(&path).unwrap();
        let sealed = vault.seal(b"cle privee").unwrap();
        assert_eq!(KeyVault::open_or_create(&path).unwrap().open(&sealed).unwrap(), b"cle privee");
        assert!(KeyVault::from_key(&[7u8; 32]).unwrap().open(&sealed).is_err());
        let mut altered = sealed.into_bytes();
        altered[20] = if altered[20] == b'A' { b'B' } else { b'A' };
        assert!(vault.open(std::str::from_utf8(&altered).unwrap()).is_err());
    }
}
