//! Fixtures and the schema check shared by the integration tests of the @ctes layer and its simulator.

use std::io::Write;
use std::process::{Command, Stdio};

use acts::legality::{
    ActIdentifier, ActTransmission, Arrondissement, Attachment, Classification, CollectivityNature, Departement, Dispatch, Email,
    MatterCodes, Operator, PieceTypeCode, Referent, Sender,
};
use kernel::Siren;
use time::macros::date;

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/actes/actesv1_1.xsd");

/// Validates `xml` against the @ctes schema with xmllint (required: a missing validator fails the test).
pub fn assert_valid(name: &str, xml: &[u8]) {
    let mut child = Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint is required (apt-get install libxml2-utils)");
    child.stdin.take().unwrap().write_all(xml).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{name} is invalid:\n{}", String::from_utf8_lossy(&output.stderr));
}

/// The identifier of the Métropole's deliberation of 14 December 2021 numbered `number`.
pub fn identifier(number: &str) -> ActIdentifier {
    format!("034-243400017-20211214-{number}-DE").parse().unwrap()
}

pub fn sender() -> Sender {
    Sender {
        siren: Siren::parse("243400017").unwrap(),
        departement: Departement::parse("034").unwrap(),
        arrondissement: Arrondissement::new(1).unwrap(),
        nature: CollectivityNature::parse("31").unwrap(),
        referent: Some(Referent {
            name: Some("Service des assemblées".into()),
            phone: None,
            email: Some(Email::parse("assemblees@montpellier3m.fr").unwrap()),
        }),
        return_emails: vec![Email::parse("actes@montpellier3m.fr").unwrap()],
    }
}

pub fn pdf(piece_type: &str, name: &str) -> Attachment {
    Attachment {
        piece_type: PieceTypeCode::parse(piece_type).unwrap(),
        original_name: name.into(),
        bytes: format!("%PDF-1.7 {name}").into_bytes(),
    }
}

/// The transmission of deliberation `number` with the annexes named.
pub fn transmission(number: &str, annexes: &[&str]) -> ActTransmission {
    ActTransmission {
        identifier: identifier(number),
        subject: "Tarifs 2022 des médiathèques « Émile Zola » & réseau – adoption".into(),
        matter: MatterCodes::parse("7.2").unwrap(),
        classification_date: Classification::national().version_date,
        previous: None,
        document: pdf("99_DE", "délibération.pdf"),
        annexes: annexes.iter().map(|name| pdf("99_AU", name)).collect(),
        paper_annexes: false,
    }
}

/// The `serial`-th envelope of 14 December 2021.
pub fn dispatch(serial: u32) -> Dispatch {
    Dispatch { operator: Operator::new("COM", "EACT").unwrap(), sent_on: date!(2021 - 12 - 14), serial }
}
