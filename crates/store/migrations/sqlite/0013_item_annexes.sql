-- Annexes of a project on the agenda: documents sent with the convocation, stored content-addressed in
-- the blob store (sha256), with their file name and type.
CREATE TABLE assembly_annexes (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    item_id BIGINT NOT NULL REFERENCES assembly_items (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX assembly_annexes_item ON assembly_annexes (organisation_id, item_id);
