/*
 * The client's commands: one file per command, each exporting a
 * struct cmd_entry, all listed in cmd_table (cmd.c).
 */
#ifndef RIGBOOK_CLIENT_CMD_H
#define RIGBOOK_CLIENT_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "net.h"
#include "output.h"
#include "render.h"

/* Exit statuses. */
enum cmd_status {
	CMD_OK = 0,
	CMD_REFUSED = 1, /* the server said no: "rigbook: CODE: message" */
	CMD_USAGE = 2,   /* the command line or configuration is wrong */
	CMD_FAILED = 3,  /* no connection, TLS or protocol failure */
	CMD_UNAVAILABLE = 4, /* the server is unavailable (UNAVAILABLE): try again later */
	CMD_UNKNOWN = 5, /* a change was sent, its answer never came: it may have been made */
};

/* How long a change whose answer was lost is retried by default (--retry). */
#define CMD_RETRY_DEFAULT_MS 5000

/* One --option of a command. */
struct cmd_opt {
	const char *name;  /* "from" for --from */
	int takes_value;
	const char *key;   /* stored under this name (an alias); NULL: name */
	int repeat;        /* may be given more than once (--tag a --tag b) */
};

#define CMD_MAX_ARGS 64

struct cmd_args {
	int npos;
	const char *pos[CMD_MAX_ARGS];
	int nopt;
	struct {
		const char *key;
		const char *value; /* "" for an option without a value */
	} opt[CMD_MAX_ARGS];
};

struct cmd_ctx;

/*
 * A sub-command of a command that has them ("rate set", "closure rm"): the
 * first positional argument names it (or its alias).  Its exec sees all the
 * arguments, the sub-command's name as pos[0].
 */
struct cmd_sub {
	const char *name;
	const char *alias;   /* another name for it, or NULL */
	const char *usage;   /* after "rigbook CMD NAME ", e.g. "CODE --tier T" */
	const char *summary; /* marked N_(): one line for help */
	int (*exec)(struct cmd_ctx *ctx, const struct cmd_args *args);
};

struct cmd_entry {
	const char *name;
	const char *usage;   /* after the name, e.g. "CODE --from TIME --to TIME [--note TEXT]";
				with subs: the form without a sub-command, or "" */
	const char *summary; /* one line for the command list */
	const struct cmd_opt *options; /* ends with an entry whose name is NULL; may be NULL */
	int lower, upper;    /* how many positional arguments (a sub-command's name is one) */
	/*
	 * The command; with subs, what runs when the first argument names none
	 * of them (NULL: that is a usage error listing them).
	 */
	int (*exec)(struct cmd_ctx *ctx, const struct cmd_args *args);
	const struct cmd_sub *subs; /* ends with an entry whose name is NULL; may be NULL */
};

struct cmd_ctx {
	struct rbc_opts opts;
	const char *config_path; /* the file read, or NULL; for messages */
	int json;
	const struct cmd_entry *entry;
	const struct cmd_sub *sub; /* the sub-command running, or NULL */
	struct rbc_conn *conn; /* connected on first use */
	int retry_ms; /* how long cmd_mutate retries a change (--retry); 0: not at all */
};

extern const struct cmd_entry *const cmd_table[];

/*
 * The command called name, or a unique prefix of one.  NULL with a message
 * ("ambiguous command: bo, could be: book, bookings") otherwise.
 */
const struct cmd_entry *cmd_find(const char *name, char *err, size_t errlen);

/*
 * Parse a command's arguments (after its name).  Returns 0, 1 when --help
 * was asked for, -1 with a message in err.  --json is accepted everywhere
 * and sets *json.
 */
int cmd_parse_args(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *a,
		   int *json, char *err, size_t errlen);

/* The value of an option, NULL when absent ("" for flags); the first of a repeated one. */
const char *cmd_arg(const struct cmd_args *a, const char *key);

/* Every value of a repeatable option, in order: how many (at most max) went to out. */
size_t cmd_arg_all(const struct cmd_args *a, const char *key, const char **out, size_t max);

/*
 * A duration in whole minutes (unit multiple: 1 for minutes, 1440 for days):
 * "30m", "1h", "3d"; "0" and "off" are 0 when allow_off.  On a bad value
 * prints "rigbook: CMD: LABEL: why" (label: "--slot") and returns CMD_USAGE.
 */
int cmd_minutes_arg(const struct cmd_ctx *ctx, const char *label, const char *value, int unit,
		    int allow_off, uint32_t *out);

/* A whole number from lo to hi ("0"/"off" is 0 when allow_off); as above. */
int cmd_count_arg(const struct cmd_ctx *ctx, const char *label, const char *value, uint32_t lo,
		  uint32_t hi, int allow_off, uint32_t *out);

/*
 * A date given as YYYY-MM-DD: 1, or 0 after "rigbook: CMD: LABEL: '...' is
 * not a date" (the caller returns CMD_USAGE).
 */
int cmd_date_arg(const struct cmd_ctx *ctx, const char *label, const char *d);

/*
 * Run the command: the sub-command its first argument names when it has
 * them (ctx->sub set), else its exec; "unknown sub-command" (a usage error,
 * CMD_USAGE) when neither.
 */
int cmd_exec(struct cmd_ctx *ctx, const struct cmd_args *args);

/* "usage: rigbook CMD ..." with a line for each sub-command. */
void cmd_print_usage(FILE *f, const struct cmd_entry *e);
/* The usage and summary, then the sub-commands, each with its summary (help, --help). */
void cmd_print_help(FILE *f, const struct cmd_entry *e);
/*
 * --csv-headers: "keys" (the default: the column keys, the same in every
 * language) or "local" (the columns named in the reader's language).
 * Returns 0 for keys, 1 for local, or -1 after a usage error.
 */
int cmd_csv_headers(const struct cmd_ctx *ctx, const struct cmd_args *args);
/* A CSV column's key (marked NC_("csv", ...)) as a header: the key, or its local name. */
const char *cmd_csv_header(const char *key, int local);

/* A label (marked N_()) in the reader's words, padded to width terminal columns. */
void cmd_label(FILE *f, const char *label, int width);
/* The global usage: options, commands, environment. */
void cmd_main_usage(FILE *f);

/* "rigbook: CMD: message" and the usage line on stderr; returns CMD_USAGE. */
int cmd_usage_error(const struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "rigbook: CMD: message" on stderr (a wrong value, no usage line); returns CMD_USAGE. */
int cmd_bad_value(const struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "rigbook: message" on stderr; returns CMD_FAILED. */
int cmd_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * "rigbook: CODE: message" on stderr; returns CMD_REFUSED, or CMD_UNAVAILABLE
 * when code is UNAVAILABLE (the server cannot answer now: try again).
 */
int cmd_refused(int code, const char *message);
/*
 * The same for a refusal the server sent: its words from its reason and
 * arguments when the client has a template for them (refusals.c), else its
 * message.
 */
int cmd_refused_error(const Rigbook__Error *e);

/* Connect and sign in unless already connected.  Returns a status. */
int cmd_connect(struct cmd_ctx *ctx);

/*
 * Send req and wait for its answer, which must have body `expect`.
 * CMD_OK with *resp (free with rigbook__response__free_unpacked), or a
 * status after printing why.
 */
int cmd_call(struct cmd_ctx *ctx, Rigbook__Request *req, Rigbook__Response__BodyCase expect,
	     Rigbook__Response **resp);

/*
 * As cmd_call for a change that takes an idempotency key: a fresh random
 * key, and when the connection drops before the answer (or the answer is
 * UNAVAILABLE) retries with the same key, on a new connection, with a
 * growing pause, for up to ctx->retry_ms; the server answers a retry of a
 * change it made with the first result.  When no answer came in that time
 * the change may or may not have been made: `unknown` says so in the
 * change's words ("the server may have booked it; run `rigbook bookings` to
 * check") and the status is CMD_UNKNOWN (CMD_UNAVAILABLE when the last
 * answer was UNAVAILABLE).  Nothing is retried when the first connection
 * fails: nothing was sent.
 */
int cmd_mutate(struct cmd_ctx *ctx, Rigbook__Request *req, Rigbook__Response__BodyCase expect,
	       Rigbook__Response **resp, const char *unknown);

/*
 * The resource called code (retired ones included), to learn its time zone.
 * CMD_OK with *resp owning *res, or CMD_REFUSED (NOT_FOUND) / another status.
 */
int cmd_resource(struct cmd_ctx *ctx, const char *code, Rigbook__Response **resp,
		 const Rigbook__Resource **res);

/*
 * Everything about the resource called code (GetResource).  CMD_OK with
 * *resp owning *d, or a status after printing why.
 */
int cmd_detail(struct cmd_ctx *ctx, const char *code, Rigbook__Response **resp,
	       const Rigbook__ResourceDetail **d);

/*
 * The ResourceDetail in a reply that carries one (put, retire, set_*), or
 * NULL after printing why (the caller frees resp and returns CMD_FAILED).
 */
const Rigbook__ResourceDetail *cmd_reply_detail(const Rigbook__Response *resp);

void cmd_close(struct cmd_ctx *ctx);

/* ------------------------------------------------------------ shared output */

/*
 * rb_time_window's "10:00-12:00 on 2026-12-03" (or "... to ...") in the
 * reader's words, into buf; -1 when tz or the instants are not valid.
 */
int cmd_window_words(int64_t start, int64_t end, const char *tz, char *buf, size_t len);
/* "10:00-12:00 on 2026-12-03 (Asia/Shanghai)"; UTC when the zone is unknown here. */
void cmd_window_text(int64_t start, int64_t end, const char *tz, char *buf, size_t len);
/* "2026-12-03 10:00" in tz; UTC (with a Z) when the zone is unknown here. */
void cmd_time_text(int64_t t, const char *tz, char *buf, size_t len);
/* "dyno-2 10:00-12:00 on 2026-12-03 (Asia/Shanghai)", cleaned for a terminal. */
void cmd_print_booking_line(FILE *f, const char *verb, const Rigbook__Booking *b);

/* A booking id: decimal digits, 1 to 2^64-1.  0, or -1 when s is not one. */
int cmd_booking_id(const char *s, uint64_t *out);
/* A booking as a JSON object. */
void cmd_json_booking(struct out_json *j, const Rigbook__Booking *b);
/* A booking's keys and values into an object the caller has begun: to add keys of its own. */
void cmd_json_booking_fields(struct out_json *j, const Rigbook__Booking *b);

/*
 * A booking's columns: all of them in JSON; in a table the view
 * CMD_BOOKINGS (bookings: state and details) or CMD_APPROVALS (approvals:
 * startup, when it was requested, note).
 */
#define CMD_BOOKINGS 1u
#define CMD_APPROVALS 2u
extern const struct rnd_col cmd_booking_cols[];
extern const size_t cmd_booking_ncols;

/*
 * A list of n rows through out (rnd_init'ed), from its start to its end:
 * CMD_OK, or CMD_FAILED after saying it ran out of memory.
 */
int cmd_rows(struct rnd *out, const void *const *rows, size_t n);

/*
 * A member's columns (cmd_member.c), for member list and add and startup
 * show, whose table leaves out those of the view CMD_MEMBER_LIST (startup,
 * institution, tokens).
 */
#define CMD_MEMBER_LIST 1u
extern const struct rnd_col cmd_member_cols[];
extern const size_t cmd_member_ncols;

#endif
