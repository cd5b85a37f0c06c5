-- Titres for interventions (article 3, annexe 3): invoiced after "service fait", with VAT at the normal
-- rate (article 6), numbered in the same yearly series as the flat-fee titres. A member now receives
-- several titres a year: the flat-fee one stays unique per year, an intervention is invoiced once.
-- `total_cents` is the amount due, VAT included; `vat_cents` and `vat_rate_millionths` are 0 for the
-- flat fees, which are outside the scope of VAT.
--
-- SQLite cannot drop the former UNIQUE (organisation_id, year): the table is rebuilt. Foreign keys are
-- deferred to the commit so that the lines of existing titres keep pointing at the same ids.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE revenue_orders_before_0008 AS SELECT * FROM revenue_orders;
DROP TABLE revenue_orders;

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
    paid_on TEXT,
    intervention_id BIGINT UNIQUE REFERENCES interventions (id),
    vat_rate_millionths BIGINT NOT NULL DEFAULT 0 CHECK (vat_rate_millionths >= 0),
    vat_cents BIGINT NOT NULL DEFAULT 0 CHECK (vat_cents >= 0),
    UNIQUE (issuer_organisation_id, year, number)
);

INSERT INTO revenue_orders (id, organisation_id, issuer_organisation_id, convention_id, year, number, issued_on, total_cents, created_at, paid_on)
SELECT id, organisation_id, issuer_organisation_id, convention_id, year, number, issued_on, total_cents, created_at, paid_on
FROM revenue_orders_before_0008;
DROP TABLE revenue_orders_before_0008;

CREATE UNIQUE INDEX revenue_orders_flat_fee_per_year ON revenue_orders (organisation_id, year) WHERE intervention_id IS NULL;
