use crate::annex::{self, AnnexTable, ApplicationNames};
use crate::model::{Period, PeriodApplication};
use crate::service::{self, MemberConvention};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::future::BoxFuture;
use identity::access::{OrgMember, Viewer};
use store::{Db, OrgScope};
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conventions/", get(periods_page))
        .route("/conventions/{period}/", get(period_page))
        .route("/conventions/{period}/annexe-2.csv", get(period_csv))
        .route("/{slug}/convention", get(member_page))
        .route("/{slug}/titres/{reference}/facture.xml", get(member_invoice_xml))
}

fn names(offers: &[PeriodApplication]) -> ApplicationNames {
    ApplicationNames(offers.iter().map(|o| (o.application.code.clone(), o.application.name.clone())).collect())
}

struct PeriodSummary {
    period: Period,
    offers: Vec<PeriodApplication>,
}

#[derive(Template, WebTemplate)]
#[template(path = "periods.html")]
struct PeriodsPage {
    page: PageMeta,
    periods: Vec<PeriodSummary>,
}

async fn periods_page(State(state): State<AppState>, viewer: Viewer) -> Result<PeriodsPage, HtmlError> {
    let mut periods = Vec::new();
    for period in service::periods(&state.db).await? {
        let offers = service::offers(&state.db, &period).await?;
        periods.push(PeriodSummary { period, offers });
    }
    Ok(PeriodsPage {
        page: viewer
            .page("Conventions de services numériques communs")
            .with_breadcrumbs(&[("Accueil", "/"), ("Conventions", "/conventions/")]),
        periods,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "period.html")]
struct PeriodPage<'a> {
    page: PageMeta,
    period: &'a Period,
    tables: Vec<AnnexTable<'a>>,
    names: ApplicationNames,
    years: u32,
    population_label: String,
    heading_level: u8,
    unpriced: Vec<String>,
}

async fn period_page(State(state): State<AppState>, viewer: Viewer, Path(code): Path<String>) -> Result<Response, HtmlError> {
    let period = service::period(&state.db, &code).await?;
    let offers = service::offers(&state.db, &period).await?;
    let rows = service::annex_rows(&state.db, &period).await?;
    let unpriced =
        offers.iter().filter(|o| !o.application.free_of_charge && o.global_cost.is_none()).map(|o| o.application.name.clone()).collect();
    let title = format!("Convention {} — annexe 2 : tarification forfaitaire", period.label());
    let page = PeriodPage {
        page: viewer.page(&title).with_breadcrumbs(&[
            ("Accueil", "/"),
            ("Conventions", "/conventions/"),
            (&period.label(), &format!("/conventions/{code}/")),
        ]),
        period: &period,
        tables: annex::tables(&rows),
        names: names(&offers),
        years: period.years as u32,
        population_label: format!("Population {}", period.population_year),
        heading_level: 3,
        unpriced,
    };
    Ok(page.into_response())
}

async fn period_csv(State(state): State<AppState>, Path(code): Path<String>) -> Result<Response, HtmlError> {
    let period = service::period(&state.db, &code).await?;
    let rows = service::annex_rows(&state.db, &period).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"annexe2_tarifs_{code}.csv\"")),
        ],
        annex::to_csv(&rows),
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "member.html")]
struct MemberPage {
    page: PageMeta,
    /// For the links to the titres' electronic invoices.
    slug: String,
    organisation: String,
    is_ccas: bool,
    conventions: Vec<MemberConvention>,
    titres: Vec<crate::invoicing::RevenueOrder>,
    interventions: Vec<crate::interventions::Intervention>,
}

impl MemberPage {
    fn fr(&self, date: impl std::borrow::Borrow<time::Date>) -> String {
        kernel::calendar::format_fr(*date.borrow())
    }
}

async fn member_page(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<MemberPage, HtmlError> {
    let conventions = service::member_conventions(&state.db, access.scope, &access.organisation).await?;
    let titres = crate::invoicing::of_debtor(&state.db, access.scope).await?;
    let interventions = crate::interventions::of_member(&state.db, access.scope).await?;
    let slug = access.organisation.slug.clone();
    Ok(MemberPage {
        page: access.page(&format!("Convention de services numériques — {}", access.organisation.name)).with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Convention", &format!("/{slug}/convention")),
        ]),
        slug,
        organisation: access.organisation.name.clone(),
        is_ccas: access.organisation.kind == kernel::OrganisationKind::Ccas,
        conventions,
        titres,
        interventions,
    })
}

/// A titre the member received, as a Factur-X EN 16931 (CII) electronic invoice.
async fn member_invoice_xml(
    State(state): State<AppState>,
    OrgMember(access): OrgMember,
    Path((_, reference)): Path<(String, String)>,
) -> Result<Response, HtmlError> {
    let order = crate::invoicing::of_debtor_by_reference(&state.db, access.scope, &reference).await?.ok_or_else(HtmlError::not_found)?;
    let (seller, buyer) = crate::facturx::parties(&state.db, &order).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.xml\"", order.reference())),
        ],
        crate::facturx::cii_invoice(&order, &seller, &buyer),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "home_section.html")]
struct HomeSectionFragment {
    slug: String,
    conventions: Vec<MemberConvention>,
}

/// The organisation home page's list of subscribed applications.
pub struct SubscriptionsSection;

impl web::home::HomeSection for SubscriptionsSection {
    fn render<'a>(&'a self, db: &'a Db, scope: OrgScope, organisation_slug: &'a str) -> BoxFuture<'a, Result<String, HtmlError>> {
        Box::pin(async move {
            let organisation = identity::service::organisation_by_slug(db, organisation_slug).await?.ok_or_else(HtmlError::not_found)?;
            let conventions = service::member_conventions(db, scope, &organisation).await?;
            HomeSectionFragment { slug: organisation_slug.to_string(), conventions }.render().map_err(|e| HtmlError::internal(&e))
        })
    }
}
