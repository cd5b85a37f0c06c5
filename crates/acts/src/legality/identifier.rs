//! The identifier @ctes gives an act (*identifiant unique de l'acte*, attribute `IDActe`), and the names of the
//! files that travel with it.
//!
//! `{département}-{SIREN}-{date of decision YYYYMMDD}-{internal number}-{nature}`, e.g.
//! `034-243400017-20211214-174579-DE` (schema pattern
//! `[0|9]{1}[0-9]{1}[A|B|0-9]{1}-[0-9]{9}-[0-9]{8}-[a-zA-Z0-9_]{1,15}-[\p{Lu}]{2}`).

use std::fmt;
use std::str::FromStr;

use kernel::{InseeCode, Siren};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use super::error::LegalityError;
use super::kind::MessageKind;
use super::nature::Nature;
use super::xml::compact_date;

/// Département on three characters, as @ctes writes it: `034`, `02A`, `974`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Departement(String);

impl Departement {
    /// Schema pattern `[0|9]{1}[0-9]{1}[A|B|0-9]{1}`; `2a` is read as `02A`-style upper case.
    pub fn parse(input: &str) -> Result<Self, LegalityError> {
        let code = input.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        let valid =
            b.len() == 3 && matches!(b[0], b'0' | b'9') && b[1].is_ascii_digit() && (b[2].is_ascii_digit() || b[2] == b'A' || b[2] == b'B');
        if valid { Ok(Self(code)) } else { Err(LegalityError::Departement(input.to_string())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&InseeCode> for Departement {
    fn from(code: &InseeCode) -> Self {
        Self(code.departement_3())
    }
}

/// The collectivity's own number for the act (*numéro interne*): 1 to 15 characters among `A-Z`, `a-z`, `0-9`
/// and `_` (the identifier's pattern; `NumeroInterne` alone only caps the length at 15).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InternalNumber(String);

impl InternalNumber {
    pub fn parse(input: &str) -> Result<Self, LegalityError> {
        let valid = (1..=15).contains(&input.len()) && input.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if valid { Ok(Self(input.to_string())) } else { Err(LegalityError::InternalNumber(input.to_string())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The unique identifier of an act in @ctes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ActIdentifier {
    pub departement: Departement,
    pub siren: Siren,
    /// Date of the decision (*date de la décision*), not of the transmission.
    pub decision_date: Date,
    pub internal_number: InternalNumber,
    pub nature: Nature,
}

impl ActIdentifier {
    /// The base name of a message about this act: the identifier followed by the message's code, e.g.
    /// `034-243400017-20211214-174579-DE-1-1`.
    pub fn message_name(&self, kind: MessageKind) -> String {
        format!("{self}-{kind}")
    }

    /// The name of a file of a message: `{message name}_{index}.{extension}`, index 0 being the message's XML
    /// and 1, 2, … its documents in order. A document may carry its piece type as prefix
    /// (*typologie des pièces*): `99_DE-034-243400017-20211214-174579-DE-1-1_1.pdf`.
    pub fn file_name(&self, kind: MessageKind, index: usize, extension: &str, piece_type: Option<&PieceTypeCode>) -> String {
        let prefix = piece_type.map(|p| format!("{p}-")).unwrap_or_default();
        format!("{prefix}{}_{index}.{extension}", self.message_name(kind))
    }
}

/// Base name of a classification message (7-1, 7-2, 7-3), which concerns no act: the date, number and nature
/// are left empty, e.g. `034-243400017----7-1`.
pub fn classification_message_name(departement: &Departement, siren: &Siren, kind: MessageKind) -> String {
    format!("{departement}-{siren}----{kind}")
}

impl fmt::Display for ActIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}-{}-{}", self.departement, self.siren, compact_date(self.decision_date), self.internal_number, self.nature)
    }
}

impl FromStr for ActIdentifier {
    type Err = LegalityError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| LegalityError::Identifier { input: input.to_string(), reason: reason.to_string() };
        let parts: Vec<&str> = input.trim().split('-').collect();
        let [departement, siren, date, number, nature] = parts[..] else {
            return Err(fail("5 parties séparées par « - » sont attendues (département-SIREN-date-numéro-nature)"));
        };
        let departement = Departement::parse(departement).map_err(|e| fail(&e.to_string()))?;
        if siren.len() != 9 || !siren.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail("le SIREN doit compter 9 chiffres"));
        }
        let siren = Siren::parse(siren).map_err(|e| fail(&e.to_string()))?;
        let decision_date = (date.len() == 8)
            .then(|| Date::parse(date, format_description!("[year][month][day]")).ok())
            .flatten()
            .ok_or_else(|| fail("la date de décision doit s'écrire AAAAMMJJ"))?;
        let internal_number = InternalNumber::parse(number).map_err(|e| fail(&e.to_string()))?;
        if nature.len() != 2 || !nature.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(fail("la nature doit s'écrire en 2 lettres majuscules (DE, AR, AI, CC, BF, AU)"));
        }
        let nature = Nature::from_letters(nature).map_err(|e| fail(&e.to_string()))?;
        Ok(Self { departement, siren, decision_date, internal_number, nature })
    }
}

/// The code of a type of piece (*typologie des pièces*, `CodeTypePJ`), given by the classification for each
/// nature: two characters, `_`, two characters, e.g. `99_DE` (generic deliberation) or `41_NC`
/// (matter 4.1, *notification de création ou de vacance de poste*).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PieceTypeCode(String);

impl PieceTypeCode {
    pub fn parse(input: &str) -> Result<Self, LegalityError> {
        let b = input.as_bytes();
        let part = |p: &[u8]| p.iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        let valid = b.len() == 5 && b[2] == b'_' && part(&b[..2]) && part(&b[3..]);
        if valid { Ok(Self(input.to_string())) } else { Err(LegalityError::PieceType(input.to_string())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl FromStr for $t {
            type Err = LegalityError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
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
string_newtype!(Departement, InternalNumber, PieceTypeCode);

impl TryFrom<String> for ActIdentifier {
    type Error = LegalityError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ActIdentifier> for String {
    fn from(value: ActIdentifier) -> String {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn example() -> ActIdentifier {
        ActIdentifier {
            departement: Departement::parse("034").unwrap(),
            siren: Siren::parse("243400017").unwrap(),
            decision_date: date!(2021 - 12 - 14),
            internal_number: InternalNumber::parse("174579").unwrap(),
            nature: Nature::Deliberation,
        }
    }

    #[test]
    fn identifier_round_trip() {
        let id = example();
        assert_eq!(id.to_string(), "034-243400017-20211214-174579-DE");
        assert_eq!("034-243400017-20211214-174579-DE".parse::<ActIdentifier>().unwrap(), id);
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"034-243400017-20211214-174579-DE\"");
        assert_eq!(serde_json::from_str::<ActIdentifier>("\"034-243400017-20211214-174579-DE\"").unwrap(), id);
    }

    #[test]
    fn identifiers_table() {
        let cases: &[(&str, Result<(), &str>)] = &[
            ("034-243400017-20211214-174579-DE", Ok(())),
            ("02A-243400017-20211214-D_2021_15-AI", Ok(())),
            ("974-243400017-20200229-abcDEF012345678-BF", Ok(())),
            ("034-000000000-20170701-20170721D-AI", Ok(())),
            ("034-243400017-20211214-174579", Err("5 parties")),
            ("034-243400017-20211214-17-45-79-DE", Err("5 parties")),
            ("34-243400017-20211214-174579-DE", Err("département « 34 »")),
            ("134-243400017-20211214-174579-DE", Err("département « 134 »")),
            ("03C-243400017-20211214-174579-DE", Err("département « 03C »")),
            ("034-24340001-20211214-174579-DE", Err("9 chiffres")),
            ("034-243400018-20211214-174579-DE", Err("Luhn")),
            ("034-243400017-2021121-174579-DE", Err("AAAAMMJJ")),
            ("034-243400017-20210230-174579-DE", Err("AAAAMMJJ")),
            ("034-243400017-20211214-1745791234567890-DE", Err("1 à 15 caractères")),
            ("034-243400017-20211214-n°12-DE", Err("1 à 15 caractères")),
            ("034-243400017-20211214--DE", Err("1 à 15 caractères")),
            ("034-243400017-20211214-174579-de", Err("2 lettres majuscules")),
            ("034-243400017-20211214-174579-XX", Err("nature d'acte « XX »")),
        ];
        for (input, expected) in cases {
            let parsed = input.parse::<ActIdentifier>();
            match expected {
                Ok(()) => assert_eq!(parsed.as_ref().map(ToString::to_string).as_deref(), Ok(*input), "{input}"),
                Err(fragment) => {
                    let message = parsed.expect_err(input).to_string();
                    assert!(message.starts_with(&format!("l'identifiant d'acte « {input} » est invalide")), "{message}");
                    assert!(message.contains(fragment), "{input}: {message}");
                }
            }
        }
    }

    #[test]
    fn internal_numbers_table() {
        let cases = [
            ("174579", true),
            ("D_2021_015", true),
            ("a", true),
            ("ABCDEFGHIJKLMNO", true),
            ("ABCDEFGHIJKLMNOP", false),
            ("", false),
            ("2021-15", false),
            ("2021/15", false),
            ("n° 12", false),
            ("délib1", false),
        ];
        for (input, ok) in cases {
            assert_eq!(InternalNumber::parse(input).is_ok(), ok, "{input}");
        }
        let message = InternalNumber::parse("2021/15").unwrap_err().to_string();
        assert_eq!(
            message,
            "le numéro interne « 2021/15 » est invalide : 1 à 15 caractères parmi les lettres non accentuées, les chiffres et « _ »"
        );
    }

    #[test]
    fn departements_table() {
        let cases = [("034", Some("034")), ("02a", Some("02A")), ("02B", Some("02B")), ("976", Some("976")), ("34", None), ("A34", None)];
        for (input, expected) in cases {
            assert_eq!(Departement::parse(input).ok().as_ref().map(Departement::as_str), expected, "{input}");
        }
        assert_eq!(Departement::from(&InseeCode::parse("2B033").unwrap()).as_str(), "02B");
        assert_eq!(Departement::from(&InseeCode::parse("34172").unwrap()).as_str(), "034");
    }

    #[test]
    fn message_and_file_names() {
        let id = example();
        assert_eq!(id.message_name(MessageKind::Act), "034-243400017-20211214-174579-DE-1-1");
        assert_eq!(id.message_name(MessageKind::Acknowledgement), "034-243400017-20211214-174579-DE-1-2");
        assert_eq!(id.message_name(MessageKind::Cancellation), "034-243400017-20211214-174579-DE-6-1");
        assert_eq!(id.file_name(MessageKind::Act, 0, "xml", None), "034-243400017-20211214-174579-DE-1-1_0.xml");
        let piece = PieceTypeCode::parse("99_DE").unwrap();
        assert_eq!(id.file_name(MessageKind::Act, 1, "pdf", Some(&piece)), "99_DE-034-243400017-20211214-174579-DE-1-1_1.pdf");
        let siren = Siren::parse("243400017").unwrap();
        assert_eq!(classification_message_name(&id.departement, &siren, MessageKind::ClassificationRequest), "034-243400017----7-1");
    }

    #[test]
    fn piece_types_table() {
        for (input, ok) in
            [("99_DE", true), ("41_NC", true), ("01_01", true), ("99-DE", false), ("99_de", false), ("9_DE", false), ("99_DEL", false)]
        {
            assert_eq!(PieceTypeCode::parse(input).is_ok(), ok, "{input}");
        }
    }
}
