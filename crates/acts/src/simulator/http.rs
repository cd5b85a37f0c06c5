//! The prefecture simulator over HTTP (`communs prefecture-sim --addr …`), as the platform's
//! [`HttpConnector`](crate::transmission::http::HttpConnector) expects it, with a page for the agent who
//! plays the legality control:
//! - `POST /packages`: receives a package (body: the `.tar.gz`, header `X-Archive-Name`) → 201
//!   `{"transaction", "duplicate": false}`, 200 when already received, 422 problem when refused;
//! - `GET /transactions/{id}/packages`: the packages the prefecture sent → `[{"archive_name", "archive_base64"}]`;
//! - `POST /transactions/{id}/letters`: sends a letter, `{"kind": "simple"|"pieces"|"observations"|"defere",
//!   "text"}` as JSON (→ 201) or as a form (→ back to the page);
//! - `GET /`: the transactions, with a form per acknowledged act to send letters;
//! - `GET /health`.
//!
//! The day of reception and of the letters is the server's (UTC).

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use time::Date;
use tokio::net::TcpListener;
use web::{ApiJson, Problem};

use super::{Letter, Prefecture, SimulatorError, TransactionStatus, blocking};
use crate::transmission::connector::ConnectorError;

/// The header that names the archive sent.
pub(crate) const ARCHIVE_NAME_HEADER: &str = "x-archive-name";
/// The largest package accepted: an act with its annexes.
const MAX_PACKAGE_BYTES: usize = 150 * 1024 * 1024;

/// The answer to `POST /packages`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReceiptBody {
    pub(crate) transaction: String,
    pub(crate) duplicate: bool,
}

/// One package of `GET /transactions/{id}/packages`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PackageBody {
    pub(crate) archive_name: String,
    pub(crate) archive_base64: String,
}

/// Serves the prefecture whose state lives in `dir` on `listener`, until the server fails.
pub async fn serve(listener: TcpListener, dir: PathBuf) -> io::Result<()> {
    let prefecture =
        tokio::task::spawn_blocking(move || Prefecture::open(&dir)).await.map_err(io::Error::other)?.map_err(io::Error::other)?;
    let app = Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        .route("/packages", post(receive))
        .route("/transactions/{id}/packages", get(packages))
        .route("/transactions/{id}/letters", post(letter))
        .layer(DefaultBodyLimit::max(MAX_PACKAGE_BYTES))
        .with_state(Arc::new(prefecture));
    axum::serve(listener, app).await
}

type Shared = State<Arc<Prefecture>>;

fn today() -> Date {
    store::clock::today_paris()
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn receive(State(prefecture): Shared, headers: HeaderMap, body: axum::body::Bytes) -> Result<Response, Problem> {
    let name = headers
        .get(ARCHIVE_NAME_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| Problem::bad_request("l'en-tête X-Archive-Name, nom de l'archive (.tar.gz), est manquant ou illisible"))?
        .to_string();
    let today = today();
    let receipt = blocking(&prefecture, move |p| p.receive(&name, &body, today)).await.map_err(|e| Problem::internal(&e))?;
    match receipt {
        Ok(receipt) => {
            let status = if receipt.duplicate { StatusCode::OK } else { StatusCode::CREATED };
            Ok((status, Json(ReceiptBody { transaction: receipt.transaction, duplicate: receipt.duplicate })).into_response())
        }
        Err(ConnectorError::Refused(detail)) => {
            Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "paquet-refuse", "Paquet refusé", detail))
        }
        Err(ConnectorError::Unavailable(detail)) => Err(Problem::unavailable(detail)),
    }
}

async fn packages(State(prefecture): Shared, Path(id): Path<String>) -> Result<Json<Vec<PackageBody>>, Problem> {
    let outbox = blocking(&prefecture, move |p| p.outbox(&id)).await.map_err(|e| Problem::internal(&e))?;
    match outbox {
        Ok(packages) => Ok(Json(
            packages
                .into_iter()
                .map(|p| PackageBody { archive_name: p.archive_name, archive_base64: STANDARD.encode(p.archive) })
                .collect(),
        )),
        // The outbox refuses only an unknown transaction.
        Err(ConnectorError::Refused(detail)) => Err(Problem::not_found(detail)),
        Err(ConnectorError::Unavailable(detail)) => Err(Problem::unavailable(detail)),
    }
}

/// A letter to send: its kind and its text.
#[derive(Debug, Deserialize)]
struct LetterInput {
    kind: String,
    text: String,
}

#[derive(Debug, Serialize)]
struct LetterSent {
    transaction: String,
    /// The message's code, e.g. `2-1`.
    message: String,
}

/// JSON gets JSON back; a form of the page goes back to the page, or to a page saying what went wrong.
async fn letter(State(prefecture): Shared, Path(id): Path<String>, request: Request) -> Response {
    let from_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if from_form {
        let input = match Form::<LetterInput>::from_request(request, &()).await {
            Ok(Form(input)) => input,
            Err(rejection) => {
                return ErrorPage::of(&Problem::bad_request(format!("formulaire incomplet : {}", rejection.body_text()))).into_response();
            }
        };
        match send_letter(&prefecture, id, input).await {
            Ok(_) => Redirect::to("/").into_response(),
            Err(problem) => ErrorPage::of(&problem).into_response(),
        }
    } else {
        let input = match ApiJson::<LetterInput>::from_request(request, &()).await {
            Ok(ApiJson(input)) => input,
            Err(problem) => return problem.into_response(),
        };
        match send_letter(&prefecture, id, input).await {
            Ok(sent) => (StatusCode::CREATED, Json(sent)).into_response(),
            Err(problem) => problem.into_response(),
        }
    }
}

async fn send_letter(prefecture: &Arc<Prefecture>, id: String, input: LetterInput) -> Result<LetterSent, Problem> {
    let text = input.text;
    let letter = match input.kind.as_str() {
        "simple" => Letter::Simple { text },
        "pieces" => Letter::AdditionalDocuments { description: text },
        "observations" => Letter::Observations { motive: text },
        "defere" => Letter::ReferralToCourt { illegality: text },
        other => {
            return Err(Problem::invalid_field("kind", format!("« {other} » inconnu : simple, pieces, observations ou defere attendu")));
        }
    };
    let message = letter.kind().to_string();
    let transaction = id.clone();
    let today = today();
    match blocking(prefecture, move |p| p.send_letter(&id, letter, today)).await.map_err(|e| Problem::internal(&e))? {
        Ok(()) => Ok(LetterSent { transaction, message }),
        Err(error @ SimulatorError::UnknownTransaction(_)) => Err(Problem::not_found(error.to_string())),
        Err(SimulatorError::Refused(detail)) => {
            Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "courrier-refuse", "Courrier refusé", detail))
        }
        Err(error) => Err(Problem::internal(&error)),
    }
}

/// One transaction on the page.
struct Row {
    id: String,
    act: String,
    subject: String,
    siren: String,
    received_on: String,
    status: &'static str,
    last_message: String,
    /// Letters can be sent.
    open: bool,
}

#[derive(Template, WebTemplate)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Préfecture simulée – contrôle de légalité</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; line-height: 1.5; color: #161616; }
table { border-collapse: collapse; margin-block: 1rem; }
th, td { border: 1px solid #929292; padding: .3rem .6rem; text-align: left; vertical-align: top; }
fieldset { margin-block: .5rem; }
textarea { display: block; width: min(40rem, 100%); }
button { margin-block: .5rem; padding: .3rem 1rem; }
:focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
</style>
</head>
<body>
<header>
<h1>Préfecture simulée</h1>
<p>Simulateur du contrôle de légalité (@ctes) : il reçoit les actes transmis par la plateforme et y répond. Rien n'est transmis aux services de l'État.</p>
</header>
<main>
<h2>Transactions</h2>
{% if rows.is_empty() %}
<p>Aucune transaction pour le moment.</p>
{% else %}
<table>
<caption>Transactions reçues, la plus récente en premier</caption>
<thead><tr><th scope="col">Transaction</th><th scope="col">Acte</th><th scope="col">Objet</th><th scope="col">SIREN</th><th scope="col">Reçue le</th><th scope="col">État</th><th scope="col">Dernier message</th></tr></thead>
<tbody>
{% for row in rows %}<tr><th scope="row">{{ row.id }}</th><td>{{ row.act }}</td><td>{{ row.subject }}</td><td>{{ row.siren }}</td><td>{{ row.received_on }}</td><td>{{ row.status }}</td><td>{{ row.last_message }}</td></tr>
{% endfor %}</tbody>
</table>
<h2>Envoyer un courrier</h2>
{% for row in rows %}{% if row.open %}
<section aria-labelledby="courrier-{{ row.id }}">
<h3 id="courrier-{{ row.id }}">Transaction {{ row.id }} – acte {{ row.act }}</h3>
<form method="post" action="/transactions/{{ row.id }}/letters">
<fieldset>
<legend>Type de courrier</legend>
<input type="radio" id="simple-{{ row.id }}" name="kind" value="simple" checked> <label for="simple-{{ row.id }}">Courrier simple</label><br>
<input type="radio" id="pieces-{{ row.id }}" name="kind" value="pieces"> <label for="pieces-{{ row.id }}">Demande de pièces complémentaires</label><br>
<input type="radio" id="observations-{{ row.id }}" name="kind" value="observations"> <label for="observations-{{ row.id }}">Lettre d'observations</label><br>
<input type="radio" id="defere-{{ row.id }}" name="kind" value="defere"> <label for="defere-{{ row.id }}">Déféré au tribunal administratif</label>
</fieldset>
<label for="texte-{{ row.id }}">Texte : objet du courrier, pièces demandées, observations ou nature de l'illégalité</label>
<textarea id="texte-{{ row.id }}" name="text" rows="4" required></textarea>
<button type="submit">Envoyer le courrier pour la transaction {{ row.id }}</button>
</form>
</section>
{% endif %}{% endfor %}
{% endif %}
</main>
</body>
</html>"#
)]
struct IndexPage {
    rows: Vec<Row>,
}

async fn index(State(prefecture): Shared) -> Result<IndexPage, Problem> {
    let transactions = blocking(&prefecture, |p| p.transactions()).await.map_err(|e| Problem::internal(&e))?;
    let rows = transactions
        .into_iter()
        .rev()
        .map(|t| Row {
            act: t.act_id.as_ref().map_or_else(|| "demande de classification".to_string(), ToString::to_string),
            subject: t.subject.unwrap_or_default(),
            siren: t.siren.to_string(),
            received_on: kernel::calendar::format_fr(t.received_on),
            status: t.status.label(),
            last_message: format!("{} ({}), le {}", t.last_message.label(), t.last_message, kernel::calendar::format_fr(t.last_message_on)),
            open: t.status == TransactionStatus::Acknowledged,
            id: t.id,
        })
        .collect();
    Ok(IndexPage { rows })
}

/// What went wrong with a form of the page.
#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>{{ title }} – préfecture simulée</title></head>
<body>
<main>
<h1>{{ title }}</h1>
<p role="alert">{{ detail }}</p>
<p><a href="/">Retour aux transactions</a></p>
</main>
</body>
</html>"#
)]
struct ErrorPage {
    status: StatusCode,
    title: String,
    detail: String,
}

impl ErrorPage {
    fn of(problem: &Problem) -> Self {
        Self {
            status: StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            title: problem.title.clone(),
            detail: problem.detail.clone(),
        }
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        match self.render() {
            Ok(html) => (self.status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
            Err(error) => Problem::internal(&error).into_response(),
        }
    }
}
