use crate::support::*;
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn login_sets_a_safe_session_cookie_and_logout_ends_it() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    client.get("/connexion").await;
    let response = client.post_form("/connexion", &[("email", JUVIGNAC_AGENT), ("password", DEMO_PASSWORD), ("next", "")]).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), "/juvignac/", "a person of one organisation lands on its home page");
    let cookie = response.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("communs_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let home = client.get("/juvignac/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Karim Benali"));
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);

    let logout = client.post_form("/deconnexion", &[]).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    assert!(!client.has_cookie("communs_session"));
    assert_eq!(client.get("/juvignac/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_returns_to_the_page_asked_but_never_elsewhere() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    let redirect = client.get("/juvignac/utilisateurs").await;
    assert_eq!(redirect.location(), "/connexion?suivant=%2Fjuvignac%2Futilisateurs");
    client.get("/connexion?suivant=/juvignac/utilisateurs").await;
    let ok =
        client.post_form("/connexion", &[("email", JUVIGNAC_ADMIN), ("password", DEMO_PASSWORD), ("next", "/juvignac/utilisateurs")]).await;
    assert_eq!(ok.location(), "/juvignac/utilisateurs");

    let mut other = app.client();
    other.get("/connexion").await;
    let evil = other.post_form("/connexion", &[("email", JUVIGNAC_ADMIN), ("password", DEMO_PASSWORD), ("next", "//evil.example/")]).await;
    assert_eq!(evil.location(), "/juvignac/");
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    let wrong = client.login(JUVIGNAC_AGENT, "not the password").await;
    let unknown = client.login("nobody@juvignac.demo.communs.fr", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let message = "Adresse électronique ou mot de passe incorrect.";
    assert!(wrong.body.contains(message) && unknown.body.contains(message));
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'login_failed'").await, 2);
}

#[tokio::test]
async fn repeated_failures_lock_the_login_even_with_the_right_password() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    for _ in 0..5 {
        assert_eq!(client.login(JUVIGNAC_AGENT, "guess guess guess").await.status, StatusCode::UNAUTHORIZED);
    }
    let locked = client.login(JUVIGNAC_AGENT, DEMO_PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("Trop de tentatives"));
    // The lock is per login: a colleague still signs in from the same place.
    assert_eq!(client.login(JUVIGNAC_ADMIN, DEMO_PASSWORD).await.status, StatusCode::SEE_OTHER);
    // And through the API as well.
    let api = app
        .client()
        .send_json(Method::POST, "/api/v1/session", &format!(r#"{{"email":"{JUVIGNAC_AGENT}","password":"{DEMO_PASSWORD}"}}"#))
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.content_type(), "application/problem+json");
}

#[tokio::test]
async fn many_logins_tried_from_one_address_are_throttled() {
    let app = TestApp::demo().await;
    let mut client = app.client_from([192, 0, 2, 7]);
    for i in 0..30 {
        client.login(&format!("guess{i}@example.fr"), "guess guess guess").await;
    }
    assert_eq!(client.login(JUVIGNAC_AGENT, DEMO_PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.client_from([192, 0, 2, 8]).login(JUVIGNAC_AGENT, DEMO_PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    admin.get("/juvignac/utilisateurs").await;
    let before = app.count("SELECT COUNT(*) FROM memberships").await;
    let fields = [("email", "new@juvignac.fr"), ("display_name", "Nouvelle"), ("role", "agent")];
    let missing = admin.post_form_raw("/juvignac/utilisateurs", &fields).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("Formulaire expiré"));
    let mut forged = vec![("csrf", "00ff")];
    forged.extend_from_slice(&fields);
    assert_eq!(admin.post_form_raw("/juvignac/utilisateurs", &forged).await.status, StatusCode::FORBIDDEN);
    // A token of another browser does not fit this one's session.
    let mut other = app.signed_in(JUVIGNAC_AGENT).await;
    let other_page = other.get("/juvignac/").await;
    let marker = "name=\"csrf\" value=\"";
    let start = other_page.body.find(marker).unwrap() + marker.len();
    let token = &other_page.body[start..start + 64];
    let mut stolen = vec![("csrf", token)];
    stolen.extend_from_slice(&fields);
    assert_eq!(admin.post_form_raw("/juvignac/utilisateurs", &stolen).await.status, StatusCode::FORBIDDEN);
    // Logout needs the token too.
    assert_eq!(admin.post_form_raw("/deconnexion", &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM memberships").await, before);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 2);
}

#[tokio::test]
async fn password_change_checks_the_current_one_and_closes_other_sessions() {
    let app = TestApp::demo().await;
    let mut first = app.signed_in(JUVIGNAC_ELECTED).await;
    let mut second = app.signed_in(JUVIGNAC_ELECTED).await;
    first.get("/mon-compte").await;
    let wrong = first
        .post_form(
            "/mon-compte/mot-de-passe",
            &[("current_password", "nope"), ("new_password", "un nouveau secret"), ("confirmation", "un nouveau secret")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("mot de passe actuel est incorrect"));
    let short = first
        .post_form("/mon-compte/mot-de-passe", &[("current_password", DEMO_PASSWORD), ("new_password", "court"), ("confirmation", "court")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("12 caractères"));
    let done = first
        .post_form(
            "/mon-compte/mot-de-passe",
            &[("current_password", DEMO_PASSWORD), ("new_password", "un nouveau secret"), ("confirmation", "un nouveau secret")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(first.get("/juvignac/").await.status, StatusCode::OK, "this session stays open");
    assert_eq!(second.get("/juvignac/").await.status, StatusCode::SEE_OTHER, "the other one is closed");
    assert_eq!(app.client().login(JUVIGNAC_ELECTED, DEMO_PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.client().login(JUVIGNAC_ELECTED, "un nouveau secret").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn api_session_and_me() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    assert_eq!(client.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let bad = client.send_json(Method::POST, "/api/v1/session", r#"{"email":"x@y.fr"}"#).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["invalid_params"][0]["name"], "password");
    let opened =
        client.send_json(Method::POST, "/api/v1/session", &format!(r#"{{"email":"{LATTES_ADMIN}","password":"{DEMO_PASSWORD}"}}"#)).await;
    assert_eq!(opened.status, StatusCode::NO_CONTENT);
    let me = client.get("/api/v1/me").await.json();
    assert_eq!(me["email"], LATTES_ADMIN);
    assert_eq!(me["roles"][0], serde_json::json!(["lattes", "org_admin"]));
    assert_eq!(client.request(Method::DELETE, "/api/v1/session", None, Vec::new()).await.status, StatusCode::NO_CONTENT);
    assert_eq!(client.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let app = TestApp::demo().await;
    let mut client = app.signed_in(PLATFORM_ADMIN).await;
    client.extra_header("sec-fetch-site", "cross-site");
    let response =
        client.send_json(Method::POST, "/api/v1/organisations", r#"{"kind":"commune","name":"Sète","insee_code":"34301"}"#).await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations WHERE slug = 'sete'").await, 0);
}
