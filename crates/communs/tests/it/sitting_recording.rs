//! A sitting prepared and recorded on the platform: body and members, sitting and agenda, attendance and
//! proxies checked against the rules of its day, quorum, votes numbering the deliberations, extract.

use crate::support::*;
use axum::http::StatusCode;
use sqlx::Row;

async fn ids(app: &TestApp, sql: &'static str) -> Vec<i64> {
    sqlx::query(sql).fetch_all(app.db.pool()).await.unwrap().iter().map(|r| r.get::<i64, _>(0)).collect()
}

const COUNCIL_MEMBERS: &str = "SELECT m.id FROM assembly_members m JOIN assembly_bodies b ON b.id = m.body_id \
                               JOIN organisations o ON o.id = m.organisation_id WHERE o.slug = 'juvignac' AND b.kind = 'municipal_council' ORDER BY m.id";

#[tokio::test]
async fn a_sitting_is_prepared_attended_voted_and_its_extract_signed() {
    let app = TestApp::demo().await;
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    let bodies = agent.get("/juvignac/assemblees").await;
    assert!(bodies.body.contains("Conseil municipal") && bodies.body.contains("29 membre(s) en exercice"), "{}", bodies.body);

    // A commission with its own numbering; a bad pattern is refused.
    let bad = agent
        .post_form("/juvignac/assemblees", &[("kind", "commission"), ("name", "Commission des finances"), ("numbering", "CF{annee}")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("seuls {yyyy}"));
    let created =
        agent.post_form("/juvignac/assemblees", &[("kind", "commission"), ("name", "Commission des finances"), ("numbering", "")]).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let commission = app.count("SELECT id FROM assembly_bodies WHERE name = 'Commission des finances'").await;
    let member = [
        ("name", "Mme MICHEL"),
        ("email", "michel@juvignac.example"),
        ("substitute", "M. BRAEMER"),
        ("postal_address", "Hôtel de ville, 34990 Juvignac"),
        ("mandate_start", "2026-01-01"),
    ];
    assert_eq!(agent.post_form(&format!("/juvignac/assemblees/{commission}/membres"), &member).await.status, StatusCode::SEE_OTHER);
    let bodies = agent.get("/juvignac/assemblees").await;
    assert!(bodies.body.contains("<td>M. BRAEMER</td><td>Hôtel de ville, 34990 Juvignac</td>"), "{}", bodies.body);
    let twice = agent.post_form(&format!("/juvignac/assemblees/{commission}/membres"), &member).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("déjà en exercice"));

    // The council meets on 10 December 2026, under ordinary law: no videoconference.
    let council = app.count("SELECT b.id FROM assembly_bodies b JOIN organisations o ON o.id = b.organisation_id WHERE o.slug = 'juvignac' AND b.kind = 'municipal_council'").await.to_string();
    let mut sitting = vec![
        ("body", council.as_str()),
        ("date", "2026-12-10"),
        ("time", "18:30"),
        ("kind", "ordinary"),
        ("mode", "videoconference"),
        ("place", "Salle du conseil municipal"),
        ("president", "M. SAVY"),
        ("secretary", "Mme MICHEL"),
    ];
    let refused = agent.post_form("/juvignac/seances", &sitting).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("CGCT L2121-7"), "{}", refused.body);
    sitting[4] = ("mode", "in_person");
    let created = agent.post_form("/juvignac/seances", &sitting).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = app.count("SELECT id FROM assembly_sittings WHERE sitting_date = '2026-12-10'").await;
    let page = agent.get(&format!("/juvignac/seances/{id}")).await;
    assert!(
        page.body.contains("5 jour(s) franc(s)") && page.body.contains("dernier jour d'envoi le <strong>04/12/2026</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("note explicative de synthèse"), "Juvignac has 3,500 inhabitants or more");

    let item = [
        ("title", "Adhésion au groupement de commandes numériques"),
        ("matiere", "1.7"),
        ("rapporteur", "Mme VIGNERON"),
        ("draft_text", "La commune souhaite adhérer.\n\n- premier motif ;\n- second motif."),
        ("decision", "D'APPROUVER l'adhésion."),
    ];
    let bad_matiere =
        agent.post_form(&format!("/juvignac/seances/{id}/projets"), &[item[0], ("matiere", "1-7"), item[2], item[3], item[4]]).await;
    assert_eq!(bad_matiere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(agent.post_form(&format!("/juvignac/seances/{id}/projets"), &item).await.status, StatusCode::SEE_OTHER);
    let vote = [("scrutin", "show_of_hands"), ("pour", "26"), ("contre", "0"), ("abstention", "0"), ("nppv", "0")];
    let early = agent.post_form(&format!("/juvignac/seances/{id}/projets/1/vote"), &vote).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("enregistrez d&#39;abord les présences"), "{}", early.body);

    // Attendance as in seed 004: 18 present, 8 represented by the first 8 present, 3 absent.
    let members = ids(&app, COUNCIL_MEMBERS).await;
    assert_eq!(members.len(), 29);
    let attendance = |double_proxy: bool| {
        let mut form: Vec<(String, String)> = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let (status, holder) = match index {
                0..=17 => ("present", None),
                18..=25 => ("represented", Some(members[if double_proxy { 0 } else { index - 18 }])),
                _ => ("absent", None),
            };
            form.push((format!("statut_{member}"), status.to_string()));
            form.push((format!("mandataire_{member}"), holder.map(|h| h.to_string()).unwrap_or_default()));
        }
        form
    };
    let before = app.count("SELECT COUNT(*) FROM assembly_attendance").await;
    let doubled = attendance(true);
    let doubled: Vec<(&str, &str)> = doubled.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = agent.post_form(&format!("/juvignac/seances/{id}/presences"), &doubled).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("un seul pouvoir") && refused.body.contains("CGCT L2121-20"), "{}", refused.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_attendance").await, before, "nothing saved");
    let valid = attendance(false);
    let valid: Vec<(&str, &str)> = valid.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(agent.post_form(&format!("/juvignac/seances/{id}/presences"), &valid).await.status, StatusCode::SEE_OTHER);
    let page = agent.get(&format!("/juvignac/seances/{id}")).await;
    assert!(page.body.contains("Votants à l'ouverture : 26") && page.body.contains("15 requis, 18 comptés"), "{}", page.body);

    // Tallies that do not add up, or name someone absent, are refused.
    let wrong =
        agent.post_form(&format!("/juvignac/seances/{id}/projets/1/vote"), &[vote[0], ("pour", "25"), vote[2], vote[3], vote[4]]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("26"), "{}", wrong.body);
    let absent_name = agent
        .post_form(
            &format!("/juvignac/seances/{id}/projets/1/vote"),
            &[vote[0], ("pour", "25"), vote[2], ("abstention", "1"), vote[4], ("noms_abstention", "M. SBIA")],
        )
        .await;
    assert_eq!(absent_name.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(absent_name.body.contains("M. SBIA n&#39;est ni présent(e) ni représenté(e)"), "{}", absent_name.body);
    let voted = agent.post_form(&format!("/juvignac/seances/{id}/projets/1/vote"), &vote).await;
    assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.body);
    assert!(agent.get(voted.location()).await.body.contains("délibération n° 26.12.10.01"));

    let d = agent.get("/api/v1/organisations/juvignac/deliberations/26.12.10.01").await.json();
    assert_eq!((d["members_in_office"].as_u64(), d["votes"]["for"].as_u64()), (Some(29), Some(26)));
    assert_eq!(d["represented"].as_array().unwrap().len(), 8);
    assert!(d["represented"].as_array().unwrap().iter().all(|p| p["holder"].is_string()), "a live sitting names every holder");

    let signed = agent
        .post_form(
            &format!("/juvignac/seances/{id}/deliberations/26.12.10.01/signature"),
            &[
                ("lieu", "Juvignac"),
                ("date", "2026-12-11"),
                ("signataire", "Jean-Luc SAVY"),
                ("qualite", "Le Maire"),
                ("publication", "2026-12-14"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let extract = agent.get("/juvignac/deliberations/26.12.10.01/extrait.html").await;
    for expected in
        ["Fait à Juvignac, le 11/12/2026", "Jean-Luc SAVY", "Publiée le : 14 décembre 2026", "Votants : 26", "<li>premier motif ;</li>"]
    {
        assert!(extract.body.contains(expected), "{expected} in {}", extract.body);
    }
    assert!(extract.body.contains("adoptée à l&#39;unanimité"));
}

#[tokio::test]
async fn no_vote_without_quorum_and_elected_members_only_read() {
    let app = TestApp::demo().await;
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    let council = app
        .count("SELECT b.id FROM assembly_bodies b JOIN organisations o ON o.id = b.organisation_id WHERE o.slug = 'juvignac'")
        .await
        .to_string();
    let sitting = [
        ("body", council.as_str()),
        ("date", "2026-12-17"),
        ("kind", "ordinary"),
        ("mode", "in_person"),
        ("place", "Mairie"),
        ("president", "M. SAVY"),
    ];
    agent.get("/juvignac/seances").await;
    assert_eq!(agent.post_form("/juvignac/seances", &sitting).await.status, StatusCode::SEE_OTHER);
    let id = app.count("SELECT id FROM assembly_sittings WHERE sitting_date = '2026-12-17'").await;
    let item = [("title", "Budget"), ("rapporteur", "M. SAVY"), ("draft_text", "Texte."), ("decision", "D'ADOPTER.")];
    assert_eq!(agent.post_form(&format!("/juvignac/seances/{id}/projets"), &item).await.status, StatusCode::SEE_OTHER);
    // 10 present out of 29: no quorum (15 needed, proxies not counted).
    let members = ids(&app, COUNCIL_MEMBERS).await;
    let form: Vec<(String, String)> =
        members.iter().enumerate().map(|(i, m)| (format!("statut_{m}"), if i < 10 { "present" } else { "excused" }.to_string())).collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(agent.post_form(&format!("/juvignac/seances/{id}/presences"), &form).await.status, StatusCode::SEE_OTHER);
    let vote = agent.post_form(&format!("/juvignac/seances/{id}/projets/1/vote"), &[("scrutin", "show_of_hands"), ("pour", "10")]).await;
    assert_eq!(vote.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(vote.body.contains("quorum non atteint (15 requis, 10 comptés)") && vote.body.contains("L2121-17"), "{}", vote.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_items WHERE number IS NOT NULL AND sitting_id IN (SELECT id FROM assembly_sittings WHERE sitting_date = '2026-12-17')").await, 0);

    // Convened again at least three days later, the council deliberates whatever the number present.
    let early = agent.post_form(&format!("/juvignac/seances/{id}/seconde-convocation"), &[("date", "2026-12-19")]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("pas avant le 21/12/2026") && early.body.contains("L2121-17 al. 2"), "{}", early.body);
    let again = agent.post_form(&format!("/juvignac/seances/{id}/seconde-convocation"), &[("date", "2026-12-21")]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let second = app.count("SELECT id FROM assembly_sittings WHERE second_convocation_of IS NOT NULL").await;
    let form: Vec<(String, String)> =
        members.iter().enumerate().map(|(i, m)| (format!("statut_{m}"), if i < 10 { "present" } else { "excused" }.to_string())).collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(agent.post_form(&format!("/juvignac/seances/{second}/presences"), &form).await.status, StatusCode::SEE_OTHER);
    let page = agent.get(&format!("/juvignac/seances/{second}")).await;
    assert!(page.body.contains("0 requis, 10 comptés") && page.body.contains("sans condition de quorum"), "{}", page.body);
    // A member leaves before the vote: nine voters from then on.
    let (leaving, present_already) = (members[0].to_string(), members[1].to_string());
    let twice = agent
        .post_form(
            &format!("/juvignac/seances/{second}/mouvements"),
            &[("membre", &present_already), ("mouvement", "arrive"), ("rang", "1")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("est déjà présent(e)"), "{}", twice.body);
    let left = agent
        .post_form(&format!("/juvignac/seances/{second}/mouvements"), &[("membre", &leaving), ("mouvement", "part"), ("rang", "1")])
        .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
    let ten = agent.post_form(&format!("/juvignac/seances/{second}/projets/1/vote"), &[("scrutin", "show_of_hands"), ("pour", "10")]).await;
    assert_eq!(ten.status, StatusCode::UNPROCESSABLE_ENTITY, "one member left: nine voters");
    let voted =
        agent.post_form(&format!("/juvignac/seances/{second}/projets/1/vote"), &[("scrutin", "show_of_hands"), ("pour", "9")]).await;
    assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.body);
    let minutes = agent.get(&format!("/juvignac/seances/{second}/proces-verbal.html")).await;
    assert!(minutes.body.contains("quitte la séance à partir du projet 1"), "{}", minutes.body);
    let extract = agent.get("/juvignac/deliberations/26.12.21.01/extrait.html").await;
    assert!(extract.body.contains("Présents (9) :") && extract.body.contains("Votants : 9"), "{}", extract.body);
    assert!(agent.get(voted.location()).await.body.contains("délibération n° 26.12.21.01"));

    let mut elected = app.signed_in(JUVIGNAC_ELECTED).await;
    let page = elected.get(&format!("/juvignac/seances/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Enregistrer les présences"), "an elected member reads, an agent records");
    let forged = elected.post_form(&format!("/juvignac/seances/{id}/projets"), &item).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}
