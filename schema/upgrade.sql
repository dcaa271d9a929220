-- Upgrade a das table made before target tracking (PostgreSQL), by hand:
--   psql "$PG" -f schema/upgrade.sql
-- das never alters a user's table. Rows keep their meaning: a row that
-- names none of the new columns decides as before. (CrateDB cannot change
-- a column's type: add the new columns there, and keep integer steps.)
ALTER TABLE das ALTER COLUMN step_out TYPE text;	-- N, or P% of the count
ALTER TABLE das ALTER COLUMN step_in TYPE text;
ALTER TABLE das ALTER COLUMN sustained TYPE text;	-- true/false, out, in
ALTER TABLE das ADD COLUMN IF NOT EXISTS setpoint text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS tolerance text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS max_step_out text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS stabilize_in text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS stabilize_out text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS measurement text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS service_tag text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS per_replica text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS activation text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS predict text;
ALTER TABLE das ADD COLUMN IF NOT EXISTS lead text;
