#include "feed.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "httpd.h"
#include "log.h"
#include "rigbook/ics.h"
#include "rows.h"
#include "sql.h"
#include "tls.h"


#define PRE (sizeof(FEED_PREFIX) - 1)
#define SUF (sizeof(FEED_SUFFIX) - 1)

static struct {
	struct evhttp *http;
	char base_url[256]; /* https://host:port, what addresses start with */
	char domain[128];   /* UIDs' domain: the host */
} F;

/* ------------------------------------------------------------ GET /ical/ */

/* One fetch waiting for the database.  The connection may go first: its
 * close callback then forgets the request, and the answer is dropped. */
struct fetch {
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
};

static void fetch_gone(struct evhttp_connection *evcon, void *arg)
{
	struct fetch *f = arg;

	f->req = NULL;
	f->evcon = NULL;
}

static void fetch_forget(struct fetch *f)
{
	if (f->evcon != NULL)
		evhttp_connection_set_closecb(f->evcon, NULL, NULL);
}

static void send_text(struct evhttp_request *req, int code, const char *reason, const char *text)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "text/plain; charset=utf-8");
	if (b != NULL)
		evbuffer_add_printf(b, "%s\n", text);
	evhttp_send_reply(req, code, reason, b);
	if (b != NULL)
		evbuffer_free(b);
}

static void fetch_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct fetch *f = arg;
	struct evhttp_request *req = f->req;
	Rigbook__Booking *rows = NULL, **ptrs = NULL;
	void *mem = NULL;
	char *body = NULL, etag[68], hex[65];
	size_t len = 0;
	FILE *out;
	int64_t stamp = 0;
	int n;

	fetch_forget(f);
	free(f);
	if (req == NULL)
		return; /* the calendar program hung up */
	if (err != NULL) {
		send_text(req, 503, "Service Unavailable", "the calendar is not available now; try later");
		return;
	}
	n = db_ntuples(res);
	if (n == 0) {
		/* unknown, revoked, or a member disabled: all alike */
		send_text(req, HTTP_NOTFOUND, "Not Found", "no such calendar");
		return;
	}
	/* the first row (id 0) says the feed is there; the bookings follow */
	ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
	if (ptrs == NULL) {
		send_text(req, HTTP_INTERNAL, "Internal Server Error", "out of memory");
		return;
	}
	rows = mem;
	for (int i = 1; i < n; i++) {
		booking_from_row(&rows[i], res, i);
		ptrs[i - 1] = &rows[i];
		/* the newest change is the calendar's stamp: the same bookings, the same bytes */
		if (rows[i].created_at > stamp)
			stamp = rows[i].created_at;
		if (rows[i].cancelled_at > stamp)
			stamp = rows[i].cancelled_at;
		if (rows[i].checked_in_at > stamp)
			stamp = rows[i].checked_in_at;
		if (rows[i].checked_out_at > stamp)
			stamp = rows[i].checked_out_at;
	}
	out = open_memstream(&body, &len);
	if (out == NULL || ics_write_calendar(out, ptrs, (size_t)n - 1, F.domain, stamp) != 0 ||
	    fclose(out) != 0) {
		if (out != NULL && body == NULL)
			fclose(out);
		free(body);
		free(ptrs);
		send_text(req, HTTP_INTERNAL, "Internal Server Error", "cannot write the calendar");
		return;
	}
	free(ptrs);
	tls_sha256_hex(body, len, hex);
	snprintf(etag, sizeof(etag), "\"%.32s\"", hex);
	{
		struct evkeyvalq *h = evhttp_request_get_output_headers(req);
		const char *inm = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");

		evhttp_add_header(h, "ETag", etag);
		evhttp_add_header(h, "Cache-Control", "private, max-age=300");
		if (inm != NULL && strstr(inm, etag) != NULL) {
			evhttp_send_reply(req, HTTP_NOTMODIFIED, "Not Modified", NULL);
		} else {
			struct evbuffer *b = evbuffer_new();

			evhttp_add_header(h, "Content-Type", "text/calendar; charset=utf-8");
			if (b == NULL || evbuffer_add(b, body, len) != 0) {
				if (b != NULL)
					evbuffer_free(b);
				free(body);
				send_text(req, HTTP_INTERNAL, "Internal Server Error", "out of memory");
				return;
			}
			evhttp_send_reply(req, HTTP_OK, "OK", b);
			evbuffer_free(b);
		}
	}
	free(body);
}

/* The secret of a feed's path: "rbf_" and 64 lowercase hex digits. */
static int secret_ok(const char *s, size_t n)
{
	if (n != TLS_TOKEN_LEN || strncmp(s, "rbf_", 4) != 0)
		return 0;
	for (size_t i = 4; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void ical_cb(struct evhttp_request *req, void *arg)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	size_t n = path != NULL ? strlen(path) : 0;
	char hex[65], hash[67];
	const char *params[1] = { hash };
	struct fetch *f;
	int code;

	if (n < PRE + SUF || strncmp(path, FEED_PREFIX, PRE) != 0 ||
	    strcmp(path + n - SUF, FEED_SUFFIX) != 0 || !secret_ok(path + PRE, n - PRE - SUF)) {
		send_text(req, HTTP_NOTFOUND, "Not Found", "no such calendar");
		return;
	}
	tls_sha256_hex(path + PRE, n - PRE - SUF, hex);
	snprintf(hash, sizeof(hash), "\\x%s", hex);
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		send_text(req, HTTP_INTERNAL, "Internal Server Error", "out of memory");
		return;
	}
	f->req = req;
	f->evcon = evhttp_request_get_connection(req);
	if (f->evcon != NULL)
		evhttp_connection_set_closecb(f->evcon, fetch_gone, f);
	code = db_query(STMT_FEED_BOOKINGS, params, 1, fetch_done, f);
	if (code != 0) {
		fetch_forget(f);
		free(f);
		send_text(req, 503, "Service Unavailable", "the calendar is not available now; try later");
	}
}

static struct bufferevent *bev_cb(struct event_base *base, void *arg)
{
	return tls_accept_bev(base, -1, 0);
}

/* ------------------------------------------------------------ start, stop */

int feed_start(struct event_base *base, const struct config *c, char *err, size_t errlen)
{
	char first[256];
	size_t bl;

	if (c->feed_listen == NULL || c->feed_listen[0] == '\0')
		return 0;
	F.http = evhttp_new(base);
	if (F.http == NULL) {
		snprintf(err, errlen, "feed_listen: out of memory");
		return -1;
	}
	evhttp_set_bevcb(F.http, bev_cb, NULL);
	evhttp_set_allowed_methods(F.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(F.http, 8192);
	evhttp_set_max_body_size(F.http, 0);
	evhttp_set_timeout(F.http, 30);
	evhttp_set_gencb(F.http, ical_cb, NULL);
	if (httpd_bind(base, F.http, c->feed_listen, "feed_listen", first, sizeof(first), F.domain,
		       sizeof(F.domain), err, errlen) != 0) {
		evhttp_free(F.http);
		F.http = NULL;
		return -1;
	}
	if (c->feed_url != NULL && c->feed_url[0] != '\0')
		snprintf(F.base_url, sizeof(F.base_url), "%s", c->feed_url);
	else
		snprintf(F.base_url, sizeof(F.base_url), "https://%s", first);
	bl = strlen(F.base_url);
	if (bl > 0 && F.base_url[bl - 1] == '/')
		F.base_url[bl - 1] = '\0';
	log_info("calendar feeds on %s%sSECRET%s", F.base_url, FEED_PREFIX, FEED_SUFFIX);
	return 0;
}

void feed_stop(void)
{
	if (F.http != NULL)
		evhttp_free(F.http);
	F.http = NULL;
}

const char *feed_base_url(void)
{
	return F.http != NULL ? F.base_url : NULL;
}
