//! The letters the legality control sends about an act, each with its document: a PDF of the letter.

use askama::Template;
use kernel::calendar::format_long_fr;
use time::Date;

use super::{Documents, SimulatorError};
use crate::legality::{ActIdentifier, Departement, LetterRef, MessageKind, PrefectureMessage};

/// A letter of the prefecture about a transmitted act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Letter {
    /// 2-1 *courrier simple*.
    Simple { text: String },
    /// 3-1 *demande de pièces complémentaires*: the documents requested.
    AdditionalDocuments { description: String },
    /// 4-1 *lettre d'observations* (*recours gracieux*): why the act seems illegal.
    Observations { motive: String },
    /// 5-1 *déféré au tribunal administratif*: the illegality the prefect submits to the court.
    ReferralToCourt { illegality: String },
}

impl Letter {
    pub fn kind(&self) -> MessageKind {
        match self {
            Self::Simple { .. } => MessageKind::SimpleLetter,
            Self::AdditionalDocuments { .. } => MessageKind::AdditionalDocumentsRequest,
            Self::Observations { .. } => MessageKind::ObservationsLetter,
            Self::ReferralToCourt { .. } => MessageKind::ReferralToCourt,
        }
    }

    fn text(&self) -> &str {
        match self {
            Self::Simple { text } => text,
            Self::AdditionalDocuments { description } => description,
            Self::Observations { motive } => motive,
            Self::ReferralToCourt { illegality } => illegality,
        }
    }

    /// Refuses an empty letter.
    pub(super) fn check(&self) -> Result<(), SimulatorError> {
        if self.text().trim().is_empty() {
            Err(SimulatorError::Refused(format!("le texte du courrier est vide ({})", self.kind().label().to_lowercase())))
        } else {
            Ok(())
        }
    }

    /// The message and its document, dated `today`.
    pub(super) fn message(
        &self,
        act_id: &ActIdentifier,
        subject: Option<&str>,
        today: Date,
    ) -> Result<(PrefectureMessage, Documents), SimulatorError> {
        let kind = self.kind();
        let document = act_id.file_name(kind, 1, "pdf", None);
        let letter = LetterRef { act_id: act_id.clone(), date: today };
        let text = self.text().trim().to_string();
        let pdf = self.pdf(act_id, subject, today)?;
        let message = match self {
            Self::Simple { .. } => PrefectureMessage::SimpleLetter { letter, document: document.clone() },
            Self::AdditionalDocuments { .. } => {
                PrefectureMessage::AdditionalDocumentsRequest { letter, description: text, document: document.clone() }
            }
            Self::Observations { .. } => PrefectureMessage::ObservationsLetter { letter, motive: text, document: document.clone() },
            Self::ReferralToCourt { .. } => PrefectureMessage::ReferralToCourt {
                act_id: act_id.clone(),
                filed_on: today,
                illegality: text,
                documents: vec![document.clone()],
            },
        };
        Ok((message, vec![(document, pdf)]))
    }

    fn pdf(&self, act_id: &ActIdentifier, subject: Option<&str>, today: Date) -> Result<Vec<u8>, SimulatorError> {
        let (heading, closing) = match self {
            Self::Simple { .. } => ("Objet", "Je vous prie d'agréer l'expression de ma considération distinguée."),
            Self::AdditionalDocuments { .. } => (
                "Pièces demandées",
                "Je vous invite à transmettre ces pièces par @ctes, en réponse à la présente demande. Le délai de deux mois \
                 dont je dispose pour saisir le tribunal administratif ne court qu'à compter de leur réception.",
            ),
            Self::Observations { .. } => (
                "Observations",
                "Je vous invite à retirer ou à modifier cet acte, ou à me faire part de vos observations, dans un délai de \
                 deux mois. À défaut, je pourrai le déférer au tribunal administratif.",
            ),
            Self::ReferralToCourt { .. } => (
                "Nature de l'illégalité",
                "J'ai saisi ce jour le tribunal administratif d'un déféré contre cet acte (code général des collectivités \
                 territoriales, articles L. 2131-6, L. 3132-1 et L. 4142-1).",
            ),
        };
        let page = LetterPage {
            title: self.kind().label(),
            departement: &act_id.departement,
            date: format_long_fr(today),
            act_id: act_id.to_string(),
            subject,
            heading,
            paragraphs: self.text().lines().map(str::trim).filter(|line| !line.is_empty()).collect(),
            closing,
        };
        let html = page.render().map_err(|e| docgen::DocError::Template(e.to_string()))?;
        Ok(docgen::html_pdf(&html)?)
    }
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>{{ title }} – acte {{ act_id }}</title></head>
<body>
<main>
<h1>{{ title }}</h1>
<p>Préfecture du département {{ departement }}, service du contrôle de légalité, le {{ date }}.</p>
<p>Acte n° {{ act_id }}{% if let Some(subject) = subject %} : {{ subject }}{% endif %}</p>
<h2>{{ heading }}</h2>
{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}<p>{{ closing }}</p>
<p>Pour le préfet et par délégation, le service du contrôle de légalité.</p>
<p>Document émis par le simulateur de préfecture de la plateforme : il n'a aucune valeur juridique.</p>
</main>
</body>
</html>"#
)]
struct LetterPage<'a> {
    title: &'a str,
    departement: &'a Departement,
    date: String,
    act_id: String,
    subject: Option<&'a str>,
    heading: &'a str,
    paragraphs: Vec<&'a str>,
    closing: &'a str,
}
