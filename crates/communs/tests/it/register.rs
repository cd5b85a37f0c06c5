//! The Métropole's register of conventions: signatures of both parties and avenants (article 9), shown
//! to the member and printed in its convention.

use crate::support::*;
use axum::http::StatusCode;

const REGISTER: &str = "/montpellier-mediterranee-metropole/registre-conventions";
const CCAS: &str = "/montpellier-mediterranee-metropole/registre-conventions/ccas-baillargues";
const CCAS_ADMIN: &str = "admin@ccas-baillargues.demo.communs.fr";

#[tokio::test]
async fn the_register_shows_who_signed_and_records_signatures_and_avenants() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let register = dsi.get(REGISTER).await;
    assert_eq!(register.status, StatusCode::OK);
    assert!(register.body.contains("2 membre(s) ayant une convention"));
    assert!(register.body.contains("le 24/07/2019"), "Juvignac's is signed by both parties (demo)");
    assert!(register.body.contains("Non (0 signature(s) sur 2)"), "the CCAS's is not");

    let page = dsi.get(CCAS).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Aucune signature enregistrée.") && page.body.contains("Aucun avenant."));
    let signed = dsi
        .post_form(
            &format!("{CCAS}/2019-2021/signature"),
            &[("partie", "member"), ("signataire", "Marie Dupont"), ("qualite", "La Présidente"), ("date", "2019-07-12")],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let again = dsi
        .post_form(
            &format!("{CCAS}/2019-2021/signature"),
            &[("partie", "member"), ("signataire", "Autre"), ("qualite", "Le Vice-président"), ("date", "2019-07-13")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("la signature du membre est déjà enregistrée"));
    let metropole = dsi
        .post_form(
            &format!("{CCAS}/2019-2021/signature"),
            &[("partie", "metropole"), ("signataire", "Philippe Saurel"), ("qualite", "Le Président"), ("date", "2019-07-26")],
        )
        .await;
    assert_eq!(metropole.status, StatusCode::SEE_OTHER);

    for (object, date) in
        [("Ajout de la plateforme des marchés publics au 1er janvier 2021", "2020-11-02"), ("Changement de référent", "2021-02-01")]
    {
        let amended =
            dsi.post_form(&format!("{CCAS}/2019-2021/avenant"), &[("objet", object), ("date", date), ("deliberation", "DLP2020-41")]).await;
        assert_eq!(amended.status, StatusCode::SEE_OTHER, "{}", amended.body);
    }
    let page = dsi.get(CCAS).await;
    for expected in [
        "Pour CCAS de Baillargues : La Présidente Marie Dupont, le 12/07/2019",
        "Pour la Métropole : Le Président Philippe Saurel, le 26/07/2019",
        "Avenant n° 1 du 02/11/2020 : Ajout de la plateforme des marchés publics au 1er janvier 2021 (délibération n° DLP2020-41)",
        "Avenant n° 2 du 01/02/2021 : Changement de référent",
    ] {
        assert!(page.body.contains(expected), "{expected} in {}", page.body);
    }
    assert!(!page.body.contains("Enregistrer une signature"), "both parties signed");
    assert!(dsi.get(REGISTER).await.body.contains("le 26/07/2019"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action IN ('convention_signed', 'convention_amended') AND actor_user_id IS NOT NULL"
        )
        .await,
        4
    );

    // The member sees them, and its convention prints them.
    let mut ccas = app.signed_in(CCAS_ADMIN).await;
    let member = ccas.get("/ccas-baillargues/convention").await;
    assert!(member.body.contains("La Présidente Marie Dupont, pour CCAS de Baillargues, le 12/07/2019"), "{}", member.body);
    assert!(member.body.contains("Avenant n° 2 du 01/02/2021 : Changement de référent"));
    let document = ccas.get("/ccas-baillargues/convention/2019-2021/convention.html").await;
    assert!(document.body.contains("Fait à Montpellier, le 26 juillet 2019, en deux exemplaires."));
    assert!(document.body.contains("La Présidente,</p><p>Marie Dupont<br>signé le 12/07/2019"));
    assert!(document.body.contains("Avenant n° 1 du 02/11/2020 : Ajout de la plateforme"));
}

#[tokio::test]
async fn juvignacs_convention_prints_its_signatories() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_AGENT).await;
    let document = juvignac.get("/juvignac/convention/2019-2021/convention.html").await;
    assert!(document.body.contains("Fait à Montpellier, le 24 juillet 2019, en deux exemplaires."));
    assert!(document.body.contains("Jean-Luc Savy") && document.body.contains("Philippe Saurel"));
    let unsigned = app.signed_in(CCAS_ADMIN).await.get("/ccas-baillargues/convention/2019-2021/convention.html").await;
    assert!(unsigned.body.contains("Fait à Montpellier, le …, en deux exemplaires."));
}

#[tokio::test]
async fn bad_entries_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    dsi.get(CCAS).await;
    let signature = format!("{CCAS}/2019-2021/signature");
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("partie", "member"), ("signataire", ""), ("qualite", "Le Président"), ("date", "2019-07-12")],
            "le nom du signataire est obligatoire",
        ),
        (
            &[("partie", "member"), ("signataire", "X"), ("qualite", " "), ("date", "2019-07-12")],
            "la qualité du signataire est obligatoire",
        ),
        (&[("partie", "member"), ("signataire", "X"), ("qualite", "Le Président"), ("date", "12/07/2019")], "AAAA-MM-JJ"),
        (&[("partie", "prefet"), ("signataire", "X"), ("qualite", "Le Préfet"), ("date", "2019-07-12")], "choisissez la partie signataire"),
    ];
    for (fields, reason) in cases {
        let response = dsi.post_form(&signature, fields).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{reason}");
        assert!(response.body.contains(reason), "{reason} in {}", response.body);
    }
    let avenant = dsi.post_form(&format!("{CCAS}/2019-2021/avenant"), &[("objet", ""), ("date", "2020-11-02")]).await;
    assert_eq!(avenant.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(avenant.body.contains("l&#39;objet de l&#39;avenant est obligatoire"));
    assert_eq!(
        dsi.post_form(&format!("{CCAS}/2022-2024/avenant"), &[("objet", "x"), ("date", "2022-01-02")]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        dsi.get("/montpellier-mediterranee-metropole/registre-conventions/lattes").await.status,
        StatusCode::NOT_FOUND,
        "no convention"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM convention_signatures").await, 2, "the demo's two");
    assert_eq!(app.count("SELECT COUNT(*) FROM convention_amendments").await, 0);
}

#[tokio::test]
async fn only_the_metropole_keeps_the_register() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    assert_eq!(juvignac.get("/juvignac/registre-conventions").await.status, StatusCode::NOT_FOUND);
    assert_eq!(juvignac.get(REGISTER).await.status, StatusCode::FORBIDDEN);
    juvignac.get("/juvignac/").await;
    let forged = juvignac
        .post_form(
            "/montpellier-mediterranee-metropole/registre-conventions/juvignac/2019-2021/avenant",
            &[("objet", "Avenant forgé"), ("date", "2020-01-02")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let own =
        juvignac.post_form("/juvignac/registre-conventions/juvignac/2019-2021/avenant", &[("objet", "x"), ("date", "2020-01-02")]).await;
    assert_eq!(own.status, StatusCode::NOT_FOUND, "a commune keeps no register");
    assert_eq!(app.count("SELECT COUNT(*) FROM convention_amendments").await, 0);
}
