//! The connector that talks to a prefecture simulator over HTTP (`communs prefecture-sim`; its API is described
//! in [`crate::simulator::http`]): `POST /packages` to send, `GET /transactions/{id}/packages` to fetch.
//!
//! Network errors, timeouts and 5xx answers are [`ConnectorError::Unavailable`] (the platform retries later);
//! 4xx answers are [`ConnectorError::Refused`].

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::future::BoxFuture;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{Response, Url};
use serde::Deserialize;

use super::connector::{Connector, ConnectorError, Inbound, Receipt};
use crate::simulator::http::{ARCHIVE_NAME_HEADER, PackageBody, ReceiptBody};

/// How much of an unexpected answer an error quotes.
const QUOTED_CHARS: usize = 200;

/// Why the connector could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("connecteur @ctes HTTP : {0}")]
pub struct HttpConnectorError(String);

/// A [`Connector`] to a prefecture simulator reached over HTTP.
pub struct HttpConnector {
    client: reqwest::Client,
    /// Base address, e.g. `http://127.0.0.1:8090/`; the API's paths are appended to it.
    base: Url,
}

impl HttpConnector {
    /// `base_url`: `http(s)://host[:port][/path]` of the simulator.
    pub fn new(base_url: &str) -> Result<Self, HttpConnectorError> {
        let base = Url::parse(base_url).map_err(|e| HttpConnectorError(format!("adresse « {base_url} » invalide : {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(HttpConnectorError(format!("adresse « {base_url} » invalide : http(s)://hôte[:port] attendu")));
        }
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // An error means another thread installed a provider first: fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| HttpConnectorError(format!("client HTTP : {e}")))?;
        Ok(Self { client, base })
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut().expect("a base URL, checked by new").pop_if_empty().extend(segments);
        url
    }
}

impl Connector for HttpConnector {
    fn send<'a>(&'a self, archive_name: &'a str, archive: &'a [u8]) -> BoxFuture<'a, Result<Receipt, ConnectorError>> {
        Box::pin(async move {
            let name = HeaderValue::from_str(archive_name)
                .map_err(|_| ConnectorError::Refused(format!("nom d'archive « {archive_name} » impossible à transmettre")))?;
            let response = self
                .client
                .post(self.url(&["packages"]))
                .header(ARCHIVE_NAME_HEADER, name)
                .header(CONTENT_TYPE, "application/gzip")
                .body(archive.to_vec())
                .send()
                .await
                .map_err(network_error)?;
            let body: ReceiptBody = json(checked(response).await?).await?;
            Ok(Receipt { transaction: body.transaction, duplicate: body.duplicate })
        })
    }

    fn fetch<'a>(&'a self, transaction: &'a str) -> BoxFuture<'a, Result<Vec<Inbound>, ConnectorError>> {
        Box::pin(async move {
            let response = self.client.get(self.url(&["transactions", transaction, "packages"])).send().await.map_err(network_error)?;
            let packages: Vec<PackageBody> = json(checked(response).await?).await?;
            packages
                .into_iter()
                .map(|package| {
                    let archive = STANDARD.decode(&package.archive_base64).map_err(|e| {
                        ConnectorError::Unavailable(format!("paquet « {} » illisible dans la réponse : {e}", package.archive_name))
                    })?;
                    Ok(Inbound { archive_name: package.archive_name, archive })
                })
                .collect()
        })
    }
}

/// The answer if successful; else a 4xx is a refusal, anything else a failure worth retrying.
async fn checked(response: Response) -> Result<Response, ConnectorError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    #[derive(Deserialize)]
    struct Problem {
        detail: String,
    }
    let text = response.text().await.unwrap_or_default();
    let detail = match serde_json::from_str::<Problem>(&text) {
        Ok(problem) if !problem.detail.trim().is_empty() => problem.detail,
        _ if text.trim().is_empty() => format!("réponse HTTP {status}"),
        _ => format!("réponse HTTP {status} : {}", text.trim().chars().take(QUOTED_CHARS).collect::<String>()),
    };
    Err(if status.is_client_error() { ConnectorError::Refused(detail) } else { ConnectorError::Unavailable(detail) })
}

async fn json<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, ConnectorError> {
    let bytes = response.bytes().await.map_err(network_error)?;
    serde_json::from_slice(&bytes).map_err(|e| ConnectorError::Unavailable(format!("réponse du simulateur de préfecture illisible : {e}")))
}

fn network_error(error: reqwest::Error) -> ConnectorError {
    // The whole chain ("connection refused") says more than the top-level message.
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(" : ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    ConnectorError::Unavailable(message)
}
