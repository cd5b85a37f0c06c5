//! The durable job queue: work that must happen after a write and must not be lost or done twice —
//! transmitting an act to the prefecture, sending an e-mail, handing a PES flow to the accountant.
//!
//! - **Same transaction.** [`enqueue`] takes the caller's [`Tx`]: the job exists if and only if the
//!   business write that asked for it was committed.
//! - **Idempotency key.** Enqueuing again with a key already used returns the existing job's id and
//!   creates nothing, whatever that job's state: one key, one job, ever.
//! - **Lease.** [`claim`] hands the oldest due job to one worker for a limited time, with a secret
//!   [`Lease`] token. Only the holder of the current token may [`complete`] or [`fail`] the job, so a
//!   worker whose lease expired and whose job was re-claimed cannot overwrite the new owner's outcome.
//!   On PostgreSQL, claimers on several nodes skip each other's rows (`FOR UPDATE SKIP LOCKED`); on
//!   SQLite the write transaction (`BEGIN IMMEDIATE`) serialises them.
//! - **Retries and dead letters.** A failed attempt is retried after [`retry_delay`]; after
//!   `max_attempts` the job is `dead` and waits for a person ([`retry_dead`]).
//!
//! [`Worker`] runs handlers for some job kinds until told to stop.

use crate::{Backend, Db, StoreError, Tx, clock};
use futures::future::BoxFuture;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Attempts of a job before it becomes a dead letter, unless [`NewJob::max_attempts`] says otherwise.
/// With [`retry_delay`], ten attempts span about three hours.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 10;

/// Longest error message kept in `last_error`, in characters.
const MAX_ERROR_CHARS: usize = 4000;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for its `run_at` instant and a worker.
    Queued,
    /// Claimed by a worker whose lease runs until `lease_until`.
    Running,
    /// Done successfully.
    Done,
    /// Failed `max_attempts` times: a dead letter, left for a person to look at.
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 4] = [Self::Queued, Self::Running, Self::Done, Self::Dead];

    /// The code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == code)
    }
}

/// A job to enqueue. Build it with [`NewJob::new`] and the optional setters.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What to do, e.g. `actes.transmit`; a [`Worker`] routes on it.
    pub kind: String,
    /// The organisation the job works for, if any.
    pub organisation_id: Option<i64>,
    /// The handler's input.
    pub payload: serde_json::Value,
    /// Unique across all jobs; include the kind in it, e.g. `actes.transmit:42`.
    pub idempotency_key: Option<String>,
    /// Not before this instant (Unix milliseconds); `None` means now.
    pub run_at: Option<i64>,
    /// Attempts before the job becomes a dead letter (at least 1).
    pub max_attempts: i64,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: serde_json::Value) -> Self {
        Self { kind: kind.into(), organisation_id: None, payload, idempotency_key: None, run_at: None, max_attempts: DEFAULT_MAX_ATTEMPTS }
    }

    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn organisation(mut self, organisation_id: i64) -> Self {
        self.organisation_id = Some(organisation_id);
        self
    }

    pub fn run_at(mut self, millis: i64) -> Self {
        self.run_at = Some(millis);
        self
    }

    pub fn max_attempts(mut self, attempts: i64) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
}

/// The right to settle one claimed attempt of a job. A new claim of the same job gets a new token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub job_id: i64,
    token: String,
}

/// A job handed to a worker by [`claim`].
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub organisation_id: Option<i64>,
    pub payload: serde_json::Value,
    /// This attempt's number, from 1.
    pub attempt: i64,
    pub max_attempts: i64,
    pub lease: Lease,
}

/// What became of a claimed job when its worker settled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// [`complete`]: the job is done.
    Done,
    /// [`fail`]: the job will be tried again at this instant (Unix milliseconds).
    Retrying { run_at: i64 },
    /// [`fail`] of the last allowed attempt: the job is a dead letter.
    Dead,
    /// Nothing was recorded: this lease had expired, and since then another worker claimed the job (or,
    /// after its last allowed attempt, it was given up as dead).
    LeaseLost,
}

/// A job as shown on the operations page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub organisation_id: Option<i64>,
    pub payload: serde_json::Value,
    pub idempotency_key: Option<String>,
    pub state: JobState,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub lease_until: Option<i64>,
    /// The worker that holds, or last held, the job.
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// How many jobs are in each state (for the operations page and Prometheus).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub dead: i64,
}

/// How long to wait before the next attempt, after attempt number `attempts` (from 1) failed:
/// 30 s × 2^(attempts − 1), capped at one hour.
pub fn retry_delay(attempts: i64) -> Duration {
    const BASE_SECS: u64 = 30;
    const CAP_SECS: u64 = 3600;
    let doublings = attempts.saturating_sub(1).clamp(0, 7) as u32; // 30 s × 2^7 already exceeds the cap
    Duration::from_secs((BASE_SECS << doublings).min(CAP_SECS))
}

/// Enqueues a job in the caller's transaction and returns its id. If a job with the same idempotency
/// key exists, returns that job's id and enqueues nothing.
pub async fn enqueue(tx: &mut Tx, job: NewJob) -> Result<i64, StoreError> {
    let now = clock::now_millis();
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO jobs (kind, organisation_id, payload, idempotency_key, state, attempts, max_attempts, run_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6, $7, $7) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(job.kind)
    .bind(job.organisation_id)
    .bind(job.payload.to_string())
    .bind(job.idempotency_key.clone())
    .bind(job.max_attempts.max(1))
    .bind(job.run_at.unwrap_or(now))
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    match (inserted, job.idempotency_key) {
        (Some(id), _) => Ok(id),
        // Only a unique key can conflict; another transaction holding it has committed by now (PostgreSQL
        // waits for it), so the row is visible.
        (None, Some(key)) => {
            Ok(sqlx::query_scalar("SELECT id FROM jobs WHERE idempotency_key = $1").bind(key).fetch_one(&mut **tx).await?)
        }
        (None, None) => Err(StoreError::Database(sqlx::Error::RowNotFound)),
    }
}

const REAP_SQLITE: &str = "UPDATE jobs SET state = 'dead', lease_token = NULL, lease_until = NULL, last_error = $2, \
     updated_at = $1, finished_at = $1 \
     WHERE state = 'running' AND lease_until <= $1 AND attempts >= max_attempts";
const REAP_POSTGRES: &str = "UPDATE jobs SET state = 'dead', lease_token = NULL, lease_until = NULL, last_error = $2, \
     updated_at = $1, finished_at = $1 \
     WHERE id IN (SELECT id FROM jobs WHERE state = 'running' AND lease_until <= $1 AND attempts >= max_attempts \
     FOR UPDATE SKIP LOCKED)";

const CLAIM_SQLITE: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_token = $1, locked_by = $2, \
     lease_until = $3, updated_at = $4 \
     WHERE id = (SELECT id FROM jobs WHERE kind IN (SELECT value FROM json_each($5)) \
     AND ((state = 'queued' AND run_at <= $4) OR (state = 'running' AND lease_until <= $4 AND attempts < max_attempts)) \
     ORDER BY run_at, id LIMIT 1) \
     RETURNING id, kind, organisation_id, payload, attempts, max_attempts";
const CLAIM_POSTGRES: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_token = $1, locked_by = $2, \
     lease_until = $3, updated_at = $4 \
     WHERE id = (SELECT id FROM jobs WHERE kind IN (SELECT jsonb_array_elements_text(CAST($5 AS jsonb))) \
     AND ((state = 'queued' AND run_at <= $4) OR (state = 'running' AND lease_until <= $4 AND attempts < max_attempts)) \
     ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
     RETURNING id, kind, organisation_id, payload, attempts, max_attempts";

/// Takes the oldest due job of one of `kinds` — queued and due, or running with an expired lease — for
/// `lease`. Returns `None` when there is nothing to do (or `kinds` is empty).
///
/// A job whose lease expired during its last allowed attempt (its worker died) becomes a dead letter here.
pub async fn claim(db: &Db, worker_id: &str, kinds: &[&str], lease: Duration) -> Result<Option<ClaimedJob>, StoreError> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let now = clock::now_millis();
    let token = new_token()?;
    let kinds_json = serde_json::to_string(kinds).map_err(decode_error)?;
    let (reap_sql, claim_sql) = match db.backend() {
        Backend::Sqlite => (REAP_SQLITE, CLAIM_SQLITE),
        Backend::Postgres => (REAP_POSTGRES, CLAIM_POSTGRES),
    };
    let mut tx = db.begin().await?;
    sqlx::query(reap_sql)
        .bind(now)
        .bind("le bail a expiré pendant la dernière tentative (traitement interrompu)")
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query(claim_sql)
        .bind(token.clone())
        .bind(worker_id.to_string())
        .bind(now.saturating_add(millis(lease)))
        .bind(now)
        .bind(kinds_json)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let payload: String = row.try_get("payload")?;
    Ok(Some(ClaimedJob {
        id,
        kind: row.try_get("kind")?,
        organisation_id: row.try_get("organisation_id")?,
        payload: serde_json::from_str(&payload).map_err(decode_error)?,
        attempt: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        lease: Lease { job_id: id, token },
    }))
}

/// Records that the claimed attempt succeeded. Returns [`Outcome::Done`], or [`Outcome::LeaseLost`] if
/// another worker has claimed the job since (nothing is then changed).
pub async fn complete(db: &Db, lease: &Lease) -> Result<Outcome, StoreError> {
    let now = clock::now_millis();
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', lease_token = NULL, lease_until = NULL, updated_at = $3, finished_at = $3 \
         WHERE id = $1 AND lease_token = $2 AND state = 'running'",
    )
    .bind(lease.job_id)
    .bind(lease.token.clone())
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(if done.rows_affected() == 1 { Outcome::Done } else { Outcome::LeaseLost })
}

/// Records that the claimed attempt failed with `error`: the job is queued again after [`retry_delay`],
/// or becomes a dead letter if that was its last allowed attempt. [`Outcome::LeaseLost`] if another
/// worker has claimed the job since (nothing is then changed).
pub async fn fail(db: &Db, lease: &Lease, error: &str) -> Result<Outcome, StoreError> {
    let select = match db.backend() {
        Backend::Sqlite => "SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'running'",
        Backend::Postgres => "SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'running' FOR UPDATE",
    };
    let mut tx = db.begin().await?;
    let Some(row) = sqlx::query(select).bind(lease.job_id).bind(lease.token.clone()).fetch_optional(&mut *tx).await? else {
        return Ok(Outcome::LeaseLost);
    };
    let attempts: i64 = row.try_get("attempts")?;
    let max_attempts: i64 = row.try_get("max_attempts")?;
    let now = clock::now_millis();
    let outcome = if attempts < max_attempts {
        Outcome::Retrying { run_at: now.saturating_add(millis(retry_delay(attempts))) }
    } else {
        Outcome::Dead
    };
    let (state, run_at, finished_at) = match outcome {
        Outcome::Retrying { run_at } => ("queued", Some(run_at), None),
        _ => ("dead", None, Some(now)),
    };
    sqlx::query(
        "UPDATE jobs SET state = $2, run_at = COALESCE($3, run_at), finished_at = $4, last_error = $5, \
         lease_token = NULL, lease_until = NULL, updated_at = $6 WHERE id = $1",
    )
    .bind(lease.job_id)
    .bind(state)
    .bind(run_at)
    .bind(finished_at)
    .bind(truncate(error, MAX_ERROR_CHARS))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Extends a lease to `lease` from now, for a long attempt. `false` if the lease was lost.
pub async fn extend_lease(db: &Db, lease: &Lease, duration: Duration) -> Result<bool, StoreError> {
    let now = clock::now_millis();
    let extended =
        sqlx::query("UPDATE jobs SET lease_until = $3, updated_at = $4 WHERE id = $1 AND lease_token = $2 AND state = 'running'")
            .bind(lease.job_id)
            .bind(lease.token.clone())
            .bind(now.saturating_add(millis(duration)))
            .bind(now)
            .execute(db.pool())
            .await?;
    Ok(extended.rows_affected() == 1)
}

/// Queues a dead letter again, now, with a fresh budget of attempts (its last error is kept).
/// `false` if the job does not exist or is not dead.
pub async fn retry_dead(db: &Db, job_id: i64) -> Result<bool, StoreError> {
    let now = clock::now_millis();
    let requeued = sqlx::query(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, finished_at = NULL, updated_at = $2 \
         WHERE id = $1 AND state = 'dead'",
    )
    .bind(job_id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(requeued.rows_affected() == 1)
}

/// `SELECT … FROM jobs` followed by the given literal, as one `&'static str`.
macro_rules! select_jobs {
    ($rest:literal) => {
        concat!(
            "SELECT id, kind, organisation_id, payload, idempotency_key, state, attempts, max_attempts, run_at, ",
            "lease_until, locked_by, last_error, created_at, updated_at, finished_at FROM jobs",
            $rest
        )
    };
}

/// One job, if it exists.
pub async fn get(db: &Db, job_id: i64) -> Result<Option<JobRecord>, StoreError> {
    const SQL: &str = select_jobs!(" WHERE id = $1");
    let row = sqlx::query_as::<_, JobRow>(SQL).bind(job_id).fetch_optional(db.pool()).await?;
    row.map(JobRecord::try_from).transpose()
}

/// The most recent jobs, newest first, in one state or in all.
pub async fn list(db: &Db, state: Option<JobState>, limit: i64) -> Result<Vec<JobRecord>, StoreError> {
    const ALL: &str = select_jobs!(" ORDER BY id DESC LIMIT $1");
    const IN_STATE: &str = select_jobs!(" WHERE state = $2 ORDER BY id DESC LIMIT $1");
    let query = match state {
        None => sqlx::query_as::<_, JobRow>(ALL).bind(limit),
        Some(state) => sqlx::query_as::<_, JobRow>(IN_STATE).bind(limit).bind(state.as_str()),
    };
    query.fetch_all(db.pool()).await?.into_iter().map(JobRecord::try_from).collect()
}

/// How many jobs are in each state.
pub async fn counts_by_state(db: &Db) -> Result<JobCounts, StoreError> {
    let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").fetch_all(db.pool()).await?;
    let mut counts = JobCounts::default();
    for row in rows {
        let state: String = row.try_get("state")?;
        let n: i64 = row.try_get("n")?;
        match JobState::parse(&state) {
            Some(JobState::Queued) => counts.queued = n,
            Some(JobState::Running) => counts.running = n,
            Some(JobState::Done) => counts.done = n,
            Some(JobState::Dead) => counts.dead = n,
            None => return Err(unknown_state(&state)),
        }
    }
    Ok(counts)
}

/// The future a handler returns: `Err` carries the message recorded as the job's `last_error`.
pub type HandlerFuture = BoxFuture<'static, Result<(), String>>;
type Handler = Arc<dyn Fn(serde_json::Value) -> HandlerFuture + Send + Sync>;

/// Runs the handlers of some job kinds: claim → handle → complete or fail, until shut down.
///
/// ```text
/// let worker = Worker::new("node-1").handle("mail.send", |payload| async move { send(payload).await });
/// tokio::spawn(worker.run(db.clone(), shutdown_rx));
/// ```
pub struct Worker {
    id: String,
    handlers: HashMap<String, Handler>,
    lease: Duration,
    poll_interval: Duration,
}

impl Worker {
    /// A worker without handlers, with a 5-minute lease and a 1-second poll interval. `id` names it in
    /// the `locked_by` column (host and process, say).
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), handlers: HashMap::new(), lease: Duration::from_secs(300), poll_interval: Duration::from_secs(1) }
    }

    /// Handles jobs of `kind` with `handler`, which gets the job's payload.
    pub fn handle<F, Fut>(mut self, kind: impl Into<String>, handler: F) -> Self
    where
        F: Fn(serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |payload| Box::pin(handler(payload)));
        self.handlers.insert(kind.into(), handler);
        self
    }

    /// How long a claim lasts; the worker extends it every third of it while the handler runs, so the
    /// lease only expires when the worker dies. Handlers must therefore bound their own waits (HTTP
    /// timeouts and the like).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_millis(3));
        self
    }

    /// How long to wait when there is nothing to do.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Processes at most one due job. `None` when there was nothing to do.
    pub async fn run_once(&self, db: &Db) -> Result<Option<Outcome>, StoreError> {
        let kinds: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        let Some(job) = claim(db, &self.id, &kinds, self.lease).await? else {
            return Ok(None);
        };
        let result = match self.handlers.get(&job.kind) {
            Some(handler) => self.execute(db, handler(job.payload), &job.lease).await,
            None => Err(format!("aucun traitement pour les tâches « {} »", job.kind)),
        };
        let outcome = match &result {
            Ok(()) => complete(db, &job.lease).await?,
            Err(error) => fail(db, &job.lease, error).await?,
        };
        match outcome {
            Outcome::Done => tracing::debug!(job = job.id, kind = %job.kind, "job done"),
            Outcome::Retrying { run_at } => {
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempt, run_at, error = ?result.err(), "job failed, will retry")
            }
            Outcome::Dead => {
                tracing::error!(job = job.id, kind = %job.kind, attempt = job.attempt, error = ?result.err(), "job failed for the last time: dead letter")
            }
            Outcome::LeaseLost => {
                tracing::warn!(job = job.id, kind = %job.kind, "job lease lost to another worker: outcome discarded")
            }
        }
        Ok(Some(outcome))
    }

    /// Runs one handler to its end in its own task (a panic fails the attempt), extending the lease as it goes.
    async fn execute(&self, db: &Db, work: HandlerFuture, lease: &Lease) -> Result<(), String> {
        let mut task = tokio::spawn(work);
        let mut heartbeat = tokio::time::interval(self.lease / 3);
        heartbeat.tick().await; // the first tick is immediate
        loop {
            tokio::select! {
                joined = &mut task => {
                    return joined.unwrap_or_else(|e| Err(format!("le traitement s'est interrompu : {e}")));
                }
                _ = heartbeat.tick() => match extend_lease(db, lease, self.lease).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(job = lease.job_id, "job lease lost while its handler runs"),
                    Err(e) => tracing::warn!(job = lease.job_id, error = %e, "could not extend a job lease"),
                },
            }
        }
    }

    /// Processes jobs until `shutdown` holds `true` (or its sender is dropped). A job being handled when
    /// shutdown is asked is finished first. Database errors are logged and retried after the poll interval.
    pub async fn run(self, db: Db, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, kinds = ?self.handlers.keys().collect::<Vec<_>>(), "job worker started");
        while !*shutdown.borrow_and_update() {
            let idle = match self.run_once(&db).await {
                Ok(processed) => processed.is_none(),
                Err(e) => {
                    tracing::error!(worker = %self.id, error = %e, "job worker: database error");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(self.poll_interval) => {}
                    changed = shutdown.changed() => if changed.is_err() { break },
                }
            }
        }
        tracing::info!(worker = %self.id, "job worker stopped");
    }
}

/// Same as [`Worker::run`].
pub async fn run_worker(db: Db, worker: Worker, shutdown: watch::Receiver<bool>) {
    worker.run(db, shutdown).await
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    organisation_id: Option<i64>,
    payload: String,
    idempotency_key: Option<String>,
    state: String,
    attempts: i64,
    max_attempts: i64,
    run_at: i64,
    lease_until: Option<i64>,
    locked_by: Option<String>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

impl TryFrom<JobRow> for JobRecord {
    type Error = StoreError;

    fn try_from(row: JobRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            kind: row.kind,
            organisation_id: row.organisation_id,
            payload: serde_json::from_str(&row.payload).map_err(decode_error)?,
            idempotency_key: row.idempotency_key,
            state: JobState::parse(&row.state).ok_or_else(|| unknown_state(&row.state))?,
            attempts: row.attempts,
            max_attempts: row.max_attempts,
            run_at: row.run_at,
            lease_until: row.lease_until,
            locked_by: row.locked_by,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
            finished_at: row.finished_at,
        })
    }
}

fn new_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
    Ok(hex::encode(bytes))
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => text[..end].to_string(),
        None => text.to_string(),
    }
}

fn decode_error(e: serde_json::Error) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(Box::new(e)))
}

fn unknown_state(state: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(format!("unknown job state {state:?}").into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_from_30_seconds_up_to_one_hour() {
        let cases = [
            (i64::MIN, 30),
            (0, 30),
            (1, 30),
            (2, 60),
            (3, 120),
            (4, 240),
            (5, 480),
            (6, 960),
            (7, 1920),
            (8, 3600),
            (9, 3600),
            (100, 3600),
            (i64::MAX, 3600),
        ];
        for (attempts, secs) in cases {
            assert_eq!(retry_delay(attempts), Duration::from_secs(secs), "after attempt {attempts}");
        }
    }

    #[test]
    fn states_round_trip() {
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        assert_eq!(JobState::parse("failed"), None);
    }

    #[test]
    fn errors_are_truncated_on_a_character_boundary() {
        assert_eq!(truncate("échec", 3), "éch");
        assert_eq!(truncate("échec", 10), "échec");
    }
}
