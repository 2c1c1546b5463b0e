#include "metrics.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "db.h"
#include "events.h"
#include "httpd.h"
#include "log.h"
#include "replica.h"
#include "rigbook/names.h"
#include "sql.h"

/* Latency buckets, seconds (the upper bound of each; +Inf is the count). */
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				  0.1,    0.25,  0.5,    1,     2.5,  5,     10 };
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))
#define MAX_TYPES 128
#define MAX_CODES 32
#define MAX_REASONS 512
#define MAX_CAUSES 16

struct type_stats {
	const char *name; /* the dispatch table's string: compared by address */
	uint64_t by_code[MAX_CODES];
	uint64_t le[NBUCKETS]; /* counts per bucket, not yet cumulative */
	uint64_t count;
	double sum;
};

struct named_count {
	char name[64];
	uint64_t n;
};

static struct {
	struct evhttp *http;
	struct event *probe;
	struct type_stats types[MAX_TYPES];
	int ntypes;
	struct named_count reasons[MAX_REASONS];
	int nreasons;
	uint64_t reasons_other;
	struct named_count booking_refusals[MAX_REASONS];
	int nbooking_refusals;
	uint64_t booking_refusals_other;
	struct named_count causes[MAX_CAUSES];
	int ncauses;
	uint64_t bookings_made, bookings_cancelled;
	uint64_t conn_opened, conn_authenticated;
	int64_t conn_authenticated_now;
	uint64_t tls_ok, tls_failed;
	uint64_t sweeps, sweep_marked;
	/* the health probe: SELECT through the pool every PROBE_SECONDS */
	int probe_busy;
	uint64_t probe_ok_at; /* metrics_now_usec() of the last answer; 0: none */
	char probe_error[160];
	uint64_t started;
} M;

#define PROBE_SECONDS 2
#define HEALTHY_WITHIN_USEC (3 * PROBE_SECONDS * 1000000ULL)

uint64_t metrics_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static struct type_stats *type_of(const char *name)
{
	/* names are the dispatch table's strings: the same pointer each time */
	for (int i = 0; i < M.ntypes; i++)
		if (M.types[i].name == name)
			return &M.types[i];
	if (M.ntypes == MAX_TYPES)
		return NULL;
	M.types[M.ntypes].name = name;
	return &M.types[M.ntypes++];
}

/* Count NAME in a table of at most MAX; past that, or a name not made of
 * [a-z0-9_], in *other (label values stay few and safe to print). */
static void count_name(struct named_count *t, int *n, int max, uint64_t *other, const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= sizeof(t[0].name) || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != len) {
		(*other)++;
		return;
	}
	for (int i = 0; i < *n; i++)
		if (strcmp(t[i].name, name) == 0) {
			t[i].n++;
			return;
		}
	if (*n == max) {
		(*other)++;
		return;
	}
	memcpy(t[*n].name, name, len + 1);
	t[*n].n = 1;
	(*n)++;
}

void metrics_answer(const char *type, int code, const char *reason, uint64_t usec)
{
	struct type_stats *t = type_of(type != NULL ? type : "unknown");
	double s = (double)usec / 1e6;
	int is_book = type != NULL && (!strcmp(type, "book") || !strcmp(type, "book_series"));

	if (t != NULL) {
		t->by_code[code >= 0 && code < MAX_CODES ? code : 0]++;
		t->count++;
		t->sum += s;
		for (size_t i = 0; i < NBUCKETS; i++)
			if (s <= buckets[i]) {
				t->le[i]++;
				break;
			}
	}
	if (code != 0 && reason != NULL && reason[0] != '\0') {
		count_name(M.reasons, &M.nreasons, MAX_REASONS, &M.reasons_other, reason);
		if (is_book)
			count_name(M.booking_refusals, &M.nbooking_refusals, MAX_REASONS,
				   &M.booking_refusals_other, reason);
	} else if (code != 0 && is_book) {
		count_name(M.booking_refusals, &M.nbooking_refusals, MAX_REASONS,
			   &M.booking_refusals_other, rb_code_name(code));
	}
	if (code == 0 && is_book)
		M.bookings_made++;
	if (code == 0 && type != NULL &&
	    (!strcmp(type, "cancel_booking") || !strcmp(type, "cancel_series")))
		M.bookings_cancelled++;
}

void metrics_conn_opened(void)
{
	M.conn_opened++;
}

void metrics_conn_authenticated(void)
{
	M.conn_authenticated++;
	M.conn_authenticated_now++;
}

void metrics_conn_closed(int authenticated)
{
	if (authenticated && M.conn_authenticated_now > 0)
		M.conn_authenticated_now--;
}

void metrics_conn_refused(const char *cause)
{
	uint64_t other = 0;

	count_name(M.causes, &M.ncauses, MAX_CAUSES, &other, cause);
	if (other)
		count_name(M.causes, &M.ncauses, MAX_CAUSES, &other, "other");
}

void metrics_tls_handshake(int ok)
{
	if (ok)
		M.tls_ok++;
	else
		M.tls_failed++;
}

void metrics_sweep(int marked)
{
	M.sweeps++;
	if (marked > 0)
		M.sweep_marked += (uint64_t)marked;
}

/* ------------------------------------------------------------ exposition */

static void help(struct evbuffer *b, const char *name, const char *type, const char *text)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void process_stats(struct evbuffer *b)
{
	struct rusage ru;
	long pages = 0, rss = 0;
	FILE *f;

	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		help(b, "process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.");
		evbuffer_add_printf(b, "process_cpu_seconds_total %.6f\n",
				    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
					    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	}
	f = fopen("/proc/self/statm", "r");
	if (f != NULL) {
		if (fscanf(f, "%ld %ld", &pages, &rss) == 2) {
			help(b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
			evbuffer_add_printf(b, "process_resident_memory_bytes %ld\n",
					    rss * sysconf(_SC_PAGESIZE));
			help(b, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
			evbuffer_add_printf(b, "process_virtual_memory_bytes %ld\n",
					    pages * sysconf(_SC_PAGESIZE));
		}
		fclose(f);
	}
	help(b, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.");
	evbuffer_add_printf(b, "process_start_time_seconds %.3f\n",
			    (double)time(NULL) - (double)(metrics_now_usec() - M.started) / 1e6);
}

static void named_counts(struct evbuffer *b, const char *metric, const char *label,
			 const struct named_count *t, int n, uint64_t other)
{
	for (int i = 0; i < n; i++)
		evbuffer_add_printf(b, "%s{%s=\"%s\"} %llu\n", metric, label, t[i].name,
				    (unsigned long long)t[i].n);
	if (other > 0)
		evbuffer_add_printf(b, "%s{%s=\"other\"} %llu\n", metric, label, (unsigned long long)other);
}

static void render(struct evbuffer *b)
{
	int live = 0, logical = 0, configured = 0, replica_up = 0, in_use = 0;
	double lag = 0, quiet = 0, replica_lag = -1;
	uint64_t reads_primary = 0, reads_replica = 0;

	help(b, "rigbook_requests_total", "counter", "Requests answered, by type and outcome code.");
	for (int i = 0; i < M.ntypes; i++)
		for (int c = 0; c < MAX_CODES; c++)
			if (M.types[i].by_code[c] > 0)
				evbuffer_add_printf(b, "rigbook_requests_total{type=\"%s\",code=\"%s\"} %llu\n",
						    M.types[i].name, rb_code_name(c),
						    (unsigned long long)M.types[i].by_code[c]);
	help(b, "rigbook_request_duration_seconds", "histogram",
	     "Time from a request's arrival to its answer, by type.");
	for (int i = 0; i < M.ntypes; i++) {
		const struct type_stats *t = &M.types[i];
		uint64_t cum = 0;

		for (size_t k = 0; k < NBUCKETS; k++) {
			cum += t->le[k];
			evbuffer_add_printf(b, "rigbook_request_duration_seconds_bucket{type=\"%s\",le=\"%g\"} %llu\n",
					    t->name, buckets[k], (unsigned long long)cum);
		}
		evbuffer_add_printf(b, "rigbook_request_duration_seconds_bucket{type=\"%s\",le=\"+Inf\"} %llu\n",
				    t->name, (unsigned long long)t->count);
		evbuffer_add_printf(b, "rigbook_request_duration_seconds_sum{type=\"%s\"} %.6f\n", t->name, t->sum);
		evbuffer_add_printf(b, "rigbook_request_duration_seconds_count{type=\"%s\"} %llu\n", t->name,
				    (unsigned long long)t->count);
	}
	help(b, "rigbook_refusals_total", "counter", "Refused requests, by the refusal's stable reason.");
	named_counts(b, "rigbook_refusals_total", "reason", M.reasons, M.nreasons, M.reasons_other);

	help(b, "rigbook_bookings_total", "counter", "Bookings made and cancelled through this daemon.");
	evbuffer_add_printf(b, "rigbook_bookings_total{outcome=\"made\"} %llu\n",
			    (unsigned long long)M.bookings_made);
	evbuffer_add_printf(b, "rigbook_bookings_total{outcome=\"cancelled\"} %llu\n",
			    (unsigned long long)M.bookings_cancelled);
	help(b, "rigbook_booking_refusals_total", "counter", "Refused booking requests, by reason.");
	named_counts(b, "rigbook_booking_refusals_total", "reason", M.booking_refusals,
		     M.nbooking_refusals, M.booking_refusals_other);

	help(b, "rigbook_connections", "gauge", "Client connections open now.");
	evbuffer_add_printf(b, "rigbook_connections %d\n", conn_count());
	help(b, "rigbook_connections_authenticated", "gauge", "Client connections signed in now.");
	evbuffer_add_printf(b, "rigbook_connections_authenticated %lld\n",
			    (long long)M.conn_authenticated_now);
	help(b, "rigbook_connections_opened_total", "counter", "Client connections accepted.");
	evbuffer_add_printf(b, "rigbook_connections_opened_total %llu\n", (unsigned long long)M.conn_opened);
	help(b, "rigbook_sign_ins_total", "counter", "Connections that signed in.");
	evbuffer_add_printf(b, "rigbook_sign_ins_total %llu\n", (unsigned long long)M.conn_authenticated);
	help(b, "rigbook_connections_refused_total", "counter", "Connections refused or closed early, by cause.");
	named_counts(b, "rigbook_connections_refused_total", "cause", M.causes, M.ncauses, 0);
	help(b, "rigbook_tls_handshakes_total", "counter", "TLS handshakes, by result.");
	evbuffer_add_printf(b, "rigbook_tls_handshakes_total{result=\"ok\"} %llu\n", (unsigned long long)M.tls_ok);
	evbuffer_add_printf(b, "rigbook_tls_handshakes_total{result=\"failed\"} %llu\n",
			    (unsigned long long)M.tls_failed);

	help(b, "rigbook_db_pool_connections", "gauge", "Database connections of the pool that are up.");
	evbuffer_add_printf(b, "rigbook_db_pool_connections %d\n", db_pool_live());
	help(b, "rigbook_db_queries_pending", "gauge", "Queries queued for or running on the pool.");
	evbuffer_add_printf(b, "rigbook_db_queries_pending %d\n", db_pool_pending());
	help(b, "rigbook_db_up", "gauge", "1 when the last health query answered in time.");
	evbuffer_add_printf(b, "rigbook_db_up %d\n",
			    M.probe_ok_at != 0 && metrics_now_usec() - M.probe_ok_at < HEALTHY_WITHIN_USEC);

	db_reads(&reads_primary, &reads_replica);
	help(b, "rigbook_db_reads_total", "counter",
	     "Queries of the reads that may lag, by the server that answered them.");
	evbuffer_add_printf(b, "rigbook_db_reads_total{server=\"primary\"} %llu\n",
			    (unsigned long long)reads_primary);
	evbuffer_add_printf(b, "rigbook_db_reads_total{server=\"replica\"} %llu\n",
			    (unsigned long long)reads_replica);
	replica_status(&configured, &replica_up, &in_use, &replica_lag);
	if (configured) {
		help(b, "rigbook_replica_up", "gauge",
		     "1 when the replica (read_database_url) is connected and answers as a standby.");
		evbuffer_add_printf(b, "rigbook_replica_up %d\n", replica_up);
		help(b, "rigbook_replica_in_use", "gauge",
		     "1 when reads that may lag go to the replica: it is up and within max_replica_lag.");
		evbuffer_add_printf(b, "rigbook_replica_in_use %d\n", in_use);
		help(b, "rigbook_replica_lag_seconds", "gauge",
		     "How far the replica was behind the primary when last asked; NaN: not known.");
		if (replica_lag >= 0)
			evbuffer_add_printf(b, "rigbook_replica_lag_seconds %.3f\n", replica_lag);
		else
			evbuffer_add_printf(b, "rigbook_replica_lag_seconds NaN\n");
	}

	events_status(&live, &logical, &lag, &quiet);
	help(b, "rigbook_events_up", "gauge", "1 when the events connection streams, by transport.");
	evbuffer_add_printf(b, "rigbook_events_up{transport=\"%s\"} %d\n", logical ? "logical" : "notify", live);
	help(b, "rigbook_events_lag_seconds", "gauge",
	     "Between the database sending the last event or keepalive and its arrival here.");
	evbuffer_add_printf(b, "rigbook_events_lag_seconds %.6f\n", lag);
	help(b, "rigbook_events_quiet_seconds", "gauge", "Since the events connection last heard the database.");
	evbuffer_add_printf(b, "rigbook_events_quiet_seconds %.3f\n", quiet);
	help(b, "rigbook_watchers", "gauge", "Connections watching live events.");
	evbuffer_add_printf(b, "rigbook_watchers %d\n", events_watchers());

	help(b, "rigbook_no_show_sweeps_total", "counter", "No-show sweeps that ran.");
	evbuffer_add_printf(b, "rigbook_no_show_sweeps_total %llu\n", (unsigned long long)M.sweeps);
	help(b, "rigbook_no_shows_marked_total", "counter", "Bookings the sweeps marked as no-shows.");
	evbuffer_add_printf(b, "rigbook_no_shows_marked_total %llu\n", (unsigned long long)M.sweep_marked);
	process_stats(b);
}

static void reply(struct evhttp_request *req, int code, const char *reason, const char *ctype,
		  struct evbuffer *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason,
			  evhttp_request_get_command(req) == EVHTTP_REQ_HEAD ? NULL : body);
}

static void metrics_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	render(b);
	reply(req, HTTP_OK, "OK", "text/plain; version=0.0.4; charset=utf-8", b);
	evbuffer_free(b);
}

static void healthz_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer *b = evbuffer_new();
	int ok = M.probe_ok_at != 0 && metrics_now_usec() - M.probe_ok_at < HEALTHY_WITHIN_USEC;

	if (b == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (ok)
		evbuffer_add_printf(b, "ok\n");
	else
		evbuffer_add_printf(b, "database unavailable: %s\n",
				    M.probe_error[0] ? M.probe_error : "no answer yet");
	reply(req, ok ? HTTP_OK : 503, ok ? "OK" : "Service Unavailable", "text/plain; charset=utf-8", b);
	evbuffer_free(b);
}

static void other_cb(struct evhttp_request *req, void *arg)
{
	evhttp_send_error(req, HTTP_NOTFOUND, "only /metrics and /healthz are here");
}

/* ------------------------------------------------------------ the probe */

static void probe_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	M.probe_busy = 0;
	if (err != NULL) {
		snprintf(M.probe_error, sizeof(M.probe_error), "%s",
			 err->reason != NULL && err->reason[0] ? err->reason : "the query failed");
		return;
	}
	M.probe_ok_at = metrics_now_usec();
	M.probe_error[0] = '\0';
}

static void probe_cb(evutil_socket_t fd, short what, void *arg)
{
	int code;

	if (M.probe_busy)
		return; /* the last one has not come back: it counts as no answer */
	code = db_query(STMT_HEALTH, NULL, 0, probe_done, NULL);
	if (code != 0) {
		snprintf(M.probe_error, sizeof(M.probe_error), "%s",
			 code == RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED ? "the query queue is full"
								   : "no database connection");
		return;
	}
	M.probe_busy = 1;
}

/* ------------------------------------------------------------ start, stop */

int metrics_start(struct event_base *base, const char *listen, char *err, size_t errlen)
{
	struct timeval every = { PROBE_SECONDS, 0 };
	char first[256];

	M.started = metrics_now_usec();
	if (listen == NULL || listen[0] == '\0')
		return 0;
	M.http = evhttp_new(base);
	if (M.http == NULL) {
		snprintf(err, errlen, "metrics_listen: out of memory");
		return -1;
	}
	evhttp_set_allowed_methods(M.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(M.http, 8192);
	evhttp_set_max_body_size(M.http, 0);
	evhttp_set_timeout(M.http, 10);
	evhttp_set_cb(M.http, "/metrics", metrics_cb, NULL);
	evhttp_set_cb(M.http, "/healthz", healthz_cb, NULL);
	evhttp_set_gencb(M.http, other_cb, NULL);
	if (httpd_bind(base, M.http, listen, "metrics_listen", first, sizeof(first), NULL, 0, err,
		       errlen) != 0) {
		evhttp_free(M.http);
		M.http = NULL;
		return -1;
	}
	log_info("metrics and health on http://%s/metrics", first);
	M.probe = event_new(base, -1, EV_PERSIST, probe_cb, NULL);
	if (M.probe == NULL || event_add(M.probe, &every) != 0) {
		snprintf(err, errlen, "metrics_listen: cannot start the health probe");
		return -1;
	}
	return 0;
}

void metrics_stop(void)
{
	if (M.probe != NULL)
		event_free(M.probe);
	M.probe = NULL;
	if (M.http != NULL)
		evhttp_free(M.http);
	M.http = NULL;
}
