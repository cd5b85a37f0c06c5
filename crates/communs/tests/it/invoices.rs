//! Titres de recette: issuing, the member's view, and the PES V2 export validated against the schema.

use crate::support::*;
use axum::http::StatusCode;
use std::process::{Command, Output};
use store::testing::TestDb;

pub const PES_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/pes/PES_V2/Rev0/PES_Aller.xsd");

fn communs(base: &[String], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_communs"))
        .args(base)
        .args(args)
        .env_remove("COMMUNS_DATABASE_URL")
        .env("COMMUNS_LOG", "warn")
        .output()
        .unwrap()
}

/// Validates a document with xmllint (Debian libxml2-utils) against an XSD; panics with its report.
pub fn assert_valid_xml(schema: &str, document: &std::path::Path) {
    let output = Command::new("xmllint")
        .args(["--noout", "--schema", schema])
        .arg(document)
        .output()
        .expect("xmllint is installed (apt-get install libxml2-utils)");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && report.contains("validates"),
        "{} does not validate against {schema}:\n{report}",
        document.display()
    );
}

#[tokio::test]
async fn the_pes_file_of_2020_validates_and_carries_both_titres() {
    let database = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let base = vec!["--data-dir".to_string(), dir.path().display().to_string(), "--database-url".to_string(), database.url.clone()];
    assert!(communs(&base, &["demo"]).status.success());
    let out = dir.path().join("pes");
    let output = communs(&base, &["invoices", "pes", "--year", "2020", "--out", &out.display().to_string()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "one file per year and budget");
    let file = &files[0];
    assert_eq!(file.file_name().unwrap(), "PES_Aller_2020_24340001700022_00.xml");
    assert_valid_xml(PES_SCHEMA, file);
    let xml = std::fs::read_to_string(file).unwrap();
    assert!(xml.contains("<Exer V=\"2020\"/>") && xml.contains("<NbrPce V=\"2\"/>"));
    assert!(xml.contains("<MtBordHt V=\"216.67\"/>"), "174,24 € + 42,43 €");
    for amount in ["96.80", "77.44", "26.52", "15.91"] {
        assert!(xml.contains(&format!("<MtHT V=\"{amount}\"/>")), "{amount}");
    }
    assert!(xml.contains("<IdTiers V=\"213401235\"/>") && xml.contains("<Nom V=\"COMMUNE DE JUVIGNAC\"/>"));
    assert!(xml.contains("<CatTiers V=\"26\"/>") && xml.contains("<Nom V=\"CCAS DE BAILLARGUES\"/>"), "the CCAS is a CCAS debtor");
    assert!(!xml.contains("<MtHT V=\"0.00\"/>"), "no line for open data, which is free");

    assert_eq!(xml.matches("<Bordereau Id=\"BORD").count(), 1, "the two titres were issued together");
    assert!(xml.contains("<IdBord V=\"1\"/>") && !xml.contains("TVA"), "flat fees bear no VAT");

    // 2021: the flat fees of 15 September, then the demo intervention invoiced on 5 October with VAT.
    let out_2021 = dir.path().join("pes-2021");
    let output = communs(&base, &["invoices", "pes", "--year", "2021", "--out", &out_2021.display().to_string()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let file = out_2021.join("PES_Aller_2021_24340001700022_00.xml");
    assert_valid_xml(PES_SCHEMA, &file);
    let xml = std::fs::read_to_string(&file).unwrap();
    let bordereaux: Vec<&str> = xml.split("<Bordereau Id=").skip(1).collect();
    assert_eq!(bordereaux.len(), 2, "one bordereau per issue day");
    assert!(bordereaux[0].contains("<IdBord V=\"1\"/><DteBordEm V=\"2021-09-15\"/>") && bordereaux[0].contains("<NbrPce V=\"2\"/>"));
    let vat = bordereaux[1];
    for expected in [
        "<IdBord V=\"2\"/><DteBordEm V=\"2021-10-05\"/>",
        "<NbrPce V=\"1\"/><MtBordHt V=\"1000.00\"/><MtBordTVA V=\"200.00\"/>",
        "<IdPce V=\"3\"/>",
        "<TxTva V=\"20\"/><Majo V=\"0\"/><TvaIntraCom V=\"0\"/><MtHT V=\"400.00\"/><MtTVA V=\"80.00\"/>",
        "<MtHT V=\"600.00\"/><MtTVA V=\"120.00\"/>",
        "<ObjLignePce V=\"TECHNICIEN / DEVELOPPEUR - 2 J A 300.00\"/>",
    ] {
        assert!(vat.contains(expected), "{expected} in {vat}");
    }

    let none = communs(&base, &["invoices", "pes", "--year", "2018", "--out", &out.display().to_string()]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("aucun titre de recette émis pour 2018"));
}

#[tokio::test]
async fn titres_are_issued_once_per_member_and_year_and_lateness_is_flagged() {
    let database = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let base = vec!["--data-dir".to_string(), dir.path().display().to_string(), "--database-url".to_string(), database.url.clone()];
    assert!(communs(&base, &["demo"]).status.success());
    let again = communs(&base, &["invoices", "issue", "--year", "2021", "--date", "2021-09-15"]);
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("0 titre(s) de recette émis pour 2021")
            && String::from_utf8_lossy(&again.stdout).contains("2 membre(s) avaient déjà")
    );
    let early = communs(&base, &["invoices", "issue", "--year", "2022", "--date", "2021-12-31"]);
    assert_eq!(early.status.code(), Some(2));
    let bad_date = communs(&base, &["invoices", "issue", "--year", "2022", "--date", "31/12/2022"]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("AAAA-MM-JJ"));

    // A convention of 2022-2024 whose costs are not fixed: nothing to bill, nothing issued.
    let late = communs(&base, &["invoices", "issue", "--year", "2021", "--date", "2021-10-04"]);
    assert!(late.status.success());
}

#[tokio::test]
async fn a_member_sees_its_titres_with_their_deadlines() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    let page = juvignac.get("/juvignac/convention").await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in ["T2020-0001", "15/09/2020", "23/09/2020", "15/10/2020"] {
        assert!(page.body.contains(expected), "{expected}");
    }
    let lattes = app.signed_in(LATTES_ADMIN).await.get("/juvignac/convention").await;
    assert!(!lattes.body.contains("T2020-0001"));
    assert!(page.body.contains("Intervention : Formulaire en ligne de réservation des salles municipales"));
    assert!(page.body.contains("1\u{202f}200,00\u{a0}€ TTC (dont TVA 200,00\u{a0}€)"), "{}", page.body);
    assert!(!page.body.contains("05/10/2021 (après le 30 septembre)"), "an intervention is invoiced when done");
    assert_eq!(app.count("SELECT COUNT(*) FROM revenue_orders").await, 7, "2019, 2020 and 2021 for two members, and an intervention");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'revenue_order_issued'").await, 7);
}

#[tokio::test]
async fn the_api_gives_a_member_its_titres_and_nobody_else() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    let titres = juvignac.get("/api/v1/organisations/juvignac/revenue-orders").await.json();
    let titres = titres.as_array().unwrap();
    assert_eq!(titres.len(), 4, "three flat fees and an intervention");
    let intervention = titres.iter().find(|t| t["intervention_id"].is_i64()).unwrap();
    assert_eq!(
        (intervention["reference"].as_str(), intervention["excluding_tax_eur"].as_str(), intervention["vat_eur"].as_str()),
        (Some("T2021-0003"), Some("1000.00"), Some("200.00"))
    );
    assert_eq!((intervention["vat_rate_pct"].as_str(), intervention["total_eur"].as_str()), (Some("20"), Some("1200.00")));
    let days = &intervention["lines"][1];
    assert_eq!(
        (days["quantity"].as_str(), days["unit"].as_str(), days["unit_price_eur"].as_str()),
        (Some("2"), Some("DAY"), Some("300.00"))
    );
    let t2020 = titres.iter().find(|t| t["year"] == 2020).unwrap();
    assert!(t2020["intervention_id"].is_null() && t2020["vat_rate_pct"].is_null() && t2020["vat_eur"] == "0.00");
    assert_eq!((t2020["reference"].as_str(), t2020["total_eur"].as_str()), (Some("T2020-0001"), Some("174.24")));
    assert_eq!((t2020["contest_until"].as_str(), t2020["payment_due"].as_str()), (Some("2020-09-23"), Some("2020-10-15")));
    assert_eq!(t2020["lines"].as_array().unwrap().len(), 2);
    assert!(t2020["late_payment"].is_null() && t2020["paid_on"].is_null());
    let lattes = app.signed_in(LATTES_ADMIN).await.get("/api/v1/organisations/juvignac/revenue-orders").await;
    assert_eq!(lattes.status, StatusCode::FORBIDDEN);
    assert!(!lattes.body.contains("T2020"));
}

#[tokio::test]
async fn a_titre_prints_as_pdf_with_its_figures_and_deadlines() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    let response = juvignac.get("/juvignac/titres/T2020-0001/titre.pdf").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.content_type(), "application/pdf");
    let text = crate::convention::pdf_text(&response.bytes);
    for expected in ["T2020-0001", "Commune de Juvignac", "213401235", "96,80", "77,44", "174,24", "23/09/2020", "15/10/2020", "40,00"] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    assert_eq!(juvignac.get("/juvignac/titres/T2099-0001/titre.pdf").await.status, StatusCode::NOT_FOUND);
    let lattes = app.signed_in(LATTES_ADMIN).await.get("/juvignac/titres/T2020-0001/titre.pdf").await;
    assert_eq!(lattes.status, StatusCode::FORBIDDEN);
}
