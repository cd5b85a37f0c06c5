//! @ctes packages: a gzip-compressed tar archive holding the envelope, the business messages it lists, and the
//! documents those messages name.
//!
//! Naming, as the reference implementations (S²low, STELA) apply the *cahier des charges*:
//! - envelope of a collectivity: `{application}--{SIREN}--{YYYYMMDD}-{serial}.xml`, e.g.
//!   `EACT--243400017--20211214-1.xml`, the serial counting the envelopes of the day from 1;
//! - envelope of a State service: `{application}--{office}-{SIREN}-{YYYYMMDD}-{serial}.xml`, e.g.
//!   `TACT--SPREF0341-243400017-20211215-1.xml`;
//! - archive: `{trigram}-{envelope name without .xml}.tar.gz`, e.g. `SLO-EACT--243400017--20211214-1.tar.gz`;
//! - message: `{base name}_0.xml` and its documents `{base name}_1.pdf`, `_2`, … (see
//!   [`ActIdentifier::file_name`](super::ActIdentifier::file_name)).
//!
//! The trigram and the application code are given to each transmission operator (*tiers de télétransmission*)
//! by the ministry when its platform is approved.

use std::collections::HashSet;
use std::io::Read;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use kernel::Siren;
use serde::{Deserialize, Serialize};
use time::{Date, Time};

use super::envelope::{Envelope, PrefectureEnvelope, PrefectureOffice, Sender};
use super::error::LegalityError;
use super::messages::{CollectivityMessage, Message, PrefectureMessage};
use super::xml;

/// The codes the ministry gives a transmission operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    trigram: String,
    application: String,
}

impl Operator {
    /// `trigram`: 3 capital letters or digits, prefix of archive names (S²low ships `SLO`, STELA `SIC`);
    /// `application`: 4 capital letters, prefix of envelope names (`EACT` in the reference fixtures).
    pub fn new(trigram: &str, application: &str) -> Result<Self, LegalityError> {
        let code = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !code(trigram, 3) {
            return Err(LegalityError::Operator(trigram.to_string(), "3 lettres majuscules ou chiffres attendus"));
        }
        if !(code(application, 4) && application.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(LegalityError::Operator(application.to_string(), "4 lettres majuscules attendues"));
        }
        Ok(Self { trigram: trigram.to_string(), application: application.to_string() })
    }

    pub fn trigram(&self) -> &str {
        &self.trigram
    }

    pub fn application(&self) -> &str {
        &self.application
    }

    /// Name of a collectivity's envelope, e.g. `EACT--243400017--20211214-1.xml`.
    pub fn envelope_name(&self, siren: &Siren, sent_on: Date, serial: u32) -> String {
        format!("{}--{siren}--{}-{serial}.xml", self.application, xml::compact_date(sent_on))
    }

    /// Name of a State service's envelope, e.g. `TACT--SPREF0341-243400017-20211215-1.xml`.
    pub fn prefecture_envelope_name(&self, office: &PrefectureOffice, recipient: &Siren, sent_on: Date, serial: u32) -> String {
        format!("{}--{}-{recipient}-{}-{serial}.xml", self.application, office.code(), xml::compact_date(sent_on))
    }

    /// Name of the archive that carries an envelope, e.g. `SLO-EACT--243400017--20211214-1.tar.gz`.
    pub fn archive_name(&self, envelope_name: &str) -> String {
        format!("{}-{}.tar.gz", self.trigram, envelope_name.strip_suffix(".xml").unwrap_or(envelope_name))
    }
}

/// Who sends a package, on which day, and its rank among the envelopes of that day (from 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispatch {
    pub operator: Operator,
    pub sent_on: Date,
    pub serial: u32,
}

/// A package, with its files kept apart so that callers can store each XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub archive_name: String,
    /// The `.tar.gz` bytes.
    pub archive: Vec<u8>,
    /// Name and bytes of each file, in archive order: envelope, message, documents.
    pub files: Vec<(String, Vec<u8>)>,
}

impl Package {
    /// Packs one message of a collectivity with the documents it names.
    pub fn collectivity(
        sender: &Sender,
        dispatch: &Dispatch,
        message: &CollectivityMessage,
        documents: Vec<(String, Vec<u8>)>,
    ) -> Result<Self, LegalityError> {
        sender.check()?;
        check_documents(&message.documents(), &documents)?;
        let form = format!("{}_0.xml", message.base_name(&sender.departement, &sender.siren));
        let envelope = Envelope { sender: sender.clone(), forms: vec![form.clone()] };
        let envelope_name = dispatch.operator.envelope_name(&sender.siren, dispatch.sent_on, check_serial(dispatch)?);
        assemble(dispatch, envelope_name, envelope.to_xml(), form, message.to_xml(), documents)
    }

    /// Packs one message of a State service for a collectivity (used by the prefecture simulator).
    pub fn prefecture(
        office: &PrefectureOffice,
        recipient: &Siren,
        dispatch: &Dispatch,
        message: &PrefectureMessage,
        documents: Vec<(String, Vec<u8>)>,
    ) -> Result<Self, LegalityError> {
        let departement = match office {
            PrefectureOffice::Sgar(d) | PrefectureOffice::Prefecture(d) | PrefectureOffice::SubPrefecture(d, _) => d,
        };
        let base = message.base_name(departement, recipient).ok_or(LegalityError::EnvelopeAnomalyAlone)?;
        check_documents(&message.documents(), &documents)?;
        let form = format!("{base}_0.xml");
        let envelope =
            PrefectureEnvelope { office: office.clone(), referent: None, forms: vec![form.clone()], recipient: recipient.clone() };
        let envelope_name = dispatch.operator.prefecture_envelope_name(office, recipient, dispatch.sent_on, check_serial(dispatch)?);
        assemble(dispatch, envelope_name, envelope.to_xml(), form, message.to_xml(), documents)
    }

    /// Unpacks an archive.
    pub fn read(archive_name: &str, archive: &[u8]) -> Result<Self, LegalityError> {
        let broken = |e: std::io::Error| LegalityError::Archive(e.to_string());
        let mut files = Vec::new();
        let mut tar = tar::Archive::new(GzDecoder::new(archive));
        for entry in tar.entries().map_err(broken)? {
            let mut entry = entry.map_err(broken)?;
            if entry.header().entry_type().is_dir() {
                continue;
            }
            let name = entry.path().map_err(broken)?.to_string_lossy().trim_start_matches("./").to_string();
            if name.contains('/') || name.contains('\\') {
                return Err(LegalityError::Archive(format!("le fichier « {name} » est rangé dans un dossier")));
            }
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(broken)?;
            files.push((name, bytes));
        }
        Ok(Self { archive_name: archive_name.to_string(), archive: archive.to_vec(), files })
    }

    /// The bytes of a file of the package.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, bytes)| bytes.as_slice())
    }

    /// The business messages the package's envelope lists, in order, read from their files.
    pub fn messages(&self) -> Result<Vec<Message>, LegalityError> {
        let forms = self
            .files
            .iter()
            .filter(|(name, _)| name.ends_with(".xml"))
            .find_map(|(_, bytes)| {
                Envelope::parse(bytes).map(|e| e.forms).or_else(|_| PrefectureEnvelope::parse(bytes).map(|e| e.forms)).ok()
            })
            .ok_or_else(|| LegalityError::Archive("aucune enveloppe @ctes dans le paquet".into()))?;
        forms.iter().map(|form| Message::parse(self.file(form).ok_or_else(|| LegalityError::MissingFile(form.clone()))?)).collect()
    }
}

fn check_serial(dispatch: &Dispatch) -> Result<u32, LegalityError> {
    if dispatch.serial == 0 { Err(LegalityError::Serial) } else { Ok(dispatch.serial) }
}

/// The documents given must be exactly those the message names, each once and not empty.
fn check_documents(named: &[&str], documents: &[(String, Vec<u8>)]) -> Result<(), LegalityError> {
    let mut seen = HashSet::new();
    for (name, bytes) in documents {
        if !seen.insert(name.as_str()) {
            return Err(LegalityError::DuplicateFile(name.clone()));
        }
        if !named.contains(&name.as_str()) {
            return Err(LegalityError::UnexpectedFile(name.clone()));
        }
        if bytes.is_empty() {
            return Err(LegalityError::EmptyFile(name.clone()));
        }
    }
    match named.iter().find(|name| !seen.contains(*name)) {
        Some(missing) => Err(LegalityError::MissingFile(missing.to_string())),
        None => Ok(()),
    }
}

fn assemble(
    dispatch: &Dispatch,
    envelope_name: String,
    envelope: String,
    form: String,
    message: String,
    documents: Vec<(String, Vec<u8>)>,
) -> Result<Package, LegalityError> {
    let archive_name = dispatch.operator.archive_name(&envelope_name);
    let mut files = vec![(envelope_name, envelope.into_bytes()), (form, message.into_bytes())];
    files.extend(documents);
    let modified = dispatch.sent_on.with_time(Time::MIDNIGHT).assume_utc().unix_timestamp().max(0).unsigned_abs();
    let archive = tar_gz(&files, modified).map_err(|e| LegalityError::Archive(e.to_string()))?;
    Ok(Package { archive_name, archive, files })
}

/// A flat ustar archive, compressed at the best level (as S²low's `gzip -9`). Entries are dated from the
/// dispatch day so that the same package always gives the same bytes.
fn tar_gz(files: &[(String, Vec<u8>)], modified: u64) -> std::io::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::best()));
    for (name, bytes) in files {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(modified);
        builder.append_data(&mut header, name, bytes.as_slice())?;
    }
    builder.into_inner()?.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legality::envelope::Arrondissement;
    use crate::legality::identifier::Departement;
    use crate::legality::kind::MessageKind;
    use crate::legality::messages::LetterRef;
    use crate::legality::testing::{act_id, assert_valid, sender};
    use time::macros::date;

    fn dispatch() -> Dispatch {
        Dispatch { operator: Operator::new("COM", "EACT").unwrap(), sent_on: date!(2022 - 01 - 12), serial: 3 }
    }

    #[test]
    fn operator_codes_and_names() {
        let operator = Operator::new("SLO", "EACT").unwrap();
        let siren = Siren::parse("214502494").unwrap();
        let envelope = operator.envelope_name(&siren, date!(2017 - 07 - 17), 6);
        assert_eq!(envelope, "EACT--214502494--20170717-6.xml");
        assert_eq!(operator.archive_name(&envelope), "SLO-EACT--214502494--20170717-6.tar.gz");
        let office = PrefectureOffice::SubPrefecture(Departement::parse("001").unwrap(), Arrondissement::new(1).unwrap());
        let tact = Operator::new("PRF", "TACT").unwrap();
        let siren = Siren::parse("000000000").unwrap();
        assert_eq!(tact.prefecture_envelope_name(&office, &siren, date!(2017 - 07 - 25), 4), "TACT--SPREF0011-000000000-20170725-4.xml");
        for (trigram, application) in [("SL", "EACT"), ("slo", "EACT"), ("SLO", "EAC1"), ("SLO", "EACTS"), ("S-O", "EACT")] {
            assert!(Operator::new(trigram, application).is_err(), "{trigram} {application}");
        }
    }

    #[test]
    fn a_reply_package_reads_back() {
        let document = act_id().file_name(MessageKind::AdditionalDocuments, 1, "pdf", None);
        let message = CollectivityMessage::AdditionalDocuments {
            letter: LetterRef { act_id: act_id(), date: date!(2022 - 01 - 10) },
            documents: vec![document.clone()],
        };
        let package = Package::collectivity(&sender(), &dispatch(), &message, vec![(document.clone(), b"%PDF-1.7".to_vec())]).unwrap();
        assert_eq!(package.archive_name, "COM-EACT--243400017--20220112-3.tar.gz");
        let names: Vec<&str> = package.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["EACT--243400017--20220112-3.xml", "034-243400017-20211214-174579-DE-3-4_0.xml", document.as_str()]);
        for (name, bytes) in package.files.iter().filter(|(n, _)| n.ends_with(".xml")) {
            assert_valid(std::str::from_utf8(bytes).expect(name));
        }
        let read = Package::read(&package.archive_name, &package.archive).unwrap();
        assert_eq!(read.files, package.files);
        assert_eq!(read.messages().unwrap(), [Message::Collectivity(message.clone())]);
        let again = Package::collectivity(&sender(), &dispatch(), &message, vec![(document, b"%PDF-1.7".to_vec())]).unwrap();
        assert_eq!(again.archive, package.archive, "the same package gives the same bytes");
    }

    #[test]
    fn documents_must_match_the_message() {
        let named = act_id().file_name(MessageKind::SimpleLetterReply, 1, "pdf", None);
        let message = CollectivityMessage::SimpleLetterReply {
            letter: LetterRef { act_id: act_id(), date: date!(2022 - 01 - 10) },
            document: named.clone(),
        };
        let pdf = b"%PDF-1.7".to_vec();
        let cases = [
            (vec![], LegalityError::MissingFile(named.clone())),
            (vec![("autre.pdf".to_string(), pdf.clone())], LegalityError::UnexpectedFile("autre.pdf".into())),
            (vec![(named.clone(), pdf.clone()), (named.clone(), pdf.clone())], LegalityError::DuplicateFile(named.clone())),
            (vec![(named.clone(), Vec::new())], LegalityError::EmptyFile(named.clone())),
        ];
        for (documents, expected) in cases {
            assert_eq!(Package::collectivity(&sender(), &dispatch(), &message, documents), Err(expected));
        }
        let mut first = dispatch();
        first.serial = 0;
        assert_eq!(Package::collectivity(&sender(), &first, &message, vec![(named, pdf)]), Err(LegalityError::Serial));
    }

    #[test]
    fn a_prefecture_package_reads_back() {
        let office = PrefectureOffice::Prefecture(Departement::parse("034").unwrap());
        let siren = Siren::parse("243400017").unwrap();
        let operator = Dispatch { operator: Operator::new("PRF", "TACT").unwrap(), sent_on: date!(2021 - 12 - 15), serial: 1 };
        let message = PrefectureMessage::CancellationAcknowledgement { act_id: act_id(), received_on: date!(2021 - 12 - 15) };
        let package = Package::prefecture(&office, &siren, &operator, &message, Vec::new()).unwrap();
        assert_eq!(package.archive_name, "PRF-TACT--PREF034-243400017-20211215-1.tar.gz");
        assert_eq!(package.files[1].0, "034-243400017-20211214-174579-DE-6-2_0.xml");
        for (name, bytes) in &package.files {
            assert_valid(std::str::from_utf8(bytes).expect(name));
        }
        let read = Package::read(&package.archive_name, &package.archive).unwrap();
        assert_eq!(read.messages().unwrap(), [Message::Prefecture(message)]);
    }

    #[test]
    fn unreadable_archives() {
        assert!(matches!(Package::read("x.tar.gz", b"not a gzip stream"), Err(LegalityError::Archive(_))));
        let nested = tar_gz(&[("dossier/a.xml".into(), b"<a/>".to_vec())], 0).unwrap();
        assert_eq!(
            Package::read("x.tar.gz", &nested).unwrap_err().to_string(),
            "archive @ctes illisible : le fichier « dossier/a.xml » est rangé dans un dossier"
        );
        let no_envelope = tar_gz(&[("a.xml".into(), b"<a/>".to_vec())], 0).unwrap();
        assert!(Package::read("x.tar.gz", &no_envelope).unwrap().messages().unwrap_err().to_string().contains("aucune enveloppe"));
    }
}
