//! The final disposition of archives through HTTP, on both blob stores (the data folder and a real
//! S3-compatible server): legal holds, elimination proposed by a town and decided by an archivist with
//! its certificate and SEDA notification, and restitution with the journal extract that proves the
//! archives' integrity, then the destruction of the platform's copies with its certificate.

use crate::archive::{assert_seda_valid, assert_token_covers};
use crate::support::*;
use archive::Category;
use archive::seda::{self, Agency, ArchiveUnit, BinaryObject, Level, Management, Transfer};
use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;
use store::OrgScope;
use time::OffsetDateTime;
use time::macros::date;

const ARCHIVIST: &str = "archives@montpellier3m.demo.communs.fr";

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.pdf"), pdf).unwrap();
    let output = Command::new("pdftotext").arg(dir.path().join("c.pdf")).arg("-").output().expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Whether the PDF's text holds `digest`, which a table cell may break across lines.
fn shows_digest(text: &str, digest: &str) -> bool {
    text.split_whitespace().collect::<String>().contains(digest)
}

/// Imports, as from another system, a PES file of Juvignac dated `dated`; returns its transfer id, the
/// digest of its one object and its content (unique).
async fn import_old_pes_file(app: &TestApp, name: &str, dated: time::Date) -> (i64, String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let content = format!("<PES_Aller>{name} {dated} {:?}</PES_Aller>", OffsetDateTime::now_utc()).into_bytes();
    std::fs::write(dir.path().join("pes.xml"), &content).unwrap();
    let sha256_hex = hex::encode(Sha256::digest(&content));
    let object = BinaryObject {
        id: "OBJ1".into(),
        file_name: format!("{name}.xml"),
        uri: "pes.xml".into(),
        sha256_hex: sha256_hex.clone(),
        size: content.len() as u64,
        mime_type: "application/xml".into(),
        format_id: None,
    };
    let transfer = Transfer {
        identifier: format!("ANCIEN-SAE-{name}"),
        date: OffsetDateTime::now_utc(),
        comment: None,
        archival_agreement: None,
        archival_agency: Agency { identifier: "ANCIEN-SAE".into(), name: "Ancien tiers-archiveur".into() },
        transferring_agency: Agency { identifier: "213401276".into(), name: "Juvignac".into() },
        units: vec![ArchiveUnit {
            id: "AU1".into(),
            title: format!("Flux PES {name}"),
            description: None,
            level: Level::File,
            start_date: Some(dated),
            end_date: None,
            keywords: Vec::new(),
            originating_agency: None,
            management: Management::default(),
            objects: vec![object],
            children: Vec::new(),
        }],
    };
    std::fs::write(dir.path().join("transfer.xml"), seda::transfer_xml(&transfer)).unwrap();
    let scope = juvignac(app).await;
    let transferring = archive::sources::transferring(&app.db, scope).await.unwrap();
    let deposited = archive::import::import(
        &app.db,
        &app.blobs,
        transferring,
        Category::AccountingFlow,
        &dir.path().join("transfer.xml"),
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    (deposited.transfer_id, sha256_hex, content)
}

async fn juvignac(app: &TestApp) -> OrgScope {
    OrgScope::granted(identity::service::organisation_by_slug(&app.db, "juvignac").await.unwrap().unwrap().id)
}

async fn objects_of(app: &TestApp, transfer: i64) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM archive_objects WHERE transfer_id = $1").bind(transfer).fetch_one(app.db.pool()).await.unwrap().get(0)
}

async fn assert_intact(app: &TestApp) {
    let report = archive::verify::verify(&app.db, &app.blobs).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.faults);
}

/// Holds, elimination and restitution on the application's blob store.
async fn final_disposition(app: TestApp) {
    let (old, old_sha, old_content) = import_old_pes_file(&app, "PES-2014-06", date!(2014 - 06 - 30)).await;
    let (disputed, disputed_sha, _) = import_old_pes_file(&app, "PES-2015-03", date!(2015 - 03 - 31)).await;
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    let page = agent.get("/juvignac/archives/sort-final").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("2 versement(s) ont atteint") && page.body.contains("éliminable"), "{}", page.body);
    assert!(page.body.contains("Flux comptable PES") && page.body.contains("destruction"), "the rules are explained");

    // A legal hold needs its reason, then keeps the disputed file out of the proposal.
    let refused = agent.post_form(&format!("/juvignac/archives/versements/{disputed}/gel"), &[("reason", "  ")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("indiquez le motif"), "{}", refused.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM archive_holds").await, 0, "nothing changed");
    let held =
        agent.post_form(&format!("/juvignac/archives/versements/{disputed}/gel"), &[("reason", "Contentieux fournisseur 2015")]).await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", held.body);
    let proposed = agent.post_form("/juvignac/archives/eliminations", &[]).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let page = agent.get(proposed.location()).await;
    assert!(page.body.contains("transmise aux archivistes") && page.body.contains("gelé : élimination suspendue"), "{}", page.body);
    let proposal = app.count("SELECT MAX(id) FROM archive_eliminations").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM archive_elimination_items").await, 1, "only the file without hold");
    let again = agent.post_form("/juvignac/archives/eliminations", &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "a file already proposed is not proposed twice");

    // Only archivists decide.
    assert_eq!(agent.get("/archives/eliminations").await.status, StatusCode::FORBIDDEN);
    let mut archivist = app.signed_in(ARCHIVIST).await;
    let desk = archivist.get("/archives/eliminations").await;
    let number = format!("ELIM-{}-{proposal}", juvignac(&app).await.organisation_id());
    assert!(desk.body.contains(&number) && desk.body.contains("Juvignac"), "{}", desk.body);
    let decision = format!("/archives/eliminations/juvignac/{proposal}");
    assert!(archivist.get(&decision).await.body.contains("Flux PES PES-2014-06"));
    let no_visa = archivist.post_form(&format!("{decision}/approbation"), &[("note", "")]).await;
    assert_eq!(no_visa.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_visa.body.contains("visa"), "{}", no_visa.body);

    // A hold placed after the proposal blocks the approval; lifted, the approval goes through.
    agent.get("/juvignac/archives/sort-final").await;
    agent
        .post_form(&format!("/juvignac/archives/versements/{old}/gel"), &[("reason", "Contrôle de la chambre régionale des comptes")])
        .await;
    let blocked = archivist.post_form(&format!("{decision}/approbation"), &[("note", "Visa AD34 n° 2026-117")]).await;
    assert_eq!(blocked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blocked.body.contains("gelé"), "{}", blocked.body);
    assert_eq!(objects_of(&app, old).await, 1, "nothing eliminated");
    let hold = app.count("SELECT MAX(id) FROM archive_holds").await;
    agent.get("/juvignac/archives/sort-final").await;
    let lifted = agent.post_form(&format!("/juvignac/archives/gels/{hold}/levee"), &[("reason", "Contrôle clos")]).await;
    assert_eq!(lifted.status, StatusCode::SEE_OTHER, "{}", lifted.body);
    archivist.get(&decision).await;
    let approved = archivist.post_form(&format!("{decision}/approbation"), &[("note", "Visa AD34 n° 2026-117")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);

    assert_eq!(objects_of(&app, old).await, 0);
    assert!(!app.blobs.exists(&old_sha).await.unwrap(), "the bytes are gone from the store");
    assert!(app.blobs.exists(&disputed_sha).await.unwrap(), "the held file stays");
    assert_intact(&app).await;
    let certificate = agent.get(&format!("/juvignac/archives/eliminations/{proposal}/certificat.pdf")).await;
    assert!(certificate.bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&certificate.bytes);
    assert!(text.contains("Certificat d'élimination") && shows_digest(&text, &old_sha) && text.contains("AD34"), "{text}");
    let notification = agent.get(&format!("/juvignac/archives/eliminations/{proposal}/notification.xml")).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notification.xml"), &notification.bytes).unwrap();
    assert_seda_valid(&dir.path().join("notification.xml"));
    assert!(notification.body.contains("<ArchiveDestructionNotification") && notification.body.contains("<UnitIdentifier>VERS-"));
    assert!(agent.get("/juvignac/archives/sort-final").await.body.contains("approuvée : archives éliminées"));

    // The bytes of an eliminated object found again in the store are reported.
    app.blobs.put(old_content).await.unwrap();
    let report = archive::verify::verify(&app.db, &app.blobs).await.unwrap();
    assert!(report.faults.iter().any(|f| f.contains("encore dans le stockage") && f.contains(&old_sha)), "{:?}", report.faults);
    app.blobs.delete(&old_sha).await.unwrap();
    assert_intact(&app).await;

    restitution(&app, disputed, &disputed_sha).await;
}

/// Restitution of Juvignac's archives: refused while a hold lasts or after a new deposit, then done.
async fn restitution(app: &TestApp, disputed: i64, disputed_sha: &str) {
    let scope = juvignac(app).await;
    let out = tempfile::tempdir().unwrap();
    let now = OffsetDateTime::now_utc();
    let done = archive::restitution::export(&app.db, &app.blobs, scope, out.path(), "DSI", now).await.unwrap();
    assert_eq!((done.transfers, done.objects), (1, 1), "the eliminated file is not handed back");
    for entry in std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().path()) {
        if entry.extension().is_some_and(|e| e == "xml") {
            assert_seda_valid(&entry);
        }
    }
    assert_extract_proves_the_chain(out.path(), scope.organisation_id());

    let destroy = |instruction: &'static str| archive::restitution::destroy(&app.db, &app.blobs, scope, done.id, instruction, "DSI", now);
    let held = destroy("Courrier du maire du 2 décembre 2026").await.unwrap_err().to_string();
    assert!(held.contains("gel"), "{held}");
    let hold = app.count("SELECT MAX(id) FROM archive_holds WHERE lifted_at IS NULL").await;
    archive::holds::lift(&app.db, scope, hold, "Contentieux clos", "DSI").await.unwrap();
    assert!(destroy("  ").await.unwrap_err().to_string().contains("instruction"));
    let (late, _, _) = import_old_pes_file(app, "PES-2016-01", date!(2016 - 01 - 15)).await;
    let after = destroy("Courrier du maire du 2 décembre 2026").await.unwrap_err().to_string();
    assert!(after.contains("arrivé après la restitution"), "{after}");
    assert_eq!(objects_of(app, disputed).await, 1, "nothing destroyed");

    let pending = archive::elimination::propose(&app.db, scope, "Karim Benali", store::clock::today_paris()).await.unwrap();
    let second = archive::restitution::export(&app.db, &app.blobs, scope, out.path(), "DSI", OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(second.transfers, 2);
    let pdf = archive::restitution::destroy(
        &app.db,
        &app.blobs,
        scope,
        second.id,
        "Courrier du maire du 2 décembre 2026",
        "DSI",
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Certificat de destruction") && shows_digest(&text, disputed_sha) && text.contains("Courrier du maire"),
        "{text}"
    );
    assert_eq!(objects_of(app, disputed).await + objects_of(app, late).await, 0);
    let (pending, _) = archive::elimination::proposal(&app.db, scope, pending).await.unwrap();
    assert_eq!(pending.state, archive::elimination::State::Refused, "nothing is left for the archivist to decide");
    assert!(archive::elimination::awaiting(&app.db).await.unwrap().is_empty());
    assert!(!app.blobs.exists(disputed_sha).await.unwrap());
    assert_intact(app).await;
    let twice = archive::restitution::destroy(&app.db, &app.blobs, scope, second.id, "encore", "DSI", OffsetDateTime::now_utc()).await;
    assert!(twice.unwrap_err().to_string().contains("déjà détruites"));
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    let page = agent.get("/juvignac/archives/sort-final").await;
    assert!(page.body.contains("restitué, copies détruites") && page.body.contains(&format!("REST-{}", second.id)), "{}", page.body);
    let certificate = agent.get(&format!("/juvignac/archives/restitutions/{}/certificat.pdf", second.id)).await;
    assert_eq!(certificate.bytes, pdf);
    // The Métropole's archives are untouched.
    assert_eq!(app.count("SELECT COUNT(*) FROM archive_transfers WHERE source LIKE 'acte:%' AND disposal IS NULL").await, 1);
}

/// The extract's chain recomputed from its own content, by the rule it states, up to the manifest's head.
fn assert_extract_proves_the_chain(out: &Path, organisation_id: i64) {
    let extract: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("journal.json")).unwrap()).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("restitution.json")).unwrap()).unwrap();
    let sha = |text: String| hex::encode(Sha256::digest(text.as_bytes()));
    let field = |v: &serde_json::Value| v.as_str().unwrap_or_default().replace('\\', "\\\\").replace('\n', "\\n");
    let mut previous = "0".repeat(64);
    let (mut own, mut redacted) = (0, 0);
    for entry in extract["entries"].as_array().unwrap() {
        let content = match entry.get("kind") {
            Some(kind) => {
                let organisation = entry["organisation_id"].as_i64().map(|o| o.to_string()).unwrap_or_default();
                let recomputed = sha(format!(
                    "{}\n{}\n{organisation}\n{}\n{}\n{}\n{}",
                    entry["seq"],
                    entry["at"],
                    field(kind),
                    field(&entry["reference"]),
                    entry["object_sha256"].as_str().unwrap_or_default(),
                    field(&entry["detail"])
                ));
                assert_eq!(entry["content_sha256"].as_str().unwrap(), recomputed, "entry {}", entry["seq"]);
                if entry["organisation_id"].as_i64() == Some(organisation_id) {
                    own += 1;
                }
                recomputed
            }
            None => {
                redacted += 1;
                entry["content_sha256"].as_str().unwrap().to_string()
            }
        };
        assert_eq!(entry["previous_hash"].as_str().unwrap(), previous);
        previous = sha(format!("{content}\n{previous}"));
        assert_eq!(entry["hash"].as_str().unwrap(), previous, "entry {}", entry["seq"]);
    }
    assert!(own > 0 && redacted > 0, "Juvignac's entries in full, the others reduced to their digest");
    assert_eq!(manifest["journal_head"]["hash"].as_str().unwrap(), previous);
    assert!(!extract.to_string().contains("M2021-641"), "nothing of the Métropole's archives is disclosed");

    // Each checkpoint's token is a valid RFC 3161 timestamp of the entry it seals.
    let checkpoints: Vec<&serde_json::Value> =
        extract["entries"].as_array().unwrap().iter().filter(|e| e["kind"] == "checkpoint").collect();
    assert!(!checkpoints.is_empty(), "the demo seals its journal");
    for checkpoint in checkpoints {
        let sealed: i64 = checkpoint["reference"].as_str().unwrap().trim_start_matches("ancre:").parse().unwrap();
        let hash =
            extract["entries"].as_array().unwrap().iter().find(|e| e["seq"] == sealed).unwrap()["hash"].as_str().unwrap().to_string();
        std::fs::write(out.join("sealed.txt"), hash).unwrap();
        assert_token_covers(&out.join(format!("horodatages/{}.tsr", checkpoint["seq"])), &out.join("sealed.txt"), &out.join("ca.pem"));
    }
}

#[tokio::test]
async fn holds_elimination_and_restitution_on_the_data_folder() {
    final_disposition(TestApp::demo().await).await;
}

#[tokio::test]
async fn holds_elimination_and_restitution_on_s3() {
    if let Some(app) = TestApp::demo_on_s3().await {
        final_disposition(app).await;
    }
}
