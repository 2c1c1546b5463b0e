/*
 * The words of refusals, by reason: the one table of templates.  A row is
 * here only when its English is exactly the server's message for every
 * refusal with that reason, made from the arguments alone; reasons whose
 * message has more than their arguments (times in a zone, several
 * wordings) are left to the message.  tests/unit/test_refusals.c renders
 * every row.
 */
#include "refusals.h"

#include <string.h>

const struct refusal_template refusal_templates[] = {
	/* ---- the daemon's own (docs/PROTOCOL.md, "Refusals by the daemon") */
	{ "request_id_reserved", NULL, NULL,
	  "request id 0 is reserved for server events; use another id" },
	{ "unknown_request", NULL, NULL,
	  "the request has no body this server knows (is the client newer?)" },
	{ "hello_required", NULL, NULL,
	  "the first request on a connection must be Hello with a token" },
	{ "already_authenticated", NULL, NULL, "this connection is already authenticated" },
	{ "not_allowed_for_role", "allowed", "operator,admin",
	  "%{request} is for operators of the space and admins, not for a %{role}" },
	{ "not_allowed_for_role", "allowed", "manager,operator,admin",
	  "%{request} is for managers of the host institution, operators of the space and admins, "
	  "not for a %{role}" },
	{ "not_allowed_for_role", NULL, NULL, "%{request} may not be sent by a %{role}" },
	{ "idempotency_key_unexpected", NULL, NULL, "only changes take an idempotency key" },
	{ "invalid_idempotency_key", NULL, NULL,
	  "an idempotency key is 1 to %{limit} printable ASCII characters" },
	{ "invalid_frame", NULL, NULL, "the frame does not hold a valid Request message" },
	{ "invalid_utf8", NULL, NULL, "text field %{field} is not valid UTF-8 or holds a NUL byte" },
	{ "frame_too_large", NULL, NULL, "frame of %{size} bytes is larger than the limit of %{limit}" },
	{ "handshake_timeout", NULL, NULL, "no successful Hello within the handshake timeout" },
	{ "idle_timeout", NULL, NULL, "closing an idle connection" },
	{ "token_required", NULL, NULL, "a token is required" },
	{ "token_invalid", NULL, NULL, "the token is not valid: unknown, revoked or expired" },
	{ "protocol_version_unsupported", NULL, NULL,
	  "this server speaks protocol version %{server_version}, the client version "
	  "%{client_version}; upgrade the older one" },
	{ "out_of_memory", NULL, NULL, "out of memory" },
	{ "too_many_requests", NULL, NULL, "the server is overloaded; retry later" },
	{ "retry", NULL, NULL, "the database could not order this request against another; retry" },
	{ "database_timeout", NULL, NULL, "the database took too long to answer; retry" },
	{ "already_exists", NULL, NULL, "that already exists" },
	/* ---- raised by the daemon and the SQL in the same words */
	{ "resource_not_found", NULL, NULL, "no resource is called %{resource}" },
	{ "series_count_required", NULL, NULL,
	  "say how many times the booking repeats (a count) or until when" },
	/* ---- the SQL's (docs/PROTOCOL.md, "Refusal reasons") */
	{ "member_not_found", NULL, NULL, "no member is called %{member}" },
	{ "startup_not_found", NULL, NULL, "no startup is called %{startup}" },
	{ "space_not_found", NULL, NULL, "no space is called %{space}" },
	{ "series_not_found", NULL, NULL, "there is no series %{series}" },
	{ "token_not_found", NULL, NULL, "there is no token %{token}" },
};

const size_t refusal_ntemplates = sizeof(refusal_templates) / sizeof(refusal_templates[0]);

static const char *arg_value(const Rigbook__Error *e, const char *name, size_t n)
{
	for (size_t i = 0; i < e->n_args; i++) {
		const Rigbook__ErrorArg *a = e->args[i];

		if (a != NULL && a->name != NULL && a->value != NULL && strlen(a->name) == n &&
		    memcmp(a->name, name, n) == 0)
			return a->value;
	}
	return NULL;
}

const struct refusal_template *refusal_template_for(const Rigbook__Error *e)
{
	if (e == NULL || e->reason == NULL || e->reason[0] == '\0')
		return NULL;
	for (size_t i = 0; i < refusal_ntemplates; i++) {
		const struct refusal_template *t = &refusal_templates[i];
		const char *v;

		if (strcmp(t->reason, e->reason) != 0)
			continue;
		if (t->when_arg == NULL)
			return t;
		v = arg_value(e, t->when_arg, strlen(t->when_arg));
		if (v != NULL && strcmp(v, t->when_value) == 0)
			return t;
	}
	return NULL;
}

/* The template filled in, or -1 when an argument is missing or it does not fit. */
static int fill(const char *text, const Rigbook__Error *e, char *buf, size_t len)
{
	size_t o = 0;

	for (const char *p = text; *p != '\0';) {
		const char *piece = p, *v;
		size_t n = 1;

		if (p[0] == '%' && p[1] == '{') {
			const char *end = strchr(p + 2, '}');

			if (end == NULL)
				return -1;
			v = arg_value(e, p + 2, (size_t)(end - (p + 2)));
			if (v == NULL)
				return -1;
			piece = v;
			n = strlen(v);
			p = end + 1;
		} else {
			p++;
		}
		if (len - o <= n)
			return -1;
		memcpy(buf + o, piece, n);
		o += n;
	}
	buf[o] = '\0';
	return 0;
}

int refusal_render(const Rigbook__Error *e, char *buf, size_t len)
{
	const struct refusal_template *t = refusal_template_for(e);
	const char *m;

	if (len == 0)
		return -1;
	if (t != NULL && fill(t->text, e, buf, len) == 0)
		return 0;
	m = e != NULL && e->message != NULL ? e->message : "";
	strncpy(buf, m, len - 1);
	buf[len - 1] = '\0';
	return -1;
}

const char *refusal_text(const Rigbook__Error *e)
{
	static _Thread_local char buf[2048];
	const struct refusal_template *t = refusal_template_for(e);

	if (t != NULL && fill(t->text, e, buf, sizeof(buf)) == 0)
		return buf;
	/* the message itself, however long */
	return e != NULL && e->message != NULL ? e->message : "";
}
