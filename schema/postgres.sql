-- das schema for PostgreSQL. das runs the same statements at start
-- (CREATE ... IF NOT EXISTS), so applying this file by hand is optional.
-- CrateDB-compatible style: explicit columns, no SERIAL, no triggers.

-- The policy table: the ten columns of README's INSERT ("Register a
-- service"), then optional columns whose defaults keep those ten's
-- meaning. A table of the ten alone works too: das reads missing columns
-- as their defaults.
CREATE TABLE IF NOT EXISTS das (
	seq		int PRIMARY KEY,
	min_no		int,
	max_no		int,
	cur_no		int,
	cond_item	text,
	out_cond	text,
	in_cond		text,
	out_duration	text,
	in_duration	text,
	service_id	text,
	step_out	text DEFAULT '1',	-- N, or P% of the count
	step_in		text DEFAULT '1',
	cooldown_out	text,			-- NULL: the out window
	cooldown_in	text,			-- NULL: the in window
	enabled		boolean DEFAULT true,
	dry_run		boolean DEFAULT false,
	backend		text DEFAULT 'swarm',	-- swarm | runc | exec
	aggregate	text DEFAULT 'mean',	-- mean | min | max | median | pNN
	mode		text DEFAULT 'threshold', -- threshold | capacity | target
	capacity	double precision,	-- capacity mode: units per replica
	min_available	double precision,	-- capacity mode: units kept free
	sustained	text DEFAULT 'false',	-- true/false, or out / in only
	target		text,			-- das.conf exec.NAME / bundle.NAME
	-- mode target (README, "How das decides")
	setpoint	text,			-- per ready replica: '70%'
	tolerance	text,			-- NULL: 10 %
	max_step_out	text,			-- N or P%; NULL: max(4, 100 %)
	stabilize_in	text,			-- NULL: 5m in mode target, else 0
	stabilize_out	text,			-- NULL: 0
	measurement	text,			-- NULL: docker (ds's points)
	service_tag	text,			-- NULL: service_name
	per_replica	text,			-- NULL: true
	activation	text,			-- from/to 0 replicas; NULL: 0
	predict		text,			-- season, 1h or 1d; NULL: off
	lead		text			-- NULL: 1m
);

-- The decision journal: one row per action and per change of hold reason.
CREATE TABLE IF NOT EXISTS das_event (
	id		text PRIMARY KEY,	-- made by das: node-pid-time-counter
	ts		timestamptz NOT NULL,
	seq		int,
	service		text,
	action		text NOT NULL,	-- scale_out scale_in bounds hold invalid error manual ...
	before_no	int,
	after_no	int,
	value		double precision,
	threshold	double precision,
	reason		text,
	detail		text,
	node		text
);
CREATE INDEX IF NOT EXISTS das_event_seq_ts ON das_event (seq, ts);
