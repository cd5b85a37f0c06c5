//! SEDA 2.2 messages (*Standard d'échange de données pour l'archivage*, schemas in `schemas/seda-2.2`):
//! the `ArchiveTransfer` of a deposit — one archive unit for the flow, one per object, each object a
//! `BinaryDataObject` with its SHA-256 digest and its path in an export — and the platform's
//! `ArchiveTransferReply` accepting it.

mod xml;

use crate::FinalAction;
use crate::deposit::NewTransfer;
use crate::export::object_path;
use time::OffsetDateTime;
use xml::Writer;

const NAMESPACE: &str = "fr:gouv:culture:archivesdefrance:seda:v2.2";

/// The archival agency (*service d'archives*): the platform's electronic archive service.
pub const ARCHIVAL_AGENCY: (&str, &str) = ("COMMUNS-ARCHIVES", "Service d'archives électroniques de communs");

/// The transfer and its reply for a deposit named `identifier`, dated `now`.
pub fn documents(transfer: &NewTransfer, identifier: &str, now: OffsetDateTime) -> (String, String) {
    (transfer_xml(transfer, identifier, now), reply_xml(transfer, identifier, now))
}

/// The `ArchiveTransfer` of a deposit.
pub fn transfer_xml(transfer: &NewTransfer, identifier: &str, now: OffsetDateTime) -> String {
    let mut x = Writer::new(NAMESPACE, "ArchiveTransfer");
    x.text(
        "Comment",
        &format!(
            "{} — {} ; service versant : {} ; service d'archives : {}",
            transfer.category.label(),
            transfer.title,
            transfer.transferring.name,
            ARCHIVAL_AGENCY.1
        ),
    );
    x.text("Date", &xml::date_time(now));
    x.text("MessageIdentifier", identifier);
    x.open("CodeListVersions");
    for (element, version) in [
        ("ReplyCodeListVersion", "ReplyCodeListVersion0"),
        ("MessageDigestAlgorithmCodeListVersion", "MessageDigestAlgorithmCodeListVersion0"),
        ("MimeTypeCodeListVersion", "MimeTypeCodeListVersion0"),
        ("FileFormatCodeListVersion", "FileFormatCodeListVersion0"),
        ("AppraisalRuleCodeListVersion", "AppraisalRuleCodeListVersion0"),
    ] {
        x.text(element, version);
    }
    x.close("CodeListVersions");
    x.open("DataObjectPackage");
    for (n, object) in transfer.objects.iter().enumerate() {
        x.open_with("DataObjectGroup", &[("id", &format!("GRP{}", n + 1))]);
        x.open_with("BinaryDataObject", &[("id", &format!("OBJ{}", n + 1))]);
        x.text("DataObjectVersion", "BinaryMaster_1");
        x.text("Uri", &object_path(identifier, &object.file_name));
        x.text_with("MessageDigest", &[("algorithm", "SHA-256")], &object.sha256);
        x.text("Size", &object.size.to_string());
        x.open("FormatIdentification");
        x.text("MimeType", &object.media_type);
        if let Some(format) = pronom(&object.media_type) {
            x.text("FormatId", format);
        }
        x.close("FormatIdentification");
        x.open("FileInfo");
        x.text("Filename", &object.file_name);
        x.close("FileInfo");
        x.close("BinaryDataObject");
        x.close("DataObjectGroup");
    }
    x.open("DescriptiveMetadata");
    x.open_with("ArchiveUnit", &[("id", "AU0")]);
    let (years, action) = transfer.category.retention();
    x.open("Management");
    x.open("AppraisalRule");
    x.text("Rule", &format!("APP-DUA-{years}A"));
    x.text("StartDate", &transfer.dated.to_string());
    x.text("FinalAction", if action == FinalAction::Keep { "Keep" } else { "Destroy" });
    x.close("AppraisalRule");
    x.close("Management");
    x.open("Content");
    x.text("DescriptionLevel", "File");
    x.text("Title", &transfer.title);
    x.text("Description", &format!("{} versé par {} ({})", transfer.category.label(), transfer.transferring.name, transfer.source));
    agency(&mut x, "OriginatingAgency", &transfer.transferring.identifier);
    x.text("StartDate", &transfer.dated.to_string());
    x.close("Content");
    for (n, object) in transfer.objects.iter().enumerate() {
        x.open_with("ArchiveUnit", &[("id", &format!("AU{}", n + 1))]);
        x.open("Content");
        x.text("DescriptionLevel", "Item");
        x.text("Title", &object.title);
        x.close("Content");
        x.open("DataObjectReference");
        x.text("DataObjectGroupReferenceId", &format!("GRP{}", n + 1));
        x.close("DataObjectReference");
        x.close("ArchiveUnit");
    }
    x.close("ArchiveUnit");
    x.close("DescriptiveMetadata");
    x.open("ManagementMetadata");
    x.text("OriginatingAgencyIdentifier", &transfer.transferring.identifier);
    x.text("SubmissionAgencyIdentifier", &transfer.transferring.identifier);
    x.close("ManagementMetadata");
    x.close("DataObjectPackage");
    agency(&mut x, "ArchivalAgency", ARCHIVAL_AGENCY.0);
    agency(&mut x, "TransferringAgency", &transfer.transferring.identifier);
    x.finish()
}

/// The `ArchiveTransferReply` accepting a deposit (`ReplyCode` OK).
pub fn reply_xml(transfer: &NewTransfer, identifier: &str, now: OffsetDateTime) -> String {
    let mut x = Writer::new(NAMESPACE, "ArchiveTransferReply");
    x.text("Comment", &format!("Versement {identifier} accepté : {} objet(s) archivé(s)", transfer.objects.len()));
    x.text("Date", &xml::date_time(now));
    x.text("MessageIdentifier", &format!("{identifier}-AR"));
    x.open("CodeListVersions");
    x.text("ReplyCodeListVersion", "ReplyCodeListVersion0");
    x.close("CodeListVersions");
    x.text("ReplyCode", "OK");
    x.text("MessageRequestIdentifier", identifier);
    x.text("GrantDate", &xml::date_time(now));
    agency(&mut x, "ArchivalAgency", ARCHIVAL_AGENCY.0);
    agency(&mut x, "TransferringAgency", &transfer.transferring.identifier);
    x.finish()
}

/// An organisation, by its identifier (its name is in the comment and descriptions: the schema leaves
/// the organisation's descriptive metadata to other vocabularies).
fn agency(x: &mut Writer, element: &str, identifier: &str) {
    x.open(element);
    x.text("Identifier", identifier);
    x.close(element);
}

/// The PRONOM identifier of the formats the platform archives.
fn pronom(media_type: &str) -> Option<&'static str> {
    match media_type {
        "application/pdf" => Some("fmt/276"),
        "application/xml" => Some("fmt/101"),
        _ => None,
    }
}
