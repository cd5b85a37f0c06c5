-- Acts (actes administratifs): their documents, signature circuits, transmission to the prefecture's
-- legality control (@ctes) with every message exchanged, and publication. Signing certificates of the
-- organisations and the platform's timestamp authority (private keys sealed with a key kept outside the
-- database).

CREATE TABLE acts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    nature TEXT NOT NULL CHECK (nature IN ('DE', 'AR', 'AI', 'CC', 'BF', 'AU')),
    matter_code TEXT NOT NULL,
    internal_number TEXT NOT NULL,
    decision_year BIGINT NOT NULL,
    decided_on TEXT NOT NULL,
    subject TEXT NOT NULL,
    register_number TEXT,
    state TEXT NOT NULL,
    document_name TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    signed_sha256 TEXT,
    actes_id TEXT,
    transmission_id TEXT,
    received_on TEXT,
    published_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organisation_id, decision_year, internal_number)
);
CREATE UNIQUE INDEX acts_register_number ON acts (organisation_id, register_number);
CREATE INDEX acts_published ON acts (organisation_id, published_at);

CREATE TABLE act_annexes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    act_id BIGINT NOT NULL REFERENCES acts (id),
    position BIGINT NOT NULL,
    piece_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL
);
CREATE INDEX act_annexes_act ON act_annexes (organisation_id, act_id);

CREATE TABLE act_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    act_id BIGINT NOT NULL REFERENCES acts (id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX act_events_act ON act_events (organisation_id, act_id);

CREATE TABLE act_messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    act_id BIGINT NOT NULL REFERENCES acts (id),
    direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    summary TEXT NOT NULL,
    at BIGINT NOT NULL,
    UNIQUE (organisation_id, act_id, direction, file_name)
);

CREATE TABLE act_steps (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    act_id BIGINT NOT NULL REFERENCES acts (id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('visa', 'signature', 'seal')),
    assignee_role TEXT,
    assignee_user_id BIGINT REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('waiting', 'current', 'done', 'rejected')),
    done_by BIGINT REFERENCES users (id),
    on_behalf_of BIGINT REFERENCES users (id),
    done_at BIGINT,
    comment TEXT,
    UNIQUE (act_id, position)
);

CREATE TABLE circuits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    nature TEXT NOT NULL CHECK (nature IN ('DE', 'AR', 'AI', 'CC', 'BF', 'AU')),
    name TEXT NOT NULL,
    UNIQUE (organisation_id, nature)
);

CREATE TABLE circuit_steps (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    circuit_id BIGINT NOT NULL REFERENCES circuits (id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('visa', 'signature', 'seal')),
    assignee_role TEXT,
    assignee_user_id BIGINT REFERENCES users (id),
    UNIQUE (circuit_id, position)
);

CREATE TABLE delegations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    from_user_id BIGINT NOT NULL REFERENCES users (id),
    to_user_id BIGINT NOT NULL REFERENCES users (id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE signing_credentials (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('authority', 'signer')),
    source TEXT NOT NULL CHECK (source IN ('demo', 'pkcs12')),
    subject TEXT NOT NULL,
    certificate TEXT NOT NULL,
    chain TEXT NOT NULL,
    sealed_key TEXT NOT NULL,
    not_after BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX signing_credentials_user ON signing_credentials (organisation_id, user_id);

CREATE TABLE timestamp_authority (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    root_certificate TEXT NOT NULL,
    certificate TEXT NOT NULL,
    sealed_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE act_classifications (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    version_date TEXT NOT NULL,
    document TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

-- What the @ctes envelope says of the organisation (*département*, *arrondissement*, nature code, referent, return
-- address) and its SIRET (open-data feeds), set by its administrators before the first transmission.
CREATE TABLE act_settings (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    departement TEXT NOT NULL,
    arrondissement TEXT NOT NULL,
    collectivity_nature TEXT NOT NULL,
    referent_name TEXT NOT NULL,
    referent_email TEXT NOT NULL,
    referent_phone TEXT NOT NULL,
    return_email TEXT NOT NULL,
    siret TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
