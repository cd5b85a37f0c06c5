//! The convention slice through HTTP: public tables, each member's convention and yearly amount.

use crate::support::*;
use axum::http::StatusCode;

#[tokio::test]
async fn juvignac_pays_174_24_and_the_ccas_of_baillargues_42_43() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    let page = juvignac.get("/juvignac/convention").await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in ["96,80\u{a0}€", "77,44\u{a0}€", "174,24\u{a0}€", "19.07.01.05", "Plateforme open data", "Sans coût"] {
        assert!(page.body.contains(expected), "{expected}");
    }
    let home = juvignac.get("/juvignac/").await;
    assert!(home.body.contains("Applications souscrites") && home.body.contains("174,24\u{a0}€"), "the home page lists the subscriptions");

    let api = juvignac.get("/api/v1/organisations/juvignac/conventions").await.json();
    assert_eq!(api[0]["annual_total_eur"], "174.24");
    assert_eq!(api[0]["participation_pct"], "50");

    let mut ccas = app.signed_in("admin@ccas-baillargues.demo.communs.fr").await;
    let api = ccas.get("/api/v1/organisations/ccas-baillargues/conventions").await.json();
    assert_eq!(api[0]["annual_total_eur"], "42.43");
    assert_eq!(api[0]["participation_pct"], "80");
    let charges: Vec<(&str, &str)> = api[0]["charges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["application"].as_str().unwrap(), c["annual_after_participation_eur"].as_str().unwrap()))
        .collect();
    assert_eq!(charges, vec![("e-administration", "26.52"), ("marches-publics", "15.91")]);
}

#[tokio::test]
async fn a_member_without_a_convention_sees_so() {
    let app = TestApp::demo().await;
    let mut lattes = app.signed_in(LATTES_ADMIN).await;
    let page = lattes.get("/lattes/convention").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("n'a pas de convention"));
    assert_eq!(lattes.get("/api/v1/organisations/lattes/conventions").await.json(), serde_json::json!([]));
}

#[tokio::test]
async fn the_annex_tables_are_public_with_totals_and_csv() {
    let app = TestApp::demo().await;
    let mut visitor = app.client();
    let list = visitor.get("/conventions/").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("25\u{202f}000,00\u{a0}€") && list.body.contains("Non fixé"), "2022-2024 costs are not fixed in the seeds");
    let page = visitor.get("/conventions/2019-2021/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("<table>").count(), 6);
    assert!(page.body.contains("<th scope=\"row\">Juvignac</th>"));
    // The total of the communes' table of e-administration: the whole global cost over 3 years.
    assert!(page.body.contains("25\u{202f}000,00\u{a0}€"));
    let csv = visitor.get("/conventions/2019-2021/annexe-2.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"));
    assert_eq!(
        csv.body,
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/annexe2_tariffs_2019_2021.csv")).unwrap()
    );
    let json = visitor.get("/api/v1/conventions/2019-2021/annex-2").await.json();
    assert_eq!(json.as_array().unwrap().len(), 186);
    assert_eq!(visitor.get("/conventions/1999-2001/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(visitor.get("/api/v1/conventions/1999-2001/annex-2").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_organisations_convention_is_closed() {
    let app = TestApp::demo().await;
    let mut lattes = app.signed_in(LATTES_ADMIN).await;
    for path in ["/juvignac/convention", "/api/v1/organisations/juvignac/conventions"] {
        let response = lattes.get(path).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!response.body.contains("174"), "{path}");
    }
}

#[tokio::test]
async fn each_application_has_a_chart_of_its_sharing() {
    let app = TestApp::demo().await;
    let mut visitor = app.client();
    let page = visitor.get("/conventions/2019-2021/").await;
    assert!(page.body.contains("<img src=\"/conventions/2019-2021/e-administration.svg\" alt=\"Graphique"));
    let svg = visitor.get("/conventions/2019-2021/e-administration.svg").await;
    assert_eq!(svg.status, StatusCode::OK);
    assert!(svg.content_type().starts_with("image/svg+xml"));
    assert!(svg.body.starts_with("<svg") && svg.body.contains("<title id=\"titre\">"));
    assert_eq!(svg.body.matches("<rect x=").count(), 31, "one bar per commune");
    assert!(svg.body.contains("15\u{202f}135,12\u{a0}€"), "Montpellier's share over three years");
    for missing in
        ["/conventions/2019-2021/nothing.svg", "/conventions/2019-2021/open-data.svg", "/conventions/2019-2021/e-administration.png"]
    {
        assert_eq!(visitor.get(missing).await.status, StatusCode::NOT_FOUND, "{missing}");
    }
}

/// The text of a PDF, read back by pdftotext (Debian poppler-utils).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext is installed (apt-get install poppler-utils)");
    assert!(output.status.success(), "pdftotext refused the document: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn the_annex_tables_print_as_pdf() {
    let app = TestApp::demo().await;
    let mut visitor = app.client();
    let response = visitor.request(axum::http::Method::GET, "/conventions/2019-2021/annexe-2.pdf", None, Vec::new()).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.content_type(), "application/pdf");
    let text = pdf_text(&response.bytes);
    for expected in ["annexe 2", "Juvignac", "580,81", "96,80", "Saint-Jean-de-Védas", "Total", "472", "25", "Population 2019"] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    assert_eq!(visitor.get("/conventions/1999-2001/annexe-2.pdf").await.status, StatusCode::NOT_FOUND);
}
