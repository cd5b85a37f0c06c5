//! Writing a [`Transfer`] as an `ArchiveTransfer` and the reply to it as an `ArchiveTransferReply`, both
//! valid against `seda-2.2-main.xsd`.

use super::xml::{self, Writer};
use super::{Agency, ArchiveUnit, BinaryObject, NAMESPACE, ORGANISATION_NAMESPACE, Transfer};
use crate::FinalAction;
use std::collections::HashSet;
use time::OffsetDateTime;

/// The code lists a transfer refers to (`CodeListVersions`), in the schema's order.
const CODE_LISTS: [(&str, &str); 6] = [
    ("ReplyCodeListVersion", "ReplyCodeListVersion0"),
    ("MessageDigestAlgorithmCodeListVersion", "MessageDigestAlgorithmCodeListVersion0"),
    ("MimeTypeCodeListVersion", "MimeTypeCodeListVersion0"),
    ("FileFormatCodeListVersion", "FileFormatCodeListVersion0"),
    ("AppraisalRuleCodeListVersion", "AppraisalRuleCodeListVersion0"),
    ("AccessRuleCodeListVersion", "AccessRuleCodeListVersion0"),
];

/// The `ArchiveTransfer` of `t`: every object of every unit once in the `DataObjectPackage`, each in its
/// own `DataObjectGroup` (`GRP_{object id}`) that its units reference.
pub fn transfer_xml(t: &Transfer) -> String {
    let mut x = Writer::new(NAMESPACE, "ArchiveTransfer");
    if let Some(comment) = &t.comment {
        x.text("Comment", comment);
    }
    x.text("Date", &xml::date_time(t.date));
    x.text("MessageIdentifier", &t.identifier);
    if let Some(agreement) = &t.archival_agreement {
        x.text("ArchivalAgreement", agreement);
    }
    x.open("CodeListVersions");
    for (element, version) in CODE_LISTS {
        x.text(element, version);
    }
    x.close("CodeListVersions");
    x.open("DataObjectPackage");
    let mut objects = Vec::new();
    collect_objects(&t.units, &mut objects);
    let mut written = HashSet::new();
    for object in objects.into_iter().filter(|o| written.insert(xml::id(&o.id))) {
        binary_object(&mut x, object);
    }
    x.open("DescriptiveMetadata");
    for unit in &t.units {
        archive_unit(&mut x, unit);
    }
    x.close("DescriptiveMetadata");
    x.open("ManagementMetadata");
    x.text("OriginatingAgencyIdentifier", &t.transferring_agency.identifier);
    x.text("SubmissionAgencyIdentifier", &t.transferring_agency.identifier);
    x.close("ManagementMetadata");
    x.close("DataObjectPackage");
    agency(&mut x, "ArchivalAgency", &t.archival_agency);
    agency(&mut x, "TransferringAgency", &t.transferring_agency);
    x.finish()
}

/// The archival agency's `ArchiveTransferReply` to `transfer` (`MessageRequestIdentifier`): `ReplyCode`
/// `OK` with its `GrantDate` when accepted, `KO` when refused (the codes of the Vitam reference system).
pub fn reply_xml(transfer: &Transfer, reply_identifier: &str, date: OffsetDateTime, accepted: bool) -> String {
    let mut x = Writer::new(NAMESPACE, "ArchiveTransferReply");
    let comment = if accepted {
        let mut objects = Vec::new();
        collect_objects(&transfer.units, &mut objects);
        format!("Transfert {} accepté : {} objet(s) archivé(s)", transfer.identifier, objects.len())
    } else {
        format!("Transfert {} refusé", transfer.identifier)
    };
    x.text("Comment", &comment);
    x.text("Date", &xml::date_time(date));
    x.text("MessageIdentifier", reply_identifier);
    x.open("CodeListVersions");
    for (element, version) in &CODE_LISTS[..4] {
        x.text(element, version);
    }
    x.close("CodeListVersions");
    x.text("ReplyCode", if accepted { "OK" } else { "KO" });
    x.text("MessageRequestIdentifier", &transfer.identifier);
    if accepted {
        x.text("GrantDate", &xml::date_time(date));
    }
    agency(&mut x, "ArchivalAgency", &transfer.archival_agency);
    agency(&mut x, "TransferringAgency", &transfer.transferring_agency);
    x.finish()
}

/// The archival agency's `ArchiveDestructionNotification` (*notification d'élimination*) of the units
/// `unit_identifiers` (the transfers' identifiers), eliminated on the authorisation `authorisation`.
pub fn destruction_notification_xml(
    identifier: &str,
    date: OffsetDateTime,
    comment: &str,
    authorisation: &str,
    unit_identifiers: &[String],
    archival_agency: &Agency,
    originating_agency: &Agency,
) -> String {
    let mut x = Writer::new(NAMESPACE, "ArchiveDestructionNotification");
    x.text("Comment", comment);
    x.text("Date", &xml::date_time(date));
    x.text("MessageIdentifier", identifier);
    x.open("CodeListVersions");
    for (element, version) in &CODE_LISTS[..2] {
        x.text(element, version);
    }
    x.close("CodeListVersions");
    x.text("AuthorizationRequestReplyIdentifier", authorisation);
    for unit in unit_identifiers {
        x.text("UnitIdentifier", unit);
    }
    agency(&mut x, "ArchivalAgency", archival_agency);
    agency(&mut x, "OriginatingAgency", originating_agency);
    x.finish()
}

fn collect_objects<'a>(units: &'a [ArchiveUnit], out: &mut Vec<&'a BinaryObject>) {
    for unit in units {
        out.extend(&unit.objects);
        collect_objects(&unit.children, out);
    }
}

fn group_id(object: &BinaryObject) -> String {
    format!("GRP_{}", xml::id(&object.id))
}

fn binary_object(x: &mut Writer, object: &BinaryObject) {
    x.open_with("DataObjectGroup", &[("id", &group_id(object))]);
    x.open_with("BinaryDataObject", &[("id", &xml::id(&object.id))]);
    x.text("DataObjectVersion", "BinaryMaster_1");
    x.text("Uri", &object.uri);
    x.text_with("MessageDigest", &[("algorithm", "SHA-256")], &object.sha256_hex);
    x.text("Size", &object.size.to_string());
    x.open("FormatIdentification");
    x.text("MimeType", &object.mime_type);
    if let Some(format) = &object.format_id {
        x.text("FormatId", format);
    }
    x.close("FormatIdentification");
    x.open("FileInfo");
    x.text("Filename", &object.file_name);
    x.close("FileInfo");
    x.close("BinaryDataObject");
    x.close("DataObjectGroup");
}

fn archive_unit(x: &mut Writer, unit: &ArchiveUnit) {
    x.open_with("ArchiveUnit", &[("id", &xml::id(&unit.id))]);
    let management = &unit.management;
    if management.appraisal.is_some() || management.access.is_some() {
        x.open("Management");
        if let Some(appraisal) = &management.appraisal {
            x.open("AppraisalRule");
            x.text("Rule", &appraisal.rule.rule);
            x.text("StartDate", &appraisal.rule.start_date.to_string());
            x.text("FinalAction", if appraisal.final_action == FinalAction::Keep { "Keep" } else { "Destroy" });
            x.close("AppraisalRule");
        }
        if let Some(access) = &management.access {
            x.open("AccessRule");
            x.text("Rule", &access.rule);
            x.text("StartDate", &access.start_date.to_string());
            x.close("AccessRule");
        }
        x.close("Management");
    }
    x.open("Content");
    x.text("DescriptionLevel", unit.level.code());
    x.text("Title", &unit.title);
    if let Some(description) = &unit.description {
        x.text("Description", description);
    }
    for keyword in &unit.keywords {
        x.open("Keyword");
        x.text("KeywordContent", keyword);
        x.close("Keyword");
    }
    if let Some(originating) = &unit.originating_agency {
        x.open("OriginatingAgency");
        x.text("Identifier", originating);
        x.close("OriginatingAgency");
    }
    for (element, date) in [("StartDate", unit.start_date), ("EndDate", unit.end_date)] {
        if let Some(date) = date {
            x.text(element, &date.to_string());
        }
    }
    x.close("Content");
    for child in &unit.children {
        archive_unit(x, child);
    }
    for object in &unit.objects {
        x.open("DataObjectReference");
        x.text("DataObjectGroupReferenceId", &group_id(object));
        x.close("DataObjectReference");
    }
    x.close("ArchiveUnit");
}

/// An organisation: its identifier, and its name in `OrganizationDescriptiveMetadata` (the schema leaves
/// that element to other vocabularies: the name is in [`ORGANISATION_NAMESPACE`]).
fn agency(x: &mut Writer, element: &str, agency: &Agency) {
    x.open(element);
    x.text("Identifier", &agency.identifier);
    x.open("OrganizationDescriptiveMetadata");
    x.text_with("Name", &[("xmlns", ORGANISATION_NAMESPACE)], &agency.name);
    x.close("OrganizationDescriptiveMetadata");
    x.close(element);
}
