//! What the simulated prefecture remembers, kept in `state.json` (rewritten whole, through a temporary file,
//! after each change) beside the packages themselves, stored one file each under `packages/{transaction}/`.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use kernel::Siren;
use serde::{Deserialize, Serialize};
use time::Date;

use super::{SimulatorError, TransactionStatus};
use crate::legality::{ActIdentifier, Departement, MessageKind, PrefectureOffice};

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct State {
    /// Number of the last transaction opened.
    pub last_transaction: u32,
    pub transactions: Vec<Transaction>,
    /// SHA-256 of each archive accepted, and the transaction it went to: an archive is processed once.
    pub received: BTreeMap<String, String>,
    /// Last serial of the prefecture's envelopes, by `{office}-{recipient}-{YYYY-MM-DD}`.
    pub serials: BTreeMap<String, u32>,
}

/// A conversation about one act (or one classification request) with one collectivity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Transaction {
    pub id: String,
    pub act_id: Option<ActIdentifier>,
    /// The act's subject (*objet*), for the listing and the letters.
    pub subject: Option<String>,
    pub siren: Siren,
    pub departement: Departement,
    #[serde(with = "iso_date")]
    pub opened_on: Date,
    pub status: TransactionStatus,
    /// Every package received and sent, in order.
    pub exchanges: Vec<Exchange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Direction {
    Received,
    Sent,
}

/// One package of a transaction.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Exchange {
    pub direction: Direction,
    #[serde(with = "kind_code")]
    pub kind: MessageKind,
    /// Day of reception, or of dispatch (which is also the date of a letter).
    #[serde(with = "iso_date")]
    pub date: Date,
    pub archive_name: String,
    /// File name under the transaction's folder.
    pub file: String,
}

impl State {
    pub(super) fn load(path: &Path) -> Result<Self, SimulatorError> {
        match fs::read(path) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes)?),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Self::default()),
            Err(error) => Err(error.into()),
        }
    }

    pub(super) fn save(&self, path: &Path) -> Result<(), SimulatorError> {
        let temporary = path.with_extension("json.tmp");
        fs::write(&temporary, serde_json::to_vec_pretty(self)?)?;
        fs::rename(&temporary, path)?;
        Ok(())
    }

    /// Opens a transaction with the next number, `T000001` onwards; returns its index.
    pub(super) fn open(
        &mut self,
        act_id: Option<ActIdentifier>,
        subject: Option<String>,
        siren: Siren,
        departement: Departement,
        opened_on: Date,
        status: TransactionStatus,
    ) -> usize {
        self.last_transaction += 1;
        let id = format!("T{:06}", self.last_transaction);
        self.transactions.push(Transaction { id, act_id, subject, siren, departement, opened_on, status, exchanges: Vec::new() });
        self.transactions.len() - 1
    }

    pub(super) fn position(&self, transaction: &str) -> Result<usize, SimulatorError> {
        self.transactions
            .iter()
            .position(|t| t.id == transaction)
            .ok_or_else(|| SimulatorError::UnknownTransaction(transaction.to_string()))
    }

    /// The serial of the office's next envelope of the day for `recipient` (from 1).
    pub(super) fn next_serial(&mut self, office: &PrefectureOffice, recipient: &Siren, day: Date) -> u32 {
        let serial = self.serials.entry(format!("{}-{recipient}-{day}", office.code())).or_default();
        *serial += 1;
        *serial
    }
}

/// A message kind as its code, `1-2`.
mod kind_code {
    use serde::{Deserialize, Deserializer, Serializer, de};

    use crate::legality::MessageKind;

    pub(super) fn serialize<S: Serializer>(kind: &MessageKind, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(kind)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<MessageKind, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.split_once('-')
            .and_then(|(transaction, rank)| MessageKind::from_code(transaction.parse().ok()?, rank.parse().ok()?))
            .ok_or_else(|| de::Error::custom(format!("code de message @ctes inconnu « {code} »")))
    }
}
