//! The page layout shared by every slice, and error pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What the layout needs to know about the page and the person viewing it.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    /// The page's own title (the `<title>` adds the platform name).
    pub title: String,
    /// Name of the signed-in person, if any.
    pub user_name: Option<String>,
    /// Token for the forms of this page (and the logout button).
    pub csrf: String,
    pub is_platform_admin: bool,
    /// Breadcrumb trail above the title: (label, link) pairs, the last one being the current page.
    pub breadcrumbs: Vec<(String, String)>,
}

impl PageMeta {
    pub fn with_breadcrumbs(mut self, trail: &[(&str, &str)]) -> Self {
        self.breadcrumbs = trail.iter().map(|(label, href)| (label.to_string(), href.to_string())).collect();
        self
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: PageMeta,
    message: &'a str,
}

/// An error shown to a person as an HTML page, in French.
#[derive(Debug)]
pub struct HtmlError {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
}

impl HtmlError {
    pub fn not_found() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            title: "Page introuvable",
            message: "La page demandée n'existe pas ou n'existe plus. Vérifiez l'adresse saisie.".into(),
        }
    }

    pub fn forbidden() -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            title: "Accès refusé",
            message: "Votre compte n'a pas accès à cette page. Si vous pensez que c'est une erreur, contactez l'administrateur de votre organisation.".into(),
        }
    }

    pub fn forbidden_csrf() -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            title: "Formulaire expiré",
            message:
                "Le formulaire a expiré ou ne provient pas de cette plateforme. Rechargez la page et recommencez ; rien n'a été enregistré."
                    .into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, title: "Requête invalide", message: message.into() }
    }

    pub fn internal(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            title: "Erreur interne",
            message: "Une erreur inattendue s'est produite ; rien n'a été modifié. Réessayez dans quelques instants.".into(),
        }
    }
}

impl From<store::StoreError> for HtmlError {
    fn from(error: store::StoreError) -> Self {
        Self::internal(&error)
    }
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        let page = ErrorPage { page: PageMeta { title: self.title.to_string(), ..PageMeta::default() }, message: &self.message };
        (self.status, page).into_response()
    }
}
