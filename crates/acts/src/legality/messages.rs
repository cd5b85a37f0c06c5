//! The business messages exchanged about acts, in both directions: what the prefecture sends back
//! ([`PrefectureMessage`]) and what the collectivity sends besides the envelope ([`CollectivityMessage`]).
//! Each one writes itself with `to_xml()`; [`Message::parse`] reads any of them, recognising the root element.

use kernel::Siren;
use roxmltree::Node;
use serde::{Deserialize, Serialize};
use time::Date;

use super::act::ActData;
use super::classification::Classification;
use super::envelope::Envelope;
use super::error::LegalityError;
use super::identifier::{ActIdentifier, Departement, classification_message_name};
use super::kind::{MessageKind, Party};
use super::xml::{self, Element};

/// The reference of a letter of the prefecture about an act (schema type `DonneesCourrierPref`), repeated by
/// every message of the conversation it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterRef {
    /// `IDActe`.
    pub act_id: ActIdentifier,
    /// `DateCourrierPref`: date of the prefecture's letter.
    pub date: Date,
}

impl LetterRef {
    fn on(&self, element: Element) -> Element {
        element.attr("actes:IDActe", self.act_id.to_string()).attr("actes:DateCourrierPref", xml::format_date(self.date))
    }

    fn from_node(node: Node<'_, '_>) -> Result<Self, LegalityError> {
        Ok(Self { act_id: xml::attr(node, "IDActe")?.parse()?, date: xml::date_attr(node, "DateCourrierPref")? })
    }
}

/// Code of an anomaly (*nature de l'anomalie*), three digits, e.g. `002` for an outdated classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AnomalyCode(u16);

impl AnomalyCode {
    pub fn new(code: u16) -> Result<Self, LegalityError> {
        if code <= 999 { Ok(Self(code)) } else { Err(xml::invalid("actes:Nature", &code.to_string())) }
    }

    pub fn value(self) -> u16 {
        self.0
    }

    fn text(self) -> String {
        format!("{:03}", self.0)
    }

    fn parse(text: &str) -> Result<Self, LegalityError> {
        text.trim().parse::<u16>().map_err(|_| xml::invalid("actes:Nature", text)).and_then(Self::new)
    }
}

/// A message sent by the prefecture (or another State service) to the collectivity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrefectureMessage {
    /// 1-2 `ARActe`: the act was received (*accusé de réception*); it becomes enforceable once published.
    Acknowledgement { act_id: ActIdentifier, received_on: Date, act: Box<ActData>, classification_date: Date },
    /// 1-3 `AnomalieActe`: the act's form was refused; `classification_date` is the version the prefecture uses.
    ActAnomaly { date: Date, code: AnomalyCode, detail: Option<String>, act: Box<ActData>, classification_date: Date },
    /// `AnomalieEnveloppe`: the whole envelope was refused. It has no message code: it travels alone, named after
    /// the refused envelope with the prefix `ANO_`.
    EnvelopeAnomaly { date: Date, code: AnomalyCode, detail: Option<String>, envelope: Box<Envelope> },
    /// 2-1 `CourrierSimple`.
    SimpleLetter { letter: LetterRef, document: String },
    /// 3-1 `DemandePieceComplementaire`.
    AdditionalDocumentsRequest { letter: LetterRef, description: String, document: String },
    /// 3-5 `ARPieceComplementaire`: the documents (or the refusal to send them) were received.
    AdditionalDocumentsAcknowledgement { letter: LetterRef, received_on: Date },
    /// 4-1 `LettreObservations`.
    ObservationsLetter { letter: LetterRef, motive: String, document: String },
    /// 4-5 `ARReponseRejetLettreObservations`: the answer (or the refusal to answer) was received.
    ObservationsReplyAcknowledgement { letter: LetterRef, received_on: Date },
    /// 5-1 `DefereTA`: the prefect referred the act to the administrative court.
    ReferralToCourt { act_id: ActIdentifier, filed_on: Date, illegality: String, documents: Vec<String> },
    /// 6-2 `ARAnnulation`.
    CancellationAcknowledgement { act_id: ActIdentifier, received_on: Date },
    /// 7-2 `RetourClassification`.
    Classification(Box<Classification>),
    /// 7-3 `ReponseClassificationSansChangement`.
    ClassificationUpToDate { version_date: Date },
}

/// A message sent by the collectivity, besides its envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CollectivityMessage {
    /// 1-1 `Acte`: transmission of an act.
    Act(Box<ActData>),
    /// 2-2 `ReponseCourrierSimple`.
    SimpleLetterReply { letter: LetterRef, document: String },
    /// 3-2 `ARDemandePieceComplementaire`.
    AdditionalDocumentsRequestAcknowledgement { letter: LetterRef },
    /// 3-3 `RefusPieceComplementaire`.
    AdditionalDocumentsRefusal { letter: LetterRef, document: String },
    /// 3-4 `PieceComplementaire`.
    AdditionalDocuments { letter: LetterRef, documents: Vec<String> },
    /// 4-2 `ARLettreObservations`.
    ObservationsLetterAcknowledgement { letter: LetterRef },
    /// 4-3 `RejetLettreObservations`.
    ObservationsRejection { letter: LetterRef, document: String },
    /// 4-4 `ReponseLettreObservations`.
    ObservationsReply { letter: LetterRef, document: String },
    /// 6-1 `Annulation`: cancels the transmission of an act.
    Cancellation { act_id: ActIdentifier },
    /// 7-1 `DemandeClassification`, with the date of the classification in use, if any.
    ClassificationRequest { current: Option<Date> },
}

/// Any business message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    Prefecture(PrefectureMessage),
    Collectivity(CollectivityMessage),
}

impl Message {
    /// Reads any @ctes business message (UTF-8 or ISO-8859-1), recognising its root element.
    pub fn parse(xml: &[u8]) -> Result<Self, LegalityError> {
        let text = xml::decode(xml)?;
        let document = xml::parse(&text)?;
        let root = xml::root_name(&document)?;
        let node = document.root_element();
        if root == "AnomalieEnveloppe" {
            return PrefectureMessage::envelope_anomaly(node).map(Self::Prefecture);
        }
        let kind = MessageKind::from_root_element(root).ok_or_else(|| LegalityError::UnknownMessage(root.to_string()))?;
        match kind.sender() {
            Party::Prefecture => PrefectureMessage::from_node(kind, node).map(Self::Prefecture),
            Party::Collectivity => CollectivityMessage::from_node(kind, node).map(Self::Collectivity),
        }
    }

    pub fn to_xml(&self) -> String {
        match self {
            Self::Prefecture(message) => message.to_xml(),
            Self::Collectivity(message) => message.to_xml(),
        }
    }
}

fn wrong_direction(message: Message, expected: Party) -> LegalityError {
    let (root, actual) = match &message {
        Message::Prefecture(m) => (m.root_element(), Party::Prefecture),
        Message::Collectivity(m) => (m.kind().root_element(), Party::Collectivity),
    };
    LegalityError::WrongDirection { root: root.to_string(), actual: actual.of_whom(), expected: expected.of_whom() }
}

fn received_element(kind: MessageKind, letter: &LetterRef, received_on: Date) -> Element {
    Element::new(kind.root_element())
        .attr("actes:DateReception", xml::format_date(received_on))
        .child(letter.on(Element::new("InfosCourrierPref")))
}

fn letter_with_document(kind: MessageKind, letter: &LetterRef, document: &str) -> Element {
    letter.on(Element::new(kind.root_element())).child(xml::file_element("Document", document))
}

fn anomaly_element(name: &'static str, date: Date, code: AnomalyCode, detail: Option<&String>) -> Element {
    Element::new(name)
        .child(Element::leaf("Date", xml::format_date(date)))
        .child(Element::leaf("Nature", code.text()))
        .children(detail.map(|d| Element::leaf("Detail", d.as_str())))
}

fn optional_text(node: Node<'_, '_>, name: &str) -> Option<String> {
    xml::optional_child(node, name).map(xml::text).filter(|t| !t.is_empty())
}

fn document(node: Node<'_, '_>) -> Result<String, LegalityError> {
    xml::file_name(xml::child(node, "Document")?)
}

impl PrefectureMessage {
    /// The kind of message; `None` for an envelope anomaly, which has no code.
    pub fn kind(&self) -> Option<MessageKind> {
        Some(match self {
            Self::Acknowledgement { .. } => MessageKind::Acknowledgement,
            Self::ActAnomaly { .. } => MessageKind::ActAnomaly,
            Self::EnvelopeAnomaly { .. } => return None,
            Self::SimpleLetter { .. } => MessageKind::SimpleLetter,
            Self::AdditionalDocumentsRequest { .. } => MessageKind::AdditionalDocumentsRequest,
            Self::AdditionalDocumentsAcknowledgement { .. } => MessageKind::AdditionalDocumentsAcknowledgement,
            Self::ObservationsLetter { .. } => MessageKind::ObservationsLetter,
            Self::ObservationsReplyAcknowledgement { .. } => MessageKind::ObservationsReplyAcknowledgement,
            Self::ReferralToCourt { .. } => MessageKind::ReferralToCourt,
            Self::CancellationAcknowledgement { .. } => MessageKind::CancellationAcknowledgement,
            Self::Classification(_) => MessageKind::Classification,
            Self::ClassificationUpToDate { .. } => MessageKind::ClassificationUpToDate,
        })
    }

    pub fn root_element(&self) -> &'static str {
        self.kind().map_or("AnomalieEnveloppe", MessageKind::root_element)
    }

    /// The act the message is about, when it names one (an act anomaly only repeats the act's form).
    pub fn act_id(&self) -> Option<&ActIdentifier> {
        match self {
            Self::Acknowledgement { act_id, .. }
            | Self::ReferralToCourt { act_id, .. }
            | Self::CancellationAcknowledgement { act_id, .. } => Some(act_id),
            Self::SimpleLetter { letter, .. }
            | Self::AdditionalDocumentsRequest { letter, .. }
            | Self::AdditionalDocumentsAcknowledgement { letter, .. }
            | Self::ObservationsLetter { letter, .. }
            | Self::ObservationsReplyAcknowledgement { letter, .. } => Some(&letter.act_id),
            Self::ActAnomaly { .. } | Self::EnvelopeAnomaly { .. } | Self::Classification(_) | Self::ClassificationUpToDate { .. } => None,
        }
    }

    /// The files the message carries (its letters and court documents), which travel beside it in the package.
    pub fn documents(&self) -> Vec<&str> {
        match self {
            Self::SimpleLetter { document, .. }
            | Self::AdditionalDocumentsRequest { document, .. }
            | Self::ObservationsLetter { document, .. } => vec![document.as_str()],
            Self::ReferralToCourt { documents, .. } => documents.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The base name of the message's files: the act identifier and the message code, or for a classification
    /// the collectivity's département and SIREN with empty act fields. `None` for an envelope anomaly.
    pub fn base_name(&self, departement: &Departement, siren: &Siren) -> Option<String> {
        let kind = self.kind()?;
        Some(match self.act_id() {
            Some(act_id) => act_id.message_name(kind),
            None => match self {
                Self::ActAnomaly { act, .. } => ActIdentifier {
                    departement: departement.clone(),
                    siren: siren.clone(),
                    decision_date: act.decision_date,
                    internal_number: act.internal_number.clone(),
                    nature: act.nature,
                }
                .message_name(kind),
                _ => classification_message_name(departement, siren, kind),
            },
        })
    }

    pub fn to_xml(&self) -> String {
        let root = self.root_element();
        let element = match self {
            Self::Acknowledgement { act_id, received_on, act, classification_date } => Element::new(root)
                .attr("actes:IDActe", act_id.to_string())
                .attr("actes:DateReception", xml::format_date(*received_on))
                .child(act.element("ActeRecu"))
                .child(Element::leaf("ClassificationDateVersionEnCours", xml::format_date(*classification_date))),
            Self::ActAnomaly { date, code, detail, act, classification_date } => anomaly_element(root, *date, *code, detail.as_ref())
                .child(act.element("ActeRecu"))
                .child(Element::leaf("ClassificationDateVersionEnCours", xml::format_date(*classification_date))),
            Self::EnvelopeAnomaly { date, code, detail, envelope } => {
                anomaly_element(root, *date, *code, detail.as_ref()).child(envelope.element("EnveloppeRecue"))
            }
            Self::SimpleLetter { letter, document } => letter_with_document(MessageKind::SimpleLetter, letter, document),
            Self::AdditionalDocumentsRequest { letter, description, document } => letter
                .on(Element::new(root))
                .child(Element::leaf("DescriptionPieces", description.as_str()))
                .child(xml::file_element("Document", document)),
            Self::ObservationsLetter { letter, motive, document } => {
                letter.on(Element::new(root)).child(Element::leaf("Motif", motive.as_str())).child(xml::file_element("Document", document))
            }
            Self::AdditionalDocumentsAcknowledgement { letter, received_on } => {
                received_element(MessageKind::AdditionalDocumentsAcknowledgement, letter, *received_on)
            }
            Self::ObservationsReplyAcknowledgement { letter, received_on } => {
                received_element(MessageKind::ObservationsReplyAcknowledgement, letter, *received_on)
            }
            Self::ReferralToCourt { act_id, filed_on, illegality, documents } => Element::new(root)
                .attr("actes:IDActe", act_id.to_string())
                .child(Element::leaf("DateDepot", xml::format_date(*filed_on)))
                .child(Element::leaf("NatureIllegalite", illegality.as_str()))
                .child(Element::new("PiecesJointes").children(documents.iter().map(|d| xml::file_element("PieceJointe", d)))),
            Self::CancellationAcknowledgement { act_id, received_on } => {
                Element::new(root).attr("actes:IDActe", act_id.to_string()).attr("actes:DateReception", xml::format_date(*received_on))
            }
            Self::Classification(classification) => classification.element(),
            Self::ClassificationUpToDate { version_date } => {
                Element::new(root).child(Element::leaf("DateClassification", xml::format_date(*version_date)))
            }
        };
        element.document()
    }

    /// Reads a message of the prefecture; a message of the collectivity is refused.
    pub fn parse(xml: &[u8]) -> Result<Self, LegalityError> {
        match Message::parse(xml)? {
            Message::Prefecture(message) => Ok(message),
            other => Err(wrong_direction(other, Party::Prefecture)),
        }
    }

    fn envelope_anomaly(node: Node<'_, '_>) -> Result<Self, LegalityError> {
        Ok(Self::EnvelopeAnomaly {
            date: xml::date_child(node, "Date")?,
            code: AnomalyCode::parse(&xml::child_text(node, "Nature")?)?,
            detail: optional_text(node, "Detail"),
            envelope: Box::new(Envelope::from_node(xml::child(node, "EnveloppeRecue")?)?),
        })
    }

    fn from_node(kind: MessageKind, node: Node<'_, '_>) -> Result<Self, LegalityError> {
        let received = |node| xml::date_attr(node, "DateReception");
        let infos = |node| LetterRef::from_node(xml::child(node, "InfosCourrierPref")?);
        Ok(match kind {
            MessageKind::Acknowledgement => Self::Acknowledgement {
                act_id: xml::attr(node, "IDActe")?.parse()?,
                received_on: received(node)?,
                act: Box::new(ActData::from_node(xml::child(node, "ActeRecu")?)?),
                classification_date: xml::date_child(node, "ClassificationDateVersionEnCours")?,
            },
            MessageKind::ActAnomaly => Self::ActAnomaly {
                date: xml::date_child(node, "Date")?,
                code: AnomalyCode::parse(&xml::child_text(node, "Nature")?)?,
                detail: optional_text(node, "Detail"),
                act: Box::new(ActData::from_node(xml::child(node, "ActeRecu")?)?),
                classification_date: xml::date_child(node, "ClassificationDateVersionEnCours")?,
            },
            MessageKind::SimpleLetter => Self::SimpleLetter { letter: LetterRef::from_node(node)?, document: document(node)? },
            MessageKind::AdditionalDocumentsRequest => Self::AdditionalDocumentsRequest {
                letter: LetterRef::from_node(node)?,
                description: xml::child_text(node, "DescriptionPieces")?,
                document: document(node)?,
            },
            MessageKind::AdditionalDocumentsAcknowledgement => {
                Self::AdditionalDocumentsAcknowledgement { letter: infos(node)?, received_on: received(node)? }
            }
            MessageKind::ObservationsLetter => Self::ObservationsLetter {
                letter: LetterRef::from_node(node)?,
                motive: xml::child_text(node, "Motif")?,
                document: document(node)?,
            },
            MessageKind::ObservationsReplyAcknowledgement => {
                Self::ObservationsReplyAcknowledgement { letter: infos(node)?, received_on: received(node)? }
            }
            MessageKind::ReferralToCourt => Self::ReferralToCourt {
                act_id: xml::attr(node, "IDActe")?.parse()?,
                filed_on: xml::date_child(node, "DateDepot")?,
                illegality: xml::child_text(node, "NatureIllegalite")?,
                documents: xml::children(xml::child(node, "PiecesJointes")?, "PieceJointe")
                    .map(xml::file_name)
                    .collect::<Result<_, _>>()?,
            },
            MessageKind::CancellationAcknowledgement => {
                Self::CancellationAcknowledgement { act_id: xml::attr(node, "IDActe")?.parse()?, received_on: received(node)? }
            }
            MessageKind::Classification => Self::Classification(Box::new(Classification::from_node(node)?)),
            MessageKind::ClassificationUpToDate => {
                Self::ClassificationUpToDate { version_date: xml::date_child(node, "DateClassification")? }
            }
            other => unreachable!("{other:?} is a message of the collectivity"),
        })
    }
}

impl CollectivityMessage {
    pub fn kind(&self) -> MessageKind {
        match self {
            Self::Act(_) => MessageKind::Act,
            Self::SimpleLetterReply { .. } => MessageKind::SimpleLetterReply,
            Self::AdditionalDocumentsRequestAcknowledgement { .. } => MessageKind::AdditionalDocumentsRequestAcknowledgement,
            Self::AdditionalDocumentsRefusal { .. } => MessageKind::AdditionalDocumentsRefusal,
            Self::AdditionalDocuments { .. } => MessageKind::AdditionalDocuments,
            Self::ObservationsLetterAcknowledgement { .. } => MessageKind::ObservationsLetterAcknowledgement,
            Self::ObservationsRejection { .. } => MessageKind::ObservationsRejection,
            Self::ObservationsReply { .. } => MessageKind::ObservationsReply,
            Self::Cancellation { .. } => MessageKind::Cancellation,
            Self::ClassificationRequest { .. } => MessageKind::ClassificationRequest,
        }
    }

    /// The act the message is about, when it names one (an act's own form names it only through its
    /// collectivity: see [`CollectivityMessage::base_name`]).
    pub fn act_id(&self) -> Option<&ActIdentifier> {
        match self {
            Self::SimpleLetterReply { letter, .. }
            | Self::AdditionalDocumentsRequestAcknowledgement { letter }
            | Self::AdditionalDocumentsRefusal { letter, .. }
            | Self::AdditionalDocuments { letter, .. }
            | Self::ObservationsLetterAcknowledgement { letter }
            | Self::ObservationsRejection { letter, .. }
            | Self::ObservationsReply { letter, .. } => Some(&letter.act_id),
            Self::Cancellation { act_id } => Some(act_id),
            Self::Act(_) | Self::ClassificationRequest { .. } => None,
        }
    }

    /// The files the message names, which travel beside it in the package.
    pub fn documents(&self) -> Vec<&str> {
        match self {
            Self::Act(act) => act.files().collect(),
            Self::SimpleLetterReply { document, .. }
            | Self::AdditionalDocumentsRefusal { document, .. }
            | Self::ObservationsRejection { document, .. }
            | Self::ObservationsReply { document, .. } => vec![document.as_str()],
            Self::AdditionalDocuments { documents, .. } => documents.iter().map(String::as_str).collect(),
            Self::AdditionalDocumentsRequestAcknowledgement { .. }
            | Self::ObservationsLetterAcknowledgement { .. }
            | Self::Cancellation { .. }
            | Self::ClassificationRequest { .. } => Vec::new(),
        }
    }

    /// The base name of the message's files, e.g. `034-243400017-20211214-174579-DE-1-1`, or
    /// `034-243400017----7-1` for a classification request; the collectivity's département and SIREN complete
    /// the identifier of an act's own form.
    pub fn base_name(&self, departement: &Departement, siren: &Siren) -> String {
        let kind = self.kind();
        match (self, self.act_id()) {
            (_, Some(act_id)) => act_id.message_name(kind),
            (Self::Act(act), None) => ActIdentifier {
                departement: departement.clone(),
                siren: siren.clone(),
                decision_date: act.decision_date,
                internal_number: act.internal_number.clone(),
                nature: act.nature,
            }
            .message_name(kind),
            (_, None) => classification_message_name(departement, siren, kind),
        }
    }

    pub fn to_xml(&self) -> String {
        let kind = self.kind();
        let root = kind.root_element();
        let element = match self {
            Self::Act(act) => act.element(root),
            Self::SimpleLetterReply { letter, document }
            | Self::AdditionalDocumentsRefusal { letter, document }
            | Self::ObservationsRejection { letter, document }
            | Self::ObservationsReply { letter, document } => letter_with_document(kind, letter, document),
            Self::AdditionalDocumentsRequestAcknowledgement { letter } | Self::ObservationsLetterAcknowledgement { letter } => {
                letter.on(Element::new(root))
            }
            Self::AdditionalDocuments { letter, documents } => letter
                .on(Element::new(root))
                .child(Element::new("Documents").children(documents.iter().map(|d| xml::file_element("Document", d)))),
            Self::Cancellation { act_id } => Element::new(root).attr("actes:IDActe", act_id.to_string()),
            Self::ClassificationRequest { current } => {
                Element::new(root).children(current.map(|date| Element::leaf("DateClassification", xml::format_date(date))))
            }
        };
        element.document()
    }

    /// Reads a message of the collectivity; a message of the prefecture is refused.
    pub fn parse(xml: &[u8]) -> Result<Self, LegalityError> {
        match Message::parse(xml)? {
            Message::Collectivity(message) => Ok(message),
            other => Err(wrong_direction(other, Party::Collectivity)),
        }
    }

    fn from_node(kind: MessageKind, node: Node<'_, '_>) -> Result<Self, LegalityError> {
        let letter = || LetterRef::from_node(node);
        Ok(match kind {
            MessageKind::Act => Self::Act(Box::new(ActData::from_node(node)?)),
            MessageKind::SimpleLetterReply => Self::SimpleLetterReply { letter: letter()?, document: document(node)? },
            MessageKind::AdditionalDocumentsRequestAcknowledgement => Self::AdditionalDocumentsRequestAcknowledgement { letter: letter()? },
            MessageKind::AdditionalDocumentsRefusal => Self::AdditionalDocumentsRefusal { letter: letter()?, document: document(node)? },
            MessageKind::AdditionalDocuments => Self::AdditionalDocuments {
                letter: letter()?,
                documents: xml::children(xml::child(node, "Documents")?, "Document").map(xml::file_name).collect::<Result<_, _>>()?,
            },
            MessageKind::ObservationsLetterAcknowledgement => Self::ObservationsLetterAcknowledgement { letter: letter()? },
            MessageKind::ObservationsRejection => Self::ObservationsRejection { letter: letter()?, document: document(node)? },
            MessageKind::ObservationsReply => Self::ObservationsReply { letter: letter()?, document: document(node)? },
            MessageKind::Cancellation => Self::Cancellation { act_id: xml::attr(node, "IDActe")?.parse()? },
            MessageKind::ClassificationRequest => Self::ClassificationRequest {
                current: xml::optional_child(node, "DateClassification")
                    .map(|d| xml::parse_date(&xml::text(d), "DateClassification"))
                    .transpose()?,
            },
            other => unreachable!("{other:?} is a message of the prefecture"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legality::testing::{act_data, act_id, assert_valid, sender};
    use time::macros::date;

    fn letter() -> LetterRef {
        LetterRef { act_id: act_id(), date: date!(2022 - 01 - 10) }
    }

    fn prefecture_messages() -> Vec<PrefectureMessage> {
        let name = |kind: MessageKind, index| act_id().file_name(kind, index, "pdf", None);
        vec![
            PrefectureMessage::Acknowledgement {
                act_id: act_id(),
                received_on: date!(2021 - 12 - 15),
                act: Box::new(act_data()),
                classification_date: date!(2004 - 04 - 01),
            },
            PrefectureMessage::ActAnomaly {
                date: date!(2021 - 12 - 15),
                code: AnomalyCode::new(2).unwrap(),
                detail: Some("ODT-VERIF-01 : date de classification pas à jour".into()),
                act: Box::new(ActData { previous: Some(act_id()), paper_annexes: true, ..act_data() }),
                classification_date: date!(2021 - 01 - 01),
            },
            PrefectureMessage::EnvelopeAnomaly {
                date: date!(2021 - 12 - 15),
                code: AnomalyCode::new(1).unwrap(),
                detail: None,
                envelope: Box::new(Envelope { sender: sender(), forms: vec![act_id().file_name(MessageKind::Act, 0, "xml", None)] }),
            },
            PrefectureMessage::SimpleLetter { letter: letter(), document: name(MessageKind::SimpleLetter, 1) },
            PrefectureMessage::AdditionalDocumentsRequest {
                letter: letter(),
                description: "Le rapport de présentation & l'avis de la commission".into(),
                document: name(MessageKind::AdditionalDocumentsRequest, 1),
            },
            PrefectureMessage::AdditionalDocumentsAcknowledgement { letter: letter(), received_on: date!(2022 - 01 - 20) },
            PrefectureMessage::ObservationsLetter {
                letter: letter(),
                motive: "Délai de convocation < 5 jours francs".into(),
                document: name(MessageKind::ObservationsLetter, 1),
            },
            PrefectureMessage::ObservationsReplyAcknowledgement { letter: letter(), received_on: date!(2022 - 02 - 01) },
            PrefectureMessage::ReferralToCourt {
                act_id: act_id(),
                filed_on: date!(2022 - 02 - 14),
                illegality: "Incompétence de l'auteur de l'acte".into(),
                documents: vec![name(MessageKind::ReferralToCourt, 1), name(MessageKind::ReferralToCourt, 2)],
            },
            PrefectureMessage::CancellationAcknowledgement { act_id: act_id(), received_on: date!(2021 - 12 - 16) },
            PrefectureMessage::Classification(Box::new(Classification::national())),
            PrefectureMessage::ClassificationUpToDate { version_date: date!(2004 - 04 - 01) },
        ]
    }

    fn collectivity_messages() -> Vec<CollectivityMessage> {
        let name = |kind: MessageKind, index| act_id().file_name(kind, index, "pdf", None);
        vec![
            CollectivityMessage::Act(Box::new(act_data())),
            CollectivityMessage::SimpleLetterReply { letter: letter(), document: name(MessageKind::SimpleLetterReply, 1) },
            CollectivityMessage::AdditionalDocumentsRequestAcknowledgement { letter: letter() },
            CollectivityMessage::AdditionalDocumentsRefusal {
                letter: letter(),
                document: name(MessageKind::AdditionalDocumentsRefusal, 1),
            },
            CollectivityMessage::AdditionalDocuments {
                letter: letter(),
                documents: vec![name(MessageKind::AdditionalDocuments, 1), name(MessageKind::AdditionalDocuments, 2)],
            },
            CollectivityMessage::ObservationsLetterAcknowledgement { letter: letter() },
            CollectivityMessage::ObservationsRejection { letter: letter(), document: name(MessageKind::ObservationsRejection, 1) },
            CollectivityMessage::ObservationsReply { letter: letter(), document: name(MessageKind::ObservationsReply, 1) },
            CollectivityMessage::Cancellation { act_id: act_id() },
            CollectivityMessage::ClassificationRequest { current: Some(date!(2004 - 04 - 01)) },
            CollectivityMessage::ClassificationRequest { current: None },
        ]
    }

    #[test]
    fn prefecture_messages_validate_and_round_trip() {
        let messages = prefecture_messages();
        let kinds: Vec<_> = messages.iter().filter_map(PrefectureMessage::kind).collect();
        let expected: Vec<_> = MessageKind::ALL.into_iter().filter(|k| k.sender() == Party::Prefecture).collect();
        assert_eq!(kinds, expected, "every kind of the prefecture is covered");
        for message in messages {
            let xml = message.to_xml();
            assert!(xml.contains(&format!("<actes:{} ", message.root_element())), "{xml}");
            assert_valid(&xml);
            assert_eq!(PrefectureMessage::parse(xml.as_bytes()).unwrap(), message);
            assert_eq!(Message::parse(xml.as_bytes()).unwrap(), Message::Prefecture(message.clone()));
            assert_eq!(Message::Prefecture(message).to_xml(), xml);
        }
    }

    #[test]
    fn collectivity_messages_validate_and_round_trip() {
        let messages = collectivity_messages();
        let mut kinds: Vec<_> = messages.iter().map(CollectivityMessage::kind).collect();
        kinds.dedup();
        let expected: Vec<_> = MessageKind::ALL.into_iter().filter(|k| k.sender() == Party::Collectivity).collect();
        assert_eq!(kinds, expected, "every kind of the collectivity is covered");
        for message in messages {
            let xml = message.to_xml();
            assert_valid(&xml);
            assert_eq!(CollectivityMessage::parse(xml.as_bytes()).unwrap(), message);
        }
    }

    #[test]
    fn base_names() {
        let departement = Departement::parse("034").unwrap();
        let siren = Siren::parse("243400017").unwrap();
        let names: Vec<String> = collectivity_messages().iter().map(|m| m.base_name(&departement, &siren)).collect();
        assert_eq!(names[0], "034-243400017-20211214-174579-DE-1-1");
        assert_eq!(names[4], "034-243400017-20211214-174579-DE-3-4");
        assert_eq!(names[8], "034-243400017-20211214-174579-DE-6-1");
        assert_eq!(names[9], "034-243400017----7-1");
        let names: Vec<Option<String>> = prefecture_messages().iter().map(|m| m.base_name(&departement, &siren)).collect();
        assert_eq!(names[0].as_deref(), Some("034-243400017-20211214-174579-DE-1-2"));
        assert_eq!(names[1].as_deref(), Some("034-243400017-20211214-174579-DE-1-3"));
        assert_eq!(names[2], None);
        assert_eq!(names[10].as_deref(), Some("034-243400017----7-2"));
        assert_eq!(names[11].as_deref(), Some("034-243400017----7-3"));
    }

    #[test]
    fn reads_messages_of_other_implementations() {
        let acknowledgement = b"<?xml version='1.0' encoding='ISO-8859-1' ?>\n<actes:ARActe xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\" xmlns:insee=\"http://xml.insee.fr/schema\" actes:DateReception=\"2017-07-21\" actes:IDActe=\"034-000000000-20170701-20170721D-AI\">\n  <actes:ActeRecu actes:Date=\"2017-07-01\" actes:NumeroInterne=\"20170721D\" actes:CodeNatureActe=\"3\">\n    <actes:CodeMatiere1 actes:CodeMatiere=\"2\" />\n    <actes:CodeMatiere2 actes:CodeMatiere=\"2\" />\n    <actes:Objet>Arr\xEAt\xE9 de voirie</actes:Objet>\n    <actes:ClassificationDateVersion>2017-07-13</actes:ClassificationDateVersion>\n    <actes:Document>\n      <actes:NomFichier>034-000000000-20170701-20170721D-AI-1-1_1.pdf</actes:NomFichier>\n    </actes:Document>\n    <actes:Annexes actes:Nombre=\"0\" />\n  </actes:ActeRecu>\n  <actes:ClassificationDateVersionEnCours>2008-12-31</actes:ClassificationDateVersionEnCours>\n</actes:ARActe>";
        let PrefectureMessage::Acknowledgement { act_id, received_on, act, classification_date } =
            PrefectureMessage::parse(acknowledgement).unwrap()
        else {
            panic!("an acknowledgement")
        };
        assert_eq!(act_id.to_string(), "034-000000000-20170701-20170721D-AI");
        assert_eq!(received_on, date!(2017 - 07 - 21));
        assert_eq!(act.subject, "Arrêté de voirie");
        assert_eq!(act.matter.to_string(), "2.2");
        assert!(!act.paper_annexes);
        assert_eq!(classification_date, date!(2008 - 12 - 31));

        let anomaly = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<actes:AnomalieEnveloppe xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\" xmlns:insee=\"http://xml.insee.fr/schema\">\n  <actes:Date>2018-09-25</actes:Date>\n  <actes:Nature>999</actes:Nature>\n  <actes:Detail>ODT-VERIF-17 : La transaction que vous avez envoyée n'est pas reconnue.</actes:Detail>\n  <actes:EnveloppeRecue>\n    <actes:Emetteur>\n      <actes:IDCL actes:Arrondissement=\"1\" actes:Departement=\"044\" actes:Nature=\"31\" insee:SIREN=\"214400152\"/>\n    </actes:Emetteur>\n    <actes:AdressesRetour>\n      <actes:Email>actes@example.fr</actes:Email>\n    </actes:AdressesRetour>\n    <actes:FormulairesEnvoyes>\n      <actes:Formulaire>\n        <actes:NomFichier>044-214400152-20180905-4365-DE-1-1_0.xml</actes:NomFichier>\n      </actes:Formulaire>\n    </actes:FormulairesEnvoyes>\n  </actes:EnveloppeRecue>\n</actes:AnomalieEnveloppe>\n";
        let PrefectureMessage::EnvelopeAnomaly { code, detail, envelope, .. } = PrefectureMessage::parse(anomaly.as_bytes()).unwrap()
        else {
            panic!("an envelope anomaly")
        };
        assert_eq!(code.value(), 999);
        assert!(detail.unwrap().starts_with("ODT-VERIF-17"));
        assert_eq!(envelope.sender.siren.as_str(), "214400152");
    }

    #[test]
    fn bad_messages_get_clear_errors() {
        let ns = "xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\"";
        let cases: Vec<(String, &str)> = vec![
            ("<actes:Acte".into(), "XML mal formé"),
            ("<Annulation IDActe=\"034-243400017-20211214-174579-DE\"/>".into(), "n'appartient pas à l'espace de noms @ctes"),
            (format!("<actes:Bonjour {ns}/>"), "message @ctes inconnu : élément racine « Bonjour »"),
            (format!("<actes:Annulation {ns}/>"), "« actes:IDActe » manque dans « actes:Annulation »"),
            (format!("<actes:Annulation {ns} actes:IDActe=\"034-243400017-20211214-174/579-DE\"/>"), "l'identifiant d'acte"),
            (
                format!("<actes:ARAnnulation {ns} actes:IDActe=\"034-243400017-20211214-174579-DE\" actes:DateReception=\"15/12/2021\"/>"),
                "valeur « 15/12/2021 » invalide pour « DateReception »",
            ),
            (format!("<actes:ReponseClassificationSansChangement {ns}/>"), "« actes:DateClassification » manque"),
        ];
        for (xml, fragment) in cases {
            let error = Message::parse(xml.as_bytes()).expect_err(&xml).to_string();
            assert!(error.contains(fragment), "{xml}: {error}");
        }
        let cancellation = CollectivityMessage::Cancellation { act_id: act_id() }.to_xml();
        assert_eq!(
            PrefectureMessage::parse(cancellation.as_bytes()).unwrap_err().to_string(),
            "« Annulation » est un message de la collectivité, pas un message de la préfecture"
        );
        let acknowledgement = PrefectureMessage::ClassificationUpToDate { version_date: date!(2004 - 04 - 01) }.to_xml();
        assert_eq!(
            CollectivityMessage::parse(acknowledgement.as_bytes()).unwrap_err().to_string(),
            "« ReponseClassificationSansChangement » est un message de la préfecture, pas un message de la collectivité"
        );
        assert!(AnomalyCode::new(1000).is_err());
    }
}
