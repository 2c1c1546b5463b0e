/*
 * The command table, argument parsing, and what every command shares:
 * connecting, calling, error reporting, the retry of mutations.
 */
#include "cmd.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "refusals.h"
#include "i18n.h"

extern const struct cmd_entry cmd_whoami_entry;
extern const struct cmd_entry cmd_ping_entry;
extern const struct cmd_entry cmd_resources_entry;
extern const struct cmd_entry cmd_show_entry;
extern const struct cmd_entry cmd_availability_entry;
extern const struct cmd_entry cmd_calendar_entry;
extern const struct cmd_entry cmd_slots_entry;
extern const struct cmd_entry cmd_find_entry;
extern const struct cmd_entry cmd_book_entry;
extern const struct cmd_entry cmd_bookings_entry;
extern const struct cmd_entry cmd_cancel_entry;
extern const struct cmd_entry cmd_move_entry;
extern const struct cmd_entry cmd_handover_entry;
extern const struct cmd_entry cmd_wait_entry;
extern const struct cmd_entry cmd_waitlist_entry;
extern const struct cmd_entry cmd_unwait_entry;
extern const struct cmd_entry cmd_checkin_entry;
extern const struct cmd_entry cmd_checkout_entry;
extern const struct cmd_entry cmd_qualifications_entry;
extern const struct cmd_entry cmd_approvals_entry;
extern const struct cmd_entry cmd_approve_entry;
extern const struct cmd_entry cmd_decline_entry;
extern const struct cmd_entry cmd_qualify_entry;
extern const struct cmd_entry cmd_unqualify_entry;
extern const struct cmd_entry cmd_noshow_entry;
extern const struct cmd_entry cmd_usage_entry;
extern const struct cmd_entry cmd_terms_entry;
extern const struct cmd_entry cmd_resource_entry;
extern const struct cmd_entry cmd_hours_entry;
extern const struct cmd_entry cmd_exception_entry;
extern const struct cmd_entry cmd_closure_entry;
extern const struct cmd_entry cmd_rules_entry;
extern const struct cmd_entry cmd_units_entry;
extern const struct cmd_entry cmd_requires_entry;
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_interlock_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_feed_entry;
extern const struct cmd_entry cmd_startup_entry;
extern const struct cmd_entry cmd_member_entry;
extern const struct cmd_entry cmd_token_entry;
extern const struct cmd_entry cmd_cert_entry;
extern const struct cmd_entry cmd_charges_entry;
extern const struct cmd_entry cmd_rate_entry;
extern const struct cmd_entry cmd_voucher_entry;
extern const struct cmd_entry cmd_invoice_entry;
extern const struct cmd_entry cmd_settlement_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_help_entry;

/* In the order the command list shows them: members' commands, then staff's. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_whoami_entry,
	&cmd_ping_entry,
	&cmd_resources_entry,
	&cmd_show_entry,
	&cmd_availability_entry,
	&cmd_calendar_entry,
	&cmd_slots_entry,
	&cmd_find_entry,
	&cmd_book_entry,
	&cmd_bookings_entry,
	&cmd_cancel_entry,
	&cmd_move_entry,
	&cmd_handover_entry,
	&cmd_wait_entry,
	&cmd_waitlist_entry,
	&cmd_unwait_entry,
	&cmd_checkin_entry,
	&cmd_checkout_entry,
	&cmd_qualifications_entry,
	&cmd_watch_entry,
	&cmd_feed_entry,
	&cmd_interlock_entry,
	&cmd_approvals_entry,
	&cmd_approve_entry,
	&cmd_decline_entry,
	&cmd_qualify_entry,
	&cmd_unqualify_entry,
	&cmd_noshow_entry,
	&cmd_usage_entry,
	&cmd_terms_entry,
	&cmd_resource_entry,
	&cmd_hours_entry,
	&cmd_exception_entry,
	&cmd_closure_entry,
	&cmd_rules_entry,
	&cmd_units_entry,
	&cmd_requires_entry,
	&cmd_startup_entry,
	&cmd_member_entry,
	&cmd_token_entry,
	&cmd_cert_entry,
	&cmd_charges_entry,
	&cmd_rate_entry,
	&cmd_voucher_entry,
	&cmd_invoice_entry,
	&cmd_settlement_entry,
	&cmd_report_entry,
	&cmd_audit_entry,
	&cmd_help_entry,
	NULL,
};

/* ------------------------------------------------------------ lookup */

const struct cmd_entry *cmd_find(const char *name, char *err, size_t errlen)
{
	const struct cmd_entry *const *e, *found = NULL;
	size_t n = strlen(name), used;
	int matches = 0;

	for (e = cmd_table; *e != NULL; e++)
		if (strcmp((*e)->name, name) == 0)
			return *e;
	if (n > 0) {
		for (e = cmd_table; *e != NULL; e++) {
			if (strncmp((*e)->name, name, n) == 0) {
				found = *e;
				matches++;
			}
		}
	}
	if (matches == 1)
		return found;
	if (matches == 0) {
		snprintf(err, errlen, _("unknown command: %s (try: rigbook help)"), name);
		return NULL;
	}
	used = (size_t)snprintf(err, errlen, _("ambiguous command: %s, could be: "), name);
	for (e = cmd_table; *e != NULL && used < errlen; e++) {
		if (strncmp((*e)->name, name, n) != 0)
			continue;
		used += (size_t)snprintf(err + used, errlen - used, "%s%s", (*e)->name,
					 --matches > 0 ? ", " : "");
	}
	return NULL;
}

/* ------------------------------------------------------------ arguments */

static const struct cmd_opt *find_opt(const struct cmd_entry *e, const char *name, size_t n)
{
	const struct cmd_opt *o;

	if (e->options == NULL)
		return NULL;
	for (o = e->options; o->name != NULL; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

int cmd_parse_args(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *a,
		   int *json, char *err, size_t errlen)
{
	int i, k, only_pos = 0;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *s = argv[i], *name, *eq, *value;
		const struct cmd_opt *o;
		size_t n;

		if (only_pos || s[0] != '-' || s[1] == '\0') {
			if (a->npos >= e->upper || a->npos >= CMD_MAX_ARGS) {
				snprintf(err, errlen, _("unexpected argument '%.60s'"), s);
				return -1;
			}
			a->pos[a->npos++] = s;
			continue;
		}
		if (strcmp(s, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0)
			return 1;
		if (s[1] != '-') {
			snprintf(err, errlen, _("unknown option %.60s"), s);
			return -1;
		}
		name = s + 2;
		eq = strchr(name, '=');
		n = eq != NULL ? (size_t)(eq - name) : strlen(name);
		if (n == 4 && strncmp(name, "json", 4) == 0 && eq == NULL) {
			*json = 1;
			continue;
		}
		o = find_opt(e, name, n);
		if (o == NULL) {
			snprintf(err, errlen, _("unknown option --%.*s"), (int)(n > 60 ? 60 : n), name);
			return -1;
		}
		if (o->takes_value) {
			if (eq != NULL) {
				value = eq + 1;
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				snprintf(err, errlen, _("--%s needs a value"), o->name);
				return -1;
			}
		} else {
			if (eq != NULL) {
				snprintf(err, errlen, _("--%s takes no value"), o->name);
				return -1;
			}
			value = "";
		}
		const char *key = o->key != NULL ? o->key : o->name;

		for (k = 0; k < a->nopt && !o->repeat; k++) {
			if (strcmp(a->opt[k].key, key) == 0) {
				snprintf(err, errlen, _("--%s given twice"), o->name);
				return -1;
			}
		}
		if (a->nopt >= CMD_MAX_ARGS) {
			snprintf(err, errlen, _("too many options"));
			return -1;
		}
		a->opt[a->nopt].key = key;
		a->opt[a->nopt].value = value;
		a->nopt++;
	}
	if (a->npos < e->lower) {
		snprintf(err, errlen, _("missing argument"));
		return -1;
	}
	return 0;
}

const char *cmd_arg(const struct cmd_args *a, const char *key)
{
	for (int k = 0; k < a->nopt; k++)
		if (strcmp(a->opt[k].key, key) == 0)
			return a->opt[k].value;
	return NULL;
}

size_t cmd_arg_all(const struct cmd_args *a, const char *key, const char **out, size_t max)
{
	size_t n = 0;

	for (int k = 0; k < a->nopt && n < max; k++)
		if (strcmp(a->opt[k].key, key) == 0)
			out[n++] = a->opt[k].value;
	return n;
}

static int is_off(const char *s)
{
	return strcmp(s, "0") == 0 || strcmp(s, "off") == 0;
}

int cmd_minutes_arg(const struct cmd_ctx *ctx, const char *label, const char *value, int unit,
		    int allow_off, uint32_t *out)
{
	char err[256];
	int64_t secs;

	if (allow_off && is_off(value)) {
		*out = 0;
		return CMD_OK;
	}
	if (rb_duration_parse(value, &secs, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "%s: %s%s", label, err,
				     allow_off ? _(" (0 or off switches it off)") : "");
	if (secs % ((int64_t)unit * 60) != 0)
		return cmd_bad_value(ctx, _("%s: %.40s is not a whole number of %s"), label, value,
				     unit == 1440 ? _("days") : _("minutes"));
	if (secs == 0 && !allow_off)
		return cmd_bad_value(ctx, _("%s: must be longer than 0"), label);
	if (secs / 60 / unit > UINT32_MAX)
		return cmd_bad_value(ctx, _("%s: %.40s is too long"), label, value);
	*out = (uint32_t)(secs / 60 / unit);
	return CMD_OK;
}

int cmd_count_arg(const struct cmd_ctx *ctx, const char *label, const char *value, uint32_t lo,
		  uint32_t hi, int allow_off, uint32_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (allow_off && is_off(value)) {
		*out = 0;
		return CMD_OK;
	}
	for (p = value; *p >= '0' && *p <= '9' && v <= hi; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (p == value || *p != '\0' || v < lo || v > hi)
		return cmd_bad_value(ctx, _("%s must be a whole number from %" PRIu32 " to %" PRIu32
				     "%s, not '%.40s'"),
				     label, allow_off ? 0 : lo, hi, allow_off ? _(" (0 or off: no limit)") : "",
				     value);
	*out = (uint32_t)v;
	return CMD_OK;
}

int cmd_csv_headers(const struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *v = cmd_arg(args, "csv-headers");

	if (v == NULL || strcmp(v, "keys") == 0)
		return 0;
	if (strcmp(v, "local") == 0)
		return 1;
	cmd_usage_error(ctx, _("--csv-headers is keys or local, not '%.40s'"), v);
	return -1;
}

int cmd_date_arg(const struct cmd_ctx *ctx, const char *label, const char *d)
{
	if (d == NULL || strlen(d) != 10 || d[4] != '-' || d[7] != '-' ||
	    strspn(d, "0123456789-") != 10) {
		cmd_bad_value(ctx, _("%s: '%.40s' is not a date; give it as YYYY-MM-DD"), label,
			      d != NULL ? d : "");
		return 0;
	}
	return 1;
}

const char *cmd_csv_header(const char *key, int local)
{
	char k[80];

	if (!local)
		return key;
	snprintf(k, sizeof(k), "csv\004%s", key);
	return i18n_pgettext(k, key);
}

void cmd_label(FILE *f, const char *label, int width)
{
	const char *l = label[0] != '\0' ? _(label) : "";
	int w = (int)out_width(l);

	fprintf(f, "%s%*s", l, w < width ? width - w : 0, "");
}

void cmd_print_usage(FILE *f, const struct cmd_entry *e)
{
	const struct cmd_sub *c = e->subs;
	char first[1024];

	if (c != NULL && c->name != NULL && e->usage[0] == '\0') {
		/* the first sub-command on the usage line, the others under it */
		snprintf(first, sizeof(first), "%s%s%s", c->name, c->usage[0] != '\0' ? " " : "", c->usage);
		c++;
	} else {
		snprintf(first, sizeof(first), "%s", e->usage);
	}
	fprintf(f, _("usage: rigbook %s%s%s\n"), e->name, first[0] != '\0' ? " " : "", first);
	for (; c != NULL && c->name != NULL; c++)
		fprintf(f, "       rigbook %s %s%s%s\n", e->name, c->name, c->usage[0] != '\0' ? " " : "",
			c->usage);
}

void cmd_print_help(FILE *f, const struct cmd_entry *e)
{
	size_t w = 0;

	cmd_print_usage(f, e);
	fprintf(f, "%s\n", _(e->summary));
	if (e->subs == NULL)
		return;
	for (const struct cmd_sub *c = e->subs; c->name != NULL; c++)
		if (strlen(c->name) > w)
			w = strlen(c->name);
	fputs(_("sub-commands:\n"), f);
	for (const struct cmd_sub *c = e->subs; c->name != NULL; c++)
		fprintf(f, "  %-*s  %s\n", (int)w, c->name, _(c->summary));
}

/* The sub-command called name (or by its alias). */
static const struct cmd_sub *find_sub(const struct cmd_entry *e, const char *name)
{
	for (const struct cmd_sub *c = e->subs; c != NULL && c->name != NULL; c++)
		if (strcmp(c->name, name) == 0 || (c->alias != NULL && strcmp(c->alias, name) == 0))
			return c;
	return NULL;
}

int cmd_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const struct cmd_entry *e = ctx->entry;
	char names[512];
	size_t o = 0;

	ctx->sub = NULL;
	if (e->subs == NULL)
		return e->exec(ctx, args);
	if (args->npos > 0 && (ctx->sub = find_sub(e, args->pos[0])) != NULL)
		return ctx->sub->exec(ctx, args);
	if (e->exec != NULL)
		return e->exec(ctx, args);
	names[0] = '\0';
	for (const struct cmd_sub *c = e->subs; c->name != NULL && o < sizeof(names); c++)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", o > 0 ? ", " : "", c->name);
	if (args->npos == 0)
		return cmd_usage_error(ctx, _("say which sub-command: %s"), names);
	return cmd_usage_error(ctx, _("unknown sub-command '%.40s'; possibilities are: %s"), args->pos[0],
			       names);
}

void cmd_main_usage(FILE *f)
{
	const struct cmd_entry *const *e;
	int width = 0;

	for (e = cmd_table; *e != NULL; e++)
		if ((int)strlen((*e)->name) > width)
			width = (int)strlen((*e)->name);
	fputs(_("usage: rigbook [--config FILE] [--server HOST:PORT] [--token TOKEN | --token-file FILE]\n"
	      "               [--ca FILE] [--server-name NAME] [--timeout SECONDS] [--retry SECONDS]\n"
	      "               [--json] COMMAND [ARGS]\n"
	      "       rigbook --help | --version\n"
	      "\n"
	      "commands (any unique prefix will do):\n"),
	      f);
	for (e = cmd_table; *e != NULL; e++)
		fprintf(f, "  %-*s  %s\n", width, (*e)->name, _((*e)->summary));
	fputs(_("\n"
	      "Times are read in the resource's time zone unless they carry an offset\n"
	      "(+08:00, Z).  Settings come from the flags, then RIGBOOK_SERVER, RIGBOOK_TOKEN,\n"
	      "RIGBOOK_CA, then the file named by --config or RIGBOOK_CONFIG\n"
	      "(default ~/.config/rigbook/config).  See rigbook(1).\n"
	      "\n"
	      "exit status: 0 done, 1 refused by the server, 2 usage error,\n"
	      "             3 no connection, TLS or protocol failure,\n"
	      "             4 the server is unavailable: try again later,\n"
	      "             5 a change was sent but its answer was lost: it may have been made\n"),
	      f);
}

/* ------------------------------------------------------------ messages */

int cmd_usage_error(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, _("rigbook: %s: "), ctx->entry->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ctx->sub != NULL) {
		/* the sub-command's own line */
		char line[1024];

		snprintf(line, sizeof(line), "%s%s%s", ctx->sub->name, ctx->sub->usage[0] != '\0' ? " " : "",
			 ctx->sub->usage);
		fprintf(stderr, _("usage: rigbook %s%s%s\n"), ctx->entry->name, " ", line);
	} else {
		cmd_print_usage(stderr, ctx->entry);
	}
	return CMD_USAGE;
}

int cmd_bad_value(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, _("rigbook: %s: "), ctx->entry->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CMD_USAGE;
}

int cmd_failed(const char *fmt, ...)
{
	va_list ap;

	fputs(_("rigbook: "), stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CMD_FAILED;
}

int cmd_refused(int code, const char *message)
{
	fprintf(stderr, _("rigbook: %s: "), rb_code_name(code));
	out_put_clean(stderr, message != NULL && message[0] != '\0' ? message : _("(no message)"));
	fputc('\n', stderr);
	return code == RIGBOOK__ERROR_CODE__UNAVAILABLE ? CMD_UNAVAILABLE : CMD_REFUSED;
}

int cmd_refused_error(const Rigbook__Error *e)
{
	return cmd_refused(e->code != 0 ? (int)e->code : RIGBOOK__ERROR_CODE__INTERNAL,
			   refusal_text(e));
}

/* ------------------------------------------------------------ server */

int cmd_connect(struct cmd_ctx *ctx)
{
	char err[512];
	int code = 0;

	if (ctx->conn != NULL)
		return CMD_OK;
	if ((ctx->opts.token == NULL || ctx->opts.token[0] == '\0') && ctx->opts.cert_file == NULL) {
		fprintf(stderr,
			_("rigbook: no token: give --token-file, set RIGBOOK_TOKEN, or put \"token_file = ...\" or \"token = ...\" (or \"tls_cert = ...\" and \"tls_key = ...\" for a client certificate) in the configuration file%s%s\n"),
			ctx->config_path != NULL ? " " : "",
			ctx->config_path != NULL ? ctx->config_path : "");
		return CMD_USAGE;
	}
	if (rbc_connect(&ctx->opts, &ctx->conn, &code, err, sizeof(err)) != 0) {
		ctx->conn = NULL;
		if (code != 0)
			return cmd_refused(code, err);
		return cmd_failed("%s", err);
	}
	return CMD_OK;
}

/*
 * The words a person typed for a request their role may not send: the
 * command's name, with the subcommand where one command sends several
 * requests.  A refusal not_allowed_for_role names the request; the person
 * is told about the command instead.
 */
static const struct {
	const char *request, *typed;
} typed_requests[] = {
	{ "put_resource", "resource add/edit" }, { "retire_resource", "resource retire" },
	{ "add_closure", "closure add" },        { "remove_closure", "closure rm" },
	{ "set_terms", "terms --set" },          { "set_rate", "rate set" },
	{ "list_rates", "rate list" },           { "set_tier", "rate tier" },
	{ "add_voucher", "voucher add" },        { "voucher_statement", "voucher statement" },
	{ "run_invoices", "invoice run" },       { "credit_invoice", "invoice credit" },
	{ "put_startup", "startup add/edit" },   { "add_member", "member add" },
	{ "disable_member", "member disable" },
};

static const char *typed_request(const struct cmd_ctx *ctx, const char *request)
{
	for (size_t i = 0; i < sizeof(typed_requests) / sizeof(typed_requests[0]); i++)
		if (strcmp(typed_requests[i].request, request) == 0)
			return typed_requests[i].typed;
	return ctx->entry != NULL ? ctx->entry->name : request;
}

/* A refusal, with the request named as the command typed when it is one by role. */
static int refused_as_typed(const struct cmd_ctx *ctx, const Rigbook__Error *e)
{
	Rigbook__Error copy;
	Rigbook__ErrorArg args[16], *ptrs[16];

	if (e->reason == NULL || strcmp(e->reason, "not_allowed_for_role") != 0 || e->n_args > 16)
		return cmd_refused_error(e);
	copy = *e;
	for (size_t i = 0; i < e->n_args; i++) {
		args[i] = *e->args[i];
		if (args[i].name != NULL && args[i].value != NULL && strcmp(args[i].name, "request") == 0)
			args[i].value = (char *)typed_request(ctx, e->args[i]->value);
		ptrs[i] = &args[i];
	}
	copy.args = ptrs;
	/* the server's message names the request: the template, filled in, is the words */
	copy.message = NULL;
	return cmd_refused_error(&copy);
}

/* The answer's status: refused, wrong body, or fine. */
static int check_answer(const struct cmd_ctx *ctx, Rigbook__Response *r,
			Rigbook__Response__BodyCase expect)
{
	if (r->body_case == RIGBOOK__RESPONSE__BODY_ERROR && r->error != NULL)
		return refused_as_typed(ctx, r->error);
	if (r->body_case != expect)
		return cmd_failed(_("the server answered with an unexpected message (body %d, expected %d)"),
				  (int)r->body_case, (int)expect);
	return CMD_OK;
}

int cmd_call(struct cmd_ctx *ctx, Rigbook__Request *req, Rigbook__Response__BodyCase expect,
	     Rigbook__Response **resp)
{
	char err[512];
	int rc;

	*resp = NULL;
	rc = cmd_connect(ctx);
	if (rc != CMD_OK)
		return rc;
	if (rbc_call(ctx->conn, req, resp, err, sizeof(err)) != 0)
		return cmd_failed("%s", err);
	rc = check_answer(ctx, *resp, expect);
	if (rc != CMD_OK) {
		rigbook__response__free_unpacked(*resp, NULL);
		*resp = NULL;
	}
	return rc;
}

static int new_key(char *key, size_t len)
{
	unsigned char b[16];
	static const char hex[] = "0123456789abcdef";

	if (len < 2 * sizeof(b) + 1 || RAND_bytes(b, (int)sizeof(b)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(b); i++) {
		key[2 * i] = hex[b[i] >> 4];
		key[2 * i + 1] = hex[b[i] & 15];
	}
	key[2 * sizeof(b)] = '\0';
	return 0;
}

static int is_unavailable(const Rigbook__Response *r)
{
	return r->body_case == RIGBOOK__RESPONSE__BODY_ERROR && r->error != NULL &&
	       r->error->code == RIGBOOK__ERROR_CODE__UNAVAILABLE;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The first pause between tries of a change, and the longest. */
#define RETRY_PAUSE_FIRST_MS 250
#define RETRY_PAUSE_MAX_MS 2000

int cmd_mutate(struct cmd_ctx *ctx, Rigbook__Request *req, Rigbook__Response__BodyCase expect,
	       Rigbook__Response **resp, const char *unknown)
{
	char key[33], err[512];
	int rc, code, pause = RETRY_PAUSE_FIRST_MS, told = 0, tried = 0;
	int64_t give_up = 0;

	*resp = NULL;
	if (new_key(key, sizeof(key)) != 0)
		return cmd_failed(_("cannot draw a random idempotency key"));
	/* nothing is sent before this connection: its failure is only that */
	rc = cmd_connect(ctx);
	if (rc != CMD_OK)
		return rc;
	req->idempotency_key = key;
	give_up = mono_ms() + (ctx->retry_ms > 0 ? ctx->retry_ms : 0);
	for (;;) {
		code = 0;
		if (ctx->conn == NULL &&
		    rbc_connect(&ctx->opts, &ctx->conn, &code, err, sizeof(err)) != 0) {
			ctx->conn = NULL;
			if (code != 0 && code != RIGBOOK__ERROR_CODE__UNAVAILABLE) {
				/* the server answers, but refuses the session now */
				cmd_refused(code, err);
				break;
			}
		} else if (ctx->conn != NULL) {
			req->id = 0;
			if (rbc_call(ctx->conn, req, resp, err, sizeof(err)) == 0) {
				if (!is_unavailable(*resp))
					break; /* the answer, whatever it says */
				code = RIGBOOK__ERROR_CODE__UNAVAILABLE;
				snprintf(err, sizeof(err), "%s", refusal_text((*resp)->error));
				rigbook__response__free_unpacked(*resp, NULL);
				*resp = NULL;
			} else if (!rbc_broken(ctx->conn)) {
				/* nothing went out this time (the request could not be made) */
				req->idempotency_key = NULL;
				rc = cmd_failed("%s", err);
				if (!tried)
					return rc;
				fprintf(stderr, "rigbook: %s\n", unknown);
				return CMD_UNKNOWN;
			}
			tried = 1;
			if (rbc_broken(ctx->conn)) {
				rbc_close(ctx->conn);
				ctx->conn = NULL;
			}
		}
		/* no answer this time: err (and code, when the server said UNAVAILABLE) says why */
		if (mono_ms() + pause > give_up) {
			req->idempotency_key = NULL;
			if (code == RIGBOOK__ERROR_CODE__UNAVAILABLE)
				cmd_refused(code, err);
			else
				cmd_failed("%s", err);
			fprintf(stderr, "rigbook: %s\n", unknown);
			return code == RIGBOOK__ERROR_CODE__UNAVAILABLE ? CMD_UNAVAILABLE : CMD_UNKNOWN;
		}
		if (!told) {
			fputs(code == RIGBOOK__ERROR_CODE__UNAVAILABLE ? "rigbook: UNAVAILABLE: " : "rigbook: ",
			      stderr);
			out_put_clean(stderr, err);
			fprintf(stderr, _("; trying again for up to %d s\n"), (ctx->retry_ms + 999) / 1000);
			told = 1;
		}
		pause_ms(pause);
		pause = pause * 2 > RETRY_PAUSE_MAX_MS ? RETRY_PAUSE_MAX_MS : pause * 2;
	}
	req->idempotency_key = NULL;
	if (*resp == NULL) {
		/* the session was refused on a new connection: the change may have been made before */
		fprintf(stderr, "rigbook: %s\n", unknown);
		return CMD_UNKNOWN;
	}
	rc = check_answer(ctx, *resp, expect);
	if (rc != CMD_OK) {
		rigbook__response__free_unpacked(*resp, NULL);
		*resp = NULL;
	}
	return rc;
}

int cmd_resource(struct cmd_ctx *ctx, const char *code, Rigbook__Response **resp,
		 const Rigbook__Resource **res)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListResourcesRequest lr = RIGBOOK__LIST_RESOURCES_REQUEST__INIT;
	const Rigbook__ListResourcesReply *reply;
	Rigbook__Error nf = RIGBOOK__ERROR__INIT;
	Rigbook__ErrorArg arg = RIGBOOK__ERROR_ARG__INIT, *argp = &arg;
	char msg[160];
	int rc;

	*res = NULL;
	lr.code = (char *)code;
	lr.include_retired = 1;
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_RESOURCES;
	req.list_resources = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_RESOURCES, resp);
	if (rc != CMD_OK)
		return rc;
	reply = (*resp)->list_resources;
	for (size_t i = 0; reply != NULL && i < reply->n_resources; i++) {
		if (reply->resources[i] != NULL && reply->resources[i]->code != NULL &&
		    strcmp(reply->resources[i]->code, code) == 0) {
			*res = reply->resources[i];
			return CMD_OK;
		}
	}
	rigbook__response__free_unpacked(*resp, NULL);
	*resp = NULL;
	/* in the server's words for it */
	snprintf(msg, sizeof(msg), "no resource is called %.100s", code);
	arg.name = "resource";
	arg.value = (char *)code;
	nf.code = RIGBOOK__ERROR_CODE__NOT_FOUND;
	nf.reason = "resource_not_found";
	nf.message = msg;
	nf.n_args = 1;
	nf.args = &argp;
	return cmd_refused_error(&nf);
}

int cmd_detail(struct cmd_ctx *ctx, const char *code, Rigbook__Response **resp,
	       const Rigbook__ResourceDetail **d)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetResourceRequest gr = RIGBOOK__GET_RESOURCE_REQUEST__INIT;
	int rc;

	*d = NULL;
	gr.code = (char *)code;
	req.body_case = RIGBOOK__REQUEST__BODY_GET_RESOURCE;
	req.get_resource = &gr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_GET_RESOURCE, resp);
	if (rc != CMD_OK)
		return rc;
	*d = cmd_reply_detail(*resp);
	if (*d == NULL) {
		rigbook__response__free_unpacked(*resp, NULL);
		*resp = NULL;
		return CMD_FAILED;
	}
	return CMD_OK;
}

const Rigbook__ResourceDetail *cmd_reply_detail(const Rigbook__Response *resp)
{
	const Rigbook__ResourceDetail *d = NULL;

	switch (resp->body_case) {
	case RIGBOOK__RESPONSE__BODY_GET_RESOURCE: d = resp->get_resource; break;
	case RIGBOOK__RESPONSE__BODY_PUT_RESOURCE: d = resp->put_resource; break;
	case RIGBOOK__RESPONSE__BODY_RETIRE_RESOURCE: d = resp->retire_resource; break;
	case RIGBOOK__RESPONSE__BODY_SET_HOURS: d = resp->set_hours; break;
	case RIGBOOK__RESPONSE__BODY_SET_EXCEPTION: d = resp->set_exception; break;
	case RIGBOOK__RESPONSE__BODY_SET_RULES: d = resp->set_rules; break;
	case RIGBOOK__RESPONSE__BODY_SET_UNITS: d = resp->set_units; break;
	case RIGBOOK__RESPONSE__BODY_SET_REQUIRES: d = resp->set_requires; break;
	case RIGBOOK__RESPONSE__BODY_SET_TERMS: d = resp->set_terms; break;
	default: break;
	}
	if (d == NULL || d->resource == NULL) {
		cmd_failed(_("the server's answer holds no resource"));
		return NULL;
	}
	return d;
}

void cmd_close(struct cmd_ctx *ctx)
{
	if (ctx->conn != NULL) {
		rbc_close(ctx->conn);
		ctx->conn = NULL;
	}
}

/* ------------------------------------------------------------ shared output */

static const char *known_zone(const char *tz)
{
	char err[128];

	if (tz != NULL && tz[0] != '\0' && rb_time_zone_check(tz, err, sizeof(err)) == 0)
		return tz;
	return NULL;
}

int cmd_window_words(int64_t start, int64_t end, const char *tz, char *buf, size_t len)
{
	char w[RB_WINDOW_TEXT], *on, *to;

	if (rb_time_window(start, end, tz, w, sizeof(w)) != 0)
		return -1;
	if ((on = strstr(w, " on ")) != NULL) {
		*on = '\0';
		/* TRANSLATORS: a window within one day: %1$s the hours, %2$s the date */
		snprintf(buf, len, _("%1$s on %2$s"), w, on + 4);
	} else if ((to = strstr(w, " to ")) != NULL) {
		*to = '\0';
		/* TRANSLATORS: a window over days: from %1$s to %2$s */
		snprintf(buf, len, _("%1$s to %2$s"), w, to + 4);
	} else {
		snprintf(buf, len, "%s", w);
	}
	return 0;
}

void cmd_window_text(int64_t start, int64_t end, const char *tz, char *buf, size_t len)
{
	const char *z = known_zone(tz);
	char w[RB_WINDOW_TEXT];

	char *on, *to;

	if (rb_time_window(start, end, z != NULL ? z : "UTC", w, sizeof(w)) != 0) {
		snprintf(w, sizeof(w), "%" PRId64 "-%" PRId64, start, end);
		snprintf(buf, len, "%s (%s)", w, z != NULL ? z : "UTC");
	} else if ((on = strstr(w, " on ")) != NULL) {
		/* "10:00-12:00 on 2026-12-03": the words around the times are the reader's */
		*on = '\0';
		/* TRANSLATORS: a window within one day: %1$s the hours, %2$s the date, %3$s the time zone */
		snprintf(buf, len, _("%1$s on %2$s (%3$s)"), w, on + 4, z != NULL ? z : "UTC");
	} else if ((to = strstr(w, " to ")) != NULL) {
		*to = '\0';
		/* TRANSLATORS: a window over days: from %1$s to %2$s, in the time zone %3$s */
		snprintf(buf, len, _("%1$s to %2$s (%3$s)"), w, to + 4, z != NULL ? z : "UTC");
	} else {
		snprintf(buf, len, "%s (%s)", w, z != NULL ? z : "UTC");
	}
}

void cmd_time_text(int64_t t, const char *tz, char *buf, size_t len)
{
	const char *z = known_zone(tz);
	char s[RB_TIME_TEXT];

	if (rb_time_format(t, z != NULL ? z : "UTC", s, sizeof(s)) != 0)
		snprintf(s, sizeof(s), "%" PRId64, t);
	snprintf(buf, len, "%s%s", s, z != NULL ? "" : "Z");
}

void cmd_print_booking_line(FILE *f, const char *verb, const Rigbook__Booking *b)
{
	char w[RB_WINDOW_TEXT + 80];

	cmd_window_text(b->start, b->end, b->time_zone, w, sizeof(w));
	fprintf(f, _("%s %" PRIu64 ": "), _(verb), b->id);
	out_put_clean(f, b->resource_code);
	fputc(' ', f);
	out_put_clean(f, w);
	if (b->state == RIGBOOK__BOOKING_STATE__REQUESTED)
		fputs(_(" (requested: waiting for approval)"), f);
	fputc('\n', f);
}

int cmd_rows(struct rnd *out, const void *const *rows, size_t n)
{
	int bad = rnd_begin(out) != 0;

	for (size_t i = 0; !bad && i < n; i++)
		bad = rnd_row(out, rows[i]) != 0;
	if (rnd_end(out) != 0 || bad)
		return cmd_failed(_("out of memory"));
	return CMD_OK;
}

__attribute__((format(printf, 4, 5)))
static void add_detail(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	if (*off > 0) {
		n = snprintf(buf + *off, len - *off, "; ");
		*off = n < 0 ? len : *off + (size_t)n;
		if (*off >= len)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	*off = n < 0 ? len : *off + (size_t)n;
}

/*
 * Why it was cancelled, whether staff booked it past the rules, what it came
 * with, when it was used (and why that was corrected), its note.
 */
static void booking_details(const Rigbook__Booking *b, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (b->cancel_reason != NULL && b->cancel_reason[0] != '\0')
		add_detail(buf, len, &off, "%s: %.500s", i18n_state(rb_state_name(b->state)), b->cancel_reason);
	if (b->cancelled_late)
		add_detail(buf, len, &off, _("cancelled late"));
	if (b->cancelled_by != NULL && b->cancelled_by[0] != '\0' &&
	    strcmp(b->cancelled_by, b->member_handle) != 0)
		add_detail(buf, len, &off, _("cancelled by %.64s"), b->cancelled_by);
	if (b->decision_reason != NULL && b->decision_reason[0] != '\0')
		add_detail(buf, len, &off, _("%s by %.64s: %.500s"), i18n_state(rb_state_name(b->state)),
			   b->decided_by, b->decision_reason);
	if (b->override_reason != NULL && b->override_reason[0] != '\0')
		add_detail(buf, len, &off, _("past the rules: %.500s"), b->override_reason);
	if (b->parent_id != 0)
		add_detail(buf, len, &off, _("with booking %" PRIu64), b->parent_id);
	if (b->checked_in_at != 0) {
		char w[RB_WINDOW_TEXT + 16];

		if (b->checked_out_at != 0 &&
		    cmd_window_words(b->checked_in_at, b->checked_out_at, b->time_zone, w, sizeof(w)) == 0)
			add_detail(buf, len, &off, _("used %s"), w);
		else if (b->checked_out_at == 0 &&
			 rb_time_format(b->checked_in_at, b->time_zone, w, sizeof(w)) == 0)
			add_detail(buf, len, &off, _("in since %s"), w);
	}
	if (b->usage_note != NULL && b->usage_note[0] != '\0')
		add_detail(buf, len, &off, _("usage: %.500s"), b->usage_note);
	if (b->series_id != 0)
		add_detail(buf, len, &off, _("series %" PRIu64 ", %" PRIu32 " of %" PRIu32), b->series_id,
			   b->series_no, b->series_of);
	if (b->note != NULL && b->note[0] != '\0')
		add_detail(buf, len, &off, _("note: %.500s"), b->note);
}

static void get_start(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = ((const Rigbook__Booking *)row)->start;
	v->s = ((const Rigbook__Booking *)row)->time_zone;
}

static void get_end(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = ((const Rigbook__Booking *)row)->end;
	v->s = ((const Rigbook__Booking *)row)->time_zone;
}

static void get_state(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = rb_state_name(((const Rigbook__Booking *)row)->state);
	v->table = i18n_state(v->s);
}

static void get_details(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	booking_details(row, v->buf, sizeof(v->buf));
	v->s = v->buf;
}

/* REQUESTED: when it was asked for, in the resource's zone */
static void get_requested(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = ((const Rigbook__Booking *)row)->created_at;
	v->s = ((const Rigbook__Booking *)row)->time_zone;
}

/* a booking of a series says which of how many */
static void json_series(struct out_json *j, const void *row, const struct rnd *r)
{
	const Rigbook__Booking *b = row;

	(void)r;
	if (b->series_id == 0)
		return;
	out_json_kv_uint(j, "series_no", b->series_no);
	out_json_kv_uint(j, "series_of", b->series_of);
}

const struct rnd_col cmd_booking_cols[] = {
	{ "id", NULL, N_("ID"), RND_UINT, 0, RND_U64(Rigbook__Booking, id) },
	{ "resource", NULL, N_("RESOURCE"), RND_TEXT, 0, RND_STR(Rigbook__Booking, resource_code) },
	{ "resource_name", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Booking, resource_name) },
	{ "time_zone", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Booking, time_zone) },
	{ "start", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Booking, start) },
	{ "end", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Booking, end) },
	{ "start_local", NULL, N_("START"), RND_INSTANT, 0, .get = get_start },
	{ "end_local", NULL, N_("END"), RND_INSTANT, 0, .get = get_end },
	{ "state", NULL, N_("STATE"), RND_ENUM, 0, .get = get_state, .view = CMD_BOOKINGS },
	{ "member", NULL, N_("MEMBER"), RND_TEXT, 0, RND_STR(Rigbook__Booking, member_handle) },
	{ NULL, NULL, N_("DETAILS"), RND_TEXT, 0, .get = get_details, .view = CMD_BOOKINGS },
	{ "startup", NULL, N_("STARTUP"), RND_TEXT, 0, RND_STR(Rigbook__Booking, startup_code),
	  .view = CMD_APPROVALS },
	{ NULL, NULL, N_("REQUESTED"), RND_INSTANT, 0, .get = get_requested, .view = CMD_APPROVALS },
	{ "note", NULL, N_("NOTE"), RND_TEXT, 0, RND_STR(Rigbook__Booking, note), .view = CMD_APPROVALS },
	{ "created_at", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Booking, created_at) },
	{ "cancelled_at", NULL, NULL, RND_INT, RND_NULL0, RND_I64(Rigbook__Booking, cancelled_at) },
	{ "cancel_reason", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Booking, cancel_reason) },
	{ "unit", NULL, NULL, RND_UINT, 0, RND_U32(Rigbook__Booking, unit) },
	{ "override_reason", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Booking, override_reason) },
	{ "parent_id", NULL, NULL, RND_UINT, RND_NULL0, RND_U64(Rigbook__Booking, parent_id) },
	{ "cancelled_by", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Booking, cancelled_by) },
	{ "cancelled_late", NULL, NULL, RND_BOOL, 0, RND_BOOLF(Rigbook__Booking, cancelled_late) },
	{ "checked_in_at", NULL, NULL, RND_INT, RND_NULL0, RND_I64(Rigbook__Booking, checked_in_at) },
	{ "checked_out_at", NULL, NULL, RND_INT, RND_NULL0, RND_I64(Rigbook__Booking, checked_out_at) },
	{ "usage_note", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Booking, usage_note) },
	{ "series_id", NULL, NULL, RND_UINT, RND_NULL0, RND_U64(Rigbook__Booking, series_id) },
	{ NULL, NULL, NULL, RND_CUSTOM, 0, .json = json_series },
	{ "decided_by", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Booking, decided_by) },
	{ "decision_reason", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Booking, decision_reason) },
};

const size_t cmd_booking_ncols = RND_NCOLS(cmd_booking_cols);

void cmd_json_booking(struct out_json *j, const Rigbook__Booking *b)
{
	out_json_begin_object(j);
	cmd_json_booking_fields(j, b);
	out_json_end_object(j);
}

void cmd_json_booking_fields(struct out_json *j, const Rigbook__Booking *b)
{
	struct rnd r;

	rnd_init(&r, RND_JSON, j->f, cmd_booking_cols, cmd_booking_ncols, NULL);
	rnd_json_fields(&r, j, b);
}
