-- The customer's further conditions on a cluster's devices, in the offer query language, so a
-- device that drops before its rank starts can be replaced by one that meets them too.
ALTER TABLE cluster ADD COLUMN conditions VARCHAR(1000) DEFAULT '' NOT NULL;
