//! Eliminations (*éliminations*): the organisation proposes the transfers whose retention period is over
//! and whose final disposition is destruction (*bordereau d'élimination*); an archivist of the archive
//! service approves it, with the visa of the archives' control authority (code du patrimoine,
//! art. R212-14), or refuses it with a reason. On approval the objects leave the platform, a SEDA
//! `ArchiveDestructionNotification` and a certificate of destruction are kept, and the journal records
//! each removal. A transfer under a legal hold is never proposed nor eliminated.

use crate::access::{self, Search, TransferSummary};
use crate::certificate::Certificate;
use crate::disposal::{self, Leaving};
use crate::journal::{self, EventKind, NewEntry};
use crate::retention::{self, Disposition};
use crate::{ArchiveError, holds, seda, sources};
use sqlx::Row;
use std::collections::HashSet;
use store::blobs::BlobStore;
use store::tenant::scoped;
use store::{Db, OrgScope, clock};
use time::OffsetDateTime;

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Proposed,
    Approved,
    Refused,
}

impl State {
    fn parse(code: &str) -> Self {
        match code {
            "approved" => State::Approved,
            "refused" => State::Refused,
            _ => State::Proposed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Proposed => "proposée, en attente de l'archiviste",
            State::Approved => "approuvée : archives éliminées",
            State::Refused => "refusée",
        }
    }
}

/// A proposal (*bordereau d'élimination*).
#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: i64,
    pub organisation_id: i64,
    pub state: State,
    pub proposed_by: String,
    /// In Paris time.
    pub proposed_at: String,
    /// Who decided, when (Paris time), and the visa or the reason.
    pub decision: Option<(String, String, String)>,
    pub transfer_ids: Vec<i64>,
}

impl Proposal {
    pub fn number(&self) -> String {
        format!("ELIM-{}-{}", self.organisation_id, self.id)
    }
}

/// The transfers of the organisation that may be eliminated on `today`.
pub async fn eliminable(db: &Db, scope: OrgScope, today: time::Date) -> Result<Vec<TransferSummary>, ArchiveError> {
    let held: HashSet<i64> = holds::list(db, scope).await?.into_iter().filter(|h| h.is_active()).map(|h| h.transfer_id).collect();
    let pending: HashSet<i64> =
        list(db, scope).await?.into_iter().filter(|p| p.state == State::Proposed).flat_map(|p| p.transfer_ids).collect();
    let all = access::transfers(db, scope, &Search::default()).await?;
    Ok(all
        .into_iter()
        .filter(|t| t.disposal.is_none() && !pending.contains(&t.id))
        .filter(|t| t.disposition(today, held.contains(&t.id)) == Disposition::Eliminable)
        .collect())
}

/// Proposes every eliminable transfer of the organisation; returns the proposal's id.
pub async fn propose(db: &Db, scope: OrgScope, by: &str, today: time::Date) -> Result<i64, ArchiveError> {
    let transfers = eliminable(db, scope, today).await?;
    if transfers.is_empty() {
        return Err(ArchiveError::Invalid(
            "aucun versement n'est éliminable aujourd'hui (durée d'utilité administrative en cours, conservation définitive, gel ou proposition en cours)"
                .into(),
        ));
    }
    let mut tx = db.begin().await?;
    let id: i64 = scoped(
        scope,
        "INSERT INTO archive_eliminations (organisation_id, state, proposed_by, proposed_at) VALUES ($1, 'proposed', $2, $3) RETURNING id",
    )
    .bind(by.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    for transfer in &transfers {
        scoped(scope, "INSERT INTO archive_elimination_items (organisation_id, elimination_id, transfer_id) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(transfer.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The organisation's proposals, newest first.
pub async fn list(db: &Db, scope: OrgScope) -> Result<Vec<Proposal>, ArchiveError> {
    let rows = scoped(
        scope,
        "SELECT id, organisation_id, state, proposed_by, proposed_at, decided_by, decided_at, decision_note FROM archive_eliminations \
         WHERE organisation_id = $1 ORDER BY id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let items =
        scoped(scope, "SELECT elimination_id, transfer_id FROM archive_elimination_items WHERE organisation_id = $1 ORDER BY transfer_id")
            .fetch_all(db.pool())
            .await?;
    let mut proposals = rows.iter().map(proposal_of).collect::<Result<Vec<_>, _>>()?;
    for item in items {
        let (elimination, transfer): (i64, i64) = (item.try_get(0)?, item.try_get(1)?);
        if let Some(proposal) = proposals.iter_mut().find(|p| p.id == elimination) {
            proposal.transfer_ids.push(transfer);
        }
    }
    Ok(proposals)
}

fn proposal_of(row: &sqlx::any::AnyRow) -> Result<Proposal, sqlx::Error> {
    let decided_by: Option<String> = row.try_get(5)?;
    let decided_at: Option<i64> = row.try_get(6)?;
    let note: Option<String> = row.try_get(7)?;
    Ok(Proposal {
        id: row.try_get(0)?,
        organisation_id: row.try_get(1)?,
        state: State::parse(&row.try_get::<String, _>(2)?),
        proposed_by: row.try_get(3)?,
        proposed_at: clock::format_paris(row.try_get(4)?),
        decision: decided_by.zip(decided_at).map(|(by, at)| (by, clock::format_paris(at), note.unwrap_or_default())),
        transfer_ids: Vec::new(),
    })
}

/// One proposal with its transfers.
pub async fn proposal(db: &Db, scope: OrgScope, id: i64) -> Result<(Proposal, Vec<TransferSummary>), ArchiveError> {
    let proposal = list(db, scope)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| ArchiveError::NotFound(format!("proposition d'élimination {id} introuvable")))?;
    let transfers =
        access::transfers(db, scope, &Search::default()).await?.into_iter().filter(|t| proposal.transfer_ids.contains(&t.id)).collect();
    Ok((proposal, transfers))
}

/// The proposals awaiting an archivist, of every organisation: `(organisation id, proposal id)`, oldest first.
pub async fn awaiting(db: &Db) -> Result<Vec<(i64, i64)>, ArchiveError> {
    let rows = sqlx::query("SELECT organisation_id, id FROM archive_eliminations WHERE state = 'proposed' ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<_, sqlx::Error>>().map_err(Into::into)
}

/// The archivist's approval: every transfer is checked again (retention over, no hold, still on the
/// platform) — any that is not refuses the whole approval and changes nothing — then its objects leave.
pub async fn approve(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    id: i64,
    archivist: &str,
    visa: &str,
    now: OffsetDateTime,
) -> Result<(), ArchiveError> {
    let visa = visa.trim();
    if visa.is_empty() {
        return Err(ArchiveError::Invalid(
            "indiquez la référence du visa de l'autorité de contrôle (service d'archives départemental)".into(),
        ));
    }
    let (proposal, transfers) = proposal(db, scope, id).await?;
    if proposal.state != State::Proposed {
        return Err(ArchiveError::Invalid(format!("la proposition {} est déjà {}", proposal.number(), proposal.state.label())));
    }
    let today = clock::paris_date(now);
    let held: HashSet<i64> = holds::list(db, scope).await?.into_iter().filter(|h| h.is_active()).map(|h| h.transfer_id).collect();
    for transfer in &transfers {
        let disposition = transfer.disposition(today, held.contains(&transfer.id));
        if transfer.disposal.is_some() || disposition != Disposition::Eliminable {
            return Err(ArchiveError::Invalid(format!(
                "le versement {} ne peut pas être éliminé : {}",
                transfer.identifier,
                transfer.disposal_label().unwrap_or_else(|| disposition.label())
            )));
        }
    }
    let organisation = sources::transferring(db, scope).await?;
    let objects = disposal::objects_of(db, scope, &proposal.transfer_ids).await?;
    let decision = format!("approuvée le {} par {archivist}, visa de l'autorité de contrôle : {visa}", retention::french_date(today));
    let certificate = Certificate {
        title: "Certificat d'élimination d'archives",
        number: proposal.number(),
        date: retention::french_date(today),
        organisation: &organisation.name,
        organisation_identifier: &organisation.identifier,
        decision_label: "Décision",
        decision: format!("Proposition de {} du {}, {decision}", proposal.proposed_by, proposal.proposed_at),
        basis: "Code du patrimoine, art. L212-2 et R212-14 : durée d'utilité administrative échue, sort final « destruction »",
        transfers: &transfers,
        objects: &objects,
    };
    let pdf = certificate.pdf().await?;
    let notification = seda::destruction_notification_xml(
        &format!("{}-NOTIF", proposal.number()),
        now,
        &format!("Élimination {} : {} versement(s), {} objet(s)", proposal.number(), transfers.len(), objects.len()),
        &format!("{}-VISA", proposal.number()),
        &transfers.iter().map(|t| t.identifier.clone()).collect::<Vec<_>>(),
        &seda::archival_agency(),
        &seda::Agency { identifier: organisation.identifier.clone(), name: organisation.name.clone() },
    );
    let pdf = blobs.put(pdf).await?;
    let notification = blobs.put(notification.into_bytes()).await?;
    let at = clock::millis_of(now);
    let mut tx = db.begin().await?;
    for transfer in &transfers {
        if holds::is_held(&mut tx, scope, transfer.id).await? {
            return Err(ArchiveError::Invalid(format!("le versement {} vient d'être gelé : élimination annulée", transfer.identifier)));
        }
    }
    let decided = scoped(
        scope,
        "UPDATE archive_eliminations SET state = 'approved', decided_by = $3, decided_at = $4, decision_note = $5, \
         certificate_sha256 = $6, notification_sha256 = $7 WHERE organisation_id = $1 AND id = $2 AND state = 'proposed'",
    )
    .bind(id)
    .bind(archivist.to_string())
    .bind(at)
    .bind(visa.to_string())
    .bind(pdf.sha256.clone())
    .bind(notification.sha256.clone())
    .execute(&mut *tx)
    .await?;
    if decided.rows_affected() != 1 {
        return Err(ArchiveError::Invalid(format!("la proposition {} vient d'être décidée par ailleurs", proposal.number())));
    }
    let disposal_name = format!("elimination:{id}");
    disposal::remove(&mut tx, scope, &proposal.transfer_ids, &objects, EventKind::Elimination, &disposal_name, at).await?;
    let detail = format!("Certificat d'élimination {} : {}", proposal.number(), decision);
    let entry = NewEntry {
        organisation_id: Some(scope.organisation_id()),
        kind: EventKind::Elimination,
        reference: &disposal_name,
        object_sha256: Some(&pdf.sha256),
        detail: &detail,
    };
    journal::append(&mut tx, &entry, at).await?;
    tx.commit().await?;
    disposal::purge(db, blobs, objects.into_iter().map(|o: Leaving| o.sha256)).await
}

/// The archivist's refusal, with its reason; the transfers stay and may be proposed again.
pub async fn refuse(db: &Db, scope: OrgScope, id: i64, archivist: &str, reason: &str) -> Result<(), ArchiveError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ArchiveError::Invalid("indiquez le motif du refus".into()));
    }
    let done = scoped(
        scope,
        "UPDATE archive_eliminations SET state = 'refused', decided_by = $3, decided_at = $4, decision_note = $5 \
         WHERE organisation_id = $1 AND id = $2 AND state = 'proposed'",
    )
    .bind(id)
    .bind(archivist.to_string())
    .bind(clock::now_millis())
    .bind(reason.to_string())
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(ArchiveError::NotFound(format!("aucune proposition d'élimination en attente n° {id}")));
    }
    Ok(())
}

/// The certificate (PDF) or the SEDA notification (XML) of an approved elimination.
pub async fn document(db: &Db, blobs: &BlobStore, scope: OrgScope, id: i64, certificate: bool) -> Result<Vec<u8>, ArchiveError> {
    let row =
        scoped(scope, "SELECT certificate_sha256, notification_sha256 FROM archive_eliminations WHERE organisation_id = $1 AND id = $2")
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .ok_or_else(|| ArchiveError::NotFound(format!("proposition d'élimination {id} introuvable")))?;
    let digest: Option<String> = row.try_get(if certificate { 0 } else { 1 })?;
    let digest = digest.ok_or_else(|| ArchiveError::NotFound(format!("la proposition {id} n'a pas été approuvée")))?;
    Ok(blobs.get(&digest).await?)
}
