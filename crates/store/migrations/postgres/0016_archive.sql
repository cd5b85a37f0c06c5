-- Probative electronic archiving (archivage à valeur probatoire): the archived objects (their bytes in the
-- content-addressed blob store), the SEDA transfers that brought them, and the platform's append-only
-- journal, each entry carrying the hash of the previous one.

CREATE TABLE archive_transfers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    identifier TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    seda_sha256 TEXT NOT NULL,
    reply_sha256 TEXT,
    -- The date of the documents, from which the retention period runs (ISO date).
    dated TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- Set when the objects left the platform: 'elimination:{id}' or 'restitution:{id}'.
    disposal TEXT,
    disposed_at BIGINT,
    UNIQUE (organisation_id, source)
);

CREATE TABLE archive_objects (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    transfer_id BIGINT NOT NULL REFERENCES archive_transfers (id),
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    title TEXT NOT NULL,
    deposited_at BIGINT NOT NULL
);
CREATE INDEX archive_objects_transfer ON archive_objects (organisation_id, transfer_id);

CREATE TABLE archive_journal (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    organisation_id BIGINT,
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    object_sha256 TEXT,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The head of the journal: the last entry's number and hash. Appending updates this one row first, which
-- serialises concurrent writers on every engine and lets the check see entries removed at the end.
CREATE TABLE archive_journal_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO archive_journal_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Legal holds (gels) that block the elimination and the destruction of a transfer while they last.
CREATE TABLE archive_holds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    transfer_id BIGINT NOT NULL REFERENCES archive_transfers (id),
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at BIGINT NOT NULL,
    lifted_by TEXT,
    lifted_at BIGINT,
    lift_reason TEXT
);
CREATE INDEX archive_holds_transfer ON archive_holds (organisation_id, transfer_id);

-- The archivists of the platform's archive service, who approve eliminations.
CREATE TABLE archive_archivists (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    designated_at BIGINT NOT NULL
);

-- Elimination proposals (bordereaux d'élimination): proposed by the organisation, decided by an archivist.
CREATE TABLE archive_eliminations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    state TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'refused')),
    proposed_by TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    -- The control authority's visa (approval) or the reason of the refusal.
    decision_note TEXT,
    notification_sha256 TEXT,
    certificate_sha256 TEXT
);

CREATE TABLE archive_elimination_items (
    elimination_id BIGINT NOT NULL REFERENCES archive_eliminations (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    transfer_id BIGINT NOT NULL REFERENCES archive_transfers (id),
    PRIMARY KEY (elimination_id, transfer_id)
);

-- Restitutions (annexe 4 § XI): the export handed back, then the destruction of the platform's copies.
CREATE TABLE archive_restitutions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    exported_by TEXT NOT NULL,
    exported_at BIGINT NOT NULL,
    transfers BIGINT NOT NULL,
    objects BIGINT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    destroyed_by TEXT,
    destroyed_at BIGINT,
    instruction TEXT,
    certificate_sha256 TEXT
);
