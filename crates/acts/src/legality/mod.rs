//! The @ctes protocol (*Aide au Contrôle de légaliTé dématErialiSé*), by which local authorities transmit their
//! acts to the prefecture for the legality control (*contrôle de légalité*, CGCT L2131-1 and following) and
//! exchange the letters that follow. Pure code: no database, no network.
//!
//! - [`Nature`], [`ActIdentifier`] and the file naming rules;
//! - [`Classification`]: the matters an act is filed under, with the national default;
//! - [`ActTransmission`]: from an act to the package (`.tar.gz`) sent to the ministry;
//! - [`PrefectureMessage`] and [`CollectivityMessage`]: every business message, written and read;
//! - [`Package`]: envelopes and archives, both ways.
//!
//! Documents follow the schema `schemas/actes/actesv1_1.xsd` (namespace
//! `http://www.interieur.gouv.fr/ACTES#v1.1-20040216`); the tests validate each of them with `xmllint`.

mod act;
mod classification;
mod envelope;
mod error;
mod identifier;
mod kind;
mod messages;
mod nature;
mod package;
#[cfg(test)]
mod testing;
mod transmission;
mod xml;

pub use act::{ActData, SUBJECT_MAX_CHARS, check_subject};
pub use classification::{Classification, Matter, MatterCodes, NatureEntry, PieceType};
pub use envelope::{Arrondissement, CollectivityNature, Email, Envelope, PrefectureEnvelope, PrefectureOffice, Referent, Sender};
pub use error::LegalityError;
pub use identifier::{ActIdentifier, Departement, InternalNumber, PieceTypeCode, classification_message_name};
pub use kind::{MessageKind, Party};
pub use messages::{AnomalyCode, CollectivityMessage, LetterRef, Message, PrefectureMessage};
pub use nature::Nature;
pub use package::{Dispatch, Operator, Package};
pub use transmission::{ACCEPTED_EXTENSIONS, ActTransmission, Attachment};
pub use xml::{ACTES_NS, INSEE_NS};
