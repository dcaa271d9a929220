-- das schema for CrateDB (PostgreSQL wire protocol). CrateDB has no
-- advisory locks: run a single das instance against it.
CREATE TABLE IF NOT EXISTS das (
	seq		int PRIMARY KEY,
	min_no		int,
	max_no		int,
	cur_no		int,
	cond_item	STRING,
	out_cond	STRING,
	in_cond		STRING,
	out_duration	STRING,
	in_duration	STRING,
	service_id	STRING,
	step_out	STRING DEFAULT '1',
	step_in		STRING DEFAULT '1',
	cooldown_out	STRING,
	cooldown_in	STRING,
	enabled		boolean DEFAULT true,
	dry_run		boolean DEFAULT false,
	backend		STRING DEFAULT 'swarm',
	aggregate	STRING DEFAULT 'mean',
	mode		STRING DEFAULT 'threshold',
	capacity	double precision,
	min_available	double precision,
	sustained	STRING DEFAULT 'false',
	target		STRING,
	setpoint	STRING,
	tolerance	STRING,
	max_step_out	STRING,
	stabilize_in	STRING,
	stabilize_out	STRING
);

CREATE TABLE IF NOT EXISTS das_event (
	id		STRING PRIMARY KEY,
	ts		TIMESTAMP WITH TIME ZONE,
	seq		int,
	service		STRING,
	action		STRING,
	before_no	int,
	after_no	int,
	value		double precision,
	threshold	double precision,
	reason		STRING,
	detail		STRING,
	node		STRING
);
