//! The way PES files reach the public accountant (DGFiP Hélios, through a *tiers de télétransmission*) and
//! the acknowledgements come back. The platform talks to an [`Accountant`]; the one shipped is the
//! accountant simulator ([`super::helios::Helios`]).

use crate::transmission::connector::ConnectorError;
use futures::future::BoxFuture;

/// What the accountant answered to a deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deposit {
    /// The accountant's reference of the file, to ask for its acknowledgement.
    pub reference: String,
    /// True when a file of that name had already been deposited: nothing was sent twice.
    pub duplicate: bool,
}

/// A route to the public accountant.
pub trait Accountant: Send + Sync {
    /// Deposits a `PES_Aller` file. Depositing a file of the same name again returns the first deposit with
    /// `duplicate` set.
    fn deposit<'a>(&'a self, file_name: &'a str, xml: &'a [u8]) -> BoxFuture<'a, Result<Deposit, ConnectorError>>;

    /// The acknowledgement (`PES_Acquit`) of a deposited file, once the accountant has processed it.
    fn acquit<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, ConnectorError>>;
}
