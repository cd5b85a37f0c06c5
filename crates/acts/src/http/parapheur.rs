//! The parapheur: the acts waiting for the signed-in person's visa, signature or seal, with bulk
//! signing.

use super::pages::{Done, fr, meta};
use super::{ActsServices, person_of};
use crate::circuit;
use crate::model::{Act, Step};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use identity::access::OrgMember;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new().route("/{slug}/parapheur", get(in_tray)).route("/{slug}/parapheur/signature", axum::routing::post(bulk_sign))
}

#[derive(Template, WebTemplate)]
#[template(path = "parapheur.html")]
struct ParapheurPage {
    page: PageMeta,
    slug: String,
    waiting: Vec<(Act, Step)>,
    done: Option<String>,
}

impl ParapheurPage {
    fn fr(&self, date: &time::Date) -> String {
        fr(*date)
    }
}

async fn in_tray(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Query(done): Query<Done>,
) -> Result<ParapheurPage, HtmlError> {
    let person = person_of(&access);
    let waiting = circuit::in_tray(&state.db, access.scope, &person.as_person(), store::clock::today_paris()).await?;
    Ok(ParapheurPage {
        page: meta(&access, "Parapheur", Some(("Parapheur", format!("/{}/parapheur", access.organisation.slug)))),
        slug: access.organisation.slug.clone(),
        waiting,
        done: done.fait,
    })
}

/// Signs (or visas) every act ticked; the confirmation says what was done and what was not.
async fn bulk_sign(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Extension(services): Extension<ActsServices>,
    body: String,
) -> Result<Response, HtmlError> {
    let ids: Vec<i64> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| *key == "acte")
        .filter_map(|(_, value)| value.parse().ok())
        .collect();
    if ids.is_empty() {
        let message = "Cochez au moins un acte.";
        return Ok(
            Redirect::to(&format!("/{}/parapheur?fait={}", access.organisation.slug, web::urls::encode_component(message))).into_response()
        );
    }
    let person = person_of(&access);
    let results = circuit::bulk_sign(
        circuit::Signing { db: &state.db, blobs: &state.blobs, vault: &services.vault },
        access.scope,
        &access.organisation.name,
        &person.as_person(),
        &ids,
    )
    .await;
    let done = results.iter().filter(|(_, r)| r.is_ok()).count();
    let failures: Vec<String> = results.iter().filter_map(|(id, r)| r.as_ref().err().map(|e| format!("acte {id} : {e}"))).collect();
    let mut message = format!("{done} acte(s) traité(s).");
    if !failures.is_empty() {
        message.push_str(&format!(" Non traités : {}.", failures.join(" ; ")));
    }
    Ok(Redirect::to(&format!("/{}/parapheur?fait={}", access.organisation.slug, web::urls::encode_component(&message))).into_response())
}
