//! The accounting flows page: the files sent to the public accountant with their state, the expenditure
//! orders waiting for their bordereau, the forms that sign and send a year's revenue or expenditure
//! bordereaux (XAdES, with the signed-in person's certificate), and the budget's Hélios codes.

use super::ActsServices;
use super::actions::{MultipartError, read_multipart, reason};
use super::pages::{Done, meta};
use crate::accounting::budget::{self, BudgetForm};
use crate::accounting::expenditure::{self, MAX_ATTACHMENT_BYTES, NewMandate};
use crate::accounting::{self, Domain, Flow, Submission};
use crate::keys::{self, Signatory};
use crate::service::parse_date;
use crate::{ActsError, store::mandates::MandateRow};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use kernel::Cents;
use serde::Deserialize;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/flux-comptables", get(page))
        .route("/{slug}/flux-comptables/recettes", post(send_revenue))
        .route("/{slug}/flux-comptables/depenses", post(send_expenditure))
        .route("/{slug}/flux-comptables/mandats", post(add_mandate).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024)))
        .route("/{slug}/flux-comptables/mandats/{id}/suppression", post(remove_mandate))
        .route("/{slug}/flux-comptables/budget", post(save_budget))
        .route("/{slug}/flux-comptables/{id}/fichier", get(download))
        .route("/{slug}/flux-comptables/{id}/acquittement", get(download_acquit))
}

/// A pending mandate as listed.
struct MandateLine {
    id: i64,
    reference: String,
    issued_on: String,
    creditor: String,
    object: String,
    nature: String,
    amount_ht: String,
    vat: String,
    attachment: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounting.html")]
struct AccountingPage {
    page: PageMeta,
    slug: String,
    years: Vec<i32>,
    is_admin: bool,
    flows: Vec<Flow>,
    mandates: Vec<MandateLine>,
    budget: BudgetForm,
    error: Option<String>,
    done: Option<String>,
}

async fn accounting_page(
    state: &AppState,
    access: &OrgAccess,
    error: Option<String>,
    done: Option<String>,
) -> Result<AccountingPage, HtmlError> {
    let this_year = keys::now().year();
    let internal = |e: ActsError| HtmlError::internal(&e);
    let mandates = expenditure::pending(&state.db, access.scope).await.map_err(internal)?;
    Ok(AccountingPage {
        page: meta(access, "Flux comptables (PES V2)", Some(("Flux comptables", format!("/{}/flux-comptables", access.organisation.slug)))),
        slug: access.organisation.slug.clone(),
        years: (2019..=this_year).rev().collect(),
        is_admin: access.is_admin(),
        flows: accounting::list(&state.db, access.scope).await.map_err(internal)?,
        mandates: mandates.iter().map(mandate_line).collect(),
        budget: budget::form(&state.db, access.scope).await.map_err(internal)?,
        error,
        done,
    })
}

fn mandate_line(row: &MandateRow) -> MandateLine {
    MandateLine {
        id: row.id,
        reference: format!("{}-{}", row.year, row.number),
        issued_on: row.issued_on.clone(),
        creditor: match &row.creditor_siret {
            Some(siret) => format!("{} (SIRET {siret})", row.creditor_name),
            None => row.creditor_name.clone(),
        },
        object: row.object.clone(),
        nature: row.nature.clone(),
        amount_ht: Cents(row.amount_ht).to_french(),
        vat: Cents(row.vat).to_french(),
        attachment: row.attachment_name.clone(),
    }
}

async fn page(State(state): State<AppState>, OrgMember(access): OrgMember, Query(done): Query<Done>) -> Result<AccountingPage, HtmlError> {
    access.require_agent()?;
    accounting_page(&state, &access, None, done.fait).await
}

/// The page again with the reason of a refusal (nothing changed), or back to it with the confirmation.
async fn outcome(state: &AppState, access: &OrgAccess, result: Result<String, ActsError>) -> Result<Response, HtmlError> {
    match result {
        Ok(message) => {
            Ok(Redirect::to(&format!("/{}/flux-comptables?fait={}", access.organisation.slug, web::urls::encode_component(&message)))
                .into_response())
        }
        Err(e) => Ok((StatusCode::UNPROCESSABLE_ENTITY, accounting_page(state, access, Some(reason(e)?), None).await?).into_response()),
    }
}

#[derive(Deserialize)]
struct YearForm {
    year: i64,
}

/// Signs every bordereau of the year's titres and queues the file for the accountant.
async fn send_revenue(
    state: State<AppState>,
    member: OrgMember,
    services: Extension<ActsServices>,
    form: Form<YearForm>,
) -> Result<Response, HtmlError> {
    send(Domain::Revenue, state, member, services, form).await
}

/// Signs the year's pending mandates as one bordereau and queues the file for the accountant.
async fn send_expenditure(
    state: State<AppState>,
    member: OrgMember,
    services: Extension<ActsServices>,
    form: Form<YearForm>,
) -> Result<Response, HtmlError> {
    send(Domain::Expenditure, state, member, services, form).await
}

async fn send(
    domain: Domain,
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Extension(services): Extension<ActsServices>,
    Form(form): Form<YearForm>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let user = &access.principal.user;
    let signatory = Signatory { user_id: user.id, name: &user.display_name, email: &user.email };
    let submission = Submission {
        db: &state.db,
        blobs: &state.blobs,
        vault: &services.vault,
        organisation: (access.scope, access.organisation.name.as_str()),
        signatory: &signatory,
        year: form.year,
        now: keys::now(),
    };
    let result = accounting::submit(domain, &submission).await.map(|_| match domain {
        Domain::Revenue => format!("Bordereaux de recettes {} signés : le fichier part chez le comptable.", form.year),
        Domain::Expenditure => format!("Bordereau de mandats {} signé : le fichier part chez le comptable.", form.year),
    });
    outcome(&state, &access, result).await
}

async fn add_mandate(State(state): State<AppState>, OrgMember(access): OrgMember, mut multipart: Multipart) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let (fields, mut files) = match read_multipart(&mut multipart).await {
        Ok(read) => read,
        Err(MultipartError::TooLarge) => {
            return outcome(&state, &access, Err(ActsError::Invalid("pièce justificative : 4 Mo au plus".into()))).await;
        }
        Err(MultipartError::Unreadable(e)) => return Err(HtmlError::bad_request(format!("formulaire illisible : {e}"))),
    };
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let amount = |name: &str, label: &str| {
        Cents::parse_euros(&field(name).replace([' ', '\u{a0}', '€'], ""))
            .map_err(|_| ActsError::Invalid(format!("{label} « {} » invalide (ex. 1250,00)", field(name))))
    };
    let mandate = (|| -> Result<NewMandate, ActsError> {
        Ok(NewMandate {
            issued_on: parse_date(&field("issued_on"))?,
            creditor_name: field("creditor_name"),
            creditor_siret: Some(field("creditor_siret").replace(' ', "")).filter(|s| !s.is_empty()),
            creditor_address: field("creditor_address"),
            creditor_postal_code: field("creditor_postal_code"),
            creditor_town: field("creditor_town"),
            object: field("object"),
            nature: field("nature"),
            amount_ht: amount("amount_ht", "montant hors taxes")?,
            vat: if field("vat").is_empty() { Cents(0) } else { amount("vat", "TVA")? },
            attachment: files.remove("attachment").map(|f| (f.name, f.bytes)),
        })
    })();
    let actor = access.principal.user.display_name.clone();
    let result = match mandate {
        Ok(mandate) => expenditure::add(&state.db, &state.blobs, access.scope, &actor, mandate).await,
        Err(e) => Err(e),
    }
    .map(|number| format!("Mandat n° {number} enregistré : il sera signé avec le prochain bordereau."));
    outcome(&state, &access, result).await
}

async fn remove_mandate(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let result = expenditure::remove(&state.db, access.scope, id).await.map(|()| "Mandat supprimé.".to_string());
    outcome(&state, &access, result).await
}

async fn save_budget(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Form(form): Form<BudgetForm>,
) -> Result<Response, HtmlError> {
    if !access.is_admin() {
        return Err(HtmlError::forbidden());
    }
    let result = budget::set(&state.db, access.scope, &form).await.map(|()| "Codes Hélios du budget enregistrés.".to_string());
    outcome(&state, &access, result).await
}

async fn download(state: State<AppState>, member: OrgMember, id: Path<(String, i64)>) -> Result<Response, HtmlError> {
    served_file(state, member, id, false).await
}

async fn download_acquit(state: State<AppState>, member: OrgMember, id: Path<(String, i64)>) -> Result<Response, HtmlError> {
    served_file(state, member, id, true).await
}

async fn served_file(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    acquit: bool,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let (name, bytes) = accounting::file(&state.db, &state.blobs, access.scope, id, acquit).await.map_err(|e| match reason(e) {
        Ok(message) => HtmlError::bad_request(message),
        Err(e) => e,
    })?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml".to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))],
        bytes,
    )
        .into_response())
}
