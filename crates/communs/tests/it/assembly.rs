//! Council sittings reproduced from the register extracts of seeds 000, 001, 003 and 004: the counts
//! the platform derives and prints (members in office, present, represented, excused, absent, votes)
//! are the seeds', through the API contract, the sitting pages and the extracts (HTML and PDF).

use crate::support::*;
use axum::http::StatusCode;

const METROPOLE: &str = "montpellier-mediterranee-metropole";

fn strings(value: &serde_json::Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_metropoles_sitting_of_14_december_2021_gives_the_counts_of_seed_000() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let response = dsi.get(&format!("/api/v1/organisations/{METROPOLE}/deliberations/M2021-641")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let d = response.json();
    assert_eq!(d["number"], "M2021-641");
    assert_eq!(d["sitting_date"], "2021-12-14");
    assert!(d["title"].as_str().unwrap().contains("Renouvellement de la convention de gestion de services numériques communs"));
    assert_eq!(d["members_in_office"], 92);
    let present = strings(&d["present"]);
    assert_eq!(present.len(), 37);
    assert!(present.contains(&"Michaël DELAFOSSE".to_string()) && present.contains(&"Renaud CALVAT".to_string()));
    let represented = d["represented"].as_array().unwrap();
    assert_eq!(represented.len(), 45);
    assert!(represented.iter().all(|p| p["holder"].is_null()), "seed 000 does not print the holders");
    assert!(represented.iter().any(|p| p["member"] == "Bernard MODOT"));
    assert_eq!(strings(&d["excused"]).len(), 10);
    assert!(strings(&d["absent"]).is_empty());
    assert_eq!(d["votes"], serde_json::json!({ "for": 82, "against": 0, "abstention": 0, "not_voting": 0 }));
    assert_eq!((d["adopted"].as_bool(), d["ballot"].as_str()), (Some(true), Some("show_of_hands")));
    assert_eq!(
        (d["actes_id"].as_str(), d["prefecture_received_on"].as_str()),
        (Some("034-243400017-20211214-174579-DE"), Some("2021-12-21"))
    );
    assert_eq!(d["published_on"], "2021-12-21");

    // The same people were 92 in office in March 2021, with Lionel LOPEZ instead of Bernard MODOT.
    let march = dsi.get(&format!("/api/v1/organisations/{METROPOLE}/deliberations/M2021-162")).await.json();
    assert_eq!(march["members_in_office"], 92);
    let everyone: Vec<String> = [&march["present"], &march["excused"]].into_iter().flat_map(strings).collect();
    assert!(everyone.contains(&"Lionel LOPEZ".to_string()) && !everyone.contains(&"Bernard MODOT".to_string()));
    let december_2020 = dsi.get(&format!("/api/v1/organisations/{METROPOLE}/deliberations/M2020-539")).await.json();
    assert_eq!(december_2020["votes"], serde_json::json!({ "for": 86, "against": 0, "abstention": 2, "not_voting": 0 }));
}

#[tokio::test]
async fn juvignacs_sitting_of_1_july_2019_gives_the_counts_of_seed_004() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_ELECTED).await;
    let d = juvignac.get("/api/v1/organisations/juvignac/deliberations/19.07.01.05").await.json();
    assert_eq!(d["members_in_office"], 29);
    assert_eq!(strings(&d["present"]).len(), 18);
    let represented = d["represented"].as_array().unwrap();
    assert_eq!(represented.len(), 8);
    assert!(represented.iter().any(|p| p["member"] == "M. ROQUES" && p["holder"] == "M. DE CHAMBRUN"));
    assert!(represented.iter().all(|p| p["holder"].is_string()), "seed 004 names every holder");
    assert_eq!(strings(&d["absent"]), ["Mme MACHERY", "M. MUNOZ", "M. SBIA"]);
    assert!(strings(&d["excused"]).is_empty());
    assert_eq!(d["votes"]["for"], 26);

    let sittings = juvignac.get("/api/v1/organisations/juvignac/sittings").await.json();
    assert_eq!(sittings.as_array().unwrap().len(), 1);
    let id = sittings[0]["id"].as_i64().unwrap();
    let sitting = juvignac.get(&format!("/api/v1/organisations/juvignac/sittings/{id}")).await.json();
    assert_eq!(
        (sitting["quorum_required"].as_u64(), sitting["quorum_counted"].as_u64()),
        (Some(15), Some(18)),
        "majority of 29, present only"
    );
    assert_eq!(sitting["rule_set"], "droit-commun-1996");
    assert_eq!(sitting["items"][0]["number"], "19.07.01.05");
    assert_eq!(juvignac.get("/api/v1/organisations/juvignac/deliberations/M2021-641").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_register_extract_prints_the_seeds_figures_as_html_and_pdf() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let html = dsi.get(&format!("/{METROPOLE}/deliberations/M2021-641/extrait.html")).await;
    assert_eq!(html.status, StatusCode::OK);
    for expected in [
        "Extrait du registre des délibérations de Montpellier Méditerranée Métropole",
        "Délibération n° M2021-641",
        "Séance ordinaire du mardi 14 décembre 2021",
        "Nombre de membres en exercice : 92",
        "Présents (37) :",
        "en application des articles L 2121-20 et L 5211-1 du Code général des collectivités territoriales (45) :",
        "Absent(es) / Excusé(es) (10) :",
        "Votants : 82",
        "Pour : 82 voix",
        "Ne prend pas part au vote : 0 voix",
        "Fait à Montpellier, le 20/12/2021",
        "Renaud CALVAT",
        "Publiée le : 21 décembre 2021",
        "034-243400017-20211214-174579-DE-1-1",
        "réception en préfecture : 21/12/2021",
    ] {
        assert!(html.body.contains(expected), "{expected} in:\n{}", html.body);
    }
    assert!(html.body.contains("la présente délibération est adoptée à l&#39;unanimité"), "{}", html.body);
    assert!(html.body.contains("href=\"/static/document.css\"") && !html.body.contains("<style"), "printable, within the CSP");
    let pdf = dsi.get(&format!("/{METROPOLE}/deliberations/M2021-641/extrait.pdf")).await;
    assert_eq!((pdf.status, pdf.content_type()), (StatusCode::OK, "application/pdf"));
    let text = crate::convention::pdf_text(&pdf.bytes);
    for expected in
        ["M2021-641", "Nombre de membres en exercice : 92", "Présents (37)", "Pour : 82 voix", "034-243400017-20211214-174579-DE-1-1"]
    {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }

    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    let extract = juvignac.get("/juvignac/deliberations/19.07.01.05/extrait.html").await;
    for expected in [
        "Nombre de membres en exercice : 29",
        "Présents (18) :",
        "M. ROQUES (pouvoir à M. DE CHAMBRUN)",
        "Absent(es) (3) :",
        "Votants : 26",
    ] {
        assert!(extract.body.contains(expected), "{expected} in:\n{}", extract.body);
    }
    assert!(extract.body.contains("de l&#39;article L 2121-20 du Code général des collectivités territoriales (8)"));
    assert_eq!(juvignac.get("/juvignac/deliberations/19.07.01.99/extrait.html").await.status, StatusCode::NOT_FOUND);
    assert_eq!(juvignac.get(&format!("/{METROPOLE}/deliberations/M2021-641/extrait.pdf")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_sitting_page_shows_the_rules_of_its_day_and_the_quorum() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let list = dsi.get(&format!("/{METROPOLE}/seances")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("3 séance(s)") && list.body.contains("14/12/2021") && list.body.contains("29/03/2021"));
    let id = app.count("SELECT id FROM assembly_sittings WHERE sitting_date = '2021-12-14'").await;
    let page = dsi.get(&format!("/{METROPOLE}/seances/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Membres en exercice : 92"), "{}", page.body);
    // Loi n° 2021-1465 art. 10 (loi n° 2020-1379 art. 6 IV): a third of the members in office present.
    assert!(page.body.contains("Vigilance sanitaire"), "{}", page.body);
    assert!(page.body.contains("31 requis, 37 comptés") && page.body.contains("<strong>atteint</strong>"), "{}", page.body);
    assert!(page.body.contains("n'indique pas qui détenait chaque pouvoir"));
    assert!(page.body.contains(&format!("/{METROPOLE}/deliberations/M2021-641/extrait.pdf")));
    // The list of deliberations (L2121-25) and the minutes (L2121-15), as HTML and PDF.
    let list = dsi.get(&format!("/{METROPOLE}/seances/{id}/liste-deliberations.html")).await;
    for expected in ["Liste des délibérations examinées", "au plus tard le 21/12/2021", "M2021-641", "adoptée à l&#39;unanimité"] {
        assert!(list.body.contains(expected), "{expected} in {}", list.body);
    }
    let minutes = dsi.get(&format!("/{METROPOLE}/seances/{id}/proces-verbal.html")).await;
    for expected in
        ["Procès-verbal", "Nombre de membres en exercice : 92", "Présents (37)", "Pour : 82 ; contre : 0", "Le président de séance"]
    {
        assert!(minutes.body.contains(expected), "{expected} in {}", minutes.body);
    }
    let pdf = dsi.get(&format!("/{METROPOLE}/seances/{id}/proces-verbal.pdf")).await;
    assert_eq!(pdf.content_type(), "application/pdf");
    assert!(crate::convention::pdf_text(&pdf.bytes).contains("Délibération n° M2021-641"));
    assert_eq!(dsi.get(&format!("/{METROPOLE}/seances/{id}/autre.html")).await.status, StatusCode::NOT_FOUND);
    let home = dsi.get(&format!("/{METROPOLE}/")).await;
    assert!(home.body.contains(&format!("href=\"/{METROPOLE}/seances/{id}\"")));
    assert_eq!(app.signed_in(LATTES_ADMIN).await.get(&format!("/{METROPOLE}/seances/{id}")).await.status, StatusCode::FORBIDDEN);
}

const SEED_000: &str = include_str!("../../../../data/sittings/montpellier-mediterranee-metropole_2021-12-14.toml");

#[tokio::test]
async fn a_register_that_breaks_the_rules_of_its_day_is_refused_and_nothing_is_saved() {
    let app = TestApp::empty().await;
    identity::import::import_organisations(&app.db, identity::service::Actor::cli(), communs::demo::ORGANISATIONS_CSV).await.unwrap();
    let cases = [
        // Under the ordinary rules (after 31 July 2022) 45 proxies for 37 present members is too many,
        // and 37 present out of 92 is no quorum.
        (SEED_000.replace("date = \"2021-12-14\"", "date = \"2022-12-14\""), "45 pouvoirs pour 37 membres présents"),
        (SEED_000.replace("for = 82", "for = 81"), "82"),
        (SEED_000.replace("members_in_office = 92", "members_in_office = 93"), "93 membres en exercice"),
        (SEED_000.replace("date = \"2021-12-14\"", "date = \"14/12/2021\""), "AAAA-MM-JJ"),
    ];
    for (text, reason) in cases {
        let error = assembly::import::past_sitting(&app.db, identity::service::Actor::cli(), &text).await.unwrap_err().to_string();
        assert!(error.contains(reason), "{reason} in {error}");
    }
    for count in [
        "SELECT COUNT(*) FROM assembly_bodies",
        "SELECT COUNT(*) FROM assembly_members",
        "SELECT COUNT(*) FROM assembly_sittings",
        "SELECT COUNT(*) FROM assembly_attendance",
        "SELECT COUNT(*) FROM assembly_items",
    ] {
        assert_eq!(app.count(count).await, 0, "{count}");
    }
    assembly::import::past_sitting(&app.db, identity::service::Actor::cli(), SEED_000).await.unwrap();
    let again = assembly::import::past_sitting(&app.db, identity::service::Actor::cli(), SEED_000).await.unwrap_err().to_string();
    assert!(again.contains("M2021-641"), "{again}");
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_sittings").await, 1);
}

#[tokio::test]
async fn an_organisation_adapts_the_template_of_its_extracts() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let templates = format!("/{METROPOLE}/modeles-documents");
    let page = dsi.get(&templates).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Extrait du registre des délibérations") && page.body.contains("Modèle fourni avec la plateforme."));
    let broken = dsi.post_form(&format!("{templates}/extrait"), &[("modele", "<main>{% for x in %}</main>")]).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("modèle refusé"), "{}", broken.body);
    let ours = "<main><h1>Extrait n° {{ e.number }} — Montpellier Méditerranée Métropole</h1><p>{{ e.voters }} votants sur {{ e.members_in_office }}</p><p>{{ e.title }}</p></main>";
    assert_eq!(dsi.post_form(&format!("{templates}/extrait"), &[("modele", ours)]).await.status, StatusCode::SEE_OTHER);
    let extract = dsi.get(&format!("/{METROPOLE}/deliberations/M2021-641/extrait.html")).await;
    assert!(
        extract.body.contains("<h1>Extrait n° M2021-641 — Montpellier Méditerranée Métropole</h1><p>82 votants sur 92</p>"),
        "{}",
        extract.body
    );
    let pdf = dsi.get(&format!("/{METROPOLE}/deliberations/M2021-641/extrait.pdf")).await;
    assert!(crate::convention::pdf_text(&pdf.bytes).contains("82 votants sur 92"));
    // Other organisations keep the product's template; an empty one brings it back.
    let juvignac = app.signed_in(JUVIGNAC_AGENT).await.get("/juvignac/deliberations/19.07.01.05/extrait.html").await;
    assert!(juvignac.body.contains("Nombre de membres en exercice : 29"));
    assert_eq!(dsi.post_form(&format!("{templates}/extrait"), &[("modele", "")]).await.status, StatusCode::SEE_OTHER);
    assert!(
        dsi.get(&format!("/{METROPOLE}/deliberations/M2021-641/extrait.html")).await.body.contains("Nombre de membres en exercice : 92")
    );
    // Only administrators adapt them.
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    agent.get("/juvignac/modeles-documents").await;
    assert_eq!(agent.post_form("/juvignac/modeles-documents/extrait", &[("modele", "<main>x</main>")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM assembly_document_templates").await, 0);
}
