//! The revenue flow: the titres the convention's issuer emitted in a year, one bordereau per issue day,
//! signed and queued for the accountant.

use super::{Domain, Submission, UnsignedPes, sign_and_record};
use crate::ActsError;

/// Signs the PES_Aller of the titres issued in the year by the organisation (the convention's issuer),
/// every bordereau by the signatory with their certificate, and queues it for the accountant.
pub(super) async fn submit(s: &Submission<'_>) -> Result<i64, ActsError> {
    let scope = s.organisation.0;
    let issuer = convention::invoicing::issuer(s.db).await.map_err(|e| ActsError::Invalid(e.to_string()))?;
    if issuer.id != scope.organisation_id() {
        return Err(ActsError::Invalid("seul l'émetteur des titres de la convention envoie leurs bordereaux au comptable".into()));
    }
    let (file_name, xml, titres) = convention::invoicing::pes_document(s.db, s.year, store::clock::paris_date(s.now))
        .await
        .map_err(|e| ActsError::Invalid(e.to_string()))?;
    let mut tx = s.db.begin().await?;
    let id = sign_and_record(&mut tx, s, UnsignedPes { domain: Domain::Revenue, file_name, xml, pieces: titres }).await?;
    tx.commit().await?;
    Ok(id)
}
