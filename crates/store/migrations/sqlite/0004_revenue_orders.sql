-- Yearly titres de recette of the convention (articles 5 and 6): issued by the Métropole to each member.
-- `organisation_id` is the debtor member (whose data it is); `issuer_organisation_id` the Métropole.

CREATE TABLE revenue_orders (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    issuer_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    convention_id BIGINT NOT NULL REFERENCES conventions (id),
    year BIGINT NOT NULL,
    number BIGINT NOT NULL,
    issued_on TEXT NOT NULL,
    total_cents BIGINT NOT NULL CHECK (total_cents >= 0),
    created_at BIGINT NOT NULL,
    UNIQUE (organisation_id, year),
    UNIQUE (issuer_organisation_id, year, number)
);

CREATE TABLE revenue_order_lines (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    revenue_order_id BIGINT NOT NULL REFERENCES revenue_orders (id),
    position BIGINT NOT NULL,
    application_code TEXT NOT NULL REFERENCES applications (code),
    label TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0)
);
CREATE INDEX revenue_order_lines_order ON revenue_order_lines (revenue_order_id, position);
