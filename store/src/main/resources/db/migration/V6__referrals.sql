-- Every account has a code to invite others with, and remembers who invited it.
ALTER TABLE account ADD COLUMN referral_code VARCHAR(32);
ALTER TABLE account ADD COLUMN referred_by VARCHAR(32) REFERENCES account (id);
UPDATE account SET referral_code = 'ref-' || SUBSTRING(id, 5, 12) WHERE referral_code IS NULL;
CREATE UNIQUE INDEX account_referral_code ON account (referral_code);
