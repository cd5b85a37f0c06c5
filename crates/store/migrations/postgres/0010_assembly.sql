-- The assembly slice: deliberative bodies (conseil municipal, conseil de métropole, conseil
-- d'administration of a CCAS, bureau, commissions), their members in office, sittings with their agenda,
-- attendance and proxies, and the deliberations adopted with their votes. All of it is the data of the
-- organisation whose body it is. Civil dates are ISO TEXT; flags are BIGINT 0/1.

CREATE TABLE assembly_bodies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    -- How deliberations are numbered, e.g. "M{yyyy}-{seq}" or "{yy}.{mm}.{dd}.{rank}".
    numbering TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (organisation_id, name)
);

-- A member in office ("membre en exercice") during [mandate_start, mandate_end].
CREATE TABLE assembly_members (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    body_id BIGINT NOT NULL REFERENCES assembly_bodies (id),
    name TEXT NOT NULL,
    political_group TEXT,
    substitute TEXT,
    email TEXT,
    postal_address TEXT,
    mandate_start TEXT NOT NULL,
    mandate_end TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX assembly_members_body ON assembly_members (organisation_id, body_id);

CREATE TABLE assembly_sittings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    body_id BIGINT NOT NULL REFERENCES assembly_bodies (id),
    sitting_date TEXT NOT NULL,
    sitting_time TEXT,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    place TEXT NOT NULL,
    president TEXT NOT NULL,
    secretary TEXT,
    urgency_reason TEXT,
    convocation_sent_on TEXT,
    -- A sitting convened again after a failed quorum (CGCT L2121-17 al. 2).
    second_convocation_of BIGINT REFERENCES assembly_sittings (id),
    -- 0 for a past sitting imported from a register that does not print who held each proxy.
    holders_known BIGINT NOT NULL DEFAULT 1,
    attendance_recorded BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX assembly_sittings_org ON assembly_sittings (organisation_id, sitting_date);

-- Who attended a sitting: present, represented (with the holder of the proxy, when known), excused or absent.
CREATE TABLE assembly_attendance (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    sitting_id BIGINT NOT NULL REFERENCES assembly_sittings (id),
    member_id BIGINT NOT NULL REFERENCES assembly_members (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'represented', 'excused', 'absent')),
    proxy_holder_id BIGINT REFERENCES assembly_members (id),
    UNIQUE (sitting_id, member_id)
);

-- A project on the agenda; once voted, a deliberation with its number, vote and register data.
CREATE TABLE assembly_items (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    sitting_id BIGINT NOT NULL REFERENCES assembly_sittings (id),
    rank BIGINT NOT NULL,
    title TEXT NOT NULL,
    theme TEXT,
    matiere TEXT,
    rapporteur TEXT NOT NULL,
    rapporteur_title TEXT,
    draft_text TEXT NOT NULL,
    explanatory_note TEXT,
    decision TEXT NOT NULL,
    number TEXT,
    -- Its order among the deliberations of the body in the year (the {seq} of the numbering).
    seq BIGINT,
    ballot TEXT,
    votes_for BIGINT,
    votes_against BIGINT,
    votes_abstention BIGINT,
    votes_not_voting BIGINT,
    -- Who voted against, abstained or did not take part, when the register names them (JSON).
    vote_names TEXT,
    adopted BIGINT,
    signed_at TEXT,
    signed_on TEXT,
    signatory TEXT,
    signatory_title TEXT,
    published_on TEXT,
    actes_id TEXT,
    prefecture_received_on TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (sitting_id, rank),
    UNIQUE (organisation_id, number)
);
CREATE INDEX assembly_items_sitting ON assembly_items (organisation_id, sitting_id, rank);
