-- Durable job queue: lease, retries with backoff, idempotency key, dead letters.
-- A job is enqueued in the transaction of the business write that needs it, so one never exists without
-- the other. States: queued -> running -> done, or back to queued (retry) or dead (dead letter).
-- Instants are BIGINT milliseconds since the Unix epoch (UTC).

CREATE TABLE jobs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    payload TEXT NOT NULL,
    -- Globally unique: a second enqueue with the same key returns the first job.
    idempotency_key TEXT UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL CHECK (max_attempts > 0),
    run_at BIGINT NOT NULL,
    -- Set while running: the claim's secret token, its expiry, and the worker holding it.
    lease_token TEXT,
    lease_until BIGINT,
    locked_by TEXT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_queued_due ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_running_lease ON jobs (lease_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs (state, id);
CREATE INDEX jobs_org ON jobs (organisation_id, id);
