//! Transfers from another archiving system (`communs archive import`): a SEDA 2.2 `ArchiveTransfer` and
//! the files it references (its `Uri`s, relative to the transfer's folder). Every file is checked against
//! the digest the transfer gives before anything is archived; the transfer is then deposited as any flow
//! (source `import:{MessageIdentifier}`, so importing it twice archives it once).

use crate::deposit::{self, Deposited, NewObject, NewTransfer, Transferring};
use crate::seda::{self, ArchiveUnit, BinaryObject};
use crate::{ArchiveError, Category};
use sha2::{Digest, Sha256};
use std::path::Path;
use store::Db;
use store::blobs::{BlobRef, BlobStore};
use time::OffsetDateTime;

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
    let transfer = seda::read_transfer(&xml).map_err(ArchiveError::Invalid)?;
    let mut described = Vec::new();
    collect(&transfer.units, &mut described);
    if described.is_empty() {
        return Err(ArchiveError::Invalid(format!("bordereau {} : aucun objet binaire", transfer.identifier)));
    }
    let folder = xml_path.parent().unwrap_or(Path::new("."));
    let mut archived = Vec::new();
    for (unit_title, object) in described {
        let stored = stored(blobs, folder, object).await?;
        archived.push(NewObject {
            title: unit_title.to_string(),
            file_name: object.file_name.clone(),
            media_type: object.mime_type.clone(),
            sha256: stored.sha256,
            size: stored.size,
        });
    }
    let title = transfer.units.first().map(|unit| unit.title.clone()).or(transfer.comment).unwrap_or_else(|| transfer.identifier.clone());
    // The retention period runs from the date of the documents: the first unit's start date, if given.
    let dated = transfer.units.first().and_then(|unit| unit.start_date).unwrap_or(now.date());
    let deposit =
        NewTransfer { transferring, source: format!("import:{}", transfer.identifier), category, title, dated, objects: archived };
    deposit::deposit(db, blobs, &deposit, now).await
}

/// Every object of `units` with the title of the unit that references it.
fn collect<'a>(units: &'a [ArchiveUnit], out: &mut Vec<(&'a str, &'a BinaryObject)>) {
    for unit in units {
        out.extend(unit.objects.iter().map(|object| (unit.title.as_str(), object)));
        collect(&unit.children, out);
    }
}

/// The object's file put in the blob store; refused, before anything is stored, when it lies outside the
/// transfer's folder or its digest is not the one the transfer gives.
async fn stored(blobs: &BlobStore, folder: &Path, object: &BinaryObject) -> Result<BlobRef, ArchiveError> {
    if object.uri.contains("..") || object.uri.starts_with('/') {
        return Err(ArchiveError::Invalid(format!("chemin d'objet refusé : {}", object.uri)));
    }
    let path = folder.join(&object.uri);
    let unreadable = |e: std::io::Error| ArchiveError::Invalid(format!("{} : {e}", path.display()));
    let digest = file_sha256(&path).map_err(unreadable)?;
    if digest != object.sha256_hex {
        return Err(ArchiveError::Invalid(format!(
            "{} : empreinte {digest} différente de celle du bordereau ({})",
            object.uri, object.sha256_hex
        )));
    }
    blobs.put_file(&path).await.map_err(|e| ArchiveError::Invalid(format!("{} : {e}", path.display())))
}

/// The SHA-256 of a file in lower-case hexadecimal, read as a stream.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}
