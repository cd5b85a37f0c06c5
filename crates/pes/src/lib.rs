//! The DGFiP's PES V2 formats (*Protocole d'échange standard*, Hélios), schemas in `schemas/pes`: the
//! envelope and header of a file, the expenditure bordereaux, the supporting documents (`PES_PJ`), the
//! reading of a `PES_Aller` and the accountant's acknowledgement (`PES_Acquit`). The revenue part is
//! written by the convention slice with the same writer.

pub mod acquit;
pub mod attachments;
mod budget;
pub mod expenditure;
mod reader;
pub mod writer;

pub use budget::Budget;
pub use reader::{AllerSummary, BordereauSummary, read_aller};

use time::Date;
use writer::Xml;

/// The part of the budget a bordereau or an acknowledgement element is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    Expenditure,
    Revenue,
    /// Supporting documents.
    Attachments,
    /// The file as a whole (technical checks).
    File,
}

/// The namespace of a `PES_Aller`'s root element.
const ALLER_NAMESPACE: &str = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller";

/// Writes a `PES_Aller` (`TypFic` PESALR1): envelope, header of `budget`, then what `body` writes (the
/// domain parts, in the schema's order: expenditure, revenue, supporting documents).
pub fn aller(budget: &Budget, file_name: &str, created_on: Date, body: impl FnOnce(&mut Xml)) -> String {
    let mut x = Xml::document();
    x.0.push_str(&format!("<n:PES_Aller xmlns:n=\"{ALLER_NAMESPACE}\">"));
    budget::write_envelope(&mut x, "PESALR1", file_name);
    budget.write_header(&mut x, created_on);
    body(&mut x);
    x.0.push_str("</n:PES_Aller>\n");
    x.0
}

/// A `PES_Aller` of one expenditure bordereau with the supporting documents its mandates refer to.
pub fn expenditure_file(
    budget: &Budget,
    file_name: &str,
    created_on: Date,
    bordereau: &expenditure::ExpenditureBordereau,
    documents: &[attachments::Attachment],
) -> String {
    aller(budget, file_name, created_on, |x| {
        expenditure::write(x, std::slice::from_ref(bordereau));
        if !documents.is_empty() {
            attachments::write(x, documents);
        }
    })
}
