-- Arrivals and departures during a sitting, and the organisations' templates of printed documents.

-- Members arriving at or leaving a sitting under way: from the item of rank from_rank on, the member is
-- present (arrives) or absent, represented when leaving a written proxy to a colleague present.
CREATE TABLE assembly_movements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    sitting_id BIGINT NOT NULL REFERENCES assembly_sittings (id),
    member_id BIGINT NOT NULL REFERENCES assembly_members (id),
    from_rank BIGINT NOT NULL,
    movement TEXT NOT NULL CHECK (movement IN ('arrives', 'leaves')),
    proxy_holder_id BIGINT REFERENCES assembly_members (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX assembly_movements_sitting ON assembly_movements (organisation_id, sitting_id);

-- An organisation's own template of a printed document of its register (extract, list of deliberations,
-- minutes), replacing the one shipped with the product.
CREATE TABLE assembly_document_templates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    document TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organisation_id, document)
);
