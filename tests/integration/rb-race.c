/*
 * rb-race: many members race for the same windows of one resource.
 *
 * One authenticated connection per member; for every window all of them are
 * released together (a barrier) to send the same Book.  Exactly one may win,
 * every other must be told CONFLICT.  Afterwards PostgreSQL has the last
 * word: no two active bookings overlap, and the raced range holds exactly
 * one active booking per window, the winners'.  With several --server
 * (daemons sharing one database) the members are spread over them.
 *
 * --mode=cancel-rebook then has every winner cancel, and races again.
 *
 * Exit status 0 when every check holds, 1 otherwise, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "net.h"
#include "rigbook/names.h"

#define MAX_MEMBERS 100
#define MAX_SERVERS 8
#define MAX_WINDOWS 10000
#define MAX_FAIL_LINES 50
#define WINDOW_LEN 3600
#define WINDOW_STEP 7200

enum race_mode { MODE_BOOK, MODE_CANCEL_REBOOK };
enum race_op { OP_BOOK, OP_CANCEL, OP_QUIT };

struct race_opts {
	const char *servers[MAX_SERVERS]; /* members are dealt out over these in turn */
	int nservers;
	const char *ca;
	const char *server_name;
	const char *prefix;
	const char *resource;
	const char *dsn;
	int members;
	int windows;
	int timeout;
	int have_base;
	int64_t base;
	enum race_mode mode;
};

/* What one member got for one window. */
struct race_reply {
	int booked;
	int code; /* ErrorCode when refused; -1: no reply at all */
	uint64_t booking_id;
	int64_t start, end;
	int state;
	char resource[48];
	uint64_t conflict_id;
	int64_t conflict_start, conflict_end;
	char message[200];
};

struct race;

struct race_worker {
	pthread_t thread;
	int idx;
	char token[96];
	char handle[48];
	struct rbc_conn *conn;
	struct race *race;
	struct race_reply reply;
	int cancel_failures;
	char cancel_error[240];
};

struct race {
	const struct race_opts *o;
	pthread_barrier_t go, done;
	enum race_op op;
	int window;
	int64_t *starts;
	int *winner;          /* worker index per window, -1 none */
	uint64_t *winner_id;  /* booking id per window */
	struct race_worker *w;
};

struct race_stats {
	long requests, booked, conflicts, other;
};

static int failures;
static int fail_lines;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (++fail_lines > MAX_FAIL_LINES) {
		if (fail_lines == MAX_FAIL_LINES + 1)
			printf("FAIL (further failures are counted, not shown)\n");
		return;
	}
	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "2027-01-05 10:00Z" */
static const char *utc_text(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%MZ", &tm) == 0)
		snprintf(buf, len, "@%" PRId64, t);
	return buf;
}

static void on_alarm(int sig)
{
	static const char msg[] = "FAIL rb-race: the --timeout ran out before the race finished\n";
	ssize_t n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);

	(void)n;
	_exit(1);
}

/* ------------------------------------------------------------ wire */

static void reply_from_response(struct race_reply *rr, const Rigbook__Response *resp)
{
	if (resp->body_case == RIGBOOK__RESPONSE__BODY_BOOK && resp->book != NULL &&
	    resp->book->booking != NULL) {
		const Rigbook__Booking *b = resp->book->booking;

		rr->booked = 1;
		rr->booking_id = b->id;
		rr->start = b->start;
		rr->end = b->end;
		rr->state = b->state;
		snprintf(rr->resource, sizeof(rr->resource), "%s",
			 b->resource_code != NULL ? b->resource_code : "");
	} else if (resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR && resp->error != NULL) {
		const Rigbook__Error *e = resp->error;

		rr->code = e->code;
		rr->conflict_id = e->conflict_booking_id;
		rr->conflict_start = e->conflict_start;
		rr->conflict_end = e->conflict_end;
		snprintf(rr->message, sizeof(rr->message), "%s", e->message != NULL ? e->message : "");
	} else {
		rr->code = -1;
		snprintf(rr->message, sizeof(rr->message), "unexpected response (body case %d)",
			 (int)resp->body_case);
	}
}

static void worker_book(struct race_worker *w)
{
	struct race *r = w->race;
	struct race_reply *rr = &w->reply;
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__BookRequest book = RIGBOOK__BOOK_REQUEST__INIT;
	Rigbook__Response *resp = NULL;
	char err[200];

	memset(rr, 0, sizeof(*rr));
	book.resource_code = (char *)r->o->resource;
	book.start = r->starts[r->window];
	book.end = book.start + WINDOW_LEN;
	book.note = "rb-race";
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
	req.book = &book;
	if (rbc_call(w->conn, &req, &resp, err, sizeof(err)) != 0) {
		rr->code = -1;
		snprintf(rr->message, sizeof(rr->message), "no reply: %s", err);
		return;
	}
	reply_from_response(rr, resp);
	rigbook__response__free_unpacked(resp, NULL);
}

static void worker_cancel(struct race_worker *w)
{
	struct race *r = w->race;

	for (int i = 0; i < r->o->windows; i++) {
		Rigbook__Request req = RIGBOOK__REQUEST__INIT;
		Rigbook__CancelBookingRequest cancel = RIGBOOK__CANCEL_BOOKING_REQUEST__INIT;
		Rigbook__Response *resp = NULL;
		char err[200];

		if (r->winner[i] != w->idx)
			continue;
		cancel.booking_id = r->winner_id[i];
		cancel.reason = "rb-race: rebook";
		req.body_case = RIGBOOK__REQUEST__BODY_CANCEL_BOOKING;
		req.cancel_booking = &cancel;
		if (rbc_call(w->conn, &req, &resp, err, sizeof(err)) != 0) {
			w->cancel_failures++;
			snprintf(w->cancel_error, sizeof(w->cancel_error),
				 "cancel of booking %" PRIu64 ": no reply: %s", cancel.booking_id, err);
			continue;
		}
		if (resp->body_case != RIGBOOK__RESPONSE__BODY_CANCEL_BOOKING ||
		    resp->cancel_booking == NULL || resp->cancel_booking->booking == NULL ||
		    resp->cancel_booking->booking->id != cancel.booking_id ||
		    resp->cancel_booking->booking->state != RIGBOOK__BOOKING_STATE__CANCELLED) {
			w->cancel_failures++;
			if (resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR && resp->error != NULL)
				snprintf(w->cancel_error, sizeof(w->cancel_error),
					 "cancel of booking %" PRIu64 ": %s: %s", cancel.booking_id,
					 rb_code_name(resp->error->code),
					 resp->error->message != NULL ? resp->error->message : "");
			else
				snprintf(w->cancel_error, sizeof(w->cancel_error),
					 "cancel of booking %" PRIu64
					 ": the reply is not that booking, cancelled",
					 cancel.booking_id);
		}
		rigbook__response__free_unpacked(resp, NULL);
	}
}

static void *worker_main(void *arg)
{
	struct race_worker *w = arg;
	struct race *r = w->race;

	for (;;) {
		enum race_op op;

		pthread_barrier_wait(&r->go);
		op = r->op;
		if (op == OP_QUIT)
			break;
		if (op == OP_BOOK)
			worker_book(w);
		else
			worker_cancel(w);
		pthread_barrier_wait(&r->done);
	}
	return NULL;
}

/* Run one step on every worker at once and wait until all are done. */
static void race_step(struct race *r, enum race_op op, int window)
{
	r->op = op;
	r->window = window;
	pthread_barrier_wait(&r->go);
	if (op != OP_QUIT)
		pthread_barrier_wait(&r->done);
}

/* ------------------------------------------------------------ checks */

static void check_window(struct race *r, int i, const char *phase, struct race_stats *st)
{
	const struct race_opts *o = r->o;
	int64_t start = r->starts[i], end = start + WINDOW_LEN;
	char when[40];
	int winners = 0;

	utc_text(start, when, sizeof(when));
	r->winner[i] = -1;
	r->winner_id[i] = 0;
	for (int m = 0; m < o->members; m++) {
		const struct race_reply *rr = &r->w[m].reply;

		st->requests++;
		if (!rr->booked)
			continue;
		st->booked++;
		winners++;
		if (r->winner[i] < 0) {
			r->winner[i] = m;
			r->winner_id[i] = rr->booking_id;
		}
		if (rr->start != start || rr->end != end || strcmp(rr->resource, o->resource) != 0)
			fail("%s window %d (%s): %s booked %s [%" PRId64 ", %" PRId64
			     ") but asked for %s [%" PRId64 ", %" PRId64 ")",
			     phase, i, when, r->w[m].handle, rr->resource, rr->start, rr->end,
			     o->resource, start, end);
		if (rr->state != RIGBOOK__BOOKING_STATE__CONFIRMED &&
		    rr->state != RIGBOOK__BOOKING_STATE__REQUESTED)
			fail("%s window %d (%s): %s's new booking %" PRIu64 " is %s, not active",
			     phase, i, when, r->w[m].handle, rr->booking_id, rb_state_name(rr->state));
		if (rr->booking_id == 0)
			fail("%s window %d (%s): %s's booking has id 0", phase, i, when,
			     r->w[m].handle);
	}
	if (winners != 1)
		fail("%s window %d (%s): %d members booked it, expected exactly 1", phase, i, when,
		     winners);

	for (int m = 0; m < o->members; m++) {
		const struct race_reply *rr = &r->w[m].reply;

		if (rr->booked)
			continue;
		if (rr->code != RIGBOOK__ERROR_CODE__CONFLICT) {
			st->other++;
			if (rr->code < 0)
				fail("%s window %d (%s): %s: %s", phase, i, when, r->w[m].handle,
				     rr->message);
			else
				fail("%s window %d (%s): %s was refused with %s (expected CONFLICT): %s",
				     phase, i, when, r->w[m].handle, rb_code_name(rr->code),
				     rr->message);
			continue;
		}
		st->conflicts++;
		if (rr->message[0] == '\0')
			fail("%s window %d (%s): %s got CONFLICT without a message", phase, i, when,
			     r->w[m].handle);
		/* When the server names the booking in the way, it must be the winner's. */
		if (rr->conflict_id != 0 && winners == 1 && rr->conflict_id != r->winner_id[i])
			fail("%s window %d (%s): %s's CONFLICT names booking %" PRIu64
			     ", but the winner is %" PRIu64,
			     phase, i, when, r->w[m].handle, rr->conflict_id, r->winner_id[i]);
		if (rr->conflict_id != 0 &&
		    (rr->conflict_start >= end || rr->conflict_end <= start))
			fail("%s window %d (%s): %s's CONFLICT window [%" PRId64 ", %" PRId64
			     ") does not overlap the one asked for",
			     phase, i, when, r->w[m].handle, rr->conflict_start, rr->conflict_end);
	}
}

static int run_phase(struct race *r, const char *phase, struct race_stats *st)
{
	int before = failures;

	for (int i = 0; i < r->o->windows; i++) {
		race_step(r, OP_BOOK, i);
		check_window(r, i, phase, st);
	}
	return failures == before ? 0 : -1;
}

/* ------------------------------------------------------------ database */

/* libpq's last error, without its trailing newline. */
static const char *pq_error(const PGconn *db)
{
	static char buf[512];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", PQerrorMessage(db));
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

/* One query returning one bigint; -1 (and a FAIL) on error. */
static int db_scalar(PGconn *db, const char *what, const char *sql, int nparams,
		     const char *const *params, int64_t *out)
{
	PGresult *res = PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail("database: %s: %s", what, pq_error(db));
	else if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQgetisnull(res, 0, 0))
		fail("database: %s: expected one value", what);
	else {
		*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		rc = 0;
	}
	PQclear(res);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The bookings of the resource in [from, to) in the given states (SQL list)
 * must be exactly the ids expected (n of them, unordered).
 */
static void db_expect_ids(PGconn *db, const char *phase, const char *what, const char *states,
			  int negate, int64_t from, int64_t to, const char *resource,
			  const uint64_t *want, int n)
{
	char sql[600], a[24], b[24];
	const char *params[3] = { resource, a, b };
	uint64_t *sorted = NULL;
	PGresult *res;
	int got, missing = 0, extra = 0;

	snprintf(a, sizeof(a), "%" PRId64, from);
	snprintf(b, sizeof(b), "%" PRId64, to);
	snprintf(sql, sizeof(sql),
		 "SELECT b.id FROM bookings b JOIN resources r ON r.id = b.resource_id"
		 " WHERE r.code = $1"
		 " AND b.during && tstzrange(to_timestamp($2::bigint), to_timestamp($3::bigint), '[)')"
		 " AND b.state %s IN (%s) ORDER BY b.id",
		 negate ? "NOT" : "", states);
	res = PQexecParams(db, sql, 3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fail("%s: database: %s: %s", phase, what, pq_error(db));
		PQclear(res);
		return;
	}
	got = PQntuples(res);
	if (got != n)
		fail("%s: the database holds %d %s bookings of %s in the raced range, expected %d",
		     phase, got, what, resource, n);
	sorted = malloc(sizeof(*sorted) * (size_t)(n > 0 ? n : 1));
	if (sorted == NULL) {
		fail("out of memory");
		PQclear(res);
		return;
	}
	memcpy(sorted, want, sizeof(*sorted) * (size_t)n);
	qsort(sorted, (size_t)n, sizeof(*sorted), cmp_u64);
	/* merge the two sorted lists */
	for (int i = 0, j = 0; i < got || j < n;) {
		uint64_t have = i < got ? strtoull(PQgetvalue(res, i, 0), NULL, 10) : UINT64_MAX;
		uint64_t need = j < n ? sorted[j] : UINT64_MAX;

		if (have == need) {
			i++, j++;
		} else if (have < need) {
			if (extra++ < 5)
				fail("%s: booking %" PRIu64 " is %s in the raced range but no member was told it won",
				     phase, have, what);
			i++;
		} else {
			if (missing++ < 5)
				fail("%s: booking %" PRIu64 " was reported booked but is not %s in the database",
				     phase, need, what);
			j++;
		}
	}
	free(sorted);
	PQclear(res);
}

static const char overlap_sql[] =
	"SELECT count(*) FROM bookings a JOIN bookings b"
	" ON a.resource_id = b.resource_id AND a.id < b.id AND a.during && b.during"
	" WHERE a.state NOT IN ('cancelled', 'declined') AND b.state NOT IN ('cancelled', 'declined')";

static int64_t db_check(PGconn *db, const struct race *r, const char *phase,
			const uint64_t *cancelled)
{
	const struct race_opts *o = r->o;
	int64_t from = r->starts[0], to = r->starts[o->windows - 1] + WINDOW_LEN;
	int64_t overlaps = -1;
	uint64_t *ids;
	int n = 0;

	if (db_scalar(db, "overlap query", overlap_sql, 0, NULL, &overlaps) == 0 && overlaps != 0)
		fail("%s: the database holds %" PRId64 " pairs of overlapping active bookings",
		     phase, overlaps);
	ids = calloc((size_t)o->windows, sizeof(*ids));
	if (ids == NULL) {
		fail("out of memory");
		return overlaps;
	}
	for (int i = 0; i < o->windows; i++)
		if (r->winner[i] >= 0)
			ids[n++] = r->winner_id[i];
	db_expect_ids(db, phase, "active", "'cancelled', 'declined'", 1, from, to, o->resource,
		      ids, n);
	if (cancelled != NULL)
		db_expect_ids(db, phase, "cancelled", "'cancelled'", 0, from, to, o->resource,
			      cancelled, o->windows);
	free(ids);
	return overlaps;
}

/*
 * The first window: the next whole hour a day from now, and after every
 * booking the resource has ever had, so that repeated runs against one
 * database race for fresh time.
 */
static int pick_base(PGconn *db, const struct race_opts *o, int64_t *base)
{
	int64_t t = (int64_t)time(NULL) + 86400, last = 0;
	const char *params[1] = { o->resource };

	t = (t / 3600 + 1) * 3600;
	if (db != NULL) {
		if (db_scalar(db, "the end of the last booking",
			      "SELECT coalesce(floor(extract(epoch FROM max(upper(b.during)))), 0)::bigint"
			      " FROM bookings b JOIN resources r ON r.id = b.resource_id WHERE r.code = $1",
			      1, params, &last) != 0)
			return -1;
		last = (last / 3600 + 1) * 3600 + 3600;
		if (last > t)
			t = last;
	}
	*base = t;
	return 0;
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rb-race --server HOST:PORT --ca FILE --token-prefix PREFIX --resource CODE\n"
		"               [--members N] [--windows W] [--pg-dsn DSN] [--base-epoch T]\n"
		"               [--mode book|cancel-rebook] [--server-name NAME] [--timeout SECONDS]\n"
		"\n"
		"N members (tokens PREFIX00 .. PREFIX<N-1>) race with one Book each for W one-hour\n"
		"windows two hours apart, starting at T (default: the next whole hour a day from now,\n"
		"after the resource's last booking).  With --pg-dsn the database is checked after.\n"
		"--server may be given up to %d times (daemons sharing one database): the members\n"
		"are dealt out over them in turn.\n", MAX_SERVERS);
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct race_opts *o)
{
	enum { O_SERVER = 1, O_CA, O_NAME, O_PREFIX, O_MEMBERS, O_WINDOWS, O_RESOURCE, O_DSN,
	       O_BASE, O_MODE, O_TIMEOUT, O_HELP };
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, O_SERVER },
		{ "ca", required_argument, NULL, O_CA },
		{ "server-name", required_argument, NULL, O_NAME },
		{ "token-prefix", required_argument, NULL, O_PREFIX },
		{ "members", required_argument, NULL, O_MEMBERS },
		{ "windows", required_argument, NULL, O_WINDOWS },
		{ "resource", required_argument, NULL, O_RESOURCE },
		{ "pg-dsn", required_argument, NULL, O_DSN },
		{ "base-epoch", required_argument, NULL, O_BASE },
		{ "mode", required_argument, NULL, O_MODE },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	long v;

	memset(o, 0, sizeof(*o));
	o->members = 32;
	o->windows = 100;
	o->timeout = 120;
	o->mode = MODE_BOOK;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case O_SERVER:
			if (o->nservers == MAX_SERVERS) {
				fprintf(stderr, "rb-race: at most %d --server\n", MAX_SERVERS);
				return -1;
			}
			o->servers[o->nservers++] = optarg;
			break;
		case O_CA: o->ca = optarg; break;
		case O_NAME: o->server_name = optarg; break;
		case O_PREFIX: o->prefix = optarg; break;
		case O_RESOURCE: o->resource = optarg; break;
		case O_DSN: o->dsn = optarg; break;
		case O_MEMBERS:
			if (parse_int(optarg, 2, MAX_MEMBERS, &v) != 0) {
				fprintf(stderr, "rb-race: --members is 2 to %d\n", MAX_MEMBERS);
				return -1;
			}
			o->members = (int)v;
			break;
		case O_WINDOWS:
			if (parse_int(optarg, 1, MAX_WINDOWS, &v) != 0) {
				fprintf(stderr, "rb-race: --windows is 1 to %d\n", MAX_WINDOWS);
				return -1;
			}
			o->windows = (int)v;
			break;
		case O_BASE:
			if (parse_int(optarg, 1, 253402300799L - (long)MAX_WINDOWS * WINDOW_STEP, &v) != 0) {
				fprintf(stderr, "rb-race: --base-epoch is seconds since the epoch\n");
				return -1;
			}
			o->base = v;
			o->have_base = 1;
			break;
		case O_MODE:
			if (strcmp(optarg, "book") == 0)
				o->mode = MODE_BOOK;
			else if (strcmp(optarg, "cancel-rebook") == 0)
				o->mode = MODE_CANCEL_REBOOK;
			else {
				fprintf(stderr, "rb-race: unknown --mode %s; possibilities are: book, cancel-rebook\n",
					optarg);
				return -1;
			}
			break;
		case O_TIMEOUT:
			if (parse_int(optarg, 1, 86400, &v) != 0) {
				fprintf(stderr, "rb-race: --timeout is 1 to 86400 seconds\n");
				return -1;
			}
			o->timeout = (int)v;
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "rb-race: unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	if (o->nservers == 0 || o->prefix == NULL || o->resource == NULL) {
		fprintf(stderr, "rb-race: --server, --token-prefix and --resource are required\n");
		usage(stderr);
		return -1;
	}
	if (strlen(o->prefix) > 80) {
		fprintf(stderr, "rb-race: --token-prefix is too long\n");
		return -1;
	}
	return 0;
}

static int connect_members(struct race *r)
{
	const struct race_opts *o = r->o;
	struct rbc_opts co = {
		.ca_file = o->ca,
		.server_name = o->server_name,
		.client_name = "rb-race/" RIGBOOK_VERSION,
		.timeout_ms = o->timeout < 30 ? o->timeout * 1000 : 30000,
	};

	for (int i = 0; i < o->members; i++) {
		struct race_worker *w = &r->w[i];
		const Rigbook__HelloReply *hr;
		char err[256];
		int code = 0;

		w->idx = i;
		w->race = r;
		snprintf(w->token, sizeof(w->token), "%s%02d", o->prefix, i);
		co.token = w->token;
		co.server = o->servers[i % o->nservers];
		if (rbc_connect(&co, &w->conn, &code, err, sizeof(err)) != 0) {
			fail("member %d (token %s) cannot sign in at %s: %s%s%s", i, w->token, co.server,
			     code != 0 ? rb_code_name(code) : "", code != 0 ? ": " : "", err);
			return -1;
		}
		hr = rbc_session(w->conn);
		snprintf(w->handle, sizeof(w->handle), "%s",
			 hr != NULL && hr->member_handle != NULL && hr->member_handle[0] != '\0'
				 ? hr->member_handle
				 : w->token);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct race_opts o;
	struct race r;
	struct race_stats st1 = { 0 }, st2 = { 0 };
	uint64_t *first_winners = NULL;
	PGconn *db = NULL;
	int64_t overlaps = -1, base;
	double t0, elapsed;
	char when[40];
	int started = 0, connected = 0;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm((unsigned)o.timeout);
	t0 = now_sec();

	memset(&r, 0, sizeof(r));
	r.o = &o;
	r.starts = calloc((size_t)o.windows, sizeof(*r.starts));
	r.winner = calloc((size_t)o.windows, sizeof(*r.winner));
	r.winner_id = calloc((size_t)o.windows, sizeof(*r.winner_id));
	first_winners = calloc((size_t)o.windows, sizeof(*first_winners));
	r.w = calloc((size_t)o.members, sizeof(*r.w));
	if (r.starts == NULL || r.winner == NULL || r.winner_id == NULL || first_winners == NULL ||
	    r.w == NULL) {
		fprintf(stderr, "rb-race: out of memory\n");
		return 1;
	}

	if (o.dsn != NULL) {
		db = PQconnectdb(o.dsn);
		if (PQstatus(db) != CONNECTION_OK) {
			fail("cannot connect to PostgreSQL (%s): %s", o.dsn, pq_error(db));
			goto out;
		}
	}
	if (o.have_base)
		base = o.base;
	else if (pick_base(db, &o, &base) != 0)
		goto out;
	for (int i = 0; i < o.windows; i++)
		r.starts[i] = base + (int64_t)i * WINDOW_STEP;

	if (connect_members(&r) != 0)
		goto out;
	connected = 1;
	if (pthread_barrier_init(&r.go, NULL, (unsigned)o.members + 1) != 0 ||
	    pthread_barrier_init(&r.done, NULL, (unsigned)o.members + 1) != 0) {
		fail("cannot set up the start barrier");
		goto out;
	}
	for (int i = 0; i < o.members; i++) {
		if (pthread_create(&r.w[i].thread, NULL, worker_main, &r.w[i]) != 0) {
			/* the barrier counts every member: no race without all of them */
			fprintf(stderr, "rb-race: cannot start thread %d\n", i);
			_exit(1);
		}
	}
	started = 1;
	printf("rb-race: %d members over %d server%s, %d windows of %s from %s\n", o.members,
	       o.nservers, o.nservers == 1 ? "" : "s", o.windows, o.resource,
	       utc_text(base, when, sizeof(when)));

	run_phase(&r, "book", &st1);
	if (db != NULL)
		overlaps = db_check(db, &r, "book", NULL);

	if (o.mode == MODE_CANCEL_REBOOK) {
		int cancel_failures = 0;

		memcpy(first_winners, r.winner_id, sizeof(*first_winners) * (size_t)o.windows);
		race_step(&r, OP_CANCEL, 0);
		for (int i = 0; i < o.members; i++) {
			if (r.w[i].cancel_failures == 0)
				continue;
			cancel_failures += r.w[i].cancel_failures;
			fail("cancel: %s: %d cancels failed, last: %s", r.w[i].handle,
			     r.w[i].cancel_failures, r.w[i].cancel_error);
		}
		if (cancel_failures == 0)
			printf("rb-race: every winner cancelled; racing again\n");
		run_phase(&r, "rebook", &st2);
		if (db != NULL) {
			int64_t ov = db_check(db, &r, "rebook", first_winners);

			if (ov != 0)
				overlaps = ov;
		}
	}

out:
	elapsed = now_sec() - t0;
	if (started)
		race_step(&r, OP_QUIT, 0);
	for (int i = 0; started && i < o.members; i++)
		pthread_join(r.w[i].thread, NULL);
	if (started) {
		pthread_barrier_destroy(&r.go);
		pthread_barrier_destroy(&r.done);
	}
	for (int i = 0; i < o.members && r.w != NULL; i++)
		if (r.w[i].conn != NULL)
			rbc_close(r.w[i].conn);
	if (db != NULL)
		PQfinish(db);

	if (connected) {
		long req = st1.requests + st2.requests;

		printf("rb-race: %d windows, %ld requests, %ld booked, %ld conflicts, %ld other in %.1f s"
		       " (%.0f requests/s); ",
		       o.windows * (o.mode == MODE_CANCEL_REBOOK ? 2 : 1), req,
		       st1.booked + st2.booked, st1.conflicts + st2.conflicts, st1.other + st2.other,
		       elapsed, elapsed > 0 ? (double)req / elapsed : 0.0);
		if (overlaps >= 0)
			printf("overlaps found: %" PRId64 "\n", overlaps);
		else
			printf("database not checked%s\n", o.dsn == NULL ? " (no --pg-dsn)" : "");
	}
	free(r.starts);
	free(r.winner);
	free(r.winner_id);
	free(r.w);
	free(first_winners);
	if (failures > 0) {
		printf("rb-race: FAILED (%d failed checks)\n", failures);
		return 1;
	}
	printf("rb-race: ok\n");
	return 0;
}
