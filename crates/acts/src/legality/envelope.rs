//! The envelopes of @ctes packages: `EnveloppeCLMISILL` from a collectivity to the ministry (*MISILL*), which
//! identifies the sender and lists the messages of the package, and `EnveloppeMISILLCL` the other way.

use std::fmt;

use kernel::Siren;
use roxmltree::Node;
use serde::{Deserialize, Serialize};

use super::error::LegalityError;
use super::identifier::Departement;
use super::xml::{self, Element};

/// An e-mail address as the schema's `Email` type accepts it: dot-separated words of ASCII letters, digits, `_`
/// and `-`, `@`, then a domain whose last label has 2 to 6 letters. Notably, `+` and accents are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, LegalityError> {
        let address = input.trim();
        let word = |w: &str, underscore: bool| {
            !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || (underscore && b == b'_'))
        };
        let valid = address.split_once('@').is_some_and(|(local, domain)| {
            let labels: Vec<&str> = domain.split('.').collect();
            let top = labels.last().copied().unwrap_or_default();
            local.split('.').all(|w| word(w, true))
                && labels.len() >= 2
                && labels.iter().all(|l| word(l, false))
                && (2..=6).contains(&top.len())
                && top.bytes().all(|b| b.is_ascii_alphabetic())
        });
        if valid { Ok(Self(address.to_string())) } else { Err(LegalityError::Email(input.to_string())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Arrondissement of the collectivity within its département: one digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Arrondissement(u8);

impl Arrondissement {
    pub fn new(number: u8) -> Result<Self, LegalityError> {
        if number <= 9 { Ok(Self(number)) } else { Err(LegalityError::Arrondissement(number.to_string())) }
    }

    fn parse(input: &str) -> Result<Self, LegalityError> {
        match input.trim().as_bytes() {
            [digit] if digit.is_ascii_digit() => Ok(Self(digit - b'0')),
            _ => Err(LegalityError::Arrondissement(input.to_string())),
        }
    }

    pub fn number(self) -> u8 {
        self.0
    }
}

/// Code of the nature of the collectivity (*code nature de la collectivité*, attribute `Nature` of `IDCL`),
/// two digits given by the prefecture when the collectivity joins @ctes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CollectivityNature(String);

impl CollectivityNature {
    pub fn parse(input: &str) -> Result<Self, LegalityError> {
        let code = input.trim();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_string()))
        } else {
            Err(LegalityError::CollectivityNature(input.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $t {
            type Error = LegalityError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> String {
                value.0
            }
        }
    )*};
}
string_conversions!(Email, CollectivityNature);

impl fmt::Display for Arrondissement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u8> for Arrondissement {
    type Error = LegalityError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Arrondissement> for u8 {
    fn from(value: Arrondissement) -> u8 {
        value.0
    }
}

/// The person the prefecture may contact about the envelope (*référent*); every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referent {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<Email>,
}

impl Referent {
    fn element(&self) -> Element {
        let name = self.name.iter().map(|n| Element::leaf("Nom", n.as_str()));
        let phone = self.phone.iter().map(|p| Element::leaf("Telephone", p.as_str()));
        let email = self.email.iter().map(|e| Element::leaf("Email", e.as_str()));
        Element::new("Referent").children(name.chain(phone).chain(email))
    }

    fn from_node(node: Node<'_, '_>) -> Result<Self, LegalityError> {
        let text = |name| xml::optional_child(node, name).map(xml::text).filter(|t| !t.is_empty());
        Ok(Self { name: text("Nom"), phone: text("Telephone"), email: text("Email").map(|e| Email::parse(&e)).transpose()? })
    }
}

/// The collectivity that sends a package (`Emetteur`), and where the prefecture answers (`AdressesRetour`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    pub siren: Siren,
    pub departement: Departement,
    pub arrondissement: Arrondissement,
    pub nature: CollectivityNature,
    pub referent: Option<Referent>,
    /// At least one address (*adresses de retour*).
    pub return_emails: Vec<Email>,
}

impl Sender {
    /// Checks what the schema requires beyond the types: at least one return address.
    pub fn check(&self) -> Result<(), LegalityError> {
        if self.return_emails.is_empty() { Err(LegalityError::NoReturnEmail) } else { Ok(()) }
    }
}

/// `EnveloppeCLMISILL`: the envelope of a package sent by a collectivity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub sender: Sender,
    /// `FormulairesEnvoyes`: the file names of the package's messages (`…_0.xml`).
    pub forms: Vec<String>,
}

impl Envelope {
    /// The envelope's content under an element name: `EnveloppeCLMISILL`, or `EnveloppeRecue` when an envelope
    /// anomaly quotes it.
    pub(crate) fn element(&self, name: &'static str) -> Element {
        let sender = &self.sender;
        let idcl = Element::new("IDCL")
            .attr("insee:SIREN", sender.siren.as_str())
            .attr("actes:Departement", sender.departement.as_str())
            .attr("actes:Arrondissement", sender.arrondissement.to_string())
            .attr("actes:Nature", sender.nature.as_str());
        Element::new(name)
            .child(Element::new("Emetteur").child(idcl).children(sender.referent.iter().map(Referent::element)))
            .child(Element::new("AdressesRetour").children(sender.return_emails.iter().map(|e| Element::leaf("Email", e.as_str()))))
            .child(forms_element(&self.forms))
    }

    /// The `EnveloppeCLMISILL` document.
    pub fn to_xml(&self) -> String {
        self.element("EnveloppeCLMISILL").document()
    }

    /// Reads an `EnveloppeCLMISILL` document.
    pub fn parse(xml: &[u8]) -> Result<Self, LegalityError> {
        let text = xml::decode(xml)?;
        let document = xml::parse(&text)?;
        match xml::root_name(&document)? {
            "EnveloppeCLMISILL" => Self::from_node(document.root_element()),
            other => Err(LegalityError::UnknownMessage(other.to_string())),
        }
    }

    pub(crate) fn from_node(node: Node<'_, '_>) -> Result<Self, LegalityError> {
        let emitter = xml::child(node, "Emetteur")?;
        let idcl = xml::child(emitter, "IDCL")?;
        let sender = Sender {
            siren: xml::siren_attr(idcl)?,
            departement: Departement::parse(xml::attr(idcl, "Departement")?)?,
            arrondissement: Arrondissement::parse(xml::attr(idcl, "Arrondissement")?)?,
            nature: CollectivityNature::parse(xml::attr(idcl, "Nature")?)?,
            referent: xml::optional_child(emitter, "Referent").map(Referent::from_node).transpose()?,
            return_emails: xml::children(xml::child(node, "AdressesRetour")?, "Email")
                .map(|e| Email::parse(&xml::text(e)))
                .collect::<Result<_, _>>()?,
        };
        Ok(Self { sender, forms: forms_from_node(node)? })
    }
}

/// The State service that sends a package to a collectivity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrefectureOffice {
    /// `IDSGAR`: secrétariat général pour les affaires régionales.
    Sgar(Departement),
    /// `IDPref`: prefecture of the département.
    Prefecture(Departement),
    /// `IDSousPref`: sub-prefecture of an arrondissement.
    SubPrefecture(Departement, Arrondissement),
}

impl PrefectureOffice {
    /// The office's code in envelope names, e.g. `SPREF0341` for the sub-prefecture of arrondissement 1 of
    /// Hérault (as in the reference implementations' fixtures); `PREF034` and `SGAR034` by analogy.
    pub fn code(&self) -> String {
        match self {
            Self::Sgar(departement) => format!("SGAR{departement}"),
            Self::Prefecture(departement) => format!("PREF{departement}"),
            Self::SubPrefecture(departement, arrondissement) => format!("SPREF{departement}{arrondissement}"),
        }
    }

    fn element(&self) -> Element {
        match self {
            Self::Sgar(d) => Element::new("IDSGAR").attr("actes:Departement", d.as_str()),
            Self::Prefecture(d) => Element::new("IDPref").attr("actes:Departement", d.as_str()),
            Self::SubPrefecture(d, a) => {
                Element::new("IDSousPref").attr("actes:Departement", d.as_str()).attr("actes:Arrondissement", a.to_string())
            }
        }
    }

    fn from_emitter(emitter: Node<'_, '_>) -> Result<Self, LegalityError> {
        let departement = |node| Departement::parse(xml::attr(node, "Departement")?);
        if let Some(node) = xml::optional_child(emitter, "IDSousPref") {
            Ok(Self::SubPrefecture(departement(node)?, Arrondissement::parse(xml::attr(node, "Arrondissement")?)?))
        } else if let Some(node) = xml::optional_child(emitter, "IDPref") {
            Ok(Self::Prefecture(departement(node)?))
        } else {
            Ok(Self::Sgar(departement(xml::child(emitter, "IDSGAR")?)?))
        }
    }
}

/// `EnveloppeMISILLCL`: the envelope of a package sent by the State to a collectivity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefectureEnvelope {
    pub office: PrefectureOffice,
    pub referent: Option<Referent>,
    pub forms: Vec<String>,
    /// `Destinataire`: the collectivity's SIREN.
    pub recipient: Siren,
}

impl PrefectureEnvelope {
    /// The `EnveloppeMISILLCL` document.
    pub fn to_xml(&self) -> String {
        Element::new("EnveloppeMISILLCL")
            .child(Element::new("Emetteur").child(self.office.element()).children(self.referent.iter().map(Referent::element)))
            .child(forms_element(&self.forms))
            .child(Element::new("Destinataire").attr("insee:SIREN", self.recipient.as_str()))
            .document()
    }

    /// Reads an `EnveloppeMISILLCL` document.
    pub fn parse(xml: &[u8]) -> Result<Self, LegalityError> {
        let text = xml::decode(xml)?;
        let document = xml::parse(&text)?;
        let root = document.root_element();
        match xml::root_name(&document)? {
            "EnveloppeMISILLCL" => {
                let emitter = xml::child(root, "Emetteur")?;
                Ok(Self {
                    office: PrefectureOffice::from_emitter(emitter)?,
                    referent: xml::optional_child(emitter, "Referent").map(Referent::from_node).transpose()?,
                    forms: forms_from_node(root)?,
                    recipient: xml::siren_attr(xml::child(root, "Destinataire")?)?,
                })
            }
            other => Err(LegalityError::UnknownMessage(other.to_string())),
        }
    }
}

fn forms_element(forms: &[String]) -> Element {
    Element::new("FormulairesEnvoyes").children(forms.iter().map(|f| xml::file_element("Formulaire", f)))
}

fn forms_from_node(node: Node<'_, '_>) -> Result<Vec<String>, LegalityError> {
    xml::children(xml::child(node, "FormulairesEnvoyes")?, "Formulaire").map(xml::file_name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legality::testing::{assert_valid, sender};

    #[test]
    fn emails_table() {
        let cases = [
            ("actes@montpellier3m.fr", true),
            ("jean-pierre.dupont_2@mairie.lattes.fr", true),
            ("  greffe@ville-juvignac.fr ", true),
            ("a@b.museum", true),
            ("a@b.travels", false),
            ("prenom+actes@montpellier3m.fr", false),
            ("élise@montpellier3m.fr", false),
            ("greffe@localhost", false),
            ("greffe@montpellier3m.f", false),
            ("greffe@montpellier3m.fr1", false),
            ("greffe..x@montpellier3m.fr", false),
            ("greffe@mont_pellier.fr", false),
            ("greffe", false),
            ("@montpellier3m.fr", false),
        ];
        for (input, ok) in cases {
            assert_eq!(Email::parse(input).is_ok(), ok, "{input}");
        }
    }

    #[test]
    fn codes_of_the_sender() {
        assert_eq!(Arrondissement::new(9).unwrap().number(), 9);
        assert!(Arrondissement::new(10).is_err());
        assert_eq!(Arrondissement::parse("3").unwrap().number(), 3);
        assert!(Arrondissement::parse("03").is_err());
        assert!(CollectivityNature::parse("31").is_ok());
        assert!(CollectivityNature::parse("3").is_err());
        assert!(CollectivityNature::parse("3A").is_err());
        let mut no_return = sender();
        no_return.return_emails.clear();
        assert_eq!(no_return.check(), Err(LegalityError::NoReturnEmail));
    }

    #[test]
    fn collectivity_envelope_round_trip() {
        let envelope = Envelope { sender: sender(), forms: vec!["034-243400017-20211214-174579-DE-1-1_0.xml".into()] };
        let xml = envelope.to_xml();
        assert_valid(&xml);
        assert_eq!(Envelope::parse(xml.as_bytes()).unwrap(), envelope);

        let mut minimal = envelope.clone();
        minimal.sender.referent = None;
        let xml = minimal.to_xml();
        assert_valid(&xml);
        assert_eq!(Envelope::parse(xml.as_bytes()).unwrap(), minimal);
    }

    #[test]
    fn prefecture_envelope_round_trip() {
        let departement = Departement::parse("034").unwrap();
        let offices = [
            (PrefectureOffice::SubPrefecture(departement.clone(), Arrondissement::new(1).unwrap()), "SPREF0341"),
            (PrefectureOffice::Prefecture(departement.clone()), "PREF034"),
            (PrefectureOffice::Sgar(departement), "SGAR034"),
        ];
        for (office, code) in offices {
            assert_eq!(office.code(), code);
            let envelope = PrefectureEnvelope {
                office,
                referent: Some(Referent { name: Some("Bureau du contrôle de légalité".into()), phone: None, email: None }),
                forms: vec!["034-243400017-20211214-174579-DE-1-2_0.xml".into()],
                recipient: Siren::parse("243400017").unwrap(),
            };
            let xml = envelope.to_xml();
            assert_valid(&xml);
            assert_eq!(PrefectureEnvelope::parse(xml.as_bytes()).unwrap(), envelope);
        }
    }

    #[test]
    fn reads_a_latin1_envelope_of_another_platform() {
        let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<actes:EnveloppeCLMISILL xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\" xmlns:insee=\"http://xml.insee.fr/schema\">\n <actes:Emetteur>\n  <actes:IDCL insee:SIREN=\"214502494\" actes:Departement=\"045\" actes:Arrondissement=\"1\" actes:Nature=\"31\"/>\n  <actes:Referent>\n   <actes:Nom>M\xE9lanie</actes:Nom>\n   <actes:Telephone></actes:Telephone>\n   <actes:Email>test@test.fr</actes:Email>\n  </actes:Referent>\n </actes:Emetteur>\n <actes:AdressesRetour>\n  <actes:Email>retour@test.org</actes:Email>\n </actes:AdressesRetour>\n <actes:FormulairesEnvoyes>\n  <actes:Formulaire>\n   <actes:NomFichier>045-214502494-20170717-D201717-DE-1-1_0.xml</actes:NomFichier>\n  </actes:Formulaire>\n </actes:FormulairesEnvoyes>\n</actes:EnveloppeCLMISILL>\n";
        let envelope = Envelope::parse(xml).unwrap();
        let referent = envelope.sender.referent.unwrap();
        assert_eq!(referent.name.as_deref(), Some("Mélanie"));
        assert_eq!(referent.phone, None);
        assert_eq!(envelope.forms, ["045-214502494-20170717-D201717-DE-1-1_0.xml"]);
    }
}
