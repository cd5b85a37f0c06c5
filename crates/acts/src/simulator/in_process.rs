//! The connector that hands packages to a prefecture simulator in the same process: for the demonstration,
//! whose acknowledgements carry the dates of its story, and for tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::future::BoxFuture;
use time::Date;

use super::{Prefecture, blocking};
use crate::transmission::connector::{Connector, ConnectorError, Inbound, Receipt};

/// A [`Connector`] to a [`Prefecture`] in process, whose day comes from a clock of the caller's choosing.
pub struct InProcessConnector {
    prefecture: Arc<Prefecture>,
    today: Box<dyn Fn() -> Date + Send + Sync>,
    available: AtomicBool,
}

impl InProcessConnector {
    /// `today` gives the day of reception of each package (and of the answers).
    pub fn new(prefecture: Arc<Prefecture>, today: impl Fn() -> Date + Send + Sync + 'static) -> Self {
        Self { prefecture, today: Box::new(today), available: AtomicBool::new(true) }
    }

    /// While unavailable, every call fails with [`ConnectorError::Unavailable`], as when the real platform is
    /// down.
    pub fn set_available(&self, available: bool) {
        self.available.store(available, Ordering::SeqCst);
    }

    fn check_available(&self) -> Result<(), ConnectorError> {
        if self.available.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(ConnectorError::Unavailable("la préfecture simulée est hors service".into()))
        }
    }
}

impl Connector for InProcessConnector {
    fn send<'a>(&'a self, archive_name: &'a str, archive: &'a [u8]) -> BoxFuture<'a, Result<Receipt, ConnectorError>> {
        Box::pin(async move {
            self.check_available()?;
            let today = (self.today)();
            let (archive_name, archive) = (archive_name.to_string(), archive.to_vec());
            blocking(&self.prefecture, move |prefecture| prefecture.receive(&archive_name, &archive, today)).await.map_err(stopped)?
        })
    }

    fn fetch<'a>(&'a self, transaction: &'a str) -> BoxFuture<'a, Result<Vec<Inbound>, ConnectorError>> {
        Box::pin(async move {
            self.check_available()?;
            let transaction = transaction.to_string();
            blocking(&self.prefecture, move |prefecture| prefecture.outbox(&transaction)).await.map_err(stopped)?
        })
    }
}

fn stopped(error: tokio::task::JoinError) -> ConnectorError {
    ConnectorError::Unavailable(format!("la préfecture simulée s'est interrompue : {error}"))
}
