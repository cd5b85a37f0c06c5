//! Reading an `ArchiveTransfer` (ours or another system's) back into a [`Transfer`]. Objects are found
//! in their `DataObjectGroup` or bare in the package; digests must be SHA-256, in hexadecimal or base64;
//! an object no unit references is refused, as it would be lost on import. Errors are in French.

use super::{Agency, AppraisalRule, ArchiveUnit, BinaryObject, Level, Management, NAMESPACE, ORGANISATION_NAMESPACE, Rule, Transfer};
use crate::FinalAction;
use base64::Engine;
use roxmltree::{Document, Node};
use std::collections::{HashMap, HashSet};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

type Found<T> = Result<T, String>;

/// The transfer `xml` describes, or what is wrong with it.
pub fn read_transfer(xml: &str) -> Found<Transfer> {
    let doc = Document::parse(xml).map_err(|e| format!("bordereau SEDA : XML illisible ({e})"))?;
    let root = doc.root_element();
    if !root.has_tag_name((NAMESPACE, "ArchiveTransfer")) {
        return Err("bordereau SEDA : ce n'est pas un ArchiveTransfer SEDA 2.2".into());
    }
    let identifier = required(root, "MessageIdentifier", "bordereau")?;
    let date_text = required(root, "Date", "bordereau")?;
    let date = date_time(&date_text).ok_or_else(|| format!("bordereau {identifier} : date illisible ({date_text})"))?;
    let context = format!("bordereau {identifier}");
    let package = child(root, "DataObjectPackage").ok_or_else(|| format!("{context} : DataObjectPackage absent"))?;
    let mut objects = Objects::default();
    for node in package.descendants().filter(|n| n.has_tag_name((NAMESPACE, "BinaryDataObject"))) {
        objects.add(node)?;
    }
    let descriptive = child(package, "DescriptiveMetadata").ok_or_else(|| format!("{context} : DescriptiveMetadata absent"))?;
    let units = elements(descriptive, "ArchiveUnit").map(|node| unit(node, &objects)).collect::<Found<Vec<_>>>()?;
    let mut used = HashSet::new();
    mark_used(&units, &mut used);
    if let Some(orphan) = objects.order.iter().find(|id| !used.contains(id.as_str())) {
        return Err(format!("{context} : l'objet {orphan} n'est rattaché à aucune unité d'archives"));
    }
    Ok(Transfer {
        date,
        comment: text(root, "Comment"),
        archival_agreement: text(root, "ArchivalAgreement"),
        archival_agency: agency(root, "ArchivalAgency", "service d'archives", &context)?,
        transferring_agency: agency(root, "TransferringAgency", "service versant", &context)?,
        units,
        identifier,
    })
}

/// The binary objects of the package, by id and by group.
#[derive(Default)]
struct Objects {
    by_id: HashMap<String, BinaryObject>,
    by_group: HashMap<String, Vec<String>>,
    order: Vec<String>,
}

impl Objects {
    fn add(&mut self, node: Node<'_, '_>) -> Found<()> {
        let id = node.attribute("id").unwrap_or_default().to_string();
        let uri = required(node, "Uri", &format!("objet {id}"))?;
        let context = format!("objet {id} ({uri})");
        let digest = child(node, "MessageDigest").ok_or_else(|| format!("{context} : empreinte absente"))?;
        if digest.attribute("algorithm") != Some("SHA-256") {
            return Err(format!("{context} : seule l'empreinte SHA-256 est acceptée"));
        }
        let sha256_hex = hex_digest(digest.text().unwrap_or_default().trim()).ok_or_else(|| format!("{context} : empreinte illisible"))?;
        let size = required(node, "Size", &context)?.parse().map_err(|_| format!("{context} : taille illisible"))?;
        let format = child(node, "FormatIdentification");
        let file_name = child(node, "FileInfo").and_then(|info| text(info, "Filename"));
        let object = BinaryObject {
            id: id.clone(),
            file_name: file_name.unwrap_or_else(|| uri.rsplit('/').next().unwrap_or(&uri).to_string()),
            sha256_hex,
            size,
            mime_type: format.and_then(|f| text(f, "MimeType")).unwrap_or_else(|| "application/octet-stream".into()),
            format_id: format.and_then(|f| text(f, "FormatId")),
            uri,
        };
        let parent = node.parent_element().filter(|p| p.has_tag_name((NAMESPACE, "DataObjectGroup")));
        let group = parent.and_then(|p| p.attribute("id").map(str::to_string)).or_else(|| text(node, "DataObjectGroupId"));
        if let Some(group) = group {
            self.by_group.entry(group).or_default().push(id.clone());
        }
        if self.by_id.insert(id.clone(), object).is_some() {
            return Err(format!("objet {id} : identifiant en double"));
        }
        self.order.push(id);
        Ok(())
    }

    /// The objects a `DataObjectReference` designates, or what it names that is not in the package.
    fn referenced(&self, reference: Node<'_, '_>) -> Result<Vec<BinaryObject>, String> {
        let ids = match (text(reference, "DataObjectGroupReferenceId"), text(reference, "DataObjectReferenceId")) {
            (Some(group), _) => self.by_group.get(&group).cloned().ok_or(group)?,
            (None, Some(id)) => vec![id],
            (None, None) => return Err("référence vide".into()),
        };
        ids.iter().map(|id| self.by_id.get(id).cloned().ok_or_else(|| id.clone())).collect::<Result<_, _>>()
    }
}

fn unit(node: Node<'_, '_>, objects: &Objects) -> Found<ArchiveUnit> {
    let id = node.attribute("id").unwrap_or_default().to_string();
    let context = format!("unité d'archives {id}");
    let content = child(node, "Content").ok_or_else(|| format!("{context} : Content absent"))?;
    let level = required(content, "DescriptionLevel", &context)?;
    let level = Level::parse(&level).ok_or_else(|| format!("{context} : niveau de description inconnu ({level})"))?;
    let mut unit_objects = Vec::new();
    for reference in elements(node, "DataObjectReference") {
        let found = objects.referenced(reference).map_err(|missing| format!("{context} : objet référencé introuvable ({missing})"))?;
        unit_objects.extend(found);
    }
    let management = child(node, "Management");
    let appraisal = management.and_then(|m| child(m, "AppraisalRule"));
    let access = management.and_then(|m| child(m, "AccessRule"));
    Ok(ArchiveUnit {
        title: required(content, "Title", &context)?,
        description: text(content, "Description"),
        level,
        start_date: optional_date(content, "StartDate", &context)?,
        end_date: optional_date(content, "EndDate", &context)?,
        keywords: elements(content, "Keyword").filter_map(|k| text(k, "KeywordContent")).collect(),
        originating_agency: child(content, "OriginatingAgency").and_then(|a| text(a, "Identifier")),
        management: Management {
            appraisal: appraisal.map(|a| appraisal_rule(a, &context)).transpose()?,
            access: access.map(|a| rule(a, &context)).transpose()?,
        },
        objects: unit_objects,
        children: elements(node, "ArchiveUnit").map(|child| unit(child, objects)).collect::<Found<_>>()?,
        id,
    })
}

fn appraisal_rule(node: Node<'_, '_>, context: &str) -> Found<AppraisalRule> {
    let final_action = match required(node, "FinalAction", context)?.as_str() {
        "Keep" => FinalAction::Keep,
        "Destroy" => FinalAction::Destroy,
        other => return Err(format!("{context} : sort final inconnu ({other})")),
    };
    Ok(AppraisalRule { rule: rule(node, context)?, final_action })
}

fn rule(node: Node<'_, '_>, context: &str) -> Found<Rule> {
    let rule = required(node, "Rule", context)?;
    let start_date = optional_date(node, "StartDate", context)?.ok_or_else(|| format!("{context} : règle {rule} sans date de départ"))?;
    Ok(Rule { rule, start_date })
}

fn agency(root: Node<'_, '_>, element: &'static str, label: &str, context: &str) -> Found<Agency> {
    let node = child(root, element).ok_or_else(|| format!("{context} : {label} absent"))?;
    let identifier = required(node, "Identifier", &format!("{context}, {label}"))?;
    let name = child(node, "OrganizationDescriptiveMetadata")
        .and_then(|m| m.children().find(|n| n.has_tag_name((ORGANISATION_NAMESPACE, "Name"))))
        .and_then(|n| n.text())
        .map(|name| name.trim().to_string());
    Ok(Agency { name: name.unwrap_or_else(|| identifier.clone()), identifier })
}

fn mark_used<'a>(units: &'a [ArchiveUnit], used: &mut HashSet<&'a str>) {
    for unit in units {
        used.extend(unit.objects.iter().map(|o| o.id.as_str()));
        mark_used(&unit.children, used);
    }
}

fn elements<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |n| n.has_tag_name((NAMESPACE, name)))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Option<Node<'a, 'i>> {
    elements(node, name).next()
}

/// The trimmed, non-empty text of the child `name`.
fn text(node: Node<'_, '_>, name: &'static str) -> Option<String> {
    child(node, name).and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

fn required(node: Node<'_, '_>, name: &'static str, context: &str) -> Found<String> {
    text(node, name).ok_or_else(|| format!("{context} : {name} absent"))
}

/// An `xsd:date`, or the date of an `xsd:dateTime` (`DateType` allows both).
fn optional_date(node: Node<'_, '_>, name: &'static str, context: &str) -> Found<Option<Date>> {
    let Some(value) = text(node, name) else { return Ok(None) };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    value
        .get(..10)
        .and_then(|day| Date::parse(day, &format).ok())
        .map(Some)
        .ok_or_else(|| format!("{context} : {name} illisible ({value})"))
}

/// An `xsd:dateTime`, taken as UTC when it has no offset.
fn date_time(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value, &Rfc3339).ok().or_else(|| PrimitiveDateTime::parse(value, &Iso8601::DEFAULT).ok().map(|d| d.assume_utc()))
}

/// A SHA-256 digest written in hexadecimal or base64, as lower-case hexadecimal.
fn hex_digest(text: &str) -> Option<String> {
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(text.to_ascii_lowercase());
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(text).ok()?;
    (bytes.len() == 32).then(|| hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(package: &str, agencies: &str) -> String {
        format!(
            "<ArchiveTransfer xmlns=\"{NAMESPACE}\"><Date>2021-12-21T10:00:00</Date><MessageIdentifier>T1</MessageIdentifier>\
             <DataObjectPackage>{package}<DescriptiveMetadata/></DataObjectPackage>{agencies}</ArchiveTransfer>"
        )
    }

    #[test]
    fn what_is_missing_or_wrong_is_named_in_french() {
        let agencies = "<ArchivalAgency><Identifier>A</Identifier></ArchivalAgency><TransferringAgency><Identifier>243400017</Identifier></TransferringAgency>";
        assert!(read_transfer("<x/>").unwrap_err().contains("ArchiveTransfer"));
        assert!(read_transfer("<x").unwrap_err().contains("XML illisible"));
        let missing = read_transfer(&transfer("", "")).unwrap_err();
        assert_eq!(missing, "bordereau T1 : service d'archives absent");
        let read = read_transfer(&transfer("", agencies)).unwrap();
        assert_eq!(read.date, time::macros::datetime!(2021-12-21 10:00 UTC));
        assert_eq!(read.archival_agency, Agency { identifier: "A".into(), name: "A".into() }, "the name defaults to the identifier");
        let md5 = "<BinaryDataObject id=\"O1\"><Uri>a.pdf</Uri><MessageDigest algorithm=\"MD5\">00</MessageDigest><Size>1</Size></BinaryDataObject>";
        assert!(read_transfer(&transfer(md5, agencies)).unwrap_err().contains("seule l'empreinte SHA-256"));
        let orphan = md5.replace("MD5", "SHA-256").replace(">00<", ">n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=<");
        assert_eq!(
            read_transfer(&transfer(&orphan, agencies)).unwrap_err(),
            "bordereau T1 : l'objet O1 n'est rattaché à aucune unité d'archives"
        );
    }

    #[test]
    fn digests_in_hexadecimal_or_base64() {
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(hex_digest(&hex.to_uppercase()).as_deref(), Some(hex));
        assert_eq!(hex_digest("n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=").as_deref(), Some(hex));
        assert_eq!(hex_digest("abc"), None);
    }
}
