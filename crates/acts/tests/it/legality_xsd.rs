//! The @ctes layer seen from outside: every document it writes is valid against the schema (checked with
//! `xmllint`, which must be installed), reads back to the same value, and travels in a package whose archive
//! lists exactly the expected files. Ends with one exchange between the platform and a prefecture simulator.

use std::io::Read;

use acts::legality::{
    ActIdentifier, AnomalyCode, Arrondissement, Classification, CollectivityMessage, Departement, Dispatch, Envelope, LegalityError,
    LetterRef, Message, MessageKind, Nature, Operator, Package, PrefectureMessage, PrefectureOffice,
};
use time::macros::date;

use crate::support::{assert_valid, dispatch, identifier, sender, transmission};

fn archive_listing(archive: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    tar.entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.path().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

#[test]
fn act_package_lists_exactly_the_protocol_files() {
    let package = transmission("174579", &["grille tarifaire.pdf", "rapport.pdf"]).package(&sender(), &dispatch(2)).unwrap();
    assert_eq!(package.archive_name, "COM-EACT--243400017--20211214-2.tar.gz");
    let listing = archive_listing(&package.archive);
    let names: Vec<&str> = listing.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "EACT--243400017--20211214-2.xml",
            "034-243400017-20211214-174579-DE-1-1_0.xml",
            "99_DE-034-243400017-20211214-174579-DE-1-1_1.pdf",
            "99_AU-034-243400017-20211214-174579-DE-1-1_2.pdf",
            "99_AU-034-243400017-20211214-174579-DE-1-1_3.pdf",
        ]
    );
    assert_eq!(listing, package.files);
    for (name, bytes) in listing.iter().filter(|(n, _)| n.ends_with(".xml")) {
        assert_valid(name, bytes);
    }
    let envelope = Envelope::parse(&listing[0].1).unwrap();
    assert_eq!(envelope.forms, ["034-243400017-20211214-174579-DE-1-1_0.xml"]);
    assert_eq!(envelope.sender, sender());
    let Message::Collectivity(CollectivityMessage::Act(act)) = Message::parse(&listing[1].1).unwrap() else { panic!("an act") };
    assert_eq!(act.subject, transmission("174579", &["grille tarifaire.pdf", "rapport.pdf"]).subject);
    assert_eq!(act.nature, Nature::Deliberation);
}

#[test]
fn every_message_is_valid_and_reads_back() {
    let letter = LetterRef { act_id: identifier("174579"), date: date!(2022 - 01 - 10) };
    let file = |kind: MessageKind| identifier("174579").file_name(kind, 1, "pdf", None);
    let act = transmission("174579", &["grille tarifaire.pdf", "rapport.pdf"]).act_data().unwrap();
    let messages = vec![
        Message::Collectivity(CollectivityMessage::Act(Box::new(act.clone()))),
        Message::Collectivity(CollectivityMessage::Cancellation { act_id: identifier("174579") }),
        Message::Collectivity(CollectivityMessage::SimpleLetterReply {
            letter: letter.clone(),
            document: file(MessageKind::SimpleLetterReply),
        }),
        Message::Collectivity(CollectivityMessage::AdditionalDocuments {
            letter: letter.clone(),
            documents: vec![file(MessageKind::AdditionalDocuments)],
        }),
        Message::Collectivity(CollectivityMessage::ObservationsRejection {
            letter: letter.clone(),
            document: file(MessageKind::ObservationsRejection),
        }),
        Message::Collectivity(CollectivityMessage::ClassificationRequest { current: Some(date!(2004 - 04 - 01)) }),
        Message::Prefecture(PrefectureMessage::Acknowledgement {
            act_id: identifier("174579"),
            received_on: date!(2021 - 12 - 14),
            act: Box::new(act.clone()),
            classification_date: date!(2004 - 04 - 01),
        }),
        Message::Prefecture(PrefectureMessage::ActAnomaly {
            date: date!(2021 - 12 - 14),
            code: AnomalyCode::new(2).unwrap(),
            detail: Some("Classification périmée".into()),
            act: Box::new(act),
            classification_date: date!(2021 - 06 - 01),
        }),
        Message::Prefecture(PrefectureMessage::SimpleLetter { letter: letter.clone(), document: file(MessageKind::SimpleLetter) }),
        Message::Prefecture(PrefectureMessage::AdditionalDocumentsRequest {
            letter: letter.clone(),
            description: "Annexe financière".into(),
            document: file(MessageKind::AdditionalDocumentsRequest),
        }),
        Message::Prefecture(PrefectureMessage::ObservationsLetter {
            letter: letter.clone(),
            motive: "Quorum non atteint".into(),
            document: file(MessageKind::ObservationsLetter),
        }),
        Message::Prefecture(PrefectureMessage::ObservationsReplyAcknowledgement { letter, received_on: date!(2022 - 02 - 01) }),
        Message::Prefecture(PrefectureMessage::ReferralToCourt {
            act_id: identifier("174579"),
            filed_on: date!(2022 - 02 - 14),
            illegality: "Vice de procédure".into(),
            documents: vec![file(MessageKind::ReferralToCourt)],
        }),
        Message::Prefecture(PrefectureMessage::CancellationAcknowledgement {
            act_id: identifier("174579"),
            received_on: date!(2021 - 12 - 15),
        }),
        Message::Prefecture(PrefectureMessage::Classification(Box::new(Classification::national()))),
        Message::Prefecture(PrefectureMessage::ClassificationUpToDate { version_date: date!(2004 - 04 - 01) }),
    ];
    for message in messages {
        let xml = message.to_xml();
        assert_valid(&format!("{message:?}"), xml.as_bytes());
        assert_eq!(Message::parse(xml.as_bytes()).unwrap(), message);
    }
}

#[test]
fn default_classification_is_valid() {
    let classification = Classification::national();
    assert_valid("classification", classification.to_xml().as_bytes());
    assert_eq!(classification.entries.iter().filter(|m| m.level == 1).count(), 9);
    assert_eq!(classification.lookup("7.1").map(|m| m.label.as_str()), Some("Décisions budgétaires"));
}

#[test]
fn malformed_and_unknown_messages_are_refused_clearly() {
    let ns = "xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\"";
    assert!(matches!(Message::parse(b"<actes:ARActe"), Err(LegalityError::Xml(_))));
    assert_eq!(
        Message::parse(format!("<actes:Inconnu {ns}/>").as_bytes()).unwrap_err().to_string(),
        "message @ctes inconnu : élément racine « Inconnu »"
    );
    assert_eq!(
        Message::parse(format!("<actes:DefereTA {ns} actes:IDActe=\"034-243400017-20211214-174579-DE\"/>").as_bytes())
            .unwrap_err()
            .to_string(),
        "« actes:DateDepot » manque dans « actes:DefereTA »"
    );
}

/// The platform transmits an act; the prefecture simulator reads the package, acknowledges it, and the
/// platform reads the acknowledgement.
#[test]
fn exchange_with_a_prefecture_simulator() {
    let sent = transmission("174579", &["grille tarifaire.pdf", "rapport.pdf"]).package(&sender(), &dispatch(2)).unwrap();

    let received = Package::read(&sent.archive_name, &sent.archive).unwrap();
    let messages: [Message; 1] = received.messages().unwrap().try_into().expect("one message in the package");
    let [Message::Collectivity(CollectivityMessage::Act(act))] = messages else { panic!("an act") };
    let envelope = Envelope::parse(&received.files[0].1).unwrap();
    let act_id = ActIdentifier {
        departement: envelope.sender.departement.clone(),
        siren: envelope.sender.siren.clone(),
        decision_date: act.decision_date,
        internal_number: act.internal_number.clone(),
        nature: act.nature,
    };
    let answer = PrefectureMessage::Acknowledgement {
        act_id: act_id.clone(),
        received_on: date!(2021 - 12 - 14),
        act,
        classification_date: date!(2004 - 04 - 01),
    };
    let prefecture = Dispatch { operator: Operator::new("PRF", "TACT").unwrap(), sent_on: date!(2021 - 12 - 14), serial: 1 };
    let office = PrefectureOffice::SubPrefecture(Departement::parse("034").unwrap(), Arrondissement::new(1).unwrap());
    let reply = Package::prefecture(&office, &envelope.sender.siren, &prefecture, &answer, Vec::new()).unwrap();
    assert_eq!(reply.archive_name, "PRF-TACT--SPREF0341-243400017-20211214-1.tar.gz");
    let names: Vec<&str> = reply.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["TACT--SPREF0341-243400017-20211214-1.xml", "034-243400017-20211214-174579-DE-1-2_0.xml"]);
    for (name, bytes) in &reply.files {
        assert_valid(name, bytes);
    }

    let back = Package::read(&reply.archive_name, &reply.archive).unwrap().messages().unwrap();
    assert_eq!(back, [Message::Prefecture(answer)]);
    assert_eq!(act_id, identifier("174579"));
}
