-- Accounting flows to the public accountant (PES V2, DGFiP Hélios): the signed PES_Aller files sent
-- through the accountant connector with their acknowledgement (PES_Acquit), the expenditure orders
-- (mandats) agents enter before they are signed in a bordereau, and each organisation's Hélios budget codes.

CREATE TABLE pes_flows (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    domain TEXT NOT NULL CHECK (domain IN ('revenue', 'expenditure')),
    year BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bordereaux BIGINT NOT NULL,
    pieces BIGINT NOT NULL,
    state TEXT NOT NULL,
    reference TEXT,
    acquit_sha256 TEXT,
    detail TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organisation_id, file_name)
);
CREATE INDEX pes_flows_year ON pes_flows (organisation_id, year);

CREATE TABLE pes_mandates (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    year BIGINT NOT NULL,
    number BIGINT NOT NULL,
    issued_on TEXT NOT NULL,
    creditor_name TEXT NOT NULL,
    creditor_siret TEXT,
    creditor_address TEXT NOT NULL,
    creditor_postal_code TEXT NOT NULL,
    creditor_town TEXT NOT NULL,
    object TEXT NOT NULL,
    nature TEXT NOT NULL,
    amount_ht BIGINT NOT NULL,
    vat BIGINT NOT NULL,
    attachment_name TEXT,
    attachment_sha256 TEXT,
    flow_id BIGINT REFERENCES pes_flows (id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (organisation_id, year, number)
);
CREATE INDEX pes_mandates_pending ON pes_mandates (organisation_id, flow_id);

CREATE TABLE pes_budgets (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    siret TEXT NOT NULL,
    poste_comptable TEXT NOT NULL,
    code_collectivite TEXT NOT NULL,
    code_budget TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
