use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::Value;

fn by_slug<'a>(list: &'a [Value], slug: &str) -> &'a Value {
    list.iter().find(|o| o["slug"] == slug).unwrap_or_else(|| panic!("no organisation {slug}"))
}

#[tokio::test]
async fn demo_lists_the_metropole_its_31_communes_and_a_ccas() {
    let app = TestApp::demo().await;
    let response = app.client().get("/api/v1/organisations").await;
    assert_eq!(response.status, StatusCode::OK);
    let list = response.json().as_array().unwrap().clone();
    let communes: Vec<&Value> = list.iter().filter(|o| o["kind"] == "commune").collect();
    assert_eq!(communes.len(), 31);
    assert_eq!(list.iter().filter(|o| o["kind"] == "metropole").count(), 1);
    let metropole = by_slug(&list, "montpellier-mediterranee-metropole");
    assert_eq!(metropole["siren"], "243400017");
    assert_eq!(metropole["population"], 472573);
    let total: i64 = communes.iter().map(|c| c["population"].as_i64().unwrap()).sum();
    assert_eq!(total, 472573, "the total population of annexe 2");
    let juvignac = by_slug(&list, "juvignac");
    assert_eq!((juvignac["insee_code"].as_str(), juvignac["siren"].as_str()), (Some("34123"), Some("213401235")));
    assert_eq!(juvignac["population"], 10979);
    let ccas = by_slug(&list, "ccas-baillargues");
    assert_eq!((ccas["kind"].as_str(), ccas["parent_slug"].as_str()), (Some("ccas"), Some("baillargues")));
    for org in &list {
        for key in ["kind", "name", "slug", "insee_code", "siren", "population"] {
            assert!(org.get(key).is_some(), "{key} missing in {org}");
        }
    }
}

/// Every commune of the reference file comes out of the API with its INSEE code, SIREN and population.
#[tokio::test]
async fn demo_matches_the_reference_data() {
    let reference = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/communes_montpellier_metropole.csv");
    let Ok(text) = std::fs::read_to_string(reference) else {
        eprintln!("{reference} absent: compared against the shipped copy only");
        return;
    };
    let app = TestApp::demo().await;
    let list = app.client().get("/api/v1/organisations").await.json().as_array().unwrap().clone();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let commune = list.iter().find(|o| o["insee_code"] == record[0]).unwrap_or_else(|| panic!("INSEE {} missing", &record[0]));
        assert_eq!(commune["name"], record[1]);
        assert_eq!(commune["siren"], record[2]);
        assert_eq!(
            commune["postal_codes"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect::<Vec<_>>().join(" "),
            record[3]
        );
        assert_eq!(commune["population"].as_i64().unwrap().to_string(), record[4]);
        rows += 1;
    }
    assert_eq!(rows, 31);
}

#[tokio::test]
async fn one_organisation_and_unknown_slug() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    let lattes = client.get("/api/v1/organisations/lattes").await;
    assert_eq!(lattes.status, StatusCode::OK);
    assert_eq!(lattes.json()["insee_code"], "34129");
    let missing = client.get("/api/v1/organisations/atlantis").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.content_type(), "application/problem+json");
    assert_eq!(missing.json()["status"], 404);
    let page = client.get("/atlantis/").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page introuvable"));
    assert!(page.content_type().starts_with("text/html"));
}

#[tokio::test]
async fn platform_admin_creates_an_organisation_with_checked_codes() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in(PLATFORM_ADMIN).await;
    let before = app.count("SELECT COUNT(*) FROM organisations").await;

    let cases = [
        (r#"{"kind":"commune","name":"Sète","insee_code":"34301","siren":"213403018"}"#, StatusCode::UNPROCESSABLE_ENTITY, "siren"),
        (r#"{"kind":"commune","name":"Sète","insee_code":"3430","siren":"213403017"}"#, StatusCode::UNPROCESSABLE_ENTITY, "insee_code"),
        (r#"{"kind":"commune","name":"Sète"}"#, StatusCode::UNPROCESSABLE_ENTITY, "insee_code"),
        (r#"{"kind":"mairie","name":"Sète"}"#, StatusCode::UNPROCESSABLE_ENTITY, "kind"),
        (
            r#"{"kind":"ccas","name":"CCAS de Nulle-Part","parent_insee_code":"34999"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "parent_insee_code",
        ),
        (
            r#"{"kind":"commune","name":"Sète","insee_code":"34301","population":-3,"population_year":2019}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "population",
        ),
        (r#"{"kind":"commune","insee_code":"34301"}"#, StatusCode::BAD_REQUEST, "name"),
        (r#"{"kind":"commune","name":"Sète","insee_code":34301}"#, StatusCode::BAD_REQUEST, "insee_code"),
        (r#"{"kind":"commune","name":"Sète","colour":"blue"}"#, StatusCode::BAD_REQUEST, "colour"),
        (r#"{"kind":"commune","name":"Lattes","slug":"lattes","insee_code":"34129"}"#, StatusCode::CONFLICT, ""),
    ];
    for (body, status, field) in cases {
        let response = admin.send_json(Method::POST, "/api/v1/organisations", body).await;
        assert_eq!(response.status, status, "{body}: {}", response.body);
        assert_eq!(response.content_type(), "application/problem+json", "{body}");
        assert!(response.json()["detail"].as_str().unwrap().contains(field), "{body}: {}", response.body);
    }
    let syntax = admin.send_json(Method::POST, "/api/v1/organisations", "{\"kind\": ").await;
    assert_eq!(syntax.status, StatusCode::BAD_REQUEST);
    let wrong_type = admin.request(Method::POST, "/api/v1/organisations", Some("text/plain"), b"{}".to_vec()).await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, before, "bad input changes nothing");

    let created = admin
        .send_json(
            Method::POST,
            "/api/v1/organisations",
            r#"{"kind":"commune","name":"Sète","insee_code":"34301","siren":"213403017","postal_codes":["34200"],"population":44270,"population_year":2019}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.location(), "/api/v1/organisations/sete");
    assert_eq!(created.json()["slug"], "sete");
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, before + 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'organisation_created' AND actor = 'dsi@montpellier3m.demo.communs.fr'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn only_platform_admins_create_organisations() {
    let app = TestApp::demo().await;
    let body = r#"{"kind":"commune","name":"Sète","insee_code":"34301"}"#;
    let anonymous = app.client().send_json(Method::POST, "/api/v1/organisations", body).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let org_admin = app.signed_in(JUVIGNAC_ADMIN).await.send_json(Method::POST, "/api/v1/organisations", body).await;
    assert_eq!(org_admin.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations WHERE slug = 'sete'").await, 0);
}

#[tokio::test]
async fn home_page_lists_organisations_in_french() {
    let app = TestApp::demo().await;
    let page = app.client().get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "<html lang=\"fr\">",
        "Aller au contenu",
        "Montpellier Méditerranée Métropole",
        "Saint-Jean-de-Védas",
        "213401235",
        "33 organisations",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    assert!(!page.body.contains("href=\"/lattes/\""), "visitors get no links to workspaces");
    let admin_view = app.signed_in(PLATFORM_ADMIN).await.get("/").await;
    assert!(admin_view.body.contains("<a href=\"/lattes/\">Lattes</a>"), "the platform administrator reaches every workspace");
}
