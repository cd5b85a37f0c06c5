//! The typed SEDA 2.2 writer: a deliberation of Montpellier Méditerranée Métropole transferred with its
//! signed act and the prefecture's acknowledgement, checked by the official schema with `xmllint`
//! (offline, through the schemas' catalog of the W3C imports), then read back.

use archive::deposit::{NewObject, NewTransfer, Transferring};
use archive::seda::{self, Agency, AppraisalRule, ArchiveUnit, BinaryObject, Level, Management, Rule, Transfer};
use archive::{Category, FinalAction};
use sha2::{Digest, Sha256};
use std::process::Command;
use store::OrgScope;
use time::macros::{date, datetime};

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/seda-2.2/seda-2.2-main.xsd");
const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/seda-2.2/catalog.xml");

/// `Ok` when `xmllint` finds `xml` valid, else its messages.
fn xmllint(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bordereau.xml");
    std::fs::write(&path, xml).unwrap();
    let output = Command::new("xmllint")
        .env("XML_CATALOG_FILES", CATALOG)
        .args(["--noout", "--nonet", "--schema", SCHEMA])
        .arg(&path)
        .output()
        .expect("xmllint is needed to validate SEDA messages: install Debian's libxml2-utils");
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) }
}

fn object(id: &str, file_name: &str, content: &[u8], mime_type: &str, format_id: &str) -> BinaryObject {
    let sha256_hex = hex::encode(Sha256::digest(content));
    BinaryObject {
        id: id.into(),
        file_name: file_name.into(),
        uri: format!("objects/{sha256_hex}"),
        sha256_hex,
        size: content.len() as u64,
        mime_type: mime_type.into(),
        format_id: Some(format_id.into()),
    }
}

fn item(id: &str, title: &str, object: BinaryObject) -> ArchiveUnit {
    ArchiveUnit {
        id: id.into(),
        title: title.into(),
        description: None,
        level: Level::Item,
        start_date: None,
        end_date: None,
        keywords: Vec::new(),
        originating_agency: None,
        management: Management::default(),
        objects: vec![object],
        children: Vec::new(),
    }
}

fn deliberation() -> Transfer {
    let act =
        object("OBJ-ACT", "034-243400017-20211214-174579-DE.pdf", b"%PDF-1.7\n% M2021-641 signed\n%%EOF\n", "application/pdf", "fmt/276");
    let acknowledgement = object(
        "OBJ-AR",
        "034-243400017-20211214-174579-DE-2-1_0.xml",
        b"<actes:ARActe actes:IDActe=\"034-243400017-20211214-174579-DE\"/>",
        "application/xml",
        "fmt/101",
    );
    let metropole = Agency { identifier: "243400017".into(), name: "Montpellier Méditerranée Métropole".into() };
    Transfer {
        identifier: "VERS-243400017-M2021-641".into(),
        date: datetime!(2021-12-21 10:00 UTC),
        comment: Some("Délibération M2021-641 & accusé de réception <@ctes>".into()),
        archival_agreement: Some("AA-243400017-ACTES".into()),
        archival_agency: Agency { identifier: "COMMUNS-ARCHIVES".into(), name: "Service d'archives électroniques".into() },
        transferring_agency: metropole.clone(),
        units: vec![ArchiveUnit {
            id: "AU-M2021-641".into(),
            title: "M2021-641 — Services numériques mutualisés : convention & tarifs <2022>".into(),
            description: Some("Délibération du conseil de métropole du 14 décembre 2021, télétransmise au contrôle de légalité".into()),
            level: Level::File,
            start_date: Some(date!(2021 - 12 - 14)),
            end_date: Some(date!(2021 - 12 - 15)),
            keywords: vec!["Délibération".into(), "Mutualisation".into()],
            originating_agency: Some(metropole.identifier),
            management: Management {
                appraisal: Some(AppraisalRule {
                    rule: Rule { rule: "APP-DUA-10A".into(), start_date: date!(2021 - 12 - 14) },
                    final_action: FinalAction::Keep,
                }),
                access: Some(Rule { rule: "ACC-00001".into(), start_date: date!(2021 - 12 - 15) }),
            },
            objects: Vec::new(),
            children: vec![
                item("AU-ACT", "Acte signé M2021-641", act),
                item("AU-AR", "@ctes : accusé de réception de la préfecture", acknowledgement),
            ],
        }],
    }
}

#[test]
fn a_deliberation_transfer_and_its_replies_are_valid_seda() {
    let transfer = deliberation();
    let xml = seda::transfer_xml(&transfer);
    xmllint(&xml).unwrap();
    let act = &transfer.units[0].children[0].objects[0];
    assert!(xml.contains(&format!("<MessageDigest algorithm=\"SHA-256\">{}</MessageDigest>", act.sha256_hex)));
    assert!(xml.contains(&format!("<Uri>objects/{}</Uri>", act.sha256_hex)));
    assert!(xml.contains("<FormatId>fmt/276</FormatId>") && xml.contains("<FormatId>fmt/101</FormatId>"));
    assert!(xml.contains("<Rule>APP-DUA-10A</Rule><StartDate>2021-12-14</StartDate><FinalAction>Keep</FinalAction>"));
    assert!(xml.contains("tarifs &lt;2022&gt;") && xml.contains("&amp; accusé"), "text is escaped");

    let accepted = seda::reply_xml(&transfer, "VERS-243400017-M2021-641-AR", datetime!(2021-12-21 10:05 UTC), true);
    xmllint(&accepted).unwrap();
    assert!(accepted.contains("<ReplyCode>OK</ReplyCode><MessageRequestIdentifier>VERS-243400017-M2021-641</MessageRequestIdentifier>"));
    assert!(accepted.contains("<GrantDate>2021-12-21T10:05:00Z</GrantDate>"));
    let refused = seda::reply_xml(&transfer, "VERS-243400017-M2021-641-AR", datetime!(2021-12-21 10:05 UTC), false);
    xmllint(&refused).unwrap();
    assert!(refused.contains("<ReplyCode>KO</ReplyCode>") && !refused.contains("GrantDate"));
}

#[test]
fn a_written_transfer_reads_back_whole() {
    let transfer = deliberation();
    assert_eq!(seda::read_transfer(&seda::transfer_xml(&transfer)), Ok(transfer));
}

#[test]
fn the_schema_and_the_reader_refuse_a_broken_transfer() {
    let xml = seda::transfer_xml(&deliberation());
    let without_algorithm = xml.replacen("algorithm=\"SHA-256\"", "algorithm=\"\"", 1);
    assert!(xmllint(&without_algorithm).unwrap_err().contains("algorithm"));
    assert!(seda::read_transfer(&without_algorithm).unwrap_err().contains("seule l'empreinte SHA-256 est acceptée"));

    let start = xml.find("<TransferringAgency>").unwrap();
    let end = xml.find("</TransferringAgency>").unwrap() + "</TransferringAgency>".len();
    let without_agency = format!("{}{}", &xml[..start], &xml[end..]);
    assert!(xmllint(&without_agency).unwrap_err().contains("TransferringAgency"));
    assert_eq!(seda::read_transfer(&without_agency).unwrap_err(), "bordereau VERS-243400017-M2021-641 : service versant absent");

    let unknown_object = xml.replacen("<DataObjectGroupReferenceId>GRP_OBJ-ACT<", "<DataObjectGroupReferenceId>GRP_OBJ-PV<", 1);
    assert!(xmllint(&unknown_object).is_ok(), "the schema does not check references: the reader must");
    assert!(seda::read_transfer(&unknown_object).unwrap_err().contains("objet référencé introuvable (GRP_OBJ-PV)"));
}

#[test]
fn a_deposit_transfer_names_both_agencies() {
    let deposit = NewTransfer {
        transferring: Transferring {
            scope: OrgScope::granted(1),
            name: "Montpellier Méditerranée Métropole".into(),
            identifier: "243400017".into(),
        },
        source: "acte:034-243400017-20211214-174579-DE".into(),
        category: Category::AccountingFlow,
        title: "PES V2 — bordereau 2021-1200".into(),
        dated: date!(2021 - 12 - 23),
        objects: vec![NewObject {
            file_name: "PES_2021-1200.xml".into(),
            media_type: "application/xml".into(),
            title: "Flux PES".into(),
            sha256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752".into(),
            size: 1_024,
        }],
    };
    let (xml, reply) = seda::documents(&deposit, "VERS-1-0a1b2c3d4e60", datetime!(2021-12-23 10:00 UTC));
    xmllint(&xml).unwrap();
    xmllint(&reply).unwrap();
    let read = seda::read_transfer(&xml).unwrap();
    assert_eq!(
        (read.transferring_agency.name.as_str(), read.archival_agency),
        ("Montpellier Méditerranée Métropole", seda::archival_agency())
    );
    let flow = &read.units[0];
    assert_eq!(
        flow.management.appraisal.as_ref().map(|a| (a.rule.rule.as_str(), a.final_action)),
        Some(("APP-DUA-10A", FinalAction::Destroy))
    );
    assert_eq!(flow.children[0].objects[0].uri, "VERS-1-0a1b2c3d4e60/PES_2021-1200.xml");
}

/// A deposit of the acts slice: a deliberation with its acknowledgement.
fn deposit_of_a_deliberation() -> NewTransfer {
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
fn a_deposit_is_a_valid_transfer_answered_by_a_valid_reply() {
    let transfer = deposit_of_a_deliberation();
    let (xml, reply) = seda::documents(&transfer, "VERS-1-0a1b2c3d4e5f", datetime!(2021-12-21 10:00 UTC));
    xmllint(&xml).unwrap();
    xmllint(&reply).unwrap();
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

    let mut accounting = deposit_of_a_deliberation();
    accounting.category = Category::AccountingFlow;
    let (xml, _) = seda::documents(&accounting, "VERS-1-0a1b2c3d4e60", datetime!(2021-12-23 10:00 UTC));
    xmllint(&xml).unwrap();
    assert!(xml.contains("<FinalAction>Destroy</FinalAction>"));
}
