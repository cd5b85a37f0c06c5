//! The acts slice's section of an organisation's home page: its acts, the parapheur and the accounting
//! flows, with how many acts it has and how many wait in a circuit.

use crate::model::ActState;
use crate::service;
use askama::Template;
use web::HtmlError;

pub struct ActsSection;

#[derive(Template)]
#[template(path = "home_section.html")]
struct SectionFragment {
    slug: String,
    acts: usize,
    in_circuit: usize,
    executory: usize,
}

impl web::home::HomeSection for ActsSection {
    fn render<'a>(
        &'a self,
        db: &'a store::Db,
        scope: store::OrgScope,
        organisation_slug: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<String, HtmlError>> {
        Box::pin(async move {
            let acts = service::acts(db, scope).await.map_err(|e| HtmlError::internal(&e))?;
            SectionFragment {
                slug: organisation_slug.to_string(),
                acts: acts.len(),
                in_circuit: acts.iter().filter(|a| a.state == ActState::InCircuit).count(),
                executory: acts.iter().filter(|a| a.is_executory()).count(),
            }
            .render()
            .map_err(|e| HtmlError::internal(&e))
        })
    }
}
