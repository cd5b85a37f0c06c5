-- Requests to change a convention during its period: add or remove an application (article 9), or
-- terminate it (article 10). `organisation_id` is the requesting member; `issuer_organisation_id` the
-- Métropole that answers. Civil dates TEXT YYYY-MM-DD.

CREATE TABLE convention_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    issuer_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    convention_id BIGINT NOT NULL REFERENCES conventions (id),
    kind TEXT NOT NULL CHECK (kind IN ('add', 'remove', 'terminate')),
    application_code TEXT REFERENCES applications (code),
    received_on TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    answer_due TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused')),
    answered_on TEXT,
    answer TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX convention_requests_org ON convention_requests (organisation_id, id);
CREATE INDEX convention_requests_issuer ON convention_requests (issuer_organisation_id, status);
