-- Convocations of the members in office to a sitting (CGCT L2121-10 to L2121-12): one per member, by
-- e-mail with a personal link (only its SHA-256 is kept) or on paper; when it was queued, delivered and
-- first opened; the member's answer (present, absent, proxy to a named colleague). Instants are BIGINT
-- milliseconds. Annotations are the member's private notes, per document and page.

CREATE TABLE assembly_convocations (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    sitting_id BIGINT NOT NULL REFERENCES assembly_sittings (id),
    member_id BIGINT NOT NULL REFERENCES assembly_members (id),
    token_hash TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'paper')),
    email TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    delivery_report TEXT,
    opened_at BIGINT,
    answer TEXT CHECK (answer IN ('present', 'absent', 'proxy')),
    answer_holder_id BIGINT REFERENCES assembly_members (id),
    answered_at BIGINT,
    UNIQUE (sitting_id, member_id)
);
CREATE INDEX assembly_convocations_org ON assembly_convocations (organisation_id, sitting_id);

CREATE TABLE assembly_annotations (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    convocation_id BIGINT NOT NULL REFERENCES assembly_convocations (id),
    document TEXT NOT NULL,
    page BIGINT NOT NULL CHECK (page >= 1),
    note TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (convocation_id, document, page)
);
