//! The platform administrators' view of the job queue: states, dead letters, relaunch.

use crate::support::*;
use axum::http::StatusCode;
use std::time::Duration;
use store::jobs::{self, NewJob};

#[tokio::test]
async fn dead_letters_are_shown_and_can_be_relaunched() {
    let app = TestApp::demo().await;
    let mut tx = app.db.begin().await.unwrap();
    let id = jobs::enqueue(&mut tx, NewJob::new("actes.transmission", serde_json::json!({ "acte": 42 })).max_attempts(1)).await.unwrap();
    tx.commit().await.unwrap();
    let claimed = jobs::claim(&app.db, "test", &["actes.transmission"], Duration::from_secs(60)).await.unwrap().unwrap();
    jobs::fail(&app.db, &claimed.lease, "préfecture injoignable").await.unwrap();

    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let page = dsi.get("/admin/taches?etat=dead").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("En échec définitif (1)")
            && page.body.contains("préfecture injoignable")
            && page.body.contains("actes.transmission")
    );
    let relaunched = dsi.post_form(&format!("/admin/taches/{id}/relancer"), &[]).await;
    assert_eq!(relaunched.status, StatusCode::SEE_OTHER);
    let shown = dsi.get(relaunched.location()).await;
    assert!(shown.body.contains(&format!("La tâche n° {id} est relancée.")));
    assert_eq!(jobs::counts_by_state(&app.db).await.unwrap().queued, 1);
    let again = dsi.post_form(&format!("/admin/taches/{id}/relancer"), &[]).await;
    assert!(dsi.get(again.location()).await.body.contains("rien n&#39;a été changé"));
}

#[tokio::test]
async fn only_platform_administrators_see_the_queue() {
    let app = TestApp::demo().await;
    assert_eq!(app.client().get("/admin/taches").await.status, StatusCode::SEE_OTHER);
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    assert_eq!(juvignac.get("/admin/taches").await.status, StatusCode::FORBIDDEN);
    juvignac.get("/juvignac/").await;
    assert_eq!(juvignac.post_form("/admin/taches/1/relancer", &[]).await.status, StatusCode::FORBIDDEN);
}
