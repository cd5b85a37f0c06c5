//! The way packages reach the prefecture and its answers come back (*tiers de télétransmission*). The
//! platform talks to a connector; the one shipped talks to the prefecture simulator, in process or over
//! HTTP (`communs prefecture-sim`).

use futures::future::BoxFuture;

/// What the other side answered to a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction the package opened (or, for an answer about an act, the act's transaction).
    pub transaction: String,
    /// True when that package had already been received: nothing was transmitted twice.
    pub duplicate: bool,
}

/// A package the prefecture sent back (`.tar.gz`, read with `legality::Package::read`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub archive_name: String,
    pub archive: Vec<u8>,
}

/// Why a connector call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// Worth retrying later (network, server down, timeout).
    #[error("transmission impossible pour le moment : {0}")]
    Unavailable(String),
    /// The other side refused the package; retrying the same package is useless.
    #[error("paquet refusé : {0}")]
    Refused(String),
}

/// A route to the legality control.
pub trait Connector: Send + Sync {
    /// Sends a package (an act, or a message about a transmitted act). Sending the same archive again
    /// returns the first receipt with `duplicate` set.
    fn send<'a>(&'a self, archive_name: &'a str, archive: &'a [u8]) -> BoxFuture<'a, Result<Receipt, ConnectorError>>;

    /// Every package the prefecture sent back on `transaction`, oldest first.
    fn fetch<'a>(&'a self, transaction: &'a str) -> BoxFuture<'a, Result<Vec<Inbound>, ConnectorError>>;
}
