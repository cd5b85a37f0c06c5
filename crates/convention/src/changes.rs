//! Requests to change a convention during its period: add or remove an application (article 9) or
//! terminate the convention (article 10). The member files the request; the Métropole answers within a
//! month; an accepted change takes effect on the next 1 January.

use crate::rules::changes as rules;
use crate::service;
use crate::{ConventionError, invoicing, store as sql};
use identity::Organisation;
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde_json::json;
use store::audit;
use store::{Db, OrgScope};
use time::{Date, Duration};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Add,
    Remove,
    Terminate,
}

impl RequestKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Terminate => "terminate",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Add, Self::Remove, Self::Terminate].into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Add => "Ajout d'une application",
            Self::Remove => "Suppression d'une application",
            Self::Terminate => "Résiliation de la convention",
        }
    }
}

/// A request as shown to the member and to the Métropole.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub convention_id: i64,
    pub kind: RequestKind,
    pub application_code: Option<String>,
    pub received_on: Date,
    pub effective_on: Date,
    pub answer_due: Date,
    /// `pending`, `accepted` or `refused`.
    pub status: String,
    pub answered_on: Option<Date>,
    pub answer: Option<String>,
}

impl Request {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "accepted" => "Acceptée",
            "refused" => "Refusée",
            _ => "En attente de réponse",
        }
    }
}

fn from_row(r: sql::RequestRow) -> Result<Request, ConventionError> {
    Ok(Request {
        id: r.id,
        member_id: r.organisation_id,
        member_name: r.member_name,
        convention_id: r.convention_id,
        kind: RequestKind::parse(&r.kind).unwrap_or(RequestKind::Add),
        application_code: r.application_code,
        received_on: invoicing::parse_date(&r.received_on)?,
        effective_on: invoicing::parse_date(&r.effective_on)?,
        answer_due: invoicing::parse_date(&r.answer_due)?,
        status: r.status,
        answered_on: r.answered_on.as_deref().map(invoicing::parse_date).transpose()?,
        answer: r.answer,
    })
}

pub async fn of_member(db: &Db, scope: OrgScope) -> Result<Vec<Request>, ConventionError> {
    sql::requests_of_member(db, scope).await?.into_iter().map(from_row).collect()
}

pub async fn of_issuer(db: &Db, issuer: OrgScope) -> Result<Vec<Request>, ConventionError> {
    sql::requests_of_issuer(db, issuer).await?.into_iter().map(from_row).collect()
}

fn invalid(message: impl Into<String>) -> ConventionError {
    ConventionError::Invalid { field: "demande", message: message.into() }
}

/// Files a request received on `received_on`. Checks it against the convention in force that year and
/// the deadlines of articles 9 and 10; a late or impossible request is refused with the reason and
/// nothing is recorded.
pub async fn submit(
    db: &Db,
    actor: Actor<'_>,
    member: &Organisation,
    kind: RequestKind,
    application: Option<&str>,
    received_on: Date,
) -> Result<Request, ConventionError> {
    let scope = OrgScope::granted(member.id);
    let year = i64::from(received_on.year());
    let convention = service::member_conventions(db, scope, member)
        .await?
        .into_iter()
        .find(|c| (c.period.first_year..=c.period.last_year()).contains(&year))
        .ok_or_else(|| invalid(format!("{} n'a pas de convention en cours en {year}", member.name)))?;
    let last_year = convention.period.last_year() as i32;
    let effective_on = match kind {
        RequestKind::Terminate => rules::termination_effective_on(received_on, convention.period.first_year as i32, last_year),
        _ => rules::change_effective_on(received_on, last_year),
    }
    .map_err(invalid)?;
    let application = match (kind, application.map(str::trim).filter(|a| !a.is_empty())) {
        (RequestKind::Terminate, _) => None,
        (_, None) => return Err(invalid("choisissez l'application concernée")),
        (_, Some(code)) => {
            let subscribed = convention.charges.iter().any(|c| c.application.application.code == code && c.subscription.ends_on.is_none());
            let offered = service::offers(db, &convention.period).await?.into_iter().any(|o| o.application.code == code);
            match kind {
                RequestKind::Add if !offered => {
                    return Err(invalid(format!("« {code} » n'est pas proposée sur la période {}", convention.period.label())));
                }
                RequestKind::Add if subscribed => return Err(invalid(format!("« {code} » est déjà souscrite"))),
                RequestKind::Remove if !subscribed => return Err(invalid(format!("« {code} » n'est pas souscrite"))),
                _ => Some(code.to_string()),
            }
        }
    };
    let issuer = invoicing::issuer(db).await?;
    let answer_due = rules::answer_due(received_on);
    let record = sql::RequestRecord {
        issuer_organisation_id: issuer.id,
        convention_id: convention.convention.id,
        kind: kind.code(),
        application_code: application.as_deref(),
        received_on: &received_on.to_string(),
        effective_on: &effective_on.to_string(),
        answer_due: &answer_due.to_string(),
    };
    let mut tx = db.begin().await?;
    let id = sql::insert_request(&mut tx, scope, &record).await?;
    let target = format!("convention:{}:demande:{id}", convention.period.code);
    let entry = actor.entry(
        Some(member.id),
        AuditAction::ConventionRequestSubmitted,
        &target,
        json!({ "kind": kind.code(), "application": application, "effective_on": effective_on.to_string() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(Request {
        id,
        member_id: member.id,
        member_name: member.name.clone(),
        convention_id: convention.convention.id,
        kind,
        application_code: application,
        received_on,
        effective_on,
        answer_due,
        status: "pending".into(),
        answered_on: None,
        answer: None,
    })
}

/// The Métropole's answer. An accepted request changes the subscriptions from its effective day: an
/// added application starts then, a removed one (or all of them, on termination) ends the day before.
pub async fn answer(
    db: &Db,
    actor: Actor<'_>,
    issuer: OrgScope,
    id: i64,
    accept: bool,
    note: &str,
    answered_on: Date,
) -> Result<Request, ConventionError> {
    let request = of_issuer(db, issuer)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ConventionError::NotFound(format!("aucune demande n° {id}")))?;
    if request.status != "pending" {
        return Err(ConventionError::Conflict(format!("la demande n° {id} a déjà reçu une réponse")));
    }
    if answered_on < request.received_on {
        return Err(invalid("la réponse ne peut précéder la réception de la demande"));
    }
    let member = OrgScope::granted(request.member_id);
    let status = if accept { "accepted" } else { "refused" };
    let mut tx = db.begin().await?;
    if !sql::answer_request(&mut tx, issuer, id, status, &answered_on.to_string(), note.trim()).await? {
        return Err(ConventionError::Conflict(format!("la demande n° {id} a déjà reçu une réponse")));
    }
    if accept {
        let day_before = (request.effective_on - Duration::days(1)).to_string();
        match request.kind {
            RequestKind::Add => {
                let code = request.application_code.as_deref().unwrap_or_default();
                sql::insert_subscription(&mut tx, member, request.convention_id, code, &request.effective_on.to_string()).await?;
            }
            RequestKind::Remove => {
                sql::end_subscriptions(&mut tx, member, request.convention_id, request.application_code.as_deref(), &day_before).await?;
            }
            RequestKind::Terminate => {
                sql::end_subscriptions(&mut tx, member, request.convention_id, None, &day_before).await?;
            }
        }
    }
    let target = format!("demande:{id}");
    let entry = actor.entry(
        Some(request.member_id),
        AuditAction::ConventionRequestAnswered,
        &target,
        json!({ "status": status, "note": note.trim(), "late": answered_on > request.answer_due }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(Request { status: status.into(), answered_on: Some(answered_on), answer: Some(note.trim().to_string()), ..request })
}
