//! The printed documents of the register — the extract of a deliberation, the list of the deliberations
//! examined, the minutes — from templates an organisation can adapt. Each document has a default
//! template shipped with the product (`printed/*.html`); an organisation may replace it with its own,
//! written in the same Jinja syntax against the same context. Values are HTML-escaped; a template that
//! does not compile, or fails to render, is refused with the reason.

use crate::AssemblyError;
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use store::tenant::scoped;
use store::{Db, OrgScope, StoreError, audit, clock};

/// A document of the register printed from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Extract,
    DeliberationsList,
    Minutes,
}

impl Document {
    pub const ALL: [Document; 3] = [Document::Extract, Document::DeliberationsList, Document::Minutes];

    pub fn code(self) -> &'static str {
        match self {
            Document::Extract => "extrait",
            Document::DeliberationsList => "liste-deliberations",
            Document::Minutes => "proces-verbal",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Document::Extract => "Extrait du registre des délibérations",
            Document::DeliberationsList => "Liste des délibérations examinées (L2121-25)",
            Document::Minutes => "Procès-verbal de séance (L2121-15)",
        }
    }

    /// What the template receives, for the people who adapt it.
    pub fn context_help(self) -> &'static str {
        match self {
            Document::Extract => {
                "back (lien de retour), e : organisation, number, sitting_heading, opening, theme, members_in_office, present, represented, \
                 proxy_articles, excused, absent, voters, title, rapporteur, text et decision (blocs : b.paragraph ou b.list), result, \
                 tally (label, count, names), done_at, signatory_title, signatory, published_on, acknowledgement (message, received_on)"
            }
            Document::DeliberationsList | Document::Minutes => {
                "back (lien de retour), d : organisation, heading, opening, publish_by, members_in_office, present, represented, excused, \
                 absent, quorum, movements, secretary, president, entries (number, title, rapporteur, result, tally, decision)"
            }
        }
    }

    /// The template shipped with the product.
    pub fn default_template(self) -> &'static str {
        match self {
            Document::Extract => include_str!("../printed/extract.html"),
            Document::DeliberationsList => include_str!("../printed/deliberations_list.html"),
            Document::Minutes => include_str!("../printed/minutes.html"),
        }
    }
}

/// Renders a template with `context` (its variables at the top level). The `.html` name turns on
/// HTML escaping of every value.
fn render_with(template: &str, context: impl Serialize) -> Result<String, minijinja::Error> {
    let mut environment = minijinja::Environment::new();
    // HTML escaping of the five characters that need it (the default also escapes `/`, which then
    // reads `20&#x2f;12&#x2f;2021` in the source of the page).
    environment.set_formatter(|out, state, value| {
        if *state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() && !value.is_undefined() && !value.is_none() {
            let text = value.to_string();
            let escaped =
                text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;");
            out.write_str(&escaped).map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    environment.add_template("document.html", template)?;
    environment.get_template("document.html")?.render(minijinja::Value::from(minijinja::value::Serde(&context)))
}

/// The organisation's template of a document, or the default one.
pub async fn template(db: &Db, scope: OrgScope, document: Document) -> Result<(String, bool), AssemblyError> {
    let row = scoped(scope, "SELECT body FROM assembly_document_templates WHERE organisation_id = $1 AND document = $2")
        .bind(document.code())
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => (row.try_get::<String, _>(0)?, true),
        None => (document.default_template().to_string(), false),
    })
}

/// Prints a document of the organisation with `context`.
pub async fn render(db: &Db, scope: OrgScope, document: Document, context: impl Serialize) -> Result<String, AssemblyError> {
    let (body, _) = template(db, scope, document).await?;
    render_with(&body, context)
        .map_err(|e| AssemblyError::Invalid(format!("le modèle « {} » de l'organisation est invalide : {e}", document.label())))
}

/// Saves the organisation's template of a document once it compiles and renders (on an empty context:
/// missing values print as nothing, unknown filters and functions fail); an empty template brings the
/// default one back.
pub async fn save(db: &Db, actor: Actor<'_>, scope: OrgScope, document: Document, body: &str) -> Result<(), AssemblyError> {
    let body = body.replace("\r\n", "\n");
    if !body.trim().is_empty() {
        if body.len() > 200_000 {
            return Err(AssemblyError::Invalid("un modèle compte 200 000 caractères au plus".into()));
        }
        render_with(&body, json!({ "e": {}, "d": {}, "back": "" })).map_err(|e| AssemblyError::Invalid(format!("modèle refusé : {e}")))?;
    }
    let mut tx = db.begin().await?;
    scoped(scope, "DELETE FROM assembly_document_templates WHERE organisation_id = $1 AND document = $2")
        .bind(document.code())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    if !body.trim().is_empty() {
        scoped(scope, "INSERT INTO assembly_document_templates (organisation_id, document, body, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(document.code())
            .bind(body.clone())
            .bind(clock::now_millis())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    }
    let target = format!("modele:{}", document.code());
    let entry =
        actor.entry(Some(scope.organisation_id()), AuditAction::AssemblyPrepared, &target, json!({ "default": body.trim().is_empty() }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_escape_values_and_report_errors() {
        let html = render_with("<p>{{ e.title }}</p>", json!({ "e": { "title": "<script>x</script> & co" } })).unwrap();
        assert_eq!(html, "<p>&lt;script&gt;x&lt;/script&gt; &amp; co</p>");
        assert_eq!(
            render_with("{{ d }} {{ q }}", json!({ "d": "20/12/2021", "q": "l'\"acte\"" })).unwrap(),
            "20/12/2021 l&#39;&quot;acte&quot;"
        );
        let error = render_with("{% for x in %}", json!({})).unwrap_err().to_string();
        assert!(error.contains("syntax error"), "{error}");
        for document in Document::ALL {
            assert_eq!(Document::parse(document.code()), Some(document));
            assert!(document.default_template().contains("<main>"));
        }
    }
}
