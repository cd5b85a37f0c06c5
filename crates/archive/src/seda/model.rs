//! The typed content of a SEDA 2.2 transfer (*bordereau de transfert*): what `transfer_xml` writes and
//! `read_transfer` reads back.

use crate::FinalAction;
use time::{Date, OffsetDateTime};

/// An `ArchiveTransfer` message (*message de transfert*).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// `MessageIdentifier` (*identifiant du message*).
    pub identifier: String,
    pub date: OffsetDateTime,
    pub comment: Option<String>,
    /// `ArchivalAgreement` (*accord de versement*).
    pub archival_agreement: Option<String>,
    /// `ArchivalAgency` (*service d'archives*).
    pub archival_agency: Agency,
    /// `TransferringAgency` (*service versant*), also written as the package's originating agency.
    pub transferring_agency: Agency,
    /// The top-level archive units of the `DescriptiveMetadata`.
    pub units: Vec<ArchiveUnit>,
}

/// An organisation (*organisation*, `OrganizationWithIdType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Its identifier: a SIREN for a local authority.
    pub identifier: String,
    /// Its name, in `OrganizationDescriptiveMetadata` (see [`super::ORGANISATION_NAMESPACE`]).
    pub name: String,
}

/// An `ArchiveUnit` (*unité d'archives*), with its sub-units and the objects it references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveUnit {
    /// Its `id` attribute: written as an XML name (see `xml::id`).
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub level: Level,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// `Keyword/KeywordContent` (*mots-clés*).
    pub keywords: Vec<String>,
    /// `OriginatingAgency/Identifier` (*service producteur*), by identifier.
    pub originating_agency: Option<String>,
    pub management: Management,
    pub objects: Vec<BinaryObject>,
    pub children: Vec<ArchiveUnit>,
}

/// `DescriptionLevel` (*niveau de description*), after ISAD(G).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Fonds,
    Subfonds,
    Class,
    Collection,
    Series,
    Subseries,
    RecordGrp,
    SubGrp,
    /// A file (*dossier*).
    File,
    /// A single document (*pièce*).
    Item,
    OtherLevel,
}

/// The management rules of a unit (*règles de gestion*).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Management {
    /// `AppraisalRule` (*durée d'utilité administrative et sort final*).
    pub appraisal: Option<AppraisalRule>,
    /// `AccessRule` (*délai de communicabilité*).
    pub access: Option<Rule>,
}

/// A rule (`APP-DUA-10A`, `ACC-00001` …) and the date its period starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub rule: String,
    pub start_date: Date,
}

/// An appraisal rule and what becomes of the unit when it ends (*sort final*).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppraisalRule {
    pub rule: Rule,
    pub final_action: FinalAction,
}

/// A `BinaryDataObject` (*objet binaire*), written in its own `DataObjectGroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryObject {
    /// Its `id` attribute: written as an XML name (see `xml::id`).
    pub id: String,
    pub file_name: String,
    /// Its path in the package, relative to the transfer (`Uri`).
    pub uri: String,
    /// Its SHA-256 digest in lower-case hexadecimal (`MessageDigest`, algorithm `SHA-256`).
    pub sha256_hex: String,
    pub size: u64,
    pub mime_type: String,
    /// Its PRONOM identifier (`fmt/276` for PDF 1.7, `fmt/101` for XML).
    pub format_id: Option<String>,
}

impl Level {
    const ALL: [Level; 11] = [
        Level::Fonds,
        Level::Subfonds,
        Level::Class,
        Level::Collection,
        Level::Series,
        Level::Subseries,
        Level::RecordGrp,
        Level::SubGrp,
        Level::File,
        Level::Item,
        Level::OtherLevel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Level::Fonds => "Fonds",
            Level::Subfonds => "Subfonds",
            Level::Class => "Class",
            Level::Collection => "Collection",
            Level::Series => "Series",
            Level::Subseries => "Subseries",
            Level::RecordGrp => "RecordGrp",
            Level::SubGrp => "SubGrp",
            Level::File => "File",
            Level::Item => "Item",
            Level::OtherLevel => "OtherLevel",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_reads_back() {
        for level in Level::ALL {
            assert_eq!(Level::parse(level.code()), Some(level));
        }
        assert_eq!(Level::parse("Dossier"), None);
    }
}
