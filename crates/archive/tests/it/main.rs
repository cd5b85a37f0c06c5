//! The archive's SEDA 2.2 messages checked by the official schema with `xmllint` (offline, with the
//! schemas' catalog of the W3C imports).

use archive::Category;
use archive::deposit::{NewObject, NewTransfer, Transferring};
use std::process::Command;
use store::OrgScope;
use time::macros::{date, datetime};

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/seda-2.2/seda-2.2-main.xsd");
const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/seda-2.2/catalog.xml");

fn validate(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seda.xml");
    std::fs::write(&path, xml).unwrap();
    let output = Command::new("xmllint")
        .env("XML_CATALOG_FILES", CATALOG)
        .args(["--noout", "--nonet", "--schema", SCHEMA])
        .arg(&path)
        .output()
        .expect("xmllint is needed (Debian libxml2-utils)");
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) }
}

fn deliberation() -> NewTransfer {
    NewTransfer {
        transferring: Transferring {
            scope: OrgScope::granted(1),
            name: "Montpellier Méditerranée Métropole".into(),
            identifier: "243400017".into(),
        },
        source: "acte:034-243400017-20211214-174579-DE".into(),
        category: Category::Deliberation,
        title: "M2021-641 — Services numériques mutualisés : convention & tarifs <2022>".into(),
        dated: date!(2021 - 12 - 14),
        objects: vec![
            NewObject {
                file_name: "034-243400017-20211214-174579-DE.pdf".into(),
                media_type: "application/pdf".into(),
                title: "Acte signé M2021-641".into(),
                sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
                size: 48_213,
            },
            NewObject {
                file_name: "034-243400017-20211214-174579-DE-2-1_0.xml".into(),
                media_type: "application/xml".into(),
                title: "@ctes : Accusé de réception".into(),
                sha256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752".into(),
                size: 1_024,
            },
        ],
    }
}

#[test]
fn a_deposit_is_a_valid_seda_transfer_answered_by_a_valid_reply() {
    let transfer = deliberation();
    let (xml, reply) = archive::seda::documents(&transfer, "VERS-1-0a1b2c3d4e5f", datetime!(2021-12-21 10:00 UTC));
    validate(&xml).unwrap();
    validate(&reply).unwrap();
    assert!(
        xml.contains(
            "<MessageDigest algorithm=\"SHA-256\">9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</MessageDigest>"
        )
    );
    assert!(xml.contains("<Uri>VERS-1-0a1b2c3d4e5f/034-243400017-20211214-174579-DE.pdf</Uri>"));
    assert!(xml.contains("<FinalAction>Keep</FinalAction>") && xml.contains("<Rule>APP-DUA-10A</Rule>"));
    assert!(xml.contains("tarifs &lt;2022&gt;"), "text is escaped");
    assert!(
        reply.contains("<ReplyCode>OK</ReplyCode>")
            && reply.contains("<MessageRequestIdentifier>VERS-1-0a1b2c3d4e5f</MessageRequestIdentifier>")
    );

    let mut accounting = deliberation();
    accounting.category = Category::AccountingFlow;
    let (xml, _) = archive::seda::documents(&accounting, "VERS-1-0a1b2c3d4e60", datetime!(2021-12-23 10:00 UTC));
    validate(&xml).unwrap();
    assert!(xml.contains("<FinalAction>Destroy</FinalAction>"));
}

#[test]
fn the_schema_refuses_a_transfer_without_its_agency_or_digest_algorithm() {
    let (xml, _) = archive::seda::documents(&deliberation(), "VERS-1-0a1b2c3d4e5f", datetime!(2021-12-21 10:00 UTC));
    let without_algorithm = xml.replacen(" algorithm=\"SHA-256\"", "", 1);
    assert!(validate(&without_algorithm).unwrap_err().contains("algorithm"));
    let at = xml.find("<ArchivalAgency>").unwrap();
    let end = xml.find("</ArchivalAgency>").unwrap() + "</ArchivalAgency>".len();
    let without_agency = format!("{}{}", &xml[..at], &xml[end..]);
    assert!(validate(&without_agency).is_err());
}
