use crate::support::*;
use axum::http::StatusCode;

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    assert_eq!(client.get("/healthz").await.body, "ok\n");
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);
    client.get("/api/v1/organisations").await;
    client.get("/juvignac/").await;
    let metrics = client.get("/metrics").await;
    assert!(metrics.content_type().starts_with("text/plain; version=0.0.4"));
    assert!(
        metrics.body.contains("communs_http_requests_total{method=\"GET\",route=\"/api/v1/organisations\",status=\"200\"} 1"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("communs_http_requests_total{method=\"GET\",route=\"/{slug}/\",status=\"303\"} 1"));
    assert!(metrics.body.contains("communs_jobs{state=\"queued\"} 0"));
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::demo().await;
    let mut client = app.client();
    app.db.close().await;
    let response = client.get("/readyz").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.content_type(), "application/problem+json");
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK, "the process itself is up");
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = TestApp::empty().await;
    let document = app.client().get("/api/v1/openapi.json").await.json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(document["info"]["title"], "communs");
    let organisations = &document["paths"]["/api/v1/organisations"];
    assert!(organisations["get"].is_object() && organisations["post"].is_object());
    let schema = &document["components"]["schemas"]["OrganisationView"]["properties"];
    for field in ["kind", "name", "slug", "insee_code", "siren", "population"] {
        assert!(schema[field].is_object(), "{field}");
    }
}

#[tokio::test]
async fn pages_are_accessible_french_html_with_security_headers() {
    let app = TestApp::demo().await;
    let mut client = app.signed_in(JUVIGNAC_ADMIN).await;
    let mut visitor = app.client();
    for path in ["/", "/connexion", "/mon-compte", "/juvignac/", "/juvignac/utilisateurs", "/juvignac/journal", "/nulle-part/"] {
        let page = if path == "/connexion" { visitor.get(path).await } else { client.get(path).await };
        assert!(page.status == 200 || page.status == 404, "{path}: {}", page.status);
        let body = &page.body;
        assert!(body.contains("<html lang=\"fr\">"), "{path}");
        assert!(body.contains("<a href=\"#contenu\">Aller au contenu</a>") && body.contains("<main id=\"contenu\""), "{path}: skip link");
        assert!(body.contains("role=\"banner\"") && body.contains("role=\"contentinfo\""), "{path}: landmarks");
        assert_eq!(body.matches("<h1>").count(), 1, "{path}: one level-1 heading");
        assert!(body.contains("<title>") && body.contains(" — communs</title>"), "{path}: title");
        // Every form control has a label.
        let mut rest = body.as_str();
        while let Some(start) = rest.find("<input type=\"") {
            let tag = &rest[start..start + rest[start..].find('>').unwrap()];
            if !tag.contains("type=\"hidden\"") {
                let id = tag
                    .split("id=\"")
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .unwrap_or_else(|| panic!("{path}: input without id: {tag}"));
                assert!(body.contains(&format!("<label for=\"{id}\"")), "{path}: no label for {id}");
            }
            rest = &rest[start + 1..];
        }
        assert_eq!(page.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(page.headers.get("content-security-policy").unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
    }
    let css = client.get("/static/communs.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains(":focus-visible"));
}

#[tokio::test]
async fn unknown_api_addresses_answer_with_a_problem() {
    let app = TestApp::empty().await;
    let response = app.client().get("/api/v1/nothing-here").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.content_type(), "application/problem+json");
}

#[tokio::test]
async fn housekeeping_forgets_expired_sessions() {
    let app = TestApp::demo().await;
    app.signed_in(JUVIGNAC_AGENT).await;
    sqlx::query("UPDATE sessions SET expires_at = 0").execute(app.db.pool()).await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    store::jobs::enqueue(&mut tx, store::jobs::NewJob::new(communs::server::PURGE_SESSIONS_JOB, serde_json::json!({}))).await.unwrap();
    tx.commit().await.unwrap();
    let outbox = tempfile::tempdir().unwrap();
    let processed =
        communs::server::job_worker(&app.db, &app.blobs, outbox_mailer(outbox.path()), app.acts.clone()).run_once(&app.db).await.unwrap();
    assert_eq!(processed, Some(store::jobs::Outcome::Done));
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
}
