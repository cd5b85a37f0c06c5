//! A titre de recette as an electronic invoice for Chorus Pro (article 5 of the convention): a UN/CEFACT
//! Cross Industry Invoice (CII D16B) at the Factur-X **EN 16931** profile, the XML that Chorus Pro takes
//! alone or embedded in a Factur-X PDF. The comments name the EN 16931 business terms (BT-xx, BG-xx)
//! next to the elements that carry them; element order is the schema's.
//!
//! VAT of the yearly titres: they are "facturés net de taxe" (article 6). They are flat fees for a public service one
//! public body renders to others, outside the scope of VAT (CGI article 256 B: legal persons of public
//! law are not liable for their administrative activities) rather than exempt from it (an exemption, category
//! "E", would have to cite an exempting article of CGI 261 ff. that does not apply). So every line and
//! the single VAT breakdown carry category **O** ("Services outside scope of tax"), reason code
//! `VATEX-EU-O` and the text "Hors champ de la TVA", with no rate and a tax amount of 0 (BR-O-01 to
//! BR-O-14). Category O also forbids the VAT identifiers of seller and buyer (BR-O-02), so none is
//! written; the parties are identified by SIREN (ISO 6523 scheme `0002`) and SIRET (`0009`).
//!
//! VAT of the titres of interventions (article 3): charged at the normal rate (article 6, annexe 3), so
//! their lines and breakdown carry category **S** with the rate (BR-S-05, BR-S-08), and the seller its
//! intra-community VAT number (BT-31, BR-S-02).

use crate::invoicing::{self, RevenueOrder};
use crate::rules::invoicing as rules;
use crate::{ConventionError, catalogue, pes};
use kernel::{Cents, OrganisationKind};
use store::Db;
use time::{Date, Month};

/// The profile of the document (BT-24): Factur-X EN 16931 ("Comfort") is the plain EN 16931 core.
pub const GUIDELINE: &str = "urn:cen.eu:en16931:2017";

/// The exemption reason text of the VAT breakdown (BT-120).
pub const OUTSIDE_SCOPE_OF_VAT: &str = "Hors champ de la TVA";

/// A seller or buyer as the invoice names and addresses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Seller name (BT-27) or buyer name (BT-44).
    pub name: String,
    /// SIREN, the legal registration identifier (BT-30 / BT-47), scheme `0002`.
    pub siren: Option<String>,
    /// SIRET of the establishment, the party identifier (BT-29 / BT-46), scheme `0009`: Chorus Pro
    /// addresses a public structure by its SIRET.
    pub siret: Option<String>,
    /// First address line (BT-35 / BT-50).
    pub address_line: Option<String>,
    /// Post code (BT-38 / BT-53).
    pub postal_code: Option<String>,
    /// City (BT-37 / BT-52).
    pub town: Option<String>,
    /// ISO 3166-1 alpha-2 country code (BT-40 / BT-55), `FR`.
    pub country: String,
    /// For the seller of a titre with VAT: its intra-community VAT number (BT-31).
    pub vat_number: Option<String>,
    /// For the buyer: its Chorus Pro *code service*, written as the buyer reference (BT-10) when the
    /// structure requires one. Not used for the seller.
    pub service_code: Option<String>,
}

/// How VAT applies to a titre: its category code (BT-118 / BT-151) and rate (BT-119 / BT-152).
fn tax_category(order: &RevenueOrder) -> (&'static str, Option<String>) {
    match order.vat {
        Some(vat) => ("S", Some(vat.rate.to_plain())),
        None => ("O", None),
    }
}

/// The CII XML of a titre, from `seller` (the Métropole) to `buyer` (the member): invoice number
/// (BT-1) the titre reference, type 380 (commercial invoice), in euros, one invoice line per
/// application (flat fee, outside the scope of VAT) or per profile (intervention, with VAT).
pub fn cii_invoice(order: &RevenueOrder, seller: &Party, buyer: &Party) -> String {
    let net: Cents = order.lines.iter().map(|l| l.amount).sum();
    let vat = order.vat.map_or(Cents(0), |v| v.amount);
    let (category, rate) = tax_category(order);
    let mut x = Xml::default();
    x.0.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.0.push_str(concat!(
        "<rsm:CrossIndustryInvoice",
        " xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"",
        " xmlns:qdt=\"urn:un:unece:uncefact:data:standard:QualifiedDataType:100\"",
        " xmlns:ram=\"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100\"",
        " xmlns:udt=\"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100\">\n"
    ));
    x.1 = 1;

    x.open("rsm:ExchangedDocumentContext");
    // BT-24, specification identifier: the profile.
    x.open("ram:GuidelineSpecifiedDocumentContextParameter");
    x.leaf("ram:ID", GUIDELINE);
    x.close("ram:GuidelineSpecifiedDocumentContextParameter");
    x.close("rsm:ExchangedDocumentContext");

    x.open("rsm:ExchangedDocument");
    x.leaf("ram:ID", &order.reference()); // BT-1, invoice number
    x.leaf("ram:TypeCode", "380"); // BT-3, commercial invoice
    x.date("ram:IssueDateTime", order.issued_on); // BT-2
    // BG-1, invoice notes (BT-22), with subject codes (BT-21, UNTDID 4451) for the late-payment terms.
    let tax_note = match order.vat {
        Some(vat) => format!("TVA au taux normal de {} (article 6).", vat.rate),
        None => "Montants nets de taxe (article 6), hors champ de la TVA.".into(),
    };
    x.note(None, &format!("Titre de recette {} : {}. {tax_note}", order.reference(), order.subject()));
    x.note(
        Some("PMD"),
        &format!(
            "Retard de paiement : intérêts moratoires au taux de la BCE majoré de {} points (décret 2013-269, article 8).",
            rules::LATE_INTEREST_MARGIN_MILLIONTHS / 1_000_000
        ),
    );
    x.note(
        Some("PMT"),
        &format!(
            "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : {} (décret 2013-269, article 9).",
            rules::RECOVERY_COMPENSATION.to_french()
        ),
    );
    x.close("rsm:ExchangedDocument");

    x.open("rsm:SupplyChainTradeTransaction");
    for (index, line) in order.lines.iter().enumerate() {
        // BG-25, invoice line.
        x.open("ram:IncludedSupplyChainTradeLineItem");
        x.open("ram:AssociatedDocumentLineDocument");
        x.leaf("ram:LineID", &(index + 1).to_string()); // BT-126
        x.close("ram:AssociatedDocumentLineDocument");
        x.open("ram:SpecifiedTradeProduct");
        x.leaf("ram:SellerAssignedID", &line.code); // BT-155, item seller's identifier
        x.leaf("ram:Name", &line.label); // BT-153, item name
        x.close("ram:SpecifiedTradeProduct");
        x.open("ram:SpecifiedLineTradeAgreement");
        x.open("ram:NetPriceProductTradePrice");
        x.leaf("ram:ChargeAmount", &line.unit_price.to_plain()); // BT-146, item net price (a year, or a day)
        x.close("ram:NetPriceProductTradePrice");
        x.close("ram:SpecifiedLineTradeAgreement");
        x.open("ram:SpecifiedLineTradeDelivery");
        // BT-129 and BT-130: one year, or days.
        x.leaf_attr("ram:BilledQuantity", ("unitCode", line.quantity.unit_code()), &line.quantity.decimal());
        x.close("ram:SpecifiedLineTradeDelivery");
        x.open("ram:SpecifiedLineTradeSettlement");
        x.open("ram:ApplicableTradeTax");
        x.leaf("ram:TypeCode", "VAT");
        x.leaf("ram:CategoryCode", category); // BT-151: O has no rate (BR-O-05), S has one (BR-S-05)
        if let Some(rate) = &rate {
            x.leaf("ram:RateApplicablePercent", rate); // BT-152
        }
        x.close("ram:ApplicableTradeTax");
        x.open("ram:SpecifiedTradeSettlementLineMonetarySummation");
        x.leaf("ram:LineTotalAmount", &line.amount.to_plain()); // BT-131, invoice line net amount
        x.close("ram:SpecifiedTradeSettlementLineMonetarySummation");
        x.close("ram:SpecifiedLineTradeSettlement");
        x.close("ram:IncludedSupplyChainTradeLineItem");
    }

    x.open("ram:ApplicableHeaderTradeAgreement");
    if let Some(code) = &buyer.service_code {
        x.leaf("ram:BuyerReference", code); // BT-10, the Chorus Pro code service of the buyer
    }
    x.party("ram:SellerTradeParty", seller); // BG-4
    x.party("ram:BuyerTradeParty", buyer); // BG-7
    x.close("ram:ApplicableHeaderTradeAgreement");

    // BG-13, delivery information: the services are rendered to the member, at its address (BT-70, BG-15);
    // an intervention on the day of its "service fait" (BT-72).
    x.open("ram:ApplicableHeaderTradeDelivery");
    x.open("ram:ShipToTradeParty");
    x.leaf("ram:Name", &buyer.name);
    x.address(buyer);
    x.close("ram:ShipToTradeParty");
    if let Some(intervention) = &order.intervention {
        x.open("ram:ActualDeliverySupplyChainEvent");
        x.date("ram:OccurrenceDateTime", intervention.done_on);
        x.close("ram:ActualDeliverySupplyChainEvent");
    }
    x.close("ram:ApplicableHeaderTradeDelivery");

    x.open("ram:ApplicableHeaderTradeSettlement");
    x.leaf("ram:InvoiceCurrencyCode", "EUR"); // BT-5
    // BG-23, the single VAT breakdown: category O with tax 0 and its exemption reason, or S at its rate.
    x.open("ram:ApplicableTradeTax");
    x.leaf("ram:CalculatedAmount", &vat.to_plain()); // BT-117
    x.leaf("ram:TypeCode", "VAT");
    if rate.is_none() {
        x.leaf("ram:ExemptionReason", OUTSIDE_SCOPE_OF_VAT); // BT-120
    }
    x.leaf("ram:BasisAmount", &net.to_plain()); // BT-116
    x.leaf("ram:CategoryCode", category); // BT-118
    match &rate {
        Some(rate) => x.leaf("ram:RateApplicablePercent", rate), // BT-119
        None => x.leaf("ram:ExemptionReasonCode", "VATEX-EU-O"), // BT-121
    }
    x.close("ram:ApplicableTradeTax");
    // BG-14, invoicing period of a flat fee: the calendar year it pays for (BT-73, BT-74).
    if order.intervention.is_none() {
        x.open("ram:BillingSpecifiedPeriod");
        let year = order.year as i32;
        if let (Ok(start), Ok(end)) =
            (Date::from_calendar_date(year, Month::January, 1), Date::from_calendar_date(year, Month::December, 31))
        {
            x.date("ram:StartDateTime", start);
            x.date("ram:EndDateTime", end);
        }
        x.close("ram:BillingSpecifiedPeriod");
    }
    x.open("ram:SpecifiedTradePaymentTerms");
    x.leaf("ram:Description", "Payable dans les 30 jours de la notification du titre (article 5 de la convention)"); // BT-20
    x.date("ram:DueDateDateTime", order.payment_due()); // BT-9
    x.close("ram:SpecifiedTradePaymentTerms");
    // BG-22, document totals: no allowance, charge or prepayment, so the net total is the lines' sum.
    x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    x.leaf("ram:LineTotalAmount", &net.to_plain()); // BT-106
    x.leaf("ram:TaxBasisTotalAmount", &net.to_plain()); // BT-109
    x.leaf_attr("ram:TaxTotalAmount", ("currencyID", "EUR"), &vat.to_plain()); // BT-110
    x.leaf("ram:GrandTotalAmount", &(net + vat).to_plain()); // BT-112
    x.leaf("ram:DuePayableAmount", &(net + vat).to_plain()); // BT-115
    x.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    x.close("ram:ApplicableHeaderTradeSettlement");

    x.close("rsm:SupplyChainTradeTransaction");
    x.0.push_str("</rsm:CrossIndustryInvoice>\n");
    x.0
}

/// The seller and buyer of a titre, from the platform's organisations: the Métropole that issues it
/// (its SIRET is the budget's, from the PES accounting settings, when imported) and the member, a
/// commune or a CCAS, addressed at its town hall.
pub async fn parties(db: &Db, order: &RevenueOrder) -> Result<(Party, Party), ConventionError> {
    let issuer = invoicing::issuer(db).await?;
    let siret = match store::settings::get(db, catalogue::ACCOUNTING_SETTING).await? {
        Some(json) => serde_json::from_str::<pes::Accounting>(&json).ok().map(|a| a.siret),
        None => None,
    };
    let seller = Party {
        name: issuer.name.clone(),
        siren: issuer.siren.clone(),
        siret,
        address_line: None,
        postal_code: issuer.postal_codes.first().cloned(),
        town: None,
        country: "FR".into(),
        service_code: None,
        vat_number: order.vat.and(issuer.siren.as_deref()).and_then(|s| kernel::Siren::parse(s).ok()).map(|s| s.vat_number()),
    };
    let organisations = identity::service::organisations(db).await.map_err(|e| ConventionError::NotFound(e.to_string()))?;
    let debtor = organisations.iter().find(|o| o.id == order.debtor_id);
    let town = debtor.and_then(|d| d.parent_id).and_then(|p| organisations.iter().find(|o| o.id == p)).or(debtor);
    let ccas = order.debtor_kind == OrganisationKind::Ccas;
    let name = match order.debtor_kind {
        OrganisationKind::Commune => format!("Commune de {}", order.debtor_name),
        _ => order.debtor_name.clone(),
    };
    let buyer = Party {
        name,
        siren: order.debtor_siren.clone(),
        siret: None,
        address_line: Some(if ccas { "CCAS — Hôtel de ville" } else { "Hôtel de ville" }.into()),
        postal_code: debtor.and_then(|d| d.postal_codes.first()).or_else(|| town.and_then(|t| t.postal_codes.first())).cloned(),
        town: town.map(|t| t.name.clone()),
        country: "FR".into(),
        service_code: None,
        vat_number: None,
    };
    Ok((seller, buyer))
}

fn escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// `YYYYMMDD`, the date format `102` of UN/CEFACT (UNTDID 2379).
fn date_102(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), u8::from(date.month()), date.day())
}

/// An indenting writer: the text and the current depth.
#[derive(Default)]
struct Xml(String, usize);

impl Xml {
    fn indent(&mut self) {
        self.0.push_str(&"  ".repeat(self.1));
    }
    fn open(&mut self, tag: &str) {
        self.indent();
        self.0.push_str(&format!("<{tag}>\n"));
        self.1 += 1;
    }
    fn close(&mut self, tag: &str) {
        self.1 -= 1;
        self.indent();
        self.0.push_str(&format!("</{tag}>\n"));
    }
    fn leaf(&mut self, tag: &str, value: &str) {
        self.indent();
        self.0.push_str(&format!("<{tag}>{}</{tag}>\n", escape(value)));
    }
    fn leaf_attr(&mut self, tag: &str, (name, attribute): (&str, &str), value: &str) {
        self.indent();
        self.0.push_str(&format!("<{tag} {name}=\"{}\">{}</{tag}>\n", escape(attribute), escape(value)));
    }
    fn date(&mut self, tag: &str, date: Date) {
        self.open(tag);
        self.leaf_attr("udt:DateTimeString", ("format", "102"), &date_102(date));
        self.close(tag);
    }
    fn note(&mut self, subject: Option<&str>, content: &str) {
        self.open("ram:IncludedNote");
        self.leaf("ram:Content", content);
        if let Some(subject) = subject {
            self.leaf("ram:SubjectCode", subject);
        }
        self.close("ram:IncludedNote");
    }
    /// A trade party: SIRET as global identifier (BT-29 / BT-46), name, SIREN as legal registration
    /// identifier (BT-30 / BT-47), postal address (BG-5 / BG-8), and the seller's VAT identifier (BT-31)
    /// only when VAT is charged (BR-O-02 forbids it otherwise).
    fn party(&mut self, tag: &str, party: &Party) {
        self.open(tag);
        if let Some(siret) = &party.siret {
            self.leaf_attr("ram:GlobalID", ("schemeID", "0009"), siret);
        }
        self.leaf("ram:Name", &party.name);
        if let Some(siren) = &party.siren {
            self.open("ram:SpecifiedLegalOrganization");
            self.leaf_attr("ram:ID", ("schemeID", "0002"), siren);
            self.close("ram:SpecifiedLegalOrganization");
        }
        self.address(party);
        if let Some(vat_number) = &party.vat_number {
            self.open("ram:SpecifiedTaxRegistration");
            self.leaf_attr("ram:ID", ("schemeID", "VA"), vat_number);
            self.close("ram:SpecifiedTaxRegistration");
        }
        self.close(tag);
    }
    /// A postal address: BG-5 (seller), BG-8 (buyer) or BG-15 (deliver to).
    fn address(&mut self, party: &Party) {
        self.open("ram:PostalTradeAddress");
        for (tag, value) in [("ram:PostcodeCode", &party.postal_code), ("ram:LineOne", &party.address_line), ("ram:CityName", &party.town)]
        {
            if let Some(value) = value {
                self.leaf(tag, value);
            }
        }
        self.leaf("ram:CountryID", &party.country);
        self.close("ram:PostalTradeAddress");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoicing::{InvoicedIntervention, Line, Quantity, Vat};
    use time::macros::date;

    fn party(name: &str, siren: &str) -> Party {
        Party {
            name: name.into(),
            siren: Some(siren.into()),
            siret: None,
            address_line: Some("Hôtel de ville".into()),
            postal_code: Some("34990".into()),
            town: Some("Juvignac".into()),
            country: "FR".into(),
            service_code: None,
            vat_number: None,
        }
    }

    fn order() -> RevenueOrder {
        RevenueOrder {
            id: 1,
            debtor_id: 2,
            debtor_name: "Juvignac".into(),
            debtor_siren: Some("213401235".into()),
            debtor_kind: OrganisationKind::Commune,
            year: 2020,
            number: 1,
            issued_on: date!(2020 - 09 - 15),
            lines: vec![
                Line {
                    code: "eadmin".into(),
                    label: "E-administration — année 2020".into(),
                    quantity: Quantity::Year,
                    unit_price: Cents(9_680),
                    amount: Cents(9_680),
                },
                Line {
                    code: "eservices".into(),
                    label: "Téléservices <R&D> \"test\" — année 2020".into(),
                    quantity: Quantity::Year,
                    unit_price: Cents(7_744),
                    amount: Cents(7_744),
                },
            ],
            total: Cents(17_424),
            paid_on: None,
            intervention: None,
            vat: None,
        }
    }

    /// An intervention of 1,5 day of a senior project manager and half a day of a technician.
    fn intervention_order() -> RevenueOrder {
        let line = |code: &str, half_days: i64, rate: i64| Line {
            code: code.into(),
            label: format!("Profil {code}"),
            quantity: Quantity::HalfDays(half_days),
            unit_price: Cents(rate),
            amount: crate::rules::interventions::price(half_days, Cents(rate)),
        };
        RevenueOrder {
            lines: vec![line("chef-projet-senior", 3, 50_000), line("technicien", 1, 30_000)],
            total: Cents(108_000),
            intervention: Some(InvoicedIntervention { id: 7, subject: "Formulaire d'inscription".into(), done_on: date!(2026 - 10 - 02) }),
            vat: Some(Vat { rate: crate::rules::interventions::normal_vat_rate(), amount: Cents(18_000) }),
            number: 12,
            year: 2026,
            issued_on: date!(2026 - 10 - 05),
            ..order()
        }
    }

    #[test]
    fn an_intervention_is_invoiced_with_standard_rated_vat() {
        let mut seller = party("Montpellier Méditerranée Métropole", "243400017");
        seller.vat_number = Some("FR68243400017".into());
        let xml = cii_invoice(&intervention_order(), &seller, &party("Commune de Juvignac", "213401235"));
        for expected in [
            "<ram:ID>T2026-0012</ram:ID>",
            "<ram:BilledQuantity unitCode=\"DAY\">1.5</ram:BilledQuantity>",
            "<ram:BilledQuantity unitCode=\"DAY\">0.5</ram:BilledQuantity>",
            "<ram:ChargeAmount>500.00</ram:ChargeAmount>",
            "<ram:LineTotalAmount>750.00</ram:LineTotalAmount>",
            "<ram:LineTotalAmount>150.00</ram:LineTotalAmount>",
            "<ram:RateApplicablePercent>20</ram:RateApplicablePercent>",
            "<ram:CalculatedAmount>180.00</ram:CalculatedAmount>",
            "<ram:BasisAmount>900.00</ram:BasisAmount>",
            "<ram:TaxBasisTotalAmount>900.00</ram:TaxBasisTotalAmount>",
            "<ram:TaxTotalAmount currencyID=\"EUR\">180.00</ram:TaxTotalAmount>",
            "<ram:GrandTotalAmount>1080.00</ram:GrandTotalAmount>",
            "<ram:DuePayableAmount>1080.00</ram:DuePayableAmount>",
            "<ram:ID schemeID=\"VA\">FR68243400017</ram:ID>",
            "<udt:DateTimeString format=\"102\">20261002</udt:DateTimeString>",
        ] {
            assert!(xml.contains(expected), "{expected} missing from:\n{xml}");
        }
        assert_eq!(xml.matches("<ram:CategoryCode>S</ram:CategoryCode>").count(), 3, "two lines and the breakdown");
        assert!(!xml.contains("ExemptionReason") && !xml.contains("BillingSpecifiedPeriod"));
    }

    #[test]
    fn facturx_invoice_carries_the_titre_amounts_dates_and_identifiers() {
        let mut seller = party("Montpellier Méditerranée Métropole", "243400017");
        seller.siret = Some("24340001700022".into());
        (seller.address_line, seller.postal_code, seller.town) = (None, None, Some("Montpellier".into()));
        let mut buyer = party("Commune de Juvignac", "213401235");
        buyer.service_code = Some("SERVICE-FINANCES".into());
        let xml = cii_invoice(&order(), &seller, &buyer);
        for expected in [
            "<ram:ID>urn:cen.eu:en16931:2017</ram:ID>",
            "<ram:ID>T2020-0001</ram:ID>",
            "<ram:TypeCode>380</ram:TypeCode>",
            "<ram:IssueDateTime>\n      <udt:DateTimeString format=\"102\">20200915</udt:DateTimeString>",
            "<ram:DueDateDateTime>\n          <udt:DateTimeString format=\"102\">20201015</udt:DateTimeString>",
            "<udt:DateTimeString format=\"102\">20200101</udt:DateTimeString>",
            "<udt:DateTimeString format=\"102\">20201231</udt:DateTimeString>",
            "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>",
            "<ram:ChargeAmount>96.80</ram:ChargeAmount>",
            "<ram:LineTotalAmount>77.44</ram:LineTotalAmount>",
            "<ram:LineTotalAmount>174.24</ram:LineTotalAmount>",
            "<ram:BasisAmount>174.24</ram:BasisAmount>",
            "<ram:TaxBasisTotalAmount>174.24</ram:TaxBasisTotalAmount>",
            "<ram:TaxTotalAmount currencyID=\"EUR\">0.00</ram:TaxTotalAmount>",
            "<ram:GrandTotalAmount>174.24</ram:GrandTotalAmount>",
            "<ram:DuePayableAmount>174.24</ram:DuePayableAmount>",
            "<ram:CalculatedAmount>0.00</ram:CalculatedAmount>",
            "<ram:ExemptionReason>Hors champ de la TVA</ram:ExemptionReason>",
            "<ram:ExemptionReasonCode>VATEX-EU-O</ram:ExemptionReasonCode>",
            "<ram:ID schemeID=\"0002\">243400017</ram:ID>",
            "<ram:ID schemeID=\"0002\">213401235</ram:ID>",
            "<ram:GlobalID schemeID=\"0009\">24340001700022</ram:GlobalID>",
            "<ram:BuyerReference>SERVICE-FINANCES</ram:BuyerReference>",
            "<ram:Name>Téléservices &lt;R&amp;D&gt; &quot;test&quot; — année 2020</ram:Name>",
            "<ram:SellerAssignedID>eadmin</ram:SellerAssignedID>",
            "<ram:BilledQuantity unitCode=\"ANN\">1</ram:BilledQuantity>",
        ] {
            assert!(xml.contains(expected), "{expected} missing from:\n{xml}");
        }
        assert_eq!(xml.matches("<ram:IncludedSupplyChainTradeLineItem>").count(), 2);
        assert_eq!(xml.matches("<ram:CategoryCode>O</ram:CategoryCode>").count(), 3, "two lines and the breakdown");
        assert!(!xml.contains("RateApplicablePercent") && !xml.contains("SpecifiedTaxRegistration"), "no rate, no VAT id (BR-O)");
        assert!(!xml.contains("R&D"), "escaped");
        assert_eq!(xml.matches("<ram:PostalTradeAddress>").count(), 3, "seller, buyer and deliver-to");
        let without_reference = cii_invoice(&order(), &seller, &party("Commune de Juvignac", "213401235"));
        assert!(!without_reference.contains("BuyerReference"));
    }

    #[test]
    fn dates_are_written_in_format_102() {
        assert_eq!(date_102(date!(2020 - 01 - 05)), "20200105");
        assert_eq!(escape("l'Hôtel & <\"co\">"), "l&apos;Hôtel &amp; &lt;&quot;co&quot;&gt;");
    }
}
