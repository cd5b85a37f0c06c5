//! The flows of the other slices as transfers: an act acknowledged by the prefecture (its signed PDF and
//! every @ctes message exchanged), a PES file acknowledged by the accountant (the signed file and its
//! `PES_Acquit`).

use crate::deposit::{self, Deposited, NewObject, NewTransfer, Transferring};
use crate::{ArchiveError, Category};
use acts::legality::Nature;
use store::blobs::BlobStore;
use store::{Db, OrgScope};
use time::OffsetDateTime;

/// The kind of flow a job hands to the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// `{organisation_id, act_id}`: an act acknowledged by the prefecture.
    Act,
    /// `{organisation_id, flow_id}`: a PES file acknowledged by the accountant.
    AccountingFile,
}

/// The job handlers of `acts::transmission::ARCHIVE_JOB` and `acts::accounting::flows::ARCHIVE_JOB`.
pub async fn run_job(db: &Db, blobs: &BlobStore, flow: Flow, payload: &serde_json::Value) -> Result<(), String> {
    let field = |key: &str| payload.get(key).and_then(serde_json::Value::as_i64).ok_or_else(|| format!("tâche sans {key}"));
    let scope = OrgScope::granted(field("organisation_id")?);
    let now = OffsetDateTime::now_utc();
    let deposited = match flow {
        Flow::Act => archive_act(db, blobs, scope, field("act_id")?, now).await,
        Flow::AccountingFile => archive_pes_flow(db, blobs, scope, field("flow_id")?, now).await,
    };
    deposited.map(|_| ()).map_err(|e| e.to_string())
}

fn acts_error(e: acts::ActsError) -> ArchiveError {
    match e {
        acts::ActsError::NotFound(m) => ArchiveError::NotFound(m),
        other => ArchiveError::Invalid(other.to_string()),
    }
}

/// The organisation of `scope` as a transferring agency.
pub async fn transferring(db: &Db, scope: OrgScope) -> Result<Transferring, ArchiveError> {
    let organisation = identity::service::organisation_by_id(db, scope.organisation_id())
        .await
        .map_err(|e| ArchiveError::Invalid(e.to_string()))?
        .ok_or_else(|| ArchiveError::NotFound(format!("organisation {} inconnue", scope.organisation_id())))?;
    Ok(Transferring { scope, identifier: organisation.siren.clone().unwrap_or(organisation.slug.clone()), name: organisation.name })
}

/// Archives an act once the prefecture acknowledged it; `None` when it is not acknowledged yet.
pub async fn archive_act(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    act_id: i64,
    now: OffsetDateTime,
) -> Result<Option<Deposited>, ArchiveError> {
    let act = acts::service::act(db, scope, act_id)
        .await
        .map_err(acts_error)?
        .ok_or_else(|| ArchiveError::NotFound(format!("acte {act_id} introuvable")))?;
    let (Some(actes_id), Some(_)) = (&act.actes_id, act.received_on) else { return Ok(None) };
    let signed = blobs.verify(act.current_sha256()).await?;
    let mut objects = vec![NewObject {
        file_name: format!("{actes_id}.pdf"),
        media_type: "application/pdf".into(),
        title: format!("Acte signé {}", act.display_number()),
        sha256: signed.sha256,
        size: signed.size,
    }];
    for message in acts::service::messages(db, scope, act_id).await.map_err(acts_error)? {
        if !message.file_name.ends_with(".xml") || objects.iter().any(|o| o.sha256 == message.sha256) {
            continue;
        }
        let blob = blobs.verify(&message.sha256).await?;
        objects.push(NewObject {
            file_name: message.file_name.clone(),
            media_type: "application/xml".into(),
            title: format!("@ctes : {}", message.kind),
            sha256: blob.sha256,
            size: blob.size,
        });
    }
    let transfer = NewTransfer {
        transferring: transferring(db, scope).await?,
        source: format!("acte:{actes_id}"),
        category: if act.nature == Nature::Deliberation { Category::Deliberation } else { Category::Act },
        title: format!("{} — {}", act.display_number(), act.subject),
        dated: act.decided_on,
        objects,
    };
    deposit::deposit(db, blobs, &transfer, now).await.map(Some)
}

/// Archives a PES file once the accountant acknowledged it; `None` when it is not acknowledged yet.
pub async fn archive_pes_flow(
    db: &Db,
    blobs: &BlobStore,
    scope: OrgScope,
    flow_id: i64,
    now: OffsetDateTime,
) -> Result<Option<Deposited>, ArchiveError> {
    let flow = acts::accounting::list(db, scope)
        .await
        .map_err(acts_error)?
        .into_iter()
        .find(|f| f.id == flow_id)
        .ok_or_else(|| ArchiveError::NotFound(format!("flux comptable {flow_id} introuvable")))?;
    if !flow.has_acquit {
        return Ok(None);
    }
    let mut objects = Vec::new();
    for (acquit, title) in [(false, "Fichier PES signé"), (true, "Acquittement du comptable (PES_Acquit)")] {
        let (file_name, bytes) = acts::accounting::file(db, blobs, scope, flow_id, acquit).await.map_err(acts_error)?;
        let blob = blobs.put(bytes).await?;
        objects.push(NewObject {
            file_name,
            media_type: "application/xml".into(),
            title: title.into(),
            sha256: blob.sha256,
            size: blob.size,
        });
    }
    let transfer = NewTransfer {
        transferring: transferring(db, scope).await?,
        source: format!("pes:{}", flow.file_name),
        category: Category::AccountingFlow,
        title: format!("{} {} — {}", flow.domain.label(), flow.year, flow.file_name),
        dated: time::Date::from_calendar_date(i32::try_from(flow.year).unwrap_or(1970), time::Month::December, 31)
            .map_err(|e| ArchiveError::Invalid(e.to_string()))?,
        objects,
    };
    deposit::deposit(db, blobs, &transfer, now).await.map(Some)
}
