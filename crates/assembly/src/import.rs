//! A past sitting imported from its register extracts (`data/sittings/*.toml`): the body and members
//! it names, the attendance, and each deliberation with its vote and register data. The register lists
//! every member in office (present, represented, excused, absent), so importing sittings in date order
//! also gives the mandates: a member the register no longer lists has left office the day before.
//!
//! The sitting is checked against the rules in force on its day (proxies, quorum, tallies) before anything
//! is written; a register that does not say who held each proxy is accepted, its holders shown as unknown.

use crate::model::VoteNames;
use crate::rules::convocation::BodyKind;
use crate::rules::votes::{Ballot, Tally, check_tally, outcome};
use crate::rules::{proxies, quorum::quorum, rule_sets::rule_set_on};
use crate::service::{self, parse_date};
use crate::{AssemblyError, numbering, store as sql};
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde::Deserialize;
use serde_json::json;
use store::{Db, OrgScope, audit};

#[derive(Debug, Deserialize)]
pub struct PastSitting {
    pub organisation: String,
    pub body: String,
    pub body_kind: String,
    pub date: String,
    pub kind: String,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    pub president: String,
    #[serde(default)]
    pub secretary: Option<String>,
    #[serde(default)]
    pub convocation_sent_on: Option<String>,
    /// As printed, checked against the members the register lists.
    #[serde(default)]
    pub members_in_office: Option<u32>,
    /// As printed ("Votants"), checked against present + represented.
    #[serde(default)]
    pub voters: Option<u32>,
    /// As printed ("Présents : 18"), checked against the list.
    #[serde(default)]
    pub present_count: Option<u32>,
    pub present: Vec<String>,
    #[serde(default)]
    pub represented: Vec<Represented>,
    #[serde(default)]
    pub excused: Vec<String>,
    #[serde(default)]
    pub absent: Vec<String>,
    pub items: Vec<PastItem>,
}

#[derive(Debug, Deserialize)]
pub struct Represented {
    pub member: String,
    #[serde(default)]
    pub holder: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Votes {
    #[serde(rename = "for")]
    pub for_: u32,
    pub against: u32,
    pub abstention: u32,
    pub not_voting: u32,
}

#[derive(Debug, Deserialize)]
pub struct PastItem {
    pub number: String,
    #[serde(default)]
    pub rank: Option<i64>,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub matiere: Option<String>,
    pub title: String,
    pub rapporteur: String,
    #[serde(default)]
    pub rapporteur_title: Option<String>,
    pub text: String,
    pub decision: String,
    /// `show_of_hands` when the register does not say: the ordinary way of voting (CGCT L2121-21).
    #[serde(default = "show_of_hands")]
    pub ballot: String,
    pub votes: Votes,
    #[serde(default)]
    pub against_names: Vec<String>,
    #[serde(default)]
    pub abstention_names: Vec<String>,
    #[serde(default)]
    pub not_voting_names: Vec<String>,
    #[serde(default)]
    pub signed_at: Option<String>,
    #[serde(default)]
    pub signed_on: Option<String>,
    #[serde(default)]
    pub signatory: Option<String>,
    #[serde(default)]
    pub signatory_title: Option<String>,
    #[serde(default)]
    pub published_on: Option<String>,
    #[serde(default)]
    pub actes_id: Option<String>,
    #[serde(default)]
    pub prefecture_received_on: Option<String>,
}

fn show_of_hands() -> String {
    "show_of_hands".into()
}

fn invalid(message: impl Into<String>) -> AssemblyError {
    AssemblyError::Invalid(message.into())
}

fn check_date(text: &Option<String>) -> Result<Option<String>, AssemblyError> {
    text.as_deref().map(|t| parse_date(t).map(|d| d.to_string())).transpose()
}

/// Imports a past sitting described in TOML; returns its id. One transaction: on any refusal nothing is written.
pub async fn past_sitting(db: &Db, actor: Actor<'_>, toml_text: &str) -> Result<i64, AssemblyError> {
    let past: PastSitting = toml::from_str(toml_text).map_err(|e| invalid(format!("séance illisible : {e}")))?;
    let organisation = identity::service::organisation_by_slug(db, &past.organisation)
        .await
        .map_err(|e| invalid(e.to_string()))?
        .ok_or_else(|| AssemblyError::NotFound(format!("aucune organisation « {} »", past.organisation)))?;
    let scope = OrgScope::granted(organisation.id);
    let date = parse_date(&past.date)?;
    let kind = BodyKind::parse(&past.body_kind).map_err(invalid)?;
    let sitting_kind =
        crate::model::SittingKind::parse(&past.kind).ok_or_else(|| invalid(format!("type de séance inconnu « {} »", past.kind)))?;
    let mode = crate::model::Mode::parse(past.mode.as_deref().unwrap_or("in_person"))
        .ok_or_else(|| invalid(format!("mode de séance inconnu « {} »", past.mode.as_deref().unwrap_or_default())))?;

    // Everyone the register lists, once.
    let listed: Vec<&str> = past
        .present
        .iter()
        .map(String::as_str)
        .chain(past.represented.iter().map(|r| r.member.as_str()))
        .chain(past.excused.iter().map(String::as_str))
        .chain(past.absent.iter().map(String::as_str))
        .collect();
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = listed.iter().find(|n| !seen.insert(**n)) {
        return Err(invalid(format!("{twice} figure deux fois dans les listes de présence")));
    }
    if let Some(printed) = past.members_in_office
        && printed as usize != listed.len()
    {
        return Err(invalid(format!("{printed} membres en exercice imprimés, mais {} membres listés", listed.len())));
    }
    let rules = rule_set_on(date);
    let proxies: Vec<proxies::Proxy> =
        past.represented.iter().map(|r| proxies::Proxy { giver: r.member.clone(), holder: r.holder.clone() }).collect();
    proxies::check_proxies(rules, &proxies, &past.present, false)?;
    let (present, represented) = (past.present.len() as u32, past.represented.len() as u32);
    if let Some(printed) = past.present_count
        && printed != present
    {
        return Err(invalid(format!("{printed} présents imprimés, mais {present} présents listés")));
    }
    if let Some(printed) = past.voters
        && printed != present + represented
    {
        return Err(invalid(format!("{printed} votants imprimés, mais {present} présents et {represented} représentés")));
    }
    let check = quorum(rules, listed.len() as u32, present, represented, false);
    if !check.met {
        return Err(invalid(format!(
            "quorum non atteint le {} ({}) : {} requis, {} comptés",
            kernel::calendar::format_fr(date),
            check.rule,
            check.required,
            check.counted
        )));
    }
    let mut votes = Vec::new();
    for item in &past.items {
        let tally = Tally {
            for_: item.votes.for_,
            against: item.votes.against,
            abstention: item.votes.abstention,
            not_voting: item.votes.not_voting,
        };
        check_tally(&tally, present, represented).map_err(|e| invalid(format!("délibération {} : {e}", item.number)))?;
        let ballot = Ballot::parse(&item.ballot).map_err(invalid)?;
        votes.push((ballot, tally));
    }

    for item in &past.items {
        if sql::sitting_of_number(db, scope, &item.number).await?.is_some() {
            return Err(AssemblyError::Conflict(format!("la délibération {} est déjà au registre", item.number)));
        }
    }

    let mut tx = db.begin().await?;
    let body_id = match service::bodies(db, scope).await?.into_iter().find(|b| b.name == past.body) {
        Some(body) => body.id,
        None => sql::insert_body(&mut tx, scope, kind.code(), &past.body, numbering::default_pattern(kind)).await?,
    };
    let pattern = service::bodies(db, scope)
        .await?
        .into_iter()
        .find(|b| b.id == body_id)
        .map_or_else(|| numbering::default_pattern(kind).to_string(), |b| b.numbering);
    // Mandates: members already known keep theirs; those in office but no longer listed left the day before.
    let known: Vec<crate::model::Member> = service::members(db, scope).await?.into_iter().filter(|m| m.body_id == body_id).collect();
    let mut ids = std::collections::HashMap::new();
    for name in &listed {
        let id = match known.iter().find(|m| m.name == *name) {
            Some(member) if member.in_office_on(date) => member.id,
            Some(member) => return Err(invalid(format!("{} n'est pas en exercice le {}", member.name, kernel::calendar::format_fr(date)))),
            None => {
                let record = sql::MemberRecord {
                    body_id,
                    name,
                    political_group: None,
                    substitute: None,
                    postal_address: None,
                    email: None,
                    mandate_start: &date.to_string(),
                    mandate_end: None,
                };
                sql::insert_member(&mut tx, scope, &record).await?
            }
        };
        ids.insert(*name, id);
    }
    for gone in known.iter().filter(|m| m.in_office_on(date) && !listed.contains(&m.name.as_str())) {
        let day_before = date.previous_day().unwrap_or(date);
        if gone.mandate_start > day_before {
            return Err(invalid(format!(
                "{} est en exercice le {} mais le registre ne le cite pas",
                gone.name,
                kernel::calendar::format_fr(date)
            )));
        }
        sql::end_mandate(&mut tx, scope, gone.id, &day_before.to_string()).await?;
    }

    let convocation_sent_on = check_date(&past.convocation_sent_on)?;
    let record = sql::SittingRecord {
        body_id,
        date: &date.to_string(),
        time: None,
        kind: sitting_kind.code(),
        mode: mode.code(),
        place: past.place.as_deref().unwrap_or("Lieu ordinaire des séances"),
        president: &past.president,
        secretary: past.secretary.as_deref(),
        urgency_reason: None,
        convocation_sent_on: convocation_sent_on.as_deref(),
        holders_known: past.represented.iter().all(|r| r.holder.is_some()),
        second_convocation_of: None,
    };
    let sitting_id = sql::insert_sitting(&mut tx, scope, &record).await?;
    let statuses = past
        .present
        .iter()
        .map(|n| (n.as_str(), "present", None))
        .chain(past.represented.iter().map(|r| (r.member.as_str(), "represented", r.holder.as_deref())))
        .chain(past.excused.iter().map(|n| (n.as_str(), "excused", None)))
        .chain(past.absent.iter().map(|n| (n.as_str(), "absent", None)));
    for (name, status, holder) in statuses {
        let holder_id =
            holder.map(|h| ids.get(h).copied().ok_or_else(|| invalid(format!("{h}, mandataire, n'est pas présent")))).transpose()?;
        sql::insert_attendance(&mut tx, scope, sitting_id, ids[name], status, holder_id).await?;
    }
    sql::mark_attendance_recorded(&mut tx, scope, sitting_id).await?;

    for (index, (item, (ballot, tally))) in past.items.iter().zip(votes).enumerate() {
        let rank = item.rank.unwrap_or(index as i64 + 1);
        let record = sql::ItemRecord {
            sitting_id,
            rank,
            title: &item.title,
            theme: item.theme.as_deref(),
            matiere: item.matiere.as_deref(),
            rapporteur: &item.rapporteur,
            rapporteur_title: item.rapporteur_title.as_deref(),
            draft_text: &item.text,
            explanatory_note: None,
            decision: &item.decision,
        };
        let item_id = sql::insert_item(&mut tx, scope, &record).await?;
        let names = VoteNames {
            against: item.against_names.clone(),
            abstention: item.abstention_names.clone(),
            not_voting: item.not_voting_names.clone(),
        };
        let names_json = (names != VoteNames::default()).then(|| serde_json::to_string(&names).expect("names serialise"));
        let vote = sql::VoteRecord {
            item_id,
            number: &item.number,
            seq: numbering::seq_of(&pattern, date, rank, &item.number),
            ballot: ballot.code(),
            tally: [tally.for_, tally.against, tally.abstention, tally.not_voting].map(i64::from),
            adopted: outcome(&tally, ballot) == crate::rules::votes::Outcome::Adopted,
            vote_names: names_json.as_deref(),
        };
        if !sql::record_vote(&mut tx, scope, &vote).await? {
            return Err(AssemblyError::Conflict(format!("délibération {} déjà enregistrée", item.number)));
        }
        let register = sql::RegisterRecord {
            item_id,
            signed_at: item.signed_at.as_deref(),
            signed_on: check_date(&item.signed_on)?,
            signatory: item.signatory.as_deref(),
            signatory_title: item.signatory_title.as_deref(),
            published_on: check_date(&item.published_on)?,
            actes_id: item.actes_id.as_deref(),
            prefecture_received_on: check_date(&item.prefecture_received_on)?,
        };
        sql::record_register(&mut tx, scope, register).await?;
    }
    let target = format!("seance:{sitting_id}");
    let numbers: Vec<&str> = past.items.iter().map(|i| i.number.as_str()).collect();
    let entry =
        actor.entry(Some(organisation.id), AuditAction::SittingImported, &target, json!({ "date": past.date, "deliberations": numbers }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(sitting_id)
}
