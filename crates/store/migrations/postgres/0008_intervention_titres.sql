-- Titres for interventions (article 3, annexe 3): invoiced after "service fait", with VAT at the normal
-- rate (article 6), numbered in the same yearly series as the flat-fee titres. A member now receives
-- several titres a year: the flat-fee one stays unique per year, an intervention is invoiced once.
-- `total_cents` is the amount due, VAT included; `vat_cents` and `vat_rate_millionths` are 0 for the
-- flat fees, which are outside the scope of VAT.
ALTER TABLE revenue_orders DROP CONSTRAINT revenue_orders_organisation_id_year_key;
ALTER TABLE revenue_orders ADD COLUMN intervention_id BIGINT UNIQUE REFERENCES interventions (id);
ALTER TABLE revenue_orders ADD COLUMN vat_rate_millionths BIGINT NOT NULL DEFAULT 0 CHECK (vat_rate_millionths >= 0);
ALTER TABLE revenue_orders ADD COLUMN vat_cents BIGINT NOT NULL DEFAULT 0 CHECK (vat_cents >= 0);
CREATE UNIQUE INDEX revenue_orders_flat_fee_per_year ON revenue_orders (organisation_id, year) WHERE intervention_id IS NULL;
