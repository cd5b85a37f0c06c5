//! Transmission of one act to the prefecture (*télétransmission d'un acte*, message 1-1): from the act's data
//! and files to the @ctes package, with the protocol's file names.
//!
//! For `034-243400017-20211214-174579-DE` sent on 14 December 2021 as the day's first envelope, the package
//! `{trigram}-EACT--243400017--20211214-1.tar.gz` holds:
//! - `EACT--243400017--20211214-1.xml`, the envelope;
//! - `034-243400017-20211214-174579-DE-1-1_0.xml`, the act's form;
//! - `99_DE-034-243400017-20211214-174579-DE-1-1_1.pdf`, the act, prefixed with its piece type;
//! - `99_AU-034-243400017-20211214-174579-DE-1-1_2.pdf`, `_3`, …, the annexes.

use serde::{Deserialize, Serialize};
use time::Date;

use super::act::{ActData, check_subject};
use super::classification::{Classification, MatterCodes};
use super::envelope::Sender;
use super::error::LegalityError;
use super::identifier::{ActIdentifier, PieceTypeCode};
use super::kind::MessageKind;
use super::messages::CollectivityMessage;
use super::package::{Dispatch, Package};

/// The extensions @ctes accepts for acts and annexes.
pub const ACCEPTED_EXTENSIONS: [&str; 5] = ["pdf", "xml", "png", "jpg", "jpeg"];

/// Files with their protocol names, in package order.
type NamedFiles = Vec<(String, Vec<u8>)>;

/// A file sent with an act: the act itself or an annex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Type of piece (*typologie*), e.g. `99_DE`.
    pub piece_type: PieceTypeCode,
    /// The name the agent gave the file; only its extension is kept.
    pub original_name: String,
    pub bytes: Vec<u8>,
}

impl Attachment {
    /// The lower-case extension, if @ctes accepts it.
    fn extension(&self) -> Result<String, LegalityError> {
        let extension = self.original_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        if ACCEPTED_EXTENSIONS.contains(&extension.as_str()) {
            Ok(extension)
        } else {
            Err(LegalityError::FileExtension(self.original_name.clone()))
        }
    }
}

/// Everything needed to transmit one act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActTransmission {
    pub identifier: ActIdentifier,
    /// *Objet de l'acte*, 1 to 500 characters.
    pub subject: String,
    pub matter: MatterCodes,
    /// Version of the classification the matter comes from.
    pub classification_date: Date,
    /// The act whose cancelled transmission this one replaces.
    pub previous: Option<ActIdentifier>,
    pub document: Attachment,
    pub annexes: Vec<Attachment>,
    /// Some annexes are sent on paper.
    pub paper_annexes: bool,
}

impl ActTransmission {
    /// The act's form, with the protocol's file names; checks the subject and the files.
    pub fn act_data(&self) -> Result<ActData, LegalityError> {
        Ok(self.named_files()?.0)
    }

    /// Checks the matter and the piece types against the classification in use.
    pub fn check_against(&self, classification: &Classification) -> Result<(), LegalityError> {
        classification.check(&self.matter)?;
        std::iter::once(&self.document)
            .chain(&self.annexes)
            .try_for_each(|file| classification.check_piece_type(self.identifier.nature, &file.piece_type))
    }

    /// Builds the package; the act must belong to the sender.
    pub fn package(&self, sender: &Sender, dispatch: &Dispatch) -> Result<Package, LegalityError> {
        if self.identifier.siren != sender.siren || self.identifier.departement != sender.departement {
            return Err(LegalityError::ForeignAct {
                identifier: self.identifier.to_string(),
                siren: sender.siren.to_string(),
                departement: sender.departement.to_string(),
            });
        }
        let (act, files) = self.named_files()?;
        Package::collectivity(sender, dispatch, &CollectivityMessage::Act(Box::new(act)), files)
    }

    fn named_files(&self) -> Result<(ActData, NamedFiles), LegalityError> {
        check_subject(&self.subject)?;
        let mut files = Vec::with_capacity(1 + self.annexes.len());
        for (index, file) in std::iter::once(&self.document).chain(&self.annexes).enumerate() {
            if file.bytes.is_empty() {
                return Err(LegalityError::EmptyFile(file.original_name.clone()));
            }
            let name = self.identifier.file_name(MessageKind::Act, index + 1, &file.extension()?, Some(&file.piece_type));
            files.push((name, file.bytes.clone()));
        }
        let act = ActData {
            decision_date: self.identifier.decision_date,
            internal_number: self.identifier.internal_number.clone(),
            nature: self.identifier.nature,
            matter: self.matter.clone(),
            subject: self.subject.clone(),
            previous: self.previous.clone(),
            classification_date: self.classification_date,
            document: files[0].0.clone(),
            annexes: files[1..].iter().map(|(name, _)| name.clone()).collect(),
            paper_annexes: self.paper_annexes,
        };
        Ok((act, files))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::legality::package::Operator;
    use crate::legality::testing::{act_id, assert_valid, sender};
    use kernel::Siren;
    use time::macros::date;

    fn attachment(piece_type: &str, name: &str) -> Attachment {
        Attachment {
            piece_type: PieceTypeCode::parse(piece_type).unwrap(),
            original_name: name.into(),
            bytes: b"%PDF-1.7 contenu".to_vec(),
        }
    }

    fn transmission() -> ActTransmission {
        ActTransmission {
            identifier: act_id(),
            subject: "Budget primitif 2022 – approbation".into(),
            matter: MatterCodes::parse("7.1").unwrap(),
            classification_date: date!(2004 - 04 - 01),
            previous: None,
            document: attachment("99_DE", "Délibération signée.PDF"),
            annexes: vec![attachment("99_AU", "annexe budget.pdf"), attachment("99_AU", "maquette.xml")],
            paper_annexes: false,
        }
    }

    fn dispatch() -> Dispatch {
        Dispatch { operator: Operator::new("COM", "EACT").unwrap(), sent_on: date!(2021 - 12 - 14), serial: 1 }
    }

    #[test]
    fn package_of_an_act() {
        let package = transmission().package(&sender(), &dispatch()).unwrap();
        assert_eq!(package.archive_name, "COM-EACT--243400017--20211214-1.tar.gz");
        let names: Vec<&str> = package.files.iter().map(|(n, _)| n.as_str()).collect();
        let expected = [
            "EACT--243400017--20211214-1.xml",
            "034-243400017-20211214-174579-DE-1-1_0.xml",
            "99_DE-034-243400017-20211214-174579-DE-1-1_1.pdf",
            "99_AU-034-243400017-20211214-174579-DE-1-1_2.pdf",
            "99_AU-034-243400017-20211214-174579-DE-1-1_3.xml",
        ];
        assert_eq!(names, expected);

        let mut listed = Vec::new();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(package.archive.as_slice()));
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            assert_eq!(package.file(&name), Some(bytes.as_slice()), "{name}");
            listed.push(name);
        }
        assert_eq!(listed, expected);

        for name in &expected[..2] {
            assert_valid(std::str::from_utf8(package.file(name).unwrap()).unwrap());
        }
        let act = transmission().act_data().unwrap();
        assert_eq!(act.document, expected[2]);
        assert_eq!(act.annexes, expected[3..]);
        assert_eq!(CollectivityMessage::parse(package.file(expected[1]).unwrap()).unwrap(), CollectivityMessage::Act(Box::new(act)));
    }

    #[test]
    fn refusals() {
        let mut long = transmission();
        long.subject = "x".repeat(501);
        let mut empty_subject = transmission();
        empty_subject.subject = " ".into();
        let mut bad_extension = transmission();
        bad_extension.annexes[0].original_name = "annexe.docx".into();
        let mut no_extension = transmission();
        no_extension.document.original_name = "acte".into();
        let mut empty_file = transmission();
        empty_file.annexes[1].bytes.clear();
        let cases = [
            (long, LegalityError::SubjectTooLong(501)),
            (empty_subject, LegalityError::EmptySubject),
            (bad_extension, LegalityError::FileExtension("annexe.docx".into())),
            (no_extension, LegalityError::FileExtension("acte".into())),
            (empty_file, LegalityError::EmptyFile("maquette.xml".into())),
        ];
        for (transmission, expected) in cases {
            assert_eq!(transmission.package(&sender(), &dispatch()), Err(expected));
        }

        let mut other = sender();
        other.siren = Siren::parse("213401722").unwrap();
        assert_eq!(
            transmission().package(&other, &dispatch()).unwrap_err().to_string(),
            "l'acte 034-243400017-20211214-174579-DE n'appartient pas à la collectivité émettrice (SIREN 213401722, département 034)"
        );
    }

    #[test]
    fn checked_against_the_classification() {
        let national = Classification::national();
        assert_eq!(transmission().check_against(&national), Ok(()));
        let mut unknown_matter = transmission();
        unknown_matter.matter = MatterCodes::parse("7.42").unwrap();
        assert!(matches!(unknown_matter.check_against(&national), Err(LegalityError::UnknownMatter { .. })));
        let mut wrong_type = transmission();
        wrong_type.document.piece_type = PieceTypeCode::parse("99_CO").unwrap();
        assert_eq!(
            wrong_type.check_against(&national).unwrap_err().to_string(),
            "le type de pièce « 99_CO » n'est pas prévu pour la nature « Délibération » dans la classification"
        );
    }
}
