//! The kernel: vocabulary shared by every slice of `communs`, with no I/O.
//!
//! Each module holds one rule or one type, with its table test next to it.

pub mod audit;
pub mod calendar;
pub mod codes;
pub mod money;
pub mod organisation;
pub mod role;
pub mod slug;

pub use codes::{CodeError, InseeCode, PostalCode, Siren};
pub use money::{Cents, Percent};
pub use organisation::OrganisationKind;
pub use role::Role;
