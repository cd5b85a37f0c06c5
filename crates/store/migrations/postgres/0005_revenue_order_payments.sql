-- Payment of a titre de recette (article 5: within 30 days of notification), for late-payment interest.
ALTER TABLE revenue_orders ADD COLUMN paid_on TEXT;
