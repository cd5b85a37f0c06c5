//! SQL of the acts slice. Every row but the platform's timestamp authority belongs to one organisation
//! and is read and written through `store::tenant`.

pub mod acts;
pub mod circuits;
pub mod credentials;
pub mod mandates;
pub mod pes;
