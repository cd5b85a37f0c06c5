//! A simulated prefecture: the other end of @ctes, as the ministry's platform and the legality control
//! (*contrôle de légalité*) would answer a transmission operator such as S²low. It lets the platform be
//! demonstrated and tested without the State's systems, and transmits nothing to them.
//!
//! The prefecture reads each package it receives, validates its documents against the schema (with `xmllint`
//! when installed), and answers as the protocol says:
//! - an act (1-1) opens a transaction (`T000001`, …) answered by an acknowledgement (1-2 `ARActe`), or by an
//!   anomaly (1-3 `AnomalieActe`) when the package breaks a rule; a package it cannot attribute is refused;
//! - a cancellation (6-1) is acknowledged (6-2), as are additional documents or the refusal to send them
//!   (3-3, 3-4 → 3-5) and the answer to an observations letter or the refusal to answer (4-3, 4-4 → 4-5);
//!   the other answers to letters (2-2, 3-2, 4-2) are recorded;
//! - a classification request (7-1) opens a transaction answered by the national classification (7-2), or by
//!   7-3 when the collectivity's is current.
//!
//! An agent of the prefecture sends letters ([`Letter`]) on an acknowledged act. Every answer is a real
//! package, named as the protocol says, that the platform fetches by transaction ([`Prefecture::outbox`]).
//!
//! State lives in a directory (`state.json`, the packages, the schemas), so the prefecture survives restarts.
//! The platform reaches it in process ([`InProcessConnector`]) or over HTTP ([`http::serve`], the command
//! `communs prefecture-sim`).

pub mod http;
mod in_process;
mod inspect;
mod letter;
mod state;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use kernel::Siren;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::legality::{
    ActIdentifier, AnomalyCode, Classification, CollectivityMessage, Dispatch, LegalityError, MessageKind, Operator, Package,
    PrefectureMessage, PrefectureOffice,
};
use crate::transmission::connector::{ConnectorError, Inbound, Receipt};
use crate::xsd::{self, SchemaValidator};
pub use in_process::InProcessConnector;
use inspect::{Incoming, inspect};
pub use letter::Letter;
use state::{Direction, State};

/// Trigram of the simulated platform of the State, prefix of its archive names.
pub const DEFAULT_TRIGRAM: &str = "PRF";
/// Application code of the State's envelopes, as in the reference implementations' fixtures (`TACT--…`).
pub const DEFAULT_APPLICATION: &str = "TACT";

/// Nature of the anomalies the simulator raises; the detail says which rule was broken.
const ANOMALY_CODE: u16 = 999;
const STATE_FILE: &str = "state.json";
const PACKAGES_DIR: &str = "packages";
const SCHEMAS_DIR: &str = "schemas";

/// The documents of a message: name and bytes of each file, in order.
type Documents = Vec<(String, Vec<u8>)>;

/// Why the simulator could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    /// The package or the request is refused (French reason, for the sender).
    #[error("{0}")]
    Refused(String),
    #[error("transaction « {0} » inconnue de la préfecture simulée")]
    UnknownTransaction(String),
    #[error("stockage de la préfecture simulée : {0}")]
    Storage(#[from] io::Error),
    #[error("état de la préfecture simulée illisible : {0}")]
    State(#[from] serde_json::Error),
    #[error("message de la préfecture impossible à constituer : {0}")]
    Message(#[from] LegalityError),
    #[error("courrier de la préfecture impossible à imprimer : {0}")]
    Document(#[from] docgen::DocError),
}

/// A refusal is final; anything else is the simulator's own failure, worth retrying.
impl From<SimulatorError> for ConnectorError {
    fn from(error: SimulatorError) -> Self {
        match error {
            SimulatorError::Refused(reason) => Self::Refused(reason),
            SimulatorError::UnknownTransaction(_) => Self::Refused(error.to_string()),
            other => Self::Unavailable(other.to_string()),
        }
    }
}

/// Where a transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransactionStatus {
    /// The act was acknowledged; letters may follow.
    Acknowledged,
    /// The act was answered by an anomaly; it may be transmitted again.
    Anomaly,
    /// The collectivity cancelled the transmission.
    Cancelled,
    /// A classification request, answered.
    Classification,
}

impl TransactionStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Acknowledged => "Acte reçu",
            Self::Anomaly => "Anomalie",
            Self::Cancelled => "Transmission annulée",
            Self::Classification => "Classification envoyée",
        }
    }
}

/// A transaction, for a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionSummary {
    pub id: String,
    /// None for a classification request.
    pub act_id: Option<ActIdentifier>,
    /// The act's subject (*objet*).
    pub subject: Option<String>,
    pub siren: Siren,
    pub received_on: Date,
    pub status: TransactionStatus,
    /// The last message received or sent, and its day.
    pub last_message: MessageKind,
    pub last_message_on: Date,
}

/// The simulated prefecture; safe to share between tasks (`Arc<Prefecture>`).
pub struct Prefecture {
    dir: PathBuf,
    operator: Operator,
    schema: SchemaValidator,
    /// Version of the national classification, the one the prefecture uses.
    classification_date: Date,
    state: Mutex<State>,
}

impl Prefecture {
    /// Opens (or creates) the prefecture whose state lives in `dir`, with the default operator codes.
    pub fn open(dir: &Path) -> Result<Self, SimulatorError> {
        Self::open_with(dir, Operator::new(DEFAULT_TRIGRAM, DEFAULT_APPLICATION)?)
    }

    /// Opens the prefecture, naming its packages with `operator`'s codes.
    pub fn open_with(dir: &Path, operator: Operator) -> Result<Self, SimulatorError> {
        fs::create_dir_all(dir.join(PACKAGES_DIR))?;
        let schema = SchemaValidator::install(&dir.join(SCHEMAS_DIR), &xsd::ACTES)?;
        let state = State::load(&dir.join(STATE_FILE))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            operator,
            schema,
            classification_date: Classification::national().version_date,
            state: Mutex::new(state),
        })
    }

    /// Receives a package on `today`. The same archive twice, or a second act with the same identifier as an
    /// act received without anomaly, returns the first receipt with `duplicate` set and changes nothing.
    pub fn receive(&self, archive_name: &str, archive: &[u8], today: Date) -> Result<Receipt, ConnectorError> {
        let digest = hex::encode(Sha256::digest(archive));
        let receipt = self.update(|state| {
            if let Some(transaction) = state.received.get(&digest) {
                return Ok(Receipt { transaction: transaction.clone(), duplicate: true });
            }
            // The transaction the package goes to, what it is, and the prefecture's answer.
            let (index, kind, answer) = match inspect(archive_name, archive, &self.schema)? {
                Incoming::Act { sender, act_id, act, problems } => {
                    let accepted = |t: &&state::Transaction| t.act_id.as_ref() == Some(&act_id) && t.status != TransactionStatus::Anomaly;
                    if let Some(known) = state.transactions.iter().find(accepted) {
                        return Ok(Receipt { transaction: known.id.clone(), duplicate: true });
                    }
                    let status = if problems.is_empty() { TransactionStatus::Acknowledged } else { TransactionStatus::Anomaly };
                    let subject = Some(act.subject.clone());
                    let index = state.open(Some(act_id.clone()), subject, sender.siren, sender.departement, today, status);
                    let classification_date = self.classification_date;
                    let answer = if problems.is_empty() {
                        PrefectureMessage::Acknowledgement { act_id, received_on: today, act, classification_date }
                    } else {
                        let code = AnomalyCode::new(ANOMALY_CODE)?;
                        PrefectureMessage::ActAnomaly { date: today, code, detail: Some(problems.join(" ; ")), act, classification_date }
                    };
                    (index, MessageKind::Act, Some(answer))
                }
                Incoming::AboutAct { act_id, message } => {
                    let index = active_transaction(state, &act_id)?;
                    check_letter_answered(state, index, &message)?;
                    if let CollectivityMessage::Cancellation { .. } = message {
                        state.transactions[index].status = TransactionStatus::Cancelled;
                    }
                    (index, message.kind(), answer(&message, today))
                }
                Incoming::ClassificationRequest { sender, current } => {
                    let index = state.open(None, None, sender.siren, sender.departement, today, TransactionStatus::Classification);
                    let answer = if current == Some(self.classification_date) {
                        PrefectureMessage::ClassificationUpToDate { version_date: self.classification_date }
                    } else {
                        PrefectureMessage::Classification(Box::new(Classification::national()))
                    };
                    (index, MessageKind::ClassificationRequest, Some(answer))
                }
            };
            self.store(&mut state.transactions[index], Direction::Received, kind, today, archive_name, archive)?;
            if let Some(answer) = answer {
                self.dispatch(state, index, &answer, Vec::new(), today)?;
            }
            let transaction = state.transactions[index].id.clone();
            state.received.insert(digest, transaction.clone());
            Ok(Receipt { transaction, duplicate: false })
        })?;
        Ok(receipt)
    }

    /// Every package the prefecture sent on `transaction`, oldest first.
    pub fn outbox(&self, transaction: &str) -> Result<Vec<Inbound>, ConnectorError> {
        let sent: Vec<(String, PathBuf)> = {
            let state = self.lock();
            let transaction = &state.transactions[state.position(transaction)?];
            transaction
                .exchanges
                .iter()
                .filter(|e| e.direction == Direction::Sent)
                .map(|e| (e.archive_name.clone(), self.dir.join(PACKAGES_DIR).join(&transaction.id).join(&e.file)))
                .collect()
        };
        sent.into_iter()
            .map(|(archive_name, path)| {
                let archive = fs::read(&path).map_err(SimulatorError::from)?;
                Ok(Inbound { archive_name, archive })
            })
            .collect()
    }

    /// Sends a letter about the act of `transaction`, dated `today`; the act must have been acknowledged and
    /// not cancelled.
    pub fn send_letter(&self, transaction: &str, letter: Letter, today: Date) -> Result<(), SimulatorError> {
        letter.check()?;
        self.update(|state| {
            let index = state.position(transaction)?;
            let current = &state.transactions[index];
            let act_id = match (current.status, &current.act_id) {
                (TransactionStatus::Acknowledged, Some(act_id)) => act_id.clone(),
                (TransactionStatus::Anomaly, _) => {
                    return Err(SimulatorError::Refused(format!("l'acte de la transaction {transaction} n'a pas été reçu (anomalie)")));
                }
                (TransactionStatus::Cancelled, _) => {
                    return Err(SimulatorError::Refused(format!("la transmission de la transaction {transaction} a été annulée")));
                }
                _ => return Err(SimulatorError::Refused(format!("la transaction {transaction} ne concerne aucun acte"))),
            };
            let (message, documents) = letter.message(&act_id, current.subject.as_deref(), today)?;
            self.dispatch(state, index, &message, documents, today)
        })
    }

    /// Every transaction, oldest first.
    pub fn transactions(&self) -> Vec<TransactionSummary> {
        self.lock()
            .transactions
            .iter()
            .filter_map(|t| {
                let last = t.exchanges.last()?;
                Some(TransactionSummary {
                    id: t.id.clone(),
                    act_id: t.act_id.clone(),
                    subject: t.subject.clone(),
                    siren: t.siren.clone(),
                    received_on: t.opened_on,
                    status: t.status,
                    last_message: last.kind,
                    last_message_on: last.date,
                })
            })
            .collect()
    }

    /// The state, read again from its file: another `Prefecture` on the same folder (the demo loader, a
    /// test, a restarted server) may have changed it since.
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is replaced whole once saved (see `update`): a panic elsewhere cannot leave it half changed.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Ok(fresh) = State::load(&self.dir.join(STATE_FILE)) {
            *state = fresh;
        }
        state
    }

    /// Applies a change to a copy of the state, saves it, then makes it current: on error, nothing changed.
    fn update<T>(&self, change: impl FnOnce(&mut State) -> Result<T, SimulatorError>) -> Result<T, SimulatorError> {
        let mut state = self.lock();
        let mut next = state.clone();
        let result = change(&mut next)?;
        next.save(&self.dir.join(STATE_FILE))?;
        *state = next;
        Ok(result)
    }

    /// Keeps a package of `transaction`.
    fn store(
        &self,
        transaction: &mut state::Transaction,
        direction: Direction,
        kind: MessageKind,
        date: Date,
        archive_name: &str,
        archive: &[u8],
    ) -> io::Result<()> {
        let folder = self.dir.join(PACKAGES_DIR).join(&transaction.id);
        fs::create_dir_all(&folder)?;
        let file = format!("{:03}-{archive_name}", transaction.exchanges.len() + 1);
        fs::write(folder.join(&file), archive)?;
        transaction.exchanges.push(state::Exchange { direction, kind, date, archive_name: archive_name.to_string(), file });
        Ok(())
    }

    /// Packs a message of the prefecture of the collectivity's département for it, and queues it.
    fn dispatch(
        &self,
        state: &mut State,
        index: usize,
        message: &PrefectureMessage,
        documents: Documents,
        today: Date,
    ) -> Result<(), SimulatorError> {
        let kind = message.kind().ok_or(LegalityError::EnvelopeAnomalyAlone)?;
        let recipient = state.transactions[index].siren.clone();
        let office = PrefectureOffice::Prefecture(state.transactions[index].departement.clone());
        let dispatch = Dispatch { operator: self.operator.clone(), sent_on: today, serial: state.next_serial(&office, &recipient, today) };
        let package = Package::prefecture(&office, &recipient, &dispatch, message, documents)?;
        self.store(&mut state.transactions[index], Direction::Sent, kind, today, &package.archive_name, &package.archive)?;
        Ok(())
    }
}

/// The transaction of an acknowledged, not cancelled act.
fn active_transaction(state: &State, act_id: &ActIdentifier) -> Result<usize, SimulatorError> {
    let mut of_act = state.transactions.iter().enumerate().filter(|(_, t)| t.act_id.as_ref() == Some(act_id));
    match of_act.find(|(_, t)| t.status != TransactionStatus::Anomaly) {
        Some((index, t)) if t.status == TransactionStatus::Acknowledged => Ok(index),
        Some(_) => Err(SimulatorError::Refused(format!("la transmission de l'acte {act_id} a été annulée"))),
        None => {
            Err(SimulatorError::Refused(format!("l'acte {act_id} est inconnu de la préfecture : aucun accusé de réception ne le concerne")))
        }
    }
}

/// An answer to a letter must name a letter of the right kind that the prefecture sent on that day.
fn check_letter_answered(state: &State, index: usize, message: &CollectivityMessage) -> Result<(), SimulatorError> {
    let (letter, kind) = match message {
        CollectivityMessage::SimpleLetterReply { letter, .. } => (letter, MessageKind::SimpleLetter),
        CollectivityMessage::AdditionalDocumentsRequestAcknowledgement { letter }
        | CollectivityMessage::AdditionalDocumentsRefusal { letter, .. }
        | CollectivityMessage::AdditionalDocuments { letter, .. } => (letter, MessageKind::AdditionalDocumentsRequest),
        CollectivityMessage::ObservationsLetterAcknowledgement { letter }
        | CollectivityMessage::ObservationsRejection { letter, .. }
        | CollectivityMessage::ObservationsReply { letter, .. } => (letter, MessageKind::ObservationsLetter),
        CollectivityMessage::Act(_) | CollectivityMessage::Cancellation { .. } | CollectivityMessage::ClassificationRequest { .. } => {
            return Ok(());
        }
    };
    let sent =
        state.transactions[index].exchanges.iter().any(|e| e.direction == Direction::Sent && e.kind == kind && e.date == letter.date);
    if sent {
        Ok(())
    } else {
        Err(SimulatorError::Refused(format!(
            "aucun message « {} » du {} sur l'acte {} : la réponse ne se rapporte à aucun courrier de la préfecture",
            kind.label(),
            kernel::calendar::format_fr(letter.date),
            letter.act_id
        )))
    }
}

/// The prefecture's answer to a message about an act, when the protocol has one.
fn answer(message: &CollectivityMessage, today: Date) -> Option<PrefectureMessage> {
    match message {
        CollectivityMessage::Cancellation { act_id } => {
            Some(PrefectureMessage::CancellationAcknowledgement { act_id: act_id.clone(), received_on: today })
        }
        CollectivityMessage::AdditionalDocuments { letter, .. } | CollectivityMessage::AdditionalDocumentsRefusal { letter, .. } => {
            Some(PrefectureMessage::AdditionalDocumentsAcknowledgement { letter: letter.clone(), received_on: today })
        }
        CollectivityMessage::ObservationsReply { letter, .. } | CollectivityMessage::ObservationsRejection { letter, .. } => {
            Some(PrefectureMessage::ObservationsReplyAcknowledgement { letter: letter.clone(), received_on: today })
        }
        _ => None,
    }
}

/// Runs blocking work of the prefecture (files, `xmllint`, PDF) off the async runtime.
async fn blocking<T: Send + 'static>(
    prefecture: &std::sync::Arc<Prefecture>,
    work: impl FnOnce(&Prefecture) -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let prefecture = prefecture.clone();
    tokio::task::spawn_blocking(move || work(&prefecture)).await
}
