//! Errors of the JSON API as `application/problem+json` (RFC 9457), and a JSON body extractor whose
//! errors name the faulty field.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

/// A problem detail. `title` is stable for a kind of problem; `detail` explains this occurrence in French.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// URI reference identifying the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For validation errors: each faulty field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvalidParam {
    pub name: String,
    pub reason: String,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("https://communs.example/problemes/{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            invalid_params: Vec::new(),
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "requete-invalide", "Requête invalide", detail)
    }

    /// A field failed validation.
    pub fn invalid_field(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        let mut problem =
            Self::new(StatusCode::UNPROCESSABLE_ENTITY, "donnees-invalides", "Données invalides", format!("Champ « {field} » : {reason}"));
        problem.invalid_params.push(InvalidParam { name: field.to_string(), reason });
        problem
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "non-authentifie", "Authentification requise", "Connectez-vous pour accéder à cette ressource.")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "acces-refuse", "Accès refusé", "Vous n'avez pas les droits nécessaires sur cette ressource.")
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "introuvable", "Ressource introuvable", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflit", "Conflit", detail)
    }

    pub fn too_many_requests(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "trop-de-tentatives", "Trop de tentatives", detail)
    }

    /// An unexpected failure: logged in full, shown without internals.
    pub fn internal(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "erreur-interne",
            "Erreur interne",
            "Une erreur inattendue s'est produite ; rien n'a été modifié. L'équipe d'exploitation a été informée.",
        )
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "indisponible", "Service indisponible", detail)
    }
}

impl From<store::StoreError> for Problem {
    fn from(error: store::StoreError) -> Self {
        Self::internal(&error)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).expect("a problem serialises");
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}

/// A JSON request body. Refuses a wrong content type (415) and malformed JSON (400), naming the field.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json =
            request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "type-de-contenu",
                "Type de contenu non pris en charge",
                "Le corps de la requête doit être du JSON (Content-Type: application/json).",
            ));
        }
        let bytes =
            Bytes::from_request(request, state).await.map_err(|e| Problem::bad_request(format!("Corps de requête illisible : {e}")))?;
        parse(&bytes).map(ApiJson)
    }
}

/// Deserialises JSON, reporting the path of the faulty field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let (field, reason) = match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                return Problem::bad_request(format!("JSON mal formé (ligne {}, colonne {}) : {inner}", inner.line(), inner.column()));
            }
            _ => (missing_field(&inner.to_string()).map_or(path.clone(), |f| join(&path, &f)), inner.to_string()),
        };
        let mut problem = Problem::bad_request(format!("Champ « {field} » : {reason}"));
        problem.invalid_params.push(InvalidParam { name: field, reason });
        problem
    })
}

/// serde reports a missing field at the path of its parent; name the field itself.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest[..rest.find('`')?].to_string())
}

fn join(path: &str, field: &str) -> String {
    if path == "." || path.is_empty() { field.to_string() } else { format!("{path}.{field}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        population: u32,
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (r#"{"name": "Lattes"}"#, "population"),
            (r#"{"name": "Lattes", "population": "many"}"#, "population"),
            (r#"{"name": 3, "population": 1}"#, "name"),
        ];
        for (body, field) in cases {
            let problem = parse::<Sample>(body.as_bytes()).unwrap_err();
            assert_eq!(problem.status, 400, "{body}");
            assert_eq!(problem.invalid_params[0].name, field, "{body}");
            assert!(problem.detail.contains(field), "{}", problem.detail);
        }
        let syntax = parse::<Sample>(b"{\"name\": ").unwrap_err();
        assert!(syntax.detail.starts_with("JSON mal formé"), "{}", syntax.detail);
        assert!(parse::<Sample>(br#"{"name":"Lattes","population":16000}"#).is_ok());
    }
}
