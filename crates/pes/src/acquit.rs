//! The accountant's acknowledgement of a file (`PES_ACQUIT`, schema `PES_V2_Acquit_Autonome_V2.xsd`): for
//! each bordereau (or the file as a whole), its domain, whether it was taken (`EtatAck`), and the anomalies
//! found, by the codes of the schema (`NumAnoAck`).

use crate::Domain;
use crate::budget::{Budget, write_envelope};
use crate::writer::{Xml, text};
use roxmltree::{Document, Node};
use time::Date;

const NAMESPACE: &str = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour/v2";

/// An acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acquit {
    /// The name of the file acknowledged (`NomFic` of the PES_Aller).
    pub file_name: String,
    pub received_on: Date,
    pub elements: Vec<AckElement>,
}

/// What the accountant says of one bordereau, or of the file when `bordereau` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckElement {
    pub domain: Domain,
    pub state: AckState,
    /// (year, number) of the bordereau.
    pub bordereau: Option<(i32, u32)>,
    pub errors: Vec<AckError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckState {
    Accepted,
    Rejected,
}

/// An anomaly: its code (`ERREUR_SIGNATURE_BORDEREAU_INVALIDE` …) and its wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckError {
    pub code: String,
    pub message: String,
}

/// The anomaly codes the schema knows (`TNumAnoAck`) that a platform may meet.
pub mod codes {
    pub const SCHEMA: &str = "ERREUR_SCHEMA_INCOMPLET";
    pub const BORDEREAU_SIGNATURE_INVALID: &str = "ERREUR_SIGNATURE_BORDEREAU_INVALIDE";
    pub const BORDEREAU_SIGNATURE_MISSING: &str = "ERREUR_SIGNATURE_BORDEREAU_INCOMPLETE";
    pub const ATTACHMENT: &str = "ERREUR_PJ";
    pub const DUPLICATE_BORDEREAU: &str = "ERREUR_DOUBLON_BORDEREAU";
}

/// `DomaineAck`: 5 expenditure, 6 revenue, 4 supporting documents, 0 technical (the file).
fn domain_code(domain: Domain) -> &'static str {
    match domain {
        Domain::Expenditure => "5",
        Domain::Revenue => "6",
        Domain::Attachments => "4",
        Domain::File => "0",
    }
}

/// The acknowledgement as the accountant writes it, for the budget of the file.
pub fn write(acquit: &Acquit, budget: &Budget) -> String {
    let mut x = Xml::document();
    x.0.push_str(&format!("<n:PES_ACQUIT xmlns:n=\"{NAMESPACE}\">"));
    let stem = acquit.file_name.trim_end_matches(".xml");
    write_envelope(&mut x, "PESACQ", &format!("ACQUIT_{stem}.xml"));
    budget.write_header(&mut x, acquit.received_on);
    x.open("ACQUIT");
    x.open("EnTeteAcquit");
    x.leaf("IdVer", "2");
    x.close("EnTeteAcquit");
    for element in &acquit.elements {
        x.open("ElementACQUIT");
        x.leaf("DomaineAck", domain_code(element.domain));
        x.leaf("EtatAck", if element.state == AckState::Accepted { "1" } else { "0" });
        if let Some((year, number)) = element.bordereau {
            x.leaf("NumBord", &number.to_string());
            x.leaf("ExerciceBord", &year.to_string());
        }
        for error in &element.errors {
            x.open("Erreur");
            x.leaf("NumAnoAck", &error.code);
            x.leaf("LibelleAnoAck", &text(&error.message, 500));
            x.close("Erreur");
        }
        x.close("ElementACQUIT");
    }
    x.close("ACQUIT");
    x.0.push_str("</n:PES_ACQUIT>\n");
    x.0
}

/// Reads an acknowledgement; a French message says what is wrong with it.
pub fn read(xml: &str) -> Result<Acquit, String> {
    let doc = Document::parse(xml).map_err(|e| format!("XML illisible : {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "PES_ACQUIT" || root.tag_name().namespace() != Some(NAMESPACE) {
        return Err("ce n'est pas un PES_ACQUIT".into());
    }
    let file_name = value(root, &["Enveloppe", "Parametres", "NomFic"]).ok_or("NomFic absent")?;
    let file_name = file_name.strip_prefix("ACQUIT_").unwrap_or(&file_name).to_string();
    let received = value(root, &["EnTetePES", "DteStr"]).ok_or("DteStr absent")?;
    let received_on = Date::parse(&received, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("date d'acquittement invalide : {received}"))?;
    let acquit = child(root, "ACQUIT").ok_or("bloc ACQUIT absent")?;
    let mut elements = Vec::new();
    for element in acquit.children().filter(|n| n.has_tag_name("ElementACQUIT")) {
        let domain = match value(element, &["DomaineAck"]).as_deref() {
            Some("5") => Domain::Expenditure,
            Some("6") => Domain::Revenue,
            Some("4") => Domain::Attachments,
            _ => Domain::File,
        };
        let state = match value(element, &["EtatAck"]).as_deref() {
            Some("1" | "true") => AckState::Accepted,
            _ => AckState::Rejected,
        };
        let number = value(element, &["NumBord"]).and_then(|n| n.parse().ok());
        let year = value(element, &["ExerciceBord"]).and_then(|y| y.parse().ok());
        let errors = element
            .children()
            .filter(|n| n.has_tag_name("Erreur"))
            .map(|e| AckError {
                code: value(e, &["NumAnoAck"]).unwrap_or_default(),
                message: value(e, &["LibelleAnoAck"]).unwrap_or_default(),
            })
            .collect();
        elements.push(AckElement { domain, state, bordereau: year.zip(number), errors });
    }
    if elements.is_empty() {
        return Err("acquittement sans élément".into());
    }
    Ok(Acquit { file_name, received_on, elements })
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

/// The `V` attribute at the end of `path` under `node`.
pub(crate) fn value(node: Node<'_, '_>, path: &[&str]) -> Option<String> {
    let mut current = node;
    for name in path {
        current = child(current, name)?;
    }
    current.attribute("V").map(str::to_string)
}
