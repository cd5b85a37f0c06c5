//! The public side of the slice, open without an account: the organisation's published acts
//! (ordonnance 2021-1310, CGCT L2131-1) with their search, PDF, lists of deliberations per sitting and
//! SCDL open-data feed; and the platform's timestamp authority (RFC 3161 over HTTP).

use super::ActsServices;
use crate::legality::Nature;
use crate::model::Act;
use crate::publication::{self, Search};
use crate::{ActsError, keys, service};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use identity::access::Viewer;
use identity::model::Organisation;
use serde::Deserialize;
use store::OrgScope;
use time::Date;
use web::{AppState, HtmlError, PageMeta};

/// Largest `TimeStampReq` accepted: a real one is about a hundred bytes.
const TIMESTAMP_QUERY_MAX_BYTES: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{slug}/actes-publies", get(acts))
        .route("/{slug}/actes-publies/seances", get(sittings))
        .route("/{slug}/actes-publies/deliberations.csv", get(deliberations_csv))
        .route("/{slug}/actes-publies/{file}", get(document))
        .route("/horodatage", get(timestamp_page).post(timestamp).layer(DefaultBodyLimit::max(TIMESTAMP_QUERY_MAX_BYTES)))
        .route("/horodatage/certificats.pem", get(timestamp_certificates))
}

/// The organisation of the address, and the scope to read its published acts (public data).
async fn organisation(state: &AppState, slug: &str) -> Result<(Organisation, OrgScope), HtmlError> {
    let organisation = identity::service::organisation_by_slug(&state.db, slug).await?.ok_or_else(HtmlError::not_found)?;
    let scope = OrgScope::granted(organisation.id);
    Ok((organisation, scope))
}

/// The layout data of a public page of the organisation's acts; `here` is the page below the list.
fn meta(viewer: &Viewer, title: &str, slug: &str, here: Option<(&str, &str)>) -> PageMeta {
    let list = format!("/{slug}/actes-publies");
    let mut trail = vec![("Accueil", "/"), ("Actes publiés", list.as_str())];
    trail.extend(here);
    viewer.page(title).with_breadcrumbs(&trail)
}

/// The search form as typed, kept to fill the form again.
#[derive(Default, Deserialize)]
#[serde(default)]
struct SearchForm {
    texte: String,
    /// The two letters of a nature (`DE`), empty for all.
    nature: String,
    matiere: String,
    du: String,
    au: String,
}

impl SearchForm {
    /// The criteria of the search, or why they cannot be read (in French).
    fn criteria(&self) -> Result<Search, String> {
        let nature = match self.nature.trim() {
            "" => None,
            letters => Some(Nature::from_letters(letters).map_err(|_| format!("nature d'acte « {letters} » inconnue"))?),
        };
        let date = |text: &str| (!text.trim().is_empty()).then(|| service::parse_date(text)).transpose().map_err(|e| e.to_string());
        let (from, to) = (date(&self.du)?, date(&self.au)?);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err("la date de début de la période est postérieure à sa date de fin".into());
        }
        Ok(Search { text: self.texte.clone(), nature, matter: self.matiere.clone(), from, to })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public_acts.html")]
struct ActsPage {
    page: PageMeta,
    slug: String,
    form: SearchForm,
    natures: [Nature; 6],
    acts: Vec<Act>,
    error: Option<String>,
}

impl ActsPage {
    fn fr(&self, date: &Date) -> String {
        kernel::calendar::format_fr(*date)
    }

    /// When the prefecture received the act (ARActe), if it did.
    fn received(&self, act: &Act) -> Option<String> {
        act.received_on.map(kernel::calendar::format_fr)
    }

    /// When the act was published, Paris time.
    fn published(&self, act: &Act) -> String {
        act.published_at.map(store::clock::format_paris).unwrap_or_default()
    }

    fn is_selected(&self, nature: &Nature) -> bool {
        self.form.nature.trim().eq_ignore_ascii_case(nature.letters())
    }
}

async fn acts(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(form): Query<SearchForm>,
) -> Result<ActsPage, HtmlError> {
    let (organisation, scope) = organisation(&state, &slug).await?;
    let (acts, error) = match form.criteria() {
        Ok(search) => (publication::search(&state.db, scope, &search).await?, None),
        Err(why) => (Vec::new(), Some(format!("La recherche n'a pas pu être faite : {why}."))),
    };
    Ok(ActsPage {
        page: meta(&viewer, &format!("Actes publiés — {}", organisation.name), &organisation.slug, None),
        slug: organisation.slug,
        form,
        natures: Nature::ALL,
        acts,
        error,
    })
}

/// The deliberations decided at one sitting.
struct SittingActs {
    date: Date,
    acts: Vec<Act>,
}

#[derive(Template, WebTemplate)]
#[template(path = "public_sittings.html")]
struct SittingsPage {
    page: PageMeta,
    slug: String,
    sittings: Vec<SittingActs>,
}

impl SittingsPage {
    fn long(&self, date: &Date) -> String {
        kernel::calendar::format_long_fr(*date)
    }
}

async fn sittings(State(state): State<AppState>, viewer: Viewer, Path(slug): Path<String>) -> Result<SittingsPage, HtmlError> {
    let (organisation, scope) = organisation(&state, &slug).await?;
    let search = Search { nature: Some(Nature::Deliberation), ..Search::default() };
    let mut deliberations = publication::search(&state.db, scope, &search).await?;
    deliberations.sort_by(|a, b| b.decided_on.cmp(&a.decided_on).then_with(|| a.display_number().cmp(b.display_number())));
    let sittings = deliberations
        .chunk_by(|a, b| a.decided_on == b.decided_on)
        .map(|acts| SittingActs { date: acts[0].decided_on, acts: acts.to_vec() })
        .collect();
    let (title, here) = ("Listes des délibérations par séance", format!("/{}/actes-publies/seances", organisation.slug));
    Ok(SittingsPage {
        page: meta(&viewer, &format!("{title} — {}", organisation.name), &organisation.slug, Some((title, &here))),
        slug: organisation.slug,
        sittings,
    })
}

/// `{id}.pdf`: the published act's current document (the signed one once signed).
async fn document(State(state): State<AppState>, Path((slug, file)): Path<(String, String)>) -> Result<Response, HtmlError> {
    let (_, scope) = organisation(&state, &slug).await?;
    let id = file.strip_suffix(".pdf").and_then(|id| id.parse::<i64>().ok()).ok_or_else(HtmlError::not_found)?;
    let act = service::act(&state.db, scope, id).await?.filter(|act| act.published_at.is_some()).ok_or_else(HtmlError::not_found)?;
    let pdf = state.blobs.get(act.current_sha256()).await.map_err(ActsError::from)?;
    let name: String = act.display_number().chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"acte_{name}.pdf\"")),
        ],
        pdf,
    )
        .into_response())
}

/// The published deliberations in the SCDL `deliberations` format; 409 until the SIRET is set.
async fn deliberations_csv(
    State(state): State<AppState>,
    Extension(services): Extension<ActsServices>,
    Path(slug): Path<String>,
) -> Result<Response, HtmlError> {
    let (organisation, scope) = organisation(&state, &slug).await?;
    match publication::scdl_deliberations(&state.db, scope, &organisation, &services.public_url).await {
        Ok(csv) => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"deliberations_{}.csv\"", organisation.slug)),
            ],
            csv,
        )
            .into_response()),
        Err(ActsError::Invalid(why)) => Ok((
            StatusCode::CONFLICT,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("Le fichier des délibérations de {} n'est pas encore disponible : {why}.\n", organisation.name),
        )
            .into_response()),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public_timestamp.html")]
struct TimestampPage {
    page: PageMeta,
    policy: &'static str,
    url: String,
}

async fn timestamp_page(viewer: Viewer, Extension(services): Extension<ActsServices>) -> TimestampPage {
    TimestampPage {
        page: viewer.page("Autorité d'horodatage").with_breadcrumbs(&[("Accueil", "/"), ("Autorité d'horodatage", "/horodatage")]),
        policy: signing::timestamp::DEFAULT_POLICY,
        url: format!("{}/horodatage", services.public_url.trim_end_matches('/')),
    }
}

/// RFC 3161 §3.4: a DER `TimeStampReq` in, a DER `TimeStampResp` out.
async fn timestamp(
    State(state): State<AppState>,
    Extension(services): Extension<ActsServices>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HtmlError> {
    let media_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|v| v.split(';').next()).map(str::trim);
    if !media_type.is_some_and(|m| m.eq_ignore_ascii_case("application/timestamp-query")) {
        return Ok((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Le corps de la requête doit être une requête d'horodatage (Content-Type: application/timestamp-query, RFC 3161).\n",
        )
            .into_response());
    }
    let now = keys::now();
    let mut tx = state.db.begin().await?;
    let authority = keys::timestamp_authority(&mut tx, &services.vault, now).await.map_err(|e| HtmlError::internal(&e))?;
    tx.commit().await.map_err(|e| HtmlError::internal(&e))?;
    let reply = authority.respond(&body, now).map_err(|e| HtmlError::internal(&e))?;
    Ok(([(header::CONTENT_TYPE, "application/timestamp-reply")], reply).into_response())
}

/// The timestamp authority's certificate then its root, PEM.
async fn timestamp_certificates(
    State(state): State<AppState>,
    Extension(services): Extension<ActsServices>,
) -> Result<Response, HtmlError> {
    let mut tx = state.db.begin().await?;
    let authority = keys::timestamp_authority(&mut tx, &services.vault, keys::now()).await.map_err(|e| HtmlError::internal(&e))?;
    tx.commit().await.map_err(|e| HtmlError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-pem-file"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"horodatage_communs.pem\""),
        ],
        authority.credential().chain_pem(),
    )
        .into_response())
}
