//! Transfers from another archiving system (`communs archive import`): a SEDA 2.2 `ArchiveTransfer` and
//! the files it references (its `Uri`s, relative to the transfer's folder). Every file is checked against
//! the digest the transfer gives before anything is archived; the transfer is then deposited as any flow
//! (source `import:{MessageIdentifier}`, so importing it twice archives it once).

use crate::deposit::{self, Deposited, NewObject, NewTransfer, Transferring};
use crate::{ArchiveError, Category};
use base64::Engine;
use roxmltree::{Document, Node};
use std::path::Path;
use store::blobs::BlobStore;
use store::Db;
use time::OffsetDateTime;

const NAMESPACE: &str = "fr:gouv:culture:archivesdefrance:seda:v2.2";

/// An object the transfer describes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Described {
    uri: String,
    sha256: String,
    file_name: String,
    media_type: String,
}

/// Imports the transfer of `xml_path` for `transferring`, in `category`.
pub async fn import(
    db: &Db,
    blobs: &BlobStore,
    transferring: Transferring,
    category: Category,
    xml_path: &Path,
    now: OffsetDateTime,
) -> Result<Deposited, ArchiveError> {
    let io = |e: std::io::Error| ArchiveError::Invalid(format!("{} : {e}", xml_path.display()));
    let xml = std::fs::read_to_string(xml_path).map_err(io)?;
    let (identifier, title, objects) = read(&xml)?;
    let folder = xml_path.parent().unwrap_or(Path::new("."));
    let mut archived = Vec::new();
    for object in objects {
        if object.uri.contains("..") || object.uri.starts_with('/') {
            return Err(ArchiveError::Invalid(format!("chemin d'objet refusé : {}", object.uri)));
        }
        let path = folder.join(&object.uri);
        let stored = blobs.put_file(&path).await.map_err(|e| ArchiveError::Invalid(format!("{} : {e}", path.display())))?;
        if stored.sha256 != object.sha256 {
            return Err(ArchiveError::Invalid(format!(
                "{} : empreinte {} différente de celle du bordereau ({})",
                object.uri, stored.sha256, object.sha256
            )));
        }
        archived.push(NewObject { title: object.file_name.clone(), file_name: object.file_name, media_type: object.media_type, sha256: stored.sha256, size: stored.size });
    }
    let transfer = NewTransfer { transferring, source: format!("import:{identifier}"), category, title, dated: now.date(), objects: archived };
    deposit::deposit(db, blobs, &transfer, now).await
}

/// The identifier, title and objects of a transfer; a French message says what is missing.
fn read(xml: &str) -> Result<(String, String, Vec<Described>), ArchiveError> {
    let invalid = |m: &str| ArchiveError::Invalid(format!("bordereau SEDA : {m}"));
    let doc = Document::parse(xml).map_err(|e| invalid(&format!("XML illisible ({e})")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "ArchiveTransfer" || root.tag_name().namespace() != Some(NAMESPACE) {
        return Err(invalid("ce n'est pas un ArchiveTransfer SEDA 2.2"));
    }
    let text = |node: Node<'_, '_>, name: &str| node.children().find(|n| n.has_tag_name((NAMESPACE, name))).and_then(|n| n.text()).map(str::trim).map(str::to_string);
    let identifier = text(root, "MessageIdentifier").ok_or_else(|| invalid("MessageIdentifier absent"))?;
    let title = root
        .descendants()
        .find(|n| n.has_tag_name((NAMESPACE, "Title")))
        .and_then(|n| n.text())
        .map(str::to_string)
        .or_else(|| text(root, "Comment"))
        .unwrap_or_else(|| identifier.clone());
    let mut objects = Vec::new();
    for object in root.descendants().filter(|n| n.has_tag_name((NAMESPACE, "BinaryDataObject"))) {
        let uri = text(object, "Uri").ok_or_else(|| invalid("objet sans Uri"))?;
        let digest = object.children().find(|n| n.has_tag_name((NAMESPACE, "MessageDigest"))).ok_or_else(|| invalid(&format!("{uri} : empreinte absente")))?;
        if digest.attribute("algorithm") != Some("SHA-256") {
            return Err(invalid(&format!("{uri} : seule l'empreinte SHA-256 est acceptée")));
        }
        let sha256 = hex_digest(digest.text().unwrap_or_default().trim()).ok_or_else(|| invalid(&format!("{uri} : empreinte illisible")))?;
        let file_name = object.descendants().find(|n| n.has_tag_name((NAMESPACE, "Filename"))).and_then(|n| n.text()).map(str::to_string);
        let media_type = object.descendants().find(|n| n.has_tag_name((NAMESPACE, "MimeType"))).and_then(|n| n.text()).map(str::to_string);
        let name = file_name.unwrap_or_else(|| uri.rsplit('/').next().unwrap_or(&uri).to_string());
        objects.push(Described { uri, sha256, file_name: name, media_type: media_type.unwrap_or_else(|| "application/octet-stream".into()) });
    }
    if objects.is_empty() {
        return Err(invalid("aucun objet binaire"));
    }
    Ok((identifier, title, objects))
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

    #[test]
    fn digests_in_hexadecimal_or_base64() {
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(hex_digest(&hex.to_uppercase()).as_deref(), Some(hex));
        let b64 = base64::engine::general_purpose::STANDARD.encode(hex::decode(hex).unwrap());
        assert_eq!(hex_digest(&b64).as_deref(), Some(hex));
        assert_eq!(hex_digest("abc"), None);
    }

    #[test]
    fn a_transfer_without_digest_or_objects_is_refused() {
        let refused = |xml: &str| read(xml).unwrap_err().to_string();
        assert!(refused("<x/>").contains("ArchiveTransfer"));
        let empty = format!("<ArchiveTransfer xmlns=\"{NAMESPACE}\"><MessageIdentifier>T1</MessageIdentifier></ArchiveTransfer>");
        assert!(refused(&empty).contains("aucun objet"));
        let md5 = format!(
            "<ArchiveTransfer xmlns=\"{NAMESPACE}\"><MessageIdentifier>T1</MessageIdentifier><BinaryDataObject id=\"O\"><Uri>a.pdf</Uri>\
             <MessageDigest algorithm=\"MD5\">00</MessageDigest></BinaryDataObject></ArchiveTransfer>"
        );
        assert!(refused(&md5).contains("SHA-256"));
    }
}
