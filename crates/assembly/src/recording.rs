//! Recording a sitting as it happens: who attends and who holds whose proxy (CGCT L2121-20), whether the
//! quorum is met (L2121-17), the vote on each item (L2121-20, L2121-21) which numbers the deliberation,
//! then the signature and publication of its extract.

use crate::model::VoteNames;
use crate::rules::proxies::{Proxy, check_proxies};
use crate::rules::votes::{Ballot, Outcome, Tally, check_tally, outcome_with_casting};
use crate::service::{self, SittingRecord, parse_date};
use crate::{AssemblyError, numbering, store as sql};
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde_json::json;
use std::collections::HashMap;
use store::{Db, OrgScope, audit};

async fn sitting(db: &Db, scope: OrgScope, id: i64) -> Result<SittingRecord, AssemblyError> {
    service::sitting(db, scope, id).await?.ok_or_else(|| AssemblyError::NotFound(format!("aucune séance n° {id}")))
}

/// Records the attendance of a sitting: for each member in office, `present`, `represented` (with the
/// id of the colleague holding the proxy), `excused` or `absent`. Replaces a previous record until the
/// first vote; refused as a whole when a proxy breaks the rules of the sitting's day.
pub async fn record_attendance(
    db: &Db,
    actor: Actor<'_>,
    scope: OrgScope,
    sitting_id: i64,
    statuses: &HashMap<i64, (String, Option<i64>)>,
) -> Result<(), AssemblyError> {
    let record = sitting(db, scope, sitting_id).await?;
    if record.voting_started() {
        return Err(AssemblyError::Conflict("la séance a commencé à voter : les présences sont arrêtées".into()));
    }
    let name_of = |id: i64| record.members_in_office.iter().find(|m| m.id == id).map(|m| m.name.clone());
    let mut present = Vec::new();
    let mut proxies = Vec::new();
    for member in &record.members_in_office {
        let Some((status, holder)) = statuses.get(&member.id) else {
            return Err(AssemblyError::Invalid(format!("indiquez la présence de {}", member.name)));
        };
        match status.as_str() {
            "present" => present.push(member.name.clone()),
            "represented" => {
                let holder =
                    holder.map(|h| name_of(h).ok_or_else(|| AssemblyError::Invalid(format!("mandataire inconnu pour {}", member.name))));
                proxies.push(Proxy { giver: member.name.clone(), holder: holder.transpose()? });
            }
            "excused" | "absent" => {}
            other => return Err(AssemblyError::Invalid(format!("présence inconnue « {other} » pour {}", member.name))),
        }
    }
    if let Some(stranger) = statuses.keys().find(|id| name_of(**id).is_none()) {
        return Err(AssemblyError::Invalid(format!("le membre n° {stranger} n'est pas en exercice le jour de la séance")));
    }
    check_proxies(record.rule_set(), &proxies, &present, true)?;
    let mut tx = db.begin().await?;
    sql::clear_attendance(&mut tx, scope, sitting_id).await?;
    for member in &record.members_in_office {
        let (status, holder) = &statuses[&member.id];
        let holder = if status == "represented" { *holder } else { None };
        sql::insert_attendance(&mut tx, scope, sitting_id, member.id, status, holder).await?;
    }
    sql::mark_attendance_recorded(&mut tx, scope, sitting_id).await?;
    let target = format!("seance:{sitting_id}");
    let entry = actor.entry(
        Some(scope.organisation_id()),
        AuditAction::AttendanceRecorded,
        &target,
        json!({ "present": present.len(), "represented": proxies.len() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// A vote as typed: the ballot, the tally, and on a tie of a public vote the president's side.
#[derive(Debug, Clone)]
pub struct VoteInput {
    pub ballot: Ballot,
    pub tally: Tally,
    /// `Some(true)` when the president voted for (casting vote on a tie, L2121-20).
    pub president_for: Option<bool>,
    pub names: VoteNames,
}

/// Records the vote of an item: the attendance must be recorded, the quorum met (L2121-17), the tally
/// consistent with the voters, the named members present or represented. The item becomes the
/// deliberation numbered by its body's pattern; returns that number.
pub async fn record_vote(
    db: &Db,
    actor: Actor<'_>,
    scope: OrgScope,
    sitting_id: i64,
    rank: i64,
    vote: &VoteInput,
) -> Result<String, AssemblyError> {
    let record = sitting(db, scope, sitting_id).await?;
    let item =
        record.items.iter().find(|i| i.rank == rank).ok_or_else(|| AssemblyError::NotFound(format!("aucun projet de rang {rank}")))?;
    if let Some(number) = &item.number {
        return Err(AssemblyError::Conflict(format!("ce projet est déjà voté : délibération n° {number}")));
    }
    if !record.sitting.attendance_recorded {
        return Err(AssemblyError::Invalid("enregistrez d'abord les présences et les pouvoirs de la séance".into()));
    }
    let quorum = record.quorum_at(rank);
    if !quorum.met {
        return Err(AssemblyError::Rule(crate::rules::RuleError::new(
            quorum.rule,
            format!(
                "quorum non atteint ({} requis, {} comptés) : le conseil ne peut délibérer ; une nouvelle convocation à trois jours au moins d'intervalle permet de délibérer sans condition de quorum",
                quorum.required, quorum.counted
            ),
        )));
    }
    // Who votes on this item: those present or represented when it is examined.
    let attendance = record.attendance_at(rank);
    let voters: Vec<&str> =
        attendance.iter().filter(|a| matches!(a.presence.code(), "present" | "represented")).map(|a| a.name.as_str()).collect();
    let present = attendance.iter().filter(|a| a.presence.code() == "present").count() as u32;
    check_tally(&vote.tally, present, voters.len() as u32 - present)?;
    for (names, count, what) in [
        (&vote.names.against, vote.tally.against, "contre"),
        (&vote.names.abstention, vote.tally.abstention, "abstention"),
        (&vote.names.not_voting, vote.tally.not_voting, "ne prend pas part au vote"),
    ] {
        if let Some(stranger) = names.iter().find(|n| !voters.contains(&n.as_str())) {
            return Err(AssemblyError::Invalid(format!(
                "{stranger} n'est ni présent(e) ni représenté(e) : son vote ne peut être enregistré"
            )));
        }
        if !names.is_empty() && names.len() as u32 != count {
            return Err(AssemblyError::Invalid(format!("« {what} » : {count} voix mais {} noms", names.len())));
        }
    }
    let adopted = outcome_with_casting(&vote.tally, vote.ballot, vote.president_for) == Outcome::Adopted;
    let date = record.sitting.date;
    let mut tx = db.begin().await?;
    let seq = sql::last_seq(&mut tx, scope, record.sitting.body.id, i64::from(date.year())).await? + 1;
    let number = numbering::format(&record.sitting.body.numbering, date, rank, seq);
    let names = (vote.names != VoteNames::default()).then(|| serde_json::to_string(&vote.names).expect("names serialise"));
    let written = sql::VoteRecord {
        item_id: item.id,
        number: &number,
        seq: Some(seq),
        ballot: vote.ballot.code(),
        tally: [vote.tally.for_, vote.tally.against, vote.tally.abstention, vote.tally.not_voting].map(i64::from),
        adopted,
        vote_names: names.as_deref(),
    };
    match sql::record_vote(&mut tx, scope, &written).await {
        Ok(true) => {}
        Ok(false) => return Err(AssemblyError::Conflict("ce projet vient d'être voté".into())),
        Err(e) if e.is_unique_violation() => return Err(AssemblyError::Conflict(format!("une délibération n° {number} existe déjà"))),
        Err(e) => return Err(e.into()),
    }
    let target = format!("deliberation:{number}");
    let entry = actor.entry(
        Some(scope.organisation_id()),
        AuditAction::VoteRecorded,
        &target,
        json!({ "for": vote.tally.for_, "against": vote.tally.against, "abstention": vote.tally.abstention, "not_voting": vote.tally.not_voting, "adopted": adopted }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(number)
}

/// Records who signs the extract of a deliberation, where and when, and its publication date.
pub async fn sign_extract(
    db: &Db,
    actor: Actor<'_>,
    scope: OrgScope,
    number: &str,
    (place, signed_on, signatory, title, published_on): (&str, &str, &str, &str, &str),
) -> Result<(), AssemblyError> {
    let record = service::deliberation(db, scope, number)
        .await?
        .ok_or_else(|| AssemblyError::NotFound(format!("aucune délibération n° {number}")))?;
    let item = record.deliberation(number).ok_or_else(|| AssemblyError::NotFound(number.to_string()))?;
    let signed = parse_date(signed_on)?;
    if signed < record.sitting.date {
        return Err(AssemblyError::Invalid("l'extrait ne peut être signé avant la séance".into()));
    }
    let published = Some(published_on.trim()).filter(|p| !p.is_empty()).map(parse_date).transpose()?;
    if published.is_some_and(|p| p < record.sitting.date) {
        return Err(AssemblyError::Invalid("la délibération ne peut être publiée avant la séance".into()));
    }
    let text = |value: &str, what: &str| {
        Some(value.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(|| AssemblyError::Invalid(format!("{what} est obligatoire")))
    };
    let (place, signatory, title) = (text(place, "le lieu de signature")?, text(signatory, "le signataire")?, text(title, "sa qualité")?);
    let mut tx = db.begin().await?;
    let written = sql::RegisterRecord {
        item_id: item.id,
        signed_at: Some(&place),
        signed_on: Some(signed.to_string()),
        signatory: Some(&signatory),
        signatory_title: Some(&title),
        published_on: published.map(|p| p.to_string()),
        actes_id: item.register.actes_id.as_deref(),
        prefecture_received_on: item.register.prefecture_received_on.map(|d| d.to_string()),
    };
    sql::record_register(&mut tx, scope, written).await?;
    let target = format!("deliberation:{number}:extrait");
    let entry = actor.entry(Some(scope.organisation_id()), AuditAction::VoteRecorded, &target, json!({ "signatory": signatory }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// A member's arrival or departure as typed.
#[derive(Debug, Clone, Copy)]
pub struct MovementInput {
    pub member_id: i64,
    pub from_rank: i64,
    pub arrives: bool,
    pub holder_id: Option<i64>,
}

/// Records a member arriving (`arrives`) or leaving the sitting from the item of rank `from_rank` on;
/// a member leaving may give a written proxy to a colleague present (L2121-20). Only items not voted yet
/// are affected; the proxies that result are checked against the rules of the sitting's day.
pub async fn record_movement(
    db: &Db,
    actor: Actor<'_>,
    scope: OrgScope,
    sitting_id: i64,
    movement: MovementInput,
) -> Result<(), AssemblyError> {
    use crate::model::Presence;
    let MovementInput { member_id, from_rank, arrives, holder_id } = movement;
    let record = sitting(db, scope, sitting_id).await?;
    if !record.sitting.attendance_recorded {
        return Err(AssemblyError::Invalid("enregistrez d'abord les présences à l'ouverture de la séance".into()));
    }
    let item = record
        .items
        .iter()
        .find(|i| i.rank == from_rank)
        .ok_or_else(|| AssemblyError::Invalid(format!("aucun projet de rang {from_rank}")))?;
    if record.items.iter().any(|i| i.rank >= from_rank && i.vote.is_some()) {
        return Err(AssemblyError::Conflict(format!(
            "le projet {} « {} » est déjà voté : le mouvement ne peut le précéder",
            item.rank, item.title
        )));
    }
    let member =
        record.members_in_office.iter().find(|m| m.id == member_id).ok_or_else(|| AssemblyError::Invalid("membre inconnu".into()))?;
    let before = record.attendance_at(from_rank);
    let now = |id: i64| before.iter().find(|a| a.member_id == id).map(|a| a.presence.clone());
    let is_present = now(member_id) == Some(Presence::Present);
    if arrives == is_present {
        return Err(AssemblyError::Invalid(format!(
            "{} est déjà {} à ce moment de la séance",
            member.name,
            if arrives { "présent(e)" } else { "absent(e)" }
        )));
    }
    let holds: Vec<&str> = before
        .iter()
        .filter(|a| matches!(&a.presence, Presence::Represented { holder: Some(h) } if *h == member.name))
        .map(|a| a.name.as_str())
        .collect();
    if !arrives && !holds.is_empty() {
        return Err(AssemblyError::Rule(crate::rules::RuleError::new(
            "CGCT L2121-20 al. 1",
            format!("{} porte le pouvoir de {} : enregistrez d'abord le départ ou l'arrivée de ce membre", member.name, holds.join(", ")),
        )));
    }
    let holder = match (arrives, holder_id) {
        (false, Some(id)) => {
            Some(record.members_in_office.iter().find(|m| m.id == id).ok_or_else(|| AssemblyError::Invalid("mandataire inconnu".into()))?)
        }
        _ => None,
    };
    // The proxies as they would stand after the movement.
    let after: Vec<(String, Presence)> = before
        .iter()
        .map(|a| {
            let presence = if a.member_id == member_id {
                match (arrives, holder) {
                    (true, _) => Presence::Present,
                    (false, Some(h)) => Presence::Represented { holder: Some(h.name.clone()) },
                    (false, None) => Presence::Absent,
                }
            } else {
                a.presence.clone()
            };
            (a.name.clone(), presence)
        })
        .collect();
    let present: Vec<String> = after.iter().filter(|(_, p)| *p == Presence::Present).map(|(n, _)| n.clone()).collect();
    let proxies: Vec<Proxy> = after
        .iter()
        .filter_map(|(name, p)| match p {
            Presence::Represented { holder } => Some(Proxy { giver: name.clone(), holder: holder.clone() }),
            _ => None,
        })
        .collect();
    check_proxies(record.rule_set(), &proxies, &present, record.sitting.holders_known)?;
    let mut tx = db.begin().await?;
    sql::insert_movement(
        &mut tx,
        scope,
        sitting_id,
        member_id,
        from_rank,
        if arrives { "arrives" } else { "leaves" },
        holder.map(|h| h.id),
    )
    .await?;
    let target = format!("seance:{sitting_id}");
    let entry = actor.entry(
        Some(scope.organisation_id()),
        AuditAction::AttendanceRecorded,
        &target,
        json!({ "member": member.name, "arrives": arrives, "from_rank": from_rank }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// What the legality control and the publication add to the register entry of a deliberation: its
/// ACTES identifier, its reception in prefecture and its publication date (written by the acts slice).
pub async fn record_legality(
    tx: &mut store::Tx,
    scope: OrgScope,
    number: &str,
    actes_id: Option<&str>,
    received_on: Option<time::Date>,
    published_on: Option<time::Date>,
) -> Result<(), AssemblyError> {
    let Some(item) = sql::item_by_number(tx, scope, number).await? else {
        return Err(AssemblyError::NotFound(format!("aucune délibération n° {number}")));
    };
    let written = sql::RegisterRecord {
        item_id: item.id,
        signed_at: item.signed_at.as_deref(),
        signed_on: item.signed_on.clone(),
        signatory: item.signatory.as_deref(),
        signatory_title: item.signatory_title.as_deref(),
        published_on: published_on.map(|d| d.to_string()).or(item.published_on.clone()),
        actes_id: actes_id.or(item.actes_id.as_deref()),
        prefecture_received_on: received_on.map(|d| d.to_string()).or(item.prefecture_received_on.clone()),
    };
    sql::record_register(tx, scope, written).await?;
    Ok(())
}
