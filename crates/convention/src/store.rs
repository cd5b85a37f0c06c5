//! SQL of the convention slice. Conventions and subscriptions are tenant data (through `store::tenant`);
//! applications and periods are the platform's catalogue.

use crate::catalogue::PeriodRecord;
use crate::model::{Application, Convention, DayRate, Period, PeriodApplication, Subscription};
use kernel::{Cents, Percent};
use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{Db, OrgScope, StoreError, Tx, clock};

pub async fn insert_application(
    tx: &mut Tx,
    code: &str,
    name: &str,
    description: &str,
    free: bool,
    position: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO applications (code, name, description, free_of_charge, position) VALUES ($1, $2, $3, $4, $5)")
        .bind(code.to_string())
        .bind(name.to_string())
        .bind(description.to_string())
        .bind(i64::from(free))
        .bind(position)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_period(tx: &mut Tx, p: &PeriodRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO convention_periods (code, first_year, years, population_year, commune_participation, ccas_participation) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(p.code.clone())
    .bind(p.first_year)
    .bind(p.years)
    .bind(p.population_year)
    .bind(p.commune_participation.millionths())
    .bind(p.ccas_participation.millionths())
    .execute(&mut **tx)
    .await?;
    for (position, rate) in p.day_rates.iter().enumerate() {
        sqlx::query("INSERT INTO rate_cards (period_code, profile, label, day_rate_cents, position) VALUES ($1, $2, $3, $4, $5)")
            .bind(p.code.clone())
            .bind(rate.profile.clone())
            .bind(rate.label.clone())
            .bind(rate.price.0)
            .bind(position as i64)
            .execute(&mut **tx)
            .await?;
    }
    for (application, cost) in &p.offers {
        sqlx::query("INSERT INTO period_applications (period_code, application_code, global_cost_cents) VALUES ($1, $2, $3)")
            .bind(p.code.clone())
            .bind(application.clone())
            .bind(cost.map(|c| c.0))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PeriodRow {
    code: String,
    first_year: i64,
    years: i64,
    population_year: i64,
    commune_participation: i64,
    ccas_participation: i64,
}

impl From<PeriodRow> for Period {
    fn from(r: PeriodRow) -> Self {
        Period {
            code: r.code,
            first_year: r.first_year,
            years: r.years,
            population_year: r.population_year,
            commune_participation: Percent::from_millionths(r.commune_participation).unwrap_or(Percent::from_millionths(0).expect("0 %")),
            ccas_participation: Percent::from_millionths(r.ccas_participation).unwrap_or(Percent::from_millionths(0).expect("0 %")),
        }
    }
}

pub async fn periods(db: &Db) -> Result<Vec<Period>, StoreError> {
    let rows: Vec<PeriodRow> = sqlx::query_as(
        "SELECT code, first_year, years, population_year, commune_participation, ccas_participation FROM convention_periods ORDER BY first_year",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Period::from).collect())
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    code: String,
    name: String,
    description: String,
    free_of_charge: i64,
    global_cost_cents: Option<i64>,
}

/// The applications offered over a period, in catalogue order.
pub async fn offers(db: &Db, period_code: &str) -> Result<Vec<PeriodApplication>, StoreError> {
    let rows: Vec<OfferRow> = sqlx::query_as(
        "SELECT a.code, a.name, a.description, a.free_of_charge, pa.global_cost_cents FROM period_applications pa \
         JOIN applications a ON a.code = pa.application_code WHERE pa.period_code = $1 ORDER BY a.position",
    )
    .bind(period_code.to_string())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PeriodApplication {
            application: Application { code: r.code, name: r.name, description: r.description, free_of_charge: r.free_of_charge != 0 },
            global_cost: r.global_cost_cents.map(Cents),
        })
        .collect())
}

/// A commune counted in the cost sharing of a period.
#[derive(sqlx::FromRow)]
pub struct CommuneRow {
    pub id: i64,
    pub insee_code: String,
    pub name: String,
    pub population: i64,
}

/// The communes of the platform with their population of `year`, in INSEE code order (as annexe 2).
pub async fn communes_with_population(db: &Db, year: i64) -> Result<Vec<CommuneRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.insee_code, o.name, p.population FROM organisations o \
         JOIN organisation_populations p ON p.organisation_id = o.id AND p.year = $1 \
         WHERE o.kind = 'commune' AND o.insee_code IS NOT NULL ORDER BY o.insee_code",
    )
    .bind(year)
    .fetch_all(db.pool())
    .await?)
}

pub async fn insert_convention(tx: &mut Tx, scope: OrgScope, period_code: &str, reference: &str, date: &str) -> Result<i64, StoreError> {
    let row = scoped(
        scope,
        "INSERT INTO conventions (organisation_id, period_code, deliberation_reference, deliberation_date, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(period_code.to_string())
    .bind(reference.to_string())
    .bind(date.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

#[derive(sqlx::FromRow)]
struct ConventionRow {
    id: i64,
    period_code: String,
    deliberation_reference: String,
    deliberation_date: String,
}

pub async fn conventions(db: &Db, scope: OrgScope) -> Result<Vec<Convention>, StoreError> {
    let rows: Vec<ConventionRow> = scoped_as(
        scope,
        "SELECT id, period_code, deliberation_reference, deliberation_date FROM conventions WHERE organisation_id = $1 ORDER BY period_code",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Convention {
            id: r.id,
            period_code: r.period_code,
            deliberation_reference: r.deliberation_reference,
            deliberation_date: r.deliberation_date,
        })
        .collect())
}

pub async fn insert_subscription(
    tx: &mut Tx,
    scope: OrgScope,
    convention_id: i64,
    application: &str,
    starts_on: &str,
) -> Result<i64, StoreError> {
    let row = scoped(
        scope,
        "INSERT INTO subscriptions (organisation_id, convention_id, application_code, starts_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(convention_id)
    .bind(application.to_string())
    .bind(starts_on.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    id: i64,
    convention_id: i64,
    application_code: String,
    starts_on: String,
    ends_on: Option<String>,
}

pub async fn subscriptions(db: &Db, scope: OrgScope) -> Result<Vec<Subscription>, StoreError> {
    let rows: Vec<SubscriptionRow> = scoped_as(
        scope,
        "SELECT s.id, s.convention_id, s.application_code, s.starts_on, s.ends_on FROM subscriptions s \
         JOIN applications a ON a.code = s.application_code WHERE s.organisation_id = $1 ORDER BY s.convention_id, a.position",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Subscription {
            id: r.id,
            convention_id: r.convention_id,
            application_code: r.application_code,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
        })
        .collect())
}

/// A titre de recette to write.
pub struct RevenueOrderRecord<'a> {
    pub issuer_organisation_id: i64,
    pub convention_id: i64,
    pub year: i64,
    pub issued_on: &'a str,
    pub lines: &'a [(String, String, Cents)],
}

/// The next number of the issuer's yearly series of titres.
async fn next_titre_number(tx: &mut Tx, issuer: OrgScope, year: i64) -> Result<i64, StoreError> {
    Ok(scoped(issuer, "SELECT COALESCE(MAX(number), 0) + 1 FROM revenue_orders WHERE issuer_organisation_id = $1 AND year = $2")
        .bind(year)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?)
}

/// Writes a titre with its lines; its number is the next of the issuer for the year.
pub async fn insert_revenue_order(tx: &mut Tx, scope: OrgScope, record: &RevenueOrderRecord<'_>) -> Result<i64, StoreError> {
    let next = next_titre_number(tx, OrgScope::granted(record.issuer_organisation_id), record.year).await?;
    let total: Cents = record.lines.iter().map(|(_, _, amount)| *amount).sum();
    let id: i64 = scoped(
        scope,
        "INSERT INTO revenue_orders (organisation_id, issuer_organisation_id, convention_id, year, number, issued_on, total_cents, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(record.issuer_organisation_id)
    .bind(record.convention_id)
    .bind(record.year)
    .bind(next)
    .bind(record.issued_on.to_string())
    .bind(total.0)
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    for (position, (application, label, amount)) in record.lines.iter().enumerate() {
        scoped(
            scope,
            "INSERT INTO revenue_order_lines (organisation_id, revenue_order_id, position, application_code, label, amount_cents) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(position as i64 + 1)
        .bind(application.clone())
        .bind(label.clone())
        .bind(amount.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub struct RevenueOrderRow {
    pub id: i64,
    pub organisation_id: i64,
    pub year: i64,
    pub number: i64,
    pub issued_on: String,
    pub total_cents: i64,
    pub paid_on: Option<String>,
    pub intervention_id: Option<i64>,
    pub vat_rate_millionths: i64,
    pub vat_cents: i64,
    pub debtor_name: String,
    pub debtor_siren: Option<String>,
    pub debtor_kind: String,
}

#[derive(sqlx::FromRow)]
pub struct RevenueOrderLineRow {
    pub revenue_order_id: i64,
    pub application_code: String,
    pub label: String,
    pub amount_cents: i64,
}

/// The titres a member received, newest year first.
pub async fn revenue_orders_of_debtor(db: &Db, scope: OrgScope) -> Result<Vec<RevenueOrderRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT r.id, r.organisation_id, r.year, r.number, r.issued_on, r.total_cents, r.paid_on, r.intervention_id, r.vat_rate_millionths, r.vat_cents, \
         o.name AS debtor_name, o.siren AS debtor_siren, o.kind AS debtor_kind \
         FROM revenue_orders r JOIN organisations o ON o.id = r.organisation_id WHERE r.organisation_id = $1 ORDER BY r.year DESC, r.number DESC",
    )
    .fetch_all(db.pool())
    .await?)
}

/// The titres an issuer sent for a year, by number.
pub async fn revenue_orders_of_issuer(db: &Db, issuer: OrgScope, year: i64) -> Result<Vec<RevenueOrderRow>, StoreError> {
    Ok(scoped_as(
        issuer,
        "SELECT r.id, r.organisation_id, r.year, r.number, r.issued_on, r.total_cents, r.paid_on, r.intervention_id, r.vat_rate_millionths, r.vat_cents, \
         o.name AS debtor_name, o.siren AS debtor_siren, o.kind AS debtor_kind \
         FROM revenue_orders r JOIN organisations o ON o.id = r.organisation_id WHERE r.issuer_organisation_id = $1 AND r.year = $2 ORDER BY r.number",
    )
    .bind(year)
    .fetch_all(db.pool())
    .await?)
}

/// Lines of the titres of a debtor (`scope`), in order.
pub async fn revenue_order_lines(db: &Db, scope: OrgScope) -> Result<Vec<RevenueOrderLineRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT revenue_order_id, application_code, label, amount_cents FROM revenue_order_lines WHERE organisation_id = $1 ORDER BY revenue_order_id, position",
    )
    .fetch_all(db.pool())
    .await?)
}

/// Lines of every titre of an issuer for a year.
pub async fn revenue_order_lines_of_issuer(db: &Db, issuer: OrgScope, year: i64) -> Result<Vec<RevenueOrderLineRow>, StoreError> {
    Ok(scoped_as(
        issuer,
        "SELECT l.revenue_order_id, l.application_code, l.label, l.amount_cents FROM revenue_order_lines l \
         JOIN revenue_orders r ON r.id = l.revenue_order_id WHERE r.issuer_organisation_id = $1 AND r.year = $2 ORDER BY l.revenue_order_id, l.position",
    )
    .bind(year)
    .fetch_all(db.pool())
    .await?)
}

/// Whether a member already has its flat-fee titre for a year.
pub async fn has_revenue_order(tx: &mut Tx, scope: OrgScope, year: i64) -> Result<bool, StoreError> {
    Ok(scoped(scope, "SELECT 1 FROM revenue_orders WHERE organisation_id = $1 AND year = $2 AND intervention_id IS NULL")
        .bind(year)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

/// Every member having a convention: (organisation id).
pub async fn organisations_with_conventions(db: &Db) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query("SELECT DISTINCT organisation_id FROM conventions ORDER BY organisation_id").fetch_all(db.pool()).await?;
    rows.iter().map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from)).collect()
}

/// Records the payment of one of the issuer's titres; false when it is not an unpaid titre of the issuer.
pub async fn record_payment(tx: &mut Tx, issuer: OrgScope, id: i64, paid_on: &str) -> Result<bool, StoreError> {
    let done = scoped(issuer, "UPDATE revenue_orders SET paid_on = $3 WHERE issuer_organisation_id = $1 AND id = $2 AND paid_on IS NULL")
        .bind(id)
        .bind(paid_on.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The titre of an intervention, to write: its lines are the intervention's.
pub struct InterventionTitreRecord<'a> {
    pub convention_id: i64,
    pub intervention_id: i64,
    pub year: i64,
    pub issued_on: &'a str,
    /// VAT included.
    pub total: Cents,
    pub vat_rate_millionths: i64,
    pub vat: Cents,
}

/// Writes the titre of an intervention of `issuer` for `member`; returns its number in the issuer's series.
pub async fn insert_intervention_titre(
    tx: &mut Tx,
    issuer: OrgScope,
    member: OrgScope,
    r: &InterventionTitreRecord<'_>,
) -> Result<i64, StoreError> {
    let number = next_titre_number(tx, issuer, r.year).await?;
    scoped(
        member,
        "INSERT INTO revenue_orders (organisation_id, issuer_organisation_id, convention_id, year, number, issued_on, total_cents, created_at, \
         intervention_id, vat_rate_millionths, vat_cents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(issuer.organisation_id())
    .bind(r.convention_id)
    .bind(r.year)
    .bind(number)
    .bind(r.issued_on.to_string())
    .bind(r.total.0)
    .bind(clock::now_millis())
    .bind(r.intervention_id)
    .bind(r.vat_rate_millionths)
    .bind(r.vat.0)
    .execute(&mut **tx)
    .await?;
    Ok(number)
}

/// A request to change a convention, to write.
pub struct RequestRecord<'a> {
    pub issuer_organisation_id: i64,
    pub convention_id: i64,
    pub kind: &'a str,
    pub application_code: Option<&'a str>,
    pub received_on: &'a str,
    pub effective_on: &'a str,
    pub answer_due: &'a str,
}

pub async fn insert_request(tx: &mut Tx, scope: OrgScope, r: &RequestRecord<'_>) -> Result<i64, StoreError> {
    Ok(scoped(
        scope,
        "INSERT INTO convention_requests (organisation_id, issuer_organisation_id, convention_id, kind, application_code, received_on, effective_on, answer_due, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(r.issuer_organisation_id)
    .bind(r.convention_id)
    .bind(r.kind.to_string())
    .bind(r.application_code.map(str::to_string))
    .bind(r.received_on.to_string())
    .bind(r.effective_on.to_string())
    .bind(r.answer_due.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

#[derive(sqlx::FromRow, Clone)]
pub struct RequestRow {
    pub id: i64,
    pub organisation_id: i64,
    pub convention_id: i64,
    pub kind: String,
    pub application_code: Option<String>,
    pub received_on: String,
    pub effective_on: String,
    pub answer_due: String,
    pub status: String,
    pub answered_on: Option<String>,
    pub answer: Option<String>,
    pub member_name: String,
}

/// A member's requests, newest first.
pub async fn requests_of_member(db: &Db, scope: OrgScope) -> Result<Vec<RequestRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT r.id, r.organisation_id, r.convention_id, r.kind, r.application_code, r.received_on, r.effective_on, r.answer_due, r.status, r.answered_on, r.answer, \
         o.name AS member_name FROM convention_requests r JOIN organisations o ON o.id = r.organisation_id WHERE r.organisation_id = $1 ORDER BY r.id DESC",
    )
    .fetch_all(db.pool())
    .await?)
}

/// The requests the issuer received, pending first.
pub async fn requests_of_issuer(db: &Db, issuer: OrgScope) -> Result<Vec<RequestRow>, StoreError> {
    Ok(scoped_as(
        issuer,
        "SELECT r.id, r.organisation_id, r.convention_id, r.kind, r.application_code, r.received_on, r.effective_on, r.answer_due, r.status, r.answered_on, r.answer, \
         o.name AS member_name FROM convention_requests r JOIN organisations o ON o.id = r.organisation_id \
         WHERE r.issuer_organisation_id = $1 ORDER BY CASE r.status WHEN 'pending' THEN 0 ELSE 1 END, r.id DESC",
    )
    .fetch_all(db.pool())
    .await?)
}

/// Settles a pending request of the issuer; false when it is not pending (or not the issuer's).
pub async fn answer_request(
    tx: &mut Tx,
    issuer: OrgScope,
    id: i64,
    status: &str,
    answered_on: &str,
    answer: &str,
) -> Result<bool, StoreError> {
    let done = scoped(
        issuer,
        "UPDATE convention_requests SET status = $3, answered_on = $4, answer = $5 WHERE issuer_organisation_id = $1 AND id = $2 AND status = 'pending'",
    )
    .bind(id)
    .bind(status.to_string())
    .bind(answered_on.to_string())
    .bind(answer.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a member's subscriptions on `ends_on`: one application, or all of the convention when `None`.
pub async fn end_subscriptions(
    tx: &mut Tx,
    scope: OrgScope,
    convention_id: i64,
    application: Option<&str>,
    ends_on: &str,
) -> Result<u64, StoreError> {
    let done = scoped(
        scope,
        "UPDATE subscriptions SET ends_on = $3 WHERE organisation_id = $1 AND convention_id = $2 AND ends_on IS NULL AND ($4 IS NULL OR application_code = $4)",
    )
    .bind(convention_id)
    .bind(ends_on.to_string())
    .bind(application.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

#[derive(sqlx::FromRow)]
struct DayRateRow {
    profile: String,
    label: String,
    day_rate_cents: i64,
}

/// The price list of a period (annexe 3).
pub async fn rate_card(db: &Db, period_code: &str) -> Result<Vec<DayRate>, StoreError> {
    let rows: Vec<DayRateRow> =
        sqlx::query_as("SELECT profile, label, day_rate_cents FROM rate_cards WHERE period_code = $1 ORDER BY position")
            .bind(period_code.to_string())
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|r| DayRate { profile: r.profile, label: r.label, price: Cents(r.day_rate_cents) }).collect())
}

/// An intervention to write, with its lines (profile, label, half-days, day rate).
pub struct InterventionRecord<'a> {
    pub issuer_organisation_id: i64,
    pub convention_id: i64,
    pub subject: &'a str,
    pub agreement: &'a str,
    pub agreed_on: &'a str,
    pub lines: &'a [(String, String, i64, Cents)],
}

pub async fn insert_intervention(tx: &mut Tx, scope: OrgScope, r: &InterventionRecord<'_>) -> Result<i64, StoreError> {
    let id: i64 = scoped(
        scope,
        "INSERT INTO interventions (organisation_id, issuer_organisation_id, convention_id, subject, agreement, agreed_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(r.issuer_organisation_id)
    .bind(r.convention_id)
    .bind(r.subject.to_string())
    .bind(r.agreement.to_string())
    .bind(r.agreed_on.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    for (profile, label, half_days, rate) in r.lines {
        scoped(
            scope,
            "INSERT INTO intervention_lines (organisation_id, intervention_id, profile, label, half_days, day_rate_cents) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(profile.clone())
        .bind(label.clone())
        .bind(*half_days)
        .bind(rate.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub struct InterventionRow {
    pub id: i64,
    pub organisation_id: i64,
    pub convention_id: i64,
    pub subject: String,
    pub agreement: String,
    pub agreed_on: String,
    pub done_on: Option<String>,
    pub member_name: String,
    /// Year and number of the titre that invoiced it, if any.
    pub titre_year: Option<i64>,
    pub titre_number: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub struct InterventionLineRow {
    pub intervention_id: i64,
    pub profile: String,
    pub label: String,
    pub half_days: i64,
    pub day_rate_cents: i64,
}

pub async fn interventions_of_member(db: &Db, scope: OrgScope) -> Result<(Vec<InterventionRow>, Vec<InterventionLineRow>), StoreError> {
    let rows = scoped_as(
        scope,
        "SELECT i.id, i.organisation_id, i.convention_id, i.subject, i.agreement, i.agreed_on, i.done_on, o.name AS member_name, \
         r.year AS titre_year, r.number AS titre_number FROM interventions i JOIN organisations o ON o.id = i.organisation_id \
         LEFT JOIN revenue_orders r ON r.intervention_id = i.id WHERE i.organisation_id = $1 ORDER BY i.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let lines = scoped_as(
        scope,
        "SELECT intervention_id, profile, label, half_days, day_rate_cents FROM intervention_lines WHERE organisation_id = $1 ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok((rows, lines))
}

pub async fn interventions_of_issuer(db: &Db, issuer: OrgScope) -> Result<(Vec<InterventionRow>, Vec<InterventionLineRow>), StoreError> {
    let rows = scoped_as(
        issuer,
        "SELECT i.id, i.organisation_id, i.convention_id, i.subject, i.agreement, i.agreed_on, i.done_on, o.name AS member_name, \
         r.year AS titre_year, r.number AS titre_number FROM interventions i JOIN organisations o ON o.id = i.organisation_id \
         LEFT JOIN revenue_orders r ON r.intervention_id = i.id WHERE i.issuer_organisation_id = $1 ORDER BY i.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let lines = scoped_as(
        issuer,
        "SELECT l.intervention_id, l.profile, l.label, l.half_days, l.day_rate_cents FROM intervention_lines l \
         JOIN interventions i ON i.id = l.intervention_id WHERE i.issuer_organisation_id = $1 ORDER BY l.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok((rows, lines))
}

/// Records the "service fait" of an intervention of the issuer; false unless it was pending.
pub async fn mark_intervention_done(tx: &mut Tx, issuer: OrgScope, id: i64, done_on: &str) -> Result<bool, StoreError> {
    let done = scoped(issuer, "UPDATE interventions SET done_on = $3 WHERE issuer_organisation_id = $1 AND id = $2 AND done_on IS NULL")
        .bind(id)
        .bind(done_on.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
