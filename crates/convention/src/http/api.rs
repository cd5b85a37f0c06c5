use crate::annex::TariffRow;
use crate::service;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use identity::access::ApiOrgMember;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use web::{AppState, Problem};

#[derive(OpenApi)]
#[openapi(
    paths(annex, member_conventions, member_revenue_orders),
    components(schemas(AnnexRow, MemberConventionView, ChargeView, RevenueOrderView, RevenueOrderLineView, LatePaymentView)),
    tags((name = "convention", description = "Conventions de services numériques communs : applications, tarification, souscriptions"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conventions/{period}/annex-2", get(annex))
        .route("/api/v1/organisations/{slug}/conventions", get(member_conventions))
        .route("/api/v1/organisations/{slug}/revenue-orders", get(member_revenue_orders))
}

/// A figure line of annexe 2. Amounts are decimal strings in euros.
#[derive(Serialize, ToSchema)]
struct AnnexRow {
    application: String,
    application_global_cost_eur_ht: String,
    member_kind: String,
    metropole_participation_pct: String,
    insee_code: String,
    commune: String,
    population: u64,
    cost_period_eur: String,
    cost_annual_eur: String,
    cost_annual_after_participation_eur: String,
}

impl From<&TariffRow> for AnnexRow {
    fn from(r: &TariffRow) -> Self {
        Self {
            application: r.application.clone(),
            application_global_cost_eur_ht: r.global_cost.to_plain(),
            member_kind: r.kind.code().into(),
            metropole_participation_pct: r.participation.to_plain(),
            insee_code: r.insee_code.clone(),
            commune: r.name.clone(),
            population: r.population,
            cost_period_eur: r.share.cost_period.to_plain(),
            cost_annual_eur: r.share.cost_annual.to_plain(),
            cost_annual_after_participation_eur: r.share.cost_annual_after_participation.to_plain(),
        }
    }
}

/// The cost sharing of a period (annexe 2), public.
#[utoipa::path(get, path = "/api/v1/conventions/{period}/annex-2", tag = "convention",
    params(("period" = String, Path, description = "Période, par exemple 2019-2021")),
    responses((status = 200, body = [AnnexRow]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn annex(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<Vec<AnnexRow>>, Problem> {
    let period = service::period(&state.db, &code).await?;
    let rows = service::annex_rows(&state.db, &period).await?;
    Ok(Json(rows.iter().map(AnnexRow::from).collect()))
}

#[derive(Serialize, ToSchema)]
struct ChargeView {
    application: String,
    starts_on: String,
    ends_on: Option<String>,
    /// Null for a free application or a cost not fixed yet.
    annual_eur: Option<String>,
    annual_after_participation_eur: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct MemberConventionView {
    period: String,
    deliberation_reference: String,
    deliberation_date: String,
    participation_pct: String,
    charges: Vec<ChargeView>,
    annual_total_eur: String,
}

/// The organisation's conventions, subscriptions and yearly amounts (its members only).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/conventions", tag = "convention",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation")),
    responses((status = 200, body = [MemberConventionView]), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn member_conventions(
    State(state): State<AppState>,
    ApiOrgMember(access): ApiOrgMember,
) -> Result<Json<Vec<MemberConventionView>>, Problem> {
    let conventions = service::member_conventions(&state.db, access.scope, &access.organisation).await?;
    let is_ccas = access.organisation.kind == kernel::OrganisationKind::Ccas;
    Ok(Json(
        conventions
            .iter()
            .map(|c| MemberConventionView {
                period: c.period.code.clone(),
                deliberation_reference: c.convention.deliberation_reference.clone(),
                deliberation_date: c.convention.deliberation_date.clone(),
                participation_pct: if is_ccas { c.period.ccas_participation } else { c.period.commune_participation }.to_plain(),
                charges: c
                    .charges
                    .iter()
                    .map(|charge| ChargeView {
                        application: charge.application.application.code.clone(),
                        starts_on: charge.subscription.starts_on.clone(),
                        ends_on: charge.subscription.ends_on.clone(),
                        annual_eur: charge.share.map(|s| s.cost_annual.to_plain()),
                        annual_after_participation_eur: charge.share.map(|s| s.cost_annual_after_participation.to_plain()),
                    })
                    .collect(),
                annual_total_eur: c.annual_total().to_plain(),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
struct RevenueOrderLineView {
    /// Application code (flat fee) or profile code of annexe 3 (intervention).
    code: String,
    label: String,
    /// `1` (year) or a number of days (`1.5`).
    quantity: String,
    /// UN/ECE recommendation 20: `ANN` (year) or `DAY`.
    unit: String,
    unit_price_eur: String,
    /// Excluding tax.
    amount_eur: String,
}

#[derive(Serialize, ToSchema)]
struct LatePaymentView {
    days_late: i64,
    rate_pct: String,
    interest_eur: String,
    compensation_eur: String,
}

/// A titre de recette received by the member. Dates are ISO 8601; amounts decimal strings in euros.
#[derive(Serialize, ToSchema)]
struct RevenueOrderView {
    reference: String,
    year: i64,
    issued_on: String,
    /// Last day to contest (8 jours francs after receipt, article 5).
    contest_until: String,
    /// Payment due (30 days after notification, article 5).
    payment_due: String,
    paid_on: Option<String>,
    /// The invoiced intervention (article 3); absent for the yearly flat fee.
    intervention_id: Option<i64>,
    excluding_tax_eur: String,
    /// VAT rate in percent, absent for the flat fee (outside the scope of VAT).
    vat_rate_pct: Option<String>,
    vat_eur: String,
    /// Amount due, VAT included.
    total_eur: String,
    lines: Vec<RevenueOrderLineView>,
    late_payment: Option<LatePaymentView>,
}

/// The titres de recette the organisation received (its members only).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/revenue-orders", tag = "convention",
    params(("slug" = String, Path, description = "Identifiant d'adresse de l'organisation")),
    responses((status = 200, body = [RevenueOrderView]), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn member_revenue_orders(
    State(state): State<AppState>,
    ApiOrgMember(access): ApiOrgMember,
) -> Result<Json<Vec<RevenueOrderView>>, Problem> {
    let orders = crate::invoicing::of_debtor(&state.db, access.scope).await?;
    Ok(Json(
        orders
            .iter()
            .map(|o| RevenueOrderView {
                reference: o.reference(),
                year: o.year,
                issued_on: o.issued_on.to_string(),
                contest_until: o.contest_deadline().to_string(),
                payment_due: o.payment_due().to_string(),
                paid_on: o.paid_on.map(|d| d.to_string()),
                intervention_id: o.intervention.as_ref().map(|i| i.id),
                excluding_tax_eur: o.excluding_tax().to_plain(),
                vat_rate_pct: o.vat.map(|v| v.rate.to_plain()),
                vat_eur: o.vat.map_or(kernel::Cents(0), |v| v.amount).to_plain(),
                total_eur: o.total.to_plain(),
                lines: o
                    .lines
                    .iter()
                    .map(|l| RevenueOrderLineView {
                        code: l.code.clone(),
                        label: l.label.clone(),
                        quantity: l.quantity.decimal(),
                        unit: l.quantity.unit_code().into(),
                        unit_price_eur: l.unit_price.to_plain(),
                        amount_eur: l.amount.to_plain(),
                    })
                    .collect(),
                late_payment: o.late_payment().map(|late| LatePaymentView {
                    days_late: late.days_late,
                    rate_pct: late.rate.to_plain(),
                    interest_eur: late.interest.to_plain(),
                    compensation_eur: late.compensation.to_plain(),
                }),
            })
            .collect(),
    ))
}
