//! Convocations (CGCT L2121-10 to L2121-12): sent within the delay with the explanatory notes, one personal
//! link per member through which they read the projects, annotate them and answer; the agents follow the
//! sending, the delivery, the first opening and the answers, which prefill the attendance.

use crate::support::*;
use axum::http::StatusCode;
use sqlx::Row;

/// Prepares a sitting of Juvignac's council on `date` with one project, and a member of that council
/// reachable at the demo elected member's address. Returns the sitting's id.
async fn prepared_sitting(app: &TestApp, agent: &mut Client, date: &str, note: bool) -> i64 {
    let council = app
        .count("SELECT b.id FROM assembly_bodies b JOIN organisations o ON o.id = b.organisation_id WHERE o.slug = 'juvignac' AND b.kind = 'municipal_council'")
        .await;
    agent.get("/juvignac/assemblees").await;
    let member = [("name", "Mme ÉLUE"), ("email", JUVIGNAC_ELECTED), ("mandate_start", "2026-01-01")];
    agent.post_form(&format!("/juvignac/assemblees/{council}/membres"), &member).await;
    let council = council.to_string();
    let sitting = [
        ("body", council.as_str()),
        ("date", date),
        ("time", "18:30"),
        ("kind", "ordinary"),
        ("mode", "in_person"),
        ("place", "Salle du conseil"),
        ("president", "M. SAVY"),
    ];
    assert_eq!(agent.post_form("/juvignac/seances", &sitting).await.status, StatusCode::SEE_OTHER);
    let id = app.count("SELECT MAX(id) FROM assembly_sittings").await;
    let mut item = vec![
        ("title", "Tarifs de la médiathèque"),
        ("rapporteur", "Mme VIGNERON"),
        ("draft_text", "Les tarifs évoluent."),
        ("decision", "D'APPROUVER les tarifs."),
    ];
    if note {
        item.push(("explanatory_note", "Hausse de 2 % des tarifs, la première depuis 2019."));
    }
    assert_eq!(agent.post_form(&format!("/juvignac/seances/{id}/projets"), &item).await.status, StatusCode::SEE_OTHER);
    id
}

async fn token_of(app: &TestApp) -> String {
    let row = sqlx::query("SELECT payload FROM jobs WHERE kind = 'assembly.convocation'").fetch_one(app.db.pool()).await.unwrap();
    let payload: serde_json::Value = serde_json::from_str(&row.get::<String, _>(0)).unwrap();
    payload["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn convocations_go_within_the_delay_with_their_notes() {
    let app = TestApp::demo().await;
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    // Juvignac has 3,500 inhabitants or more: 5 jours francs and a note for each project (L2121-12).
    let without_note = prepared_sitting(&app, &mut agent, "2099-03-20", false).await;
    let refused = agent.post_form(&format!("/juvignac/seances/{without_note}/convocations"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("note explicative de synthèse") && refused.body.contains("CGCT L2121-12"), "{}", refused.body);
    let today = store::clock::today_paris();
    let too_soon = (today + time::Duration::days(3)).to_string();
    let late = prepared_sitting(&app, &mut agent, &too_soon, true).await;
    let refused = agent.post_form(&format!("/juvignac/seances/{late}/convocations"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("dernier jour d&#39;envoi possible") && refused.body.contains("CGCT L2121-12"), "{}", refused.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_convocations").await, 0, "nothing sent");

    let id = prepared_sitting(&app, &mut agent, "2099-03-27", true).await;
    let sent = agent.post_form(&format!("/juvignac/seances/{id}/convocations"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = agent.get(sent.location()).await;
    assert!(page.body.contains("30 convocation(s) envoyée(s)."), "29 members of 2019 and the new one: {}", page.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_convocations WHERE channel = 'paper'").await, 29, "no address: on paper");
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'assembly.convocation'").await, 1, "one e-mail to deliver");
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_convocations WHERE token_hash LIKE '%'").await, 30);
    let token = token_of(&app).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_convocations WHERE token_hash = 'x'").await, 0);
    let stored: String =
        sqlx::query("SELECT token_hash FROM assembly_convocations WHERE channel = 'email'").fetch_one(app.db.pool()).await.unwrap().get(0);
    assert_ne!(stored, token, "only the digest of the link is kept");
    let again = agent.post_form(&format!("/juvignac/seances/{id}/convocations"), &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The job worker delivers the e-mail into the outbox: the agenda, the personal link, the invitation.
    let outbox = tempfile::tempdir().unwrap();
    let worker = communs::server::job_worker(&app.db, &app.blobs, outbox_mailer(outbox.path()), app.acts.clone());
    assert_eq!(worker.run_once(&app.db).await.unwrap(), Some(store::jobs::Outcome::Done));
    let files: Vec<_> = std::fs::read_dir(outbox.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains(JUVIGNAC_ELECTED) && eml.contains("Content-Type: text/calendar; charset=UTF-8; method=REQUEST"), "{eml}");
    let decoded = decoded_text(&files[0]);
    assert!(decoded.contains(&format!("http://communs.test/juvignac/convocations/{token}")), "{decoded}");
    assert!(decoded.contains("1. Tarifs de la médiathèque (rapporteur : Mme VIGNERON)"), "{decoded}");
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_convocations WHERE delivered_at IS NOT NULL").await, 1);
    let page = agent.get(&format!("/juvignac/seances/{id}")).await;
    assert_eq!(page.body.matches("En attente").count(), 0, "delivered");
    assert_eq!(worker.run_once(&app.db).await.unwrap(), None, "nothing left to deliver");
}

/// The text part of an e-mail, decoded by Python's standard `email` package.
fn decoded_text(path: &std::path::Path) -> String {
    let script = "import email, email.policy, sys; m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default); print(m.get_body(preferencelist=('plain',)).get_content())";
    let output = std::process::Command::new("python3").args(["-c", script]).arg(path).output().expect("python3");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn a_member_reads_annotates_and_answers_through_the_personal_link() {
    let app = TestApp::demo().await;
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    let id = prepared_sitting(&app, &mut agent, "2099-03-27", true).await;
    // An annex goes with the project: PDF, PNG or JPEG only.
    agent.get(&format!("/juvignac/seances/{id}")).await;
    let refused =
        agent.upload(&format!("/juvignac/seances/{id}/projets/1/annexes"), "fichier", "tarifs.xlsx", b"PK\x03\x04 a spreadsheet").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("PDF, PNG ou JPEG"), "{}", refused.body);
    let grid = b"%PDF-1.4\n% grille tarifaire\n%%EOF\n";
    let attached = agent.upload(&format!("/juvignac/seances/{id}/projets/1/annexes"), "fichier", "Grille tarifaire 2027.pdf", grid).await;
    assert_eq!(attached.status, StatusCode::SEE_OTHER, "{}", attached.body);
    let forged = app.client().upload(&format!("/juvignac/seances/{id}/projets/1/annexes"), "fichier", "x.pdf", grid).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no token, no upload");
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_annexes").await, 1);
    agent.post_form(&format!("/juvignac/seances/{id}/convocations"), &[]).await;
    let token = token_of(&app).await;
    let link = format!("/juvignac/convocations/{token}");

    let mut member = app.client();
    let page = member.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mme ÉLUE, vous êtes convoqué(e)") && page.body.contains("Tarifs de la médiathèque"), "{}", page.body);
    assert!(app.count("SELECT COUNT(*) FROM assembly_convocations WHERE opened_at IS NOT NULL").await == 1, "first opening timestamped");
    let pdf = member.get(&format!("{link}/projets/projet-1.pdf")).await;
    assert_eq!((pdf.status, pdf.content_type()), (StatusCode::OK, "application/pdf"));
    let text = crate::convention::pdf_text(&pdf.bytes);
    assert!(text.contains("Tarifs de la médiathèque") && text.contains("Hausse de 2 %"), "{text}");

    let annotated = member
        .post_form(&format!("{link}/annotations"), &[("document", "projet-1"), ("page", "1"), ("note", "Demander le bilan 2025.")])
        .await;
    assert_eq!(annotated.status, StatusCode::SEE_OTHER);
    let bad_page = member.post_form(&format!("{link}/annotations"), &[("document", "projet-1"), ("page", "zéro"), ("note", "x")]).await;
    assert_eq!(bad_page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let myself = app.count("SELECT member_id FROM assembly_convocations WHERE channel = 'email'").await.to_string();
    let to_self = member.post_form(&format!("{link}/reponse"), &[("reponse", "proxy"), ("mandataire", &myself)]).await;
    assert_eq!(to_self.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(to_self.body.contains("CGCT L2121-20"));
    let savy = app.count("SELECT id FROM assembly_members WHERE name = 'M. SAVY'").await.to_string();
    assert_eq!(
        member.post_form(&format!("{link}/reponse"), &[("reponse", "proxy"), ("mandataire", &savy)]).await.status,
        StatusCode::SEE_OTHER
    );

    // The agents see the opening and the answer, which the attendance form proposes.
    let sitting = agent.get(&format!("/juvignac/seances/{id}")).await;
    assert!(sitting.body.contains("Pouvoir à M. SAVY"), "{}", sitting.body);
    assert_eq!(sitting.body.matches(&format!("<option value=\"{savy}\" selected>M. SAVY</option>")).count(), 1, "{}", sitting.body);

    // Signed in, the elected member finds the same convocation and their notes.
    let mut elected = app.signed_in(JUVIGNAC_ELECTED).await;
    let mine = elected.get("/juvignac/mes-seances").await;
    assert!(mine.body.contains(&format!("/juvignac/mes-seances/{id}")), "{}", mine.body);
    let page = elected.get(&format!("/juvignac/mes-seances/{id}")).await;
    assert!(page.body.contains("projet-1, page 1 : Demander le bilan 2025."), "{}", page.body);
    assert_eq!(app.client().get("/juvignac/convocations/0000").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.client().get(&format!("/lattes/convocations/{token}")).await.status,
        StatusCode::NOT_FOUND,
        "a link is its organisation's"
    );
    assert_eq!(app.signed_in(LATTES_ADMIN).await.get(&format!("/juvignac/mes-seances/{id}")).await.status, StatusCode::FORBIDDEN);
}
