//! The Métropole's billing desk: the titres de recette of a year, issuing them, recording payments,
//! downloading the PES V2 file for the public accountant.

use crate::invoicing::{self, RevenueOrder};
use crate::{ConventionError, service};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use identity::access::{OrgAccess, OrgMember};
use kernel::{Cents, OrganisationKind};
use serde::Deserialize;
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/facturation", get(desk))
        .route("/{slug}/facturation/emission", post(issue))
        .route("/{slug}/facturation/paiement", post(payment))
        .route("/{slug}/facturation/{year}/pes.xml", get(pes))
}

/// Only the issuer's people reach the desk; only its administrators and agents act on it.
fn issuer_only(access: &OrgAccess) -> Result<(), HtmlError> {
    if access.organisation.kind == OrganisationKind::Metropole { Ok(()) } else { Err(HtmlError::not_found()) }
}

#[derive(Template, WebTemplate)]
#[template(path = "billing.html")]
struct DeskPage {
    page: PageMeta,
    slug: String,
    year: i64,
    years: Vec<i64>,
    titres: Vec<RevenueOrder>,
    total: Cents,
    message: Option<String>,
    error: Option<String>,
    today: String,
}

impl DeskPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }
}

#[derive(Deserialize, Default)]
struct DeskQuery {
    annee: Option<i64>,
    fait: Option<String>,
}

fn current_year() -> i64 {
    i64::from(time::OffsetDateTime::now_utc().year())
}

async fn desk_page(
    state: &AppState,
    access: &OrgAccess,
    year: i64,
    message: Option<String>,
    error: Option<String>,
) -> Result<DeskPage, HtmlError> {
    let titres = invoicing::of_issuer(&state.db, access.scope, year).await?;
    let total = titres.iter().map(|o| o.total).sum();
    let years = service::periods(&state.db).await?.iter().flat_map(|p| p.first_year..=p.last_year()).collect();
    let slug = access.organisation.slug.clone();
    Ok(DeskPage {
        page: access.page(&format!("Titres de recette {year}")).with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Facturation", &format!("/{slug}/facturation")),
        ]),
        slug,
        year,
        years,
        titres,
        total,
        message,
        error,
        today: store::clock::today_paris().to_string(),
    })
}

async fn desk(State(state): State<AppState>, OrgMember(access): OrgMember, Query(q): Query<DeskQuery>) -> Result<DeskPage, HtmlError> {
    issuer_only(&access)?;
    desk_page(&state, &access, q.annee.unwrap_or_else(current_year), q.fait, None).await
}

#[derive(Deserialize)]
struct IssueForm {
    #[serde(default)]
    annee: String,
    #[serde(default)]
    date: String,
}

/// A refused action: the desk again, with the reason, and nothing changed.
async fn refused(state: &AppState, access: &OrgAccess, year: i64, error: ConventionError) -> Result<Response, HtmlError> {
    match error {
        ConventionError::Store(e) => Err(HtmlError::internal(&e)),
        other => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, desk_page(state, access, year, None, Some(other.to_string())).await?).into_response())
        }
    }
}

async fn issue(State(state): State<AppState>, OrgMember(access): OrgMember, Form(form): Form<IssueForm>) -> Result<Response, HtmlError> {
    issuer_only(&access)?;
    access.require_agent()?;
    let Ok(year) = form.annee.trim().parse::<i64>() else {
        return refused(&state, &access, current_year(), ConventionError::Invalid { field: "année", message: "année invalide".into() })
            .await;
    };
    let issued_on = match invoicing::parse_date(&form.date) {
        Ok(date) => date,
        Err(e) => return refused(&state, &access, year, e).await,
    };
    match invoicing::issue_year(&state.db, access.actor(), year, issued_on).await {
        Ok(report) => {
            let mut message = format!("{} titre(s) émis pour {year}.", report.issued.len());
            if report.already_issued > 0 {
                message.push_str(&format!(" {} membre(s) avaient déjà le leur.", report.already_issued));
            }
            if report.late {
                message.push_str(" Émission après le 30 septembre : délai de l'article 5 dépassé.");
            }
            Ok(Redirect::to(&format!(
                "/{}/facturation?annee={year}&fait={}",
                access.organisation.slug,
                web::urls::encode_component(&message)
            ))
            .into_response())
        }
        Err(e) => refused(&state, &access, year, e).await,
    }
}

#[derive(Deserialize)]
struct PaymentForm {
    #[serde(default)]
    titre: String,
    #[serde(default)]
    annee: String,
    #[serde(default)]
    date: String,
}

async fn payment(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Form(form): Form<PaymentForm>,
) -> Result<Response, HtmlError> {
    issuer_only(&access)?;
    access.require_agent()?;
    let year = form.annee.trim().parse::<i64>().unwrap_or_else(|_| current_year());
    let paid_on = match invoicing::parse_date(&form.date) {
        Ok(date) => date,
        Err(e) => return refused(&state, &access, year, e).await,
    };
    match invoicing::record_payment(&state.db, access.actor(), access.scope, form.titre.trim(), paid_on).await {
        Ok(order) => {
            let message = match order.late_payment() {
                Some(late) => format!(
                    "Paiement du titre {} enregistré, {} jour(s) après l'échéance : intérêts moratoires {} (taux {}) et indemnité forfaitaire {} dus.",
                    order.reference(),
                    late.days_late,
                    late.interest,
                    late.rate,
                    late.compensation
                ),
                None => format!("Paiement du titre {} enregistré, dans le délai.", order.reference()),
            };
            Ok(Redirect::to(&format!(
                "/{}/facturation?annee={year}&fait={}",
                access.organisation.slug,
                web::urls::encode_component(&message)
            ))
            .into_response())
        }
        Err(e) => refused(&state, &access, year, e).await,
    }
}

async fn pes(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, year)): Path<(String, i64)>,
) -> Result<Response, HtmlError> {
    issuer_only(&access)?;
    let today = store::clock::today_paris();
    match invoicing::pes_document(&state.db, year, today).await {
        Ok((name, xml, _)) => Ok((
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            ],
            xml,
        )
            .into_response()),
        Err(ConventionError::NotFound(_)) => Err(HtmlError::not_found()),
        Err(e) => Err(e.into()),
    }
}

/// On the Métropole's home page: the way to its billing desk. Other organisations get nothing.
pub struct BillingSection;

impl web::home::HomeSection for BillingSection {
    fn render<'a>(
        &'a self,
        db: &'a store::Db,
        _scope: store::OrgScope,
        organisation_slug: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<String, HtmlError>> {
        Box::pin(async move {
            let organisation = identity::service::organisation_by_slug(db, organisation_slug).await?.ok_or_else(HtmlError::not_found)?;
            if organisation.kind != OrganisationKind::Metropole {
                return Ok(String::new());
            }
            Ok(format!(
                "<section aria-labelledby=\"facturation\"><h2 id=\"facturation\">Facturation des services mutualisés</h2>\
                 <ul><li><a href=\"/{organisation_slug}/facturation\">Titres de recette des membres, paiements et flux PES V2</a></li>\
                 <li><a href=\"/{organisation_slug}/interventions\">Interventions commandées par les membres</a></li>\
                 <li><a href=\"/{organisation_slug}/demandes-convention\">Demandes de modification des conventions</a></li>\
                 <li><a href=\"/{organisation_slug}/registre-conventions\">Registre des conventions : signatures et avenants</a></li></ul></section>"
            ))
        })
    }
}
