//! Transmission to the legality control (*contrôle de légalité*): an act signed in its circuit is
//! packaged for @ctes and handed to a connector by a job (retried with backoff while the other side is
//! down; the act's identifier makes a second transmission impossible), then the prefecture's answers
//! are fetched and applied: acknowledgement, anomaly, letters, referral, cancellation.

pub mod connector;
pub mod http;

use crate::legality::{
    ActIdentifier, ActTransmission, Attachment, Classification, CollectivityMessage, Departement, Dispatch, InternalNumber, MatterCodes,
    Message, Operator, Package, PieceTypeCode, PrefectureMessage,
};
use crate::model::{Act, ActState};
use crate::store::acts as sql;
use crate::{ActsError, followup, service, settings};
use connector::{Connector, ConnectorError};
use identity::model::Organisation;
use serde_json::json;
use sqlx::Row;
use std::sync::Arc;
use store::blobs::BlobStore;
use store::jobs::{self, NewJob};
use store::{Db, OrgScope, Tx, clock};
use time::Date;

/// The job that hands an act's package to the connector.
pub const TRANSMIT_JOB: &str = "acts.transmit";
/// The job that fetches the prefecture's answers on a transmitted act.
pub const POLL_JOB: &str = "acts.poll";
/// The job that hands an acknowledged act to the archive (handled by the binary's wiring).
pub const ARCHIVE_JOB: &str = "acts.archive";

/// The route to the prefecture, how the platform names its packages, and the day packages are sent
/// (today in Paris; the demo replays past days).
#[derive(Clone)]
pub struct Legality {
    pub connector: Arc<dyn Connector>,
    pub operator: Operator,
    pub today: Arc<dyn Fn() -> Date + Send + Sync>,
}

/// Queues the transmission of a signed act: its ACTES identifier is fixed now, and one job per act
/// ever exists (idempotency key), so the act cannot be transmitted twice.
pub async fn transmit(db: &Db, scope: OrgScope, organisation: &Organisation, actor: &str, act_id: i64) -> Result<String, ActsError> {
    let act = service::act(db, scope, act_id).await?.ok_or_else(|| ActsError::NotFound(format!("acte {act_id} introuvable")))?;
    if act.state != ActState::Signed {
        return Err(ActsError::Conflict(format!("seul un acte signé peut être transmis (état : {})", act.state.label())));
    }
    let sender = settings::get(db, scope)
        .await?
        .ok_or_else(|| {
            ActsError::Invalid(
                "renseignez d'abord les paramètres @ctes de l'organisation (arrondissement, nature, adresse de retour)".into(),
            )
        })?
        .sender(organisation)?;
    let identifier = identifier(&act, &sender.departement, &sender.siren)?;
    let mut tx = db.begin().await?;
    if !sql::transition(&mut tx, scope, act_id, &[ActState::Signed.code()], ActState::Posted.code()).await? {
        return Err(ActsError::Conflict("l'acte vient d'être transmis".into()));
    }
    sql::set_actes_id(&mut tx, scope, act_id, &identifier.to_string()).await?;
    let job = NewJob::new(TRANSMIT_JOB, json!({ "organisation_id": scope.organisation_id(), "act_id": act_id }))
        .organisation(scope.organisation_id())
        .idempotency_key(format!("{TRANSMIT_JOB}:{}:{act_id}", scope.organisation_id()))
        .max_attempts(12);
    jobs::enqueue(&mut tx, job).await?;
    service::record(&mut tx, scope, act_id, "posted", actor, &format!("Transmission demandée : {identifier}")).await?;
    tx.commit().await?;
    Ok(identifier.to_string())
}

/// The ACTES identifier of an act (`034-243400017-20211214-174579-DE`).
pub fn identifier(act: &Act, departement: &Departement, siren: &kernel::Siren) -> Result<ActIdentifier, ActsError> {
    Ok(ActIdentifier {
        departement: departement.clone(),
        siren: siren.clone(),
        decision_date: act.decided_on,
        internal_number: InternalNumber::parse(&act.internal_number)?,
        nature: act.nature,
    })
}

/// The job of [`TRANSMIT_JOB`]: builds the package and sends it. An unavailable connector makes the
/// job fail (it is retried with backoff, the act shows "en attente de transmission"); a refusal puts
/// the act in error.
pub async fn run_transmission(db: &Db, blobs: &BlobStore, legality: &Legality, payload: &serde_json::Value) -> Result<(), String> {
    let (scope, act_id) = followup::target(payload, "act_id")?;
    let act = service::act(db, scope, act_id).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("acte {act_id} introuvable"))?;
    if !matches!(act.state, ActState::Posted | ActState::Waiting) {
        return Ok(());
    }
    let organisation = organisation(db, scope).await?;
    let package = build_package(db, blobs, scope, &organisation, legality, &act).await.map_err(|e| e.to_string())?;
    match legality.connector.send(&package.archive_name, &package.archive).await {
        Ok(receipt) => {
            let mut tx = db.begin().await.map_err(|e| e.to_string())?;
            sql::set_transmitted(&mut tx, scope, act_id, &receipt.transaction).await.map_err(|e| e.to_string())?;
            sql::transition(&mut tx, scope, act_id, &[ActState::Posted.code(), ActState::Waiting.code()], ActState::Transmitted.code())
                .await
                .map_err(|e| e.to_string())?;
            if !receipt.duplicate {
                record_files(&mut tx, blobs, scope, act_id, "sent", &package, "Transmission de l'acte").await.map_err(|e| e.to_string())?;
            }
            let detail = format!("Transmis (transaction {}){}", receipt.transaction, if receipt.duplicate { ", déjà reçu" } else { "" });
            service::record(&mut tx, scope, act_id, "transmitted", "plateforme", &detail).await.map_err(|e| e.to_string())?;
            enqueue_poll(&mut tx, scope, act_id, 0).await.map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
        Err(ConnectorError::Unavailable(reason)) => {
            let mut tx = db.begin().await.map_err(|e| e.to_string())?;
            sql::transition(&mut tx, scope, act_id, &[ActState::Posted.code()], ActState::Waiting.code())
                .await
                .map_err(|e| e.to_string())?;
            service::record(
                &mut tx,
                scope,
                act_id,
                "waiting",
                "plateforme",
                &format!("Transmission impossible, nouvel essai prévu : {reason}"),
            )
            .await
            .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            Err(reason)
        }
        Err(ConnectorError::Refused(reason)) => {
            let mut tx = db.begin().await.map_err(|e| e.to_string())?;
            sql::transition(&mut tx, scope, act_id, &[ActState::Posted.code(), ActState::Waiting.code()], ActState::Error.code())
                .await
                .map_err(|e| e.to_string())?;
            service::record(&mut tx, scope, act_id, "error", "plateforme", &format!("Paquet refusé : {reason}"))
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
    }
}

/// The @ctes package of a signed act: the signed PDF and the annexes with the act message.
async fn build_package(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    organisation: &Organisation,
    legality: &Legality,
    act: &Act,
) -> Result<Package, ActsError> {
    let sender =
        settings::get(db, scope).await?.ok_or_else(|| ActsError::Invalid("paramètres @ctes absents".into()))?.sender(organisation)?;
    let classification: Classification = service::classification(db, scope).await?;
    let main_type = format!("99_{}", act.nature.letters());
    let document = Attachment {
        piece_type: PieceTypeCode::parse(&main_type)?,
        original_name: act.document_name.clone(),
        bytes: blobs.get(act.current_sha256()).await?,
    };
    let mut annexes = Vec::new();
    for annex in &act.annexes {
        annexes.push(Attachment {
            piece_type: PieceTypeCode::parse(&annex.piece_type)?,
            original_name: annex.filename.clone(),
            bytes: blobs.get(&annex.sha256).await?,
        });
    }
    let transmission = ActTransmission {
        identifier: identifier(act, &sender.departement, &sender.siren)?,
        subject: act.subject.clone(),
        matter: MatterCodes::parse(&act.matter_code)?,
        classification_date: classification.version_date,
        previous: None,
        document,
        annexes,
        paper_annexes: false,
    };
    let dispatch = Dispatch { operator: legality.operator.clone(), sent_on: (legality.today)(), serial: next_serial(db, scope).await? };
    Ok(transmission.package(&sender, &dispatch)?)
}

/// Fetches the prefecture's answers on an act and applies those not seen yet. Returns how many
/// messages were new.
pub async fn poll(db: &Db, blobs: &BlobStore, legality: &Legality, scope: OrgScope, act_id: i64) -> Result<usize, ActsError> {
    let act = service::act(db, scope, act_id).await?.ok_or_else(|| ActsError::NotFound(format!("acte {act_id} introuvable")))?;
    let Some(transaction) = &act.transmission_id else { return Ok(0) };
    let inbound = legality.connector.fetch(transaction).await.map_err(|e| ActsError::Conflict(e.to_string()))?;
    let mut new = 0;
    for file in inbound {
        let package = Package::read(&file.archive_name, &file.archive)?;
        let mut tx = db.begin().await?;
        let fresh = record_files(&mut tx, blobs, scope, act_id, "received", &package, "Message de la préfecture").await?;
        if fresh {
            for message in package.messages()? {
                if let Message::Prefecture(message) = message {
                    apply(&mut tx, scope, &act, &message).await?;
                    new += 1;
                }
            }
        }
        tx.commit().await?;
    }
    Ok(new)
}

/// The effect of a prefecture message on the act, recorded in its history.
async fn apply(tx: &mut Tx, scope: OrgScope, act: &Act, message: &PrefectureMessage) -> Result<(), ActsError> {
    let label = message.kind().map_or("Message de la préfecture", |k| k.label());
    let detail = match message {
        PrefectureMessage::Acknowledgement { act_id, received_on, .. } => {
            sql::set_received(tx, scope, act.id, &received_on.to_string()).await?;
            sql::transition(
                tx,
                scope,
                act.id,
                &[ActState::Transmitted.code(), ActState::Posted.code(), ActState::Waiting.code()],
                ActState::Acknowledged.code(),
            )
            .await?;
            if let Some(number) = &act.register_number {
                assembly::recording::record_legality(tx, scope, number, Some(&act_id.to_string()), Some(*received_on), None)
                    .await
                    .map_err(|e| ActsError::Invalid(e.to_string()))?;
            }
            let job = NewJob::new(ARCHIVE_JOB, json!({ "organisation_id": scope.organisation_id(), "act_id": act.id }))
                .organisation(scope.organisation_id())
                .idempotency_key(format!("{ARCHIVE_JOB}:{}:{}", scope.organisation_id(), act.id))
                .max_attempts(12);
            jobs::enqueue(tx, job).await?;
            format!("Accusé de réception : {act_id}, reçu en préfecture le {}", kernel::calendar::format_fr(*received_on))
        }
        PrefectureMessage::ActAnomaly { detail, .. } | PrefectureMessage::EnvelopeAnomaly { detail, .. } => {
            sql::transition(
                tx,
                scope,
                act.id,
                &[ActState::Transmitted.code(), ActState::Posted.code(), ActState::Waiting.code()],
                ActState::Error.code(),
            )
            .await?;
            format!("{label} : {}", detail.clone().unwrap_or_else(|| "sans détail".into()))
        }
        PrefectureMessage::CancellationAcknowledgement { received_on, .. } => {
            sql::transition(tx, scope, act.id, &[ActState::CancellationRequested.code()], ActState::Cancelled.code()).await?;
            format!("Annulation enregistrée par la préfecture le {}", kernel::calendar::format_fr(*received_on))
        }
        PrefectureMessage::AdditionalDocumentsRequest { description, .. } => format!("{label} : {description}"),
        PrefectureMessage::ObservationsLetter { motive, .. } => format!("{label} : {motive}"),
        PrefectureMessage::ReferralToCourt { illegality, filed_on, .. } => {
            format!("{label} (déposé le {}) : {illegality}", kernel::calendar::format_fr(*filed_on))
        }
        _ => label.to_string(),
    };
    service::record(tx, scope, act.id, "prefecture", "préfecture", &detail).await
}

/// The job of [`POLL_JOB`]: fetches the answers; while the acknowledgement has not come, polls again
/// later (1, 2, 4 … minutes, at most 32 times).
pub async fn run_poll(db: &Db, blobs: &BlobStore, legality: &Legality, payload: &serde_json::Value) -> Result<(), String> {
    let (scope, act_id) = followup::target(payload, "act_id")?;
    let round = followup::round(payload);
    poll(db, blobs, legality, scope, act_id).await.map_err(|e| e.to_string())?;
    let act = service::act(db, scope, act_id).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("acte {act_id} introuvable"))?;
    if matches!(act.state, ActState::Transmitted | ActState::CancellationRequested) && round < 32 {
        let mut tx = db.begin().await.map_err(|e| e.to_string())?;
        enqueue_poll(&mut tx, scope, act_id, round + 1).await.map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Polls every act whose exchanges with the prefecture may still bring a message (letters come within
/// the two months of the control).
pub async fn poll_open(db: &Db, blobs: &BlobStore, legality: &Legality) -> Result<usize, ActsError> {
    let horizon = clock::now_millis() - 70 * 24 * 3600 * 1000;
    let rows = sqlx::query(
        "SELECT organisation_id, id FROM acts WHERE transmission_id IS NOT NULL AND state IN ('transmitted', 'acknowledged', \
         'cancellation_requested') AND updated_at > $1",
    )
    .bind(horizon)
    .fetch_all(db.pool())
    .await?;
    let mut new = 0;
    for row in rows {
        let scope = OrgScope::granted(row.try_get(0)?);
        new += poll(db, blobs, legality, scope, row.try_get(1)?).await?;
    }
    Ok(new)
}

/// Asks the prefecture to cancel the transmission of an acknowledged act (*annulation*, 6-1).
pub async fn cancel(
    db: &Db,
    blobs: &BlobStore,
    legality: &Legality,
    scope: OrgScope,
    organisation: &Organisation,
    actor: &str,
    act_id: i64,
) -> Result<(), ActsError> {
    let act = service::act(db, scope, act_id).await?.ok_or_else(|| ActsError::NotFound(format!("acte {act_id} introuvable")))?;
    if act.state != ActState::Acknowledged {
        return Err(ActsError::Conflict(format!("seul un acte acquitté peut être annulé (état : {})", act.state.label())));
    }
    let sender =
        settings::get(db, scope).await?.ok_or_else(|| ActsError::Invalid("paramètres @ctes absents".into()))?.sender(organisation)?;
    let message = CollectivityMessage::Cancellation { act_id: identifier(&act, &sender.departement, &sender.siren)? };
    let dispatch = Dispatch { operator: legality.operator.clone(), sent_on: (legality.today)(), serial: next_serial(db, scope).await? };
    let package = Package::collectivity(&sender, &dispatch, &message, Vec::new())?;
    legality.connector.send(&package.archive_name, &package.archive).await.map_err(|e| ActsError::Conflict(e.to_string()))?;
    let mut tx = db.begin().await?;
    sql::transition(&mut tx, scope, act_id, &[ActState::Acknowledged.code()], ActState::CancellationRequested.code()).await?;
    record_files(&mut tx, blobs, scope, act_id, "sent", &package, "Demande d'annulation").await?;
    service::record(&mut tx, scope, act_id, "cancellation", actor, "Annulation de la transmission demandée").await?;
    enqueue_poll(&mut tx, scope, act_id, 0).await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps every file of a package (blob store) and lists its XML files among the act's messages;
/// false when the package had been recorded already.
async fn record_files(
    tx: &mut Tx,
    blobs: &BlobStore,
    scope: OrgScope,
    act_id: i64,
    direction: &str,
    package: &Package,
    summary: &str,
) -> Result<bool, ActsError> {
    let mut fresh = false;
    for (i, (name, bytes)) in package.files.iter().enumerate() {
        let stored = blobs.put(bytes.clone()).await?;
        let kind = if i == 0 {
            "Enveloppe".to_string()
        } else if name.ends_with(".xml") {
            match Message::parse(bytes) {
                Ok(Message::Prefecture(m)) => m.kind().map_or("Message de la préfecture", |k| k.label()).to_string(),
                Ok(Message::Collectivity(m)) => m.kind().label().to_string(),
                Err(_) => "Message".to_string(),
            }
        } else {
            "Document".to_string()
        };
        let message = sql::NewMessage { direction, kind: &kind, file_name: name, sha256: &stored.sha256, summary };
        fresh |= sql::insert_message(tx, scope, act_id, &message).await?;
    }
    Ok(fresh)
}

async fn enqueue_poll(tx: &mut Tx, scope: OrgScope, act_id: i64, round: i64) -> Result<(), store::StoreError> {
    followup::enqueue(tx, POLL_JOB, scope, ("act_id", act_id), round).await
}

/// The serial of the next envelope of the organisation (`…--20211220-7.xml`).
async fn next_serial(db: &Db, scope: OrgScope) -> Result<u32, ActsError> {
    let row = store::tenant::scoped(
        scope,
        "SELECT COUNT(*) FROM act_messages WHERE organisation_id = $1 AND direction = 'sent' AND kind = 'Enveloppe'",
    )
    .fetch_one(db.pool())
    .await?;
    let count: i64 = row.try_get(0)?;
    Ok(u32::try_from(count + 1).unwrap_or(u32::MAX))
}

async fn organisation(db: &Db, scope: OrgScope) -> Result<Organisation, String> {
    identity::service::organisation_by_id(db, scope.organisation_id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("organisation {} inconnue", scope.organisation_id()))
}
