//! Publication of acts (ordonnance 2021-1310, CGCT L2131-1): the date is set once and never changes,
//! the act stays online (never withdrawn by the platform, so at least the two months of appeal), the
//! public searches them; deliberations feed the open-data slice in the SCDL `deliberations` format.

use crate::legality::{Classification, Nature};
use crate::model::{Act, ActState};
use crate::store::acts as sql;
use crate::{ActsError, service, settings};
use identity::model::Organisation;
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde_json::json;
use store::{Db, OrgScope, audit};
use time::{Date, OffsetDateTime};

/// Publishes a signed act at `at` (milliseconds). A published act cannot be published again.
pub async fn publish(db: &Db, scope: OrgScope, actor: Actor<'_>, act_id: i64, at: i64) -> Result<(), ActsError> {
    let act = service::act(db, scope, act_id).await?.ok_or_else(|| ActsError::NotFound(format!("acte {act_id} introuvable")))?;
    if matches!(act.state, ActState::Draft | ActState::InCircuit | ActState::Rejected | ActState::Cancelled) {
        return Err(ActsError::Conflict(format!("l'acte doit être signé avant d'être publié (état : {})", act.state.label())));
    }
    if act.published_at.is_some() {
        return Err(ActsError::Conflict("l'acte est déjà publié ; sa date de publication ne change pas".into()));
    }
    let on = store::clock::paris_date(OffsetDateTime::from_unix_timestamp(at / 1000).map_err(|e| ActsError::Invalid(e.to_string()))?);
    let mut tx = db.begin().await?;
    if !sql::publish(&mut tx, scope, act_id, at).await? {
        return Err(ActsError::Conflict("l'acte vient d'être publié".into()));
    }
    if let Some(number) = &act.register_number {
        assembly::recording::record_legality(&mut tx, scope, number, act.actes_id.as_deref(), None, Some(on))
            .await
            .map_err(|e| ActsError::Invalid(e.to_string()))?;
    }
    service::record(&mut tx, scope, act_id, "published", actor.label, &format!("Publié le {}", kernel::calendar::format_fr(on))).await?;
    let target = format!("act:{}", act.display_number());
    audit::record(&mut tx, actor.entry(Some(scope.organisation_id()), AuditAction::ActPublished, &target, json!({ "published_at": at })))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What the public looks for.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub text: String,
    pub nature: Option<Nature>,
    /// A matter code or its beginning (`7` finds `7.1`).
    pub matter: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Search {
    fn matches(&self, act: &Act) -> bool {
        let text = fold(&self.text);
        let haystack = fold(&format!("{} {} {}", act.subject, act.display_number(), act.internal_number));
        (text.is_empty() || text.split_whitespace().all(|word| haystack.contains(word)))
            && self.nature.is_none_or(|n| n == act.nature)
            && (self.matter.trim().is_empty()
                || act.matter_code == self.matter.trim()
                || act.matter_code.starts_with(&format!("{}.", self.matter.trim())))
            && self.from.is_none_or(|from| act.decided_on >= from)
            && self.to.is_none_or(|to| act.decided_on <= to)
    }
}

/// The published acts that match, newest publication first.
pub async fn search(db: &Db, scope: OrgScope, search: &Search) -> Result<Vec<Act>, ActsError> {
    Ok(service::published(db, scope).await?.into_iter().filter(|act| search.matches(act)).collect())
}

/// Lower case without accents, for searching.
fn fold(text: &str) -> String {
    kernel::slug::fold_accents(&text.to_lowercase())
}

/// The columns of SCDL `deliberations` 2.1.5, in order.
pub const SCDL_COLUMNS: [&str; 17] = [
    "COLL_NOM",
    "COLL_SIRET",
    "DELIB_ID",
    "DELIB_DATE",
    "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM",
    "DELIB_OBJET",
    "BUDGET_ANNEE",
    "BUDGET_NOM",
    "PREF_ID",
    "PREF_DATE",
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
    "DELIB_URL",
];

/// The published deliberations as an SCDL `deliberations` CSV (comma-separated, UTF-8), each linked
/// to its PDF under `public_url`.
pub async fn scdl_deliberations(db: &Db, scope: OrgScope, organisation: &Organisation, public_url: &str) -> Result<String, ActsError> {
    let settings = settings::get(db, scope)
        .await?
        .ok_or_else(|| ActsError::Invalid("le SIRET de l'organisation n'est pas renseigné (paramètres @ctes)".into()))?;
    settings.check_siret(organisation)?;
    let classification = service::classification(db, scope).await?;
    let mut out = csv_line(SCDL_COLUMNS.iter().map(|c| c.to_string()));
    for act in service::published(db, scope).await?.into_iter().filter(|a| a.nature == Nature::Deliberation) {
        let (matter_code, matter_name) = two_level_matter(&classification, &act.matter_code);
        let votes = votes(db, scope, &act).await?;
        let count = |value: Option<u32>| value.map(|v| v.to_string()).unwrap_or_default();
        out.push_str(&csv_line([
            organisation.name.clone(),
            settings.siret.trim().to_string(),
            act.display_number().to_string(),
            act.decided_on.to_string(),
            matter_code,
            matter_name,
            act.subject.clone(),
            String::new(),
            String::new(),
            act.actes_id.clone().unwrap_or_default(),
            act.received_on.map(|d| d.to_string()).unwrap_or_default(),
            count(votes.map(|v| v.0)),
            count(votes.map(|v| v.1)),
            count(votes.map(|v| v.2)),
            count(votes.map(|v| v.3)),
            count(votes.map(|v| v.4)),
            format!("{}/{}/actes-publies/{}.pdf", public_url.trim_end_matches('/'), organisation.slug, act.id),
        ]));
    }
    Ok(out)
}

/// SCDL keeps two levels of matter (`9.1`): the code and its label in the classification.
fn two_level_matter(classification: &Classification, code: &str) -> (String, String) {
    let two: Vec<&str> = code.split('.').take(2).collect();
    let code = two.join(".");
    let label = classification.lookup(&code).map(|m| m.label.clone()).unwrap_or_default();
    (code, label)
}

/// Members in office, voters, for, against, abstention of the deliberation, from the assembly slice.
async fn votes(db: &Db, scope: OrgScope, act: &Act) -> Result<Option<(u32, u32, u32, u32, u32)>, ActsError> {
    let Some(number) = &act.register_number else { return Ok(None) };
    let record = assembly::service::deliberation(db, scope, number).await.map_err(|e| ActsError::Invalid(e.to_string()))?;
    Ok(record.and_then(|record| {
        let item = record.deliberation(number)?;
        let tally = item.vote.as_ref()?.tally;
        let voters = tally.for_ + tally.against + tally.abstention + tally.not_voting;
        Some((record.members_in_office.len() as u32, voters, tally.for_, tally.against, tally.abstention))
    }))
}

fn csv_line(fields: impl IntoIterator<Item = String>) -> String {
    let mut line = fields
        .into_iter()
        .map(|field| if field.contains([',', '"', '\n', '\r']) { format!("\"{}\"", field.replace('"', "\"\"")) } else { field })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}
