//! Identification codes of French public bodies: SIREN, INSEE commune code, postal code.
//!
//! Each type can only be built from a string that passes its check, so a value in hand is valid.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a code was refused. The messages are in French: they reach the people who typed the code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("le SIREN « {0} » doit compter exactement 9 chiffres")]
    SirenFormat(String),
    #[error("le SIREN « {0} » est invalide (clé de contrôle de Luhn incorrecte)")]
    SirenChecksum(String),
    #[error("le code INSEE « {0} » est invalide (5 caractères : département sur 2 chiffres, 2A ou 2B, puis numéro de commune)")]
    Insee(String),
    #[error("le code postal « {0} » doit compter exactement 5 chiffres")]
    PostalCode(String),
}

/// Luhn checksum over a string of ASCII digits, as used by SIREN and SIRET (INSEE, *répertoire SIRENE*).
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// SIREN: the 9-digit identifier of a legal person in the SIRENE register, whose last digit is a Luhn key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

impl Siren {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() != 9 || !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::SirenFormat(input.to_string()));
        }
        if !luhn_valid(&compact) {
            return Err(CodeError::SirenChecksum(input.to_string()));
        }
        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The French intra-community VAT number (*numéro de TVA intracommunautaire*): `FR`, a two-digit key
    /// (12 + 3 × (SIREN mod 97)) mod 97, then the SIREN.
    pub fn vat_number(&self) -> String {
        let siren: u64 = self.0.parse().expect("nine digits");
        format!("FR{:02}{}", (12 + 3 * (siren % 97)) % 97, self.0)
    }
}

/// INSEE code of a commune (*code officiel géographique*): two characters of département (digits, or 2A/2B for
/// Corsica) and three of commune; overseas départements use 97x followed by two digits, which fits the same shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InseeCode(String);

impl InseeCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        let shape_ok = bytes.len() == 5
            && (bytes[..2].iter().all(u8::is_ascii_digit) || &code[..2] == "2A" || &code[..2] == "2B")
            && bytes[2..].iter().all(u8::is_ascii_digit)
            && &code[..2] != "00"
            && &code[..2] != "20";
        if !shape_ok {
            return Err(CodeError::Insee(input.to_string()));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The département part, as @ctes writes it on three characters (`034` for Hérault).
    pub fn departement_3(&self) -> String {
        let dep = &self.0[..2];
        if dep == "97" { self.0[..3].to_string() } else { format!("0{dep}") }
    }
}

/// French postal code: five digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostalCode(String);

impl PostalCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim();
        if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_string()))
        } else {
            Err(CodeError::PostalCode(input.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_code_conversions {
    ($($t:ty),*) => {$(
        impl TryFrom<String> for $t {
            type Error = CodeError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> String {
                value.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
string_code_conversions!(Siren, InseeCode, PostalCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_number_table() {
        let cases = [
            ("404833048", "FR83404833048"), // the example of the DGFiP's key formula
            ("243400017", "FR68243400017"), // Montpellier Méditerranée Métropole
            ("213401722", "FR37213401722"), // Montpellier (commune)
        ];
        for (siren, vat) in cases {
            assert_eq!(Siren::parse(siren).unwrap().vat_number(), vat, "{siren}");
        }
    }

    #[test]
    fn siren_table() {
        type Expected = Result<&'static str, fn(String) -> CodeError>;
        let cases: &[(&str, Expected)] = &[
            ("243400017", Ok("243400017")), // Montpellier Méditerranée Métropole
            ("213401722", Ok("213401722")), // Montpellier (commune)
            ("213400229", Ok("213400229")), // Baillargues
            ("213 400 229", Ok("213400229")),
            ("243400018", Err(CodeError::SirenChecksum)),
            ("213400228", Err(CodeError::SirenChecksum)),
            ("24340001", Err(CodeError::SirenFormat)),
            ("2434000171", Err(CodeError::SirenFormat)),
            ("24340001A", Err(CodeError::SirenFormat)),
            ("", Err(CodeError::SirenFormat)),
        ];
        for (input, expected) in cases {
            match expected {
                Ok(value) => assert_eq!(Siren::parse(input).unwrap().as_str(), *value, "{input}"),
                Err(make) => assert_eq!(Siren::parse(input), Err(make(input.to_string())), "{input}"),
            }
        }
    }

    #[test]
    fn insee_table() {
        let cases = [
            ("34172", Some("34172")),
            ("34022", Some("34022")),
            ("2A004", Some("2A004")),
            ("2b033", Some("2B033")),
            ("97411", Some("97411")),
            ("3417", None),
            ("341720", None),
            ("00123", None),
            ("20123", None),
            ("3A172", None),
            ("34-72", None),
        ];
        for (input, expected) in cases {
            assert_eq!(InseeCode::parse(input).ok().as_ref().map(InseeCode::as_str), expected, "{input}");
        }
        assert_eq!(InseeCode::parse("34172").unwrap().departement_3(), "034");
        assert_eq!(InseeCode::parse("97411").unwrap().departement_3(), "974");
        assert_eq!(InseeCode::parse("2A004").unwrap().departement_3(), "02A");
    }

    #[test]
    fn postal_code_table() {
        for (input, ok) in [("34670", true), ("34000", true), ("3467", false), ("34 670", false), ("A4670", false)] {
            assert_eq!(PostalCode::parse(input).is_ok(), ok, "{input}");
        }
    }

    #[test]
    fn serde_rejects_invalid_codes() {
        assert!(serde_json_like("243400018").is_err());
        assert!(serde_json_like("243400017").is_ok());
    }

    fn serde_json_like(s: &str) -> Result<Siren, CodeError> {
        Siren::try_from(s.to_string())
    }
}
