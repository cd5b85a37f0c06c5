//! Reading a `PES_Aller` as the accountant does before checking it: its name and budget, its bordereaux
//! (domain, signature reference, year, number, pieces, supporting documents referred to) and the
//! documents of its `PES_PJ`.

use crate::acquit::value;
use crate::attachments;
use crate::{Budget, Domain};
use roxmltree::{Document, Node};

const NAMESPACE: &str = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller";

/// What a PES_Aller holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllerSummary {
    /// `NomFic`.
    pub file_name: String,
    pub budget: Budget,
    pub bordereaux: Vec<BordereauSummary>,
    /// The `IdUnique` of every document of `PES_PJ` whose content reads back (base64 of gzip).
    pub attachments: Vec<String>,
}

/// A bordereau of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BordereauSummary {
    pub domain: Domain,
    /// Its `Id` attribute, which its signature refers to.
    pub id: Option<String>,
    pub year: i32,
    pub number: u32,
    pub pieces: usize,
    /// The `IdUnique` of the documents its pieces and lines refer to (electronic support).
    pub attachment_refs: Vec<String>,
}

/// Reads a PES_Aller; a French message says why it cannot be read.
pub fn read_aller(xml: &str) -> Result<AllerSummary, String> {
    let doc = Document::parse(xml).map_err(|e| format!("XML illisible : {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "PES_Aller" || root.tag_name().namespace() != Some(NAMESPACE) {
        return Err("ce n'est pas un PES_Aller".into());
    }
    let file_name = value(root, &["Enveloppe", "Parametres", "NomFic"]).ok_or("NomFic absent")?;
    let header = |name: &str| value(root, &["EnTetePES", name]).ok_or(format!("EnTetePES sans {name}"));
    let budget = Budget {
        siret: header("IdColl")?,
        poste_comptable: header("IdPost")?,
        code_collectivite: header("CodCol")?,
        code_budget: header("CodBud")?,
    };
    let mut bordereaux = Vec::new();
    for (part, domain) in [("PES_DepenseAller", Domain::Expenditure), ("PES_RecetteAller", Domain::Revenue)] {
        for part in root.children().filter(|n| n.has_tag_name(part)) {
            for bordereau in part.children().filter(|n| n.has_tag_name("Bordereau")) {
                bordereaux.push(summary(bordereau, domain)?);
            }
        }
    }
    let attachments = root
        .children()
        .filter(|n| n.has_tag_name("PES_PJ"))
        .flat_map(|pj| pj.children().filter(|n| n.has_tag_name("PJ")))
        .filter(|pj| {
            let content = pj.descendants().find(|n| n.has_tag_name("Fichier")).and_then(|f| f.text()).unwrap_or_default();
            attachments::decode(content).is_ok()
        })
        .filter_map(|pj| value(pj, &["IdUnique"]))
        .collect();
    Ok(AllerSummary { file_name, budget, bordereaux, attachments })
}

fn summary(bordereau: Node<'_, '_>, domain: Domain) -> Result<BordereauSummary, String> {
    let number = value(bordereau, &["BlocBordereau", "IdBord"]).and_then(|n| n.parse().ok()).ok_or("bordereau sans IdBord")?;
    let year = value(bordereau, &["BlocBordereau", "Exer"]).and_then(|y| y.parse().ok()).ok_or("bordereau sans Exer")?;
    let attachment_refs = bordereau
        .descendants()
        .filter(|n| n.has_tag_name("PJRef") && value(*n, &["Support"]).as_deref() == Some("01"))
        .filter_map(|n| value(n, &["IdUnique"]))
        .collect();
    Ok(BordereauSummary {
        domain,
        id: bordereau.attribute("Id").map(str::to_string),
        year,
        number,
        pieces: bordereau.children().filter(|n| n.has_tag_name("Piece")).count(),
        attachment_refs,
    })
}
