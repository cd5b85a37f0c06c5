//! The Métropole's billing desk: titres of a year, issuing, payments with late-payment interest, PES file.

use crate::invoices::assert_valid_xml;
use crate::support::*;
use axum::http::StatusCode;

const DESK: &str = "/montpellier-mediterranee-metropole/facturation";

#[tokio::test]
async fn the_desk_lists_issues_and_records_payments() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let page = dsi.get(&format!("{DESK}?annee=2020")).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in ["T2020-0001", "T2020-0002", "Juvignac", "CCAS de Baillargues", "216,67\u{a0}€", "15/10/2020"] {
        assert!(page.body.contains(expected), "{expected}");
    }

    let again = dsi.post_form(&format!("{DESK}/emission"), &[("annee", "2021"), ("date", "2021-09-20")]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let shown = dsi.get(again.location()).await;
    assert!(shown.body.contains("0 titre(s) émis pour 2021") && shown.body.contains("2 membre(s) avaient déjà le leur"));
    let bad = dsi.post_form(&format!("{DESK}/emission"), &[("annee", "2022"), ("date", "20/09/2022")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("AAAA-MM-JJ"));

    // Juvignac pays its 2020 titre (due 15 October 2020) on 14 November 2020: 30 days late at 0 % + 8 points.
    dsi.get(&format!("{DESK}?annee=2020")).await;
    let paid = dsi.post_form(&format!("{DESK}/paiement"), &[("titre", "T2020-0001"), ("annee", "2020"), ("date", "2020-11-14")]).await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER);
    let shown = dsi.get(paid.location()).await;
    assert!(shown.body.contains("30 jour(s) après l&#39;échéance"), "{}", shown.body);
    assert!(shown.body.contains("1,15\u{a0}€") && shown.body.contains("40,00\u{a0}€") && shown.body.contains("8\u{a0}%"));
    let twice = dsi.post_form(&format!("{DESK}/paiement"), &[("titre", "T2020-0001"), ("annee", "2020"), ("date", "2020-11-20")]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("déjà payé"));
    let before_issue =
        dsi.post_form(&format!("{DESK}/paiement"), &[("titre", "T2020-0002"), ("annee", "2020"), ("date", "2020-01-02")]).await;
    assert_eq!(before_issue.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(before_issue.body.contains("ne peut précéder l&#39;émission"));
    let unknown = dsi.post_form(&format!("{DESK}/paiement"), &[("titre", "T2020-0099"), ("annee", "2020"), ("date", "2020-11-02")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("aucun titre de recette « T2020-0099 »"));
    assert_eq!(app.count("SELECT COUNT(*) FROM revenue_orders WHERE paid_on IS NOT NULL").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'revenue_order_paid'").await, 1);
}

#[tokio::test]
async fn the_pes_file_downloads_and_validates() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let response = dsi.get(&format!("{DESK}/2020/pes.xml")).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.headers.get("content-disposition").unwrap().to_str().unwrap().contains("PES_Aller_2020_24340001700022_00.xml"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pes.xml");
    std::fs::write(&file, &response.body).unwrap();
    assert_valid_xml(crate::invoices::PES_SCHEMA, &file);
    assert_eq!(dsi.get(&format!("{DESK}/2030/pes.xml")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_the_metropole_reaches_the_desk() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    assert_eq!(juvignac.get("/juvignac/facturation").await.status, StatusCode::NOT_FOUND, "a commune issues no titres");
    let denied = juvignac.get(DESK).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(!denied.body.contains("T2020"));
    juvignac.get("/juvignac/").await;
    let forged =
        juvignac.post_form(&format!("{DESK}/paiement"), &[("titre", "T2020-0001"), ("annee", "2020"), ("date", "2020-10-01")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM revenue_orders WHERE paid_on IS NOT NULL").await, 0);
}

#[tokio::test]
async fn the_metropole_home_page_leads_to_the_desk() {
    let app = TestApp::demo().await;
    let home = app.signed_in(PLATFORM_ADMIN).await.get("/montpellier-mediterranee-metropole/").await;
    assert!(home.body.contains(&format!("href=\"{DESK}\"")));
    let commune = app.signed_in(JUVIGNAC_ADMIN).await.get("/juvignac/").await;
    assert!(!commune.body.contains("/facturation"));
}
