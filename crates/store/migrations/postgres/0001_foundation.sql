-- Foundation: organisations, accounts, sessions, audit log, platform settings.
-- Instants are BIGINT milliseconds since the Unix epoch (UTC); flags are BIGINT 0/1.

CREATE TABLE organisations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('metropole', 'commune', 'ccas', 'company')),
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    insee_code TEXT,
    siren TEXT UNIQUE,
    postal_codes TEXT NOT NULL DEFAULT '',
    parent_id BIGINT REFERENCES organisations (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE organisation_populations (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    year BIGINT NOT NULL,
    population BIGINT NOT NULL CHECK (population > 0),
    PRIMARY KEY (organisation_id, year)
);

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_platform_admin BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE memberships (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('org_admin', 'agent', 'elected')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, user_id, role)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_login ON login_failures (login, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    actor_user_id BIGINT REFERENCES users (id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX audit_events_org ON audit_events (organisation_id, id);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
