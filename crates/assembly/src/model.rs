//! The records of the slice: bodies, members in office, sittings, attendance, agenda items and the
//! deliberations they become once voted.

use crate::rules::convocation::BodyKind;
use crate::rules::votes::{Ballot, Tally};
use serde::{Deserialize, Serialize};
use time::Date;

/// A deliberative body of an organisation (*assemblée délibérante*, bureau, commission).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub id: i64,
    pub kind: BodyKind,
    pub name: String,
    /// The numbering pattern of its deliberations ([`crate::numbering`]).
    pub numbering: String,
}

/// A member of a body, in office from `mandate_start` to `mandate_end` (included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub body_id: i64,
    pub name: String,
    pub political_group: Option<String>,
    /// *Suppléant*, where the law provides one (a commune's only community councillor).
    pub substitute: Option<String>,
    pub email: Option<String>,
    pub postal_address: Option<String>,
    pub mandate_start: Date,
    pub mandate_end: Option<Date>,
}

impl Member {
    /// Whether the member is in office (*en exercice*) on `day`.
    pub fn in_office_on(&self, day: Date) -> bool {
        self.mandate_start <= day && self.mandate_end.is_none_or(|end| day <= end)
    }
}

/// *Séance ordinaire, extraordinaire* or convened in urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SittingKind {
    Ordinary,
    Extraordinary,
    Urgent,
}

impl SittingKind {
    pub const ALL: [SittingKind; 3] = [SittingKind::Ordinary, SittingKind::Extraordinary, SittingKind::Urgent];

    pub fn code(self) -> &'static str {
        match self {
            SittingKind::Ordinary => "ordinary",
            SittingKind::Extraordinary => "extraordinary",
            SittingKind::Urgent => "urgent",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// `ordinaire` as in « Séance ordinaire du … ».
    pub fn label(self) -> &'static str {
        match self {
            SittingKind::Ordinary => "ordinaire",
            SittingKind::Extraordinary => "extraordinaire",
            SittingKind::Urgent => "convoquée en urgence",
        }
    }
}

/// Where members sit: in the chamber, by videoconference (allowed by the health-emergency rule sets), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    InPerson,
    Videoconference,
    Mixed,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::InPerson, Mode::Videoconference, Mode::Mixed];

    pub fn code(self) -> &'static str {
        match self {
            Mode::InPerson => "in_person",
            Mode::Videoconference => "videoconference",
            Mode::Mixed => "mixed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::InPerson => "en présentiel",
            Mode::Videoconference => "par visioconférence",
            Mode::Mixed => "en présentiel et par visioconférence",
        }
    }
}

/// A sitting of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitting {
    pub id: i64,
    pub body: Body,
    pub date: Date,
    /// `18:00`, when set.
    pub time: Option<String>,
    pub kind: SittingKind,
    pub mode: Mode,
    pub place: String,
    pub president: String,
    /// *Secrétaire de séance* (CGCT L2121-15).
    pub secretary: Option<String>,
    /// Why the convocation delay was shortened (L2121-11, L2121-12).
    pub urgency_reason: Option<String>,
    pub convocation_sent_on: Option<Date>,
    /// The sitting whose quorum failed, when this one is its second convocation (L2121-17 al. 2).
    pub second_convocation_of: Option<i64>,
    /// False for a past sitting imported from a register that does not say who held each proxy.
    pub holders_known: bool,
    pub attendance_recorded: bool,
}

/// How a member attended a sitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Present,
    /// Absent, voting by proxy (L2121-20); the holder's name when known.
    Represented {
        holder: Option<String>,
    },
    /// *Absent excusé*.
    Excused,
    Absent,
}

impl Presence {
    pub fn code(&self) -> &'static str {
        match self {
            Presence::Present => "present",
            Presence::Represented { .. } => "represented",
            Presence::Excused => "excused",
            Presence::Absent => "absent",
        }
    }
}

/// A member's attendance at a sitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    pub member_id: i64,
    pub name: String,
    pub presence: Presence,
}

/// A member arriving at or leaving the sitting under way, from the item of rank `from_rank` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub member_id: i64,
    pub name: String,
    pub from_rank: i64,
    pub arrives: bool,
    /// The colleague present who holds the proxy of a member leaving, if given.
    pub holder: Option<String>,
}

/// Who voted against, abstained or did not take part, when the vote is public and the register names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteNames {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub against: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abstention: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_voting: Vec<String>,
}

/// The vote on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub ballot: Ballot,
    pub tally: Tally,
    pub adopted: bool,
    pub names: VoteNames,
}

/// What the register says of a deliberation after the vote: who signed the extract, its publication and
/// its transmission to the prefecture (@ctes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterEntry {
    pub signed_at: Option<String>,
    pub signed_on: Option<Date>,
    pub signatory: Option<String>,
    pub signatory_title: Option<String>,
    pub published_on: Option<Date>,
    /// The ACTES identifier, e.g. `034-243400017-20211214-174579-DE`.
    pub actes_id: Option<String>,
    pub prefecture_received_on: Option<Date>,
}

/// A project on a sitting's agenda; a deliberation once numbered and voted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    pub sitting_id: i64,
    pub rank: i64,
    pub title: String,
    pub theme: Option<String>,
    /// The @ctes classification (*matière*), e.g. `9.1`.
    pub matiere: Option<String>,
    pub rapporteur: String,
    pub rapporteur_title: Option<String>,
    pub draft_text: String,
    /// *Note explicative de synthèse* (L2121-12).
    pub explanatory_note: Option<String>,
    pub decision: String,
    pub number: Option<String>,
    pub vote: Option<Vote>,
    pub register: RegisterEntry,
}
