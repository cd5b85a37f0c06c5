-- Interventions ordered by members (article 3 of the convention): adaptations, evolutions, dedicated
-- trainings, priced per day or half-day by profile (annexe 3), agreed by e-mail, invoiced after
-- "service fait" with VAT at the normal rate (article 6). Amounts BIGINT cents; civil dates TEXT.

CREATE TABLE rate_cards (
    period_code TEXT NOT NULL REFERENCES convention_periods (code),
    profile TEXT NOT NULL,
    label TEXT NOT NULL,
    day_rate_cents BIGINT NOT NULL CHECK (day_rate_cents > 0),
    position BIGINT NOT NULL,
    PRIMARY KEY (period_code, profile)
);

CREATE TABLE interventions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    issuer_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    convention_id BIGINT NOT NULL REFERENCES conventions (id),
    subject TEXT NOT NULL,
    agreement TEXT NOT NULL,
    agreed_on TEXT NOT NULL,
    done_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX interventions_org ON interventions (organisation_id, id);
CREATE INDEX interventions_issuer ON interventions (issuer_organisation_id, id);

CREATE TABLE intervention_lines (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    intervention_id BIGINT NOT NULL REFERENCES interventions (id),
    profile TEXT NOT NULL,
    label TEXT NOT NULL,
    half_days BIGINT NOT NULL CHECK (half_days > 0),
    day_rate_cents BIGINT NOT NULL
);
