//! Requests to change a convention (articles 9 and 10): filed by the member, answered by the Métropole,
//! applied to the subscriptions and to the next titres.

use crate::support::*;
use axum::http::StatusCode;
use convention::changes::{self, RequestKind};
use identity::service::Actor;
use time::macros::date;

async fn organisation(app: &TestApp, slug: &str) -> identity::Organisation {
    identity::service::organisation_by_slug(&app.db, slug).await.unwrap().unwrap()
}

#[tokio::test]
async fn deadlines_are_enforced_when_filing() {
    let app = TestApp::demo().await;
    let juvignac = organisation(&app, "juvignac").await;
    let cases = [
        (RequestKind::Add, Some("marches-publics"), date!(2020 - 03 - 02), Ok(date!(2021 - 01 - 01))),
        (RequestKind::Add, Some("marches-publics"), date!(2020 - 10 - 01), Err("après le 30 septembre 2020")),
        (RequestKind::Add, Some("e-services"), date!(2019 - 09 - 01), Err("déjà souscrite")),
        (RequestKind::Remove, Some("marches-publics"), date!(2019 - 09 - 01), Err("n'est pas souscrite")),
        (RequestKind::Add, Some("telealerte"), date!(2019 - 09 - 01), Err("n'est pas proposée")),
        (RequestKind::Add, None, date!(2019 - 09 - 01), Err("choisissez")),
        (RequestKind::Terminate, None, date!(2021 - 02 - 01), Err("plus d'échéance")),
        (RequestKind::Add, Some("marches-publics"), date!(2026 - 03 - 01), Err("pas de convention en cours en 2026")),
    ];
    for (kind, application, received, expected) in cases {
        let before = app.count("SELECT COUNT(*) FROM convention_requests").await;
        match (changes::submit(&app.db, Actor::cli(), &juvignac, kind, application, received).await, expected) {
            (Ok(request), Ok(effective)) => {
                assert_eq!(request.effective_on, effective, "{kind:?} {received}");
                assert_eq!(app.count("SELECT COUNT(*) FROM convention_requests").await, before + 1);
            }
            (Err(error), Err(reason)) => {
                assert!(error.to_string().contains(reason), "{kind:?} {received}: {error}");
                assert_eq!(app.count("SELECT COUNT(*) FROM convention_requests").await, before, "a refused request records nothing");
            }
            (got, want) => panic!("{kind:?} {received}: {got:?} instead of {want:?}"),
        }
    }
}

#[tokio::test]
async fn an_accepted_addition_is_billed_from_its_effective_year() {
    let app = TestApp::demo().await;
    let juvignac = organisation(&app, "juvignac").await;
    let request =
        changes::submit(&app.db, Actor::cli(), &juvignac, RequestKind::Add, Some("marches-publics"), date!(2020 - 03 - 02)).await.unwrap();
    assert_eq!(request.answer_due, date!(2020 - 04 - 02));

    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let desk = dsi.get("/montpellier-mediterranee-metropole/demandes-convention").await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(desk.body.contains("Juvignac — Ajout d&#39;une application") && desk.body.contains("délai de réponse dépassé"));
    let answered = dsi
        .post_form(
            &format!("/montpellier-mediterranee-metropole/demandes-convention/{}", request.id),
            &[("decision", "accepter"), ("answer", "Accord")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let again = dsi
        .post_form(
            &format!("/montpellier-mediterranee-metropole/demandes-convention/{}", request.id),
            &[("decision", "refuser"), ("answer", "")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("déjà reçu une réponse"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM subscriptions WHERE application_code = 'marches-publics' AND starts_on = '2021-01-01'").await,
        1
    );

    // Re-issue 2021: Juvignac now pays marchés publics too (58,08 €): 174,24 + 58,08 = 232,32 €.
    sqlx::query("DELETE FROM revenue_order_lines WHERE revenue_order_id IN (SELECT id FROM revenue_orders WHERE year = 2021)")
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM revenue_orders WHERE year = 2021").execute(app.db.pool()).await.unwrap();
    convention::invoicing::issue_year(&app.db, Actor::cli(), 2021, date!(2021 - 09 - 15)).await.unwrap();
    let titres = convention::invoicing::of_debtor(&app.db, store::OrgScope::granted(juvignac.id)).await.unwrap();
    let total = |year: i64| titres.iter().find(|t| t.year == year).unwrap().total.to_plain();
    assert_eq!((total(2020), total(2021)), ("174.24".to_string(), "232.32".to_string()));

    let mut member = app.signed_in(JUVIGNAC_ADMIN).await;
    let page = member.get("/juvignac/convention/demandes").await;
    assert!(page.body.contains("Acceptée : Accord") && page.body.contains("01/01/2021"));
}

#[tokio::test]
async fn an_accepted_termination_ends_every_subscription() {
    let app = TestApp::demo().await;
    let ccas = organisation(&app, "ccas-baillargues").await;
    let request = changes::submit(&app.db, Actor::cli(), &ccas, RequestKind::Terminate, None, date!(2020 - 09 - 30)).await.unwrap();
    assert_eq!(request.effective_on, date!(2021 - 01 - 01));
    let issuer = convention::invoicing::issuer(&app.db).await.unwrap();
    changes::answer(&app.db, Actor::cli(), store::OrgScope::granted(issuer.id), request.id, true, "", date!(2020 - 10 - 15)).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM subscriptions WHERE ends_on = '2020-12-31'").await, 2);
    sqlx::query("DELETE FROM revenue_order_lines WHERE revenue_order_id IN (SELECT id FROM revenue_orders WHERE year = 2021)")
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM revenue_orders WHERE year = 2021").execute(app.db.pool()).await.unwrap();
    let report = convention::invoicing::issue_year(&app.db, Actor::cli(), 2021, date!(2021 - 09 - 15)).await.unwrap();
    assert_eq!(report.issued.len(), 1, "only Juvignac is billed for 2021");
}

#[tokio::test]
async fn filing_through_the_pages_refuses_what_is_late_and_elected_members_cannot_file() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in(JUVIGNAC_ADMIN).await;
    let page = admin.get("/juvignac/convention/demandes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Aucune demande") && page.body.contains("Adresser la demande"));
    // Today the demo's conventions (2019-2021) are over: the request is refused with the reason.
    let refused = admin.post_form("/juvignac/convention/demandes", &[("kind", "add"), ("application", "marches-publics")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("n&#39;a pas de convention en cours"));
    assert_eq!(app.count("SELECT COUNT(*) FROM convention_requests").await, 0);

    let mut elected = app.signed_in(JUVIGNAC_ELECTED).await;
    let view = elected.get("/juvignac/convention/demandes").await;
    assert_eq!(view.status, StatusCode::OK);
    assert!(!view.body.contains("Adresser la demande"));
    assert_eq!(
        elected.post_form("/juvignac/convention/demandes", &[("kind", "add"), ("application", "marches-publics")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(admin.get("/juvignac/demandes-convention").await.status, StatusCode::NOT_FOUND, "a commune answers no requests");
}
