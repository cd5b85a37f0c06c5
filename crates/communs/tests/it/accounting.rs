//! Accounting flows end to end through HTTP: revenue bordereaux and expenditure orders with their
//! supporting documents signed (XAdES, checked by signxml), validated against the PES V2 schema, deposited
//! with the accountant simulator (down, then up: retried, never doubled) and acknowledged (`PES_Acquit`,
//! validated against its schema); a tampered signature is rejected by the accountant.

use crate::acts::{METROPOLE, run_jobs, some_pdf, validator};
use crate::invoices::{PES_SCHEMA, assert_valid_xml};
use crate::support::*;
use acts::accounting::helios::Helios;
use axum::http::StatusCode;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

const ACQUIT_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/pes/PES_V2/Rev0/PES_V2_Acquit_Autonome_V2.xsd");
const CHECK_XADES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../signing/tests/it/check_xades.py");

/// The ids of the signed bordereaux of a PES file.
fn bordereau_ids(xml: &str) -> Vec<String> {
    xml.match_indices("<Bordereau Id=\"").map(|(at, m)| xml[at + m.len()..].split('"').next().unwrap().to_string()).collect()
}

/// Checks with signxml every bordereau signature of `file` against the organisation's certificate authority.
fn signxml_accepts(client_ca: &[u8], file: &Path, ids: &[String]) -> bool {
    let ca = file.with_extension("ca.pem");
    std::fs::write(&ca, client_ca).unwrap();
    let output = Command::new(validator("python")).arg(CHECK_XADES).arg(file).arg("--ca").arg(&ca).args(ids).output().unwrap();
    if !output.status.success() {
        eprintln!("signxml: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    }
    output.status.success()
}

async fn flow_state(app: &TestApp, file_name_like: &str) -> String {
    use sqlx::Row;
    sqlx::query("SELECT state FROM pes_flows WHERE file_name LIKE $1")
        .bind(file_name_like.to_string())
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get::<String, _>(0)
}

#[tokio::test]
async fn the_demo_revenue_file_was_signed_and_acknowledged() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let page = dsi.get(&format!("/{METROPOLE}/flux-comptables")).await;
    assert!(page.body.contains("Acquitté") && page.body.contains("2 bordereau(x) accepté(s) sur 2"), "{}", page.body);
    assert!(page.body.contains("22/12/2021") && page.body.contains("Renaud Calvat"), "{}", page.body);
    let id = app.count("SELECT id FROM pes_flows WHERE year = 2021").await;
    let file = dsi.get(&format!("/{METROPOLE}/flux-comptables/{id}/fichier")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.contains("<InfoDematerialisee V=\"1\"/>") && file.body.contains("<DteStr V=\"2021-12-22\"/>"));
    let ids = bordereau_ids(&file.body);
    assert_eq!(ids, ["BORD1", "BORD2"], "the flat fees, then the intervention's titre");
    assert_eq!(file.body.matches("<ds:Signature ").count(), 2);
    assert_eq!(file.body.matches("<xad:Identifier>urn:oid:1.2.250.1.131.1.5.18.21.1.4</xad:Identifier>").count(), 2, "the Hélios policy");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pes.xml");
    std::fs::write(&path, &file.bytes).unwrap();
    assert_valid_xml(PES_SCHEMA, &path);
    let ca = dsi.get(&format!("/{METROPOLE}/actes/certificats/ca.pem")).await.bytes;
    assert!(signxml_accepts(&ca, &path, &ids));
    let tampered = dir.path().join("tampered.xml");
    let at = file.body.find("<MtHT V=\"").unwrap() + "<MtHT V=\"".len();
    std::fs::write(&tampered, format!("{}9{}", &file.body[..at], &file.body[at..])).unwrap();
    assert!(!signxml_accepts(&ca, &tampered, &ids), "a changed amount breaks its bordereau's signature");
    let acquit = dsi.get(&format!("/{METROPOLE}/flux-comptables/{id}/acquittement")).await;
    assert_eq!(acquit.status, StatusCode::OK);
    let acquit_path = dir.path().join("acquit.xml");
    std::fs::write(&acquit_path, &acquit.bytes).unwrap();
    assert_valid_xml(ACQUIT_SCHEMA, &acquit_path);
    assert!(acquit.body.contains("2021-12-23"), "{}", acquit.body);
}

#[tokio::test]
async fn revenue_bordereaux_are_signed_deposited_and_acknowledged() {
    let app = TestApp::demo().await;
    let outbox = tempfile::tempdir().unwrap();
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    dsi.get(&format!("/{METROPOLE}/flux-comptables")).await;
    let sent = dsi.post_form(&format!("/{METROPOLE}/flux-comptables/recettes"), &[("year", "2020")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = dsi.get(sent.location()).await;
    assert!(page.body.contains("Signé, en attente de dépôt") && page.body.contains("Recettes (titres)"), "{}", page.body);
    let id = app.count("SELECT id FROM pes_flows WHERE year = 2020").await;
    let file = dsi.get(&format!("/{METROPOLE}/flux-comptables/{id}/fichier")).await;
    assert_eq!(bordereau_ids(&file.body), ["BORD1"], "the flat fees of 2020, issued on one day");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pes.xml");
    std::fs::write(&path, &file.bytes).unwrap();
    assert_valid_xml(PES_SCHEMA, &path);

    // The worker deposits the file; the accountant's acknowledgement is fetched and applied.
    run_jobs(&app, outbox.path()).await;
    assert_eq!(flow_state(&app, "PES_Aller_2020_%").await, "accepted");

    // The same year's file is not signed twice; only the convention's issuer sends its titres.
    let again = dsi.post_form(&format!("/{METROPOLE}/flux-comptables/recettes"), &[("year", "2020")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("déjà été signé"), "{}", again.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM pes_flows").await, 2, "the demo's and this one");
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    juvignac.get("/juvignac/flux-comptables").await;
    let refused = juvignac.post_form("/juvignac/flux-comptables/recettes", &[("year", "2021")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("seul l&#39;émetteur") || refused.body.contains("seul l'émetteur"), "{}", refused.body);
}

/// Juvignac's Hélios codes and two mandates, one with its invoice.
async fn prepare_juvignac_mandates(admin: &mut Client) {
    admin.get("/juvignac/flux-comptables").await;
    let bad = admin
        .post_form(
            "/juvignac/flux-comptables/budget",
            &[("siret", "2134"), ("poste_comptable", "034000"), ("code_collectivite", "127"), ("code_budget", "00")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("siret"), "{}", bad.body);
    let saved = admin
        .post_form(
            "/juvignac/flux-comptables/budget",
            &[("siret", "21340127700018"), ("poste_comptable", "034000"), ("code_collectivite", "127"), ("code_budget", "00")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let invoice = some_pdf(admin).await;
    admin.get("/juvignac/flux-comptables").await;
    let mandate = |object: &'static str, amount: &'static str| {
        vec![
            ("issued_on", "2021-03-15"),
            ("creditor_name", "Papeterie du Languedoc"),
            ("creditor_siret", "44306184100047"),
            ("creditor_address", "12 rue de la Loge"),
            ("creditor_postal_code", "34000"),
            ("creditor_town", "Montpellier"),
            ("object", object),
            ("nature", "6064"),
            ("amount_ht", amount),
            ("vat", "50,00"),
        ]
    };
    let wrong = admin.upload_form("/juvignac/flux-comptables/mandats", &mandate("Fournitures", "douze"), &[]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("montant hors taxes"), "{}", wrong.body);
    let not_pdf = admin
        .upload_form("/juvignac/flux-comptables/mandats", &mandate("Fournitures", "250,00"), &[("attachment", "facture.txt", b"facture")])
        .await;
    assert_eq!(not_pdf.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (object, amount) in [("Fournitures de bureau", "250,00"), ("Ramettes de papier", "120,50"), ("Erreur de saisie", "1,00")] {
        let added = admin
            .upload_form("/juvignac/flux-comptables/mandats", &mandate(object, amount), &[("attachment", "facture.pdf", &invoice)])
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    }
    let page = admin.get("/juvignac/flux-comptables").await;
    assert!(page.body.contains("3 mandat(s) à signer"), "{}", page.body);
    let mistaken = page.body.split("/flux-comptables/mandats/").nth(3).unwrap().split('/').next().unwrap().to_string();
    let removed = admin.post_form(&format!("/juvignac/flux-comptables/mandats/{mistaken}/suppression"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn expenditure_orders_with_their_invoices_reach_the_accountant_once_even_when_it_is_down() {
    let app = TestApp::demo().await;
    let outbox = tempfile::tempdir().unwrap();
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    prepare_juvignac_mandates(&mut admin).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM pes_mandates WHERE flow_id IS NULL").await, 2);
    let sent = admin.post_form("/juvignac/flux-comptables/depenses", &[("year", "2021")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM pes_mandates WHERE flow_id IS NULL").await, 0);
    let nothing_left = admin.post_form("/juvignac/flux-comptables/depenses", &[("year", "2021")]).await;
    assert_eq!(nothing_left.status, StatusCode::UNPROCESSABLE_ENTITY);
    let id = app.count("SELECT id FROM pes_flows WHERE domain = 'expenditure'").await;

    let file = admin.get(&format!("/juvignac/flux-comptables/{id}/fichier")).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("depenses.xml");
    std::fs::write(&path, &file.bytes).unwrap();
    assert_valid_xml(PES_SCHEMA, &path);
    assert!(file.body.contains("PES_DepenseAller") && file.body.contains("PES_PJ"), "{}", file.body);
    assert_eq!(bordereau_ids(&file.body), ["DEP1"]);
    let ca = admin.get("/juvignac/actes/certificats/ca.pem").await.bytes;
    assert!(signxml_accepts(&ca, &path, &bordereau_ids(&file.body)));

    // An accountant that is down: the deposit waits and is retried; once up, one deposit, acknowledged.
    let helios = Arc::new(Helios::open(&app.config.data_dir().join("accountant-down"), store::clock::today_paris).unwrap());
    helios.set_available(false);
    let mut services = app.acts.clone();
    services.accountant = helios.clone();
    let worker = communs::server::job_worker(&app.db, &app.blobs, outbox_mailer(outbox.path()), services);
    for _ in 0..5 {
        worker.run_once(&app.db).await.unwrap();
    }
    assert_eq!(flow_state(&app, "%DEP1.xml").await, "waiting");
    let page = admin.get("/juvignac/flux-comptables").await;
    assert!(page.body.contains("Comptable injoignable"), "{}", page.body);
    helios.set_available(true);
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE state = 'queued'").execute(app.db.pool()).await.unwrap();
    for _ in 0..5 {
        worker.run_once(&app.db).await.unwrap();
    }
    assert_eq!(flow_state(&app, "%DEP1.xml").await, "accepted");
    let payload =
        serde_json::json!({ "organisation_id": app.count("SELECT id FROM organisations WHERE slug = 'juvignac'").await, "flow_id": id });
    acts::accounting::flows::run_deposit(&app.db, &app.blobs, helios.as_ref(), &payload).await.unwrap();
    let name = file_name(&file);
    let again = helios.receive(&name, &file.bytes).unwrap();
    assert!(again.duplicate, "the file name identifies the deposit");
    assert_eq!(std::fs::read_dir(app.config.data_dir().join("accountant-down/received")).unwrap().count(), 1, "one deposit, ever");
}

fn file_name(response: &TestResponse) -> String {
    let disposition = response.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap();
    disposition.split("filename=\"").nth(1).unwrap().trim_end_matches('"').to_string()
}

#[tokio::test]
async fn the_accountant_rejects_a_bordereau_whose_signature_does_not_match() {
    let app = TestApp::demo().await;
    let outbox = tempfile::tempdir().unwrap();
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    prepare_juvignac_mandates(&mut admin).await;
    admin.post_form("/juvignac/flux-comptables/depenses", &[("year", "2021")]).await;
    // The stored file altered after its signature (an amount changed): the accountant must refuse it.
    let id = app.count("SELECT id FROM pes_flows WHERE domain = 'expenditure'").await;
    let file = admin.get(&format!("/juvignac/flux-comptables/{id}/fichier")).await;
    let at = file.body.find("<MtHT V=\"").unwrap() + "<MtHT V=\"".len();
    let tampered = format!("{}9{}", &file.body[..at], &file.body[at..]);
    let stored = app.blobs.put(tampered.into_bytes()).await.unwrap();
    sqlx::query("UPDATE pes_flows SET sha256 = $1 WHERE id = $2").bind(stored.sha256).bind(id).execute(app.db.pool()).await.unwrap();
    run_jobs(&app, outbox.path()).await;
    assert_eq!(flow_state(&app, "%DEP1.xml").await, "rejected");
    let page = admin.get("/juvignac/flux-comptables").await;
    assert!(page.body.contains("Rejeté par le comptable") && page.body.contains("ERREUR_SIGNATURE_BORDEREAU_INVALIDE"), "{}", page.body);
}
