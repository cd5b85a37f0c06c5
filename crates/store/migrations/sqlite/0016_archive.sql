-- Probative electronic archiving (archivage à valeur probatoire): the archived objects (their bytes in the
-- content-addressed blob store), the SEDA transfers that brought them, and the platform's append-only
-- journal, each entry carrying the hash of the previous one.

CREATE TABLE archive_transfers (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    identifier TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    seda_sha256 TEXT NOT NULL,
    reply_sha256 TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (organisation_id, source)
);

CREATE TABLE archive_objects (
    id INTEGER PRIMARY KEY,
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
