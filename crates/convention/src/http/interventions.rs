//! The Métropole's register of the interventions ordered by members (article 3, annexe 3).

use crate::interventions::{self, Intervention};
use crate::model::DayRate;
use crate::{ConventionError, invoicing, service};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use kernel::{Cents, OrganisationKind};
use std::collections::HashMap;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new().route("/{slug}/interventions", get(register).post(record)).route("/{slug}/interventions/{id}/{action}", post(act))
}

#[derive(Template, WebTemplate)]
#[template(path = "interventions.html")]
struct RegisterPage {
    page: PageMeta,
    slug: String,
    interventions: Vec<Intervention>,
    members: Vec<(String, String)>,
    rate_card: Vec<DayRate>,
    message: Option<String>,
    error: Option<String>,
    today: String,
    to_invoice: Cents,
}

impl RegisterPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }
}

async fn page(state: &AppState, access: &OrgAccess, message: Option<String>, error: Option<String>) -> Result<RegisterPage, HtmlError> {
    if access.organisation.kind != OrganisationKind::Metropole {
        return Err(HtmlError::not_found());
    }
    let interventions = interventions::of_issuer(&state.db, access.scope).await?;
    let to_invoice = interventions.iter().filter(|i| i.done_on.is_some() && i.invoiced_by.is_none()).map(Intervention::including_tax).sum();
    let members = identity::service::organisations(&state.db)
        .await?
        .into_iter()
        .filter(|o| matches!(o.kind, OrganisationKind::Commune | OrganisationKind::Ccas))
        .map(|o| (o.slug, o.name))
        .collect();
    let mut rate_card = Vec::new();
    for period in service::periods(&state.db).await?.iter().rev() {
        rate_card = service::rate_card(&state.db, period).await?;
        if !rate_card.is_empty() {
            break;
        }
    }
    let slug = access.organisation.slug.clone();
    Ok(RegisterPage {
        page: access.page("Interventions commandées par les membres").with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Interventions", &format!("/{slug}/interventions")),
        ]),
        slug,
        interventions,
        members,
        rate_card,
        message,
        error,
        today: store::clock::today_paris().to_string(),
        to_invoice,
    })
}

#[derive(serde::Deserialize, Default)]
struct RegisterQuery {
    fait: Option<String>,
}

async fn register(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    axum::extract::Query(q): axum::extract::Query<RegisterQuery>,
) -> Result<RegisterPage, HtmlError> {
    page(&state, &access, q.fait, None).await
}

/// The outcome of an action: the register again, with `message` when there is one; or, when refused, the
/// register with the reason and nothing changed.
async fn outcome(state: &AppState, access: &OrgAccess, result: Result<Option<String>, ConventionError>) -> Result<Response, HtmlError> {
    let slug = &access.organisation.slug;
    match result {
        Ok(None) => Ok(Redirect::to(&format!("/{slug}/interventions")).into_response()),
        Ok(Some(message)) => {
            Ok(Redirect::to(&format!("/{slug}/interventions?fait={}", web::urls::encode_component(&message))).into_response())
        }
        Err(ConventionError::Store(e)) => Err(HtmlError::internal(&e)),
        Err(ConventionError::NotFound(_)) => Err(HtmlError::not_found()),
        Err(other) => Ok((StatusCode::UNPROCESSABLE_ENTITY, page(state, access, None, Some(other.to_string())).await?).into_response()),
    }
}

/// The date of a form's `date` field.
fn form_date(form: &HashMap<String, String>) -> Result<time::Date, ConventionError> {
    invoicing::parse_date(form.get("date").map(String::as_str).unwrap_or(""))
}

/// The form: `membre`, `objet`, `accord`, `date`, and `jours_{profile}` for each profile of the rate card.
async fn record(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    page(&state, &access, None, None).await?;
    access.require_agent()?;
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    let member = identity::service::organisation_by_slug(&state.db, field("membre")).await?;
    let result = async {
        let member = member.ok_or_else(|| ConventionError::Invalid { field: "membre", message: "choisissez le membre".into() })?;
        let mut lines: Vec<(String, String)> =
            form.iter().filter_map(|(name, days)| Some((name.strip_prefix("jours_")?.to_string(), days.clone()))).collect();
        lines.sort();
        interventions::record(&state.db, access.actor(), &member, field("objet"), field("accord"), form_date(&form)?, &lines).await?;
        Ok(None)
    }
    .await;
    outcome(&state, &access, result).await
}

/// An action on a recorded intervention, with the date of the form's `date` field: `service-fait`
/// records the service as done; `titre` issues its titre, once the service is done.
async fn act(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, id, action)): Path<(String, i64, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, HtmlError> {
    page(&state, &access, None, None).await?;
    access.require_agent()?;
    let result = async {
        let date = form_date(&form)?;
        match action.as_str() {
            "service-fait" => interventions::mark_done(&state.db, access.actor(), access.scope, id, date).await.map(|_| None),
            "titre" => {
                let order = invoicing::invoice_intervention(&state.db, access.actor(), access.scope, id, date).await?;
                Ok(Some(format!("Titre {} émis pour {} : {} TTC.", order.reference(), order.debtor_name, order.total)))
            }
            _ => Err(ConventionError::NotFound(action.clone())),
        }
    }
    .await;
    outcome(&state, &access, result).await
}
