//! The actions of an organisation's agents on its assemblies: bodies and members, sittings and their
//! agenda, attendance and proxies, votes, and the signature of extracts. A refused action shows the page
//! again with the reason (naming the rule) and changes nothing.

use super::pages::{bodies_page, sitting_page, sittings_page};
use crate::model::VoteNames;
use crate::recording::{self, VoteInput};
use crate::rules::votes::{Ballot, Tally};
use crate::{AssemblyError, preparation};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use std::collections::HashMap;
use web::{AppState, HtmlError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/assemblees/{body}/membres", post(add_member))
        .route("/{slug}/seances/{id}/projets", post(add_item))
        .route(
            "/{slug}/seances/{id}/projets/{rank}/annexes",
            post(add_annex).layer(axum::extract::DefaultBodyLimit::max(crate::annexes::MAX_BYTES + 64 * 1024)),
        )
        .route("/{slug}/seances/{id}/convocations", post(send_convocations))
        .route("/{slug}/seances/{id}/seconde-convocation", post(convene_again))
        .route("/{slug}/seances/{id}/presences", post(record_attendance))
        .route("/{slug}/seances/{id}/mouvements", post(record_movement))
        .route("/{slug}/seances/{id}/projets/{rank}/vote", post(record_vote))
        .route("/{slug}/seances/{id}/deliberations/{number}/signature", post(sign_extract))
}

/// Where a refusal is shown: the page the form was on.
enum Back {
    Bodies,
    Sittings,
    Sitting(i64),
}

async fn refused(state: &AppState, access: &OrgAccess, back: Back, error: AssemblyError) -> Result<Response, HtmlError> {
    let reason = match error {
        AssemblyError::NotFound(_) => return Err(HtmlError::not_found()),
        AssemblyError::Store(e) => return Err(HtmlError::internal(&e)),
        other => Some(other.to_string()),
    };
    Ok(match back {
        Back::Bodies => (StatusCode::UNPROCESSABLE_ENTITY, bodies_page(state, access, reason).await?).into_response(),
        Back::Sittings => (StatusCode::UNPROCESSABLE_ENTITY, sittings_page(state, access, reason).await?).into_response(),
        Back::Sitting(id) => (StatusCode::UNPROCESSABLE_ENTITY, sitting_page(state, access, id, None, reason).await?).into_response(),
    })
}

fn to_sitting(access: &OrgAccess, id: i64, message: &str) -> Response {
    Redirect::to(&format!("/{}/seances/{id}?fait={}", access.organisation.slug, web::urls::encode_component(message))).into_response()
}

pub(super) async fn create_body(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Form(input): Form<preparation::BodyInput>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    match preparation::create_body(&state.db, access.actor(), access.scope, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/{}/assemblees", access.organisation.slug)).into_response()),
        Err(e) => refused(&state, &access, Back::Bodies, e).await,
    }
}

async fn add_member(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, body)): Path<(String, i64)>,
    Form(input): Form<preparation::MemberInput>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    match preparation::add_member(&state.db, access.actor(), access.scope, body, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/{}/assemblees#assemblee-{body}", access.organisation.slug)).into_response()),
        Err(e) => refused(&state, &access, Back::Bodies, e).await,
    }
}

pub(super) async fn create_sitting(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Form(input): Form<preparation::SittingInput>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    match preparation::create_sitting(&state.db, access.actor(), access.scope, &input).await {
        Ok(id) => Ok(to_sitting(&access, id, "Séance créée : inscrivez les projets à l'ordre du jour.")),
        Err(e) => refused(&state, &access, Back::Sittings, e).await,
    }
}

async fn add_item(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    Form(input): Form<preparation::ItemInput>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    match preparation::add_item(&state.db, access.actor(), access.scope, id, &input).await {
        Ok(_) => Ok(to_sitting(&access, id, "Projet inscrit à l'ordre du jour.")),
        Err(e) => refused(&state, &access, Back::Sitting(id), e).await,
    }
}

/// An annex of a project, sent as `multipart/form-data` (field `fichier`; the CSRF token in the URL).
async fn add_annex(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, rank)): Path<(String, i64, i64)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let mut upload = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("fichier") {
            let filename = field.file_name().unwrap_or("annexe").to_string();
            let content = match field.bytes().await {
                Ok(bytes) => bytes.to_vec(),
                Err(_) => {
                    let too_big =
                        AssemblyError::Invalid(format!("une annexe pèse {} Mo au plus", crate::annexes::MAX_BYTES / (1024 * 1024)));
                    return refused(&state, &access, Back::Sitting(id), too_big).await;
                }
            };
            upload = Some(crate::annexes::Upload { filename, content });
        }
    }
    let Some(upload) = upload else {
        return refused(&state, &access, Back::Sitting(id), AssemblyError::Invalid("choisissez le fichier de l'annexe".into())).await;
    };
    match crate::annexes::add(&state.db, &state.blobs, access.actor(), access.scope, (id, rank), upload).await {
        Ok(annex) => Ok(to_sitting(&access, id, &format!("Annexe « {} » jointe au projet {rank}.", annex.filename))),
        Err(e) => refused(&state, &access, Back::Sitting(id), e).await,
    }
}

/// Sends the convocations today, if the delay of the sitting allows it (or the urgency procedure).
async fn send_convocations(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let population = access.organisation.population.map(|(_, p)| p.max(0) as u64);
    match crate::convocations::send(&state.db, access.actor(), access.scope, id, population, store::clock::today_paris()).await {
        Ok(count) => Ok(to_sitting(&access, id, &format!("{count} convocation(s) envoyée(s)."))),
        Err(e) => refused(&state, &access, Back::Sitting(id), e).await,
    }
}

/// A second convocation after a failed quorum: the form gives its `date`.
async fn convene_again(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let date = form.get("date").map(String::as_str).unwrap_or("");
    match preparation::convene_again(&state.db, access.actor(), access.scope, id, date).await {
        Ok(second) => Ok(to_sitting(&access, second, "Seconde convocation préparée : le conseil y délibérera sans condition de quorum.")),
        Err(e) => refused(&state, &access, Back::Sitting(id), e).await,
    }
}

/// The form: `statut_{member}` (present, represented, excused, absent) and `mandataire_{member}` (the
/// id of the member holding the proxy) for each member in office.
async fn record_attendance(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let mut statuses = HashMap::new();
    for (field, value) in &form {
        let Some(member) = field.strip_prefix("statut_").and_then(|m| m.parse::<i64>().ok()) else { continue };
        let holder = form.get(&format!("mandataire_{member}")).and_then(|h| h.parse::<i64>().ok());
        statuses.insert(member, (value.clone(), holder));
    }
    match recording::record_attendance(&state.db, access.actor(), access.scope, id, &statuses).await {
        Ok(()) => Ok(to_sitting(&access, id, "Présences et pouvoirs enregistrés.")),
        Err(e) => refused(&state, &access, Back::Sitting(id), e).await,
    }
}

/// The form: `membre`, `mouvement` (`arrive` or `part`), `rang` (the first item concerned) and, for a
/// departure with a proxy, `mandataire`.
async fn record_movement(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let number = |name: &str| form.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    let input = match (number("membre"), number("rang"), form.get("mouvement").map(String::as_str)) {
        (Some(member_id), Some(from_rank), Some(movement @ ("arrive" | "part"))) => {
            Ok(recording::MovementInput { member_id, from_rank, arrives: movement == "arrive", holder_id: number("mandataire") })
        }
        _ => Err(AssemblyError::Invalid("choisissez le membre, le mouvement et le projet à partir duquel il vaut".into())),
    };
    let result = match input {
        Ok(input) => recording::record_movement(&state.db, access.actor(), access.scope, id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(to_sitting(&access, id, "Mouvement enregistré.")),
        Err(e) => refused(&state, &access, Back::Sitting(id), e).await,
    }
}

/// Names typed one per line (or separated by commas).
fn names(text: Option<&String>) -> Vec<String> {
    text.map(|t| t.split(['\n', ',']).map(str::trim).filter(|n| !n.is_empty()).map(str::to_string).collect()).unwrap_or_default()
}

fn vote_input(form: &HashMap<String, String>) -> Result<VoteInput, AssemblyError> {
    let count = |field: &str, what: &str| {
        let text = form.get(field).map(|v| v.trim()).unwrap_or("");
        if text.is_empty() {
            return Ok(0);
        }
        text.parse::<u32>().map_err(|_| AssemblyError::Invalid(format!("« {text} » : un nombre de voix est attendu ({what})")))
    };
    Ok(VoteInput {
        ballot: Ballot::parse(form.get("scrutin").map(String::as_str).unwrap_or("")).map_err(AssemblyError::Invalid)?,
        tally: Tally {
            for_: count("pour", "pour")?,
            against: count("contre", "contre")?,
            abstention: count("abstention", "abstention")?,
            not_voting: count("nppv", "ne prend pas part au vote")?,
        },
        president_for: match form.get("president").map(String::as_str) {
            Some("pour") => Some(true),
            Some("contre") => Some(false),
            _ => None,
        },
        names: VoteNames {
            against: names(form.get("noms_contre")),
            abstention: names(form.get("noms_abstention")),
            not_voting: names(form.get("noms_nppv")),
        },
    })
}

async fn record_vote(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, rank)): Path<(String, i64, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let result = match vote_input(&form) {
        Ok(vote) => recording::record_vote(&state.db, access.actor(), access.scope, id, rank, &vote).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(number) => Ok(to_sitting(&access, id, &format!("Vote enregistré : délibération n° {number}."))),
        Err(e) => refused(&state, &access, Back::Sitting(id), e).await,
    }
}

async fn sign_extract(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, number)): Path<(String, i64, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    access.require_agent()?;
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    let signature = (field("lieu"), field("date"), field("signataire"), field("qualite"), field("publication"));
    match recording::sign_extract(&state.db, access.actor(), access.scope, &number, signature).await {
        Ok(()) => Ok(to_sitting(&access, id, &format!("Extrait de la délibération n° {number} signé."))),
        Err(e) => refused(&state, &access, Back::Sitting(id), e).await,
    }
}
