//! Test fixtures and the schema check shared by the unit tests of the @ctes layer.

use std::io::Write;
use std::process::{Command, Stdio};

use kernel::Siren;
use time::macros::date;

use super::act::ActData;
use super::classification::MatterCodes;
use super::envelope::{Arrondissement, CollectivityNature, Email, Referent, Sender};
use super::identifier::{ActIdentifier, Departement, InternalNumber};
use super::nature::Nature;

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/actes/actesv1_1.xsd");

/// Validates a document against the @ctes schema with `xmllint` (Debian `libxml2-utils`), which must be
/// installed: a missing validator fails the test.
pub(crate) fn assert_valid(xml: &str) {
    let mut child = Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint is required to validate @ctes documents (apt-get install libxml2-utils)");
    child.stdin.take().expect("stdin is piped").write_all(xml.as_bytes()).expect("xmllint reads the document");
    let output = child.wait_with_output().expect("xmllint runs");
    assert!(output.status.success(), "invalid against the @ctes schema:\n{}\n{xml}", String::from_utf8_lossy(&output.stderr));
}

pub(crate) fn act_id() -> ActIdentifier {
    ActIdentifier {
        departement: Departement::parse("034").unwrap(),
        siren: Siren::parse("243400017").unwrap(),
        decision_date: date!(2021 - 12 - 14),
        internal_number: InternalNumber::parse("174579").unwrap(),
        nature: Nature::Deliberation,
    }
}

pub(crate) fn act_data() -> ActData {
    ActData {
        decision_date: date!(2021 - 12 - 14),
        internal_number: InternalNumber::parse("174579").unwrap(),
        nature: Nature::Deliberation,
        matter: MatterCodes::parse("7.1").unwrap(),
        subject: "Budget primitif 2022 « principal » & annexes – approbation".into(),
        previous: None,
        classification_date: date!(2004 - 04 - 01),
        document: "99_DE-034-243400017-20211214-174579-DE-1-1_1.pdf".into(),
        annexes: vec!["99_AU-034-243400017-20211214-174579-DE-1-1_2.pdf".into()],
        paper_annexes: false,
    }
}

pub(crate) fn sender() -> Sender {
    Sender {
        siren: Siren::parse("243400017").unwrap(),
        departement: Departement::parse("034").unwrap(),
        arrondissement: Arrondissement::new(1).unwrap(),
        nature: CollectivityNature::parse("31").unwrap(),
        referent: Some(Referent {
            name: Some("Hélène Garnier, service des assemblées".into()),
            phone: Some("04 67 13 60 00".into()),
            email: Some(Email::parse("assemblees@montpellier3m.fr").unwrap()),
        }),
        return_emails: vec![Email::parse("actes@montpellier3m.fr").unwrap(), Email::parse("greffe@montpellier3m.fr").unwrap()],
    }
}
