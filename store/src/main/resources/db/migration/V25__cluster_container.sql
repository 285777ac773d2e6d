-- A container cluster's image and settings as JSON (its secrets too: they reach only its containers),
-- NULL for a process cluster; such a cluster may leave its command to the image.
ALTER TABLE cluster ADD COLUMN container VARCHAR(2000000);
ALTER TABLE cluster ALTER COLUMN cmd DROP NOT NULL;
