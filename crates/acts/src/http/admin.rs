//! The organisation's signing setup: circuits per nature, delegations during absences, signing
//! certificates (PKCS#12 import), @ctes settings and classification.

use super::actions::reason;
use super::pages::{Done, fr, meta};
use super::{ActsServices, person_of};
use crate::circuit;
use crate::legality::Nature;
use crate::model::{Assignee, Circuit, CircuitStep, Delegation, StepKind};
use crate::settings::{self, LegalitySettings};
use crate::{ActsError, keys, service};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use identity::model::MemberView;
use kernel::Role;
use serde::Deserialize;
use std::collections::HashMap;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/actes/circuits", get(circuits))
        .route("/{slug}/actes/circuits/{nature}", post(save_circuit))
        .route("/{slug}/actes/delegations", post(add_delegation))
        .route("/{slug}/actes/delegations/{id}/suppression", post(remove_delegation))
        .route("/{slug}/actes/certificats", get(certificates).post(import_certificate).layer(DefaultBodyLimit::max(1024 * 1024)))
        .route("/{slug}/actes/certificats/ca.pem", get(ca_pem))
        .route("/{slug}/actes/parametres", get(settings_page_route).post(save_settings))
        .route("/{slug}/actes/classification", post(import_classification).layer(DefaultBodyLimit::max(4 * 1024 * 1024)))
}

fn back(access: &OrgAccess, page: &str, message: &str) -> Response {
    Redirect::to(&format!("/{}/actes/{page}?fait={}", access.organisation.slug, web::urls::encode_component(message))).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "circuits.html")]
struct CircuitsPage {
    page: PageMeta,
    slug: String,
    circuits: Vec<Circuit>,
    delegations: Vec<Delegation>,
    members: Vec<MemberView>,
    roles: [Role; 3],
    kinds: [StepKind; 3],
    is_admin: bool,
    error: Option<String>,
    done: Option<String>,
}

impl CircuitsPage {
    fn fr(&self, date: &time::Date) -> String {
        fr(*date)
    }
    /// The value of the assignee select for a step: `role:org_admin` or `user:12`.
    fn assignee_value(&self, step: &CircuitStep) -> String {
        match &step.assignee {
            Assignee::Role(role) => format!("role:{}", role.code()),
            Assignee::Person { user_id, .. } => format!("user:{user_id}"),
        }
    }
    fn step_at(&self, circuit: &Circuit, index: &usize) -> Option<CircuitStep> {
        circuit.steps.get(*index).cloned()
    }
}

async fn circuits_page(
    state: &AppState,
    access: &OrgAccess,
    error: Option<String>,
    done: Option<String>,
) -> Result<CircuitsPage, HtmlError> {
    Ok(CircuitsPage {
        page: meta(
            access,
            "Circuits de signature et délégations",
            Some(("Circuits", format!("/{}/actes/circuits", access.organisation.slug))),
        ),
        slug: access.organisation.slug.clone(),
        circuits: circuit::circuits(&state.db, access.scope).await?,
        delegations: circuit::delegations(&state.db, access.scope).await?,
        members: identity::service::members(&state.db, access.scope).await.map_err(|e| HtmlError::internal(&e))?,
        roles: Role::ALL,
        kinds: StepKind::ALL,
        is_admin: access.is_admin(),
        error,
        done,
    })
}

async fn circuits(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Query(done): Query<Done>,
) -> Result<CircuitsPage, HtmlError> {
    circuits_page(&state, &access, None, done.fait).await
}

async fn refused_on_circuits(state: &AppState, access: &OrgAccess, error: ActsError) -> Result<Response, HtmlError> {
    let reason = reason(error)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, circuits_page(state, access, Some(reason), None).await?).into_response())
}

/// A circuit as typed: `name`, then `kind_1`/`assignee_1` … `kind_5`/`assignee_5` (empty ones skipped).
async fn save_circuit(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, nature)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    if !access.is_admin() {
        return Err(HtmlError::forbidden());
    }
    let nature = Nature::from_letters(&nature).map_err(|_| HtmlError::not_found())?;
    let members = identity::service::members(&state.db, access.scope).await.map_err(|e| HtmlError::internal(&e))?;
    let mut steps = Vec::new();
    for i in 1..=5 {
        let kind = form.get(&format!("kind_{i}")).map(String::as_str).unwrap_or_default();
        let assignee = form.get(&format!("assignee_{i}")).map(String::as_str).unwrap_or_default();
        if kind.is_empty() || assignee.is_empty() {
            continue;
        }
        let Some(kind) = StepKind::parse(kind) else { return Err(HtmlError::bad_request("type d'étape inconnu")) };
        let assignee = match assignee.split_once(':') {
            Some(("role", code)) => Role::ALL.into_iter().find(|r| r.code() == code).map(Assignee::Role),
            Some(("user", id)) => id
                .parse::<i64>()
                .ok()
                .and_then(|id| members.iter().find(|m| m.user_id == id))
                .map(|m| Assignee::Person { user_id: m.user_id, name: m.display_name.clone() }),
            _ => None,
        };
        let Some(assignee) = assignee else {
            return refused_on_circuits(&state, &access, ActsError::Invalid(format!("étape {i} : destinataire inconnu"))).await;
        };
        steps.push(CircuitStep { kind, assignee });
    }
    let person = person_of(&access);
    let name = form.get("name").map(String::as_str).unwrap_or_default();
    match circuit::save_circuit(&state.db, access.scope, &person.as_person(), nature, name, &steps).await {
        Ok(()) => Ok(back(&access, "circuits", &format!("Circuit des actes « {} » enregistré.", nature.label()))),
        Err(e) => refused_on_circuits(&state, &access, e).await,
    }
}

#[derive(Deserialize)]
struct DelegationForm {
    from: i64,
    to: i64,
    starts_on: String,
    ends_on: String,
}

async fn add_delegation(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Form(form): Form<DelegationForm>,
) -> Result<Response, HtmlError> {
    if !access.is_admin() && form.from != access.principal.user.id {
        return Err(HtmlError::forbidden());
    }
    let person = person_of(&access);
    let dates = service::parse_date(&form.starts_on).and_then(|s| service::parse_date(&form.ends_on).map(|e| (s, e)));
    let outcome = match dates {
        Ok((starts, ends)) => {
            circuit::add_delegation(&state.db, access.scope, &person.as_person(), form.from, form.to, starts, ends).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(back(&access, "circuits", "Délégation enregistrée.")),
        Err(e) => refused_on_circuits(&state, &access, e).await,
    }
}

async fn remove_delegation(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    let person = person_of(&access);
    let own = circuit::delegations(&state.db, access.scope).await?.iter().any(|d| d.id == id && d.from_user_id == access.principal.user.id);
    if !access.is_admin() && !own {
        return Err(HtmlError::forbidden());
    }
    match circuit::remove_delegation(&state.db, access.scope, &person.as_person(), id).await {
        Ok(()) => Ok(back(&access, "circuits", "Délégation supprimée.")),
        Err(e) => refused_on_circuits(&state, &access, e).await,
    }
}

/// A certificate as listed.
struct CertificateLine {
    subject: String,
    purpose: &'static str,
    source: &'static str,
    valid_until: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates.html")]
struct CertificatesPage {
    page: PageMeta,
    slug: String,
    certificates: Vec<CertificateLine>,
    error: Option<String>,
    done: Option<String>,
}

async fn certificates_page(
    state: &AppState,
    access: &OrgAccess,
    error: Option<String>,
    done: Option<String>,
) -> Result<CertificatesPage, HtmlError> {
    let certificates = keys::certificates(&state.db, access.scope)
        .await?
        .into_iter()
        .map(|c| CertificateLine {
            subject: c.subject,
            purpose: if c.authority {
                "Autorité de certification de l'organisation"
            } else if c.seal {
                "Cachet de l'organisation"
            } else {
                "Signature d'une personne"
            },
            source: if c.imported { "importé (PKCS#12)" } else { "émis par l'autorité de démonstration" },
            valid_until: fr(c.not_after.date()),
        })
        .collect();
    Ok(CertificatesPage {
        page: meta(access, "Certificats de signature", Some(("Certificats", format!("/{}/actes/certificats", access.organisation.slug)))),
        slug: access.organisation.slug.clone(),
        certificates,
        error,
        done,
    })
}

async fn certificates(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Query(done): Query<Done>,
) -> Result<CertificatesPage, HtmlError> {
    certificates_page(&state, &access, None, done.fait).await
}

/// Imports the signed-in person's PKCS#12 file (the certificate they will sign with from now on).
async fn import_certificate(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Extension(services): Extension<ActsServices>,
    mut multipart: Multipart,
) -> Result<Response, HtmlError> {
    let (mut file, mut password) = (None, String::new());
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("fichier") => file = field.bytes().await.ok().map(|b| b.to_vec()),
            Some("mot_de_passe") => password = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let outcome = match file.filter(|f| !f.is_empty()) {
        Some(file) => keys::import(&state.db, &services.vault, access.scope, access.principal.user.id, &file, &password).await,
        None => Err(ActsError::Invalid("choisissez le fichier PKCS#12 (.p12 ou .pfx)".into())),
    };
    match outcome {
        Ok(subject) => {
            Ok(back(&access, "certificats", &format!("Certificat importé : {subject}. Vos prochaines signatures l'utiliseront.")))
        }
        Err(e) => Ok((StatusCode::UNPROCESSABLE_ENTITY, certificates_page(&state, &access, Some(reason(e)?), None).await?).into_response()),
    }
}

async fn ca_pem(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<Response, HtmlError> {
    let pem = keys::chain_pem(&state.db, access.scope).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/x-pem-file"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"ca.pem\""),
        ],
        pem,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "act_settings.html")]
struct SettingsPage {
    page: PageMeta,
    slug: String,
    settings: LegalitySettings,
    classification_version: String,
    matters: usize,
    error: Option<String>,
    done: Option<String>,
}

async fn settings_page(
    state: &AppState,
    access: &OrgAccess,
    typed: Option<LegalitySettings>,
    error: Option<String>,
    done: Option<String>,
) -> Result<SettingsPage, HtmlError> {
    let settings = match typed {
        Some(typed) => typed,
        None => match settings::get(&state.db, access.scope).await? {
            Some(saved) => saved,
            None => LegalitySettings {
                departement: settings::suggested_departement(&access.organisation).map(|d| d.to_string()).unwrap_or_default(),
                ..LegalitySettings::default()
            },
        },
    };
    let classification = service::classification(&state.db, access.scope).await?;
    Ok(SettingsPage {
        page: meta(
            access,
            "Paramètres @ctes et classification",
            Some(("Paramètres", format!("/{}/actes/parametres", access.organisation.slug))),
        ),
        slug: access.organisation.slug.clone(),
        settings,
        classification_version: fr(classification.version_date),
        matters: classification.entries.len(),
        error,
        done,
    })
}

async fn settings_page_route(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Query(done): Query<Done>,
) -> Result<SettingsPage, HtmlError> {
    if !access.is_admin() {
        return Err(HtmlError::forbidden());
    }
    settings_page(&state, &access, None, None, done.fait).await
}

#[derive(Deserialize)]
struct SettingsForm {
    departement: String,
    arrondissement: String,
    collectivity_nature: String,
    referent_name: String,
    referent_email: String,
    referent_phone: String,
    return_email: String,
    siret: String,
}

async fn save_settings(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Form(form): Form<SettingsForm>,
) -> Result<Response, HtmlError> {
    if !access.is_admin() {
        return Err(HtmlError::forbidden());
    }
    let typed = LegalitySettings {
        departement: form.departement,
        arrondissement: form.arrondissement,
        collectivity_nature: form.collectivity_nature,
        referent_name: form.referent_name,
        referent_email: form.referent_email,
        referent_phone: form.referent_phone,
        return_email: form.return_email,
        siret: form.siret,
    };
    match settings::save(&state.db, access.scope, &access.organisation, &typed).await {
        Ok(()) => Ok(back(&access, "parametres", "Paramètres @ctes enregistrés.")),
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, settings_page(&state, &access, Some(typed), Some(reason(e)?), None).await?)
                .into_response())
        }
    }
}

/// Imports the `RetourClassification` file sent by the prefecture.
async fn import_classification(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    mut multipart: Multipart,
) -> Result<Response, HtmlError> {
    if !access.is_admin() {
        return Err(HtmlError::forbidden());
    }
    let mut file = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("fichier") {
            file = field.bytes().await.ok().map(|b| b.to_vec());
        }
    }
    let outcome = match file.filter(|f| !f.is_empty()) {
        Some(xml) => service::import_classification(&state.db, access.scope, &xml).await,
        None => Err(ActsError::Invalid("choisissez le fichier de classification (XML)".into())),
    };
    match outcome {
        Ok(c) => {
            Ok(back(&access, "parametres", &format!("Classification du {} importée ({} matières).", fr(c.version_date), c.entries.len())))
        }
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, settings_page(&state, &access, None, Some(reason(e)?), None).await?).into_response())
        }
    }
}
