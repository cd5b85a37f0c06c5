//! Kinds of organisation hosted by the platform. Each is a tenant that owns its data.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// What an organisation is. The Métropole hosts the shared services; communes and their CCAS
/// (*centre communal d'action sociale*) subscribe to them; companies arrive with public procurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganisationKind {
    Metropole,
    Commune,
    Ccas,
    Company,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 4] = [Self::Metropole, Self::Commune, Self::Ccas, Self::Company];

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Metropole => "metropole",
            Self::Commune => "commune",
            Self::Ccas => "ccas",
            Self::Company => "company",
        }
    }

    /// French label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Metropole => "Métropole",
            Self::Commune => "Commune",
            Self::Ccas => "Centre communal d'action sociale",
            Self::Company => "Entreprise",
        }
    }

    /// A CCAS is attached to its commune; no other kind has a parent.
    pub fn requires_parent_commune(self) -> bool {
        self == Self::Ccas
    }
}

impl FromStr for OrganisationKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| format!("type d'organisation inconnu « {s} » (attendu : metropole, commune, ccas ou company)"))
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in OrganisationKind::ALL {
            assert_eq!(kind.code().parse::<OrganisationKind>(), Ok(kind));
        }
        assert!("mairie".parse::<OrganisationKind>().is_err());
        assert!(OrganisationKind::Ccas.requires_parent_commune());
        assert!(!OrganisationKind::Commune.requires_parent_commune());
    }
}
