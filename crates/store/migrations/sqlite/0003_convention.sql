-- Convention slice: applications (annexe 1), convention periods with their costs and participation
-- rates (article 4, annexe 2), each member's convention and subscriptions.
-- Percentages are BIGINT millionths of a point (50 % = 50000000); amounts BIGINT cents; civil dates TEXT YYYY-MM-DD.

CREATE TABLE applications (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    free_of_charge BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL
);

CREATE TABLE convention_periods (
    code TEXT PRIMARY KEY,
    first_year BIGINT NOT NULL,
    years BIGINT NOT NULL CHECK (years > 0),
    population_year BIGINT NOT NULL,
    commune_participation BIGINT NOT NULL CHECK (commune_participation BETWEEN 0 AND 100000000),
    ccas_participation BIGINT NOT NULL CHECK (ccas_participation BETWEEN 0 AND 100000000)
);

CREATE TABLE period_applications (
    period_code TEXT NOT NULL REFERENCES convention_periods (code),
    application_code TEXT NOT NULL REFERENCES applications (code),
    -- NULL while the cost of the application over the period is not fixed yet.
    global_cost_cents BIGINT CHECK (global_cost_cents >= 0),
    PRIMARY KEY (period_code, application_code)
);

CREATE TABLE conventions (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    period_code TEXT NOT NULL REFERENCES convention_periods (code),
    deliberation_reference TEXT NOT NULL,
    deliberation_date TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (organisation_id, period_code)
);

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    convention_id BIGINT NOT NULL REFERENCES conventions (id),
    application_code TEXT NOT NULL REFERENCES applications (code),
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_org ON subscriptions (organisation_id, convention_id);
