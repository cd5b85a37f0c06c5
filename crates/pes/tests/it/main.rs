//! The PES documents written here, checked by the official schemas with `xmllint` (Debian
//! `libxml2-utils`, installed by `scripts/test.sh`), and read back.

use kernel::Cents;
use pes::acquit::{self, AckElement, AckError, AckState, Acquit};
use pes::attachments::Attachment;
use pes::expenditure::{Creditor, ExpenditureBordereau, Mandate, MandateLine};
use pes::{Budget, Domain};
use std::process::Command;
use time::macros::date;

const ALLER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/pes/PES_V2/Rev0/PES_Aller.xsd");
const ACQUIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/pes/PES_V2/Rev0/PES_V2_Acquit_Autonome_V2.xsd");

fn assert_valid(schema: &str, xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.xml");
    std::fs::write(&path, xml).unwrap();
    let output = Command::new("xmllint")
        .args(["--noout", "--schema", schema])
        .arg(&path)
        .output()
        .expect("xmllint is needed (Debian libxml2-utils): apt-get install libxml2-utils");
    assert!(output.status.success(), "{}\n{xml}", String::from_utf8_lossy(&output.stderr));
}

fn budget() -> Budget {
    Budget { siret: "21340127700018".into(), poste_comptable: "034000".into(), code_collectivite: "127".into(), code_budget: "00".into() }
}

fn mandate(number: u32, nature: &str, siret: Option<&str>, attachment: Option<&str>) -> Mandate {
    Mandate {
        number,
        object: "Fournitures de bureau — ramettes & classeurs".into(),
        lines: vec![MandateLine {
            object: "Ramettes".into(),
            nature: nature.into(),
            fonction: Some("020".into()),
            amount_ht: Cents(25_000),
            vat: Cents(5_000),
        }],
        creditor: Creditor {
            name: "Papeterie du Languedoc".into(),
            siret: siret.map(str::to_string),
            address: "12 rue de la Loge".into(),
            postal_code: "34000".into(),
            town: "Montpellier".into(),
        },
        attachment: attachment.map(str::to_string),
    }
}

fn bordereau() -> ExpenditureBordereau {
    ExpenditureBordereau {
        number: 3,
        year: 2021,
        issued_on: date!(2021 - 03 - 16),
        mandates: vec![mandate(7, "6064", Some("44306184100047"), Some("PJ2021M7")), mandate(8, "2183", None, None)],
    }
}

fn invoice() -> Attachment {
    Attachment {
        id: "PJ2021M7".into(),
        file_name: "Facture n°12.pdf".into(),
        description: "Facture de la papeterie".into(),
        content: b"%PDF-1.7\n% facture\n".to_vec(),
    }
}

#[test]
fn an_expenditure_file_with_its_documents_is_valid_and_reads_back() {
    let xml = pes::expenditure_file(&budget(), "PES_Aller_2021_DEP3.xml", date!(2021 - 03 - 16), &bordereau(), &[invoice()]);
    assert_valid(ALLER, &xml);
    assert!(
        xml.contains("<Bordereau Id=\"DEP3\">") && xml.contains("<MtBordHT V=\"500.00\"/>") && xml.contains("<MtBordTVA V=\"100.00\"/>")
    );
    assert!(xml.contains("<NatPce V=\"02\"/>"), "an account of class 2 is an investment");
    assert!(xml.contains("<NomPJ V=\"Facture_n_12.pdf\"/>"));

    let summary = pes::read_aller(&xml).unwrap();
    assert_eq!(summary.file_name, "PES_Aller_2021_DEP3.xml");
    assert_eq!(summary.budget, budget());
    assert_eq!(summary.attachments, ["PJ2021M7"]);
    let [read] = summary.bordereaux.as_slice() else { panic!("one bordereau: {:?}", summary.bordereaux) };
    assert_eq!((read.domain, read.id.as_deref(), read.year, read.number, read.pieces), (Domain::Expenditure, Some("DEP3"), 2021, 3, 2));
    assert_eq!(read.attachment_refs, ["PJ2021M7"]);
}

#[test]
fn a_file_without_documents_has_no_pes_pj_and_a_missing_document_shows() {
    let mut alone = bordereau();
    alone.mandates.truncate(1);
    let xml = pes::expenditure_file(&budget(), "PES_Aller_2021_DEP3.xml", date!(2021 - 03 - 16), &alone, &[]);
    assert_valid(ALLER, &xml);
    assert!(!xml.contains("PES_PJ"));
    let summary = pes::read_aller(&xml).unwrap();
    assert!(summary.attachments.is_empty());
    assert_eq!(summary.bordereaux[0].attachment_refs, ["PJ2021M7"], "referred to, but not in the file");
    assert!(pes::read_aller("<PES_Aller/>").unwrap_err().contains("PES_Aller"));
    assert!(pes::read_aller("pas du XML").is_err());
}

#[test]
fn acknowledgements_are_valid_and_read_back() {
    let acquit = Acquit {
        file_name: "PES_Aller_2021_DEP3.xml".into(),
        received_on: date!(2021 - 03 - 17),
        elements: vec![
            AckElement { domain: Domain::Revenue, state: AckState::Accepted, bordereau: Some((2021, 1)), errors: vec![] },
            AckElement {
                domain: Domain::Expenditure,
                state: AckState::Rejected,
                bordereau: Some((2021, 3)),
                errors: vec![AckError {
                    code: acquit::codes::BORDEREAU_SIGNATURE_INVALID.into(),
                    message: "signature du bordereau DEP3 invalide : « empreinte » différente".into(),
                }],
            },
            AckElement {
                domain: Domain::File,
                state: AckState::Rejected,
                bordereau: None,
                errors: vec![AckError { code: acquit::codes::SCHEMA.into(), message: "ligne 3 : élément inattendu".into() }],
            },
        ],
    };
    let xml = acquit::write(&acquit, &budget());
    assert_valid(ACQUIT, &xml);
    let read = acquit::read(&xml).unwrap();
    assert_eq!(read.file_name, acquit.file_name);
    assert_eq!(read.received_on, acquit.received_on);
    assert_eq!(read.elements.len(), 3);
    assert_eq!(read.elements[0], acquit.elements[0]);
    assert_eq!(read.elements[1].errors[0].code, "ERREUR_SIGNATURE_BORDEREAU_INVALIDE");
    assert!(read.elements[1].errors[0].message.starts_with("SIGNATURE DU BORDEREAU DEP3 INVALIDE"), "{:?}", read.elements[1]);
    assert_eq!(read.elements[2].bordereau, None);
    assert!(acquit::read("<PES_ACQUIT/>").is_err());
}
