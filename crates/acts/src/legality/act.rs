//! The form that describes a transmitted act (*formulaire signalétique*, schema type `DonneesActe`): the root
//! of the `Acte` message, and repeated by the prefecture as `ActeRecu` in its acknowledgement or anomaly.

use roxmltree::Node;
use serde::{Deserialize, Serialize};
use time::Date;

use super::classification::MatterCodes;
use super::error::LegalityError;
use super::identifier::{ActIdentifier, InternalNumber};
use super::nature::Nature;
use super::xml::{self, Element};

const MATTER_ELEMENTS: [&str; 5] = ["CodeMatiere1", "CodeMatiere2", "CodeMatiere3", "CodeMatiere4", "CodeMatiere5"];

/// The longest subject (*objet*) @ctes accepts, in characters.
pub const SUBJECT_MAX_CHARS: usize = 500;

/// The data of an act as the `Acte` message carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActData {
    /// `Date`: date of the decision.
    pub decision_date: Date,
    /// `NumeroInterne`.
    pub internal_number: InternalNumber,
    /// `CodeNatureActe`.
    pub nature: Nature,
    /// `CodeMatiere1` … `CodeMatiere5`.
    pub matter: MatterCodes,
    /// `Objet`, at most 500 characters.
    pub subject: String,
    /// `PrecedentIdentifiantActe`: the act this one replaces, when a cancelled transmission is sent again.
    pub previous: Option<ActIdentifier>,
    /// `ClassificationDateVersion`: the version of the classification the codes come from.
    pub classification_date: Date,
    /// `Document/NomFichier`: the act itself.
    pub document: String,
    /// `Annexes/Annexe/NomFichier`, in order.
    pub annexes: Vec<String>,
    /// `DocumentPapier`: some annexes are sent on paper (`O`) or not (`N`).
    pub paper_annexes: bool,
}

/// Checks a subject against the schema's limit (`Objet`, `maxLength` 500) and refuses an empty one.
pub fn check_subject(subject: &str) -> Result<(), LegalityError> {
    let length = subject.chars().count();
    if subject.trim().is_empty() {
        Err(LegalityError::EmptySubject)
    } else if length > SUBJECT_MAX_CHARS {
        Err(LegalityError::SubjectTooLong(length))
    } else {
        Ok(())
    }
}

impl ActData {
    /// The element, named `Acte` in a transmission and `ActeRecu` inside the prefecture's answers.
    pub(crate) fn element(&self, name: &'static str) -> Element {
        let matters = self
            .matter
            .levels()
            .iter()
            .zip(MATTER_ELEMENTS)
            .map(|(code, element)| Element::new(element).attr("actes:CodeMatiere", code.to_string()));
        let previous = self.previous.iter().map(|id| Element::new("PrecedentIdentifiantActe").attr("actes:IDActe", id.to_string()));
        let annexes = self.annexes.iter().map(|name| xml::file_element("Annexe", name));
        Element::new(name)
            .attr("actes:Date", xml::format_date(self.decision_date))
            .attr("actes:NumeroInterne", self.internal_number.as_str())
            .attr("actes:CodeNatureActe", self.nature.code().to_string())
            .children(matters)
            .child(Element::leaf("Objet", self.subject.as_str()))
            .children(previous)
            .child(Element::leaf("ClassificationDateVersion", xml::format_date(self.classification_date)))
            .child(xml::file_element("Document", &self.document))
            .child(Element::new("Annexes").attr("actes:Nombre", self.annexes.len().to_string()).children(annexes))
            .child(Element::leaf("DocumentPapier", if self.paper_annexes { "O" } else { "N" }))
    }

    pub(crate) fn from_node(node: Node<'_, '_>) -> Result<Self, LegalityError> {
        let mut levels = Vec::new();
        for name in MATTER_ELEMENTS {
            let Some(element) = xml::optional_child(node, name) else { break };
            let raw = xml::attr(element, "CodeMatiere")?;
            levels.push(raw.trim().parse().map_err(|_| xml::invalid("actes:CodeMatiere", raw))?);
        }
        let previous = match xml::optional_child(node, "PrecedentIdentifiantActe") {
            Some(element) => Some(xml::attr(element, "IDActe")?.parse()?),
            None => None,
        };
        let annexes = xml::children(xml::child(node, "Annexes")?, "Annexe").map(xml::file_name).collect::<Result<Vec<_>, _>>()?;
        let paper = xml::optional_child(node, "DocumentPapier").map(xml::text);
        Ok(Self {
            decision_date: xml::date_attr(node, "Date")?,
            internal_number: InternalNumber::parse(xml::attr(node, "NumeroInterne")?)?,
            nature: Nature::from_code_text(xml::attr(node, "CodeNatureActe")?)?,
            matter: MatterCodes::from_levels(levels)?,
            subject: xml::child_text(node, "Objet")?,
            previous,
            classification_date: xml::date_child(node, "ClassificationDateVersion")?,
            document: xml::file_name(xml::child(node, "Document")?)?,
            annexes,
            paper_annexes: paper.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("O")),
        })
    }

    /// Every file the form names: the act, then its annexes.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.document.as_str()).chain(self.annexes.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_table() {
        let cases = [
            ("Tarifs de la médiathèque", Ok(())),
            (&*"é".repeat(500), Ok(())),
            (&*"é".repeat(501), Err(LegalityError::SubjectTooLong(501))),
            ("   ", Err(LegalityError::EmptySubject)),
        ];
        for (subject, expected) in cases {
            assert_eq!(check_subject(subject), expected);
        }
        assert_eq!(
            LegalityError::SubjectTooLong(501).to_string(),
            "l'objet de l'acte compte 501 caractères ; @ctes en accepte 500 au plus"
        );
    }
}
