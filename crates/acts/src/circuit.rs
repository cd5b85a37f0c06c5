//! Signature circuits (*parapheur*): per organisation and nature of act, ordered steps (visa, signature,
//! seal) assigned to a role or a person; an act goes through them one step at a time, each done by its
//! assignee or by whoever replaces them during an absence (delegation), or rejected with a reason.

use crate::ActsError;
use crate::keys::{self, Signatory};
use crate::legality::Nature;
use crate::model::{Act, ActState, Assignee, Circuit, CircuitStep, Delegation, Step, StepKind, StepState};
use crate::service::{self, parse_date};
use crate::store::acts as act_sql;
use crate::store::circuits as sql;
use identity::service::Actor;
use kernel::Role;
use kernel::audit::AuditAction;
use serde_json::json;
use signing::{KeyVault, SignatureRequest};
use store::blobs::BlobStore;
use store::jobs::{self, NewJob};
use store::{Db, OrgScope, Tx, audit};
use time::{Date, OffsetDateTime};

/// The job that tells the assignees of an act's current step that it waits for them.
pub const NOTIFY_JOB: &str = "acts.notify";

/// Who acts in a circuit: a member of the organisation with their roles there.
#[derive(Debug, Clone)]
pub struct Person<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub email: &'a str,
    pub roles: &'a [Role],
    pub ip: Option<&'a str>,
}

impl Person<'_> {
    fn actor(&self) -> Actor<'_> {
        Actor { user_id: Some(self.user_id), label: self.email, ip: self.ip }
    }
}

/// What a person decides on the current step.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Visa, signature or seal, as the step asks.
    Approve,
    /// *Refus*, with its reason.
    Reject { reason: String },
}

/// The circuits the organisation defined, and the default for the natures it did not.
pub async fn circuits(db: &Db, scope: OrgScope) -> Result<Vec<Circuit>, ActsError> {
    let steps = sql::circuit_steps(db, scope).await?;
    let mut defined: Vec<Circuit> = Vec::new();
    for row in sql::circuits(db, scope).await? {
        let nature = Nature::from_letters(&row.nature)?;
        let steps = steps
            .iter()
            .filter(|s| s.circuit_id == row.id)
            .map(|s| {
                Ok(CircuitStep {
                    kind: StepKind::parse(&s.kind).ok_or_else(|| ActsError::Invalid(format!("étape « {} » inconnue", s.kind)))?,
                    assignee: assignee(s.assignee_role.as_deref(), s.assignee_user_id, s.assignee_name.clone())?,
                })
            })
            .collect::<Result<Vec<_>, ActsError>>()?;
        defined.push(Circuit { id: row.id, nature, name: row.name, steps });
    }
    Ok(Nature::ALL
        .into_iter()
        .map(|nature| defined.iter().find(|c| c.nature == nature).cloned().unwrap_or_else(|| default_circuit(nature)))
        .collect())
}

/// Without a circuit of its own, an act is signed by an administrator of the organisation.
pub fn default_circuit(nature: Nature) -> Circuit {
    Circuit {
        id: 0,
        nature,
        name: format!("{} : signature de l'exécutif", nature.label()),
        steps: vec![CircuitStep { kind: StepKind::Signature, assignee: Assignee::Role(Role::OrgAdmin) }],
    }
}

/// Replaces the circuit of `nature`. It must have a step that signs (signature or seal).
pub async fn save_circuit(
    db: &Db,
    scope: OrgScope,
    person: &Person<'_>,
    nature: Nature,
    name: &str,
    steps: &[CircuitStep],
) -> Result<(), ActsError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ActsError::Invalid("le nom du circuit est obligatoire".into()));
    }
    if !steps.iter().any(|s| s.kind.signs()) {
        return Err(ActsError::Invalid("un circuit doit comporter au moins une étape de signature ou de cachet".into()));
    }
    let rows: Vec<(String, Option<String>, Option<i64>)> = steps
        .iter()
        .map(|s| match &s.assignee {
            Assignee::Role(role) => (s.kind.code().to_string(), Some(role.code().to_string()), None),
            Assignee::Person { user_id, .. } => (s.kind.code().to_string(), None, Some(*user_id)),
        })
        .collect();
    let mut tx = db.begin().await?;
    sql::save_circuit(&mut tx, scope, nature.letters(), name, &rows).await?;
    let target = format!("circuit:{}", nature.letters());
    audit::record(
        &mut tx,
        person.actor().entry(Some(scope.organisation_id()), AuditAction::SigningSettingsChanged, &target, json!({ "steps": rows.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The steps of an act, in order.
pub async fn steps(db: &Db, scope: OrgScope, act_id: i64) -> Result<Vec<Step>, ActsError> {
    sql::steps(db, scope, act_id).await?.into_iter().map(step_of).collect()
}

/// Puts a draft (or rejected) act into the circuit of its nature; its first step becomes current.
pub async fn start(db: &Db, scope: OrgScope, person: &Person<'_>, act_id: i64) -> Result<(), ActsError> {
    let act = service::act(db, scope, act_id).await?.ok_or_else(|| ActsError::NotFound(format!("acte {act_id} introuvable")))?;
    let circuit = circuits(db, scope).await?.into_iter().find(|c| c.nature == act.nature).unwrap_or_else(|| default_circuit(act.nature));
    let mut tx = db.begin().await?;
    if !act_sql::transition(&mut tx, scope, act_id, &[ActState::Draft.code(), ActState::Rejected.code()], ActState::InCircuit.code())
        .await?
    {
        return Err(ActsError::Conflict(format!(
            "l'acte est « {} » : seul un brouillon ou un acte refusé entre dans un circuit",
            act.state.label()
        )));
    }
    sql::delete_steps(&mut tx, scope, act_id).await?;
    for (i, step) in circuit.steps.iter().enumerate() {
        let (role, user) = match &step.assignee {
            Assignee::Role(role) => (Some(role.code()), None),
            Assignee::Person { user_id, .. } => (None, Some(*user_id)),
        };
        let state = if i == 0 { StepState::Current } else { StepState::Waiting };
        let row = sql::NewStep { position: i as i64 + 1, kind: step.kind.code(), role, user, state: state.code() };
        sql::insert_step(&mut tx, scope, act_id, &row).await?;
    }
    service::record(&mut tx, scope, act_id, "circuit", person.name, &format!("Mis dans le circuit « {} »", circuit.name)).await?;
    notify(&mut tx, scope, act_id).await?;
    tx.commit().await?;
    Ok(())
}

/// What signing needs: the database, the documents, the sealed keys.
#[derive(Clone, Copy)]
pub struct Signing<'a> {
    pub db: &'a Db,
    pub blobs: &'a BlobStore,
    pub vault: &'a KeyVault,
}

/// Does (or rejects) the current step of an act. Signing steps put a PAdES B-T signature on the act's
/// PDF with the person's certificate (the organisation's seal for a seal step) and the platform's
/// timestamp. Returns the act's new state.
pub async fn decide(
    signing: Signing<'_>,
    scope: OrgScope,
    organisation: &str,
    person: &Person<'_>,
    act_id: i64,
    decision: Decision,
) -> Result<ActState, ActsError> {
    decide_at(signing, scope, organisation, person, act_id, decision, keys::now()).await
}

/// [`decide`] at a given instant (the demo replays past signatures).
pub async fn decide_at(
    signing: Signing<'_>,
    scope: OrgScope,
    organisation: &str,
    person: &Person<'_>,
    act_id: i64,
    decision: Decision,
    now: OffsetDateTime,
) -> Result<ActState, ActsError> {
    let Signing { db, blobs, .. } = signing;
    let act = service::act(db, scope, act_id).await?.ok_or_else(|| ActsError::NotFound(format!("acte {act_id} introuvable")))?;
    if act.state != ActState::InCircuit {
        return Err(ActsError::Conflict(format!(
            "l'acte {} n'est pas dans un circuit (état : {})",
            act.display_number(),
            act.state.label()
        )));
    }
    let all = steps(db, scope, act_id).await?;
    let step = all.iter().find(|s| s.state == StepState::Current).ok_or_else(|| ActsError::Conflict("aucune étape en attente".into()))?;
    let delegations = delegations(db, scope).await?;
    let on_behalf_of = may_act(person, step, &delegations, store::clock::paris_date(now))?;

    let (signed, detail) = match &decision {
        Decision::Reject { reason } if reason.trim().is_empty() => {
            return Err(ActsError::Invalid("le motif du refus est obligatoire".into()));
        }
        Decision::Reject { reason } => (None, format!("{} refusé : {}", step.kind.label(), reason.trim())),
        Decision::Approve if step.kind.signs() => {
            let pdf = blobs.get(act.current_sha256()).await?;
            let bytes = sign_pdf(signing, scope, organisation, person, (step, on_behalf_of.as_ref()), pdf, now).await?;
            (Some(blobs.put(bytes).await?.sha256), format!("{} ({})", step.kind.label(), signing::PadesLevel::BaselineT.label()))
        }
        Decision::Approve => (None, step.kind.label().to_string()),
    };
    let detail = match &on_behalf_of {
        Some((_, name)) => format!("{detail}, pour {name} (délégation)"),
        None => detail,
    };

    let mut tx = db.begin().await?;
    let closed = if matches!(decision, Decision::Reject { .. }) { StepState::Rejected } else { StepState::Done };
    let comment = match &decision {
        Decision::Reject { reason } => Some(reason.trim()),
        Decision::Approve => None,
    };
    if !sql::close_step(&mut tx, scope, step.id, closed.code(), person.user_id, on_behalf_of.as_ref().map(|(id, _)| *id), comment).await? {
        return Err(ActsError::Conflict("cette étape vient d'être traitée par quelqu'un d'autre".into()));
    }
    if let Some(sha256) = &signed {
        act_sql::set_signed(&mut tx, scope, act_id, sha256).await?;
    }
    let next = all.iter().find(|s| s.position > step.position);
    let state = match (&decision, next) {
        (Decision::Reject { .. }, _) => ActState::Rejected,
        (Decision::Approve, Some(next)) => {
            sql::open_step(&mut tx, scope, act_id, next.position).await?;
            notify(&mut tx, scope, act_id).await?;
            ActState::InCircuit
        }
        (Decision::Approve, None) => ActState::Signed,
    };
    if state != ActState::InCircuit {
        act_sql::transition(&mut tx, scope, act_id, &[ActState::InCircuit.code()], state.code()).await?;
    }
    service::record(&mut tx, scope, act_id, step.kind.code(), person.name, &detail).await?;
    let target = format!("act:{}", act.display_number());
    let entry = person.actor().entry(
        Some(scope.organisation_id()),
        AuditAction::ActCircuitDecision,
        &target,
        json!({ "step": step.position, "detail": detail }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(state)
}

/// Signs every act of `act_ids` whose current step the person may sign (*signature par lot*); returns,
/// for each act, its new state or why it was not signed.
pub async fn bulk_sign(
    signing: Signing<'_>,
    scope: OrgScope,
    organisation: &str,
    person: &Person<'_>,
    act_ids: &[i64],
) -> Vec<(i64, Result<ActState, String>)> {
    let mut results = Vec::new();
    for &id in act_ids {
        let outcome = decide(signing, scope, organisation, person, id, Decision::Approve).await.map_err(|e| e.to_string());
        results.push((id, outcome));
    }
    results
}

/// The acts waiting for this person (their own steps, their role's, and those of the people they
/// replace today), oldest first.
pub async fn in_tray(db: &Db, scope: OrgScope, person: &Person<'_>, today: Date) -> Result<Vec<(Act, Step)>, ActsError> {
    let delegations = delegations(db, scope).await?;
    let mut waiting = Vec::new();
    for row in sql::current_steps(db, scope).await? {
        let act_id = row.act_id;
        let step = step_of(row)?;
        if may_act(person, &step, &delegations, today).is_ok()
            && let Some(act) = service::act(db, scope, act_id).await?
        {
            waiting.push((act, step));
        }
    }
    Ok(waiting)
}

/// Whether `person` may do `step` today: as its assignee (returns `None`) or replacing the assignee
/// under a delegation (returns who they act for).
fn may_act(person: &Person<'_>, step: &Step, delegations: &[Delegation], today: Date) -> Result<Option<(i64, String)>, ActsError> {
    match &step.assignee {
        Assignee::Role(role) if person.roles.contains(role) => Ok(None),
        Assignee::Person { user_id, .. } if *user_id == person.user_id => Ok(None),
        Assignee::Person { user_id, name } => delegations
            .iter()
            .find(|d| d.from_user_id == *user_id && d.to_user_id == person.user_id && d.starts_on <= today && today <= d.ends_on)
            .map(|_| Some((*user_id, name.clone())))
            .ok_or_else(|| ActsError::Conflict(format!("cette étape attend {name}"))),
        Assignee::Role(role) => Err(ActsError::Conflict(format!("cette étape attend une personne ayant le rôle « {} »", role.label()))),
    }
}

/// Signs `pdf` for `step` (and for the absent person the signer replaces, if any).
async fn sign_pdf(
    signing: Signing<'_>,
    scope: OrgScope,
    organisation: &str,
    person: &Person<'_>,
    (step, on_behalf_of): (&Step, Option<&(i64, String)>),
    pdf: Vec<u8>,
    now: OffsetDateTime,
) -> Result<Vec<u8>, ActsError> {
    let Signing { db, vault, .. } = signing;
    let mut tx = db.begin().await?;
    let credential = if step.kind == StepKind::Seal {
        keys::seal(&mut tx, vault, scope, organisation, now).await?
    } else {
        keys::credential(
            &mut tx,
            vault,
            scope,
            organisation,
            &Signatory { user_id: person.user_id, name: person.name, email: person.email },
            now,
        )
        .await?
    };
    let timestamps = keys::timestamp_authority(&mut tx, vault, now).await?;
    tx.commit().await?;
    let when = format!(
        "le {} à {} (UTC)",
        kernel::calendar::format_fr(now.date()),
        now.time().format(time::macros::format_description!("[hour]:[minute]")).unwrap_or_default()
    );
    let lines = match (step.kind, on_behalf_of) {
        (StepKind::Seal, _) => vec![format!("Cachet électronique : {organisation}"), format!("apposé par {} {when}", person.name)],
        (_, Some((_, absent))) => {
            vec![format!("Signé électroniquement par {}", person.name), format!("pour {absent}, {when}"), organisation.to_string()]
        }
        (_, None) => vec![format!("Signé électroniquement par {}", person.name), when, organisation.to_string()],
    };
    let reason = if step.kind == StepKind::Seal { "Cachet de l'organisation" } else { "Signature de l'acte" };
    tokio::task::spawn_blocking(move || {
        let request = SignatureRequest { reason, location: "", signed_at: now, lines };
        signing::pades::sign(&pdf, &credential, &request, Some(&timestamps))
    })
    .await
    .map_err(|e| ActsError::Invalid(e.to_string()))?
    .map_err(ActsError::from)
}

/// Enqueues the notification of the act's current step.
async fn notify(tx: &mut Tx, scope: OrgScope, act_id: i64) -> Result<(), ActsError> {
    let job = NewJob::new(NOTIFY_JOB, json!({ "organisation_id": scope.organisation_id(), "act_id": act_id }))
        .organisation(scope.organisation_id());
    jobs::enqueue(tx, job).await?;
    Ok(())
}

/// The organisation's delegations.
pub async fn delegations(db: &Db, scope: OrgScope) -> Result<Vec<Delegation>, ActsError> {
    sql::delegations(db, scope)
        .await?
        .into_iter()
        .map(|d| {
            Ok(Delegation {
                id: d.id,
                from_user_id: d.from_user_id,
                from_name: d.from_name,
                to_user_id: d.to_user_id,
                to_name: d.to_name,
                starts_on: parse_date(&d.starts_on)?,
                ends_on: parse_date(&d.ends_on)?,
            })
        })
        .collect()
}

/// Records that `to` replaces `from` between two dates (both members of the organisation).
pub async fn add_delegation(
    db: &Db,
    scope: OrgScope,
    person: &Person<'_>,
    from: i64,
    to: i64,
    starts_on: Date,
    ends_on: Date,
) -> Result<i64, ActsError> {
    if from == to {
        return Err(ActsError::Invalid("une personne ne peut pas se déléguer à elle-même".into()));
    }
    if ends_on < starts_on {
        return Err(ActsError::Invalid("la fin de la délégation précède son début".into()));
    }
    let members = identity::service::members(db, scope).await.map_err(|e| ActsError::Invalid(e.to_string()))?;
    if !members.iter().any(|m| m.user_id == from) || !members.iter().any(|m| m.user_id == to) {
        return Err(ActsError::Invalid("les deux personnes doivent être membres de l'organisation".into()));
    }
    let mut tx = db.begin().await?;
    let id = sql::insert_delegation(&mut tx, scope, from, to, &starts_on.to_string(), &ends_on.to_string()).await?;
    let entry = person.actor().entry(
        Some(scope.organisation_id()),
        AuditAction::SigningSettingsChanged,
        "delegation",
        json!({ "from": from, "to": to }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove_delegation(db: &Db, scope: OrgScope, person: &Person<'_>, id: i64) -> Result<(), ActsError> {
    let mut tx = db.begin().await?;
    if !sql::delete_delegation(&mut tx, scope, id).await? {
        return Err(ActsError::NotFound(format!("délégation {id} introuvable")));
    }
    let entry =
        person.actor().entry(Some(scope.organisation_id()), AuditAction::SigningSettingsChanged, "delegation", json!({ "removed": id }));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

fn assignee(role: Option<&str>, user: Option<i64>, name: Option<String>) -> Result<Assignee, ActsError> {
    match (role, user) {
        (Some(code), _) => Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .map(Assignee::Role)
            .ok_or_else(|| ActsError::Invalid(format!("rôle « {code} » inconnu"))),
        (None, Some(user_id)) => Ok(Assignee::Person { user_id, name: name.unwrap_or_else(|| format!("compte {user_id}")) }),
        (None, None) => Err(ActsError::Invalid("étape sans destinataire".into())),
    }
}

fn step_of(row: sql::StepRow) -> Result<Step, ActsError> {
    Ok(Step {
        id: row.id,
        position: row.position,
        kind: StepKind::parse(&row.kind).ok_or_else(|| ActsError::Invalid(format!("étape « {} » inconnue", row.kind)))?,
        assignee: assignee(row.assignee_role.as_deref(), row.assignee_user_id, row.assignee_name)?,
        state: StepState::parse(&row.state).ok_or_else(|| ActsError::Invalid(format!("état d'étape « {} » inconnu", row.state)))?,
        done_by: row.done_by_name,
        on_behalf_of: row.on_behalf_of_name,
        done_at: row.done_at,
        comment: row.comment,
    })
}
