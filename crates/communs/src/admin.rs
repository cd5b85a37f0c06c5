//! Platform administration pages for the Métropole's IT team: the durable job queue, its states and
//! its dead letters.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use identity::access::SignedIn;
use serde::Deserialize;
use store::jobs::{self, JobCounts, JobRecord, JobState};
use web::{AppState, HtmlError, PageMeta};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/taches", get(jobs_page)).route("/admin/taches/{id}/relancer", post(retry))
}

fn platform_admin(signed_in: &SignedIn) -> Result<(), HtmlError> {
    if signed_in.principal.user.is_platform_admin { Ok(()) } else { Err(HtmlError::forbidden()) }
}

/// A job as listed: its instants in Paris time, its payload as compact JSON.
struct JobRow {
    job: JobRecord,
    run_at: String,
    updated_at: String,
    payload: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_jobs.html")]
struct JobsPage {
    page: PageMeta,
    counts: JobCounts,
    state: Option<&'static str>,
    jobs: Vec<JobRow>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct JobsQuery {
    etat: Option<String>,
    fait: Option<String>,
}

const SHOWN: i64 = 200;

async fn jobs_page(State(state): State<AppState>, signed_in: SignedIn, Query(q): Query<JobsQuery>) -> Result<JobsPage, HtmlError> {
    platform_admin(&signed_in)?;
    let filter = q.etat.as_deref().and_then(JobState::parse);
    let jobs = jobs::list(&state.db, filter, SHOWN).await?;
    Ok(JobsPage {
        page: PageMeta {
            title: "Tâches de fond".into(),
            user_name: Some(signed_in.principal.user.display_name.clone()),
            csrf: signed_in.csrf.clone(),
            is_platform_admin: true,
            breadcrumbs: Vec::new(),
        }
        .with_breadcrumbs(&[("Accueil", "/"), ("Tâches de fond", "/admin/taches")]),
        counts: jobs::counts_by_state(&state.db).await?,
        state: filter.map(JobState::as_str),
        jobs: jobs
            .into_iter()
            .map(|job| JobRow {
                run_at: store::clock::format_paris(job.run_at),
                updated_at: store::clock::format_paris(job.updated_at),
                payload: job.payload.to_string(),
                job,
            })
            .collect(),
        message: q.fait,
    })
}

async fn retry(State(state): State<AppState>, signed_in: SignedIn, Path(id): Path<i64>) -> Result<Response, HtmlError> {
    platform_admin(&signed_in)?;
    let message = if jobs::retry_dead(&state.db, id).await? {
        format!("La tâche n° {id} est relancée.")
    } else {
        format!("La tâche n° {id} n'est pas en échec définitif : rien n'a été changé.")
    };
    Ok(Redirect::to(&format!("/admin/taches?etat=dead&fait={}", web::urls::encode_component(&message))).into_response())
}
