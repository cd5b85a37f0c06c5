//! The classification of acts in matters (*classification en matières et sous-matières*) that each prefecture
//! publishes through @ctes (`RetourClassification`, message 7-2), with the types of pieces allowed for each
//! nature (*typologie des pièces*).
//!
//! An act is filed under 2 to 5 levels of matter codes (`CodeMatiere1` … `CodeMatiere5`), written `7.1` or
//! `7.1.2`. Until the prefecture has answered a classification request, the platform uses the national
//! nomenclature embedded in `default_classification.xml`.

use std::fmt;
use std::str::FromStr;

use roxmltree::Node;
use serde::{Deserialize, Serialize};
use time::Date;

use super::error::LegalityError;
use super::identifier::PieceTypeCode;
use super::kind::MessageKind;
use super::nature::Nature;
use super::xml::{self, Element};

const MATTER_ELEMENTS: [&str; 5] = ["Matiere1", "Matiere2", "Matiere3", "Matiere4", "Matiere5"];

/// The matter codes of an act, from the first level to the deepest (2 to 5 levels), e.g. `7.1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MatterCodes(Vec<u32>);

impl MatterCodes {
    /// Splits `7.1.2` into `CodeMatiere1` = 7, `CodeMatiere2` = 1, `CodeMatiere3` = 2.
    pub fn parse(code: &str) -> Result<Self, LegalityError> {
        let levels: Option<Vec<u32>> = code.trim().split('.').map(|part| part.parse::<u32>().ok()).collect();
        levels.and_then(|l| Self::from_levels(l).ok()).ok_or_else(|| LegalityError::MatterCodes(code.to_string()))
    }

    /// From the levels themselves; each is a positive number.
    pub fn from_levels(levels: Vec<u32>) -> Result<Self, LegalityError> {
        if (2..=5).contains(&levels.len()) && levels.iter().all(|&l| l > 0) {
            Ok(Self(levels))
        } else {
            Err(LegalityError::MatterCodes(levels.iter().map(u32::to_string).collect::<Vec<_>>().join(".")))
        }
    }

    /// `CodeMatiere1`, `CodeMatiere2`, … in order.
    pub fn levels(&self) -> &[u32] {
        &self.0
    }
}

impl fmt::Display for MatterCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

impl FromStr for MatterCodes {
    type Err = LegalityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for MatterCodes {
    type Error = LegalityError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MatterCodes> for String {
    fn from(value: MatterCodes) -> String {
        value.to_string()
    }
}

/// One matter of the nomenclature, at any level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matter {
    /// Full code from the first level, e.g. `7.1`.
    pub code: String,
    pub label: String,
    /// 1 for a matter, 2 for a sub-matter, … up to 5.
    pub level: u8,
}

/// A type of piece allowed for a nature (`TypePJNatureActe`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PieceType {
    pub code: PieceTypeCode,
    pub label: String,
}

/// A nature of act as the classification describes it, with its piece types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatureEntry {
    pub nature: Nature,
    pub label: String,
    pub piece_types: Vec<PieceType>,
}

/// A classification as a prefecture sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// `DateClassification`: the version, which every act repeats in `ClassificationDateVersion`.
    pub version_date: Date,
    pub natures: Vec<NatureEntry>,
    /// The matters depth first: each matter is followed by its sub-matters.
    pub entries: Vec<Matter>,
}

const NATIONAL: &str = include_str!("default_classification.xml");

impl Classification {
    /// The national nomenclature shipped with the platform: the 9 matters and their sub-matters, with the
    /// generic piece types.
    pub fn national() -> Self {
        Self::parse(NATIONAL.as_bytes()).expect("the embedded classification is valid")
    }

    /// Reads a `RetourClassification` message.
    pub fn parse(xml: &[u8]) -> Result<Self, LegalityError> {
        let text = xml::decode(xml)?;
        let document = xml::parse(&text)?;
        let root = xml::root_name(&document)?;
        if root != MessageKind::Classification.root_element() {
            return Err(LegalityError::UnknownMessage(root.to_string()));
        }
        Self::from_node(document.root_element())
    }

    pub(crate) fn from_node(root: Node<'_, '_>) -> Result<Self, LegalityError> {
        let version_date = xml::date_child(root, "DateClassification")?;
        let natures = xml::children(xml::child(root, "NaturesActes")?, "NatureActe")
            .map(|node| {
                let nature = Nature::from_code_text(xml::attr(node, "CodeNatureActe")?)?;
                let piece_types = xml::children(node, "TypePJNatureActe")
                    .map(|pj| {
                        Ok(PieceType {
                            code: PieceTypeCode::parse(xml::attr(pj, "CodeTypePJ")?)?,
                            label: xml::attr(pj, "Libelle")?.to_string(),
                        })
                    })
                    .collect::<Result<Vec<_>, LegalityError>>()?;
                Ok(NatureEntry { nature, label: xml::attr(node, "Libelle")?.to_string(), piece_types })
            })
            .collect::<Result<Vec<_>, LegalityError>>()?;
        let mut entries = Vec::new();
        collect_matters(xml::child(root, "Matieres")?, 1, "", &mut entries)?;
        Ok(Self { version_date, natures, entries })
    }

    pub(crate) fn element(&self) -> Element {
        let natures = self.natures.iter().map(|entry| {
            Element::new("NatureActe")
                .attr("actes:CodeNatureActe", entry.nature.code().to_string())
                .attr("actes:Libelle", entry.label.as_str())
                .attr("actes:TypeAbrege", entry.nature.letters())
                .children(entry.piece_types.iter().map(|pj| {
                    Element::new("TypePJNatureActe").attr("actes:CodeTypePJ", pj.code.as_str()).attr("actes:Libelle", pj.label.as_str())
                }))
        });
        Element::new(MessageKind::Classification.root_element())
            .child(Element::leaf("DateClassification", xml::format_date(self.version_date)))
            .child(Element::new("NaturesActes").children(natures))
            .child(Element::new("Matieres").children(matter_elements(&self.entries, 1)))
    }

    /// The `RetourClassification` document.
    pub fn to_xml(&self) -> String {
        self.element().document()
    }

    /// The matter with this full code (`7`, `7.1`, `7.1.2`), if the classification has it.
    pub fn lookup(&self, code: &str) -> Option<&Matter> {
        self.entries.iter().find(|m| m.code == code.trim())
    }

    /// Checks that an act's codes designate a matter of this classification, and returns it.
    pub fn check(&self, codes: &MatterCodes) -> Result<&Matter, LegalityError> {
        let code = codes.to_string();
        self.lookup(&code).ok_or_else(|| LegalityError::UnknownMatter { code, version: xml::format_date(self.version_date) })
    }

    /// The piece types allowed for a nature (empty when the classification does not describe the nature).
    pub fn piece_types(&self, nature: Nature) -> &[PieceType] {
        self.natures.iter().find(|n| n.nature == nature).map_or(&[], |n| n.piece_types.as_slice())
    }

    /// Checks that a piece type is allowed for a nature.
    pub fn check_piece_type(&self, nature: Nature, code: &PieceTypeCode) -> Result<(), LegalityError> {
        if self.piece_types(nature).iter().any(|pj| &pj.code == code) {
            Ok(())
        } else {
            Err(LegalityError::UnknownPieceType { code: code.to_string(), nature: nature.label().to_string() })
        }
    }
}

fn collect_matters(parent: Node<'_, '_>, level: usize, prefix: &str, out: &mut Vec<Matter>) -> Result<(), LegalityError> {
    for node in xml::children(parent, MATTER_ELEMENTS[level - 1]) {
        let raw = xml::attr(node, "CodeMatiere")?;
        let number: u32 = raw.trim().parse().map_err(|_| xml::invalid("actes:CodeMatiere", raw))?;
        let code = if prefix.is_empty() { number.to_string() } else { format!("{prefix}.{number}") };
        out.push(Matter { code: code.clone(), label: xml::attr(node, "Libelle")?.trim().to_string(), level: level as u8 });
        if level < MATTER_ELEMENTS.len() {
            collect_matters(node, level + 1, &code, out)?;
        }
    }
    Ok(())
}

/// Rebuilds the nested `MatiereN` elements from the depth-first list.
fn matter_elements(entries: &[Matter], level: u8) -> Vec<Element> {
    let mut elements = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let matter = &entries[start];
        let end = entries[start + 1..].iter().position(|m| m.level <= level).map_or(entries.len(), |p| start + 1 + p);
        let last = matter.code.rsplit('.').next().unwrap_or(&matter.code);
        elements.push(
            Element::new(MATTER_ELEMENTS[usize::from(level) - 1])
                .attr("actes:CodeMatiere", last)
                .attr("actes:Libelle", matter.label.as_str())
                .children(matter_elements(&entries[start + 1..end], level + 1)),
        );
        start = end;
    }
    elements
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legality::testing::assert_valid;

    #[test]
    fn matter_codes_table() {
        let cases: [(&str, Option<&[u32]>); 10] = [
            ("7.1", Some(&[7, 1])),
            ("7.1.2", Some(&[7, 1, 2])),
            (" 1.1.1.1.1 ", Some(&[1, 1, 1, 1, 1])),
            ("7.10", Some(&[7, 10])),
            ("7", None),
            ("1.1.1.1.1.1", None),
            ("7.0", None),
            ("7..1", None),
            ("7.a", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(MatterCodes::parse(input).ok().as_ref().map(MatterCodes::levels), expected, "{input}");
        }
        assert_eq!(MatterCodes::parse("7.1.2").unwrap().to_string(), "7.1.2");
        assert!(MatterCodes::parse("7").unwrap_err().to_string().contains("2 à 5 codes numériques"));
    }

    #[test]
    fn national_classification() {
        let classification = Classification::national();
        assert_eq!(classification.version_date, time::macros::date!(2004 - 04 - 01));
        let top: Vec<&str> = classification.entries.iter().filter(|m| m.level == 1).map(|m| m.code.as_str()).collect();
        assert_eq!(top, ["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        assert_eq!(classification.lookup("1").unwrap().label, "Commande publique");
        assert_eq!(classification.lookup("1.1").unwrap().label, "Marchés publics");
        assert_eq!(classification.lookup("7.1").unwrap().label, "Décisions budgétaires");
        assert_eq!(classification.lookup("7.10").unwrap().level, 2);
        assert!(classification.lookup("7.11").is_none());
        assert!(classification.entries.iter().all(|m| m.level <= 2));
        for top in classification.entries.iter().filter(|m| m.level == 1) {
            assert!(classification.lookup(&format!("{}.1", top.code)).is_some(), "{} has sub-matters", top.code);
        }
        assert_eq!(classification.natures.iter().map(|n| n.nature).collect::<Vec<_>>(), Nature::ALL);
        let deliberation_types: Vec<&str> = classification.piece_types(Nature::Deliberation).iter().map(|p| p.code.as_str()).collect();
        assert_eq!(deliberation_types, ["99_DE", "99_AU"]);
    }

    #[test]
    fn check_matters_and_piece_types() {
        let classification = Classification::national();
        assert_eq!(classification.check(&MatterCodes::parse("5.2").unwrap()).unwrap().label, "Fonctionnement des assemblées");
        assert_eq!(
            classification.check(&MatterCodes::parse("5.9").unwrap()).unwrap_err().to_string(),
            "la matière « 5.9 » n'existe pas dans la classification du 2004-04-01"
        );
        let de = PieceTypeCode::parse("99_DE").unwrap();
        assert!(classification.check_piece_type(Nature::Deliberation, &de).is_ok());
        assert!(classification.check_piece_type(Nature::Contract, &de).is_err());
    }

    #[test]
    fn round_trip_and_schema() {
        let classification = Classification::national();
        let xml = classification.to_xml();
        assert_valid(&xml);
        assert_eq!(Classification::parse(xml.as_bytes()).unwrap(), classification);
        assert_valid(NATIONAL);
    }

    #[test]
    fn deeper_levels_round_trip() {
        let mut classification = Classification::national();
        let position = classification.entries.iter().position(|m| m.code == "7.1").unwrap();
        let deeper = [("7.1.1", "Budget primitif", 3), ("7.1.1.1", "Budget principal", 4), ("7.1.1.1.1", "Section de fonctionnement", 5)];
        for (offset, (code, label, level)) in deeper.into_iter().enumerate() {
            classification.entries.insert(position + 1 + offset, Matter { code: code.into(), label: label.into(), level });
        }
        let xml = classification.to_xml();
        assert_valid(&xml);
        let parsed = Classification::parse(xml.as_bytes()).unwrap();
        assert_eq!(parsed, classification);
        assert_eq!(parsed.check(&MatterCodes::parse("7.1.1.1.1").unwrap()).unwrap().level, 5);
    }

    #[test]
    fn other_messages_are_not_classifications() {
        let error = Classification::parse(b"<actes:Annulation xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\"/>");
        assert_eq!(error, Err(LegalityError::UnknownMessage("Annulation".into())));
    }
}
