//! What the slice's background jobs share: the organisation and record a job is about, and the follow-up
//! jobs that ask the other side again (prefecture, accountant) until it has answered.

use serde_json::{Value, json};
use store::jobs::{self, NewJob};
use store::{OrgScope, Tx, clock};

/// Queues the `round`-th asking of `kind` about the record `key` = `id`: at once for round 0, then 1, 2, 4 …
/// 32 minutes later.
pub(crate) async fn enqueue(
    tx: &mut Tx,
    kind: &'static str,
    scope: OrgScope,
    (key, id): (&str, i64),
    round: i64,
) -> Result<(), store::StoreError> {
    let delay = if round == 0 { 0 } else { 60_000 * (1 << (round - 1).min(5)) };
    let mut payload = json!({ "organisation_id": scope.organisation_id(), "round": round });
    payload[key] = json!(id);
    let job = NewJob::new(kind, payload).organisation(scope.organisation_id()).run_at(clock::now_millis() + delay).max_attempts(5);
    jobs::enqueue(tx, job).await.map(|_| ())
}

/// The organisation and the record `key` a job's payload names.
pub(crate) fn target(payload: &Value, key: &str) -> Result<(OrgScope, i64), String> {
    let organisation = payload.get("organisation_id").and_then(Value::as_i64).ok_or("tâche sans organisation_id")?;
    let id = payload.get(key).and_then(Value::as_i64).ok_or_else(|| format!("tâche sans {key}"))?;
    Ok((OrgScope::granted(organisation), id))
}

/// The round of a follow-up job (0 for the first asking).
pub(crate) fn round(payload: &Value) -> i64 {
    payload.get("round").and_then(Value::as_i64).unwrap_or(0)
}
