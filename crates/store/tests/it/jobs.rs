//! The durable job queue: same-transaction enqueue, idempotency, leases, retries, dead letters, runner.

use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use store::clock::now_millis;
use store::jobs::{self, JobCounts, JobRecord, JobState, NewJob, Outcome, Worker};
use store::testing::TestDb;
use store::{Db, StoreError};

const MINUTE: Duration = Duration::from_secs(60);

async fn enqueue(db: &Db, job: NewJob) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = jobs::enqueue(&mut tx, job).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn record(db: &Db, id: i64) -> JobRecord {
    jobs::get(db, id).await.unwrap().expect("job exists")
}

async fn organisation(db: &Db) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO organisations (kind, name, slug, created_at) VALUES ('commune', 'Juvignac', 'juvignac', 0) RETURNING id",
    )
    .fetch_one(db.pool())
    .await
    .unwrap()
}

/// Makes a job due now, as if its back-off delay had passed.
async fn make_due(db: &Db, id: i64) {
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE id = $1").bind(id).execute(db.pool()).await.unwrap();
}

#[tokio::test]
async fn a_rolled_back_enqueue_leaves_no_job() {
    let t = TestDb::new().await;
    let mut tx = t.db.begin().await.unwrap();
    let id = jobs::enqueue(&mut tx, NewJob::new("mail.send", json!({"to": "a@b.fr"})).idempotency_key("mail:1")).await.unwrap();
    assert!(id > 0);
    tx.rollback().await.unwrap();

    assert!(jobs::get(&t.db, id).await.unwrap().is_none());
    assert!(jobs::list(&t.db, None, 10).await.unwrap().is_empty());
    assert_eq!(jobs::counts_by_state(&t.db).await.unwrap(), JobCounts::default());
    assert!(jobs::claim(&t.db, "w1", &["mail.send"], MINUTE).await.unwrap().is_none());

    // The key of the rolled-back job was never taken.
    let id = enqueue(&t.db, NewJob::new("mail.send", json!({"to": "c@d.fr"})).idempotency_key("mail:1")).await;
    assert_eq!(record(&t.db, id).await.payload, json!({"to": "c@d.fr"}));
}

#[tokio::test]
async fn an_idempotency_key_gives_one_job_ever() {
    let t = TestDb::new().await;
    let first = enqueue(&t.db, NewJob::new("actes.transmit", json!({"act": 42})).idempotency_key("actes.transmit:42")).await;

    // Again, in another transaction, with another payload: the first job, unchanged.
    let again = enqueue(&t.db, NewJob::new("actes.transmit", json!({"act": 43})).idempotency_key("actes.transmit:42")).await;
    assert_eq!(again, first);

    // Twice in one transaction.
    let mut tx = t.db.begin().await.unwrap();
    let a = jobs::enqueue(&mut tx, NewJob::new("actes.transmit", json!({"act": 7})).idempotency_key("actes.transmit:7")).await.unwrap();
    let b = jobs::enqueue(&mut tx, NewJob::new("actes.transmit", json!({"act": 7})).idempotency_key("actes.transmit:7")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(a, b);
    assert_ne!(a, first);

    // Jobs without a key are never merged.
    let c = enqueue(&t.db, NewJob::new("actes.transmit", json!({"act": 8}))).await;
    let d = enqueue(&t.db, NewJob::new("actes.transmit", json!({"act": 8}))).await;
    assert_ne!(c, d);
    assert_eq!(jobs::counts_by_state(&t.db).await.unwrap().queued, 4);
    assert_eq!(record(&t.db, first).await.payload, json!({"act": 42}));

    // Once done, the key still answers with the done job: no second transmission.
    let job = jobs::claim(&t.db, "w1", &["actes.transmit"], MINUTE).await.unwrap().unwrap();
    assert_eq!(job.id, first);
    assert_eq!(jobs::complete(&t.db, &job.lease).await.unwrap(), Outcome::Done);
    let after = enqueue(&t.db, NewJob::new("actes.transmit", json!({"act": 42})).idempotency_key("actes.transmit:42")).await;
    assert_eq!(after, first);
    assert_eq!(record(&t.db, first).await.state, JobState::Done);
    assert_eq!(jobs::counts_by_state(&t.db).await.unwrap(), JobCounts { queued: 3, running: 0, done: 1, dead: 0 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_enqueues_with_one_key_make_one_job() {
    let t = TestDb::new().await;
    let mut tasks = Vec::new();
    for n in 0..4 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.begin().await?;
            let id = jobs::enqueue(&mut tx, NewJob::new("actes.transmit", json!({"n": n})).idempotency_key("actes.transmit:1")).await?;
            // Hold the transaction open a little, as a business write would.
            tokio::time::sleep(Duration::from_millis(50)).await;
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        }));
    }
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap().unwrap());
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(jobs::counts_by_state(&t.db).await.unwrap().queued, 1);
}

#[tokio::test]
async fn claim_takes_the_oldest_due_job_of_the_given_kinds_then_complete() {
    let t = TestDb::new().await;
    let juvignac = organisation(&t.db).await;
    let now = now_millis();
    let later = enqueue(&t.db, NewJob::new("pes.send", json!(1)).run_at(now + 3_600_000)).await;
    let mail = enqueue(&t.db, NewJob::new("mail.send", json!(2))).await;
    let older = enqueue(&t.db, NewJob::new("pes.send", json!(3)).run_at(now - 1_000).organisation(juvignac).max_attempts(4)).await;
    let newer = enqueue(&t.db, NewJob::new("pes.send", json!(4))).await;

    assert!(jobs::claim(&t.db, "w1", &[], MINUTE).await.unwrap().is_none());
    assert!(jobs::claim(&t.db, "w1", &["unknown"], MINUTE).await.unwrap().is_none());

    let before = now_millis();
    let job = jobs::claim(&t.db, "w1", &["pes.send", "acte.archive"], MINUTE).await.unwrap().unwrap();
    assert_eq!((job.id, job.kind.as_str(), job.attempt, job.max_attempts), (older, "pes.send", 1, 4));
    assert_eq!(job.payload, json!(3));
    assert_eq!(job.organisation_id, Some(juvignac));
    let running = record(&t.db, older).await;
    assert_eq!(running.state, JobState::Running);
    assert_eq!(running.attempts, 1);
    assert_eq!(running.locked_by.as_deref(), Some("w1"));
    let lease_until = running.lease_until.unwrap();
    assert!(lease_until >= before + 60_000 && lease_until <= now_millis() + 60_000, "{lease_until}");

    assert_eq!(jobs::complete(&t.db, &job.lease).await.unwrap(), Outcome::Done);
    let done = record(&t.db, older).await;
    assert_eq!(done.state, JobState::Done);
    assert!(done.finished_at.is_some());
    assert_eq!(done.lease_until, None);
    // Completing twice records nothing more.
    assert_eq!(jobs::complete(&t.db, &job.lease).await.unwrap(), Outcome::LeaseLost);

    let next = jobs::claim(&t.db, "w1", &["pes.send"], MINUTE).await.unwrap().unwrap();
    assert_eq!(next.id, newer);
    // The job for later is not due; the running one is leased.
    assert!(jobs::claim(&t.db, "w2", &["pes.send"], MINUTE).await.unwrap().is_none());
    assert_eq!(record(&t.db, later).await.state, JobState::Queued);
    assert_eq!(record(&t.db, mail).await.state, JobState::Queued);
    assert_eq!(jobs::counts_by_state(&t.db).await.unwrap(), JobCounts { queued: 2, running: 1, done: 1, dead: 0 });
}

#[tokio::test]
async fn failures_back_off_exponentially_then_make_a_dead_letter() {
    let t = TestDb::new().await;
    let id = enqueue(&t.db, NewJob::new("mail.send", json!({})).max_attempts(3)).await;

    for attempt in 1..=2 {
        let job = jobs::claim(&t.db, "w1", &["mail.send"], MINUTE).await.unwrap().unwrap();
        assert_eq!((job.id, job.attempt), (id, attempt));
        let before = now_millis();
        let outcome = jobs::fail(&t.db, &job.lease, &format!("serveur indisponible ({attempt})")).await.unwrap();
        let delay = 30_000 << (attempt - 1);
        let Outcome::Retrying { run_at } = outcome else { panic!("expected a retry, got {outcome:?}") };
        assert!(run_at >= before + delay && run_at <= now_millis() + delay, "attempt {attempt}: {run_at}");
        let job = record(&t.db, id).await;
        assert_eq!(job.state, JobState::Queued);
        assert_eq!(job.run_at, run_at);
        assert_eq!(job.attempts, attempt);
        assert_eq!(job.lease_until, None);
        assert_eq!(job.last_error, Some(format!("serveur indisponible ({attempt})")));
        // Not before its delay.
        assert!(jobs::claim(&t.db, "w1", &["mail.send"], MINUTE).await.unwrap().is_none());
        make_due(&t.db, id).await;
    }

    let job = jobs::claim(&t.db, "w1", &["mail.send"], MINUTE).await.unwrap().unwrap();
    assert_eq!(job.attempt, 3);
    assert_eq!(jobs::fail(&t.db, &job.lease, "refusé").await.unwrap(), Outcome::Dead);
    let dead = record(&t.db, id).await;
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(dead.attempts, 3);
    assert_eq!(dead.last_error.as_deref(), Some("refusé"));
    assert!(dead.finished_at.is_some());
    make_due(&t.db, id).await;
    assert!(jobs::claim(&t.db, "w1", &["mail.send"], MINUTE).await.unwrap().is_none());
    assert_eq!(jobs::counts_by_state(&t.db).await.unwrap(), JobCounts { queued: 0, running: 0, done: 0, dead: 1 });
    let dead_letters = jobs::list(&t.db, Some(JobState::Dead), 10).await.unwrap();
    assert_eq!(dead_letters.iter().map(|j| j.id).collect::<Vec<_>>(), vec![id]);
}

#[tokio::test]
async fn a_dead_letter_can_be_retried_by_hand() {
    let t = TestDb::new().await;
    let id = enqueue(&t.db, NewJob::new("pes.send", json!({"flow": 9})).max_attempts(1)).await;
    let alive = enqueue(&t.db, NewJob::new("other", json!({}))).await;
    let job = jobs::claim(&t.db, "w1", &["pes.send"], MINUTE).await.unwrap().unwrap();
    assert_eq!(jobs::fail(&t.db, &job.lease, "XSD invalide").await.unwrap(), Outcome::Dead);

    assert!(!jobs::retry_dead(&t.db, alive).await.unwrap(), "only dead letters are retried");
    assert!(!jobs::retry_dead(&t.db, 999_999).await.unwrap());
    assert!(jobs::retry_dead(&t.db, id).await.unwrap());
    let requeued = record(&t.db, id).await;
    assert_eq!(requeued.state, JobState::Queued);
    assert_eq!(requeued.attempts, 0);
    assert_eq!(requeued.finished_at, None);
    assert_eq!(requeued.last_error.as_deref(), Some("XSD invalide"), "the last error stays visible");
    assert!(!jobs::retry_dead(&t.db, id).await.unwrap(), "no longer dead");

    let job = jobs::claim(&t.db, "w2", &["pes.send"], MINUTE).await.unwrap().unwrap();
    assert_eq!((job.id, job.attempt), (id, 1));
    assert_eq!(jobs::complete(&t.db, &job.lease).await.unwrap(), Outcome::Done);
}

#[tokio::test]
async fn an_expired_lease_passes_to_another_worker_and_the_stale_one_cannot_settle() {
    let t = TestDb::new().await;
    let id = enqueue(&t.db, NewJob::new("actes.transmit", json!({"act": 1}))).await;

    let stale = jobs::claim(&t.db, "w1", &["actes.transmit"], Duration::from_millis(300)).await.unwrap().unwrap();
    assert!(jobs::claim(&t.db, "w2", &["actes.transmit"], MINUTE).await.unwrap().is_none(), "leased");
    tokio::time::sleep(Duration::from_millis(400)).await;

    let fresh = jobs::claim(&t.db, "w2", &["actes.transmit"], MINUTE).await.unwrap().unwrap();
    assert_eq!((fresh.id, fresh.attempt), (id, 2));
    assert_ne!(fresh.lease, stale.lease);

    assert_eq!(jobs::complete(&t.db, &stale.lease).await.unwrap(), Outcome::LeaseLost);
    assert_eq!(jobs::fail(&t.db, &stale.lease, "trop tard").await.unwrap(), Outcome::LeaseLost);
    assert!(!jobs::extend_lease(&t.db, &stale.lease, MINUTE).await.unwrap());
    let job = record(&t.db, id).await;
    assert_eq!(job.state, JobState::Running);
    assert_eq!(job.locked_by.as_deref(), Some("w2"));
    assert_eq!(job.last_error, None);

    assert!(jobs::extend_lease(&t.db, &fresh.lease, Duration::from_secs(600)).await.unwrap());
    assert!(record(&t.db, id).await.lease_until.unwrap() > now_millis() + 500_000);
    let outcome = jobs::fail(&t.db, &fresh.lease, "refusé par la préfecture").await.unwrap();
    let Outcome::Retrying { run_at } = outcome else { panic!("expected a retry, got {outcome:?}") };
    assert_eq!(record(&t.db, id).await.run_at, run_at);
    // The stale worker still cannot settle the retried job.
    assert_eq!(jobs::complete(&t.db, &stale.lease).await.unwrap(), Outcome::LeaseLost);
    assert_eq!(record(&t.db, id).await.state, JobState::Queued);
}

#[tokio::test]
async fn a_lease_expired_during_the_last_attempt_makes_a_dead_letter() {
    let t = TestDb::new().await;
    let id = enqueue(&t.db, NewJob::new("mail.send", json!({})).max_attempts(1)).await;
    let crashed = jobs::claim(&t.db, "w1", &["mail.send"], Duration::from_millis(100)).await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert!(jobs::claim(&t.db, "w2", &["mail.send"], MINUTE).await.unwrap().is_none());
    let dead = record(&t.db, id).await;
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(dead.attempts, 1);
    assert!(dead.last_error.unwrap().contains("bail"));
    assert_eq!(jobs::complete(&t.db, &crashed.lease).await.unwrap(), Outcome::LeaseLost);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_get_the_same_job() {
    let t = TestDb::new().await;
    let mut expected = HashSet::new();
    for n in 0..24 {
        expected.insert(enqueue(&t.db, NewJob::new("mail.send", json!({"n": n}))).await);
    }

    let mut workers = Vec::new();
    for w in 0..4 {
        let db = t.db.clone();
        workers.push(tokio::spawn(async move {
            let mut claimed = Vec::new();
            while let Some(job) = jobs::claim(&db, &format!("w{w}"), &["mail.send"], MINUTE).await? {
                claimed.push(job.id);
                tokio::task::yield_now().await;
                assert_eq!(jobs::complete(&db, &job.lease).await?, Outcome::Done);
            }
            Ok::<_, StoreError>(claimed)
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap().unwrap());
    }
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "a job was claimed twice: {all:?}");
    assert_eq!(distinct, expected);
    assert_eq!(jobs::counts_by_state(&t.db).await.unwrap(), JobCounts { queued: 0, running: 0, done: 24, dead: 0 });
}

#[tokio::test]
async fn list_shows_the_newest_jobs_first() {
    let t = TestDb::new().await;
    let a = enqueue(&t.db, NewJob::new("k", json!("a")).idempotency_key("k:a")).await;
    let b = enqueue(&t.db, NewJob::new("k", json!("b"))).await;
    let c = enqueue(&t.db, NewJob::new("k", json!("c"))).await;
    let job = jobs::claim(&t.db, "w1", &["k"], MINUTE).await.unwrap().unwrap();
    assert_eq!(job.id, a);

    let all = jobs::list(&t.db, None, 10).await.unwrap();
    assert_eq!(all.iter().map(|j| j.id).collect::<Vec<_>>(), vec![c, b, a]);
    assert_eq!(jobs::list(&t.db, None, 2).await.unwrap().len(), 2);
    let queued = jobs::list(&t.db, Some(JobState::Queued), 10).await.unwrap();
    assert_eq!(queued.iter().map(|j| j.id).collect::<Vec<_>>(), vec![c, b]);
    let running = jobs::list(&t.db, Some(JobState::Running), 10).await.unwrap();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].idempotency_key.as_deref(), Some("k:a"));
    assert_eq!(running[0].payload, json!("a"));
    assert!(jobs::list(&t.db, Some(JobState::Dead), 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_worker_processes_jobs_and_stops_on_shutdown() {
    let t = TestDb::new().await;
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = Worker::new("node-1")
        .poll_interval(Duration::from_millis(20))
        .handle("ok", move |payload| {
            let seen = seen_tx.clone();
            async move {
                seen.send(payload).map_err(|e| e.to_string())?;
                Ok(())
            }
        })
        .handle("flaky", |_| async { Err("service indisponible".to_string()) })
        .handle("panics", |_| async { panic!("bogue") });

    let ok: Vec<i64> = futures::future::join_all((1..=3).map(|n| enqueue(&t.db, NewJob::new("ok", json!({"n": n}))))).await;
    let flaky = enqueue(&t.db, NewJob::new("flaky", json!({})).max_attempts(2)).await;
    let panics = enqueue(&t.db, NewJob::new("panics", json!({})).max_attempts(1)).await;
    let foreign = enqueue(&t.db, NewJob::new("not-mine", json!({}))).await;

    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(jobs::run_worker(t.db.clone(), worker, shutdown_rx));

    let mut seen = Vec::new();
    while seen.len() < 3 {
        let payload = tokio::time::timeout(Duration::from_secs(10), seen_rx.recv()).await.expect("jobs handled").unwrap();
        seen.push(payload["n"].as_i64().unwrap());
    }
    seen.sort();
    assert_eq!(seen, vec![1, 2, 3]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while jobs::counts_by_state(&t.db).await.unwrap() != (JobCounts { queued: 2, running: 0, done: 3, dead: 1 }) {
        assert!(tokio::time::Instant::now() < deadline, "{:?}", jobs::counts_by_state(&t.db).await.unwrap());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    shutdown_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running).await.expect("the worker stops").unwrap();

    for id in ok {
        let job = record(&t.db, id).await;
        assert_eq!((job.state, job.attempts, job.locked_by.as_deref()), (JobState::Done, 1, Some("node-1")));
    }
    let flaky = record(&t.db, flaky).await;
    assert_eq!((flaky.state, flaky.attempts), (JobState::Queued, 1));
    assert_eq!(flaky.last_error.as_deref(), Some("service indisponible"));
    let panics = record(&t.db, panics).await;
    assert_eq!(panics.state, JobState::Dead);
    assert!(panics.last_error.unwrap().contains("interrompu"));
    let foreign = record(&t.db, foreign).await;
    assert_eq!((foreign.state, foreign.attempts), (JobState::Queued, 0));

    // Stopped: a new job stays queued.
    let late = enqueue(&t.db, NewJob::new("ok", json!({"n": 4}))).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(record(&t.db, late).await.state, JobState::Queued);
    assert!(seen_rx.try_recv().is_err());
}

#[tokio::test]
async fn the_worker_keeps_its_lease_alive_while_a_handler_runs() {
    let t = TestDb::new().await;
    let id = enqueue(&t.db, NewJob::new("slow", json!({}))).await;
    let worker = Worker::new("node-1").lease(Duration::from_millis(150)).handle("slow", |_| async {
        tokio::time::sleep(Duration::from_millis(600)).await;
        Ok(())
    });
    let db = t.db.clone();
    let handling = tokio::spawn(async move { worker.run_once(&db).await });

    // Well past the first lease, the job is still held by the running handler.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(jobs::claim(&t.db, "node-2", &["slow"], MINUTE).await.unwrap().is_none());
    }
    assert_eq!(handling.await.unwrap().unwrap(), Some(Outcome::Done));
    let job = record(&t.db, id).await;
    assert_eq!((job.state, job.attempts), (JobState::Done, 1));
}
