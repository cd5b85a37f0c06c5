//! Roles a person holds within one organisation. Platform administration is not a role of an
//! organisation: it is a flag on the account, held by the Métropole's IT team.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Elected member (*élu*): reads the documents of the bodies they sit on.
    Elected,
    /// Agent of the organisation: works in the applications it subscribes to.
    Agent,
    /// Administrator of the organisation: manages its accounts and reads its audit log.
    OrgAdmin,
}

impl Role {
    pub const ALL: [Role; 3] = [Self::OrgAdmin, Self::Agent, Self::Elected];

    pub fn code(self) -> &'static str {
        match self {
            Self::Elected => "elected",
            Self::Agent => "agent",
            Self::OrgAdmin => "org_admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Elected => "Élu",
            Self::Agent => "Agent",
            Self::OrgAdmin => "Administrateur de l'organisation",
        }
    }

    /// Whether this role can administer the organisation's accounts and read its audit log.
    pub fn administers(self) -> bool {
        self == Self::OrgAdmin
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.code() == s).ok_or_else(|| format!("rôle inconnu « {s} » (attendu : org_admin, agent ou elected)"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_rights() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>(), Ok(role));
        }
        assert!("maire".parse::<Role>().is_err());
        let admins: Vec<_> = Role::ALL.into_iter().filter(|r| r.administers()).collect();
        assert_eq!(admins, vec![Role::OrgAdmin]);
    }
}
