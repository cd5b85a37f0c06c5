//! SEDA 2.2 messages (*Standard d'échange de données pour l'archivage*, schemas in `schemas/seda-2.2`):
//! a typed [`Transfer`] written as an `ArchiveTransfer` ([`transfer_xml`]) and read back
//! ([`read_transfer`]), the archival agency's `ArchiveTransferReply` ([`reply_xml`]) and
//! `ArchiveDestructionNotification` ([`destruction_notification_xml`]). A deposit's
//! transfer ([`documents`]) is one archive unit for the flow with one sub-unit per object.

mod model;
mod read;
mod write;
mod xml;

pub use model::{Agency, AppraisalRule, ArchiveUnit, BinaryObject, Level, Management, Rule, Transfer};
pub use read::read_transfer;
pub use write::{destruction_notification_xml, reply_xml, transfer_xml};

use crate::deposit::NewTransfer;
use crate::export::object_path;
use time::OffsetDateTime;

const NAMESPACE: &str = "fr:gouv:culture:archivesdefrance:seda:v2.2";

/// The namespace of the organisation's `Name` in `OrganizationDescriptiveMetadata`, which the schema
/// leaves to vocabularies other than SEDA's.
pub const ORGANISATION_NAMESPACE: &str = "urn:communs:seda:organisation";

/// The archival agency (*service d'archives*): the platform's electronic archive service.
pub fn archival_agency() -> Agency {
    Agency { identifier: "COMMUNS-ARCHIVES".into(), name: "Service d'archives électroniques de communs".into() }
}

/// The transfer and its reply (`{identifier}-AR`) for a deposit named `identifier`, dated `now`.
pub fn documents(deposit: &NewTransfer, identifier: &str, now: OffsetDateTime) -> (String, String) {
    let transfer = deposit_transfer(deposit, identifier, now);
    (transfer_xml(&transfer), reply_xml(&transfer, &format!("{identifier}-AR"), now, true))
}

/// The transfer of a deposit: its objects at their paths in an export, kept under the retention rule of
/// its category from the date of its documents.
fn deposit_transfer(deposit: &NewTransfer, identifier: &str, now: OffsetDateTime) -> Transfer {
    let transferring = &deposit.transferring;
    let archival_agency = archival_agency();
    let (years, final_action) = deposit.category.retention();
    let objects = deposit.objects.iter().enumerate().map(|(n, object)| ArchiveUnit {
        id: format!("AU{}", n + 1),
        title: object.title.clone(),
        description: None,
        level: Level::Item,
        start_date: None,
        end_date: None,
        keywords: Vec::new(),
        originating_agency: None,
        management: Management::default(),
        objects: vec![BinaryObject {
            id: format!("OBJ{}", n + 1),
            file_name: object.file_name.clone(),
            uri: object_path(identifier, &object.file_name),
            sha256_hex: object.sha256.clone(),
            size: object.size,
            mime_type: object.media_type.clone(),
            format_id: pronom(&object.media_type).map(str::to_string),
        }],
        children: Vec::new(),
    });
    let flow = ArchiveUnit {
        id: "AU0".into(),
        title: deposit.title.clone(),
        description: Some(format!("{} versé par {} ({})", deposit.category.label(), transferring.name, deposit.source)),
        level: Level::File,
        start_date: Some(deposit.dated),
        end_date: None,
        keywords: vec![deposit.category.label().into()],
        originating_agency: Some(transferring.identifier.clone()),
        management: Management {
            appraisal: Some(AppraisalRule { rule: Rule { rule: format!("APP-DUA-{years}A"), start_date: deposit.dated }, final_action }),
            access: None,
        },
        objects: Vec::new(),
        children: objects.collect(),
    };
    Transfer {
        identifier: identifier.into(),
        date: now,
        comment: Some(format!(
            "{} — {} ; service versant : {} ; service d'archives : {}",
            deposit.category.label(),
            deposit.title,
            transferring.name,
            archival_agency.name
        )),
        archival_agreement: None,
        archival_agency,
        transferring_agency: Agency { identifier: transferring.identifier.clone(), name: transferring.name.clone() },
        units: vec![flow],
    }
}

/// The PRONOM identifier of the formats the platform archives.
fn pronom(media_type: &str) -> Option<&'static str> {
    match media_type {
        "application/pdf" => Some("fmt/276"),
        "application/xml" => Some("fmt/101"),
        _ => None,
    }
}
