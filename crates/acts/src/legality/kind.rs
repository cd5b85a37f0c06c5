//! The kinds of @ctes business messages (*messages métier*) and their codes.
//!
//! Each message belongs to a transaction (1 transmission of an act, 2 simple letter, 3 request for additional
//! documents, 4 observations letter, 5 referral to the administrative court, 6 cancellation, 7 classification)
//! and has a rank in it: the pair `type-subtype` (`1-1`, `1-2`, …) appears in the message's file name. The table
//! follows the *cahier des charges ACTES* as the reference implementations apply it (S²low `TypeMessageMetier`,
//! updated 14/11/2011; STELA `Flux`).

use std::fmt;

/// Who sends a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// The local authority, through its transmission platform (*collectivité*).
    Collectivity,
    /// The State's services: prefecture, sub-prefecture or SGAR (*préfecture*).
    Prefecture,
}

impl Party {
    /// "de la collectivité" / "de la préfecture", for error messages.
    pub(crate) fn of_whom(self) -> &'static str {
        match self {
            Self::Collectivity => "de la collectivité",
            Self::Prefecture => "de la préfecture",
        }
    }
}

/// A kind of business message. The anomaly of a whole envelope (`AnomalieEnveloppe`) has no code and is not
/// listed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// 1-1 `Acte`: transmission of an act.
    Act,
    /// 1-2 `ARActe`: acknowledgement of receipt of an act (*accusé de réception*).
    Acknowledgement,
    /// 1-3 `AnomalieActe`: the act's form was refused.
    ActAnomaly,
    /// 2-1 `CourrierSimple`: simple letter from the prefecture.
    SimpleLetter,
    /// 2-2 `ReponseCourrierSimple`: answer to a simple letter.
    SimpleLetterReply,
    /// 3-1 `DemandePieceComplementaire`: request for additional documents.
    AdditionalDocumentsRequest,
    /// 3-2 `ARDemandePieceComplementaire`: the collectivity acknowledges the request.
    AdditionalDocumentsRequestAcknowledgement,
    /// 3-3 `RefusPieceComplementaire`: explicit refusal to send the documents.
    AdditionalDocumentsRefusal,
    /// 3-4 `PieceComplementaire`: the additional documents.
    AdditionalDocuments,
    /// 3-5 `ARPieceComplementaire`: the prefecture acknowledges the documents or the refusal.
    AdditionalDocumentsAcknowledgement,
    /// 4-1 `LettreObservations`: observations letter (*lettre d'observations*).
    ObservationsLetter,
    /// 4-2 `ARLettreObservations`: the collectivity acknowledges the letter.
    ObservationsLetterAcknowledgement,
    /// 4-3 `RejetLettreObservations`: explicit refusal to answer.
    ObservationsRejection,
    /// 4-4 `ReponseLettreObservations`: answer to the letter.
    ObservationsReply,
    /// 4-5 `ARReponseRejetLettreObservations`: the prefecture acknowledges the answer or the refusal.
    ObservationsReplyAcknowledgement,
    /// 5-1 `DefereTA`: referral to the administrative court (*déféré au tribunal administratif*).
    ReferralToCourt,
    /// 6-1 `Annulation`: cancellation of a transmission.
    Cancellation,
    /// 6-2 `ARAnnulation`: acknowledgement of the cancellation.
    CancellationAcknowledgement,
    /// 7-1 `DemandeClassification`: request for the classification of matters.
    ClassificationRequest,
    /// 7-2 `RetourClassification`: the classification.
    Classification,
    /// 7-3 `ReponseClassificationSansChangement`: the collectivity's classification is up to date.
    ClassificationUpToDate,
}

impl MessageKind {
    pub const ALL: [MessageKind; 21] = [
        Self::Act,
        Self::Acknowledgement,
        Self::ActAnomaly,
        Self::SimpleLetter,
        Self::SimpleLetterReply,
        Self::AdditionalDocumentsRequest,
        Self::AdditionalDocumentsRequestAcknowledgement,
        Self::AdditionalDocumentsRefusal,
        Self::AdditionalDocuments,
        Self::AdditionalDocumentsAcknowledgement,
        Self::ObservationsLetter,
        Self::ObservationsLetterAcknowledgement,
        Self::ObservationsRejection,
        Self::ObservationsReply,
        Self::ObservationsReplyAcknowledgement,
        Self::ReferralToCourt,
        Self::Cancellation,
        Self::CancellationAcknowledgement,
        Self::ClassificationRequest,
        Self::Classification,
        Self::ClassificationUpToDate,
    ];

    /// The transaction type and the message's rank in it.
    pub fn code(self) -> (u8, u8) {
        match self {
            Self::Act => (1, 1),
            Self::Acknowledgement => (1, 2),
            Self::ActAnomaly => (1, 3),
            Self::SimpleLetter => (2, 1),
            Self::SimpleLetterReply => (2, 2),
            Self::AdditionalDocumentsRequest => (3, 1),
            Self::AdditionalDocumentsRequestAcknowledgement => (3, 2),
            Self::AdditionalDocumentsRefusal => (3, 3),
            Self::AdditionalDocuments => (3, 4),
            Self::AdditionalDocumentsAcknowledgement => (3, 5),
            Self::ObservationsLetter => (4, 1),
            Self::ObservationsLetterAcknowledgement => (4, 2),
            Self::ObservationsRejection => (4, 3),
            Self::ObservationsReply => (4, 4),
            Self::ObservationsReplyAcknowledgement => (4, 5),
            Self::ReferralToCourt => (5, 1),
            Self::Cancellation => (6, 1),
            Self::CancellationAcknowledgement => (6, 2),
            Self::ClassificationRequest => (7, 1),
            Self::Classification => (7, 2),
            Self::ClassificationUpToDate => (7, 3),
        }
    }

    pub fn from_code(transaction: u8, rank: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == (transaction, rank))
    }

    /// The local name of the message's root element in the schema.
    pub fn root_element(self) -> &'static str {
        match self {
            Self::Act => "Acte",
            Self::Acknowledgement => "ARActe",
            Self::ActAnomaly => "AnomalieActe",
            Self::SimpleLetter => "CourrierSimple",
            Self::SimpleLetterReply => "ReponseCourrierSimple",
            Self::AdditionalDocumentsRequest => "DemandePieceComplementaire",
            Self::AdditionalDocumentsRequestAcknowledgement => "ARDemandePieceComplementaire",
            Self::AdditionalDocumentsRefusal => "RefusPieceComplementaire",
            Self::AdditionalDocuments => "PieceComplementaire",
            Self::AdditionalDocumentsAcknowledgement => "ARPieceComplementaire",
            Self::ObservationsLetter => "LettreObservations",
            Self::ObservationsLetterAcknowledgement => "ARLettreObservations",
            Self::ObservationsRejection => "RejetLettreObservations",
            Self::ObservationsReply => "ReponseLettreObservations",
            Self::ObservationsReplyAcknowledgement => "ARReponseRejetLettreObservations",
            Self::ReferralToCourt => "DefereTA",
            Self::Cancellation => "Annulation",
            Self::CancellationAcknowledgement => "ARAnnulation",
            Self::ClassificationRequest => "DemandeClassification",
            Self::Classification => "RetourClassification",
            Self::ClassificationUpToDate => "ReponseClassificationSansChangement",
        }
    }

    pub fn from_root_element(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.root_element() == name)
    }

    pub fn sender(self) -> Party {
        match self {
            Self::Act
            | Self::SimpleLetterReply
            | Self::AdditionalDocumentsRequestAcknowledgement
            | Self::AdditionalDocumentsRefusal
            | Self::AdditionalDocuments
            | Self::ObservationsLetterAcknowledgement
            | Self::ObservationsRejection
            | Self::ObservationsReply
            | Self::Cancellation
            | Self::ClassificationRequest => Party::Collectivity,
            Self::Acknowledgement
            | Self::ActAnomaly
            | Self::SimpleLetter
            | Self::AdditionalDocumentsRequest
            | Self::AdditionalDocumentsAcknowledgement
            | Self::ObservationsLetter
            | Self::ObservationsReplyAcknowledgement
            | Self::ReferralToCourt
            | Self::CancellationAcknowledgement
            | Self::Classification
            | Self::ClassificationUpToDate => Party::Prefecture,
        }
    }

    /// A French label for the history of an act.
    pub fn label(self) -> &'static str {
        match self {
            Self::Act => "Transmission de l'acte",
            Self::Acknowledgement => "Accusé de réception de l'acte",
            Self::ActAnomaly => "Anomalie dans la transmission de l'acte",
            Self::SimpleLetter => "Courrier simple de la préfecture",
            Self::SimpleLetterReply => "Réponse au courrier simple",
            Self::AdditionalDocumentsRequest => "Demande de pièces complémentaires",
            Self::AdditionalDocumentsRequestAcknowledgement => "Accusé de réception de la demande de pièces complémentaires",
            Self::AdditionalDocumentsRefusal => "Refus d'envoyer les pièces complémentaires",
            Self::AdditionalDocuments => "Envoi des pièces complémentaires",
            Self::AdditionalDocumentsAcknowledgement => "Accusé de réception des pièces complémentaires ou du refus",
            Self::ObservationsLetter => "Lettre d'observations",
            Self::ObservationsLetterAcknowledgement => "Accusé de réception de la lettre d'observations",
            Self::ObservationsRejection => "Refus de répondre à la lettre d'observations",
            Self::ObservationsReply => "Réponse à la lettre d'observations",
            Self::ObservationsReplyAcknowledgement => "Accusé de réception de la réponse à la lettre d'observations",
            Self::ReferralToCourt => "Déféré au tribunal administratif",
            Self::Cancellation => "Annulation de la transmission",
            Self::CancellationAcknowledgement => "Accusé de réception de l'annulation",
            Self::ClassificationRequest => "Demande de classification",
            Self::Classification => "Classification des matières",
            Self::ClassificationUpToDate => "Classification à jour",
        }
    }
}

/// `type-subtype`, e.g. `1-2`.
impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (transaction, rank) = self.code();
        write!(f, "{transaction}-{rank}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_table() {
        use MessageKind::*;
        use Party::*;
        let cases = [
            (Act, "1-1", "Acte", Collectivity),
            (Acknowledgement, "1-2", "ARActe", Prefecture),
            (ActAnomaly, "1-3", "AnomalieActe", Prefecture),
            (SimpleLetter, "2-1", "CourrierSimple", Prefecture),
            (SimpleLetterReply, "2-2", "ReponseCourrierSimple", Collectivity),
            (AdditionalDocumentsRequest, "3-1", "DemandePieceComplementaire", Prefecture),
            (AdditionalDocumentsRequestAcknowledgement, "3-2", "ARDemandePieceComplementaire", Collectivity),
            (AdditionalDocumentsRefusal, "3-3", "RefusPieceComplementaire", Collectivity),
            (AdditionalDocuments, "3-4", "PieceComplementaire", Collectivity),
            (AdditionalDocumentsAcknowledgement, "3-5", "ARPieceComplementaire", Prefecture),
            (ObservationsLetter, "4-1", "LettreObservations", Prefecture),
            (ObservationsLetterAcknowledgement, "4-2", "ARLettreObservations", Collectivity),
            (ObservationsRejection, "4-3", "RejetLettreObservations", Collectivity),
            (ObservationsReply, "4-4", "ReponseLettreObservations", Collectivity),
            (ObservationsReplyAcknowledgement, "4-5", "ARReponseRejetLettreObservations", Prefecture),
            (ReferralToCourt, "5-1", "DefereTA", Prefecture),
            (Cancellation, "6-1", "Annulation", Collectivity),
            (CancellationAcknowledgement, "6-2", "ARAnnulation", Prefecture),
            (ClassificationRequest, "7-1", "DemandeClassification", Collectivity),
            (Classification, "7-2", "RetourClassification", Prefecture),
            (ClassificationUpToDate, "7-3", "ReponseClassificationSansChangement", Prefecture),
        ];
        assert_eq!(cases.len(), MessageKind::ALL.len());
        for (kind, code, root, sender) in cases {
            assert_eq!(kind.to_string(), code);
            assert_eq!(kind.root_element(), root);
            assert_eq!(kind.sender(), sender, "{root}");
            let (t, s) = kind.code();
            assert_eq!(MessageKind::from_code(t, s), Some(kind));
            assert_eq!(MessageKind::from_root_element(root), Some(kind));
        }
        assert_eq!(MessageKind::ALL.iter().map(|k| k.label()).collect::<HashSet<_>>().len(), 21);
        assert_eq!(MessageKind::from_code(8, 1), None);
        assert_eq!(MessageKind::from_root_element("AnomalieEnveloppe"), None);
    }
}
