//! Acts end to end through HTTP: creation, circuits (visa, signature, delegation, rejection, bulk),
//! PAdES signatures checked by pyhanko, @ctes transmission to the prefecture simulator (down, then up:
//! retried, never doubled), acknowledgements and letters, publication, the public pages, the SCDL feed
//! checked by frictionless, the export contract of the CLI, and the timestamp authority.

use crate::invoices::assert_valid_xml;
use crate::support::*;
use acts::simulator::{InProcessConnector, Letter, Prefecture};
use axum::http::{Method, StatusCode};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use store::testing::TestDb;

const ACTES_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/actes/actesv1_1.xsd");
const SCDL_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/scdl/deliberations-2.1.5.schema.json");
pub(crate) const METROPOLE: &str = "montpellier-mediterranee-metropole";
const INSTALL: &str = "python3 -m venv /tmp/fx-venv && /tmp/fx-venv/bin/pip install pyhanko pyhanko-cli frictionless \
                       && export COMMUNS_TEST_PYTHON=/tmp/fx-venv/bin/python";

/// A tool installed next to the validators' Python (`pyhanko`, `frictionless`).
pub(crate) fn validator(name: &str) -> std::path::PathBuf {
    let python = std::env::var("COMMUNS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let tool = Path::new(&python).with_file_name(name);
    assert!(tool.exists(), "{name} is needed next to {python}: {INSTALL}");
    tool
}

fn assert_pyhanko_accepts(pdf: &Path, ca: &Path) {
    let output = Command::new(validator("pyhanko"))
        .args(["sign", "validate", "--pretty-print", "--trust-replace", "--trust"])
        .arg(ca)
        .arg(pdf)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && report.contains("judged VALID"), "pyhanko refused {}:\n{report}", pdf.display());
}

/// Runs every due job of the application's worker.
pub(crate) async fn run_jobs(app: &TestApp, outbox: &Path) {
    let worker = communs::server::job_worker(&app.db, &app.blobs, outbox_mailer(outbox), app.acts.clone());
    for _ in 0..20 {
        if worker.run_once(&app.db).await.unwrap().is_none() {
            return;
        }
    }
}

async fn state_of(app: &TestApp, id: i64) -> String {
    use sqlx::Row;
    sqlx::query("SELECT state FROM acts WHERE id = $1").bind(id).fetch_one(app.db.pool()).await.unwrap().get::<String, _>(0)
}

/// Juvignac's @ctes settings, typed by its administrator.
async fn set_juvignac_settings(admin: &mut Client) {
    admin.get("/juvignac/actes/parametres").await;
    let settings = [
        ("departement", "034"),
        ("arrondissement", "3"),
        ("collectivity_nature", "31"),
        ("referent_name", "Claire Martin"),
        ("referent_email", "claire.martin@juvignac.example.fr"),
        ("referent_phone", ""),
        ("return_email", "actes@juvignac.example.fr"),
        ("siret", "21340123500011"),
    ];
    let bad_siret: Vec<(&str, &str)> = settings.iter().map(|&(k, v)| if k == "siret" { (k, "12345678901234") } else { (k, v) }).collect();
    let refused = admin.post_form("/juvignac/actes/parametres", &bad_siret).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("SIRET"), "{}", refused.body);
    let saved = admin.post_form("/juvignac/actes/parametres", &settings).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

/// A PDF of the platform (the convention's deliberation) to act as a document.
pub(crate) async fn some_pdf(client: &mut Client) -> Vec<u8> {
    let pdf = client.get("/juvignac/convention/2019-2021/deliberation.pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    pdf.bytes
}

/// Creates an act through the form and returns its id.
async fn create_act(client: &mut Client, nature: &str, number: &str, register: &str, document: &[u8]) -> i64 {
    client.get("/juvignac/actes/nouveau").await;
    let fields = [
        ("nature", nature),
        ("matter_code", "5.7"),
        ("internal_number", number),
        ("register_number", register),
        ("decided_on", "2019-07-01"),
        ("subject", "Adhésion aux services numériques mutualisés de la Métropole"),
    ];
    let piece_type = format!("99_{nature}");
    let fields: Vec<(&str, &str)> = fields.iter().copied().chain([("type_1", piece_type.as_str())]).collect();
    let response = client
        .upload_form("/juvignac/actes/nouveau", &fields, &[("document", "acte.pdf", document), ("annexe_1", "annexe.pdf", document)])
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    response.location().trim_start_matches("/juvignac/actes/").split('?').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_deliberation_is_signed_transmitted_acknowledged_published_and_executory() {
    let app = TestApp::demo().await;
    let outbox = tempfile::tempdir().unwrap();
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    let document = some_pdf(&mut admin).await;

    // The deliberation of seed 004 has no @ctes matter: its act cannot be made from it.
    admin.get("/juvignac/actes").await;
    let refused = admin.post_form("/juvignac/actes/depuis-deliberation", &[("number", "19.07.01.05")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("pas de matière"), "{}", refused.body);

    // A bad internal number is refused and nothing is created.
    admin.get("/juvignac/actes/nouveau").await;
    let bad = admin
        .upload_form(
            "/juvignac/actes/nouveau",
            &[("nature", "DE"), ("matter_code", "5.7"), ("internal_number", "19.07/05"), ("decided_on", "2019-07-01"), ("subject", "x")],
            &[("document", "acte.pdf", &document)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("numéro interne"), "{}", bad.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM acts WHERE organisation_id = (SELECT id FROM organisations WHERE slug = 'juvignac')").await,
        0
    );

    let id = create_act(&mut admin, "DE", "DEL2019_05", "19.07.01.05", &document).await;
    let page = admin.get(&format!("/juvignac/actes/{id}")).await;
    assert!(page.body.contains("Brouillon") && page.body.contains("Annexe 1 : annexe.pdf"), "{}", page.body);

    // Into the default circuit: one signature by an administrator, who is told by e-mail.
    assert_eq!(admin.post_form(&format!("/juvignac/actes/{id}/circuit"), &[]).await.status, StatusCode::SEE_OTHER);
    run_jobs(&app, outbox.path()).await;
    let mails: Vec<String> =
        std::fs::read_dir(outbox.path()).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    let link = format!("Ouvrir l'acte : http://communs.test/juvignac/actes/{id}");
    assert!(
        mails.iter().any(|m| m.contains(&link) && m.contains("To: \"Claire Martin (Juvignac)\" <admin@juvignac.demo.communs.fr>")),
        "{mails:?}"
    );
    assert!(!mails.iter().any(|m| m.contains("agent@juvignac")), "the agent is not asked to sign");

    // The agent may not sign the administrators' step.
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    agent.get(&format!("/juvignac/actes/{id}")).await;
    let not_theirs = agent.post_form(&format!("/juvignac/actes/{id}/decision"), &[("decision", "approve")]).await;
    assert_eq!(not_theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_theirs.body.contains("cette étape attend"), "{}", not_theirs.body);

    admin.get(&format!("/juvignac/actes/{id}")).await;
    let signed = admin.post_form(&format!("/juvignac/actes/{id}/decision"), &[("decision", "approve")]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(state_of(&app, id).await, "signed");
    let report = admin.get(&format!("/juvignac/actes/{id}/validation")).await;
    assert!(report.body.contains("Toutes les signatures sont valides") && report.body.contains("PAdES B-T"), "{}", report.body);

    // Independent checks of the signed PDF: pyhanko with the organisation's roots.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("signe.pdf");
    std::fs::write(&pdf, admin.get(&format!("/juvignac/actes/{id}/document.pdf")).await.bytes).unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, admin.get("/juvignac/actes/certificats/ca.pem").await.bytes).unwrap();
    assert_pyhanko_accepts(&pdf, &ca);

    // Transmission needs the @ctes settings.
    let without = admin.post_form(&format!("/juvignac/actes/{id}/transmission"), &[]).await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(without.body.contains("paramètres @ctes"), "{}", without.body);
    set_juvignac_settings(&mut admin).await;
    admin.get(&format!("/juvignac/actes/{id}")).await;
    assert_eq!(admin.post_form(&format!("/juvignac/actes/{id}/transmission"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, id).await, "posted");
    run_jobs(&app, outbox.path()).await;
    assert_eq!(state_of(&app, id).await, "acknowledged");
    let page = admin.get(&format!("/juvignac/actes/{id}")).await;
    assert!(page.body.contains("034-213401235-20190701-DEL2019_05-DE"), "{}", page.body);
    assert!(page.body.contains("Accusé de réception"), "{}", page.body);

    // Every message exchanged validates against the @ctes schema.
    for (n, file) in ["sent", "received"].iter().enumerate() {
        let ids =
            sqlx::query_scalar::<_, i64>("SELECT id FROM act_messages WHERE act_id = $1 AND direction = $2 AND file_name LIKE '%.xml'")
                .bind(id)
                .bind(file.to_string())
                .fetch_all(app.db.pool())
                .await
                .unwrap();
        assert_eq!(ids.len(), 2, "{file}: an envelope and a message");
        for message in ids {
            let xml = admin.get(&format!("/juvignac/actes/{id}/messages/{message}")).await;
            let path = dir.path().join(format!("message-{n}-{message}.xml"));
            std::fs::write(&path, &xml.bytes).unwrap();
            assert_valid_xml(ACTES_SCHEMA, &path);
        }
    }

    // Publication: once, immutable, then public with its PDF; the register extract shows the facts.
    admin.get(&format!("/juvignac/actes/{id}")).await;
    assert_eq!(admin.post_form(&format!("/juvignac/actes/{id}/publication"), &[]).await.status, StatusCode::SEE_OTHER);
    let published_at =
        sqlx::query_scalar::<_, i64>("SELECT published_at FROM acts WHERE id = $1").bind(id).fetch_one(app.db.pool()).await.unwrap();
    let again = admin.post_form(&format!("/juvignac/actes/{id}/publication"), &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let still =
        sqlx::query_scalar::<_, i64>("SELECT published_at FROM acts WHERE id = $1").bind(id).fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(still, published_at);
    let mut visitor = app.client();
    let public = visitor.get("/juvignac/actes-publies").await;
    assert!(public.body.contains("DEL2019_05") || public.body.contains("19.07.01.05"), "{}", public.body);
    assert!(public.body.contains("Exécutoire"), "{}", public.body);
    let public_pdf = visitor.get(&format!("/juvignac/actes-publies/{id}.pdf")).await;
    assert_eq!(public_pdf.status, StatusCode::OK);
    assert_eq!(public_pdf.bytes, std::fs::read(&pdf).unwrap());
    let extract = admin.get("/juvignac/deliberations/19.07.01.05/extrait.html").await;
    assert!(extract.body.contains("034-213401235-20190701-DEL2019_05-DE-1-1"), "{}", extract.body);
}

#[tokio::test]
async fn a_transmission_survives_a_prefecture_that_is_down_and_is_never_doubled() {
    let app = TestApp::demo().await;
    let outbox = tempfile::tempdir().unwrap();
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    set_juvignac_settings(&mut admin).await;
    let document = some_pdf(&mut admin).await;
    let id = create_act(&mut admin, "AR", "ARR2019_12", "", &document).await;
    admin.get(&format!("/juvignac/actes/{id}")).await;
    admin.post_form(&format!("/juvignac/actes/{id}/circuit"), &[]).await;
    admin.post_form(&format!("/juvignac/actes/{id}/decision"), &[("decision", "approve")]).await;
    admin.post_form(&format!("/juvignac/actes/{id}/transmission"), &[]).await;
    assert_eq!(state_of(&app, id).await, "posted");

    // A worker whose prefecture is down: the job fails, the act waits, a retry is scheduled.
    let prefecture = Arc::new(Prefecture::open(&app.config.prefecture_simulator_dir()).unwrap());
    let connector = Arc::new(InProcessConnector::new(prefecture.clone(), store::clock::today_paris));
    connector.set_available(false);
    let mut services = app.acts.clone();
    services.legality.connector = connector.clone();
    let worker = communs::server::job_worker(&app.db, &app.blobs, outbox_mailer(outbox.path()), services);
    for _ in 0..5 {
        worker.run_once(&app.db).await.unwrap();
    }
    assert_eq!(state_of(&app, id).await, "waiting");
    let ours = |prefecture: &Prefecture| {
        prefecture.transactions().iter().filter(|t| t.act_id.as_ref().is_some_and(|a| a.to_string().contains("ARR2019_12"))).count()
    };
    assert_eq!(ours(&prefecture), 0, "nothing reached the prefecture");
    let page = admin.get(&format!("/juvignac/actes/{id}")).await;
    assert!(page.body.contains("En attente de transmission") && page.body.contains("nouvel essai"), "{}", page.body);

    // Back up: the retry (made due now) transmits once; running it again or asking again doubles nothing.
    connector.set_available(true);
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE state = 'queued'").execute(app.db.pool()).await.unwrap();
    for _ in 0..5 {
        worker.run_once(&app.db).await.unwrap();
    }
    assert_eq!(state_of(&app, id).await, "acknowledged");
    let job =
        serde_json::json!({ "organisation_id": app.count("SELECT id FROM organisations WHERE slug = 'juvignac'").await, "act_id": id });
    acts::transmission::run_transmission(&app.db, &app.blobs, &app.acts.legality, &job).await.unwrap();
    let again = admin.post_form(&format!("/juvignac/actes/{id}/transmission"), &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ours(&prefecture), 1, "one transmission of the act, ever");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM act_messages WHERE direction = 'sent' AND kind = 'Enveloppe'").await,
        1 + 1,
        "the demo's and this one"
    );
}

#[tokio::test]
async fn circuits_with_visa_delegation_rejection_and_bulk_signing() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    let document = some_pdf(&mut admin).await;
    let claire = app.count("SELECT id FROM users WHERE email = 'admin@juvignac.demo.communs.fr'").await;
    let karim = app.count("SELECT id FROM users WHERE email = 'agent@juvignac.demo.communs.fr'").await;

    // The circuit of "autres" acts: a visa by an agent, then Claire Martin's signature.
    admin.get("/juvignac/actes/circuits").await;
    let no_signature =
        admin.post_form("/juvignac/actes/circuits/AU", &[("name", "Visa seul"), ("kind_1", "visa"), ("assignee_1", "role:agent")]).await;
    assert_eq!(no_signature.status, StatusCode::UNPROCESSABLE_ENTITY);
    let claire_value = format!("user:{claire}");
    let saved = admin
        .post_form(
            "/juvignac/actes/circuits/AU",
            &[
                ("name", "Visa puis signature du maire"),
                ("kind_1", "visa"),
                ("assignee_1", "role:agent"),
                ("kind_2", "signature"),
                ("assignee_2", &claire_value),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let first = create_act(&mut admin, "AU", "AU2019_1", "", &document).await;
    let second = create_act(&mut admin, "AU", "AU2019_2", "", &document).await;
    for id in [first, second] {
        admin.get(&format!("/juvignac/actes/{id}")).await;
        assert_eq!(admin.post_form(&format!("/juvignac/actes/{id}/circuit"), &[]).await.status, StatusCode::SEE_OTHER);
    }

    // The agent visas both at once from the parapheur.
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    let tray = agent.get("/juvignac/parapheur").await;
    assert!(tray.body.contains("2 acte(s) en attente"), "{}", tray.body);
    let (a, b) = (first.to_string(), second.to_string());
    let bulk = agent.post_form("/juvignac/parapheur/signature", &[("acte", &a), ("acte", &b)]).await;
    assert_eq!(bulk.status, StatusCode::SEE_OTHER);
    assert!(agent.get(bulk.location()).await.body.contains("2 acte(s) traité(s)"));
    assert!(agent.get("/juvignac/parapheur").await.body.contains("Aucun acte n'attend"));

    // Claire is away: Karim signs the first for her; the step says so.
    let today = store::clock::today_paris();
    let (start, end) = (today.to_string(), today.next_day().unwrap().to_string());
    admin.get("/juvignac/actes/circuits").await;
    let (from, to) = (claire.to_string(), karim.to_string());
    let delegated =
        admin.post_form("/juvignac/actes/delegations", &[("from", &from), ("to", &to), ("starts_on", &start), ("ends_on", &end)]).await;
    assert_eq!(delegated.status, StatusCode::SEE_OTHER, "{}", delegated.body);
    agent.get(&format!("/juvignac/actes/{first}")).await;
    let signed = agent.post_form(&format!("/juvignac/actes/{first}/decision"), &[("decision", "approve")]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(state_of(&app, first).await, "signed");
    let page = admin.get(&format!("/juvignac/actes/{first}")).await;
    assert!(page.body.contains("pour Claire Martin (Juvignac)"), "{}", page.body);

    // Claire rejects the second: a reason is required; rejected, it can go round again.
    admin.get(&format!("/juvignac/actes/{second}")).await;
    let no_reason = admin.post_form(&format!("/juvignac/actes/{second}/decision"), &[("decision", "reject"), ("reason", " ")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(state_of(&app, second).await, "in_circuit");
    let rejected =
        admin.post_form(&format!("/juvignac/actes/{second}/decision"), &[("decision", "reject"), ("reason", "Annexe manquante")]).await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, second).await, "rejected");
    assert!(admin.get(&format!("/juvignac/actes/{second}")).await.body.contains("Annexe manquante"));
    assert_eq!(admin.post_form(&format!("/juvignac/actes/{second}/circuit"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, second).await, "in_circuit");
}

#[tokio::test]
async fn prefecture_letters_and_the_cancellation_reach_the_act() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let id = app.count("SELECT id FROM acts WHERE register_number = 'M2021-641'").await;
    let page = dsi.get(&format!("/{METROPOLE}/actes/{id}")).await;
    assert!(page.body.contains("acte exécutoire"), "{}", page.body);

    let prefecture = Prefecture::open(&app.config.prefecture_simulator_dir()).unwrap();
    let today = store::clock::today_paris();
    prefecture.send_letter("T000001", Letter::Observations { motive: "Délai de convocation à justifier".into() }, today).unwrap();
    let polled = dsi.post_form(&format!("/{METROPOLE}/actes/{id}/releve"), &[]).await;
    assert_eq!(polled.status, StatusCode::SEE_OTHER, "{}", polled.body);
    let page = dsi.get(polled.location()).await;
    assert!(page.body.contains("1 nouveau(x) message(s)") && page.body.contains("Délai de convocation à justifier"), "{}", page.body);
    assert_eq!(dsi.post_form(&format!("/{METROPOLE}/actes/{id}/releve"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM act_events WHERE kind = 'prefecture'").await, 2, "acknowledgement and letter, once each");

    dsi.get(&format!("/{METROPOLE}/actes/{id}")).await;
    assert_eq!(dsi.post_form(&format!("/{METROPOLE}/actes/{id}/annulation"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, id).await, "cancellation_requested");
    dsi.post_form(&format!("/{METROPOLE}/actes/{id}/releve"), &[]).await;
    assert_eq!(state_of(&app, id).await, "cancelled");
}

#[tokio::test]
async fn the_public_finds_published_acts_and_the_scdl_feed_validates() {
    let app = TestApp::demo().await;
    let mut visitor = app.client();
    let base = format!("/{METROPOLE}/actes-publies");
    let all = visitor.get(&base).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("M2021-641") && all.body.contains("034-243400017-20211214-174579-DE"), "{}", all.body);
    for (query, found) in [
        ("?texte=convention+numeriques", true),
        ("?texte=piscine", false),
        ("?nature=AR", false),
        ("?matiere=5", true),
        ("?du=2022-01-01", false),
    ] {
        let page = visitor.get(&format!("{base}{query}")).await;
        assert_eq!(page.body.contains("M2021-641"), found, "{query}");
    }
    let bad = visitor.get(&format!("{base}?du=14-12-2021")).await;
    assert!(bad.body.contains("role=\"alert\""), "{}", bad.body);
    assert!(visitor.get(&format!("{base}/seances")).await.body.contains("M2021-641"));
    assert_eq!(visitor.get("/lattes/actes-publies/1.pdf").await.status, StatusCode::NOT_FOUND, "the Métropole's act is not Lattes'");

    let csv = visitor.get(&format!("{base}/deliberations.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("034-243400017-20211214-174579-DE") && csv.body.contains("24340001700022"), "{}", csv.body);
    // frictionless reads only paths under its working directory: the feed and the schema go there.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(SCDL_SCHEMA, dir.path().join("schema.json")).unwrap();
    std::fs::write(dir.path().join("deliberations.csv"), &csv.bytes).unwrap();
    let frictionless = || {
        Command::new(validator("frictionless"))
            .current_dir(dir.path())
            .args(["validate", "--schema", "schema.json", "deliberations.csv"])
            .output()
            .unwrap()
    };
    let output = frictionless();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "frictionless refused the feed:\n{report}\n{}", String::from_utf8_lossy(&output.stderr));
    // The check can fail: a row without its required matter code is refused.
    std::fs::write(dir.path().join("deliberations.csv"), csv.body.replace(",5.7,", ",,")).unwrap();
    assert!(!frictionless().status.success());
}

#[tokio::test]
async fn the_timestamp_authority_answers_rfc_3161_requests() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(b"document").into();
    let request = signing::timestamp::request(&digest).unwrap();
    let reply = client.request(Method::POST, "/horodatage", Some("application/timestamp-query"), request.clone()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/timestamp-reply");
    let token = signing::timestamp::token_of_response(&reply.bytes).unwrap();
    assert_eq!(signing::timestamp::read_token(&token).unwrap().imprint, digest);
    let wrong = client.request(Method::POST, "/horodatage", Some("application/octet-stream"), request).await;
    assert_eq!(wrong.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[test]
fn the_export_of_the_demo_deliberation_holds_messages_signatures_and_status() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let database = runtime.block_on(TestDb::new());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = dir.path().join("export");
    let communs = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_communs"))
            .arg("--data-dir")
            .arg(&data)
            .args(["--database-url", &database.url])
            .args(args)
            .env("COMMUNS_LOG", "warn")
            .output()
            .unwrap()
    };
    assert!(communs(&["demo"]).status.success());
    let unknown = communs(&["acts", "export", "--org", METROPOLE, "--number", "M1999-1", "--out", out.to_str().unwrap()]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("aucun acte"));
    let export = communs(&["acts", "export", "--org", METROPOLE, "--number", "M2021-641", "--out", out.to_str().unwrap()]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));

    let names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let xml: Vec<&String> = names.iter().filter(|n| n.ends_with(".xml")).collect();
    assert_eq!(xml.len(), 4, "envelope and act sent, envelope and acknowledgement received: {names:?}");
    for name in &xml {
        assert_valid_xml(ACTES_SCHEMA, &out.join(name));
    }
    assert!(names.contains(&"034-243400017-20211214-174579-DE-1-1_0.xml".to_string()), "{names:?}");
    assert!(names.contains(&"99_DE-034-243400017-20211214-174579-DE-1-1_1.pdf".to_string()), "{names:?}");
    let status: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("status.json")).unwrap()).unwrap();
    assert_eq!(status["actes_id"], "034-243400017-20211214-174579-DE");
    assert_eq!(status["state"], "acknowledged");
    assert_eq!(status["received_at"], "2021-12-21");
    assert_eq!(status["published_at"], "2021-12-21T09:00:00Z");
    assert_eq!(status["executory"], true);
    assert_eq!(status["signatures"][0]["signer"], "Renaud Calvat");
    let signed = out.join(status["signed_pdf"].as_str().unwrap());
    assert_pyhanko_accepts(&signed, &out.join("ca.pem"));

    // The signature's timestamp, checked by openssl against the signature value it covers.
    let stem = status["signed_pdf"].as_str().unwrap().trim_end_matches(".pdf").to_string();
    let ts_verify = |data: &Path| {
        Command::new("openssl")
            .args(["ts", "-verify", "-token_in", "-in"])
            .arg(out.join(format!("{stem}.1.tsr")))
            .arg("-data")
            .arg(data)
            .arg("-CAfile")
            .arg(out.join("ca.pem"))
            .output()
            .unwrap()
    };
    let verified = ts_verify(&out.join(format!("{stem}.1.signature")));
    assert!(
        verified.status.success(),
        "openssl ts: {}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(!ts_verify(&out.join("ca.pem")).status.success(), "a token covers its own signature only");
}

#[tokio::test]
async fn the_api_gives_an_act_with_its_status_and_messages() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let act = dsi.get(&format!("/api/v1/organisations/{METROPOLE}/acts/M2021-641")).await.json();
    assert_eq!(act["actes_id"], "034-243400017-20211214-174579-DE");
    assert_eq!(act["state"], "acknowledged");
    assert_eq!(act["received_on"], "2021-12-21");
    assert_eq!(act["published_at"], "2021-12-21T09:00:00Z");
    assert_eq!(act["executory"], true);
    assert_eq!(act["messages"].as_array().unwrap().len(), 5, "envelope, act and PDF sent; envelope and acknowledgement received");
    let list = dsi.get(&format!("/api/v1/organisations/{METROPOLE}/acts")).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let missing = dsi.get(&format!("/api/v1/organisations/{METROPOLE}/acts/M1999-1")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.content_type(), "application/problem+json");
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    assert_eq!(juvignac.get(&format!("/api/v1/organisations/{METROPOLE}/acts/M2021-641")).await.status, StatusCode::FORBIDDEN);
}
