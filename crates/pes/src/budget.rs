//! How a budget is known to Hélios: the `EnTetePES` of every file (SIRET of the collectivity, accounting
//! office, collectivity and budget codes), checked against the patterns of the PES V2 schema.

use crate::writer::Xml;
use time::Date;

/// The identity of a budget at the public accountant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Budget {
    /// SIRET of the budget's collectivity (IdColl).
    pub siret: String,
    /// Codique of the accounting office (IdPost): 6 or 7 digits, or 02A/02B and 3-4 digits.
    pub poste_comptable: String,
    /// Hélios code of the collectivity (CodCol): 3 digits, not 000.
    pub code_collectivite: String,
    /// Hélios code of the budget (CodBud): a digit or capital letter, then a digit.
    pub code_budget: String,
}

impl Budget {
    /// Checks the codes against the schema's patterns; the French message names the wrong field.
    pub fn check(&self) -> Result<(), String> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let poste = &self.poste_comptable;
        let poste_ok = (digits(poste) && (6..=7).contains(&poste.len()))
            || ((poste.starts_with("02A") || poste.starts_with("02B")) && (6..=7).contains(&poste.len()) && digits(&poste[3..]));
        let budget = self.code_budget.as_bytes();
        let checks = [
            (digits(&self.siret) && self.siret.len() == 14, "siret : 14 chiffres"),
            (poste_ok, "poste_comptable : 6 ou 7 chiffres (ou 02A/02B suivi de 3 ou 4 chiffres)"),
            (
                digits(&self.code_collectivite) && self.code_collectivite.len() == 3 && self.code_collectivite != "000",
                "code_collectivite : 3 chiffres, pas 000",
            ),
            (
                budget.len() == 2 && (budget[0].is_ascii_digit() || budget[0].is_ascii_uppercase()) && budget[1].is_ascii_digit(),
                "code_budget : un chiffre ou une majuscule puis un chiffre",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, message)) => Err(message.to_string()),
            None => Ok(()),
        }
    }

    /// `EnTetePES`: the file's creation date and the budget.
    pub(crate) fn write_header(&self, x: &mut Xml, created_on: Date) {
        x.open("EnTetePES");
        x.leaf("DteStr", &created_on.to_string());
        x.leaf("IdPost", &self.poste_comptable);
        x.leaf("IdColl", &self.siret);
        x.leaf("CodCol", &self.code_collectivite);
        x.leaf("CodBud", &self.code_budget);
        x.close("EnTetePES");
    }
}

/// The `Enveloppe` of a file: protocol version, file type (`PESALR1` for a PES_Aller), name, and sender.
pub(crate) fn write_envelope(x: &mut Xml, file_type: &str, file_name: &str) {
    x.open("Enveloppe");
    x.open("Parametres");
    x.leaf("Version", "2");
    x.leaf("TypFic", file_type);
    x.leaf("NomFic", file_name);
    x.close("Parametres");
    x.open("Emetteur");
    x.leaf("Sigle", "COMMUNS");
    x.leaf("Adresse", &format!("COMMUNS {}", env!("CARGO_PKG_VERSION")));
    x.close("Emetteur");
    x.close("Enveloppe");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_codes_follow_the_schema_patterns() {
        let good = Budget {
            siret: "24340001700022".into(),
            poste_comptable: "034000".into(),
            code_collectivite: "001".into(),
            code_budget: "00".into(),
        };
        assert!(good.check().is_ok());
        type Spoil = fn(&mut Budget);
        let cases: [(Spoil, &str); 6] = [
            (|b| b.siret = "2434".into(), "siret"),
            (|b| b.poste_comptable = "34".into(), "poste_comptable"),
            (|b| b.poste_comptable = "02C0012".into(), "poste_comptable"),
            (|b| b.code_collectivite = "000".into(), "code_collectivite"),
            (|b| b.code_budget = "a0".into(), "code_budget"),
            (|b| b.code_budget = "0A".into(), "code_budget"),
        ];
        for (spoil, field) in cases {
            let mut bad = good.clone();
            spoil(&mut bad);
            assert!(bad.check().unwrap_err().starts_with(field), "{field}");
        }
        for poste in ["02A0012", "02B123", "0340001"] {
            let corsica = Budget { poste_comptable: poste.into(), ..good.clone() };
            assert!(corsica.check().is_ok(), "{poste}");
        }
    }
}
