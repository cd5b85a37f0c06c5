//! The nature of an act (*nature de l'acte*), as @ctes codes it: a number from 1 to 6 in the messages
//! (`CodeNatureActe`) and two capital letters in identifiers and file names (`TypeAbrege`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::LegalityError;

/// Nature of an act, serialised as its two letters (`DE`, `AR`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Nature {
    /// *Délibération* (DE, 1).
    Deliberation,
    /// *Arrêté réglementaire* (AR, 2).
    RegulatoryOrder,
    /// *Arrêté individuel* (AI, 3).
    IndividualOrder,
    /// *Contrat, convention et avenant* (CC, 4).
    Contract,
    /// *Document budgétaire et financier* (BF, 5).
    Budget,
    /// *Autre* (AU, 6).
    Other,
}

impl Nature {
    pub const ALL: [Nature; 6] =
        [Self::Deliberation, Self::RegulatoryOrder, Self::IndividualOrder, Self::Contract, Self::Budget, Self::Other];

    /// The numeric code of `CodeNatureActe`.
    pub fn code(self) -> u8 {
        match self {
            Self::Deliberation => 1,
            Self::RegulatoryOrder => 2,
            Self::IndividualOrder => 3,
            Self::Contract => 4,
            Self::Budget => 5,
            Self::Other => 6,
        }
    }

    /// The two letters of the act identifier (`TypeAbrege`).
    pub fn letters(self) -> &'static str {
        match self {
            Self::Deliberation => "DE",
            Self::RegulatoryOrder => "AR",
            Self::IndividualOrder => "AI",
            Self::Contract => "CC",
            Self::Budget => "BF",
            Self::Other => "AU",
        }
    }

    /// The French label, singular.
    pub fn label(self) -> &'static str {
        match self {
            Self::Deliberation => "Délibération",
            Self::RegulatoryOrder => "Arrêté réglementaire",
            Self::IndividualOrder => "Arrêté individuel",
            Self::Contract => "Contrat, convention et avenant",
            Self::Budget => "Document budgétaire et financier",
            Self::Other => "Autre",
        }
    }

    pub fn from_code(code: u8) -> Result<Self, LegalityError> {
        Self::ALL.into_iter().find(|n| n.code() == code).ok_or_else(|| LegalityError::Nature(code.to_string()))
    }

    /// Accepts the two letters in any case.
    pub fn from_letters(letters: &str) -> Result<Self, LegalityError> {
        Self::ALL
            .into_iter()
            .find(|n| n.letters().eq_ignore_ascii_case(letters.trim()))
            .ok_or_else(|| LegalityError::Nature(letters.to_string()))
    }

    /// Reads `CodeNatureActe`, an `xsd:integer` (so `01` is 1).
    pub(crate) fn from_code_text(text: &str) -> Result<Self, LegalityError> {
        text.trim().parse::<u8>().map_err(|_| LegalityError::Nature(text.to_string())).and_then(Self::from_code)
    }
}

impl fmt::Display for Nature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letters())
    }
}

impl FromStr for Nature {
    type Err = LegalityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_letters(s)
    }
}

impl TryFrom<String> for Nature {
    type Error = LegalityError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::from_letters(&value)
    }
}

impl From<Nature> for &'static str {
    fn from(value: Nature) -> Self {
        value.letters()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natures_table() {
        let cases = [
            (Nature::Deliberation, 1, "DE", "Délibération"),
            (Nature::RegulatoryOrder, 2, "AR", "Arrêté réglementaire"),
            (Nature::IndividualOrder, 3, "AI", "Arrêté individuel"),
            (Nature::Contract, 4, "CC", "Contrat, convention et avenant"),
            (Nature::Budget, 5, "BF", "Document budgétaire et financier"),
            (Nature::Other, 6, "AU", "Autre"),
        ];
        assert_eq!(Nature::ALL.len(), cases.len());
        for (nature, code, letters, label) in cases {
            assert_eq!(nature.code(), code);
            assert_eq!(nature.letters(), letters);
            assert_eq!(nature.label(), label);
            assert_eq!(Nature::from_code(code), Ok(nature));
            assert_eq!(Nature::from_letters(letters), Ok(nature));
            assert_eq!(Nature::from_letters(&letters.to_lowercase()), Ok(nature));
            assert_eq!(letters.parse::<Nature>(), Ok(nature));
            assert_eq!(nature.to_string(), letters);
        }
    }

    #[test]
    fn unknown_natures_are_refused() {
        for code in [0, 7, 99] {
            assert_eq!(Nature::from_code(code), Err(LegalityError::Nature(code.to_string())));
        }
        for letters in ["", "D", "DEL", "XX", "AT"] {
            assert_eq!(Nature::from_letters(letters), Err(LegalityError::Nature(letters.to_string())));
        }
        assert_eq!(Nature::from_code_text("03"), Ok(Nature::IndividualOrder));
        assert!(Nature::from_code_text("trois").is_err());
        assert!(
            LegalityError::Nature("XX".into()).to_string().contains("attendu : 1 à 6, ou DE, AR, AI, CC, BF, AU"),
            "the message names the rule"
        );
    }

    #[test]
    fn serde_uses_the_two_letters() {
        assert_eq!(serde_json::to_string(&Nature::Budget).unwrap(), "\"BF\"");
        assert_eq!(serde_json::from_str::<Nature>("\"CC\"").unwrap(), Nature::Contract);
        assert!(serde_json::from_str::<Nature>("\"ZZ\"").is_err());
    }
}
