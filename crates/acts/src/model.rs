//! The acts slice's records: an act with its documents, its signature steps, its history and the
//! messages exchanged with the prefecture.

use crate::legality::Nature;
use serde::Serialize;
use time::Date;

/// Where an act stands, after the states of S²low for the transmission part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActState {
    /// *Brouillon*: prepared, not yet in a circuit.
    Draft,
    /// *En cours de signature*: in its signature circuit.
    InCircuit,
    /// *Refusé*: a step of the circuit rejected it.
    Rejected,
    /// *Signé*: every step done; ready to be transmitted.
    Signed,
    /// *Posté*: the transmission is queued.
    Posted,
    /// *En attente de transmission*: the connector failed, a retry is scheduled.
    Waiting,
    /// *Transmis*: the prefecture's platform took the package; no acknowledgement yet.
    Transmitted,
    /// *Acquittement reçu*: the prefecture acknowledged reception (ARActe).
    Acknowledged,
    /// *En erreur*: refused by the prefecture (anomaly) or retries exhausted.
    Error,
    /// *Annulation demandée*: the cancellation was sent, not yet acknowledged.
    CancellationRequested,
    /// *Annulé*: the prefecture acknowledged the cancellation.
    Cancelled,
}

impl ActState {
    pub const ALL: [ActState; 11] = [
        Self::Draft,
        Self::InCircuit,
        Self::Rejected,
        Self::Signed,
        Self::Posted,
        Self::Waiting,
        Self::Transmitted,
        Self::Acknowledged,
        Self::Error,
        Self::CancellationRequested,
        Self::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InCircuit => "in_circuit",
            Self::Rejected => "rejected",
            Self::Signed => "signed",
            Self::Posted => "posted",
            Self::Waiting => "waiting",
            Self::Transmitted => "transmitted",
            Self::Acknowledged => "acknowledged",
            Self::Error => "error",
            Self::CancellationRequested => "cancellation_requested",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::InCircuit => "En cours de signature",
            Self::Rejected => "Refusé dans le circuit",
            Self::Signed => "Signé, à transmettre",
            Self::Posted => "Posté",
            Self::Waiting => "En attente de transmission",
            Self::Transmitted => "Transmis",
            Self::Acknowledged => "Acquittement reçu",
            Self::Error => "En erreur",
            Self::CancellationRequested => "Annulation demandée",
            Self::Cancelled => "Annulé",
        }
    }
}

/// An act (*acte administratif*).
#[derive(Debug, Clone, Serialize)]
pub struct Act {
    pub id: i64,
    pub nature: Nature,
    /// The classification code (*matière*), e.g. `1.1` or `9.1`.
    pub matter_code: String,
    /// The number @ctes carries (*numéro interne*): 1 to 15 of `[A-Za-z0-9_]`.
    pub internal_number: String,
    pub decided_on: Date,
    /// The object of the act (*objet*), 500 characters at most.
    pub subject: String,
    /// The number of the deliberation in the register (assembly slice), e.g. `M2021-641`.
    pub register_number: Option<String>,
    pub state: ActState,
    pub document_name: String,
    pub document_sha256: String,
    pub signed_sha256: Option<String>,
    /// e.g. `034-243400017-20211214-174579-DE`, once built for the transmission.
    pub actes_id: Option<String>,
    pub transmission_id: Option<String>,
    /// *Date de réception en préfecture* (ARActe).
    pub received_on: Option<Date>,
    /// When the act was published (*publication*, ordonnance 2021-1310): set once, never changed.
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub annexes: Vec<Annex>,
}

impl Act {
    /// *Exécutoire*: acknowledged by the prefecture and published.
    pub fn is_executory(&self) -> bool {
        self.state == ActState::Acknowledged && self.published_at.is_some()
    }

    /// The number shown to people: the register's when there is one.
    pub fn display_number(&self) -> &str {
        self.register_number.as_deref().unwrap_or(&self.internal_number)
    }

    /// The PDF to transmit and publish: the signed one once signed.
    pub fn current_sha256(&self) -> &str {
        self.signed_sha256.as_deref().unwrap_or(&self.document_sha256)
    }
}

/// An annex of an act (*annexe*), with its @ctes piece type (e.g. `99_AI`).
#[derive(Debug, Clone, Serialize)]
pub struct Annex {
    pub id: i64,
    pub position: i64,
    pub piece_type: String,
    pub filename: String,
    pub sha256: String,
    pub size: i64,
}

/// One line of an act's history.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: i64,
    pub kind: String,
    pub actor: String,
    pub detail: String,
}

/// A message exchanged with the prefecture, kept as sent or received.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub id: i64,
    pub direction: Direction,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub summary: String,
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Sent,
    Received,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Received => "received",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Sent => "Envoyé",
            Self::Received => "Reçu",
        }
    }
}

/// What a step of a signature circuit asks (*visa*, *signature*, *cachet*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Visa,
    Signature,
    Seal,
}

impl StepKind {
    pub const ALL: [StepKind; 3] = [Self::Visa, Self::Signature, Self::Seal];

    pub fn code(self) -> &'static str {
        match self {
            Self::Visa => "visa",
            Self::Signature => "signature",
            Self::Seal => "seal",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Visa => "Visa",
            Self::Signature => "Signature",
            Self::Seal => "Cachet de l'organisation",
        }
    }

    /// Whether the step puts a PAdES signature on the document.
    pub fn signs(self) -> bool {
        matches!(self, Self::Signature | Self::Seal)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Waiting,
    Current,
    Done,
    Rejected,
}

impl StepState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Current => "current",
            Self::Done => "done",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Waiting, Self::Current, Self::Done, Self::Rejected].into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Waiting => "À venir",
            Self::Current => "En attente",
            Self::Done => "Fait",
            Self::Rejected => "Refusé",
        }
    }
}

/// Who a step is for: everyone holding a role in the organisation, or one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignee {
    Role(kernel::Role),
    Person { user_id: i64, name: String },
}

impl Assignee {
    pub fn label(&self) -> String {
        match self {
            Self::Role(role) => format!("rôle « {} »", role.label()),
            Self::Person { name, .. } => name.clone(),
        }
    }
}

/// A step of an act's circuit.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: i64,
    pub position: i64,
    pub kind: StepKind,
    pub assignee: Assignee,
    pub state: StepState,
    pub done_by: Option<String>,
    /// The absent person the step was done for, by delegation.
    pub on_behalf_of: Option<String>,
    pub done_at: Option<i64>,
    pub comment: Option<String>,
}

/// A step of a circuit model.
#[derive(Debug, Clone, Serialize)]
pub struct CircuitStep {
    pub kind: StepKind,
    pub assignee: Assignee,
}

/// The circuit an organisation applies to the acts of a nature.
#[derive(Debug, Clone, Serialize)]
pub struct Circuit {
    pub id: i64,
    pub nature: Nature,
    pub name: String,
    pub steps: Vec<CircuitStep>,
}

/// A delegation: `to` acts for `from` between two dates (absence).
#[derive(Debug, Clone, Serialize)]
pub struct Delegation {
    pub id: i64,
    pub from_user_id: i64,
    pub from_name: String,
    pub to_user_id: i64,
    pub to_name: String,
    pub starts_on: Date,
    pub ends_on: Date,
}
