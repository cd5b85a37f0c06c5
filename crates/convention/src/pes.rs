//! A year's titres as a PES V2 `PES_Aller` file for the public accountant's Hélios (DGFiP, *Protocole
//! d'échange standard* v2, schemas of `schemas/pes`): one `PES_RecetteAller` with a bordereau per issue
//! day (the flat fees issued together, then each intervention's titre), numbered 1, 2… in date order.
//! The envelope, header and writing conventions are the `pes` crate's.

use crate::invoicing::{Quantity, RevenueOrder};
use kernel::{Cents, OrganisationKind};
use pes::writer::{Xml, text};
use serde::{Deserialize, Serialize};
use time::Date;

/// How the issuer's budget is identified in Hélios, from the public accountant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounting {
    /// SIRET of the budget's collectivity (IdColl).
    pub siret: String,
    /// Codique of the accounting office (IdPost): 6 or 7 digits, or 02A/02B and 3-4 digits.
    pub poste_comptable: String,
    /// Hélios code of the collectivity (CodCol): 3 digits.
    pub code_collectivite: String,
    /// Hélios code of the budget (CodBud): a digit or capital letter, then a digit.
    pub code_budget: String,
    /// Budget account of the revenue (Nature).
    pub compte_nature: String,
    /// Local product code (CodProdLoc): 1 to 4 letters or digits.
    pub code_produit_local: String,
}

impl Accounting {
    /// The budget's identity in Hélios (the header of the file).
    pub fn budget(&self) -> pes::Budget {
        pes::Budget {
            siret: self.siret.clone(),
            poste_comptable: self.poste_comptable.clone(),
            code_collectivite: self.code_collectivite.clone(),
            code_budget: self.code_budget.clone(),
        }
    }

    /// Checks the codes against the patterns of the PES V2 schema; the French message names the field.
    pub fn check(&self) -> Result<(), String> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let checks = [
            (digits(&self.compte_nature) && self.compte_nature.len() <= 12, "compte_nature : 12 chiffres au plus"),
            (
                (1..=4).contains(&self.code_produit_local.len()) && self.code_produit_local.bytes().all(|b| b.is_ascii_alphanumeric()),
                "code_produit_local : 1 à 4 lettres ou chiffres",
            ),
        ];
        let own = match checks.iter().find(|(ok, _)| !ok) {
            Some((_, message)) => Err(message.to_string()),
            None => Ok(()),
        };
        self.budget().check().and(own).map_err(|message| format!("paramètres comptables PES invalides : {message}"))
    }
}

/// A debtor's postal identity as PES writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debtor {
    pub kind: OrganisationKind,
    pub name: String,
    pub siren: Option<String>,
    pub postal_code: String,
    /// The commune (of the CCAS, for a CCAS).
    pub town: String,
}

/// The name of the file for a year and budget.
pub fn file_name(accounting: &Accounting, year: i64) -> String {
    format!("PES_Aller_{year}_{}_{}.xml", accounting.siret, accounting.code_budget)
}

fn amount(c: Cents) -> String {
    c.to_plain()
}

/// Writes the PES_Aller of a year's titres: one bordereau, one piece per titre, one line per application.
/// `debtor_of` gives each titre's debtor. `created_on` is the file's creation date (DteStr).
pub fn pes_aller(
    accounting: &Accounting,
    year: i64,
    orders: &[RevenueOrder],
    debtor_of: impl Fn(&RevenueOrder) -> Debtor,
    created_on: Date,
) -> String {
    pes::aller(&accounting.budget(), &file_name(accounting, year), created_on, |x| {
        x.open("PES_RecetteAller");
        x.open("EnTeteRecette");
        x.leaf("IdVer", "2");
        x.close("EnTeteRecette");
        let mut days: Vec<Date> = orders.iter().map(|o| o.issued_on).collect();
        days.sort();
        days.dedup();
        for (index, day) in days.iter().enumerate() {
            let bordereau: Vec<&RevenueOrder> = orders.iter().filter(|o| o.issued_on == *day).collect();
            write_bordereau(x, accounting, year, index + 1, *day, &bordereau, &debtor_of);
        }
        x.close("PES_RecetteAller");
    })
}

/// One bordereau: the titres issued on `day`, one piece per titre, one line per application or profile,
/// with its VAT when the titre bears some.
fn write_bordereau(
    x: &mut Xml,
    accounting: &Accounting,
    year: i64,
    number: usize,
    day: Date,
    orders: &[&RevenueOrder],
    debtor_of: &impl Fn(&RevenueOrder) -> Debtor,
) {
    // The Id is the reference of the bordereau's XAdES signature (required once it is signed).
    x.0.push_str(&format!("<Bordereau Id=\"BORD{number}\">"));
    x.open("BlocBordereau");
    x.leaf("Exer", &year.to_string());
    x.leaf("IdBord", &number.to_string());
    x.leaf("DteBordEm", &day.to_string());
    x.leaf("TypBord", "01");
    x.leaf("NbrPce", &orders.len().to_string());
    x.leaf("MtBordHt", &amount(orders.iter().map(|o| o.excluding_tax()).sum()));
    let vat: Cents = orders.iter().filter_map(|o| o.vat).map(|v| v.amount).sum();
    if vat > Cents(0) {
        x.leaf("MtBordTVA", &amount(vat));
    }
    x.close("BlocBordereau");
    for order in orders {
        let debtor = debtor_of(order);
        x.open("Piece");
        x.open("BlocPiece");
        x.leaf("IdPce", &order.number.to_string());
        x.leaf("TypPce", "01");
        x.leaf("NatPce", "01");
        x.leaf("ObjPce", &text(&format!("{} - titre {}", order.subject(), order.reference()), 160));
        x.close("BlocPiece");
        let rate = order.vat.map(|v| v.rate.to_plain());
        for ((index, line), line_vat) in order.lines.iter().enumerate().zip(order.line_vats()) {
            x.open("LigneDePiece");
            x.open("BlocLignePiece");
            x.open("InfoLignePiece");
            x.leaf("IdLigne", &(index + 1).to_string());
            let object = match line.quantity {
                Quantity::Year => line.label.clone(),
                Quantity::HalfDays(_) => format!("{} - {} a {}", line.label, line.quantity.label(), line.unit_price.to_plain()),
            };
            x.leaf("ObjLignePce", &text(&object, 160));
            x.leaf("CodProdLoc", &accounting.code_produit_local);
            x.leaf("Nature", &accounting.compte_nature);
            if let Some(rate) = &rate {
                x.leaf("TxTva", rate);
            }
            x.leaf("Majo", "0");
            x.leaf("TvaIntraCom", "0");
            x.leaf("MtHT", &amount(line.amount));
            if rate.is_some() {
                x.leaf("MtTVA", &amount(line_vat));
            }
            x.close("InfoLignePiece");
            x.close("BlocLignePiece");
            tiers(x, &debtor);
            x.close("LigneDePiece");
        }
        x.close("Piece");
    }
    x.close("Bordereau");
}

/// The debtor: a commune (category 23) or a CCAS (26), both of legal nature 09 (local authority or
/// local public body), identified by SIREN when known, main debtor (01), town-hall address.
fn tiers(x: &mut Xml, debtor: &Debtor) {
    x.open("Tiers");
    x.open("InfoTiers");
    if let Some(siren) = &debtor.siren {
        x.leaf("IdTiers", siren);
        x.leaf("NatIdTiers", "02");
    }
    x.leaf("CatTiers", if debtor.kind == OrganisationKind::Ccas { "26" } else { "23" });
    x.leaf("NatJur", "09");
    x.leaf("TypTiers", "01");
    x.leaf("Nom", &text(&debtor.name, 38));
    x.close("InfoTiers");
    let street = if debtor.kind == OrganisationKind::Ccas { "CCAS - HOTEL DE VILLE" } else { "HOTEL DE VILLE" };
    x.address(street, &debtor.postal_code, &debtor.town);
    x.close("Tiers");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounting_codes_follow_the_schema_patterns() {
        let good = Accounting {
            siret: "24340001700022".into(),
            poste_comptable: "034000".into(),
            code_collectivite: "001".into(),
            code_budget: "00".into(),
            compte_nature: "70875".into(),
            code_produit_local: "FORF".into(),
        };
        assert!(good.check().is_ok());
        // The budget's codes are checked by `pes::Budget` (its table test); here, the revenue's own codes.
        type Spoil = fn(&mut Accounting);
        let cases: [(Spoil, &str); 4] = [
            (|a| a.siret = "2434".into(), "paramètres comptables PES invalides : siret"),
            (|a| a.compte_nature = "7087x".into(), "paramètres comptables PES invalides : compte_nature"),
            (|a| a.compte_nature = "1234567890123".into(), "compte_nature"),
            (|a| a.code_produit_local = "FORFAIT".into(), "code_produit_local"),
        ];
        for (spoil, message) in cases {
            let mut bad = good.clone();
            spoil(&mut bad);
            assert!(bad.check().unwrap_err().contains(message), "{message}");
        }
    }
}
