-- Who signed a member's convention and when, for each party; and its amendments (avenants, article 9:
-- new applications or changed conditions of execution), numbered per convention, each signed on a date
-- and, when the member's council approved it, with that deliberation's reference.

CREATE TABLE convention_signatures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    convention_id BIGINT NOT NULL REFERENCES conventions (id),
    party TEXT NOT NULL CHECK (party IN ('member', 'metropole')),
    signatory_name TEXT NOT NULL,
    signatory_title TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (convention_id, party)
);
CREATE INDEX convention_signatures_org ON convention_signatures (organisation_id, convention_id);

CREATE TABLE convention_amendments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    convention_id BIGINT NOT NULL REFERENCES conventions (id),
    number BIGINT NOT NULL,
    object TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    deliberation_reference TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (convention_id, number)
);
CREATE INDEX convention_amendments_org ON convention_amendments (organisation_id, convention_id);
