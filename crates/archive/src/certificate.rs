//! Certificates of destruction (*certificats de destruction*): what left the platform, on whose
//! decision, object by object with its digest; printed as PDF from one HTML template, for an elimination
//! as for the destruction of copies after a restitution.

use crate::access::TransferSummary;
use crate::disposal::Leaving;
use crate::{ArchiveError, seda};
use askama::Template;

/// What a certificate attests.
pub struct Certificate<'a> {
    pub title: &'a str,
    pub number: String,
    /// Date of the certificate, in words.
    pub date: String,
    pub organisation: &'a str,
    pub organisation_identifier: &'a str,
    pub decision_label: &'a str,
    pub decision: String,
    pub basis: &'a str,
    pub transfers: &'a [TransferSummary],
    pub objects: &'a [Leaving],
}

#[derive(Template)]
#[template(path = "archive_certificate.html")]
struct CertificatePage<'a> {
    title: &'a str,
    number: &'a str,
    date: &'a str,
    archival_agency: String,
    organisation: &'a str,
    organisation_identifier: &'a str,
    decision_label: &'a str,
    decision: &'a str,
    basis: &'a str,
    transfers: &'a [TransferSummary],
    objects: &'a [Leaving],
    bytes: i64,
}

impl Certificate<'_> {
    /// The certificate as a PDF document (typeset on a blocking thread).
    pub async fn pdf(&self) -> Result<Vec<u8>, ArchiveError> {
        let page = CertificatePage {
            title: self.title,
            number: &self.number,
            date: &self.date,
            archival_agency: seda::archival_agency().name,
            organisation: self.organisation,
            organisation_identifier: self.organisation_identifier,
            decision_label: self.decision_label,
            decision: &self.decision,
            basis: self.basis,
            transfers: self.transfers,
            objects: self.objects,
            bytes: self.objects.iter().map(|o| o.size).sum(),
        };
        let html = page.render().map_err(|e| ArchiveError::Invalid(format!("certificat : {e}")))?;
        tokio::task::spawn_blocking(move || docgen::html_pdf(&html))
            .await
            .map_err(|e| ArchiveError::Invalid(format!("certificat : {e}")))?
            .map_err(|e| ArchiveError::Invalid(format!("certificat : {e}")))
    }
}
