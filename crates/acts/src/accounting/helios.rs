//! The accountant simulator: stands for the DGFiP's Hélios behind its *tiers de télétransmission*. It
//! keeps every file it receives (one folder, state reread at each call), checks it as Hélios does — the
//! PES V2 schema (with `xmllint` when installed), the XAdES signature of each bordereau, the supporting
//! documents each piece refers to — and answers with a `PES_Acquit`: each bordereau accepted or rejected
//! with the anomaly's code. A file of a name already received is not processed twice.

use super::accountant::{Accountant, Deposit};
use crate::transmission::connector::ConnectorError;
use crate::xsd::{self, SchemaValidator};
use futures::future::BoxFuture;
use pes::acquit::{AckElement, AckError, AckState, Acquit, codes};
use sha2::{Digest, Sha256};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use time::Date;

/// The simulator's folder: `received/` the files, `acquits/` the answers, `schemas/` the PES schemas.
pub struct Helios {
    dir: PathBuf,
    schema: SchemaValidator,
    available: AtomicBool,
    today: fn() -> Date,
    /// One file processed at a time, so that a file sent twice at once is still processed once.
    processing: Mutex<()>,
}

impl Helios {
    /// Opens (or creates) the simulator in `dir`; `today` dates the acknowledgements.
    pub fn open(dir: &Path, today: fn() -> Date) -> io::Result<Self> {
        fs::create_dir_all(dir.join("received"))?;
        fs::create_dir_all(dir.join("acquits"))?;
        let schema = SchemaValidator::install(&dir.join("schemas"), &xsd::PES_ALLER)?;
        Ok(Self { dir: dir.to_path_buf(), schema, available: AtomicBool::new(true), today, processing: Mutex::new(()) })
    }

    /// Makes the accountant reachable or not (tests of retries).
    pub fn set_available(&self, available: bool) {
        self.available.store(available, Ordering::SeqCst);
    }

    /// The reference of a file: derived from its name, which Hélios requires unique.
    fn reference(file_name: &str) -> String {
        let digest = Sha256::digest(file_name.as_bytes());
        format!("HEL-{}", digest.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>())
    }

    fn acquit_path(&self, reference: &str) -> Option<PathBuf> {
        let valid = reference.strip_prefix("HEL-").is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
        valid.then(|| self.dir.join("acquits").join(format!("{reference}.xml")))
    }

    /// Receives a file: keeps it, checks it and writes its acknowledgement.
    pub fn receive(&self, file_name: &str, xml: &[u8]) -> Result<Deposit, ConnectorError> {
        if !self.available.load(Ordering::SeqCst) {
            return Err(ConnectorError::Unavailable("le comptable ne répond pas".into()));
        }
        let _guard = self.processing.lock().map_err(|_| ConnectorError::Unavailable("simulateur interrompu".into()))?;
        let reference = Self::reference(file_name);
        let acquit_path = self.acquit_path(&reference).ok_or_else(|| ConnectorError::Refused("référence invalide".into()))?;
        if acquit_path.exists() {
            return Ok(Deposit { reference, duplicate: true });
        }
        let text = std::str::from_utf8(xml).map_err(|_| ConnectorError::Refused("fichier PES non UTF-8".into()))?;
        let summary = pes::read_aller(text).map_err(|e| ConnectorError::Refused(format!("fichier PES illisible : {e}")))?;
        if summary.file_name != file_name {
            return Err(ConnectorError::Refused(format!("le nom du fichier ({file_name}) diffère de son NomFic ({})", summary.file_name)));
        }
        let unavailable = |e: io::Error| ConnectorError::Unavailable(e.to_string());
        fs::write(self.dir.join("received").join(format!("{reference}.xml")), xml).map_err(unavailable)?;
        let schema_error = self.schema.check(file_name, xml).map_err(unavailable)?;
        let acquit = self.acknowledge(text, &summary, schema_error);
        fs::write(&acquit_path, pes::acquit::write(&acquit, &summary.budget)).map_err(unavailable)?;
        Ok(Deposit { reference, duplicate: false })
    }

    /// The acknowledgement of a file: one element per bordereau.
    fn acknowledge(&self, xml: &str, summary: &pes::AllerSummary, schema_error: Option<String>) -> Acquit {
        let elements = summary
            .bordereaux
            .iter()
            .map(|bordereau| {
                let mut errors = Vec::new();
                if let Some(message) = &schema_error {
                    errors.push(AckError { code: codes::SCHEMA.into(), message: message.clone() });
                }
                match &bordereau.id {
                    Some(id) => {
                        if let Err(e) = signing::xades::verify_enveloped(xml, id) {
                            errors.push(AckError { code: codes::BORDEREAU_SIGNATURE_INVALID.into(), message: e.to_string() });
                        }
                    }
                    None => {
                        errors.push(AckError { code: codes::BORDEREAU_SIGNATURE_MISSING.into(), message: "bordereau non signé".into() })
                    }
                }
                for missing in bordereau.attachment_refs.iter().filter(|r| !summary.attachments.contains(r)) {
                    errors.push(AckError {
                        code: codes::ATTACHMENT.into(),
                        message: format!("pièce justificative {missing} absente du fichier"),
                    });
                }
                AckElement {
                    domain: bordereau.domain,
                    state: if errors.is_empty() { AckState::Accepted } else { AckState::Rejected },
                    bordereau: Some((bordereau.year, bordereau.number)),
                    errors,
                }
            })
            .collect();
        Acquit { file_name: summary.file_name.clone(), received_on: (self.today)(), elements }
    }
}

impl Accountant for Helios {
    fn deposit<'a>(&'a self, file_name: &'a str, xml: &'a [u8]) -> BoxFuture<'a, Result<Deposit, ConnectorError>> {
        Box::pin(async move { self.receive(file_name, xml) })
    }

    fn acquit<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, ConnectorError>> {
        Box::pin(async move {
            if !self.available.load(Ordering::SeqCst) {
                return Err(ConnectorError::Unavailable("le comptable ne répond pas".into()));
            }
            let path = self.acquit_path(reference).ok_or_else(|| ConnectorError::Refused(format!("référence inconnue : {reference}")))?;
            match fs::read(path) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(ConnectorError::Unavailable(e.to_string())),
            }
        })
    }
}
