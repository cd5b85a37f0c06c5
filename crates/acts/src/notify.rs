//! The e-mail that tells the people of an act's current step that it waits for their visa, signature or
//! seal (the job of [`crate::circuit::NOTIFY_JOB`]).

use crate::model::{Assignee, StepState};
use crate::{circuit, service};
use store::{Db, OrgScope};

/// Sends the notification of the act's current step to each person who may do it (the assignee, or
/// every member holding the assigned role). Nothing is sent when the step has been done meanwhile.
pub async fn deliver(db: &Db, mailer: &mail::Mailer, payload: &serde_json::Value) -> Result<usize, String> {
    let organisation_id = payload.get("organisation_id").and_then(serde_json::Value::as_i64).ok_or("tâche sans organisation_id")?;
    let act_id = payload.get("act_id").and_then(serde_json::Value::as_i64).ok_or("tâche sans act_id")?;
    let scope = OrgScope::granted(organisation_id);
    let organisation = identity::service::organisation_by_id(db, organisation_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("organisation {organisation_id} inconnue"))?;
    let Some(act) = service::act(db, scope, act_id).await.map_err(|e| e.to_string())? else { return Ok(0) };
    let steps = circuit::steps(db, scope, act_id).await.map_err(|e| e.to_string())?;
    let Some(step) = steps.iter().find(|s| s.state == StepState::Current) else { return Ok(0) };
    let members = identity::service::members(db, scope).await.map_err(|e| e.to_string())?;
    let recipients: Vec<_> = members
        .iter()
        .filter(|m| match &step.assignee {
            Assignee::Role(role) => m.roles.iter().any(|r| r == role.code()),
            Assignee::Person { user_id, .. } => m.user_id == *user_id,
        })
        .collect();
    let link = format!("{}/{}/actes/{act_id}", mailer.public_url.trim_end_matches('/'), organisation.slug);
    let subject = format!("{} attendu : acte {} — {}", step.kind.label(), act.display_number(), organisation.name);
    for member in &recipients {
        let body = format!(
            "Bonjour {},\n\nL'acte {} « {} » ({}) attend votre {} (étape {} de son circuit).\n\nOuvrir l'acte : {link}\nVotre parapheur : {}/{}/parapheur\n\n— communs, {}\n",
            member.display_name,
            act.display_number(),
            act.subject,
            act.nature.label(),
            step.kind.label().to_lowercase(),
            step.position,
            mailer.public_url.trim_end_matches('/'),
            organisation.slug,
            organisation.name
        );
        let to = mail::Mailbox::new(&member.display_name, &member.email).map_err(|e| e.to_string())?;
        let email = mail::Message::new(mailer.sender.clone(), to, subject.clone(), time::OffsetDateTime::now_utc())
            .body(body)
            .message_id(format!("acte-{organisation_id}-{act_id}-etape-{}-{}", step.position, member.user_id))
            .build()
            .map_err(|e| e.to_string())?;
        mailer.transport.deliver(mailer.sender.address(), &member.email, &email.bytes).await.map_err(|e| e.to_string())?;
    }
    Ok(recipients.len())
}
