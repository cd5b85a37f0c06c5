//! The prefecture simulator seen from the platform: packages built by the @ctes layer go through a connector,
//! in process then over HTTP, and the prefecture's answers come back as packages the platform reads.
//! `xmllint` must be installed (the simulator validates what it receives with it, and so do these tests).

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;

use acts::legality::{Classification, CollectivityMessage, LetterRef, Message, MessageKind, Package, PrefectureMessage};
use acts::simulator::{InProcessConnector, Letter, Prefecture, SimulatorError, TransactionStatus};
use acts::transmission::connector::{Connector, ConnectorError, Receipt};
use acts::transmission::http::HttpConnector;
use time::macros::date;
use time::{Date, OffsetDateTime};

use crate::support::{assert_valid, dispatch, identifier, sender, transmission};

/// The day the prefecture receives the act.
const RECEIVED: Date = date!(2021 - 12 - 15);
/// The day of the prefecture's letters.
const LETTERS: Date = date!(2022 - 01 - 10);
/// The day the collectivity answers them.
const REPLIED: Date = date!(2022 - 01 - 20);

/// The package of act `number`, as the `serial`-th envelope of the day.
fn act_package(number: &str, serial: u32) -> Package {
    transmission(number, &["grille tarifaire.pdf"]).package(&sender(), &dispatch(serial)).unwrap()
}

/// A message of the collectivity, with one PDF per document it names.
fn message_package(message: &CollectivityMessage, serial: u32) -> Package {
    let documents = message.documents().into_iter().map(|name| (name.to_string(), b"%PDF-1.7 reponse".to_vec())).collect();
    Package::collectivity(&sender(), &dispatch(serial), message, documents).unwrap()
}

/// The package's files, edited (`None` drops a file), in a new archive.
fn repack(package: &Package, edit: impl Fn(&str, &[u8]) -> Option<Vec<u8>>) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()));
    for (name, bytes) in &package.files {
        if let Some(bytes) = edit(name, bytes) {
            let mut header = tar::Header::new_ustar();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            builder.append_data(&mut header, name, bytes.as_slice()).unwrap();
        }
    }
    builder.into_inner().unwrap().finish().unwrap()
}

fn in_process(prefecture: &Arc<Prefecture>, today: Date) -> InProcessConnector {
    InProcessConnector::new(prefecture.clone(), move || today)
}

async fn send(connector: &dyn Connector, package: &Package) -> Result<Receipt, ConnectorError> {
    connector.send(&package.archive_name, &package.archive).await
}

fn created(transaction: &str) -> Receipt {
    Receipt { transaction: transaction.into(), duplicate: false }
}

fn duplicate(transaction: &str) -> Receipt {
    Receipt { transaction: transaction.into(), duplicate: true }
}

/// Every package the prefecture sent on `transaction`, read as the platform reads it, with its one message.
async fn answers(connector: &dyn Connector, transaction: &str) -> Vec<(Package, PrefectureMessage)> {
    connector
        .fetch(transaction)
        .await
        .unwrap()
        .into_iter()
        .map(|inbound| {
            let package = Package::read(&inbound.archive_name, &inbound.archive).unwrap();
            let messages: [Message; 1] = package.messages().unwrap().try_into().expect("one message per package");
            let [Message::Prefecture(message)] = messages else { panic!("a message of the prefecture") };
            (package, message)
        })
        .collect()
}

/// The messages alone, for assertion messages.
fn messages(answers: &[(Package, PrefectureMessage)]) -> Vec<&PrefectureMessage> {
    answers.iter().map(|(_, message)| message).collect()
}

fn refusal(result: Result<Receipt, ConnectorError>) -> String {
    match result {
        Err(ConnectorError::Refused(reason)) => reason,
        other => panic!("a refusal expected, got {other:?}"),
    }
}

#[tokio::test]
async fn an_act_is_acknowledged_once() {
    let dir = tempfile::tempdir().unwrap();
    let prefecture = Arc::new(Prefecture::open(dir.path()).unwrap());
    let connector = in_process(&prefecture, RECEIVED);
    let package = act_package("174579", 1);

    assert_eq!(send(&connector, &package).await.unwrap(), created("T000001"));
    let answers_before = answers(&connector, "T000001").await;
    let [(reply, message)] = answers_before.as_slice() else { panic!("one answer: {:?}", messages(&answers_before)) };
    assert_eq!(reply.archive_name, "PRF-TACT--PREF034-243400017-20211215-1.tar.gz");
    let names: Vec<&str> = reply.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["TACT--PREF034-243400017-20211215-1.xml", "034-243400017-20211214-174579-DE-1-2_0.xml"]);
    for (name, bytes) in &reply.files {
        assert_valid(name, bytes);
    }
    let PrefectureMessage::Acknowledgement { act_id, received_on, act, classification_date } = message else {
        panic!("an acknowledgement: {message:?}")
    };
    assert_eq!(act_id, &identifier("174579"));
    assert_eq!(*received_on, RECEIVED);
    assert_eq!(**act, transmission("174579", &["grille tarifaire.pdf"]).act_data().unwrap());
    assert_eq!(*classification_date, Classification::national().version_date);

    // The same archive, then the same act in another envelope: nothing is received twice.
    assert_eq!(send(&connector, &package).await.unwrap(), duplicate("T000001"));
    let again = act_package("174579", 2);
    assert_ne!(again.archive, package.archive);
    assert_eq!(send(&connector, &again).await.unwrap(), duplicate("T000001"));
    assert_eq!(answers(&connector, "T000001").await.len(), 1);

    let listing = prefecture.transactions();
    assert_eq!(listing.len(), 1);
    assert_eq!(listing[0].id, "T000001");
    assert_eq!(listing[0].act_id, Some(identifier("174579")));
    assert_eq!(listing[0].received_on, RECEIVED);
    assert_eq!(listing[0].status, TransactionStatus::Acknowledged);
    assert_eq!(listing[0].last_message, MessageKind::Acknowledgement);
    assert!(matches!(connector.fetch("T000002").await, Err(ConnectorError::Refused(_))));
}

#[tokio::test]
async fn the_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let prefecture = Arc::new(Prefecture::open(dir.path()).unwrap());
        assert_eq!(send(&in_process(&prefecture, RECEIVED), &act_package("174579", 1)).await.unwrap(), created("T000001"));
    }
    let prefecture = Arc::new(Prefecture::open(dir.path()).unwrap());
    let connector = in_process(&prefecture, REPLIED);
    let kept = answers(&connector, "T000001").await;
    assert!(matches!(&kept[..], [(_, PrefectureMessage::Acknowledgement { received_on: RECEIVED, .. })]), "{:?}", messages(&kept));
    assert_eq!(send(&connector, &act_package("174579", 3)).await.unwrap(), duplicate("T000001"));

    assert_eq!(send(&connector, &act_package("174580", 4)).await.unwrap(), created("T000002"));
    let second = answers(&connector, "T000002").await;
    assert!(matches!(&second[..], [(_, PrefectureMessage::Acknowledgement { received_on: REPLIED, .. })]), "{:?}", messages(&second));

    let reopened = Prefecture::open(dir.path()).unwrap();
    let ids: Vec<String> = reopened.transactions().into_iter().map(|t| t.id).collect();
    assert_eq!(ids, ["T000001", "T000002"]);
}

#[tokio::test]
async fn invalid_acts_get_an_anomaly_and_unreadable_packages_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let prefecture = Arc::new(Prefecture::open(dir.path()).unwrap());
    let connector = in_process(&prefecture, RECEIVED);
    let anomaly = |answers: Vec<(Package, PrefectureMessage)>| match &answers[..] {
        [(_, PrefectureMessage::ActAnomaly { detail: Some(detail), date: RECEIVED, .. })] => detail.clone(),
        other => panic!("one anomaly expected: {:?}", messages(other)),
    };

    // A subject longer than the schema allows.
    let files = act_package("1", 1).files;
    let mut long = transmission("1", &["grille tarifaire.pdf"]).act_data().unwrap();
    long.subject = "x".repeat(501);
    let package = Package::collectivity(&sender(), &dispatch(1), &CollectivityMessage::Act(Box::new(long)), files[2..].to_vec()).unwrap();
    assert_eq!(send(&connector, &package).await.unwrap(), created("T000001"));
    let detail = anomaly(answers(&connector, "T000001").await);
    assert!(detail.contains("501"), "{detail}");
    assert_eq!(prefecture.transactions()[0].status, TransactionStatus::Anomaly);

    // Corrected, the same act is received in a new transaction.
    assert_eq!(send(&connector, &act_package("1", 2)).await.unwrap(), created("T000002"));
    assert!(matches!(&answers(&connector, "T000002").await[..], [(_, PrefectureMessage::Acknowledgement { .. })]));

    // An element the schema does not know, which the structural reading would ignore.
    let package = act_package("2", 3);
    let form = identifier("2").file_name(MessageKind::Act, 0, "xml", None);
    let archive = repack(&package, |name, bytes| {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        Some(if name == form { text.replace("</actes:Acte>", "<actes:Inconnu/></actes:Acte>") } else { text }.into_bytes())
    });
    assert_eq!(connector.send(&package.archive_name, &archive).await.unwrap(), created("T000003"));
    let detail = anomaly(answers(&connector, "T000003").await);
    assert!(detail.contains("n'est pas conforme au schéma @ctes") && detail.contains("Inconnu"), "{detail}");

    // A document named after another act.
    let mut misnamed = transmission("3", &["grille tarifaire.pdf"]).act_data().unwrap();
    let foreign = identifier("4").file_name(MessageKind::Act, 1, "pdf", None);
    misnamed.document = foreign.clone();
    let documents = vec![(foreign.clone(), b"%PDF-1.7".to_vec()), (misnamed.annexes[0].clone(), b"%PDF-1.7".to_vec())];
    let package = Package::collectivity(&sender(), &dispatch(4), &CollectivityMessage::Act(Box::new(misnamed)), documents).unwrap();
    assert_eq!(send(&connector, &package).await.unwrap(), created("T000004"));
    let detail = anomaly(answers(&connector, "T000004").await);
    assert!(detail.contains(&format!("le fichier « {foreign} » ne porte pas le nom de la pièce n° 1")), "{detail}");

    // An annex missing from the archive.
    let package = act_package("5", 5);
    let annex = package.files[3].0.clone();
    let archive = repack(&package, |name, bytes| (name != annex).then(|| bytes.to_vec()));
    assert_eq!(connector.send(&package.archive_name, &archive).await.unwrap(), created("T000005"));
    let detail = anomaly(answers(&connector, "T000005").await);
    assert_eq!(detail, format!("le message cite le fichier « {annex} », absent du paquet"));

    // Packages the prefecture cannot attribute are refused and open no transaction.
    let package = act_package("6", 6);
    assert!(refusal(connector.send(&package.archive_name, b"pas une archive").await).contains("archive @ctes illisible"));
    assert!(refusal(connector.send("../../etc/passwd.tar.gz", &package.archive).await).contains("nom d'archive"));
    let renamed = package.archive_name.replace("-6.tar.gz", "-7.tar.gz");
    assert!(refusal(connector.send(&renamed, &package.archive).await).contains("EACT--243400017--20211214-7.xml"));
    let envelope = package.files[0].0.clone();
    let archive = repack(&package, |name, bytes| {
        Some(if name == envelope {
            String::from_utf8_lossy(bytes).replace("actes@montpellier3m.fr", "actes+bis@montpellier3m.fr").into_bytes()
        } else {
            bytes.to_vec()
        })
    });
    assert!(refusal(connector.send(&package.archive_name, &archive).await).contains("n'est pas conforme au schéma @ctes"));
    assert_eq!(prefecture.transactions().len(), 5);
}

#[tokio::test]
async fn a_cancellation_is_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let prefecture = Arc::new(Prefecture::open(dir.path()).unwrap());
    let connector = in_process(&prefecture, RECEIVED);
    send(&connector, &act_package("174579", 1)).await.unwrap();

    let cancellation = message_package(&CollectivityMessage::Cancellation { act_id: identifier("174579") }, 2);
    assert_eq!(send(&connector, &cancellation).await.unwrap(), created("T000001"));
    let answers = answers(&connector, "T000001").await;
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[1].1, PrefectureMessage::CancellationAcknowledgement { act_id: identifier("174579"), received_on: RECEIVED });
    assert_eq!(answers[1].0.archive_name, "PRF-TACT--PREF034-243400017-20211215-2.tar.gz");
    assert_eq!(prefecture.transactions()[0].status, TransactionStatus::Cancelled);
    assert_eq!(prefecture.transactions()[0].last_message, MessageKind::CancellationAcknowledgement);

    assert_eq!(send(&connector, &cancellation).await.unwrap(), duplicate("T000001"));
    let again = message_package(&CollectivityMessage::Cancellation { act_id: identifier("174579") }, 3);
    assert!(refusal(send(&connector, &again).await).contains("a été annulée"));
    let letter = prefecture.send_letter("T000001", Letter::Simple { text: "Bonjour".into() }, LETTERS);
    assert!(matches!(letter, Err(SimulatorError::Refused(reason)) if reason.contains("annulée")));

    let unknown = message_package(&CollectivityMessage::Cancellation { act_id: identifier("999") }, 4);
    assert!(refusal(send(&connector, &unknown).await).contains("inconnu de la préfecture"));
}

#[tokio::test]
async fn letters_reach_the_platform_and_answers_are_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let prefecture = Arc::new(Prefecture::open(dir.path()).unwrap());
    let connector = in_process(&prefecture, RECEIVED);
    send(&connector, &act_package("174579", 1)).await.unwrap();
    let act_id = identifier("174579");
    let letter = LetterRef { act_id: act_id.clone(), date: LETTERS };

    let letters = [
        Letter::Simple { text: "Merci de préciser le quorum.\nLe registre ne le mentionne pas.".into() },
        Letter::AdditionalDocuments { description: "La note de synthèse & la convocation".into() },
        Letter::Observations { motive: "Délai de convocation < 5 jours francs".into() },
        Letter::ReferralToCourt { illegality: "Vice de procédure".into() },
    ];
    for letter in letters {
        prefecture.send_letter("T000001", letter, LETTERS).unwrap();
    }
    let answers_now = answers(&connector, "T000001").await;
    assert_eq!(answers_now.len(), 5);
    let document = |kind| act_id.file_name(kind, 1, "pdf", None);
    assert_eq!(answers_now[1].1, PrefectureMessage::SimpleLetter { letter: letter.clone(), document: document(MessageKind::SimpleLetter) });
    assert_eq!(
        answers_now[2].1,
        PrefectureMessage::AdditionalDocumentsRequest {
            letter: letter.clone(),
            description: "La note de synthèse & la convocation".into(),
            document: document(MessageKind::AdditionalDocumentsRequest),
        }
    );
    assert_eq!(
        answers_now[3].1,
        PrefectureMessage::ObservationsLetter {
            letter: letter.clone(),
            motive: "Délai de convocation < 5 jours francs".into(),
            document: document(MessageKind::ObservationsLetter),
        }
    );
    assert_eq!(
        answers_now[4].1,
        PrefectureMessage::ReferralToCourt {
            act_id: act_id.clone(),
            filed_on: LETTERS,
            illegality: "Vice de procédure".into(),
            documents: vec![document(MessageKind::ReferralToCourt)],
        }
    );
    for (package, message) in &answers_now[1..] {
        for name in message.documents() {
            assert!(package.file(name).expect(name).starts_with(b"%PDF-"), "{name} is a PDF");
        }
        for (name, bytes) in package.files.iter().filter(|(n, _)| n.ends_with(".xml")) {
            assert_valid(name, bytes);
        }
    }
    let empty = prefecture.send_letter("T000001", Letter::Observations { motive: "  ".into() }, LETTERS);
    assert!(matches!(empty, Err(SimulatorError::Refused(reason)) if reason.contains("vide")));
    let unknown = prefecture.send_letter("T000009", Letter::Simple { text: "Bonjour".into() }, LETTERS);
    assert!(matches!(unknown, Err(SimulatorError::UnknownTransaction(id)) if id == "T000009"));

    // The collectivity answers: documents (3-4) and an answer to the observations (4-4) are acknowledged,
    // the answer to the simple letter (2-2) is recorded.
    let replies = in_process(&prefecture, REPLIED);
    let documents = CollectivityMessage::AdditionalDocuments {
        letter: letter.clone(),
        documents: vec![act_id.file_name(MessageKind::AdditionalDocuments, 1, "pdf", None)],
    };
    assert_eq!(send(&replies, &message_package(&documents, 2)).await.unwrap(), created("T000001"));
    let reply = CollectivityMessage::ObservationsReply {
        letter: letter.clone(),
        document: act_id.file_name(MessageKind::ObservationsReply, 1, "pdf", None),
    };
    assert_eq!(send(&replies, &message_package(&reply, 3)).await.unwrap(), created("T000001"));
    let simple = CollectivityMessage::SimpleLetterReply {
        letter: letter.clone(),
        document: act_id.file_name(MessageKind::SimpleLetterReply, 1, "pdf", None),
    };
    assert_eq!(send(&replies, &message_package(&simple, 4)).await.unwrap(), created("T000001"));
    let answers_then = answers(&replies, "T000001").await;
    assert_eq!(answers_then.len(), 7);
    assert_eq!(answers_then[5].1, PrefectureMessage::AdditionalDocumentsAcknowledgement { letter: letter.clone(), received_on: REPLIED });
    assert_eq!(answers_then[6].1, PrefectureMessage::ObservationsReplyAcknowledgement { letter: letter.clone(), received_on: REPLIED });
    assert_eq!(prefecture.transactions()[0].last_message, MessageKind::SimpleLetterReply);

    // An answer to a letter the prefecture never sent.
    let stray = CollectivityMessage::ObservationsLetterAcknowledgement { letter: LetterRef { act_id, date: REPLIED } };
    assert!(refusal(send(&replies, &message_package(&stray, 5)).await).contains("aucun message « Lettre d'observations » du 20/01/2022"));
}

#[tokio::test]
async fn a_classification_request_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let prefecture = Arc::new(Prefecture::open(dir.path()).unwrap());
    let connector = in_process(&prefecture, RECEIVED);
    let national = Classification::national();

    let request = message_package(&CollectivityMessage::ClassificationRequest { current: None }, 1);
    assert_eq!(send(&connector, &request).await.unwrap(), created("T000001"));
    let answer = answers(&connector, "T000001").await;
    assert!(matches!(&answer[..], [(_, PrefectureMessage::Classification(c))] if **c == national), "{:?}", messages(&answer));

    let current = message_package(&CollectivityMessage::ClassificationRequest { current: Some(national.version_date) }, 2);
    assert_eq!(send(&connector, &current).await.unwrap(), created("T000002"));
    let answer = answers(&connector, "T000002").await;
    assert_eq!(answer[0].1, PrefectureMessage::ClassificationUpToDate { version_date: national.version_date });
    assert_eq!(answer[0].0.files[1].0, "034-243400017----7-3_0.xml");
    let listing = prefecture.transactions();
    assert_eq!((listing[1].act_id.as_ref(), listing[1].status), (None, TransactionStatus::Classification));
}

#[tokio::test]
async fn an_unavailable_prefecture_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let prefecture = Arc::new(Prefecture::open(dir.path()).unwrap());
    let connector = in_process(&prefecture, RECEIVED);
    let package = act_package("174579", 1);

    connector.set_available(false);
    assert!(matches!(send(&connector, &package).await, Err(ConnectorError::Unavailable(_))));
    assert!(matches!(connector.fetch("T000001").await, Err(ConnectorError::Unavailable(_))));
    assert!(prefecture.transactions().is_empty());

    connector.set_available(true);
    assert_eq!(send(&connector, &package).await.unwrap(), created("T000001"));
}

/// One HTTP/1.1 request; the status and the whole response.
async fn request(addr: SocketAddr, method: &'static str, path: &str, content_type: &'static str, body: &str) -> (u16, String) {
    let (path, body) = (path.to_string(), body.to_string());
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        (status, response)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_exchange_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(acts::simulator::http::serve(listener, dir.path().to_path_buf()));
    let connector = HttpConnector::new(&format!("http://{addr}")).unwrap();
    let today = OffsetDateTime::now_utc().date();

    let (status, health) = request(addr, "GET", "/health", "text/plain", "").await;
    assert_eq!(status, 200, "{health}");

    let package = act_package("174579", 1);
    assert_eq!(send(&connector, &package).await.unwrap(), created("T000001"));
    assert_eq!(send(&connector, &package).await.unwrap(), duplicate("T000001"));
    let first = answers(&connector, "T000001").await;
    assert!(
        matches!(&first[..], [(_, PrefectureMessage::Acknowledgement { received_on, .. })] if *received_on == today),
        "{:?}",
        messages(&first)
    );

    let (status, created_letter) = request(
        addr,
        "POST",
        "/transactions/T000001/letters",
        "application/json",
        r#"{"kind": "observations", "text": "Quorum non atteint"}"#,
    )
    .await;
    assert_eq!(status, 201, "{created_letter}");
    assert!(created_letter.contains(r#""message":"4-1""#), "{created_letter}");
    let (status, redirect) = request(
        addr,
        "POST",
        "/transactions/T000001/letters",
        "application/x-www-form-urlencoded",
        "kind=simple&text=Merci+de+pr%C3%A9ciser",
    )
    .await;
    assert_eq!(status, 303, "{redirect}");
    assert!(redirect.to_ascii_lowercase().contains("location: /\r\n"), "{redirect}");
    let letters = answers(&connector, "T000001").await;
    assert_eq!(letters.len(), 3);
    assert!(
        matches!(&letters[1].1, PrefectureMessage::ObservationsLetter { motive, letter, .. } if motive == "Quorum non atteint" && letter.date == today)
    );
    assert!(matches!(&letters[2].1, PrefectureMessage::SimpleLetter { .. }), "{:?}", letters[2].1);

    let (status, problem) =
        request(addr, "POST", "/transactions/T000001/letters", "application/json", r#"{"kind": "autre", "text": "x"}"#).await;
    assert_eq!(status, 422, "{problem}");
    let (status, problem) =
        request(addr, "POST", "/transactions/T000042/letters", "application/json", r#"{"kind": "simple", "text": "x"}"#).await;
    assert_eq!(status, 404, "{problem}");
    let (status, page) =
        request(addr, "POST", "/transactions/T000042/letters", "application/x-www-form-urlencoded", "kind=simple&text=x").await;
    assert_eq!(status, 404, "{page}");
    assert!(page.contains("<p role=\"alert\">transaction « T000042 » inconnue"), "{page}");

    let (status, page) = request(addr, "GET", "/", "text/plain", "").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(r#"<html lang="fr">"#) && page.contains(r#"<form method="post" action="/transactions/T000001/letters">"#),
        "{page}"
    );
    assert!(page.contains("<td>Tarifs 2022 des médiathèques « Émile Zola » &") && !page.contains("Zola » & réseau"), "escaped: {page}");

    let refused = connector.send(&package.archive_name, b"pas une archive").await;
    assert!(refusal(refused).contains("archive @ctes illisible"));
    assert!(matches!(connector.fetch("T000042").await, Err(ConnectorError::Refused(reason)) if reason.contains("T000042")));
    server.abort();
}

#[tokio::test]
async fn a_closed_port_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let connector = HttpConnector::new(&format!("http://{addr}/")).unwrap();
    assert!(matches!(send(&connector, &act_package("174579", 1)).await, Err(ConnectorError::Unavailable(_))));
    assert!(matches!(connector.fetch("T000001").await, Err(ConnectorError::Unavailable(_))));
    assert!(HttpConnector::new("ftp://prefecture.example").is_err());
    assert!(HttpConnector::new("prefecture").is_err());
}
