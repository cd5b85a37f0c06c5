//! The convention document and the draft deliberation approving it: both built from the member's
//! convention, so the deliberation's figures are those of annexe 2 (seed 004 shows the failure: the
//! deliberation said 580,41 € / 193,47 € while the annexe said 580,81 € / 193,60 €).

use crate::support::*;
use axum::http::StatusCode;

const CCAS_BAILLARGUES_ADMIN: &str = "admin@ccas-baillargues.demo.communs.fr";

fn convention_path(slug: &str, period: &str) -> String {
    format!("/{slug}/convention/{period}/convention.html")
}

fn deliberation_path(slug: &str, period: &str) -> String {
    format!("/{slug}/convention/{period}/deliberation.html")
}

/// Every amount written as the platform writes them (`1 234,56 €`, narrow no-break space, no-break space).
fn amounts(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let parts: Vec<&str> = text.split("\u{a0}€").collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        let tail: String = part.chars().rev().take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '\u{202f}').collect();
        let amount: String = tail.chars().rev().skip_while(|c| !c.is_ascii_digit()).collect();
        if amount.len() >= 4 && amount.as_bytes()[amount.len() - 3] == b',' {
            found.push(format!("{amount}\u{a0}€"));
        }
    }
    found
}

/// The text between two markers (the first marker included).
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start} missing"));
    let to = body[from..].find(end).map_or(body.len(), |i| from + i);
    &body[from..to]
}

/// The paragraphs of the deliberation that state what a service costs the member.
fn cost_sentences(deliberation: &str) -> Vec<&str> {
    deliberation.split("<p class=\"cout\">").skip(1).map(|rest| &rest[..rest.find("</p>").expect("closed paragraph")]).collect()
}

/// One `<h1>`, no heading level skipped, `lang="fr"`, every table captioned with scoped header cells.
fn assert_accessible(body: &str, what: &str) {
    assert!(body.starts_with("<!DOCTYPE html>") && body.contains("<html lang=\"fr\">"), "{what}: standalone French document");
    let levels: Vec<u8> = body
        .match_indices("<h")
        .filter_map(|(i, _)| body.as_bytes().get(i + 2).filter(|b| (b'1'..=b'6').contains(b)).map(|b| b - b'0'))
        .collect();
    assert_eq!(levels.iter().filter(|l| **l == 1).count(), 1, "{what}: one <h1>");
    assert_eq!(levels.first(), Some(&1), "{what}: the <h1> comes first");
    for pair in levels.windows(2) {
        assert!(pair[1] <= pair[0] + 1, "{what}: heading h{} after h{}", pair[1], pair[0]);
    }
    let tables: Vec<&str> = body.split("<table").skip(1).map(|rest| &rest[..rest.find("</table>").expect("closed table")]).collect();
    assert!(!tables.is_empty(), "{what}: has tables");
    for table in tables {
        assert!(table.contains("<caption>"), "{what}: table without caption");
        for (i, _) in table.match_indices("<th") {
            let cell = &table[i + 3..];
            if !cell.starts_with("ead") {
                assert!(cell.starts_with(" scope=\"col\"") || cell.starts_with(" scope=\"row\""), "{what}: header cell without scope");
            }
        }
    }
    assert!(body.contains("<link rel=\"stylesheet\" href=\"/static/document.css\">"), "{what}: print stylesheet");
    assert!(!body.contains("<style"), "{what}: no inline style, which the content security policy blocks");
}

#[tokio::test]
async fn juvignacs_deliberation_states_the_figures_of_its_annexe_2() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    let convention = juvignac.get(&convention_path("juvignac", "2019-2021")).await;
    assert_eq!(convention.status, StatusCode::OK);
    assert!(convention.content_type().starts_with("text/html"));
    let deliberation = juvignac.get(&deliberation_path("juvignac", "2019-2021")).await;
    assert_eq!(deliberation.status, StatusCode::OK);

    let annex_2 = between(&convention.body, "id=\"annexe-2\"", "id=\"annexe-3\"");
    for expected in ["96,80\u{a0}€", "77,44\u{a0}€", "174,24\u{a0}€", "580,81\u{a0}€", "193,60\u{a0}€", "464,65\u{a0}€", "154,88\u{a0}€"]
    {
        assert!(annex_2.contains(expected), "annexe 2 shows {expected}");
    }
    let annex_2_amounts = amounts(annex_2);
    let sentences = cost_sentences(&deliberation.body);
    assert_eq!(sentences.len(), 2, "one cost sentence per charged application (open data is free)");
    let mut stated = Vec::new();
    for sentence in &sentences {
        assert!(sentence.starts_with("Le coût de ce service pour la commune de Juvignac est établi à "), "{sentence}");
        for amount in amounts(sentence) {
            assert!(annex_2_amounts.contains(&amount), "{amount} of the deliberation is not in annexe 2: {sentence}");
            stated.push(amount);
        }
    }
    for expected in ["580,81\u{a0}€", "96,80\u{a0}€", "464,65\u{a0}€", "77,44\u{a0}€"] {
        assert!(stated.iter().any(|a| a == expected), "the deliberation states {expected}");
    }
    assert!(sentences[0].contains("580,81\u{a0}€ pour 3 ans, soit 96,80\u{a0}€ par an"), "{}", sentences[0]);
    assert!(deliberation.body.contains("s'élève à 174,24\u{a0}€"));
    assert!(convention.body.contains("<strong>174,24\u{a0}€</strong>"), "article 4 states the yearly total");
    for wrong in ["580,41", "193,47", "464,33", "154,78"] {
        assert!(!deliberation.body.contains(wrong) && !convention.body.contains(wrong), "the seed's misprint {wrong}");
    }

    for body in [&convention.body, &deliberation.body] {
        assert!(body.contains("19.07.01.05"));
    }
    assert!(convention.body.contains("par délibération n° 19.07.01.05 du 01/07/2019"));
    for n in 1..=11 {
        assert!(convention.body.contains(&format!(">Article {n} — ")), "Article {n}");
    }
    assert_eq!(convention.body.matches("<section class=\"annexe\"").count(), 4, "each annexe starts a page");
    for n in 1..=4 {
        assert!(convention.body.contains(&format!(">Annexe {n} — ")), "Annexe {n}");
    }
    // Article 4 states the rule the platform computes, not the formula printed in the seed.
    assert!(!convention.body.contains("PopTot") && convention.body.contains("× (1 − taux de participation de la Métropole)"));
    // Annexe 1: every application of the period, subscribed or not.
    let annex_1 = between(&convention.body, "id=\"annexe-1\"", "id=\"annexe-2\"");
    assert!(annex_1.contains("Plateforme de dématérialisation des procédures de marchés publics") && annex_1.contains("Non souscrite"));
    assert_eq!(annex_1.matches("<td>Souscrite</td>").count(), 3);
    assert!(annex_2.contains("href=\"/conventions/2019-2021/\""));
    let annex_3 = between(&convention.body, "id=\"annexe-3\"", "id=\"annexe-4\"");
    for price in ["300,00\u{a0}€", "400,00\u{a0}€", "500,00\u{a0}€"] {
        assert!(annex_3.contains(price), "{price}");
    }
    let annex_4 = between(&convention.body, "id=\"annexe-4\"", "</main>");
    assert!(annex_4.contains("Responsable de traitement</strong> est la commune de Juvignac"));
    assert!(annex_4.contains("quarante-huit (48) heures") && annex_4.contains("trente (30) jours ouvrés"));
    assert!(convention.body.contains("au 1er janvier 2020 ou au 1er janvier 2021"));
    assert!(
        deliberation.body.contains("Rapporteur : …") && deliberation.body.contains("Vu le Code général des collectivités territoriales")
    );
    for decision in ["D'APPROUVER", "DE DIRE", "D'AUTORISER"] {
        assert!(deliberation.body.contains(decision), "{decision}");
    }

    let page = juvignac.get("/juvignac/convention").await;
    assert!(page.body.contains("href=\"/juvignac/convention/2019-2021/convention.html\">Convention 2019-2021 (document)</a>"));
    assert!(page.body.contains("href=\"/juvignac/convention/2019-2021/convention.pdf\">PDF</a>"));
    assert!(page.body.contains(
        "href=\"/juvignac/convention/2019-2021/deliberation.html\">Projet de délibération approuvant la convention 2019-2021</a>"
    ));
}

#[tokio::test]
async fn the_convention_and_its_deliberation_print_as_pdf_with_the_same_figures() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    let convention = juvignac.get("/juvignac/convention/2019-2021/convention.pdf").await;
    assert_eq!(convention.status, StatusCode::OK);
    assert_eq!(convention.content_type(), "application/pdf");
    let text = crate::convention::pdf_text(&convention.bytes);
    for n in 1..=11 {
        assert!(text.contains(&format!("Article {n} — ")), "Article {n} in:\n{text}");
    }
    for expected in ["Annexe 1 — ", "Annexe 4 — ", "19.07.01.05", "580,81", "96,80", "77,44", "174,24", "300,00", "500,00"] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert!(pages.len() >= 5, "the articles, then each annexe on its own page: {} pages", pages.len());
    for n in 1..=4 {
        assert!(pages.iter().any(|p| p.trim_start().starts_with(&format!("Annexe {n} — "))), "annexe {n} starts a page");
    }
    assert!(!text.contains("Retour à la convention") && !text.contains("en PDF"), "the navigation is not printed");

    let deliberation = juvignac.get("/juvignac/convention/2019-2021/deliberation.pdf").await;
    assert_eq!(deliberation.status, StatusCode::OK);
    let text = crate::convention::pdf_text(&deliberation.bytes);
    for expected in ["580,81", "96,80", "464,65", "77,44", "174,24", "D'APPROUVER", "Vu le Code général des collectivités territoriales"]
    {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    for wrong in ["580,41", "193,47"] {
        assert!(!text.contains(wrong), "the seed's misprint {wrong}");
    }
    assert_eq!(juvignac.get("/juvignac/convention/2022-2024/convention.pdf").await.status, StatusCode::NOT_FOUND);
    let lattes = app.signed_in(LATTES_ADMIN).await.get("/juvignac/convention/2019-2021/deliberation.pdf").await;
    assert_eq!(lattes.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_ccas_of_baillargues_pays_the_ccas_tariff() {
    let app = TestApp::demo().await;
    let mut ccas = app.signed_in(CCAS_BAILLARGUES_ADMIN).await;
    let convention = ccas.get(&convention_path("ccas-baillargues", "2019-2021")).await;
    let deliberation = ccas.get(&deliberation_path("ccas-baillargues", "2019-2021")).await;
    assert_eq!((convention.status, deliberation.status), (StatusCode::OK, StatusCode::OK));
    let annex_2 = between(&convention.body, "id=\"annexe-2\"", "id=\"annexe-3\"");
    for expected in ["80\u{a0}%", "26,52\u{a0}€", "15,91\u{a0}€", "42,43\u{a0}€", "7\u{202f}519", "Baillargues"] {
        assert!(annex_2.contains(expected), "annexe 2 shows {expected}");
    }
    let annex_2_amounts = amounts(annex_2);
    let sentences = cost_sentences(&deliberation.body);
    assert_eq!(sentences.len(), 2);
    for sentence in &sentences {
        assert!(sentence.contains("pour le CCAS de Baillargues") && sentence.contains("(80\u{a0}%)"), "{sentence}");
        for amount in amounts(sentence) {
            assert!(annex_2_amounts.contains(&amount), "{amount} of the deliberation is not in annexe 2");
        }
    }
    assert!(sentences[0].contains("soit 26,52\u{a0}€ par an") && sentences[1].contains("soit 15,91\u{a0}€ par an"));
    assert!(deliberation.body.contains("s'élève à 42,43\u{a0}€"));
    assert!(convention.body.contains("par délibération n° DLP2019-28 du 05/07/2019"));
    assert!(convention.body.contains("représenté par son Président") && convention.body.contains("« le CCAS »"));
    assert!(deliberation.body.contains("Conseil d&#39;administration") && deliberation.body.contains("DLP2019-28"));
    assert!(!annex_2.contains("77,44") && !annex_2.contains("96,80"), "not the communes' tariff");
}

#[tokio::test]
async fn the_documents_are_accessible_and_printable() {
    let app = TestApp::demo().await;
    for (account, slug) in [(JUVIGNAC_AGENT, "juvignac"), (CCAS_BAILLARGUES_ADMIN, "ccas-baillargues")] {
        let mut client = app.signed_in(account).await;
        for path in [convention_path(slug, "2019-2021"), deliberation_path(slug, "2019-2021")] {
            let response = client.get(&path).await;
            assert_eq!(response.status, StatusCode::OK, "{path}");
            assert_accessible(&response.body, &path);
        }
    }
}

#[tokio::test]
async fn the_print_stylesheet_is_served() {
    let app = TestApp::empty().await;
    let css = app.client().get("/static/document.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type().starts_with("text/css"));
    assert!(css.body.contains("@page { size: A4;") && css.body.contains(".annexe { break-before: page;"));
}

#[tokio::test]
async fn no_document_without_a_convention_for_the_period() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    for period in ["2022-2024", "1999-2001", "n-importe-quoi"] {
        for path in [convention_path("juvignac", period), deliberation_path("juvignac", period)] {
            assert_eq!(juvignac.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
        }
    }
}

#[tokio::test]
async fn another_organisations_documents_are_closed() {
    let app = TestApp::demo().await;
    let mut lattes = app.signed_in(LATTES_ADMIN).await;
    for path in [convention_path("juvignac", "2019-2021"), deliberation_path("juvignac", "2019-2021")] {
        let response = lattes.get(&path).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!response.body.contains("174,24"), "{path}");
    }
    let mut visitor = app.client();
    assert_ne!(visitor.get(&convention_path("juvignac", "2019-2021")).await.status, StatusCode::OK, "signed out");
    let mut platform = app.signed_in(PLATFORM_ADMIN).await;
    assert_eq!(platform.get(&convention_path("juvignac", "2019-2021")).await.status, StatusCode::OK, "platform administrators read them");
}
