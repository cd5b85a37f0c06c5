//! Tenant isolation, route by route: a person of Juvignac gets 403 or 404 and none of Lattes' data on
//! every route of Lattes, and changes nothing there.

use crate::support::*;
use axum::http::{Method, StatusCode};

/// A form body: (field, value) pairs.
type Form = &'static [(&'static str, &'static str)];

/// Every page route that belongs to one organisation, with the method and a valid form body.
const ORG_PAGES: &[(&str, &str, Form)] = &[
    ("GET", "/{slug}/", &[]),
    ("GET", "/{slug}/utilisateurs", &[]),
    ("POST", "/{slug}/utilisateurs", &[("email", "intrus@juvignac.fr"), ("display_name", "Intrus"), ("role", "org_admin")]),
    ("POST", "/{slug}/utilisateurs/{user_id}/retrait", &[("role", "org_admin")]),
    ("GET", "/{slug}/journal", &[]),
    ("GET", "/{slug}/convention", &[]),
    ("GET", "/{slug}/convention/2019-2021/convention.html", &[]),
    ("GET", "/{slug}/convention/2019-2021/deliberation.html", &[]),
    ("GET", "/{slug}/convention/2019-2021/convention.pdf", &[]),
    ("GET", "/{slug}/convention/2019-2021/deliberation.pdf", &[]),
    ("GET", "/{slug}/titres/T2020-0001/facture.xml", &[]),
    ("GET", "/{slug}/facturation", &[]),
    ("POST", "/{slug}/facturation/emission", &[("annee", "2022"), ("date", "2022-09-15")]),
    ("POST", "/{slug}/facturation/paiement", &[("titre", "T2020-0001"), ("annee", "2020"), ("date", "2020-10-01")]),
    ("GET", "/{slug}/facturation/2020/pes.xml", &[]),
    ("GET", "/{slug}/convention/demandes", &[]),
    ("POST", "/{slug}/convention/demandes", &[("kind", "add"), ("application", "marches-publics")]),
    ("GET", "/{slug}/demandes-convention", &[]),
    ("GET", "/{slug}/interventions", &[]),
    ("GET", "/{slug}/titres/T2020-0001/titre.pdf", &[]),
    (
        "POST",
        "/{slug}/interventions",
        &[("membre", "juvignac"), ("objet", "x"), ("accord", "y"), ("date", "2020-03-02"), ("jours_technicien", "1")],
    ),
    ("POST", "/{slug}/interventions/1/service-fait", &[("date", "2020-06-30")]),
    ("POST", "/{slug}/interventions/1/titre", &[("date", "2021-10-30")]),
    ("GET", "/{slug}/registre-conventions", &[]),
    ("GET", "/{slug}/registre-conventions/juvignac", &[]),
    (
        "POST",
        "/{slug}/registre-conventions/juvignac/2019-2021/signature",
        &[("partie", "member"), ("signataire", "X"), ("qualite", "Y"), ("date", "2019-07-12")],
    ),
    ("POST", "/{slug}/registre-conventions/juvignac/2019-2021/avenant", &[("objet", "x"), ("date", "2020-01-02")]),
    ("POST", "/{slug}/demandes-convention/1", &[("decision", "accepter"), ("answer", "")]),
    ("GET", "/{slug}/seances", &[]),
    ("GET", "/{slug}/assemblees", &[]),
    ("GET", "/{slug}/modeles-documents", &[]),
    ("POST", "/{slug}/modeles-documents/extrait", &[("modele", "<main>intrus</main>")]),
    ("GET", "/{slug}/seances/1/proces-verbal.pdf", &[]),
    ("GET", "/{slug}/seances/1/annexes/1", &[]),
    ("POST", "/{slug}/seances/1/projets/1/annexes", &[("fichier", "x")]),
    ("GET", "/{slug}/mes-seances", &[]),
    ("GET", "/{slug}/mes-seances/1", &[]),
    ("POST", "/{slug}/mes-seances/1/reponse", &[("reponse", "present")]),
    ("POST", "/{slug}/seances/1/convocations", &[]),
    ("POST", "/{slug}/seances/1/mouvements", &[("membre", "1"), ("mouvement", "part"), ("rang", "1")]),
    ("POST", "/{slug}/seances/1/seconde-convocation", &[("date", "2026-12-30")]),
    ("POST", "/{slug}/assemblees", &[("kind", "commission"), ("name", "Intrusion")]),
    ("POST", "/{slug}/assemblees/1/membres", &[("name", "Intrus"), ("mandate_start", "2026-01-01")]),
    (
        "POST",
        "/{slug}/seances",
        &[("body", "1"), ("date", "2026-12-10"), ("kind", "ordinary"), ("mode", "in_person"), ("place", "x"), ("president", "y")],
    ),
    ("POST", "/{slug}/seances/1/projets", &[("title", "x"), ("rapporteur", "y"), ("draft_text", "z"), ("decision", "w")]),
    ("POST", "/{slug}/seances/1/presences", &[("statut_1", "present")]),
    ("POST", "/{slug}/seances/1/projets/1/vote", &[("scrutin", "show_of_hands"), ("pour", "1")]),
    (
        "POST",
        "/{slug}/seances/1/deliberations/M2021-641/signature",
        &[("lieu", "x"), ("date", "2026-01-01"), ("signataire", "y"), ("qualite", "z")],
    ),
    ("GET", "/{slug}/seances/1", &[]),
    ("GET", "/{slug}/deliberations/M2021-641/extrait.html", &[]),
    ("GET", "/{slug}/deliberations/19.07.01.05/extrait.pdf", &[]),
    ("GET", "/{slug}/actes", &[]),
    ("GET", "/{slug}/actes/nouveau", &[]),
    ("POST", "/{slug}/actes/nouveau", &[("nature", "DE"), ("internal_number", "X1")]),
    ("POST", "/{slug}/actes/depuis-deliberation", &[("number", "M2021-641")]),
    ("GET", "/{slug}/actes/1", &[]),
    ("GET", "/{slug}/actes/1/document.pdf", &[]),
    ("GET", "/{slug}/actes/1/original.pdf", &[]),
    ("GET", "/{slug}/actes/1/annexes/1", &[]),
    ("GET", "/{slug}/actes/1/messages/1", &[]),
    ("GET", "/{slug}/actes/1/validation", &[]),
    ("POST", "/{slug}/actes/1/circuit", &[]),
    ("POST", "/{slug}/actes/1/decision", &[("decision", "reject"), ("reason", "intrusion")]),
    ("POST", "/{slug}/actes/1/transmission", &[]),
    ("POST", "/{slug}/actes/1/releve", &[]),
    ("POST", "/{slug}/actes/1/publication", &[]),
    ("POST", "/{slug}/actes/1/annulation", &[]),
    ("GET", "/{slug}/parapheur", &[]),
    ("POST", "/{slug}/parapheur/signature", &[("acte", "1")]),
    ("GET", "/{slug}/actes/circuits", &[]),
    ("POST", "/{slug}/actes/circuits/DE", &[("name", "x"), ("kind_1", "signature"), ("assignee_1", "role:agent")]),
    ("POST", "/{slug}/actes/delegations", &[("from", "1"), ("to", "2"), ("starts_on", "2026-01-01"), ("ends_on", "2026-01-02")]),
    ("POST", "/{slug}/actes/delegations/1/suppression", &[]),
    ("GET", "/{slug}/actes/certificats", &[]),
    ("POST", "/{slug}/actes/certificats", &[("mot_de_passe", "x")]),
    ("GET", "/{slug}/actes/certificats/ca.pem", &[]),
    ("GET", "/{slug}/actes/parametres", &[]),
    ("POST", "/{slug}/actes/parametres", &[("departement", "034"), ("arrondissement", "1"), ("collectivity_nature", "31")]),
    ("POST", "/{slug}/actes/classification", &[]),
    ("GET", "/{slug}/flux-comptables", &[]),
    ("POST", "/{slug}/flux-comptables/recettes", &[("year", "2021")]),
    ("POST", "/{slug}/flux-comptables/depenses", &[("year", "2021")]),
    ("POST", "/{slug}/flux-comptables/mandats", &[("object", "x")]),
    ("POST", "/{slug}/flux-comptables/mandats/1/suppression", &[]),
    ("POST", "/{slug}/flux-comptables/budget", &[("siret", "21340127700018")]),
    ("GET", "/{slug}/flux-comptables/1/fichier", &[]),
    ("GET", "/{slug}/flux-comptables/1/acquittement", &[]),
    ("GET", "/{slug}/archives", &[]),
    ("GET", "/{slug}/archives/versements/1", &[]),
    ("GET", "/{slug}/archives/versements/1/seda.xml", &[]),
    ("GET", "/{slug}/archives/objets/1", &[]),
    ("GET", "/{slug}/archives/objets/1/preuve", &[]),
    ("GET", "/{slug}/archives/sort-final", &[]),
    ("POST", "/{slug}/archives/versements/1/gel", &[("reason", "Contentieux")]),
    ("POST", "/{slug}/archives/gels/1/levee", &[("reason", "Clos")]),
    ("POST", "/{slug}/archives/eliminations", &[]),
    ("GET", "/{slug}/archives/eliminations/1/certificat.pdf", &[]),
    ("GET", "/{slug}/archives/eliminations/1/notification.xml", &[]),
    ("GET", "/{slug}/archives/restitutions/1/certificat.pdf", &[]),
];

/// What Lattes' pages and API would reveal: its people.
const LATTES_SECRETS: &[&str] = &["admin@lattes.demo.communs.fr", "Paul Roux"];

/// Counts of the rows an intruder could try to change: (memberships, users, audit events other than
/// logins, acts and their history, signing setup, accounting flows).
async fn snapshot(app: &TestApp) -> (i64, i64, i64, i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM memberships").await,
        app.count("SELECT COUNT(*) FROM users").await,
        app.count("SELECT COUNT(*) FROM audit_events WHERE action <> 'login_succeeded'").await,
        app.count("SELECT COUNT(*) + CAST(COALESCE(SUM(published_at), 0) AS BIGINT) FROM acts").await
            + app.count("SELECT COUNT(*) FROM act_events").await,
        app.count("SELECT COUNT(*) FROM circuits").await
            + app.count("SELECT COUNT(*) FROM delegations").await
            + app.count("SELECT COUNT(*) FROM act_settings").await,
        app.count("SELECT COUNT(*) FROM pes_flows").await
            + app.count("SELECT COUNT(*) FROM pes_mandates").await
            + app.count("SELECT COUNT(*) FROM pes_budgets").await,
    )
}

fn assert_denied(response: &TestResponse, what: &str) {
    assert!(
        response.status == StatusCode::FORBIDDEN || response.status == StatusCode::NOT_FOUND,
        "{what}: expected 403/404, got {} {}",
        response.status,
        response.body
    );
    for secret in LATTES_SECRETS {
        assert!(!response.body.contains(secret), "{what} leaks {secret}");
    }
}

#[tokio::test]
async fn every_page_of_another_organisation_is_closed() {
    let app = TestApp::demo().await;
    let lattes_admin = app.count("SELECT id FROM users WHERE email = 'admin@lattes.demo.communs.fr'").await.to_string();
    for intruder in [JUVIGNAC_ADMIN, JUVIGNAC_AGENT, JUVIGNAC_ELECTED] {
        let mut client = app.signed_in(intruder).await;
        client.get("/juvignac/").await; // a page of their own, for a valid CSRF token
        let before = snapshot(&app).await;
        for (method, template, form) in ORG_PAGES {
            let path = template.replace("{slug}", "lattes").replace("{user_id}", &lattes_admin);
            let response = match *method {
                "GET" => client.get(&path).await,
                _ => client.post_form(&path, form).await,
            };
            assert_denied(&response, &format!("{intruder} {method} {path}"));
        }
        assert_eq!(snapshot(&app).await, before, "{intruder} changed Lattes' data");
    }
}

#[tokio::test]
async fn every_api_route_of_another_organisation_is_closed() {
    let app = TestApp::demo().await;
    let document = app.client().get("/api/v1/openapi.json").await.json();
    let paths = document["paths"].as_object().unwrap();
    let scoped: Vec<(&String, &serde_json::Map<String, serde_json::Value>)> =
        paths.iter().filter(|(path, _)| path.contains("{slug}/")).map(|(path, item)| (path, item.as_object().unwrap())).collect();
    assert!(scoped.len() >= 2, "the OpenAPI document lists the organisation routes");
    let mut client = app.signed_in(JUVIGNAC_ADMIN).await;
    let before = snapshot(&app).await;
    let mut walked = 0;
    for (template, item) in scoped {
        let path = template.replace("{slug}", "lattes");
        for method in item.keys() {
            let response = match method.as_str() {
                "get" => client.get(&path).await,
                "post" => {
                    client
                        .send_json(Method::POST, &path, r#"{"email":"intrus@juvignac.fr","display_name":"Intrus","role":"org_admin"}"#)
                        .await
                }
                "delete" => client.request(Method::DELETE, &path, None, Vec::new()).await,
                other => panic!("method {other} of {template} not walked: add it here"),
            };
            assert_denied(&response, &format!("{method} {path}"));
            assert_eq!(response.content_type(), "application/problem+json", "{method} {path}");
            walked += 1;
        }
    }
    assert!(walked >= 3);
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn a_role_elsewhere_cannot_be_withdrawn_through_ones_own_organisation() {
    let app = TestApp::demo().await;
    let lattes_admin = app.count("SELECT id FROM users WHERE email = 'admin@lattes.demo.communs.fr'").await;
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    juvignac.get("/juvignac/utilisateurs").await;
    let before = snapshot(&app).await;
    let response = juvignac.post_form(&format!("/juvignac/utilisateurs/{lattes_admin}/retrait"), &[("role", "org_admin")]).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn agents_and_elected_members_do_not_administer_their_own_organisation() {
    let app = TestApp::demo().await;
    for person in [JUVIGNAC_AGENT, JUVIGNAC_ELECTED] {
        let mut client = app.signed_in(person).await;
        assert_eq!(client.get("/juvignac/").await.status, StatusCode::OK);
        for path in ["/juvignac/utilisateurs", "/juvignac/journal"] {
            assert_eq!(client.get(path).await.status, StatusCode::FORBIDDEN, "{person} {path}");
        }
        for path in ["/api/v1/organisations/juvignac/members", "/api/v1/organisations/juvignac/audit-events"] {
            assert_eq!(client.get(path).await.status, StatusCode::FORBIDDEN, "{person} {path}");
        }
    }
}

#[tokio::test]
async fn signed_out_visitors_see_no_member_data() {
    let app = TestApp::demo().await;
    let mut visitor = app.client();
    for (method, template, _) in ORG_PAGES.iter().filter(|(m, _, _)| *m == "GET") {
        let response = visitor.get(&template.replace("{slug}", "lattes")).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{method} {template}");
        assert!(response.location().starts_with("/connexion?suivant="));
    }
    for path in ["/api/v1/organisations/lattes/members", "/api/v1/organisations/lattes/audit-events"] {
        assert_eq!(visitor.get(path).await.status, StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn the_platform_administrator_reaches_every_organisation() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    for path in ["/lattes/", "/lattes/utilisateurs", "/juvignac/journal", "/api/v1/organisations/lattes/members"] {
        assert_eq!(dsi.get(path).await.status, StatusCode::OK, "{path}");
    }
}

/// The storage layer itself: a query scoped to Juvignac never returns Lattes' rows.
#[tokio::test]
async fn scoped_storage_queries_stay_in_their_organisation() {
    let app = TestApp::demo().await;
    let juvignac = identity::service::organisation_by_slug(&app.db, "juvignac").await.unwrap().unwrap();
    let members = identity::service::members(&app.db, store::OrgScope::granted(juvignac.id)).await.unwrap();
    assert_eq!(members.len(), 3);
    assert!(members.iter().all(|m| m.email.ends_with("@juvignac.demo.communs.fr")));
    let events = store::audit::list(&app.db, store::OrgScope::granted(juvignac.id), 100, None).await.unwrap();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| !e.target.contains("lattes")));
}

#[tokio::test]
async fn an_act_of_another_organisation_is_not_found_under_ones_own_name() {
    let app = TestApp::demo().await;
    let metropole_act = app.count("SELECT id FROM acts WHERE register_number = 'M2021-641'").await;
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    juvignac.get("/juvignac/actes").await;
    let before = snapshot(&app).await;
    for path in ["", "/document.pdf", "/original.pdf", "/validation", "/messages/1"] {
        let response = juvignac.get(&format!("/juvignac/actes/{metropole_act}{path}")).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
    for action in ["circuit", "transmission", "publication", "annulation", "releve"] {
        let response = juvignac.post_form(&format!("/juvignac/actes/{metropole_act}/{action}"), &[]).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(juvignac.get(&format!("/juvignac/actes-publies/{metropole_act}.pdf")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn an_accounting_file_or_mandate_of_another_organisation_is_not_found_under_ones_own_name() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    dsi.get("/montpellier-mediterranee-metropole/flux-comptables").await;
    // The demo's file of 2021 titres is the Métropole's flow.
    let mandate = [
        ("issued_on", "2021-03-15"),
        ("creditor_name", "Papeterie du Languedoc"),
        ("creditor_address", "12 rue de la Loge"),
        ("creditor_postal_code", "34000"),
        ("creditor_town", "Montpellier"),
        ("object", "Fournitures"),
        ("nature", "6064"),
        ("amount_ht", "10"),
    ];
    let added = dsi.upload_form("/montpellier-mediterranee-metropole/flux-comptables/mandats", &mandate, &[]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let flow = app.count("SELECT id FROM pes_flows").await;
    let metropole_mandate = app.count("SELECT id FROM pes_mandates").await;
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    juvignac.get("/juvignac/flux-comptables").await;
    let before = snapshot(&app).await;
    for path in ["fichier", "acquittement"] {
        let response = juvignac.get(&format!("/juvignac/flux-comptables/{flow}/{path}")).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
    let removal = juvignac.post_form(&format!("/juvignac/flux-comptables/mandats/{metropole_mandate}/suppression"), &[]).await;
    assert_eq!(removal.status, StatusCode::NOT_FOUND);
    let page = juvignac.get("/juvignac/flux-comptables").await;
    assert!(!page.body.contains("Papeterie du Languedoc") && !page.body.contains("PES_Aller_"), "{}", page.body);
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn an_archive_of_another_organisation_is_not_found_under_ones_own_name() {
    let app = TestApp::demo().await;
    let transfer = app.count("SELECT MIN(id) FROM archive_transfers").await;
    let object = app.count("SELECT MIN(id) FROM archive_objects").await;
    let entries = app.count("SELECT COUNT(*) FROM archive_journal").await;
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    for path in [
        format!("/juvignac/archives/versements/{transfer}"),
        format!("/juvignac/archives/versements/{transfer}/seda.xml"),
        format!("/juvignac/archives/objets/{object}"),
        format!("/juvignac/archives/objets/{object}/preuve"),
    ] {
        assert_eq!(juvignac.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let list = juvignac.get("/juvignac/archives").await;
    assert!(list.body.contains("Aucun versement") && !list.body.contains("M2021-641"), "{}", list.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM archive_journal").await, entries, "nothing read, nothing journaled");
    // Nor held under one's own name.
    juvignac.get("/juvignac/archives/sort-final").await;
    let hold = juvignac.post_form(&format!("/juvignac/archives/versements/{transfer}/gel"), &[("reason", "Contentieux")]).await;
    assert_eq!(hold.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(hold.body.contains("introuvable"), "{}", hold.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM archive_holds").await, 0);
    let page = juvignac.get("/juvignac/archives/sort-final").await;
    assert!(!page.body.contains("M2021-641") && !page.body.contains("VERS-"), "{}", page.body);
}
