//! The probative archive end to end through the command line, on the demo data set: the acknowledged
//! deliberation and PES file are archived automatically, the export's SEDA 2.2 transfers validate and
//! reference their objects by digest, and `communs archive verify` names every kind of tampering (a file
//! of the blob store, a database row, a journal entry altered or removed) with a non-zero exit code.

use crate::acts::METROPOLE;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use store::testing::TestDb;

const SEDA_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/seda-2.2/seda-2.2-main.xsd");
const SEDA_CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/seda-2.2/catalog.xml");

struct Demo {
    database: TestDb,
    _dir: tempfile::TempDir,
    data: PathBuf,
    out: PathBuf,
}

impl Demo {
    fn communs(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_communs"))
            .arg("--data-dir")
            .arg(&self.data)
            .args(["--database-url", &self.database.url])
            .args(args)
            .env("COMMUNS_LOG", "warn")
            .output()
            .unwrap()
    }

    fn verify(&self) -> (bool, String) {
        let output = self.communs(&["archive", "verify"]);
        (output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
    }

    async fn execute(&self, sql: &str) {
        let db = store::Db::connect(&self.database.url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(db.pool()).await.unwrap();
    }

    async fn value(&self, sql: &str) -> String {
        use sqlx::Row;
        let db = store::Db::connect(&self.database.url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(db.pool()).await.unwrap().get::<String, _>(0)
    }
}

async fn demo() -> Demo {
    let database = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let demo = Demo { database, data: dir.path().join("data"), out: dir.path().join("export"), _dir: dir };
    let loaded = demo.communs(&["demo"]);
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    demo
}

pub(crate) fn assert_seda_valid(document: &Path) {
    let output = Command::new("xmllint")
        .env("XML_CATALOG_FILES", SEDA_CATALOG)
        .args(["--noout", "--nonet", "--schema", SEDA_SCHEMA])
        .arg(document)
        .output()
        .expect("xmllint (Debian libxml2-utils)");
    assert!(output.status.success(), "{}: {}", document.display(), String::from_utf8_lossy(&output.stderr));
}

#[tokio::test]
async fn the_demo_archive_exports_valid_seda_transfers_and_verifies() {
    let demo = demo().await;
    let (intact, report) = demo.verify();
    assert!(intact, "{report}");
    assert!(report.contains("archive intègre"), "{report}");

    let export = demo.communs(&["archive", "export", "--org", METROPOLE, "--out", demo.out.to_str().unwrap()]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let transfers: Vec<PathBuf> = std::fs::read_dir(&demo.out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml") && !p.to_string_lossy().ends_with("_reponse.xml"))
        .collect();
    assert_eq!(transfers.len(), 2, "the deliberation M2021-641 and the 2021 revenue file: {transfers:?}");
    let mut seen_ack = false;
    for transfer in &transfers {
        assert_seda_valid(transfer);
        assert_seda_valid(&PathBuf::from(transfer.to_string_lossy().replace(".xml", "_reponse.xml")));
        let xml = std::fs::read_to_string(transfer).unwrap();
        // Every object the transfer names is in the export with the digest it gives.
        for uri in xml.split("<Uri>").skip(1).map(|rest| rest.split('<').next().unwrap()) {
            let bytes = std::fs::read(demo.out.join(uri)).unwrap_or_else(|e| panic!("{uri}: {e}"));
            assert!(xml.contains(&hex::encode(Sha256::digest(&bytes))), "{uri}");
            seen_ack |= uri.contains("ARActe") || String::from_utf8_lossy(&bytes).contains("ARActe");
        }
    }
    assert!(seen_ack, "the deliberation is archived with the prefecture's acknowledgement");

    // The export, imported as coming from another system: refused while a file differs from its digest,
    // then archived once.
    let deliberation = transfers.iter().find(|t| std::fs::read_to_string(t).unwrap().contains("M2021-641")).unwrap();
    let xml = std::fs::read_to_string(deliberation).unwrap();
    let uri = xml.split("<Uri>").nth(1).unwrap().split('<').next().unwrap().to_string();
    let original = std::fs::read(demo.out.join(&uri)).unwrap();
    std::fs::write(demo.out.join(&uri), b"%PDF-1.7 autre document").unwrap();
    let import =
        |slug: &str| demo.communs(&["archive", "import", "--org", slug, "--category", "deliberation", deliberation.to_str().unwrap()]);
    let refused = import("juvignac");
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("empreinte"), "{refused:?}");
    std::fs::write(demo.out.join(&uri), original).unwrap();
    let imported = import("juvignac");
    assert!(imported.status.success() && String::from_utf8_lossy(&imported.stdout).contains("archivé"), "{imported:?}");
    let again = import("juvignac");
    assert!(String::from_utf8_lossy(&again.stdout).contains("déjà archivé"), "{again:?}");
    let (intact, report) = demo.verify();
    assert!(intact, "{report}");
    let other = demo.communs(&["archive", "export", "--org", "inconnue", "--out", demo.out.to_str().unwrap()]);
    assert!(!other.status.success());
}

#[tokio::test]
async fn verify_names_a_tampered_file_row_or_journal_entry() {
    let demo = demo().await;
    // A file of the blob store changed on disk.
    let id = demo.value("SELECT CAST(MIN(id) AS TEXT) FROM archive_objects WHERE file_name LIKE '%.pdf'").await;
    let sha = demo.value(&format!("SELECT sha256 FROM archive_objects WHERE id = {id}")).await;
    let path = demo.data.join("blobs").join(&sha[..2]).join(&sha[2..4]).join(&sha);
    let original = std::fs::read(&path).unwrap();
    let mut altered = original.clone();
    altered.extend_from_slice(b"%% ajout");
    std::fs::write(&path, &altered).unwrap();
    let (intact, report) = demo.verify();
    assert!(!intact && report.contains("fichier altéré") && report.contains(&sha), "{report}");
    std::fs::remove_file(&path).unwrap();
    let (intact, report) = demo.verify();
    assert!(!intact && report.contains("fichier absent du stockage"), "{report}");
    std::fs::write(&path, &original).unwrap();
    assert!(demo.verify().0);

    // A database row pointed at another object.
    let other = demo.value("SELECT sha256 FROM archive_objects WHERE file_name LIKE '%.xml' ORDER BY id LIMIT 1").await;
    demo.execute(&format!("UPDATE archive_objects SET sha256 = '{other}' WHERE id = {id}")).await;
    let (intact, report) = demo.verify();
    assert!(!intact && report.contains("ligne modifiée"), "{report}");
    demo.execute(&format!("UPDATE archive_objects SET sha256 = '{sha}' WHERE id = {id}")).await;
    assert!(demo.verify().0, "restored");

    // A journal entry altered, then one removed.
    demo.execute("UPDATE archive_journal SET detail = 'autre chose' WHERE seq = 2").await;
    let (intact, report) = demo.verify();
    assert!(!intact && report.contains("entrée 2 altérée"), "{report}");
    demo.execute("DELETE FROM archive_journal WHERE seq = 2").await;
    let (intact, report) = demo.verify();
    assert!(!intact && report.contains("entrée(s) 2 à 2 supprimée(s)"), "{report}");
    assert!(report.contains("absent du journal"), "the object it recorded is no longer vouched for: {report}");
    let last = demo.value("SELECT CAST(MAX(seq) AS TEXT) FROM archive_journal").await;
    demo.execute(&format!("DELETE FROM archive_journal WHERE seq = {last}")).await;
    let (_, report) = demo.verify();
    assert!(report.contains("supprimée(s) en fin de journal"), "the last entry's removal: {report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_extend_one_unbroken_chain() {
    use archive::journal::{self, EventKind, NewEntry};
    let database = TestDb::new().await;
    let writers = (0..12).map(|n| {
        let db = database.db.clone();
        tokio::spawn(async move {
            let reference = format!("objet:{n}");
            let entry = NewEntry {
                organisation_id: Some(1),
                kind: EventKind::Access,
                reference: &reference,
                object_sha256: None,
                detail: "lecture",
            };
            let mut tx = db.begin().await.unwrap();
            journal::append(&mut tx, &entry, n).await.unwrap();
            tx.commit().await.unwrap();
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.unwrap();
    }
    let entries = journal::entries(&database.db).await.unwrap();
    assert_eq!(entries.len(), 12);
    assert!(journal::chain_faults(&entries).is_empty());
    assert!(journal::head_faults(&entries, &journal::head(&database.db).await.unwrap()).is_empty());
}

#[tokio::test]
async fn a_journal_rewritten_with_valid_hashes_is_caught_by_its_timestamped_checkpoint() {
    let demo = demo().await;
    let db = store::Db::connect(&demo.database.url).await.unwrap();
    let mut entries = archive::journal::entries(&db).await.unwrap();
    assert!(entries.iter().any(|e| e.kind == "checkpoint"), "the demo seals its journal");
    // Entry 2 rewritten, and every hash after it recomputed: the chain alone looks intact.
    entries[1].detail = "autre chose".into();
    let mut previous = entries[0].hash.clone();
    for entry in entries.iter_mut().skip(1) {
        entry.previous_hash = previous;
        entry.hash = entry.expected_hash();
        previous = entry.hash.clone();
        sqlx::query("UPDATE archive_journal SET detail = $1, previous_hash = $2, hash = $3 WHERE seq = $4")
            .bind(entry.detail.clone())
            .bind(entry.previous_hash.clone())
            .bind(entry.hash.clone())
            .bind(entry.seq)
            .execute(db.pool())
            .await
            .unwrap();
    }
    assert!(archive::journal::chain_faults(&entries).is_empty());
    let (intact, report) = demo.verify();
    assert!(!intact && report.contains("l'horodatage ne correspond plus"), "{report}");
}

#[tokio::test]
async fn agents_find_an_archive_download_it_with_its_proof_and_the_reading_is_journaled() {
    use crate::support::*;
    use axum::http::StatusCode;
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let home = dsi.get(&format!("/{METROPOLE}/")).await;
    assert!(home.body.contains(&format!("/{METROPOLE}/archives")), "the home page leads to the archive");
    let all = dsi.get(&format!("/{METROPOLE}/archives")).await;
    assert!(all.body.contains("2 versement(s)") && all.body.contains("M2021-641"), "{}", all.body);
    let found = dsi.get(&format!("/{METROPOLE}/archives?q=m2021-641&category=deliberation&year=")).await;
    assert!(found.body.contains("1 versement(s)") && found.body.contains("M2021-641"), "{}", found.body);
    let accounting = dsi.get(&format!("/{METROPOLE}/archives?q=&category=accounting_flow&year=")).await;
    assert!(accounting.body.contains("1 versement(s)") && !accounting.body.contains("M2021-641"), "{}", accounting.body);
    let none = dsi.get(&format!("/{METROPOLE}/archives?q=&category=&year=1999")).await;
    assert!(none.body.contains("Aucun versement"), "{}", none.body);

    let transfer = app.count("SELECT id FROM archive_transfers WHERE source LIKE 'acte:%'").await;
    let page = dsi.get(&format!("/{METROPOLE}/archives/versements/{transfer}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Acte signé M2021-641") && page.body.contains("@ctes"), "{}", page.body);
    let seda = dsi.get(&format!("/{METROPOLE}/archives/versements/{transfer}/seda.xml")).await;
    assert!(seda.body.contains("<ArchiveTransfer"), "{}", seda.body);

    let object = app.count("SELECT MIN(id) FROM archive_objects WHERE file_name LIKE '%.pdf'").await;
    let before = app.count("SELECT COUNT(*) FROM archive_journal WHERE kind = 'access'").await;
    let file = dsi.get(&format!("/{METROPOLE}/archives/objets/{object}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.bytes.starts_with(b"%PDF-"));
    assert_eq!(app.count("SELECT COUNT(*) FROM archive_journal WHERE kind = 'access'").await, before + 1, "the reading is journaled");
    let proof = dsi.get(&format!("/{METROPOLE}/archives/objets/{object}/preuve")).await.json();
    assert_eq!(proof["object"]["sha256"], hex::encode(Sha256::digest(&file.bytes)));
    assert_eq!(proof["journal_entry"]["kind"], "deposit");
    assert_eq!(proof["journal_entry"]["object_sha256"], proof["object"]["sha256"]);
    assert_proof_is_sealed(&proof);
    // Elected members do not open the archive.
    let mut elected = app.signed_in(JUVIGNAC_ELECTED).await;
    assert_eq!(elected.get("/juvignac/archives").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_organisation_gets_its_archives_back_then_the_copies_are_destroyed_from_the_command_line() {
    let demo = demo().await;
    let out = demo.out.to_str().unwrap();
    let restituted = demo.communs(&["archive", "restitute", "--org", METROPOLE, "--out", out]);
    assert!(restituted.status.success(), "{}", String::from_utf8_lossy(&restituted.stderr));
    assert!(String::from_utf8_lossy(&restituted.stdout).contains("restitution REST-1 : 2 versement(s)"), "{restituted:?}");
    for file in ["journal.json", "restitution.json", "ca.pem"] {
        assert!(demo.out.join(file).is_file(), "{file}");
    }
    assert!(std::fs::read_dir(demo.out.join("horodatages")).unwrap().count() > 0, "the checkpoints' tokens");
    let certificate = demo.out.with_file_name("certificat.pdf");
    let destroy = |instruction: &str| {
        demo.communs(&[
            "archive",
            "destroy",
            "--org",
            METROPOLE,
            "--restitution",
            "1",
            "--instruction",
            instruction,
            "--certificate",
            certificate.to_str().unwrap(),
        ])
    };
    let refused = destroy(" ");
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("instruction"), "{refused:?}");
    assert!(!certificate.exists());
    let destroyed = destroy("Délibération du conseil de métropole demandant la destruction");
    assert!(destroyed.status.success(), "{}", String::from_utf8_lossy(&destroyed.stderr));
    assert!(std::fs::read(&certificate).unwrap().starts_with(b"%PDF-"));
    let (intact, report) = demo.verify();
    assert!(intact && report.contains("0 objet(s)"), "{report}");
    let again = demo.communs(&["archive", "export", "--org", METROPOLE, "--out", demo.out.join("apres").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 versement(s)"), "{again:?}");
}

/// The proof's chain leads from the deposit entry to the sealed head, and its token, checked by openssl,
/// timestamps that head.
fn assert_proof_is_sealed(proof: &serde_json::Value) {
    use base64::Engine;
    let seal = &proof["seal"];
    assert!(seal.is_object(), "the demo's checkpoint seals its deposits: {proof}");
    let mut previous = proof["journal_entry"]["hash"].as_str().unwrap().to_string();
    for link in seal["chain_from_deposit"].as_array().unwrap() {
        assert_eq!(link["previous_hash"].as_str().unwrap(), previous);
        previous = hex::encode(Sha256::digest(format!("{}\n{previous}", link["content_sha256"].as_str().unwrap()).as_bytes()));
        assert_eq!(link["hash"].as_str().unwrap(), previous);
    }
    assert_eq!(seal["sealed_hash"].as_str().unwrap(), previous);
    let dir = tempfile::tempdir().unwrap();
    let token = base64::engine::general_purpose::STANDARD.decode(seal["timestamp_token_base64"].as_str().unwrap()).unwrap();
    std::fs::write(dir.path().join("token.tsr"), token).unwrap();
    std::fs::write(dir.path().join("sealed.txt"), previous).unwrap();
    std::fs::write(dir.path().join("ca.pem"), seal["certificates_pem"].as_str().unwrap()).unwrap();
    assert_token_covers(&dir.path().join("token.tsr"), &dir.path().join("sealed.txt"), &dir.path().join("ca.pem"));
}

/// `openssl ts -verify` accepts the RFC 3161 token as a timestamp of the file `data`, under `ca`.
pub(crate) fn assert_token_covers(token: &Path, data: &Path, ca: &Path) {
    let verified = Command::new("openssl")
        .args(["ts", "-verify", "-token_in", "-in"])
        .arg(token)
        .arg("-data")
        .arg(data)
        .arg("-CAfile")
        .arg(ca)
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "openssl ts: {}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
}
