//! Reading the slice's records: a sitting with its attendance and agenda, and the figures the register
//! prints (members in office derived from the mandates, present, represented, voters, quorum).

use crate::model::{Attendance, Body, Item, Member, Mode, Presence, RegisterEntry, Sitting, SittingKind, Vote, VoteNames};
use crate::rules::convocation::BodyKind;
use crate::rules::quorum::{QuorumCheck, quorum};
use crate::rules::rule_sets::{RuleSet, rule_set_on};
use crate::rules::votes::{Ballot, Tally};
use crate::{AssemblyError, store as sql};
use store::{Db, OrgScope};
use time::Date;
use time::macros::format_description;

pub fn parse_date(text: &str) -> Result<Date, AssemblyError> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| AssemblyError::Invalid(format!("« {text} » n'est pas une date AAAA-MM-JJ")))
}

fn corrupt(what: &str, value: &str) -> AssemblyError {
    AssemblyError::Invalid(format!("{what} inconnu « {value} » en base"))
}

pub async fn bodies(db: &Db, scope: OrgScope) -> Result<Vec<Body>, AssemblyError> {
    sql::bodies(db, scope)
        .await?
        .into_iter()
        .map(|b| {
            let kind = BodyKind::parse(&b.kind).map_err(|_| corrupt("type d'assemblée", &b.kind))?;
            Ok(Body { id: b.id, kind, name: b.name, numbering: b.numbering })
        })
        .collect()
}

pub async fn members(db: &Db, scope: OrgScope) -> Result<Vec<Member>, AssemblyError> {
    sql::members(db, scope)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Member {
                id: m.id,
                body_id: m.body_id,
                name: m.name,
                political_group: m.political_group,
                substitute: m.substitute,
                email: m.email,
                postal_address: m.postal_address,
                mandate_start: parse_date(&m.mandate_start)?,
                mandate_end: m.mandate_end.as_deref().map(parse_date).transpose()?,
            })
        })
        .collect()
}

/// The organisation's sittings, latest first.
pub async fn sittings(db: &Db, scope: OrgScope) -> Result<Vec<Sitting>, AssemblyError> {
    let bodies = bodies(db, scope).await?;
    sql::sittings(db, scope)
        .await?
        .into_iter()
        .map(|s| {
            let body = bodies.iter().find(|b| b.id == s.body_id).cloned().ok_or_else(|| corrupt("organe", &s.body_id.to_string()))?;
            Ok(Sitting {
                id: s.id,
                body,
                date: parse_date(&s.sitting_date)?,
                time: s.sitting_time,
                kind: SittingKind::parse(&s.kind).ok_or_else(|| corrupt("type de séance", &s.kind))?,
                mode: Mode::parse(&s.mode).ok_or_else(|| corrupt("mode de séance", &s.mode))?,
                place: s.place,
                president: s.president,
                secretary: s.secretary,
                urgency_reason: s.urgency_reason,
                convocation_sent_on: s.convocation_sent_on.as_deref().map(parse_date).transpose()?,
                second_convocation_of: s.second_convocation_of,
                holders_known: s.holders_known != 0,
                attendance_recorded: s.attendance_recorded != 0,
            })
        })
        .collect()
}

/// A sitting with everything the register says of it.
#[derive(Debug, Clone)]
pub struct SittingRecord {
    pub sitting: Sitting,
    /// Members of the body in office on the sitting's day ("nombre de membres en exercice"), derived
    /// from the mandates.
    pub members_in_office: Vec<Member>,
    /// Attendance at the opening of the sitting.
    pub attendance: Vec<Attendance>,
    /// Arrivals and departures during the sitting.
    pub movements: Vec<crate::model::Movement>,
    pub items: Vec<Item>,
}

impl SittingRecord {
    fn names(&self, code: &str) -> Vec<&Attendance> {
        self.attendance.iter().filter(|a| a.presence.code() == code).collect()
    }

    /// The attendance when the item of rank `rank` is examined: the opening's, with the arrivals and
    /// departures from that item or before.
    pub fn attendance_at(&self, rank: i64) -> Vec<Attendance> {
        let mut attendance = self.attendance.clone();
        for movement in self.movements.iter().filter(|m| m.from_rank <= rank) {
            if let Some(entry) = attendance.iter_mut().find(|a| a.member_id == movement.member_id) {
                entry.presence = match (movement.arrives, &movement.holder) {
                    (true, _) => Presence::Present,
                    (false, Some(holder)) => Presence::Represented { holder: Some(holder.clone()) },
                    (false, None) => Presence::Absent,
                };
            }
        }
        attendance
    }

    /// The quorum when the item of rank `rank` is examined (it is checked at each deliberation).
    pub fn quorum_at(&self, rank: i64) -> QuorumCheck {
        let attendance = self.attendance_at(rank);
        let count = |code: &str| attendance.iter().filter(|a| a.presence.code() == code).count() as u32;
        quorum(
            self.rule_set(),
            self.members_in_office.len() as u32,
            count("present"),
            count("represented"),
            self.sitting.second_convocation_of.is_some(),
        )
    }

    pub fn present(&self) -> Vec<&Attendance> {
        self.names("present")
    }

    pub fn represented(&self) -> Vec<&Attendance> {
        self.names("represented")
    }

    pub fn excused(&self) -> Vec<&Attendance> {
        self.names("excused")
    }

    pub fn absent(&self) -> Vec<&Attendance> {
        self.names("absent")
    }

    /// Those who vote: present members and represented ones.
    pub fn voters(&self) -> u32 {
        (self.present().len() + self.represented().len()) as u32
    }

    /// The rules in force on the sitting's day.
    pub fn rule_set(&self) -> &'static RuleSet {
        rule_set_on(self.sitting.date)
    }

    pub fn quorum(&self) -> QuorumCheck {
        quorum(
            self.rule_set(),
            self.members_in_office.len() as u32,
            self.present().len() as u32,
            self.represented().len() as u32,
            self.sitting.second_convocation_of.is_some(),
        )
    }

    /// Whether some item remains to be voted.
    pub fn has_unvoted(&self) -> bool {
        self.items.iter().any(|i| i.vote.is_none())
    }

    /// Whether an item was voted: the agenda and the attendance are then settled.
    pub fn voting_started(&self) -> bool {
        self.items.iter().any(|i| i.vote.is_some())
    }

    /// `present`, `represented`, `excused` or `absent` as recorded for a member; `present` until recorded.
    pub fn presence_code(&self, member_id: i64) -> &'static str {
        self.attendance.iter().find(|a| a.member_id == member_id).map_or("present", |a| a.presence.code())
    }

    /// The id of the member holding `member_id`'s proxy, when recorded.
    pub fn holder_id(&self, member_id: i64) -> Option<i64> {
        let Presence::Represented { holder: Some(holder) } = &self.attendance.iter().find(|a| a.member_id == member_id)?.presence else {
            return None;
        };
        self.members_in_office.iter().find(|m| &m.name == holder).map(|m| m.id)
    }

    /// The item numbered `number`.
    pub fn deliberation(&self, number: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.number.as_deref() == Some(number))
    }
}

fn optional_date(text: Option<String>) -> Result<Option<Date>, AssemblyError> {
    text.as_deref().map(parse_date).transpose()
}

fn item(row: sql::ItemRow) -> Result<Item, AssemblyError> {
    let vote = match (row.ballot.as_deref(), row.votes_for, row.votes_against, row.votes_abstention, row.votes_not_voting, row.adopted) {
        (Some(ballot), Some(for_), Some(against), Some(abstention), Some(not_voting), Some(adopted)) => {
            let count = |n: i64| u32::try_from(n).map_err(|_| corrupt("décompte", &n.to_string()));
            Some(Vote {
                ballot: Ballot::parse(ballot).map_err(|_| corrupt("mode de scrutin", ballot))?,
                tally: Tally {
                    for_: count(for_)?,
                    against: count(against)?,
                    abstention: count(abstention)?,
                    not_voting: count(not_voting)?,
                },
                adopted: adopted != 0,
                names: row.vote_names.as_deref().and_then(|json| serde_json::from_str::<VoteNames>(json).ok()).unwrap_or_default(),
            })
        }
        _ => None,
    };
    Ok(Item {
        id: row.id,
        sitting_id: row.sitting_id,
        rank: row.rank,
        title: row.title,
        theme: row.theme,
        matiere: row.matiere,
        rapporteur: row.rapporteur,
        rapporteur_title: row.rapporteur_title,
        draft_text: row.draft_text,
        explanatory_note: row.explanatory_note,
        decision: row.decision,
        number: row.number,
        vote,
        register: RegisterEntry {
            signed_at: row.signed_at,
            signed_on: optional_date(row.signed_on)?,
            signatory: row.signatory,
            signatory_title: row.signatory_title,
            published_on: optional_date(row.published_on)?,
            actes_id: row.actes_id,
            prefecture_received_on: optional_date(row.prefecture_received_on)?,
        },
    })
}

/// One sitting of the organisation with its attendance and agenda; `None` when it is not one of its own.
pub async fn sitting(db: &Db, scope: OrgScope, id: i64) -> Result<Option<SittingRecord>, AssemblyError> {
    let Some(sitting) = sittings(db, scope).await?.into_iter().find(|s| s.id == id) else { return Ok(None) };
    let members_in_office: Vec<Member> =
        members(db, scope).await?.into_iter().filter(|m| m.body_id == sitting.body.id && m.in_office_on(sitting.date)).collect();
    let attendance = sql::attendance(db, scope, id)
        .await?
        .into_iter()
        .map(|a| {
            let presence = match a.status.as_str() {
                "present" => Presence::Present,
                "represented" => Presence::Represented { holder: a.holder },
                "excused" => Presence::Excused,
                "absent" => Presence::Absent,
                other => return Err(corrupt("présence", other)),
            };
            Ok(Attendance { member_id: a.member_id, name: a.name, presence })
        })
        .collect::<Result<_, AssemblyError>>()?;
    let items = sql::items(db, scope, id).await?.into_iter().map(item).collect::<Result<_, _>>()?;
    let movements = sql::movements(db, scope, id)
        .await?
        .into_iter()
        .map(|m| crate::model::Movement {
            member_id: m.member_id,
            name: m.name,
            from_rank: m.from_rank,
            arrives: m.movement == "arrives",
            holder: m.holder,
        })
        .collect();
    Ok(Some(SittingRecord { sitting, members_in_office, attendance, movements, items }))
}

/// The sitting of the deliberation numbered `number` (as printed: `M2021-641`, `19.07.01.05`).
pub async fn deliberation(db: &Db, scope: OrgScope, number: &str) -> Result<Option<SittingRecord>, AssemblyError> {
    match sql::sitting_of_number(db, scope, number).await? {
        Some(id) => sitting(db, scope, id).await,
        None => Ok(None),
    }
}
