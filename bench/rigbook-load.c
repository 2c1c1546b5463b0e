/*
 * rigbook-load: drives rigbookd the way many clients at once would, and
 * measures what it answers.
 *
 *   load (default)   N TLS connections authenticate with Hello, then each
 *                    keeps D requests outstanding, drawn from --mix, for
 *                    --duration seconds or --requests in total
 *   --idle           open N connections, authenticate them and hold them
 *                    (the memory measurement)
 *   --rate-connect   new TLS connections per second: TCP connect, TLS
 *                    handshake, close; no Hello
 *
 * Every connection is one libevent bufferevent_openssl; --threads splits the
 * connections over that many event loops.  Latency is taken from the moment
 * a request is handed to the connection to the moment its answer is decoded,
 * into log-linear buckets (about 1.6% wide).
 *
 * Booking windows never collide by construction: connection i books hour
 * base + n * N + i (n counting its own bookings) of a random resource, so a
 * CONFLICT on a plain booking is always a fault.  "contested" requests all
 * aim at the same few windows of one resource at a time; their CONFLICTs are
 * expected and counted apart.
 *
 * Exit status: 0; 1 when --strict and anything unexpected happened (an error
 * other than a contested CONFLICT, a lost connection, a failed connect);
 * 2 usage; 3 when no connection could be made at all.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "rigbook.pb-c.h"
#include "rigbook/frame.h"
#include "rigbook/names.h"

#define MAX_DEPTH 1024
#define OWNED_MAX 64
#define RESP_MAX (8u << 20)
#define HOUR INT64_C(3600)
#define WEEK INT64_C(604800)
#define YEAR_2200 INT64_C(7258118400)     /* 2200-01-01T00:00:00Z */
#define YEAR_2016_W1 INT64_C(1451865600)  /* Monday 2016-01-04T00:00:00Z */
#define LAST_EPOCH INT64_C(253370764800)  /* 9999-01-01T00:00:00Z */
#define CONTESTED_SPAN_HOURS INT64_C(87600) /* ten years below the book region */
#define MAX_ERROR_LINES 5

/* ---------------------------------------------------------------- time */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- histogram */

/*
 * Microseconds in log-linear buckets: exact below 128 us, then 64 buckets per
 * power of two (HdrHistogram with two significant digits, in spirit).
 */
#define H_SUB_BITS 6
#define H_SUB (1 << H_SUB_BITS)
#define H_MAX_EXP 40
#define H_N ((H_MAX_EXP - H_SUB_BITS + 2) * H_SUB)

struct hist {
	uint64_t n, sum_us, min_us, max_us;
	uint32_t b[H_N];
};

static int hist_index(uint64_t v)
{
	int e, shift, idx;

	if (v < 2 * H_SUB)
		return (int)v;
	e = 63 - __builtin_clzll(v);
	shift = e - H_SUB_BITS;
	idx = (shift + 1) * H_SUB + (int)((v >> shift) - H_SUB);
	return idx < H_N ? idx : H_N - 1;
}

/* The middle of bucket idx, microseconds. */
static double hist_value(int idx)
{
	int shift, m;

	if (idx < 2 * H_SUB)
		return idx;
	shift = idx / H_SUB - 1;
	m = idx % H_SUB + H_SUB;
	return ((double)((uint64_t)m << shift) + (double)((uint64_t)(m + 1) << shift)) / 2.0;
}

static void hist_add(struct hist *h, uint64_t ns)
{
	uint64_t us = ns / 1000;

	if (h->n == 0 || us < h->min_us)
		h->min_us = us;
	if (us > h->max_us)
		h->max_us = us;
	h->n++;
	h->sum_us += us;
	h->b[hist_index(us)]++;
}

static void hist_merge(struct hist *into, const struct hist *h)
{
	if (h->n == 0)
		return;
	if (into->n == 0 || h->min_us < into->min_us)
		into->min_us = h->min_us;
	if (h->max_us > into->max_us)
		into->max_us = h->max_us;
	into->n += h->n;
	into->sum_us += h->sum_us;
	for (int i = 0; i < H_N; i++)
		into->b[i] += h->b[i];
}

/* The latency at quantile q (0..1), milliseconds. */
static double hist_ms(const struct hist *h, double q)
{
	uint64_t want, seen = 0;
	double v;

	if (h->n == 0)
		return 0.0;
	want = (uint64_t)(q * (double)h->n + 0.999999);
	if (want < 1)
		want = 1;
	for (int i = 0; i < H_N; i++) {
		seen += h->b[i];
		if (seen >= want) {
			v = hist_value(i);
			/* never report past what was seen */
			if (v > (double)h->max_us)
				v = (double)h->max_us;
			if (v < (double)h->min_us)
				v = (double)h->min_us;
			return v / 1000.0;
		}
	}
	return (double)h->max_us / 1000.0;
}

/* ---------------------------------------------------------------- stats */

enum op {
	OP_BOOK,
	OP_CONTESTED,
	OP_CANCEL,
	OP_AVAIL,
	OP_LIST,
	OP_HELLO,
	OP_CONNECT,
	OP__COUNT
};
#define N_MIX 5 /* the ops --mix draws from */

static const char *const op_names[OP__COUNT] = {
	"book", "contested", "cancel", "availability", "list", "hello", "connect",
};

/* Error slots: the wire codes (all below 28), then our own. */
#define N_ERR 32
#define ERR_PROTOCOL 29  /* an answer that makes no sense: wrong id, wrong body */
#define ERR_NO_REPLY 30  /* the connection went away or the drain timed out */
#define ERR_CONNECT 31   /* TCP or TLS failed */

static const char *err_name(int code)
{
	switch (code) {
	case ERR_PROTOCOL:
		return "PROTOCOL";
	case ERR_NO_REPLY:
		return "NO_REPLY";
	case ERR_CONNECT:
		return "CONNECT_FAILED";
	default:
		return rb_code_name(code);
	}
}

struct opstat {
	struct hist h;
	uint64_t ok;
	uint64_t err[N_ERR];
};

struct stats {
	struct opstat op[OP__COUNT];
	uint64_t conn_errors[N_ERR]; /* id 0 answers: the server closing on us */
	uint64_t lost;               /* connections that went away while in use */
	uint64_t t_last;             /* last completion */
};

static int unexpected(int op, int code)
{
	return !(op == OP_CONTESTED && code == RIGBOOK__ERROR_CODE__CONFLICT);
}

/* ---------------------------------------------------------------- options */

enum mode { MODE_LOAD, MODE_IDLE, MODE_RATE };

static struct {
	enum mode mode;
	const char *server;
	const char *ca;
	const char *server_name;
	int connections;
	int threads;
	int depth;
	double duration; /* seconds; 0: none */
	uint64_t requests;
	int weights[N_MIX];
	int weight_total;
	const char *mix_text;
	int nresources;
	const char *resource_prefix;
	int resource_digits;
	char **codes; /* the resources */
	int ncodes;
	int codes_given;
	const char *contested_code;
	int contested_windows;
	int contested_round_ms;
	const char *token;
	const char *token_prefix;
	int token_digits;
	int tokens;
	int token_first;
	int64_t window_base;
	int have_window_base;
	int64_t avail_from;
	int avail_weeks;
	int idem;
	int connect_concurrency;
	double connect_timeout;
	double drain_timeout;
	const char *ready_file;
	const char *go_file;
	uint64_t seed;
	int have_seed;
	int json;
	int strict;
	int quiet;
} O;

static struct sockaddr_storage g_addr;
static socklen_t g_addrlen;
static SSL_CTX *g_ctx;
static int g_server_is_ip;
static const char *g_host; /* verified name */
static volatile sig_atomic_t g_stop;
static uint64_t g_t0; /* the load starts; set before the workers are released */
static pthread_barrier_t g_barrier;
static pthread_mutex_t g_log_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_error_lines;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A few lines about failures on stderr, not thousands. */
static void note(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&g_log_lock);
	if (g_error_lines < MAX_ERROR_LINES) {
		fputs("rigbook-load: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	} else if (g_error_lines == MAX_ERROR_LINES) {
		fputs("rigbook-load: (further failures are only counted)\n", stderr);
	}
	g_error_lines++;
	pthread_mutex_unlock(&g_log_lock);
}

/* ---------------------------------------------------------------- rng */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(2685821657736338717);
}

static uint64_t rng_seed(uint64_t a, uint64_t b)
{
	uint64_t z = a + b * UINT64_C(0x9E3779B97F4A7C15) + UINT64_C(0x632BE59BD9B4E019);

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	z ^= z >> 31;
	return z != 0 ? z : 1;
}

/* ---------------------------------------------------------------- connections */

enum lc_state { LC_NEW, LC_CONNECTING, LC_HELLO, LC_READY, LC_DEAD };

struct pending {
	uint64_t id;
	uint64_t t0;
	uint64_t aux; /* the booking a cancel names */
	int op;
};

struct worker;

struct lconn {
	struct worker *w;
	int gidx; /* index over all connections */
	enum lc_state state;
	struct bufferevent *bev;
	uint64_t t_connect;
	uint64_t next_id;
	int npend;
	struct pending *pend;
	uint64_t rng;
	uint64_t nbook;
	uint64_t owned[OWNED_MAX];
	int owned_first, owned_n;
};

enum phase { PH_CONNECT, PH_RUN, PH_DRAIN, PH_HOLD, PH_RATE, PH_DONE };

struct worker {
	int idx;
	pthread_t thread;
	struct event_base *base;
	struct event *tick;
	struct lconn *conns;
	int nconns;
	int first;
	int next_connect;
	int connecting;
	int ready;  /* authenticated, ever */
	int live;   /* authenticated and still open */
	int failed;
	uint64_t quota; /* its share of --requests */
	uint64_t issued;
	int outstanding;
	enum phase phase;
	uint64_t phase_t0;
	uint64_t deadline;
	uint64_t drain_deadline;
	uint64_t rng;
	struct stats st;
};

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static void issue(struct lconn *c);
static void worker_check_done(struct worker *w);

static void conn_free_bev(struct lconn *c)
{
	if (c->bev != NULL) {
		bufferevent_setcb(c->bev, NULL, NULL, NULL, NULL);
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
}

/* Requests still waiting when a connection goes away get no answer. */
static void conn_dead(struct lconn *c)
{
	struct worker *w = c->w;

	for (int i = 0; i < c->npend; i++) {
		w->st.op[c->pend[i].op].err[ERR_NO_REPLY]++;
		w->outstanding--;
	}
	c->npend = 0;
	conn_free_bev(c);
	if (c->state == LC_READY)
		w->live--;
	c->state = LC_DEAD;
}

static int conn_start(struct lconn *c)
{
	struct worker *w = c->w;
	evutil_socket_t fd;
	SSL *ssl;
	int one = 1;

	c->t_connect = now_ns();
	fd = socket(g_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		note("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&g_addr, g_addrlen) != 0 && errno != EINPROGRESS) {
		note("connect to %s: %s", O.server, strerror(errno));
		close(fd);
		return -1;
	}
	ssl = SSL_new(g_ctx);
	if (ssl == NULL) {
		close(fd);
		return -1;
	}
	if (g_server_is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), g_host) != 1) {
			SSL_free(ssl);
			close(fd);
			return -1;
		}
	} else if (SSL_set1_host(ssl, g_host) != 1 || SSL_set_tlsext_host_name(ssl, g_host) != 1) {
		SSL_free(ssl);
		close(fd);
		return -1;
	}
	c->bev = bufferevent_openssl_socket_new(w->base, fd, ssl, BUFFEREVENT_SSL_CONNECTING,
						BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		SSL_free(ssl);
		close(fd);
		return -1;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->state = LC_CONNECTING;
	c->npend = 0;
	c->next_id = 0;
	return 0;
}

static int send_request(struct lconn *c, Rigbook__Request *req, int op, uint64_t aux)
{
	size_t n = rigbook__request__get_packed_size(req);
	uint8_t small[512], *buf = small;
	struct pending *p;
	int rc;

	if (c->npend >= O.depth && op != OP_HELLO)
		return -1;
	if (n + RB_FRAME_HDR > sizeof(small)) {
		buf = malloc(n + RB_FRAME_HDR);
		if (buf == NULL)
			return -1;
	}
	frame_put_header(buf, (uint32_t)n);
	rigbook__request__pack(req, buf + RB_FRAME_HDR);
	rc = bufferevent_write(c->bev, buf, n + RB_FRAME_HDR);
	if (buf != small)
		free(buf);
	if (rc != 0)
		return -1;
	p = &c->pend[c->npend++];
	p->id = req->id;
	p->t0 = now_ns();
	p->op = op;
	p->aux = aux;
	c->w->outstanding++;
	return 0;
}

static void send_hello(struct lconn *c)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__Hello hello = RIGBOOK__HELLO__INIT;
	char token[160];

	if (O.token != NULL)
		snprintf(token, sizeof(token), "%s", O.token);
	else
		snprintf(token, sizeof(token), "%s%0*d", O.token_prefix, O.token_digits,
			 O.token_first + c->gidx % O.tokens);
	hello.protocol_version = RIGBOOK_PROTOCOL_VERSION;
	hello.token = token;
	hello.client = "rigbook-load/" RIGBOOK_VERSION;
	req.id = ++c->next_id;
	req.body_case = RIGBOOK__REQUEST__BODY_HELLO;
	req.hello = &hello;
	c->state = LC_HELLO;
	if (send_request(c, &req, OP_HELLO, 0) != 0) {
		c->w->st.op[OP_HELLO].err[ERR_NO_REPLY]++;
		conn_dead(c);
	}
}

/* ---------------------------------------------------------------- the mix */

static int pick_op(struct lconn *c)
{
	uint64_t r = rng_next(&c->rng) % (uint64_t)O.weight_total;

	for (int i = 0; i < N_MIX; i++) {
		if (r < (uint64_t)O.weights[i])
			return i;
		r -= (uint64_t)O.weights[i];
	}
	return OP_BOOK;
}

static void idem_key(struct lconn *c, uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "rl-%" PRId64 "-%d-%" PRIu64, O.window_base / HOUR, c->gidx, id);
}

/* One request of the mix on a ready connection. */
static void issue(struct lconn *c)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__BookRequest book = RIGBOOK__BOOK_REQUEST__INIT;
	Rigbook__CancelBookingRequest cancel = RIGBOOK__CANCEL_BOOKING_REQUEST__INIT;
	Rigbook__AvailabilityRequest avail = RIGBOOK__AVAILABILITY_REQUEST__INIT;
	Rigbook__ListBookingsRequest list = RIGBOOK__LIST_BOOKINGS_REQUEST__INIT;
	char key[96];
	int op = pick_op(c);
	uint64_t aux = 0;
	int64_t hour, span;

	if (op == OP_CANCEL && c->owned_n == 0)
		op = OP_BOOK; /* nothing of our own to cancel yet */
	req.id = ++c->next_id;
	switch (op) {
	case OP_BOOK:
		span = (LAST_EPOCH - O.window_base) / HOUR;
		hour = O.window_base / HOUR +
		       (int64_t)((c->nbook++ * (uint64_t)O.connections + (uint64_t)c->gidx) %
				 (uint64_t)span);
		book.resource_code = O.codes[rng_next(&c->rng) % (uint64_t)O.ncodes];
		book.start = hour * HOUR;
		book.end = book.start + HOUR;
		req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
		req.book = &book;
		break;
	case OP_CONTESTED: {
		uint64_t round = (now_ns() - g_t0) / ((uint64_t)O.contested_round_ms * 1000000u);

		hour = O.window_base / HOUR - CONTESTED_SPAN_HOURS +
		       (int64_t)((round * (uint64_t)O.contested_windows +
				  rng_next(&c->rng) % (uint64_t)O.contested_windows) %
				 (uint64_t)CONTESTED_SPAN_HOURS);
		book.resource_code = (char *)O.contested_code;
		book.start = hour * HOUR;
		book.end = book.start + HOUR;
		req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
		req.book = &book;
		break;
	}
	case OP_CANCEL:
		aux = c->owned[c->owned_first];
		c->owned_first = (c->owned_first + 1) % OWNED_MAX;
		c->owned_n--;
		cancel.booking_id = aux;
		req.body_case = RIGBOOK__REQUEST__BODY_CANCEL_BOOKING;
		req.cancel_booking = &cancel;
		break;
	case OP_AVAIL:
		avail.resource_code = O.codes[rng_next(&c->rng) % (uint64_t)O.ncodes];
		avail.from = O.avail_from + (int64_t)(rng_next(&c->rng) % (uint64_t)O.avail_weeks) * WEEK;
		avail.to = avail.from + WEEK;
		req.body_case = RIGBOOK__REQUEST__BODY_AVAILABILITY;
		req.availability = &avail;
		break;
	default:
		list.scope = RIGBOOK__BOOKING_SCOPE__SCOPE_MINE;
		req.body_case = RIGBOOK__REQUEST__BODY_LIST_BOOKINGS;
		req.list_bookings = &list;
		op = OP_LIST;
		break;
	}
	if (O.idem && (req.body_case == RIGBOOK__REQUEST__BODY_BOOK ||
		       req.body_case == RIGBOOK__REQUEST__BODY_CANCEL_BOOKING)) {
		idem_key(c, req.id, key, sizeof(key));
		req.idempotency_key = key;
	}
	if (send_request(c, &req, op, aux) != 0) {
		note("cannot queue a request");
		c->w->st.op[op].err[ERR_NO_REPLY]++;
		c->w->st.lost++;
		conn_dead(c);
		return;
	}
	c->w->issued++;
}

static int may_issue(struct worker *w)
{
	if (w->phase != PH_RUN || g_stop || w->live == 0)
		return 0;
	if (O.requests != 0 && w->issued >= w->quota)
		return 0;
	if (w->deadline != 0 && now_ns() >= w->deadline)
		return 0;
	return 1;
}

static void fill(struct lconn *c)
{
	while (c->state == LC_READY && c->npend < O.depth && may_issue(c->w))
		issue(c);
}

/* ---------------------------------------------------------------- answers */

static void connect_settled(struct worker *w);

static void remember_booking(struct lconn *c, uint64_t id)
{
	if (c->owned_n == OWNED_MAX) { /* forget the oldest */
		c->owned_first = (c->owned_first + 1) % OWNED_MAX;
		c->owned_n--;
	}
	c->owned[(c->owned_first + c->owned_n) % OWNED_MAX] = id;
	c->owned_n++;
}

static int expected_body(int op)
{
	switch (op) {
	case OP_BOOK:
	case OP_CONTESTED:
		return RIGBOOK__RESPONSE__BODY_BOOK;
	case OP_CANCEL:
		return RIGBOOK__RESPONSE__BODY_CANCEL_BOOKING;
	case OP_AVAIL:
		return RIGBOOK__RESPONSE__BODY_AVAILABILITY;
	case OP_LIST:
		return RIGBOOK__RESPONSE__BODY_LIST_BOOKINGS;
	default:
		return RIGBOOK__RESPONSE__BODY_HELLO;
	}
}

/* Returns -1 when the connection is gone. */
static int handle_response(struct lconn *c, const Rigbook__Response *resp)
{
	struct worker *w = c->w;
	struct pending p;
	uint64_t t = now_ns();
	int i;

	if (resp->id == 0) {
		int code = resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR ? (int)resp->error->code : 0;

		w->st.conn_errors[code >= 0 && code < N_ERR ? code : ERR_PROTOCOL]++;
		note("the server closes a connection: %s: %s", err_name(code),
		     resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR ? resp->error->message : "");
		return 0; /* it will close; the event callback counts the rest */
	}
	for (i = 0; i < c->npend; i++)
		if (c->pend[i].id == resp->id)
			break;
	if (i == c->npend) {
		w->st.conn_errors[ERR_PROTOCOL]++;
		note("an answer to request %" PRIu64 ", which is not outstanding", resp->id);
		w->st.lost++;
		conn_dead(c);
		return -1;
	}
	p = c->pend[i];
	c->pend[i] = c->pend[--c->npend];
	w->outstanding--;
	hist_add(&w->st.op[p.op].h, t - p.t0);
	w->st.t_last = t;

	if (resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR) {
		int code = (int)resp->error->code;

		if (code < 0 || code >= ERR_PROTOCOL)
			code = ERR_PROTOCOL;
		w->st.op[p.op].err[code]++;
		if (unexpected(p.op, code))
			note("%s: %s: %s", op_names[p.op], err_name(code),
			     resp->error->message != NULL ? resp->error->message : "");
		if (p.op == OP_HELLO) {
			w->failed++;
			conn_dead(c);
			connect_settled(w);
			return -1;
		}
		return 0;
	}
	if ((int)resp->body_case != expected_body(p.op)) {
		w->st.op[p.op].err[ERR_PROTOCOL]++;
		note("%s: answered with body %d", op_names[p.op], (int)resp->body_case);
		return 0;
	}
	w->st.op[p.op].ok++;
	switch (p.op) {
	case OP_HELLO:
		c->state = LC_READY;
		w->ready++;
		w->live++;
		connect_settled(w);
		break;
	case OP_BOOK:
		if (resp->book->booking != NULL)
			remember_booking(c, resp->book->booking->id);
		break;
	default:
		break;
	}
	return 0;
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct lconn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	for (;;) {
		uint8_t hdr[RB_FRAME_HDR];
		Rigbook__Response *resp;
		size_t avail = evbuffer_get_length(in);
		uint32_t len;
		uint8_t *p;
		int rc;

		if (avail < RB_FRAME_HDR)
			break;
		evbuffer_copyout(in, hdr, RB_FRAME_HDR);
		len = frame_get_header(hdr);
		if (len > RESP_MAX) {
			c->w->st.conn_errors[ERR_PROTOCOL]++;
			note("a frame of %u bytes", len);
			c->w->st.lost++;
			conn_dead(c);
			return;
		}
		if (avail - RB_FRAME_HDR < len)
			break;
		p = evbuffer_pullup(in, (ev_ssize_t)(RB_FRAME_HDR + len));
		resp = p != NULL ? rigbook__response__unpack(NULL, len, p + RB_FRAME_HDR) : NULL;
		if (resp == NULL) {
			c->w->st.conn_errors[ERR_PROTOCOL]++;
			note("an answer that is not a Response");
			c->w->st.lost++;
			conn_dead(c);
			return;
		}
		evbuffer_drain(in, RB_FRAME_HDR + (size_t)len);
		rc = handle_response(c, resp);
		rigbook__response__free_unpacked(resp, NULL);
		if (rc != 0)
			return;
	}
	if (c->state == LC_READY) {
		fill(c);
		if (c->npend == 0)
			worker_check_done(c->w);
	}
}

static void tls_failure(struct lconn *c, short what, char *buf, size_t len)
{
	unsigned long e = bufferevent_get_openssl_error(c->bev);
	int err = EVUTIL_SOCKET_ERROR();

	if (e != 0)
		ERR_error_string_n(e, buf, len);
	else if ((what & BEV_EVENT_ERROR) && err != 0)
		snprintf(buf, len, "%s", strerror(err));
	else if (what & BEV_EVENT_EOF)
		snprintf(buf, len, "the server closed the connection");
	else
		snprintf(buf, len, "connection error");
}

static void rate_next(struct worker *w, struct lconn *c);

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct lconn *c = arg;
	struct worker *w = c->w;
	char why[256];

	if (what & BEV_EVENT_CONNECTED) {
		uint64_t t = now_ns();

		hist_add(&w->st.op[OP_CONNECT].h, t - c->t_connect);
		w->st.op[OP_CONNECT].ok++;
		w->st.t_last = t;
		if (w->phase == PH_RATE) {
			SSL *ssl = bufferevent_openssl_get_ssl(bev);

			if (ssl != NULL)
				SSL_shutdown(ssl); /* close_notify, as any polite client */
			conn_free_bev(c);
			c->state = LC_NEW;
			rate_next(w, c);
			return;
		}
		send_hello(c);
		return;
	}
	tls_failure(c, what, why, sizeof(why));
	switch (c->state) {
	case LC_CONNECTING:
		w->st.op[OP_CONNECT].err[ERR_CONNECT]++;
		note("connect or TLS handshake failed: %s", why);
		conn_dead(c);
		if (w->phase == PH_RATE) {
			c->state = LC_NEW;
			rate_next(w, c);
		} else {
			w->failed++;
			connect_settled(w);
		}
		return;
	case LC_HELLO:
		note("the connection closed before the Hello was answered: %s", why);
		conn_dead(c); /* counts the Hello as NO_REPLY */
		w->failed++;
		connect_settled(w);
		return;
	case LC_READY:
		if (c->npend > 0 || w->phase == PH_RUN || w->phase == PH_HOLD) {
			note("a connection closed while in use: %s", why);
			w->st.lost++;
		}
		conn_dead(c);
		worker_check_done(w);
		return;
	default:
		conn_dead(c);
		return;
	}
}

/* ---------------------------------------------------------------- phases */

static void connect_more(struct worker *w)
{
	while (w->phase == PH_CONNECT && w->connecting < O.connect_concurrency &&
	       w->next_connect < w->nconns && !g_stop) {
		struct lconn *c = &w->conns[w->next_connect++];

		w->connecting++;
		if (conn_start(c) != 0) {
			w->st.op[OP_CONNECT].err[ERR_CONNECT]++;
			c->state = LC_DEAD;
			w->failed++;
			w->connecting--;
		}
	}
	if (w->phase == PH_CONNECT && w->ready + w->failed == w->nconns)
		event_base_loopbreak(w->base);
}

static void connect_settled(struct worker *w)
{
	if (w->phase != PH_CONNECT)
		return;
	w->connecting--;
	connect_more(w);
}

static void worker_check_done(struct worker *w)
{
	if ((w->phase == PH_RUN || w->phase == PH_DRAIN) && w->outstanding == 0 && !may_issue(w))
		event_base_loopbreak(w->base);
}

static void rate_next(struct worker *w, struct lconn *c)
{
	if (g_stop || now_ns() >= w->deadline) {
		w->connecting--;
		if (w->connecting == 0)
			event_base_loopbreak(w->base);
		return;
	}
	if (conn_start(c) != 0) {
		w->st.op[OP_CONNECT].err[ERR_CONNECT]++;
		c->state = LC_NEW;
		w->connecting--;
		if (w->connecting == 0)
			event_base_loopbreak(w->base);
	}
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	uint64_t t = now_ns();

	switch (w->phase) {
	case PH_CONNECT:
		if (g_stop || t - w->phase_t0 > (uint64_t)(O.connect_timeout * 1e9)) {
			for (int i = 0; i < w->nconns; i++) {
				struct lconn *c = &w->conns[i];

				if (c->state == LC_CONNECTING || c->state == LC_HELLO) {
					if (c->state == LC_CONNECTING)
						w->st.op[OP_CONNECT].err[ERR_CONNECT]++;
					conn_dead(c);
					w->failed++;
				} else if (c->state == LC_NEW) {
					c->state = LC_DEAD;
					w->failed++;
				}
			}
			if (!g_stop)
				note("connecting took longer than %.0f s", O.connect_timeout);
			event_base_loopbreak(w->base);
		}
		break;
	case PH_RUN:
		if (!may_issue(w)) {
			w->phase = PH_DRAIN;
			w->drain_deadline = t + (uint64_t)(O.drain_timeout * 1e9);
		}
		worker_check_done(w);
		break;
	case PH_DRAIN:
		if (w->outstanding == 0 || t >= w->drain_deadline) {
			if (w->outstanding > 0)
				note("%d request(s) unanswered %.0f s after the end", w->outstanding,
				     O.drain_timeout);
			event_base_loopbreak(w->base);
		}
		break;
	case PH_HOLD:
		if (g_stop || (w->deadline != 0 && t >= w->deadline))
			event_base_loopbreak(w->base);
		break;
	case PH_RATE:
		if (g_stop)
			w->deadline = t;
		break;
	default:
		break;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct timeval tv = { 0, 20000 };

	w->tick = event_new(w->base, -1, EV_PERSIST, tick_cb, w);
	if (w->tick == NULL || event_add(w->tick, &tv) != 0) {
		note("cannot start a timer");
		g_stop = 1;
	}

	if (O.mode == MODE_RATE) {
		pthread_barrier_wait(&g_barrier);
		w->phase = PH_RATE;
		w->deadline = g_t0 + (uint64_t)(O.duration * 1e9);
		for (int i = 0; i < w->nconns; i++) {
			w->connecting++;
			rate_next(w, &w->conns[i]);
		}
		if (w->connecting > 0)
			event_base_dispatch(w->base);
		w->phase = PH_DONE;
		return NULL;
	}

	w->phase = PH_CONNECT;
	w->phase_t0 = now_ns();
	connect_more(w);
	if (w->ready + w->failed < w->nconns)
		event_base_dispatch(w->base);
	w->phase = PH_HOLD;
	pthread_barrier_wait(&g_barrier); /* everyone connected */
	pthread_barrier_wait(&g_barrier); /* go */

	if (O.mode == MODE_LOAD) {
		w->phase = PH_RUN;
		if (O.duration > 0)
			w->deadline = g_t0 + (uint64_t)(O.duration * 1e9);
		for (int i = 0; i < w->nconns; i++)
			fill(&w->conns[i]);
		if (w->outstanding > 0 || may_issue(w))
			event_base_dispatch(w->base);
	} else {
		w->phase = PH_HOLD;
		if (O.duration > 0)
			w->deadline = g_t0 + (uint64_t)(O.duration * 1e9);
		event_base_dispatch(w->base);
	}
	w->phase = PH_DONE;
	for (int i = 0; i < w->nconns; i++) {
		struct lconn *c = &w->conns[i];

		if (c->state == LC_READY && c->bev != NULL) {
			SSL *ssl = bufferevent_openssl_get_ssl(c->bev);

			if (ssl != NULL)
				SSL_shutdown(ssl);
		}
		conn_dead(&w->conns[i]);
	}
	return NULL;
}

/* ---------------------------------------------------------------- report */

struct summary {
	struct stats all;
	int connected;
	int failed;
	double elapsed;
	uint64_t unexpected;
};

static void count_unexpected(struct summary *s)
{
	s->unexpected = s->all.lost;
	for (int op = 0; op < OP__COUNT; op++)
		for (int e = 1; e < N_ERR; e++)
			if (s->all.op[op].err[e] != 0 && unexpected(op, e))
				s->unexpected += s->all.op[op].err[e];
	for (int e = 1; e < N_ERR; e++)
		s->unexpected += s->all.conn_errors[e];
}

static uint64_t op_errors(const struct opstat *o)
{
	uint64_t n = 0;

	for (int e = 1; e < N_ERR; e++)
		n += o->err[e];
	return n;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_op(FILE *f, const char *name, const struct opstat *o, double elapsed)
{
	int first = 1;

	if (name != NULL) {
		fprintf(f, "    ");
		json_str(f, name);
		fprintf(f, ": ");
	}
	fprintf(f,
		"{\"count\": %" PRIu64 ", \"ok\": %" PRIu64 ", \"per_s\": %.1f, "
		"\"mean_ms\": %.3f, \"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, "
		"\"p999_ms\": %.3f, \"max_ms\": %.3f, \"errors\": {",
		o->h.n, o->ok, elapsed > 0 ? (double)o->h.n / elapsed : 0.0,
		o->h.n ? (double)o->h.sum_us / (double)o->h.n / 1000.0 : 0.0, hist_ms(&o->h, 0.50),
		hist_ms(&o->h, 0.90), hist_ms(&o->h, 0.99), hist_ms(&o->h, 0.999),
		(double)o->h.max_us / 1000.0);
	for (int e = 1; e < N_ERR; e++) {
		if (o->err[e] == 0)
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", err_name(e), o->err[e]);
		first = 0;
	}
	fprintf(f, "}}");
}

static const char *mode_name(void)
{
	return O.mode == MODE_LOAD ? "load" : O.mode == MODE_IDLE ? "idle" : "rate-connect";
}

static void report_json(const struct summary *s, const struct opstat *total)
{
	FILE *f = stdout;
	int first = 1;

	fprintf(f, "{\n  \"mode\": \"%s\",\n  \"server\": ", mode_name());
	json_str(f, O.server);
	fprintf(f, ",\n  \"connections\": %d,\n  \"threads\": %d,\n  \"depth\": %d,\n", O.connections,
		O.threads, O.depth);
	fprintf(f, "  \"mix\": ");
	json_str(f, O.mix_text);
	fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"window_base\": %" PRId64 ",\n", O.seed,
		O.window_base);
	fprintf(f, "  \"elapsed_s\": %.3f,\n  \"connected\": %d,\n  \"connect_failed\": %d,\n",
		s->elapsed, s->connected, s->failed);
	fprintf(f, "  \"connections_lost\": %" PRIu64 ",\n  \"connection_errors\": {", s->all.lost);
	for (int e = 1; e < N_ERR; e++) {
		if (s->all.conn_errors[e] == 0)
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", err_name(e), s->all.conn_errors[e]);
		first = 0;
	}
	fprintf(f, "},\n  \"ops\": {\n");
	first = 1;
	for (int op = 0; op < OP__COUNT; op++) {
		const struct opstat *o = &s->all.op[op];

		if (o->h.n == 0 && op_errors(o) == 0)
			continue;
		if (!first)
			fprintf(f, ",\n");
		json_op(f, op_names[op], o, s->elapsed);
		first = 0;
	}
	fprintf(f, "\n  },\n  \"total\": ");
	json_op(f, NULL, total, s->elapsed);
	fprintf(f, ",\n  \"unexpected_errors\": %" PRIu64 "\n}\n", s->unexpected);
}

static void text_row(const char *name, const struct opstat *o, double elapsed)
{
	printf("%-14s %9" PRIu64 " %9" PRIu64 " %10.1f %8.2f %8.2f %8.2f %8.2f %9.2f %8" PRIu64 "\n",
	       name, o->h.n, o->ok, elapsed > 0 ? (double)o->h.n / elapsed : 0.0,
	       o->h.n ? (double)o->h.sum_us / (double)o->h.n / 1000.0 : 0.0, hist_ms(&o->h, 0.50),
	       hist_ms(&o->h, 0.90), hist_ms(&o->h, 0.99), hist_ms(&o->h, 0.999), op_errors(o));
}

static void report_text(const struct summary *s, const struct opstat *total)
{
	int any = 0;

	printf("rigbook-load %s: %s, %d connection(s) on %d thread(s)", mode_name(), O.server,
	       O.connections, O.threads);
	if (O.mode == MODE_LOAD)
		printf(", depth %d, mix %s", O.depth, O.mix_text);
	if (O.mode == MODE_LOAD)
		printf("\nseed %" PRIu64 ", window base %" PRId64 ", %.2f s; connected %d, failed %d\n",
		       O.seed, O.window_base, s->elapsed, s->connected, s->failed);
	else if (O.mode == MODE_IDLE)
		printf("\nheld %.2f s; connected %d, failed %d\n", s->elapsed, s->connected, s->failed);
	else
		printf("\n%.2f s\n", s->elapsed);
	printf("%-14s %9s %9s %10s %8s %8s %8s %8s %9s %8s\n", "op", "count", "ok", "per s",
	       "mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "errors");
	for (int op = 0; op < OP__COUNT; op++) {
		const struct opstat *o = &s->all.op[op];

		if (o->h.n == 0 && op_errors(o) == 0)
			continue;
		text_row(op_names[op], o, s->elapsed);
	}
	if (O.mode == MODE_LOAD)
		text_row("requests", total, s->elapsed);
	for (int op = 0; op < OP__COUNT; op++) {
		for (int e = 1; e < N_ERR; e++) {
			if (s->all.op[op].err[e] == 0)
				continue;
			printf("%s%s %s %" PRIu64 "%s", any ? "; " : "errors: ", op_names[op],
			       err_name(e), s->all.op[op].err[e], unexpected(op, e) ? "" : " (expected)");
			any = 1;
		}
	}
	for (int e = 1; e < N_ERR; e++) {
		if (s->all.conn_errors[e] == 0)
			continue;
		printf("%sconnection %s %" PRIu64, any ? "; " : "errors: ", err_name(e),
		       s->all.conn_errors[e]);
		any = 1;
	}
	if (s->all.lost)
		printf("%sconnections lost %" PRIu64, any ? "; " : "errors: ", s->all.lost);
	if (any || s->all.lost)
		printf("\n");
	printf("unexpected errors: %" PRIu64 "\n", s->unexpected);
}

/* ---------------------------------------------------------------- setup */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rigbook-load --server HOST:PORT --ca FILE (--token T | --token-prefix P) [options]\n"
		"\n"
		"modes:\n"
		"  (default)              requests from --mix on every connection\n"
		"  --idle, --connect-only open the connections, authenticate, hold them\n"
		"  --rate-connect         TCP connect + TLS handshake + close, as fast as possible\n"
		"\n"
		"options:\n"
		"  --server-name NAME     name to verify in the certificate (default: the host)\n"
		"  --connections N        connections (default 8); in --rate-connect, in flight\n"
		"  --threads N            event loops to spread them over (default 1)\n"
		"  --depth D              requests outstanding per connection (default 1)\n"
		"  --duration S           seconds to run (default 10; --idle: hold until a signal)\n"
		"  --requests N           stop after N requests in total instead\n"
		"  --mix SPEC             weights, default book=70,contested=5,cancel=10,availability=10,list=5\n"
		"  --resources N          resources bench-r0000 .. (default 1000)\n"
		"  --resource-prefix P    code prefix (default bench-r), --resource-digits W (default 4)\n"
		"  --resource CODE        use this resource (repeat for more) instead of the prefix\n"
		"  --contested-resource CODE   where contested bookings go (default: the first resource)\n"
		"  --contested-windows K  windows contested at a time (default 4)\n"
		"  --contested-round-ms T new contested windows every T ms (default 200)\n"
		"  --token T              one token for every connection\n"
		"  --token-prefix P       connection i uses P + zero-padded (token-first + i %% tokens)\n"
		"  --token-digits W       (default 5), --tokens M (default: connections), --token-first F\n"
		"  --window-base EPOCH    where booked windows start (default from the seed, year 2200+)\n"
		"  --avail-from EPOCH     availability weeks start here (default 2016-01-04)\n"
		"  --avail-weeks N        over this many weeks (default 520)\n"
		"  --no-idempotency-key   send mutations without a key (default: one per request)\n"
		"  --connect-concurrency N handshakes in flight per thread while connecting (default 64)\n"
		"  --connect-timeout S    give up connecting after S seconds (default 120)\n"
		"  --drain-timeout S      wait S seconds for answers after the end (default 10)\n"
		"  --ready-file FILE      written once every connection is authenticated\n"
		"  --go-file FILE         then wait for FILE to exist before starting\n"
		"  --seed N               random seed (default: from the clock)\n"
		"  --json                 the report as JSON\n"
		"  --strict               exit 1 on any unexpected error\n"
		"  --quiet                no failure lines on stderr\n");
}

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static int parse_mix(const char *spec)
{
	char *copy = strdup(spec), *save = NULL, *tok;

	if (copy == NULL)
		return -1;
	memset(O.weights, 0, sizeof(O.weights));
	O.weight_total = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		long long w;
		int op = -1;

		if (eq == NULL) {
			fprintf(stderr, "rigbook-load: --mix: '%s' is not NAME=WEIGHT\n", tok);
			free(copy);
			return -1;
		}
		*eq = '\0';
		for (int i = 0; i < N_MIX; i++)
			if (!strcmp(tok, op_names[i]))
				op = i;
		if (!strcmp(tok, "avail"))
			op = OP_AVAIL;
		if (op < 0) {
			fprintf(stderr,
				"rigbook-load: --mix: unknown request '%s'; possibilities are: book, "
				"contested, cancel, availability, list\n",
				tok);
			free(copy);
			return -1;
		}
		if (parse_int(eq + 1, 0, 1000000, &w) != 0) {
			fprintf(stderr, "rigbook-load: --mix: weight of %s must be 0 to 1000000\n", tok);
			free(copy);
			return -1;
		}
		O.weights[op] = (int)w;
	}
	free(copy);
	for (int i = 0; i < N_MIX; i++)
		O.weight_total += O.weights[i];
	if (O.weight_total == 0) {
		fprintf(stderr, "rigbook-load: --mix gives every request weight 0\n");
		return -1;
	}
	return 0;
}

static int add_code(const char *code)
{
	char **n = realloc(O.codes, sizeof(*n) * (size_t)(O.ncodes + 1));

	if (n == NULL)
		return -1;
	O.codes = n;
	O.codes[O.ncodes] = strdup(code);
	if (O.codes[O.ncodes] == NULL)
		return -1;
	O.ncodes++;
	return 0;
}

static int resolve_server(void)
{
	static char host[256];
	char port[16];
	const char *colon;
	struct addrinfo hints, *res = NULL;
	struct in6_addr a6;
	struct in_addr a4;
	int rc;

	if (O.server[0] == '[') {
		const char *close_b = strchr(O.server, ']');

		if (close_b == NULL || close_b[1] != ':')
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(close_b - O.server - 1), O.server + 1);
		colon = close_b + 1;
	} else {
		colon = strrchr(O.server, ':');
		if (colon == NULL)
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - O.server), O.server);
	}
	snprintf(port, sizeof(port), "%s", colon + 1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0 || res == NULL) {
		fprintf(stderr, "rigbook-load: cannot resolve %s: %s\n", O.server, gai_strerror(rc));
		return -1;
	}
	memcpy(&g_addr, res->ai_addr, res->ai_addrlen);
	g_addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	g_host = O.server_name != NULL ? O.server_name : host;
	g_server_is_ip = inet_pton(AF_INET, g_host, &a4) == 1 || inet_pton(AF_INET6, g_host, &a6) == 1;
	return 0;
}

static int tls_setup(void)
{
	g_ctx = SSL_CTX_new(TLS_client_method());
	if (g_ctx == NULL)
		return -1;
	SSL_CTX_set_min_proto_version(g_ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(g_ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_mode(g_ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(g_ctx, SSL_SESS_CACHE_OFF);
	if (SSL_CTX_load_verify_locations(g_ctx, O.ca, NULL) != 1) {
		char buf[256];

		ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
		fprintf(stderr, "rigbook-load: cannot load the CA %s: %s\n", O.ca, buf);
		return -1;
	}
	return 0;
}

static int write_ready_file(int connected, int failed)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", O.ready_file);
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "connected %d failed %d\n", connected, failed);
	if (fclose(f) != 0 || rename(tmp, O.ready_file) != 0)
		return -1;
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

enum {
	O_SERVER = 256, O_CA, O_SERVER_NAME, O_CONNECTIONS, O_THREADS, O_DEPTH, O_DURATION,
	O_REQUESTS, O_MIX, O_RESOURCES, O_RESOURCE_PREFIX, O_RESOURCE_DIGITS, O_RESOURCE,
	O_CONTESTED_RESOURCE, O_CONTESTED_WINDOWS, O_CONTESTED_ROUND, O_TOKEN, O_TOKEN_PREFIX,
	O_TOKEN_DIGITS, O_TOKENS, O_TOKEN_FIRST, O_WINDOW_BASE, O_AVAIL_FROM, O_AVAIL_WEEKS,
	O_NO_IDEM, O_IDLE, O_RATE, O_CONNECT_CONC, O_CONNECT_TIMEOUT, O_DRAIN_TIMEOUT, O_READY,
	O_GO, O_SEED, O_JSON, O_STRICT, O_QUIET, O_HELP,
};

static const struct option longopts[] = {
	{ "server", required_argument, NULL, O_SERVER },
	{ "ca", required_argument, NULL, O_CA },
	{ "server-name", required_argument, NULL, O_SERVER_NAME },
	{ "connections", required_argument, NULL, O_CONNECTIONS },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "depth", required_argument, NULL, O_DEPTH },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "requests", required_argument, NULL, O_REQUESTS },
	{ "mix", required_argument, NULL, O_MIX },
	{ "resources", required_argument, NULL, O_RESOURCES },
	{ "resource-prefix", required_argument, NULL, O_RESOURCE_PREFIX },
	{ "resource-digits", required_argument, NULL, O_RESOURCE_DIGITS },
	{ "resource", required_argument, NULL, O_RESOURCE },
	{ "contested-resource", required_argument, NULL, O_CONTESTED_RESOURCE },
	{ "contested-windows", required_argument, NULL, O_CONTESTED_WINDOWS },
	{ "contested-round-ms", required_argument, NULL, O_CONTESTED_ROUND },
	{ "token", required_argument, NULL, O_TOKEN },
	{ "token-prefix", required_argument, NULL, O_TOKEN_PREFIX },
	{ "token-digits", required_argument, NULL, O_TOKEN_DIGITS },
	{ "tokens", required_argument, NULL, O_TOKENS },
	{ "token-first", required_argument, NULL, O_TOKEN_FIRST },
	{ "window-base", required_argument, NULL, O_WINDOW_BASE },
	{ "avail-from", required_argument, NULL, O_AVAIL_FROM },
	{ "avail-weeks", required_argument, NULL, O_AVAIL_WEEKS },
	{ "no-idempotency-key", no_argument, NULL, O_NO_IDEM },
	{ "idle", no_argument, NULL, O_IDLE },
	{ "connect-only", no_argument, NULL, O_IDLE },
	{ "rate-connect", no_argument, NULL, O_RATE },
	{ "connect-concurrency", required_argument, NULL, O_CONNECT_CONC },
	{ "connect-timeout", required_argument, NULL, O_CONNECT_TIMEOUT },
	{ "drain-timeout", required_argument, NULL, O_DRAIN_TIMEOUT },
	{ "ready-file", required_argument, NULL, O_READY },
	{ "go-file", required_argument, NULL, O_GO },
	{ "seed", required_argument, NULL, O_SEED },
	{ "json", no_argument, NULL, O_JSON },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *opt, const char *what)
{
	fprintf(stderr, "rigbook-load: %s must be %s\n", opt, what);
	return -1;
}

static int parse_args(int argc, char **argv)
{
	long long v;
	int ch, have_duration = 0;

	O.connections = 8;
	O.threads = 1;
	O.depth = 1;
	O.duration = 10;
	O.mix_text = "book=70,contested=5,cancel=10,availability=10,list=5";
	O.nresources = 1000;
	O.resource_prefix = "bench-r";
	O.resource_digits = 4;
	O.contested_windows = 4;
	O.contested_round_ms = 200;
	O.token_digits = 5;
	O.avail_from = YEAR_2016_W1;
	O.avail_weeks = 520;
	O.idem = 1;
	O.connect_concurrency = 64;
	O.connect_timeout = 120;
	O.drain_timeout = 10;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_SERVER: O.server = optarg; break;
		case O_CA: O.ca = optarg; break;
		case O_SERVER_NAME: O.server_name = optarg; break;
		case O_CONNECTIONS:
			if (parse_int(optarg, 1, 1000000, &v) != 0)
				return bad("--connections", "1 to 1000000");
			O.connections = (int)v;
			break;
		case O_THREADS:
			if (parse_int(optarg, 1, 256, &v) != 0)
				return bad("--threads", "1 to 256");
			O.threads = (int)v;
			break;
		case O_DEPTH:
			if (parse_int(optarg, 1, MAX_DEPTH, &v) != 0)
				return bad("--depth", "1 to 1024");
			O.depth = (int)v;
			break;
		case O_DURATION:
			if (parse_double(optarg, 0.001, 86400 * 7, &O.duration) != 0)
				return bad("--duration", "seconds, more than 0");
			have_duration = 1;
			break;
		case O_REQUESTS:
			if (parse_int(optarg, 1, LLONG_MAX, &v) != 0)
				return bad("--requests", "a positive count");
			O.requests = (uint64_t)v;
			break;
		case O_MIX: O.mix_text = optarg; break;
		case O_RESOURCES:
			if (parse_int(optarg, 1, 1000000, &v) != 0)
				return bad("--resources", "1 to 1000000");
			O.nresources = (int)v;
			break;
		case O_RESOURCE_PREFIX: O.resource_prefix = optarg; break;
		case O_RESOURCE_DIGITS:
			if (parse_int(optarg, 0, 12, &v) != 0)
				return bad("--resource-digits", "0 to 12");
			O.resource_digits = (int)v;
			break;
		case O_RESOURCE:
			if (add_code(optarg) != 0)
				return -1;
			O.codes_given = 1;
			break;
		case O_CONTESTED_RESOURCE: O.contested_code = optarg; break;
		case O_CONTESTED_WINDOWS:
			if (parse_int(optarg, 1, 10000, &v) != 0)
				return bad("--contested-windows", "1 to 10000");
			O.contested_windows = (int)v;
			break;
		case O_CONTESTED_ROUND:
			if (parse_int(optarg, 1, 3600000, &v) != 0)
				return bad("--contested-round-ms", "1 to 3600000");
			O.contested_round_ms = (int)v;
			break;
		case O_TOKEN: O.token = optarg; break;
		case O_TOKEN_PREFIX: O.token_prefix = optarg; break;
		case O_TOKEN_DIGITS:
			if (parse_int(optarg, 0, 12, &v) != 0)
				return bad("--token-digits", "0 to 12");
			O.token_digits = (int)v;
			break;
		case O_TOKENS:
			if (parse_int(optarg, 1, 100000000, &v) != 0)
				return bad("--tokens", "1 to 100000000");
			O.tokens = (int)v;
			break;
		case O_TOKEN_FIRST:
			if (parse_int(optarg, 0, 100000000, &v) != 0)
				return bad("--token-first", "0 to 100000000");
			O.token_first = (int)v;
			break;
		case O_WINDOW_BASE:
			if (parse_int(optarg, 1, LAST_EPOCH - 1, &v) != 0)
				return bad("--window-base", "seconds since the epoch, before 9999");
			O.window_base = v;
			O.have_window_base = 1;
			break;
		case O_AVAIL_FROM:
			if (parse_int(optarg, 1, LAST_EPOCH, &v) != 0)
				return bad("--avail-from", "seconds since the epoch");
			O.avail_from = v;
			break;
		case O_AVAIL_WEEKS:
			if (parse_int(optarg, 1, 100000, &v) != 0)
				return bad("--avail-weeks", "1 to 100000");
			O.avail_weeks = (int)v;
			break;
		case O_NO_IDEM: O.idem = 0; break;
		case O_IDLE: O.mode = MODE_IDLE; break;
		case O_RATE: O.mode = MODE_RATE; break;
		case O_CONNECT_CONC:
			if (parse_int(optarg, 1, 100000, &v) != 0)
				return bad("--connect-concurrency", "1 to 100000");
			O.connect_concurrency = (int)v;
			break;
		case O_CONNECT_TIMEOUT:
			if (parse_double(optarg, 0.1, 86400, &O.connect_timeout) != 0)
				return bad("--connect-timeout", "seconds");
			break;
		case O_DRAIN_TIMEOUT:
			if (parse_double(optarg, 0, 3600, &O.drain_timeout) != 0)
				return bad("--drain-timeout", "seconds");
			break;
		case O_READY: O.ready_file = optarg; break;
		case O_GO: O.go_file = optarg; break;
		case O_SEED:
			if (parse_int(optarg, 0, LLONG_MAX, &v) != 0)
				return bad("--seed", "a non-negative number");
			O.seed = (uint64_t)v;
			O.have_seed = 1;
			break;
		case O_JSON: O.json = 1; break;
		case O_STRICT: O.strict = 1; break;
		case O_QUIET: O.quiet = 1; break;
		case O_HELP:
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "rigbook-load: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (O.server == NULL || O.ca == NULL) {
		fprintf(stderr, "rigbook-load: --server and --ca are required\n");
		return -1;
	}
	if (O.mode != MODE_RATE && (O.token == NULL) == (O.token_prefix == NULL)) {
		fprintf(stderr, "rigbook-load: give --token or --token-prefix (one of them)\n");
		return -1;
	}
	if (O.requests != 0 && have_duration) {
		fprintf(stderr, "rigbook-load: give --duration or --requests, not both\n");
		return -1;
	}
	if (O.requests != 0)
		O.duration = 0;
	else if (O.mode == MODE_IDLE && !have_duration)
		O.duration = 0; /* hold until a signal */
	if (O.requests != 0 && O.mode != MODE_LOAD) {
		fprintf(stderr, "rigbook-load: --requests goes with the request mix only\n");
		return -1;
	}
	if (O.tokens == 0)
		O.tokens = O.connections;
	if (O.threads > O.connections)
		O.threads = O.connections;
	if (parse_mix(O.mix_text) != 0)
		return -1;
	if (!O.codes_given) {
		char code[128];

		for (int i = 0; i < O.nresources; i++) {
			snprintf(code, sizeof(code), "%s%0*d", O.resource_prefix, O.resource_digits, i);
			if (add_code(code) != 0)
				return -1;
		}
	}
	if (O.contested_code == NULL)
		O.contested_code = O.codes[0];
	if (!O.have_seed)
		O.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (!O.have_window_base)
		O.window_base = YEAR_2200 + (int64_t)(O.seed % 36) * 200 * 8766 * HOUR;
	O.window_base -= O.window_base % HOUR;
	if (O.window_base / HOUR - CONTESTED_SPAN_HOURS < (int64_t)time(NULL) / HOUR + 24 * 366) {
		fprintf(stderr, "rigbook-load: --window-base must be at least 11 years ahead\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct worker *workers;
	struct summary s;
	struct opstat total;
	struct sigaction sa;
	int per, extra, gidx = 0;
	uint64_t t_end;

	if (parse_args(argc, argv) != 0) {
		fprintf(stderr, "rigbook-load: --help lists the options\n");
		return 2;
	}
	if (O.quiet)
		g_error_lines = MAX_ERROR_LINES + 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (resolve_server() != 0 || tls_setup() != 0)
		return 3;

	workers = calloc((size_t)O.threads, sizeof(*workers));
	if (workers == NULL)
		return 3;
	per = O.connections / O.threads;
	extra = O.connections % O.threads;
	for (int t = 0; t < O.threads; t++) {
		struct worker *w = &workers[t];

		w->idx = t;
		w->nconns = per + (t < extra);
		w->first = gidx;
		w->base = event_base_new();
		w->conns = calloc((size_t)w->nconns, sizeof(*w->conns));
		w->rng = rng_seed(O.seed, (uint64_t)t + 1000003u);
		if (w->base == NULL || w->conns == NULL)
			return 3;
		if (O.requests != 0)
			w->quota = O.requests * (uint64_t)w->nconns / (uint64_t)O.connections;
		for (int i = 0; i < w->nconns; i++) {
			struct lconn *c = &w->conns[i];

			c->w = w;
			c->gidx = gidx++;
			c->rng = rng_seed(O.seed, (uint64_t)c->gidx);
			c->pend = calloc((size_t)O.depth + 1, sizeof(*c->pend));
			if (c->pend == NULL)
				return 3;
		}
	}
	if (O.requests != 0) {
		/* what integer division left over goes to the first worker */
		uint64_t given = 0;

		for (int t = 0; t < O.threads; t++)
			given += workers[t].quota;
		workers[0].quota += O.requests - given;
	}

	pthread_barrier_init(&g_barrier, NULL, (unsigned)O.threads + 1);
	if (O.mode == MODE_RATE)
		g_t0 = now_ns();
	for (int t = 0; t < O.threads; t++)
		if (pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]) != 0) {
			fprintf(stderr, "rigbook-load: cannot start a thread\n");
			return 3;
		}
	if (O.mode != MODE_RATE) {
		int connected = 0, failed = 0;

		pthread_barrier_wait(&g_barrier); /* everyone connected */
		for (int t = 0; t < O.threads; t++) {
			connected += workers[t].ready;
			failed += workers[t].failed;
		}
		if (!O.json)
			fprintf(stderr, "rigbook-load: %d connection(s) authenticated, %d failed\n",
				connected, failed);
		if (O.ready_file != NULL && write_ready_file(connected, failed) != 0)
			fprintf(stderr, "rigbook-load: cannot write %s: %s\n", O.ready_file,
				strerror(errno));
		while (O.go_file != NULL && access(O.go_file, F_OK) != 0 && !g_stop) {
			struct timespec ts = { 0, 10000000 };

			nanosleep(&ts, NULL);
		}
		g_t0 = now_ns();
	}
	pthread_barrier_wait(&g_barrier); /* go */
	for (int t = 0; t < O.threads; t++)
		pthread_join(workers[t].thread, NULL);
	t_end = now_ns();

	memset(&s, 0, sizeof(s));
	for (int t = 0; t < O.threads; t++) {
		struct worker *w = &workers[t];

		s.connected += w->ready;
		s.failed += w->failed;
		for (int op = 0; op < OP__COUNT; op++) {
			hist_merge(&s.all.op[op].h, &w->st.op[op].h);
			s.all.op[op].ok += w->st.op[op].ok;
			for (int e = 0; e < N_ERR; e++)
				s.all.op[op].err[e] += w->st.op[op].err[e];
		}
		for (int e = 0; e < N_ERR; e++)
			s.all.conn_errors[e] += w->st.conn_errors[e];
		s.all.lost += w->st.lost;
		if (w->st.t_last > s.all.t_last)
			s.all.t_last = w->st.t_last;
	}
	/* the load ran from the start until its last answer (or until now when holding) */
	if (O.mode == MODE_IDLE || s.all.t_last < g_t0)
		s.elapsed = (double)(t_end - g_t0) / 1e9;
	else
		s.elapsed = (double)(s.all.t_last - g_t0) / 1e9;
	memset(&total, 0, sizeof(total));
	for (int op = 0; op < N_MIX; op++) {
		hist_merge(&total.h, &s.all.op[op].h);
		total.ok += s.all.op[op].ok;
		for (int e = 0; e < N_ERR; e++)
			total.err[e] += s.all.op[op].err[e];
	}
	count_unexpected(&s);
	if (O.json)
		report_json(&s, &total);
	else
		report_text(&s, &total);
	fflush(stdout);

	for (int t = 0; t < O.threads; t++) {
		struct worker *w = &workers[t];

		for (int i = 0; i < w->nconns; i++)
			free(w->conns[i].pend);
		free(w->conns);
		if (w->tick != NULL)
			event_free(w->tick);
		event_base_free(w->base);
	}
	free(workers);
	for (int i = 0; i < O.ncodes; i++)
		free(O.codes[i]);
	free(O.codes);
	SSL_CTX_free(g_ctx);
	pthread_barrier_destroy(&g_barrier);

	if (s.connected == 0 && O.mode != MODE_RATE)
		return 3;
	if (O.mode == MODE_RATE && s.all.op[OP_CONNECT].ok == 0)
		return 3;
	if (O.strict && s.unexpected > 0)
		return 1;
	return 0;
}
