//! Interventions (article 3, annexe 3): recorded by the Métropole on the rate card, service fait, VAT.

use crate::support::*;
use axum::http::StatusCode;

const REGISTER: &str = "/montpellier-mediterranee-metropole/interventions";

#[tokio::test]
async fn an_agreed_intervention_is_priced_on_annexe_3_with_vat() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    let page = dsi.get(REGISTER).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Technicien / développeur (300,00\u{a0}€ HT par jour)"));
    let recorded = dsi
        .post_form(
            REGISTER,
            &[
                ("membre", "juvignac"),
                ("objet", "Formulaire de demande d'acte d'état civil"),
                ("accord", "Courriels du 10 et 12 mai 2020, DSI / service population"),
                ("date", "2020-05-12"),
                ("jours_technicien", "1,5"),
                ("jours_chef-projet-senior", "0.5"),
                ("jours_chef-projet-junior", ""),
            ],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    // 1.5 × 300 + 0.5 × 500 = 700 € HT; VAT 20 % = 140 €; 840 € TTC.
    let register = dsi.get(REGISTER).await;
    for expected in ["700,00\u{a0}€", "140,00\u{a0}€", "840,00\u{a0}€", "Technicien / développeur : 1,5 j", "12/05/2020"] {
        assert!(register.body.contains(expected), "{expected}");
    }
    let id = app.count("SELECT MAX(id) FROM interventions").await;
    let early = dsi.post_form(&format!("{REGISTER}/{id}/titre"), &[("date", "2020-06-30")]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("facturée après service fait"), "{}", early.body);
    let done = dsi.post_form(&format!("{REGISTER}/{id}/service-fait"), &[("date", "2020-06-30")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let twice = dsi.post_form(&format!("{REGISTER}/{id}/service-fait"), &[("date", "2020-07-01")]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dsi.get(REGISTER).await.body.contains("service fait restant à facturer : 840,00\u{a0}€ TTC"));

    // The titre: after the service, numbered after the flat fees of 2020, with VAT; once.
    let before_service = dsi.post_form(&format!("{REGISTER}/{id}/titre"), &[("date", "2020-06-29")]).await;
    assert_eq!(before_service.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(before_service.body.contains("ne peut précéder le service fait"));
    let invoiced = dsi.post_form(&format!("{REGISTER}/{id}/titre"), &[("date", "2020-10-02")]).await;
    assert_eq!(invoiced.status, StatusCode::SEE_OTHER, "{}", invoiced.body);
    let register = dsi.get(invoiced.location()).await;
    assert!(register.body.contains("Titre T2020-0003 émis pour Juvignac : 840,00\u{a0}€ TTC."), "{}", register.body);
    assert!(register.body.contains("service fait restant à facturer : 0,00\u{a0}€ TTC"));
    let again = dsi.post_form(&format!("{REGISTER}/{id}/titre"), &[("date", "2020-10-03")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("déjà facturée par le titre T2020-0003"));
    let desk = dsi.get("/montpellier-mediterranee-metropole/facturation?annee=2020").await;
    for expected in
        ["T2020-0003", "Intervention : Formulaire de demande d&#39;acte d&#39;état civil", "140,00\u{a0}€ (20\u{a0}%)", "hors champ"]
    {
        assert!(desk.body.contains(expected), "{expected}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM revenue_orders WHERE intervention_id IS NOT NULL AND year = 2020").await, 1);

    let mut agent = app.signed_in(JUVIGNAC_AGENT).await;
    let member = agent.get("/juvignac/convention").await;
    assert!(
        member.body.contains("Formulaire de demande d&#39;acte d&#39;état civil")
            && member.body.contains("840,00\u{a0}€")
            && member.body.contains("30/06/2020")
            && member.body.contains("/juvignac/titres/T2020-0003/titre.pdf")
    );
    let pdf = agent.get("/juvignac/titres/T2020-0003/titre.pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    let text = crate::convention::pdf_text(&pdf.bytes);
    for expected in ["T2020-0003", "Service fait le 30/06/2020", "1,5 j", "300,00", "700,00", "TVA 20", "140,00", "840,00"] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    let other = app.signed_in(LATTES_ADMIN).await.get("/lattes/convention").await;
    assert!(!other.body.contains("état civil"));
    let audited =
        "SELECT COUNT(*) FROM audit_events WHERE action IN ('intervention_recorded', 'intervention_done') AND actor_user_id IS NOT NULL";
    assert_eq!(app.count(audited).await, 2);
}

#[tokio::test]
async fn bad_orders_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let mut dsi = app.signed_in(PLATFORM_ADMIN).await;
    dsi.get(REGISTER).await;
    let base = [("membre", "juvignac"), ("objet", "Évolution"), ("accord", "Courriel du 2 mars 2020")];
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("date", "2020-03-02"), ("jours_technicien", "")], "au moins un profil"),
        (&[("date", "2020-03-02"), ("jours_technicien", "1,25")], "demi-journées"),
        (&[("date", "2020-03-02"), ("jours_astronaute", "1")], "absent du bordereau"),
        (&[("date", "2026-03-02"), ("jours_technicien", "1")], "pas de convention en cours en 2026"),
        (&[("date", "02/03/2020"), ("jours_technicien", "1")], "AAAA-MM-JJ"),
        (&[("date", "2020-03-02"), ("jours_technicien", "1"), ("accord", "")], "courriels"),
    ];
    for (extra, reason) in cases {
        let mut fields: Vec<(&str, &str)> = base.to_vec();
        for (k, v) in extra {
            fields.retain(|(name, _)| name != k);
            fields.push((k, v));
        }
        let response = dsi.post_form(REGISTER, &fields).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{reason}");
        assert!(response.body.contains(reason), "{reason}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM interventions").await, 1, "the demo's only");
}

#[tokio::test]
async fn only_the_metropole_keeps_the_register() {
    let app = TestApp::demo().await;
    let mut juvignac = app.signed_in(JUVIGNAC_ADMIN).await;
    assert_eq!(juvignac.get("/juvignac/interventions").await.status, StatusCode::NOT_FOUND);
    assert_eq!(juvignac.get(REGISTER).await.status, StatusCode::FORBIDDEN);
    juvignac.get("/juvignac/").await;
    let forged = juvignac
        .post_form(REGISTER, &[("membre", "juvignac"), ("objet", "x"), ("accord", "y"), ("date", "2020-03-02"), ("jours_technicien", "1")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM interventions").await, 1, "the demo's only");
}
