/*
 * Unit tests for the tick engine (scaler/tick.c and the files it calls),
 * through fake ports and a fake backend (fake_ports.h): what das journals,
 * which backend calls it makes and what it writes back, tick after tick.
 * InfluxDB is down in every test, so policies hold with no_data and only
 * min_no and max_no move replica counts (scaler/decide.c).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "engine.h"
#include "fake_ports.h"
#include "iql.h"
#include "log.h"

static struct fake_world	 w;
static struct engine		*e;

static void
start(const struct engine_cfg *cfg)
{
	struct engine_ports	p;
	struct engine_cfg	c;

	if (cfg == NULL) {
		fake_cfg(&c);
		cfg = &c;
	}
	/* the journal rows are what the tests read, not the log lines */
	log_set_level(LOG_LEVEL_ERROR);
	fake_ports(&w, &p);
	e = engine_new_ports(cfg, &p);
}

static const struct engine_report *
tick(void)
{
	const struct engine_report	*r = NULL;
	int				 rc;

	rc = engine_tick(e, backend_clock_ns(), &r);
	cr_assert_eq(rc, 0, "engine_tick: %d", rc);
	cr_assert_not_null(r);
	return r;
}

static void
ticks(int n)
{
	while (n-- > 0)
		(void)tick();
}

static void
one_policy(const char *min_no, const char *max_no, int replicas)
{
	fake_world_init(&w);
	fake_add_row(&w, fake_row(1, min_no, max_no));
	w.replicas[1] = replicas;
}

static void
teardown(void)
{
	engine_free(e);
	e = NULL;
}

TestSuite(engine, .fini = teardown);

Test(engine, bounds_raise_to_min_no_once)
{
	const struct engine_report	*r;

	one_policy("2", "5", 1);
	start(NULL);
	r = tick();
	cr_expect(r->leader);
	cr_expect_eq(r->policies, 1);
	cr_expect_eq(r->valid, 1);
	cr_expect_eq(r->actions, 1);
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(w.last_to, 2);
	cr_expect_eq(fake_journal_count(&w, 1, "bounds"), 1);
	cr_expect_eq(w.cur_no[1], 2);
	cr_expect_eq(r->status[0].replicas, 2);
	cr_expect_eq(w.list_calls, 0, "no Swarm policy, no service list");
	cr_expect_eq(w.query_calls, 1);
	r = tick();
	r = tick();
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(fake_journal_count(&w, 1, "bounds"), 1);
	cr_expect_eq(fake_journal_count(&w, 1, "hold"), 1,
	    "no_data is journaled once, not every tick");
	cr_expect_str_eq(r->status[0].state, "no_data");
	cr_expect_eq(r->actions, 0);
}

/* The journal rows of seq 1 with action, their indices in v. */
static size_t
rows_of(const char *action, size_t *v, size_t max)
{
	size_t	i, n = 0;

	for (i = 0; i < w.njournal && n < max; i++)
		if (w.journal[i].seq == 1 &&
		    strcmp(w.journal[i].action, action) == 0)
			v[n++] = i;
	return n;
}

Test(engine, manual_change_then_bounds_in_order)
{
	const struct fake_jrow	*m, *b;
	size_t			 man[8], bnd[8], round;

	one_policy("1", "3", 2);
	w.rows[0].min_no = "3";		/* das sets 3 first */
	start(NULL);
	tick();
	cr_assert_eq(w.replicas[1], 3);
	w.rows[0].min_no = "1";
	for (round = 1; round <= 5; round++) {
		w.replicas[1] = 5;	/* docker service scale web=5 */
		tick();
		cr_assert_eq(rows_of("manual", man, 8), round);
		cr_assert_eq(rows_of("bounds", bnd, 8), round + 1);
		m = &w.journal[man[round - 1]];
		b = &w.journal[bnd[round]];
		cr_expect_eq(m->before, 3);
		cr_expect_eq(m->after, 5);
		cr_expect_eq(b->before, 5);
		cr_expect_eq(b->after, 3);
		cr_expect_lt(man[round - 1], bnd[round], "manual first");
		cr_expect_lt(m->ts_ns, b->ts_ns);
		cr_expect_eq(w.replicas[1], 3);
	}
	cr_expect_eq(w.scale_calls, 6);
}

Test(engine, invalid_row_journaled_once_per_change)
{
	const struct engine_report	*r;

	one_policy("x", "5", 1);
	start(NULL);
	ticks(3);
	r = tick();
	cr_expect_eq(r->valid, 0);
	cr_expect_str_eq(r->status[0].state, "invalid");
	cr_expect_eq(fake_journal_count(&w, 1, "invalid"), 1);
	cr_expect_eq(w.observe_calls, 0);
	cr_expect_eq(w.scale_calls, 0);
	w.rows[0].max_no = "6";		/* still invalid, another row */
	ticks(3);
	cr_expect_eq(fake_journal_count(&w, 1, "invalid"), 2);
	cr_expect_eq(w.njournal, 2);
}

Test(engine, standby_acts_on_nothing)
{
	const struct engine_report	*r;

	one_policy("2", "5", 1);
	w.lock_taken = true;
	start(NULL);
	r = tick();
	cr_expect_not(r->leader);
	r = tick();
	cr_expect_not(r->leader);
	cr_expect_eq(w.lock_tries, 2, "the lock is sought every tick");
	cr_expect_eq(w.scale_calls, 0);
	cr_expect_eq(w.njournal, 0);
	cr_expect_eq(w.cur_no_writes, 0);
	cr_expect_eq(r->status[0].replicas, 1, "a standby still observes");
	w.lock_taken = false;
	r = tick();
	cr_expect(r->leader);
	cr_expect_eq(w.newest_calls, 1, "restored on becoming leader");
	cr_expect_eq(w.scale_calls, 1);
}

Test(engine, leadership_lost_with_the_session)
{
	const struct engine_report	*r;

	one_policy("2", "5", 1);
	start(NULL);
	r = tick();
	cr_assert(r->leader);
	cr_assert_eq(w.scale_calls, 1);
	w.session = 2;			/* a new connection: the lock is gone */
	w.lock_taken = true;		/* and another das took it */
	w.replicas[1] = 1;
	r = tick();
	cr_expect_not(r->leader);
	cr_expect_eq(w.lock_tries, 2);
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(w.njournal, 1);
}

Test(engine, new_session_restores_last_changes)
{
	const struct engine_report	*r;
	int64_t				 t;

	one_policy("1", "5", 2);
	start(NULL);
	r = tick();
	cr_assert(r->leader);
	cr_assert_eq(w.lock_tries, 1);
	cr_assert_eq(w.newest_calls, 1);
	r = tick();
	cr_assert_eq(w.lock_tries, 1, "a held lock is not sought again");
	/* another das led meanwhile and scaled out */
	t = backend_clock_ns();
	fake_journal_add(&w, t, 1, "scale_out", 2, 4);
	w.replicas[1] = 4;
	w.session = 2;
	r = tick();
	cr_expect(r->leader);
	cr_expect_eq(w.lock_tries, 2);
	cr_expect_eq(w.newest_calls, 2);
	cr_expect_eq(r->status[0].last_change_ns, t);
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 0,
	    "another das's change is its own, not a manual one");
	cr_expect_eq(w.scale_calls, 0);
}

Test(engine, failing_backend_journals_one_error)
{
	const struct engine_report	*r;

	one_policy("2", "5", 1);
	w.scale_rc = -EIO;
	w.scale_err = "fake: the cluster refused";
	start(NULL);
	ticks(3);
	r = tick();
	cr_expect_eq(w.scale_calls, 4, "tried again each tick");
	cr_expect_eq(fake_journal_count(&w, 1, "error"), 1);
	cr_expect_eq(fake_journal_count(&w, 1, NULL), 1);
	cr_expect_eq(w.cur_no_writes, 0);
	cr_expect_eq(w.cur_no[1], -1);
	cr_expect_str_eq(r->status[0].state, "error");
	cr_expect_eq(r->actions, 0);
	w.scale_rc = 0;
	tick();
	cr_expect_eq(fake_journal_count(&w, 1, "bounds"), 1);
	cr_expect_eq(w.cur_no[1], 2);
}

Test(engine, locked_table_keeps_last_good_set)
{
	const struct engine_report	*r;

	one_policy("2", "5", 1);
	start(NULL);
	tick();
	cr_assert_eq(w.cur_no[1], 2);
	cr_assert_eq(w.cur_no_writes, 1);
	w.load_fail = w.load_timeout = true;
	w.replicas[1] = 1;
	r = tick();
	cr_expect_eq(r->policies, 1, "the last good set");
	cr_expect_eq(w.scale_calls, 2, "bounds still enforced");
	cr_expect_eq(w.replicas[1], 2);
	cr_expect_eq(w.cur_no_writes, 1, "no cur_no on a locked table");
	cr_expect_eq(fake_journal_count(&w, 1, "bounds"), 2);
}

Test(engine, cur_no_timeout_skips_the_rest_of_the_tick)
{
	const struct engine_report	*r;

	fake_world_init(&w);
	fake_add_row(&w, fake_row(1, "2", "5"));
	fake_add_row(&w, fake_row(2, "2", "5"));
	w.replicas[1] = w.replicas[2] = 1;
	w.cur_no_timeout = true;
	start(NULL);
	r = tick();
	cr_expect_eq(r->actions, 2);
	cr_expect_eq(w.cur_no_writes, 1, "the second would wait again");
	w.cur_no_timeout = false;
	tick();
	cr_expect_eq(w.cur_no_writes, 3, "both tried again next tick");
	cr_expect_eq(w.cur_no[1], 2);
	cr_expect_eq(w.cur_no[2], 2);
}

Test(engine, no_good_set_yet_fails_the_tick)
{
	const struct engine_report	*r = NULL;

	one_policy("2", "5", 1);
	w.load_fail = true;
	start(NULL);
	cr_expect_eq(engine_tick(e, backend_clock_ns(), &r), -EIO);
	cr_expect_eq(w.observe_calls, 0);
	cr_expect_eq(w.njournal, 0);
}

Test(engine, evaluate_only_changes_nothing)
{
	const struct engine_report	*r;
	struct engine_cfg		 c;

	one_policy("2", "5", 1);
	fake_cfg(&c);
	c.act = false;			/* dasctl */
	start(&c);
	r = tick();
	cr_expect_eq(w.lock_tries, 0);
	cr_expect_eq(w.scale_calls, 0);
	cr_expect_eq(w.njournal, 0);
	cr_expect_eq(w.cur_no_writes, 0);
	cr_expect_str_eq(r->status[0].action, "bounds");
	cr_expect_eq(r->status[0].after, 2);
}

Test(engine, lockless_server_leads_without_a_lock)
{
	const struct engine_report	*r;

	one_policy("2", "5", 1);
	w.lockless = true;
	w.lock_taken = true;
	start(NULL);
	r = tick();
	cr_expect(r->leader);
	cr_expect_eq(w.lock_tries, 0);
	cr_expect_eq(w.scale_calls, 1);
}

Test(engine, background_call_journaled_when_it_ends)
{
	const struct engine_report	*r;
	struct engine_cfg		 c;

	one_policy("2", "5", 1);
	w.be.background = true;
	fake_cfg(&c);
	c.background = true;
	start(&c);
	r = tick();
	cr_expect_str_eq(r->status[0].state, "acting");
	cr_assert_eq(engine_drain(e, 10000), 0);
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(fake_journal_count(&w, 1, "bounds"), 1);
	cr_expect_eq(w.cur_no[1], 2);
	r = tick();
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(r->status[0].replicas, 2);
}

/* The first journal row of seq with action, or NULL. */
static const struct fake_jrow *
row_of(int64_t seq, const char *action)
{
	size_t	i;

	for (i = 0; i < w.njournal; i++)
		if (w.journal[i].seq == seq &&
		    strcmp(w.journal[i].action, action) == 0)
			return &w.journal[i];
	return NULL;
}

/*
 * A runc cluster whose member stopped counts one replica short: das
 * replaces the member before it decides, and min_no is not enforced over
 * a count that the replacement is about to restore.
 */
Test(engine, stopped_members_replaced_before_deciding)
{
	const struct engine_report	*r;
	const struct fake_jrow		*j;
	struct engine_cfg		 c;

	one_policy("2", "5", 2);
	w.be.background = true;
	fake_cfg(&c);
	c.background = true;
	start(&c);
	tick();
	w.replicas[1] = 1;		/* web_2's init died */
	w.stopped[1] = 1;
	r = tick();
	cr_expect_str_eq(r->status[0].state, "acting");
	cr_expect_str_eq(r->status[0].action, "", "not decided");
	cr_assert_eq(engine_drain(e, 10000), 0);
	cr_expect_eq(w.replace_calls, 1);
	cr_expect_eq(w.scale_calls, 0);
	cr_assert_not_null(j = row_of(1, "replace"));
	cr_expect_eq(j->before, 1);
	cr_expect_eq(j->after, 2);
	cr_expect_str_eq(j->reason, "dead");
	r = tick();
	cr_expect_eq(r->status[0].replicas, 2);
	cr_expect_str_eq(r->status[0].state, "no_data");
	cr_expect_eq(w.replace_calls, 1);
	cr_expect_eq(w.scale_calls, 0, "nothing left for bounds to do");
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 0,
	    "a replacement is das's own doing");
	cr_expect_eq(fake_journal_count(&w, 1, "replace"), 1);
}

/*
 * The Swarm service list cannot be read: each Swarm policy is in error
 * (journaled once) and acts on nothing; a policy of another backend acts
 * in the same tick.
 */
Test(engine, swarm_list_failing_stops_only_swarm_policies)
{
	const struct engine_report	*r;

	fake_world_init(&w);
	w.swarm_name = "api";
	w.list_fail = true;
	fake_add_row(&w, fake_row(1, "2", "5"));
	w.rows[0].service_id = "api";
	fake_add_row(&w, fake_row(2, "2", "5"));
	w.replicas[2] = 1;
	start(NULL);
	r = tick();
	cr_expect_eq(w.list_calls, 1);
	cr_expect_str_eq(r->status[0].state, "error");
	cr_expect(strstr(r->status[0].detail, "GET /services") != NULL, "%s",
	    r->status[0].detail);
	cr_expect_eq(r->status[0].replicas, -1);
	cr_expect_eq(fake_journal_count(&w, 1, "error"), 1);
	cr_expect_eq(w.cur_no[1], -1);
	cr_expect_eq(w.scale_calls, 1, "the other backend's policy acts");
	cr_expect_eq(w.last_to, 2);
	cr_expect_eq(fake_journal_count(&w, 2, "bounds"), 1);
	cr_expect_eq(r->actions, 1);
	tick();
	cr_expect_eq(fake_journal_count(&w, 1, NULL), 1, "one error row");
	w.list_fail = false;		/* back, at min_no */
	w.swarm_replicas = 2;
	r = tick();
	cr_expect_eq(r->status[0].replicas, 2);
	cr_expect_str_eq(r->status[0].service_id, "fakeswarmid0123456789abcd");
	cr_expect_str_eq(r->status[0].state, "no_data");
	cr_expect_eq(w.cur_no[1], 2);
	cr_expect_eq(w.scale_calls, 1);
}

/*
 * dasctl scale: an evaluate-only engine changes the count and journals it
 * as manual; das then takes the count as is, at the journal row's time,
 * without a manual row of its own and without undoing it.
 */
Test(engine, scale_by_hand_journaled_and_kept)
{
	const struct engine_report	*r;
	const struct fake_jrow		*m;
	struct engine_ports		 p;
	struct engine_cfg		 c;
	struct engine			*ctl;
	char				 err[256];

	one_policy("1", "5", 3);
	fake_add_row(&w, fake_row(2, "x", "5"));
	start(NULL);
	tick();
	fake_cfg(&c);
	c.act = false;
	fake_ports(&w, &p);
	ctl = engine_new_ports(&c, &p);
	engine_restore(ctl);
	cr_assert_eq(engine_tick(ctl, backend_clock_ns(), &r), 0);
	cr_assert_eq(engine_scale_by_hand(ctl, 1, 4, err, sizeof err), 0, "%s",
	    err);
	cr_expect_eq(w.replicas[1], 4);
	cr_expect_eq(w.cur_no[1], 4);
	cr_assert_not_null(m = row_of(1, "manual"));
	cr_expect_eq(m->before, 3);
	cr_expect_eq(m->after, 4);
	cr_expect_str_eq(m->reason, "dasctl");
	cr_expect_eq(engine_scale_by_hand(ctl, 7, 2, err, sizeof err),
	    -EINVAL);
	cr_expect(strstr(err, "not in the table") != NULL, "%s", err);
	cr_expect_eq(engine_scale_by_hand(ctl, 2, 2, err, sizeof err),
	    -EINVAL, "an invalid row");
	w.scale_rc = -EIO;
	w.scale_err = "fake: the cluster refused";
	cr_expect_eq(engine_scale_by_hand(ctl, 1, 5, err, sizeof err), -EIO);
	cr_expect_str_eq(err, "fake: the cluster refused");
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 1);
	w.scale_rc = 0;
	/* a session that cannot write: nothing is scaled, nothing recorded */
	w.cur_no_readonly = true;
	cr_expect_eq(engine_scale_by_hand(ctl, 1, 5, err, sizeof err),
	    -EACCES);
	cr_expect(strstr(err, "PostgreSQL would not record the change") !=
	    NULL && strstr(err, "read-only transaction") != NULL, "%s", err);
	cr_expect_eq(w.replicas[1], 4, "not scaled");
	cr_expect_eq(w.cur_no[1], 4);
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 1);
	w.cur_no_readonly = false;
	/* a row lock: the same, said as a lock */
	w.cur_no_timeout = true;
	cr_expect_eq(engine_scale_by_hand(ctl, 1, 5, err, sizeof err),
	    -ETIMEDOUT);
	cr_expect(strstr(err, "the das row of seq 1 is locked") != NULL, "%s",
	    err);
	cr_expect_eq(w.replicas[1], 4, "not scaled");
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 1);
	w.cur_no_timeout = false;
	cr_expect_eq(w.touches, 4, "one probe per change asked for a known "
	    "policy");
	engine_free(ctl);
	r = tick();
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 1);
	cr_expect_eq(r->status[0].replicas, 4);
	cr_expect_eq(r->status[0].last_change_ns, m->ts_ns);
	cr_expect_eq(w.scale_calls, 2, "das undid nothing");
}

/*
 * A statement InfluxDB did not run: the hold names the server, and for
 * InfluxDB 1.x's bare "not executed" what it means, with the database.
 * das's own words stay as they are.
 */
Test(engine, a_statement_error_names_the_server_and_database)
{
	const struct engine_report	*r;
	struct engine_cfg		 c;

	one_policy("1", "5", 2);
	w.influx_up = true;
	w.stmt_error = "not executed";
	fake_cfg(&c);
	c.database = "metrics";
	start(&c);
	r = tick();
	cr_expect_str_eq(r->status[0].state, "no_data");
	cr_expect_str_eq(r->status[0].detail, "metrics unavailable: InfluxDB "
	    "at http://fake.invalid:8086 answered \"not executed\" (InfluxDB "
	    "1.x's word when an earlier statement of the request failed, and "
	    "for every statement when the database, \"metrics\", does not "
	    "exist)");
	w.stmt_error = "database not found: metrics";
	r = tick();
	cr_expect_str_eq(r->status[0].detail, "metrics unavailable: InfluxDB "
	    "at http://fake.invalid:8086: database not found: metrics");
	w.stmt_error = "shard is gone";
	r = tick();
	cr_expect_str_eq(r->status[0].detail, "metrics unavailable: shard is "
	    "gone");
	cr_expect_eq(w.chunk_rows, 0, "no window cache: a plain answer");
}

/* The daemon's window cache reads ds's rows in chunks (iql.h). */
Test(engine, the_window_cache_asks_in_chunks)
{
	struct engine_cfg	c;

	one_policy("1", "5", 2);
	w.influx_up = true;
	fake_cfg(&c);
	c.window_cache = true;
	start(&c);
	(void)tick();
	cr_expect_eq(w.chunk_rows, IQL_CHUNK_ROWS);
}
