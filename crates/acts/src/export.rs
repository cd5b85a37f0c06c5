//! The export of one act for an auditor or another system: every @ctes XML message exchanged, the
//! signed PDF with each signature's timestamp token (`.tsr`) and the signature value it covers, the
//! certificates that validate its signatures and timestamps, and its status.

use crate::{ActsError, keys, service};
use serde_json::json;
use std::path::Path;
use store::blobs::BlobStore;
use store::{Db, OrgScope};

/// What was written.
#[derive(Debug, Clone)]
pub struct Exported {
    pub files: Vec<String>,
}

/// Writes into `out` the messages (`*.xml`), the signed PDF, `ca.pem` and `status.json` of the act
/// numbered `number` (register or internal number).
pub async fn write(db: &Db, blobs: &BlobStore, scope: OrgScope, number: &str, out: &Path) -> Result<Exported, ActsError> {
    let act = service::act_by_number(db, scope, number).await?.ok_or_else(|| ActsError::NotFound(format!("aucun acte n° {number}")))?;
    let io = |e: std::io::Error| ActsError::Invalid(format!("écriture dans {} : {e}", out.display()));
    std::fs::create_dir_all(out).map_err(io)?;
    let mut files = Vec::new();
    for message in service::messages(db, scope, act.id).await? {
        if message.file_name.ends_with(".xml") || message.file_name.ends_with(".pdf") {
            std::fs::write(out.join(&message.file_name), blobs.get(&message.sha256).await?).map_err(io)?;
            files.push(message.file_name);
        }
    }
    let pdf = blobs.get(act.current_sha256()).await?;
    let signed_name = format!(
        "{}{}.pdf",
        safe(act.actes_id.as_deref().unwrap_or(&act.internal_number)),
        if act.signed_sha256.is_some() { "_signe" } else { "" }
    );
    let anchors = keys::trust_anchors(db, scope).await?;
    let report = signing::validation::validate(&pdf, &anchors)?;
    std::fs::write(out.join(&signed_name), &pdf).map_err(io)?;
    files.push(signed_name.clone());
    // Each signature's timestamp token and the signature value it covers, for `openssl ts -verify`.
    let stem = signed_name.trim_end_matches(".pdf").to_string();
    for (n, stamp) in signing::validation::signature_timestamps(&pdf)?.into_iter().enumerate() {
        for (suffix, bytes) in [(format!("{}.tsr", n + 1), stamp.token), (format!("{}.signature", n + 1), stamp.signature_value)] {
            let name = format!("{stem}.{suffix}");
            std::fs::write(out.join(&name), bytes).map_err(io)?;
            files.push(name);
        }
    }
    std::fs::write(out.join("ca.pem"), keys::chain_pem(db, scope).await?).map_err(io)?;
    files.push("ca.pem".into());
    let published_at = act.published_at.map(store::clock::rfc3339);
    let status = json!({
        "number": act.display_number(),
        "internal_number": act.internal_number,
        "nature": act.nature.letters(),
        "matter": act.matter_code,
        "subject": act.subject,
        "decided_on": act.decided_on.to_string(),
        "actes_id": act.actes_id,
        "transmission_id": act.transmission_id,
        "state": act.state.code(),
        "state_label": act.state.label(),
        "received_at": act.received_on.map(|d| d.to_string()),
        "published_at": published_at,
        "executory": act.is_executory(),
        "signed_pdf": signed_name,
        "signatures": report.signatures,
    });
    std::fs::write(out.join("status.json"), serde_json::to_vec_pretty(&status).expect("JSON")).map_err(io)?;
    files.push("status.json".into());
    Ok(Exported { files })
}

fn safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}
