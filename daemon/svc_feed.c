/*
 * The feed request: issue (or keep, or replace) the caller's calendar
 * address.  Who may have which feed is rb_feed_issue()'s (sql/feeds.sql);
 * the listener that serves the addresses is feed.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "feed.h"
#include "sql.h"
#include "tls.h"

/* ------------------------------------------------------------ the request */

struct issue {
	struct req *r;
	char secret[TLS_TOKEN_LEN + 1];
	int startup;
};

static void issue_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	struct issue *is = (struct issue *)(uintptr_t)r->aux;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__FeedReply reply = RIGBOOK__FEED_REPLY__INIT;
	char url[256 + 8 + TLS_TOKEN_LEN + 8];

	r->aux = 0;
	if (err != NULL) {
		explicit_bzero(is->secret, sizeof(is->secret));
		free(is);
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		explicit_bzero(is->secret, sizeof(is->secret));
		free(is);
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal", "the feed was not issued", "", NULL);
		return;
	}
	reply.issued = db_get_bool(res, 0, FEED_ISSUED);
	reply.created_at = db_get_int64(res, 0, FEED_CREATED);
	reply.startup = is->startup;
	if (reply.issued) {
		snprintf(url, sizeof(url), "%s%s%s%s", feed_base_url(), FEED_PREFIX, is->secret, FEED_SUFFIX);
		reply.url = url;
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_FEED;
	resp.feed = &reply;
	req_reply(r, &resp);
	explicit_bzero(is->secret, sizeof(is->secret));
	explicit_bzero(url, sizeof(url));
	free(is);
}

void svc_feed(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__FeedRequest *q = msg->feed;
	char member[24], hex[65], hash[67];
	const char *params[5];
	struct issue *is;
	int code;

	if (feed_base_url() == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__FAILED_PRECONDITION, "feed_disabled",
			  "this server offers no calendar feeds (its feed_listen is not set)", "", NULL);
		return;
	}
	is = calloc(1, sizeof(*is));
	if (is == NULL || tls_random_token(is->secret) != 0) {
		free(is);
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory", "out of memory", "",
			  NULL);
		return;
	}
	memcpy(is->secret, "rbf_", 4);
	is->startup = q->startup;
	tls_sha256_hex(is->secret, strlen(is->secret), hex);
	snprintf(hash, sizeof(hash), "\\x%s", hex);
	params[0] = u64_param(member, r->sess.member_id);
	params[1] = q->startup ? "true" : "false";
	params[2] = q->replace ? "true" : "false";
	params[3] = hash;
	params[4] = r->peer;
	r->aux = (uint64_t)(uintptr_t)is;
	code = db_query(STMT_FEED_ISSUE, params, 5, issue_done, r);
	if (code != 0) {
		explicit_bzero(is->secret, sizeof(is->secret));
		free(is);
		req_query_refused(r, code);
	}
}
