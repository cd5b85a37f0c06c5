//! The agents' actions on an act. A refused action shows the page again with the reason and changes
//! nothing; a done one redirects with its confirmation.

use super::pages::{act_page, acts_page, new_act_page};
use super::{ActsServices, person_of};
use crate::circuit::{self, Decision};
use crate::legality::Nature;
use crate::service::{self, AnnexUpload, NewActInput, Upload, parse_date};
use crate::{ActsError, publication, transmission};
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use serde::Deserialize;
use std::collections::HashMap;
use web::{AppState, HtmlError};

/// The largest upload of a new act (main document and annexes together).
const MAX_UPLOAD: usize = 40 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/actes/nouveau", post(create).layer(DefaultBodyLimit::max(MAX_UPLOAD)))
        .route("/{slug}/actes/depuis-deliberation", post(from_deliberation))
        .route("/{slug}/actes/{id}/circuit", post(start_circuit))
        .route("/{slug}/actes/{id}/decision", post(decide))
        .route("/{slug}/actes/{id}/transmission", post(transmit))
        .route("/{slug}/actes/{id}/releve", post(poll))
        .route("/{slug}/actes/{id}/publication", post(publish))
        .route("/{slug}/actes/{id}/annulation", post(cancel))
}

fn to_act(access: &OrgAccess, id: i64, message: &str) -> Response {
    Redirect::to(&format!("/{}/actes/{id}?fait={}", access.organisation.slug, web::urls::encode_component(message))).into_response()
}

/// The act's page again with the reason of the refusal.
async fn refused_on_act(state: &AppState, access: &OrgAccess, id: i64, error: ActsError) -> Result<Response, HtmlError> {
    let reason = reason(error)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, act_page(state, access, id, Some(reason), None).await?).into_response())
}

pub(super) fn reason(error: ActsError) -> Result<String, HtmlError> {
    match error {
        ActsError::NotFound(_) => Err(HtmlError::not_found()),
        ActsError::Store(e) => Err(HtmlError::internal(&e)),
        ActsError::Blob(e) => Err(HtmlError::internal(&e)),
        other => Ok(other.to_string()),
    }
}

async fn create(State(state): State<AppState>, OrgMember(access): OrgMember, mut multipart: Multipart) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let (fields, mut files) = match read_multipart(&mut multipart).await {
        Ok(read) => read,
        Err(MultipartError::TooLarge) => {
            let error = ActsError::Invalid(format!("les fichiers d'un acte pèsent {} Mo au plus", MAX_UPLOAD / (1024 * 1024)));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, new_act_page(&state, &access, Some(error.to_string())).await?).into_response());
        }
        Err(MultipartError::Unreadable(e)) => return Err(HtmlError::bad_request(format!("formulaire illisible : {e}"))),
    };
    let input = (|| -> Result<NewActInput, ActsError> {
        let field = |name: &str| fields.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        let nature = Nature::from_letters(&field("nature"))?;
        let document = files.remove("document").ok_or_else(|| ActsError::Invalid("choisissez le document principal (PDF)".into()))?;
        let mut annexes = Vec::new();
        for i in 1..=3 {
            if let Some(file) = files.remove(&format!("annexe_{i}")) {
                annexes.push(AnnexUpload { piece_type: field(&format!("type_{i}")), file });
            }
        }
        Ok(NewActInput {
            nature,
            matter_code: field("matter_code"),
            internal_number: field("internal_number"),
            decided_on: parse_date(&field("decided_on"))?,
            subject: field("subject"),
            register_number: Some(field("register_number")).filter(|r| !r.is_empty()),
            document,
            annexes,
        })
    })();
    let created = match input {
        Ok(input) => service::create(&state.db, &state.blobs, access.scope, &access.principal.user.display_name, input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(id) => Ok(to_act(&access, id, "Brouillon enregistré : mettez-le dans son circuit de signature.")),
        Err(e) => Ok((StatusCode::UNPROCESSABLE_ENTITY, new_act_page(&state, &access, Some(reason(e)?)).await?).into_response()),
    }
}

/// Why a multipart form could not be read.
pub(super) enum MultipartError {
    /// A file went past the route's body limit.
    TooLarge,
    Unreadable(String),
}

/// The text fields and the non-empty files of a multipart form, by field name.
pub(super) async fn read_multipart(
    multipart: &mut Multipart,
) -> Result<(HashMap<String, String>, HashMap<String, Upload>), MultipartError> {
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut files: HashMap<String, Upload> = HashMap::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| MultipartError::Unreadable(e.to_string()))? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|_| MultipartError::TooLarge)?;
        match file_name {
            Some(file_name) if !bytes.is_empty() => {
                files.insert(name, Upload { name: file_name, bytes: bytes.to_vec() });
            }
            Some(_) => {}
            None => {
                fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    Ok((fields, files))
}

#[derive(Deserialize)]
struct FromDeliberation {
    number: String,
    #[serde(default)]
    internal_number: String,
}

async fn from_deliberation(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Form(input): Form<FromDeliberation>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let internal = Some(input.internal_number.trim()).filter(|n| !n.is_empty());
    let organisation = (access.organisation.name.as_str(), access.organisation.slug.as_str());
    match service::create_from_deliberation(
        &state.db,
        &state.blobs,
        access.scope,
        organisation,
        &access.principal.user.display_name,
        &input.number,
        internal,
    )
    .await
    {
        Ok(id) => Ok(to_act(&access, id, &format!("Acte de la délibération {} créé à partir de son extrait.", input.number))),
        Err(e) => Ok((StatusCode::UNPROCESSABLE_ENTITY, acts_page(&state, &access, Some(reason(e)?), None).await?).into_response()),
    }
}

async fn start_circuit(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let person = person_of(&access);
    match circuit::start(&state.db, access.scope, &person.as_person(), id).await {
        Ok(()) => Ok(to_act(&access, id, "L'acte est dans son circuit ; les personnes de la première étape sont prévenues.")),
        Err(e) => refused_on_act(&state, &access, id, e).await,
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn decide(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Extension(services): Extension<ActsServices>,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, HtmlError> {
    let decision = match form.decision.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject { reason: form.reason },
        _ => return Err(HtmlError::bad_request("décision inconnue")),
    };
    let person = person_of(&access);
    let signing = circuit::Signing { db: &state.db, blobs: &state.blobs, vault: &services.vault };
    let outcome = circuit::decide(signing, access.scope, &access.organisation.name, &person.as_person(), id, decision).await;
    match outcome {
        Ok(state_after) => Ok(to_act(&access, id, &format!("Fait. État de l'acte : {}.", state_after.label()))),
        Err(e) => refused_on_act(&state, &access, id, e).await,
    }
}

async fn transmit(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    match transmission::transmit(&state.db, access.scope, &access.organisation, &access.principal.user.display_name, id).await {
        Ok(actes_id) => Ok(to_act(
            &access,
            id,
            &format!(
                "Transmission de l'acte {actes_id} demandée : elle part dans l'instant, et est réessayée tant que la préfecture est injoignable."
            ),
        )),
        Err(e) => refused_on_act(&state, &access, id, e).await,
    }
}

async fn poll(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Extension(services): Extension<ActsServices>,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    match transmission::poll(&state.db, &state.blobs, &services.legality, access.scope, id).await {
        Ok(count) => Ok(to_act(&access, id, &format!("{count} nouveau(x) message(s) de la préfecture."))),
        Err(e) => refused_on_act(&state, &access, id, e).await,
    }
}

async fn publish(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    match publication::publish(&state.db, access.scope, access.actor(), id, store::clock::now_millis()).await {
        Ok(()) => Ok(to_act(&access, id, "Acte publié : il est en ligne sur la page publique des actes.")),
        Err(e) => refused_on_act(&state, &access, id, e).await,
    }
}

async fn cancel(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Extension(services): Extension<ActsServices>,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let actor = access.principal.user.display_name.clone();
    match transmission::cancel(&state.db, &state.blobs, &services.legality, access.scope, &access.organisation, &actor, id).await {
        Ok(()) => Ok(to_act(&access, id, "Demande d'annulation envoyée à la préfecture.")),
        Err(e) => refused_on_act(&state, &access, id, e).await,
    }
}
