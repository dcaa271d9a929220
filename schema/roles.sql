-- The least privileges for das's PostgreSQL roles (README, "Threat model").
--
--   psql -v das_role=das -v operator_role=das_operator \
--        -v writer_role=das_writer -f schema/roles.sql
--
-- Apply schema/postgres.sql first (as the tables' owner). Each role is
-- made here with LOGIN and no password: set one (ALTER ROLE ... PASSWORD)
-- or use your own authentication in pg_hba.conf.

-- das itself: reads the policies, owns cur_no, appends to the journal.
-- Advisory locks (leader election) need no grant.
CREATE ROLE :"das_role" LOGIN;
GRANT SELECT, UPDATE (cur_no) ON das TO :"das_role";
GRANT SELECT, INSERT ON das_event TO :"das_role";

-- Operators (dasctl, people): manage policies, read the journal and add
-- to it (dasctl scale and pause journal what they did); nobody but the
-- tables' owner may rewrite or delete journal rows.
CREATE ROLE :"operator_role" LOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON das TO :"operator_role";
GRANT SELECT, INSERT ON das_event TO :"operator_role";

-- Writers (a deploy pipeline registering its service): INSERT only.
-- What such a row can do is bounded by das.conf: it chooses among the
-- exec commands and runc bundles das.conf names, and scales services.
CREATE ROLE :"writer_role" LOGIN;
GRANT INSERT ON das TO :"writer_role";
