//! The expenditure part of a `PES_Aller` (`PES_DepenseAller`): bordereaux of payment orders (*mandats*),
//! each bordereau carrying an `Id` for its XAdES signature.
//!
//! Codes written (PES V2 expenditure triplet, all ordinary): bordereau type `TypBord` 01 *ordinaire*, piece
//! type `TypPce` 01 *mandat ordinaire*, nature `NatPce` 01 *fonctionnement* or 02 *investissement* when the
//! budget account is of class 2; no intra-community VAT. A creditor known by SIRET is a private legal
//! person (`CatTiers` 60, `NatJur` 03 *société*, `NatIdTiers` 01 SIRET), otherwise a natural person
//! (`CatTiers` 01, `NatJur` 01 *particulier*).

use crate::writer::{Xml, text};
use kernel::Cents;
use time::Date;

/// A bordereau of mandates, numbered in its year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpenditureBordereau {
    pub number: u32,
    pub year: i32,
    pub issued_on: Date,
    pub mandates: Vec<Mandate>,
}

/// A payment order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mandate {
    pub number: u32,
    pub object: String,
    pub lines: Vec<MandateLine>,
    pub creditor: Creditor,
    /// The `IdUnique` of its supporting document in the file's `PES_PJ`, if any.
    pub attachment: Option<String>,
}

/// A line of a mandate, imputed on one budget account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateLine {
    pub object: String,
    /// Budget account by nature (digits).
    pub nature: String,
    /// Functional code, when the budget is voted by function.
    pub fonction: Option<String>,
    pub amount_ht: Cents,
    pub vat: Cents,
}

/// Who is paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creditor {
    pub name: String,
    pub siret: Option<String>,
    pub address: String,
    pub postal_code: String,
    pub town: String,
}

impl Mandate {
    fn amount_ht(&self) -> Cents {
        self.lines.iter().map(|l| l.amount_ht).sum()
    }

    fn vat(&self) -> Cents {
        self.lines.iter().map(|l| l.vat).sum()
    }
}

/// `PES_DepenseAller` with its bordereaux.
pub(crate) fn write(x: &mut Xml, bordereaux: &[ExpenditureBordereau]) {
    x.open("PES_DepenseAller");
    x.open("EnTeteDepense");
    x.leaf("IdVer", "2");
    x.close("EnTeteDepense");
    for bordereau in bordereaux {
        write_bordereau(x, bordereau);
    }
    x.close("PES_DepenseAller");
}

fn write_bordereau(x: &mut Xml, bordereau: &ExpenditureBordereau) {
    x.0.push_str(&format!("<Bordereau Id=\"DEP{}\">", bordereau.number));
    x.open("BlocBordereau");
    x.leaf("Exer", &bordereau.year.to_string());
    x.leaf("IdBord", &bordereau.number.to_string());
    x.leaf("DteBordEm", &bordereau.issued_on.to_string());
    x.leaf("TypBord", "01");
    x.leaf("NbrPce", &bordereau.mandates.len().to_string());
    x.leaf("MtBordHT", &bordereau.mandates.iter().map(Mandate::amount_ht).sum::<Cents>().to_plain());
    let vat: Cents = bordereau.mandates.iter().map(Mandate::vat).sum();
    if vat > Cents(0) {
        x.leaf("MtBordTVA", &vat.to_plain());
    }
    x.close("BlocBordereau");
    for mandate in &bordereau.mandates {
        write_mandate(x, mandate);
    }
    x.close("Bordereau");
}

fn write_mandate(x: &mut Xml, mandate: &Mandate) {
    x.open("Piece");
    x.open("BlocPiece");
    x.open("InfoPce");
    x.leaf("IdPce", &mandate.number.to_string());
    x.leaf("TypPce", "01");
    let investment = mandate.lines.first().is_some_and(|l| l.nature.starts_with('2'));
    x.leaf("NatPce", if investment { "02" } else { "01" });
    x.leaf("Obj", &text(&mandate.object, 100));
    if let Some(id) = &mandate.attachment {
        crate::attachments::write_reference(x, id);
    }
    x.close("InfoPce");
    x.close("BlocPiece");
    for (index, line) in mandate.lines.iter().enumerate() {
        x.open("LigneDePiece");
        x.open("BlocLignePiece");
        x.open("InfoLignePce");
        x.leaf("IdLigne", &(index + 1).to_string());
        x.leaf("Nature", &line.nature);
        if let Some(fonction) = &line.fonction {
            x.leaf("Fonction", fonction);
        }
        x.leaf("TVAIntraCom", "0");
        x.leaf("MtHT", &line.amount_ht.to_plain());
        if line.vat > Cents(0) {
            x.leaf("MtTVA", &line.vat.to_plain());
        }
        x.close("InfoLignePce");
        x.close("BlocLignePiece");
        write_creditor(x, &mandate.creditor);
        x.close("LigneDePiece");
    }
    x.close("Piece");
}

fn write_creditor(x: &mut Xml, creditor: &Creditor) {
    x.open("Tiers");
    x.open("InfoTiers");
    match &creditor.siret {
        Some(siret) => {
            x.leaf("IdTiers", siret);
            x.leaf("NatIdTiers", "01");
            x.leaf("CatTiers", "60");
            x.leaf("NatJur", "03");
        }
        None => {
            x.leaf("CatTiers", "01");
            x.leaf("NatJur", "01");
        }
    }
    x.leaf("Nom", &text(&creditor.name, 38));
    x.close("InfoTiers");
    x.address(&creditor.address, &creditor.postal_code, &creditor.town);
    x.close("Tiers");
}
