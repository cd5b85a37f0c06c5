//! Preparing sittings: the organisation's deliberative bodies and their members in office, a sitting
//! with its date, mode, place, president and secretary (CGCT L2121-15), and its agenda.

use crate::model::{Mode, SittingKind};
use crate::rules::convocation::BodyKind;
use crate::rules::rule_sets::rule_set_on;
use crate::service::{self, parse_date};
use crate::{AssemblyError, numbering, store as sql};
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde::Deserialize;
use serde_json::json;
use store::{Db, OrgScope, audit};

fn invalid(message: impl Into<String>) -> AssemblyError {
    AssemblyError::Invalid(message.into())
}

/// A text field that must be filled, at most `max` characters.
fn required(value: &str, what: &str, max: usize) -> Result<String, AssemblyError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(invalid(format!("{what} est obligatoire ({max} caractères au plus)")));
    }
    Ok(value.to_string())
}

/// An optional text field: `None` when blank.
fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// A body as typed in its form.
#[derive(Debug, Default, Deserialize)]
pub struct BodyInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    /// Empty: the default pattern of the kind.
    #[serde(default)]
    pub numbering: String,
}

pub async fn create_body(db: &Db, actor: Actor<'_>, scope: OrgScope, input: &BodyInput) -> Result<i64, AssemblyError> {
    let kind = BodyKind::parse(&input.kind).map_err(invalid)?;
    let name = required(&input.name, "le nom de l'assemblée", 120)?;
    let numbering = optional(&input.numbering).unwrap_or_else(|| numbering::default_pattern(kind).to_string());
    numbering::check(&numbering).map_err(invalid)?;
    if service::bodies(db, scope).await?.iter().any(|b| b.name == name) {
        return Err(AssemblyError::Conflict(format!("l'assemblée « {name} » existe déjà")));
    }
    let mut tx = db.begin().await?;
    let id = sql::insert_body(&mut tx, scope, kind.code(), &name, &numbering).await?;
    let target = format!("assemblee:{id}");
    let entry = actor.entry(Some(scope.organisation_id()), AuditAction::AssemblyPrepared, &target, json!({ "name": name }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// A member in office as typed in the form.
#[derive(Debug, Default, Deserialize)]
pub struct MemberInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub political_group: String,
    #[serde(default)]
    pub email: String,
    /// *Suppléant*, where the law provides one.
    #[serde(default)]
    pub substitute: String,
    /// Postal address, for a convocation on paper.
    #[serde(default)]
    pub postal_address: String,
    #[serde(default)]
    pub mandate_start: String,
    #[serde(default)]
    pub mandate_end: String,
}

pub async fn add_member(db: &Db, actor: Actor<'_>, scope: OrgScope, body_id: i64, input: &MemberInput) -> Result<i64, AssemblyError> {
    if !service::bodies(db, scope).await?.iter().any(|b| b.id == body_id) {
        return Err(AssemblyError::NotFound(format!("aucune assemblée n° {body_id}")));
    }
    let name = required(&input.name, "le nom du membre", 120)?;
    let start = parse_date(&input.mandate_start)?;
    let end = optional(&input.mandate_end).map(|d| parse_date(&d)).transpose()?;
    if end.is_some_and(|end| end < start) {
        return Err(invalid("le mandat ne peut finir avant d'avoir commencé"));
    }
    let email = optional(&input.email);
    if email.as_deref().is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace)) {
        return Err(invalid(format!("adresse électronique invalide « {} »", input.email.trim())));
    }
    let clash = service::members(db, scope).await?.into_iter().find(|m| {
        m.body_id == body_id && m.name == name && end.is_none_or(|end| m.mandate_start <= end) && m.mandate_end.is_none_or(|e| start <= e)
    });
    if let Some(member) = clash {
        return Err(AssemblyError::Conflict(format!("{} est déjà en exercice sur cette période", member.name)));
    }
    let (group, end) = (optional(&input.political_group), end.map(|e| e.to_string()));
    let (substitute, postal_address) = (optional(&input.substitute), optional(&input.postal_address));
    let mut tx = db.begin().await?;
    let record = sql::MemberRecord {
        body_id,
        name: &name,
        political_group: group.as_deref(),
        substitute: substitute.as_deref(),
        postal_address: postal_address.as_deref(),
        email: email.as_deref(),
        mandate_start: &start.to_string(),
        mandate_end: end.as_deref(),
    };
    let id = sql::insert_member(&mut tx, scope, &record).await?;
    let target = format!("membre:{id}");
    let entry = actor.entry(Some(scope.organisation_id()), AuditAction::AssemblyPrepared, &target, json!({ "name": name }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// A sitting as typed in its form.
#[derive(Debug, Default, Deserialize)]
pub struct SittingInput {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub president: String,
    #[serde(default)]
    pub secretary: String,
    #[serde(default)]
    pub urgency_reason: String,
}

/// Creates a sitting. Videoconference only where the rules of its day allow it; a sitting convened in
/// urgency records why (CGCT L2121-11, L2121-12).
pub async fn create_sitting(db: &Db, actor: Actor<'_>, scope: OrgScope, input: &SittingInput) -> Result<i64, AssemblyError> {
    let body_id: i64 = input.body.trim().parse().map_err(|_| invalid("choisissez l'assemblée"))?;
    let body = service::bodies(db, scope)
        .await?
        .into_iter()
        .find(|b| b.id == body_id)
        .ok_or_else(|| AssemblyError::NotFound(format!("aucune assemblée n° {body_id}")))?;
    let date = parse_date(&input.date)?;
    let time = optional(&input.time);
    if time.as_deref().is_some_and(|t| time::Time::parse(t, time::macros::format_description!("[hour]:[minute]")).is_err()) {
        return Err(invalid(format!("« {} » n'est pas une heure HH:MM", input.time.trim())));
    }
    let kind = SittingKind::parse(&input.kind).ok_or_else(|| invalid("choisissez le type de séance"))?;
    let mode = Mode::parse(&input.mode).ok_or_else(|| invalid("choisissez le mode de réunion"))?;
    let rules = rule_set_on(date);
    if mode != Mode::InPerson && !rules.videoconference {
        return Err(AssemblyError::Rule(crate::rules::RuleError::new(
            "CGCT L2121-7",
            format!(
                "le {} ({}), le conseil se réunit au lieu de ses séances : pas de visioconférence",
                kernel::calendar::format_fr(date),
                rules.label
            ),
        )));
    }
    let urgency_reason = optional(&input.urgency_reason);
    if kind == SittingKind::Urgent && urgency_reason.is_none() {
        return Err(invalid("une séance convoquée en urgence consigne le motif de l'urgence (CGCT L2121-11, L2121-12)"));
    }
    let place = required(&input.place, "le lieu de la séance", 200)?;
    let president = required(&input.president, "la présidence de la séance", 120)?;
    let secretary = optional(&input.secretary);
    let mut tx = db.begin().await?;
    let record = sql::SittingRecord {
        body_id: body.id,
        date: &date.to_string(),
        time: time.as_deref(),
        kind: kind.code(),
        mode: mode.code(),
        place: &place,
        president: &president,
        secretary: secretary.as_deref(),
        urgency_reason: urgency_reason.as_deref(),
        convocation_sent_on: None,
        holders_known: true,
        second_convocation_of: None,
    };
    let id = sql::insert_sitting(&mut tx, scope, &record).await?;
    let target = format!("seance:{id}");
    let entry = actor.entry(
        Some(scope.organisation_id()),
        AuditAction::AssemblyPrepared,
        &target,
        json!({ "body": body.name, "date": date.to_string() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// A project for the agenda as typed in its form.
#[derive(Debug, Default, Deserialize)]
pub struct ItemInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub matiere: String,
    #[serde(default)]
    pub rapporteur: String,
    #[serde(default)]
    pub rapporteur_title: String,
    #[serde(default)]
    pub draft_text: String,
    #[serde(default)]
    pub explanatory_note: String,
    #[serde(default)]
    pub decision: String,
}

/// Adds a project at the end of a sitting's agenda, until the sitting's first vote.
pub async fn add_item(db: &Db, actor: Actor<'_>, scope: OrgScope, sitting_id: i64, input: &ItemInput) -> Result<i64, AssemblyError> {
    let record =
        service::sitting(db, scope, sitting_id).await?.ok_or_else(|| AssemblyError::NotFound(format!("aucune séance n° {sitting_id}")))?;
    if record.voting_started() {
        return Err(AssemblyError::Conflict("la séance a commencé à voter : son ordre du jour est arrêté".into()));
    }
    let matiere = optional(&input.matiere);
    if let Some(code) = &matiere
        && !code.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid(format!("matière @ctes « {code} » : des nombres séparés par des points sont attendus (ex. 9.1)")));
    }
    let title = required(&input.title, "l'objet du projet", 500)?;
    let rank = record.items.iter().map(|i| i.rank).max().unwrap_or(0) + 1;
    let rapporteur = required(&input.rapporteur, "le rapporteur", 120)?;
    let draft_text = required(&input.draft_text, "le texte du projet", 100_000)?;
    let decision = required(&input.decision, "le dispositif (ce qui est décidé)", 20_000)?;
    let (theme, rapporteur_title, note) = (optional(&input.theme), optional(&input.rapporteur_title), optional(&input.explanatory_note));
    let mut tx = db.begin().await?;
    let item = sql::ItemRecord {
        sitting_id,
        rank,
        title: &title,
        theme: theme.as_deref(),
        matiere: matiere.as_deref(),
        rapporteur: &rapporteur,
        rapporteur_title: rapporteur_title.as_deref(),
        draft_text: &draft_text,
        explanatory_note: note.as_deref(),
        decision: &decision,
    };
    let id = sql::insert_item(&mut tx, scope, &item).await?;
    let target = format!("seance:{sitting_id}:projet:{rank}");
    let entry = actor.entry(Some(scope.organisation_id()), AuditAction::AssemblyPrepared, &target, json!({ "title": title }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// Convenes the body again after its quorum failed (CGCT L2121-17 al. 2): a sitting at least three days
/// later, with the projects not voted, where the council deliberates whatever the number present.
pub async fn convene_again(db: &Db, actor: Actor<'_>, scope: OrgScope, sitting_id: i64, date: &str) -> Result<i64, AssemblyError> {
    let record =
        service::sitting(db, scope, sitting_id).await?.ok_or_else(|| AssemblyError::NotFound(format!("aucune séance n° {sitting_id}")))?;
    if !record.sitting.attendance_recorded || record.quorum().met {
        return Err(invalid("une seconde convocation suit une séance où le quorum n'a pas été atteint"));
    }
    let date = parse_date(date)?;
    crate::rules::quorum::check_second_convocation(record.sitting.date, date)?;
    let sitting = &record.sitting;
    let mut tx = db.begin().await?;
    let written = sql::SittingRecord {
        body_id: sitting.body.id,
        date: &date.to_string(),
        time: sitting.time.as_deref(),
        kind: sitting.kind.code(),
        mode: sitting.mode.code(),
        place: &sitting.place,
        president: &sitting.president,
        secretary: sitting.secretary.as_deref(),
        urgency_reason: sitting.urgency_reason.as_deref(),
        convocation_sent_on: None,
        holders_known: true,
        second_convocation_of: Some(sitting.id),
    };
    let id = sql::insert_sitting(&mut tx, scope, &written).await?;
    for (rank, item) in record.items.iter().filter(|i| i.vote.is_none()).enumerate() {
        let copy = sql::ItemRecord {
            sitting_id: id,
            rank: rank as i64 + 1,
            title: &item.title,
            theme: item.theme.as_deref(),
            matiere: item.matiere.as_deref(),
            rapporteur: &item.rapporteur,
            rapporteur_title: item.rapporteur_title.as_deref(),
            draft_text: &item.draft_text,
            explanatory_note: item.explanatory_note.as_deref(),
            decision: &item.decision,
        };
        sql::insert_item(&mut tx, scope, &copy).await?;
    }
    let target = format!("seance:{id}");
    let entry = actor.entry(
        Some(scope.organisation_id()),
        AuditAction::AssemblyPrepared,
        &target,
        json!({ "second_convocation_of": sitting_id, "date": date.to_string() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}
