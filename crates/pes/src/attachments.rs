//! Supporting documents (*pièces justificatives*): the `PES_PJ` part of a `PES_Aller`, each document
//! compressed with gzip then base64-encoded in `Fichier`, and the `PJRef` by which a piece names one
//! (support 01, electronic: the document is in the same file).

use crate::writer::Xml;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::io::{Read, Write};

/// A document to embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// `IdUnique`: letters and digits, 50 at most, unique for the accountant.
    pub id: String,
    /// The file name, with its extension (`facture.pdf`).
    pub file_name: String,
    pub description: String,
    /// The document itself (PDF).
    pub content: Vec<u8>,
}

/// Whether `id` may be an `IdUnique` (letters and digits, 1 to 50).
pub fn valid_id(id: &str) -> bool {
    (1..=50).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A file name as `NomPJ` accepts it: ASCII letters, digits, `-`, `_` and `.`, 100 characters at most,
/// ending with an extension of 2 to 4 letters or digits (`.pdf` when it has none).
pub fn file_name(name: &str) -> String {
    let cleaned: String = kernel::slug::fold_accents(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let has_extension = cleaned
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && (2..=4).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()));
    let named = if has_extension { cleaned } else { format!("{cleaned}.pdf") };
    let (stem, ext) = named.rsplit_once('.').unwrap_or((&named, "pdf"));
    let stem: String = stem.chars().take(100 - ext.len() - 1).collect();
    format!("{stem}.{ext}")
}

/// `PJRef` in a piece: the document of `id`, in this file.
pub(crate) fn write_reference(x: &mut Xml, id: &str) {
    x.open("PJRef");
    x.leaf("Support", "01");
    x.leaf("IdUnique", id);
    x.close("PJRef");
}

/// `PES_PJ` with every document.
pub(crate) fn write(x: &mut Xml, attachments: &[Attachment]) {
    x.open("PES_PJ");
    x.open("EnTetePES_PJ");
    x.leaf("IdVer", "1");
    x.close("EnTetePES_PJ");
    for attachment in attachments {
        x.open("PJ");
        x.open("Contenu");
        x.text_element("Fichier", " MIMEType=\"application/pdf\"", &BASE64.encode(gzip(&attachment.content)));
        x.close("Contenu");
        x.leaf("IdUnique", &attachment.id);
        x.leaf("NomPJ", &file_name(&attachment.file_name));
        x.leaf("TypePJ", "003");
        x.leaf("Description", &description_of(&attachment.description));
        x.close("PJ");
    }
    x.close("PES_PJ");
}

/// A description within the 250 characters of `Description`.
fn description_of(description: &str) -> String {
    let text: String = description.chars().take(250).collect();
    if text.trim().is_empty() { "Piece justificative".to_string() } else { text }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// The document of a `Fichier` element's text: base64, then gzip.
pub fn decode(content: &str) -> Result<Vec<u8>, String> {
    let compact: String = content.split_whitespace().collect();
    let compressed = BASE64.decode(compact).map_err(|e| format!("contenu base64 invalide : {e}"))?;
    let mut document = Vec::new();
    GzDecoder::new(compressed.as_slice()).read_to_end(&mut document).map_err(|e| format!("contenu gzip invalide : {e}"))?;
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_follow_the_schema() {
        assert_eq!(file_name("Facture n°12 été.pdf"), "Facture_n_12_ete.pdf");
        assert_eq!(file_name("devis"), "devis.pdf");
        assert_eq!(file_name(&format!("{}.pdf", "a".repeat(150))).len(), 100);
        assert!(valid_id("PJ2021M1") && !valid_id("PJ-1") && !valid_id(""));
    }

    #[test]
    fn documents_travel_compressed_and_come_back() {
        let mut x = Xml(String::new());
        let pdf = b"%PDF-1.7 facture".to_vec();
        write(&mut x, &[Attachment { id: "PJ1".into(), file_name: "f.pdf".into(), description: "Facture".into(), content: pdf.clone() }]);
        let content = x.0.split("application/pdf\">").nth(1).unwrap().split('<').next().unwrap();
        assert_eq!(decode(content).unwrap(), pdf);
        assert!(decode("pas du base64 !").is_err());
    }
}
