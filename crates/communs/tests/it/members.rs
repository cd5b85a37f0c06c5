use crate::support::*;
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn an_org_admin_adds_a_colleague_who_can_then_sign_in() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    let page = admin.get("/juvignac/utilisateurs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Karim Benali"));
    let audit_before = app.count("SELECT COUNT(*) FROM audit_events WHERE action NOT LIKE 'login%'").await;

    let added = admin
        .post_form(
            "/juvignac/utilisateurs",
            &[("email", " Marie.Dupont@Juvignac.fr "), ("display_name", "Marie Dupont"), ("role", "agent")],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(added.body.contains("marie.dupont@juvignac.fr"));
    let marker = "<code>";
    let start = added.body.find(marker).unwrap() + marker.len();
    let temporary = &added.body[start..start + 16];
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action NOT LIKE 'login%'").await,
        audit_before + 2,
        "account created + role granted"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'membership_granted' AND target = 'user:marie.dupont@juvignac.fr' AND actor = 'admin@juvignac.demo.communs.fr' AND ip = '127.0.0.1'").await,
        1
    );

    let mut marie = app.client();
    assert_eq!(marie.login("marie.dupont@juvignac.fr", temporary).await.location(), "/juvignac/");

    let again = admin
        .post_form("/juvignac/utilisateurs", &[("email", "marie.dupont@juvignac.fr"), ("display_name", "Marie Dupont"), ("role", "agent")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("déjà le rôle"));
    let invalid =
        admin.post_form("/juvignac/utilisateurs", &[("email", "pas-une-adresse"), ("display_name", "X"), ("role", "agent")]).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.body.contains("pas une adresse électronique valide"));
    assert!(invalid.body.contains("value=\"pas-une-adresse\""), "the form keeps what was typed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action NOT LIKE 'login%'").await,
        audit_before + 2,
        "refused input writes nothing"
    );

    let journal = admin.get("/juvignac/journal").await;
    assert_eq!(journal.status, StatusCode::OK);
    assert!(journal.body.contains("Rôle attribué") && journal.body.contains("user:marie.dupont@juvignac.fr"));
}

#[tokio::test]
async fn the_last_administrator_keeps_the_role() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in(LATTES_ADMIN).await;
    admin.get("/lattes/utilisateurs").await;
    let user_id = app.count("SELECT id FROM users WHERE email = 'admin@lattes.demo.communs.fr'").await;
    let refused = admin.post_form(&format!("/lattes/utilisateurs/{user_id}/retrait"), &[("role", "org_admin")]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("au moins un administrateur"));
    assert_eq!(app.count("SELECT COUNT(*) FROM memberships WHERE role = 'org_admin' AND organisation_id = (SELECT id FROM organisations WHERE slug = 'lattes')").await, 1);
}

#[tokio::test]
async fn a_role_can_be_withdrawn() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    admin.get("/juvignac/utilisateurs").await;
    let agent_id = app.count("SELECT id FROM users WHERE email = 'agent@juvignac.demo.communs.fr'").await;
    let done = admin.post_form(&format!("/juvignac/utilisateurs/{agent_id}/retrait"), &[("role", "agent")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    assert_eq!(agent.get("/juvignac/").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'membership_revoked'").await, 1);
}

#[tokio::test]
async fn members_and_audit_through_the_api() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    let created = admin
        .send_json(
            Method::POST,
            "/api/v1/organisations/juvignac/members",
            r#"{"email":"dgs@juvignac.fr","display_name":"Direction générale","role":"org_admin"}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let body = created.json();
    assert_eq!(body["created_account"], true);
    assert_eq!(body["temporary_password"].as_str().unwrap().len(), 16);
    let invalid = admin
        .send_json(
            Method::POST,
            "/api/v1/organisations/juvignac/members",
            r#"{"email":"dgs@juvignac.fr","display_name":"X","role":"maire"}"#,
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid.json()["invalid_params"][0]["name"], "role");

    let members = admin.get("/api/v1/organisations/juvignac/members").await.json();
    let emails: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails.len(), 4);
    assert!(emails.contains(&"dgs@juvignac.fr"));
    let events = admin.get("/api/v1/organisations/juvignac/audit-events?limit=2").await.json();
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["action"], "membership_granted");
    assert_eq!(events[1]["action"], "user_created");
    assert!(events[0]["occurred_at"].as_str().unwrap().ends_with('Z'));
    let too_many = admin.get("/api/v1/organisations/juvignac/audit-events?limit=9999").await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
}
