/*
 * rb-access: who may do what, on the wire, for the privacy and role-matrix
 * tests.  Requests are built by name through the protobuf-c descriptors:
 * the body is the Request field of that name, and its fields are filled
 * from FIELD=VALUE (every request) or REQUEST.FIELD=VALUE (that request
 * only) by their names, whatever their type.
 *
 *   rb-access --server H:P --ca FILE hello TOKEN
 *       signs in and prints "OK", or the refusal: "CODE reason | message".
 *   rb-access ... call TOKEN REQUEST [FILL...]
 *       one request; prints "CODE reason | message | args | conflict_booking_id".
 *   rb-access ... calls TOKEN REQUEST... -- [FILL...]
 *       the requests in turn on one connection; prints "REQUEST" and the
 *       answer as call does, an OK followed by " n=N", the length of its
 *       first list (bookings, busy times ...) when it has one.
 *   rb-access ... matrix NAMES_FILE LABEL=TOKEN... -- [FILL...]
 *       each request named in NAMES_FILE (one a line), sent by each
 *       LABEL's token in the order given; prints "REQUEST LABEL CODE" a line.
 *   rb-access ... hold [watch:]TOKEN...
 *       signs each in on a connection of its own (watch: also watches),
 *       prints "ready", waits for SIGUSR1; then, for each: the events it
 *       heard ("event KIND"), the answer to a Ping ("ping CODE reason"),
 *       and whether a second Ping finds the connection closed ("closed" or
 *       "open").
 *   rb-access limits x
 *       prints the wire's text limits (common/wirecheck.c), "FIELD MAX
 *       SCHEMA" a line (SCHEMA empty when the database has none).
 *
 * Exit status 0 when it ran (the answers are the caller's to judge), 1 when
 * the server could not be reached, 2 on a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "rigbook/names.h"
#include "rigbook/wirecheck.h"

#define MAX_FILL 128
#define MAX_WHO 16
#define MAX_HOLD 8
#define MAX_ALLOC 64

static const char *server, *ca;
static int timeout_s = 30;
static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: rb-access --server H:P --ca FILE [--timeout S] "
			"hello TOKEN | call TOKEN REQUEST [FILL...] | calls TOKEN REQUEST... -- [FILL...] | "
			"matrix NAMES LABEL=TOKEN... -- [FILL...] | hold [watch:]TOKEN...\n");
	exit(2);
}

static int open_conn(const char *token, struct rbc_conn **c, int *code, char *err, size_t n)
{
	struct rbc_opts o = { 0 };

	o.server = server;
	o.ca_file = ca;
	o.token = token;
	o.client_name = "rb-access";
	o.timeout_ms = timeout_s * 1000;
	*code = 0;
	return rbc_connect(&o, c, code, err, n);
}

static const char *code_name(int code)
{
	const ProtobufCEnumValue *v;

	if (code == 0)
		return "OK";
	v = protobuf_c_enum_descriptor_get_value(&rigbook__error_code__descriptor, code);
	return v != NULL ? v->name : "?";
}

/* ---------------------------------------------------------------- building requests */

struct fill {
	int n;
	const char *key[MAX_FILL], *value[MAX_FILL];
};

struct arena {
	int n;
	void *p[MAX_ALLOC];
};

static void *keep(struct arena *a, void *p)
{
	if (p == NULL || a->n == MAX_ALLOC) {
		fprintf(stderr, "rb-access: out of memory\n");
		exit(1);
	}
	a->p[a->n++] = p;
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->n > 0)
		free(a->p[--a->n]);
}

static const char *fill_value(const struct fill *f, const char *req, const char *field)
{
	char k[128];

	snprintf(k, sizeof(k), "%s.%s", req, field);
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->key[i], k))
			return f->value[i];
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->key[i], field))
			return f->value[i];
	return NULL;
}

/* Set one scalar of type fd->type at p from text v. */
static void set_scalar(struct arena *a, const ProtobufCFieldDescriptor *fd, void *p, const char *v)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		*(char **)p = keep(a, strdup(v));
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		*(int64_t *)p = strtoll(v, NULL, 10);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		*(uint64_t *)p = strtoull(v, NULL, 10);
		break;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		*(int32_t *)p = (int32_t)strtol(v, NULL, 10);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		*(uint32_t *)p = (uint32_t)strtoul(v, NULL, 10);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		*(protobuf_c_boolean *)p = !strcmp(v, "true") || !strcmp(v, "1");
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *e =
			protobuf_c_enum_descriptor_get_value_by_name(fd->descriptor, v);

		*(int *)p = e != NULL ? e->value : atoi(v);
		break;
	}
	default:
		break;
	}
}

/*
 * req (initialised) with body `name`, its fields filled from f.  Returns -1
 * when no Request field has that name.
 */
static int build(struct arena *a, Rigbook__Request *req, const char *name, const struct fill *f)
{
	const ProtobufCFieldDescriptor *bd =
		protobuf_c_message_descriptor_get_field_by_name(&rigbook__request__descriptor, name);
	const ProtobufCMessageDescriptor *md;
	ProtobufCMessage *m;

	if (bd == NULL || bd->type != PROTOBUF_C_TYPE_MESSAGE || bd->quantifier_offset == 0)
		return -1;
	md = bd->descriptor;
	m = keep(a, calloc(1, md->sizeof_message));
	md->message_init(m);
	for (unsigned i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &md->fields[i];
		const char *v = fill_value(f, name, fd->name);
		char *base = (char *)m;

		if (v == NULL || fd->type == PROTOBUF_C_TYPE_MESSAGE || fd->type == PROTOBUF_C_TYPE_BYTES)
			continue;
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			/* one element */
			size_t sz = fd->type == PROTOBUF_C_TYPE_STRING ? sizeof(char *) : sizeof(uint64_t);
			void *arr = keep(a, calloc(1, sz));

			set_scalar(a, fd, arr, v);
			*(size_t *)(base + fd->quantifier_offset) = 1;
			*(void **)(base + fd->offset) = arr;
			continue;
		}
		set_scalar(a, fd, base + fd->offset, v);
		if (fd->label == PROTOBUF_C_LABEL_OPTIONAL && fd->quantifier_offset != 0 &&
		    !(fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && fd->type != PROTOBUF_C_TYPE_STRING)
			*(protobuf_c_boolean *)(base + fd->quantifier_offset) = 1;
	}
	*(void **)((char *)req + bd->offset) = m;
	*(uint32_t *)((char *)req + bd->quantifier_offset) = bd->id;
	if (!strcmp(name, "hello"))
		((Rigbook__Hello *)m)->protocol_version = RIGBOOK_PROTOCOL_VERSION;
	return 0;
}

/*
 * Send `name` on *c (reconnecting with token when it broke) and return the
 * answer's code (0: not an Error), writing the Error's details to line.
 */
/* The length of the first repeated field of resp's body, or -1 when it has none. */
static long list_len(const Rigbook__Response *resp)
{
	const ProtobufCFieldDescriptor *fd =
		protobuf_c_message_descriptor_get_field(&rigbook__response__descriptor,
							(unsigned)resp->body_case);
	const ProtobufCMessage *m;

	if (fd == NULL || fd->type != PROTOBUF_C_TYPE_MESSAGE)
		return -1;
	m = *(ProtobufCMessage *const *)((const char *)resp + fd->offset);
	if (m == NULL)
		return -1;
	for (unsigned i = 0; i < m->descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &m->descriptor->fields[i];

		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			return (long)*(const size_t *)((const char *)m + f->quantifier_offset);
	}
	return -1;
}

static long last_list_len = -1; /* of the last answer ask() had */

static int ask(struct rbc_conn **c, const char *token, const char *name, const struct fill *f,
	       char *line, size_t n)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__Response *resp = NULL;
	struct arena a = { 0 };
	char err[256];
	int code = 0;

	if (*c != NULL && rbc_broken(*c)) {
		rbc_close(*c);
		*c = NULL;
	}
	if (*c == NULL && open_conn(token, c, &code, err, sizeof(err)) != 0) {
		snprintf(line, n, "cannot sign in: %s", err);
		return code != 0 ? code : -1;
	}
	if (build(&a, &req, name, f) != 0) {
		snprintf(line, n, "no request is called %s", name);
		return -1;
	}
	if (rbc_call(*c, &req, &resp, err, sizeof(err)) != 0) {
		arena_free(&a);
		snprintf(line, n, "%s", err);
		return -1;
	}
	arena_free(&a);
	line[0] = '\0';
	if (resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR && resp->error != NULL) {
		const Rigbook__Error *e = resp->error;
		size_t k;

		code = e->code;
		k = (size_t)snprintf(line, n, "%s %s | %s |", code_name(code), e->reason, e->message);
		for (size_t i = 0; i < e->n_args && k < n; i++)
			k += (size_t)snprintf(line + k, n - k, " %s=%s", e->args[i]->name,
					      e->args[i]->value);
		if (k < n)
			snprintf(line + k, n - k, " | %llu",
				 (unsigned long long)e->conflict_booking_id);
		last_list_len = -1;
	} else {
		snprintf(line, n, "OK");
		last_list_len = list_len(resp);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return code;
}

static void parse_fill(struct fill *f, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL || f->n == MAX_FILL)
			usage();
		*eq = '\0';
		f->key[f->n] = argv[i];
		f->value[f->n++] = eq + 1;
	}
}

/* ---------------------------------------------------------------- modes */

static int do_hello(const char *token)
{
	struct rbc_conn *c;
	struct fill f = { 1, { "token" }, { token } };
	char err[512], line[2048];
	int code;

	if (open_conn(NULL, &c, &code, err, sizeof(err)) != 0) {
		fprintf(stderr, "rb-access: %s\n", err);
		return 1;
	}
	code = ask(&c, NULL, "hello", &f, line, sizeof(line));
	if (c != NULL)
		rbc_close(c);
	printf("%s\n", line);
	return code < 0 ? 1 : 0;
}

static int do_call(const char *token, const char *name, const struct fill *f)
{
	struct rbc_conn *c = NULL;
	char line[2048];
	int code = ask(&c, token, name, f, line, sizeof(line));

	if (c != NULL)
		rbc_close(c);
	printf("%s\n", line);
	return code < 0 ? 1 : 0;
}

static int do_calls(const char *token, int nreq, char **reqs, const struct fill *f)
{
	struct rbc_conn *c = NULL;
	char line[2048];
	int code = 0;

	for (int i = 0; i < nreq; i++) {
		code = ask(&c, token, reqs[i], f, line, sizeof(line));
		if (code == 0 && last_list_len >= 0)
			printf("%s %s n=%ld\n", reqs[i], line, last_list_len);
		else
			printf("%s %s\n", reqs[i], line);
		if (code < 0)
			break;
	}
	if (c != NULL)
		rbc_close(c);
	return code < 0 ? 1 : 0;
}

static int do_matrix(const char *names_file, int nwho, char **who, const struct fill *f)
{
	struct rbc_conn *c[MAX_WHO] = { 0 };
	const char *label[MAX_WHO], *token[MAX_WHO];
	char name[128], line[2048];
	FILE *fp = fopen(names_file, "r");

	if (fp == NULL) {
		perror(names_file);
		return 2;
	}
	if (nwho > MAX_WHO)
		usage();
	for (int i = 0; i < nwho; i++) {
		char *eq = strchr(who[i], '=');

		if (eq == NULL)
			usage();
		*eq = '\0';
		label[i] = who[i];
		token[i] = eq + 1;
	}
	while (fgets(name, sizeof(name), fp) != NULL) {
		name[strcspn(name, "\r\n")] = '\0';
		if (name[0] == '\0')
			continue;
		for (int i = 0; i < nwho; i++) {
			int code = ask(&c[i], token[i], name, f, line, sizeof(line));

			printf("%s %s %s\n", name, label[i], code < 0 ? "FAILED" : code_name(code));
			if (code != 0)
				fprintf(stderr, "%s %s: %s\n", name, label[i], line);
			/* a watch pushes events on this connection: start afresh */
			if (!strcmp(name, "watch") && c[i] != NULL) {
				rbc_close(c[i]);
				c[i] = NULL;
			}
		}
		fflush(stdout);
	}
	fclose(fp);
	for (int i = 0; i < nwho; i++)
		if (c[i] != NULL)
			rbc_close(c[i]);
	return 0;
}

static int ping(struct rbc_conn *c, char *line, size_t n)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__Ping p = RIGBOOK__PING__INIT;
	Rigbook__Response *resp;
	char err[256];
	int code = 0;

	req.body_case = RIGBOOK__REQUEST__BODY_PING;
	req.ping = &p;
	if (rbc_call(c, &req, &resp, err, sizeof(err)) != 0) {
		snprintf(line, n, "none (%s)", err);
		return -1;
	}
	if (resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR && resp->error != NULL) {
		code = resp->error->code;
		snprintf(line, n, "%s %s", code_name(code), resp->error->reason);
	} else {
		snprintf(line, n, "OK");
	}
	rigbook__response__free_unpacked(resp, NULL);
	return code;
}

static int do_hold(int n, char **tokens)
{
	struct rbc_conn *c[MAX_HOLD];
	char err[256], line[256];
	time_t deadline;

	if (n > MAX_HOLD)
		usage();
	for (int i = 0; i < n; i++) {
		int watch = !strncmp(tokens[i], "watch:", 6), code;

		if (open_conn(tokens[i] + (watch ? 6 : 0), &c[i], &code, err, sizeof(err)) != 0) {
			fprintf(stderr, "rb-access: %s\n", err);
			return 1;
		}
		if (watch) {
			Rigbook__Request req = RIGBOOK__REQUEST__INIT;
			Rigbook__WatchRequest wr = RIGBOOK__WATCH_REQUEST__INIT;
			Rigbook__Response *resp;

			wr.resource_code = "";
			req.body_case = RIGBOOK__REQUEST__BODY_WATCH;
			req.watch = &wr;
			if (rbc_call(c[i], &req, &resp, err, sizeof(err)) != 0) {
				fprintf(stderr, "rb-access: watch: %s\n", err);
				return 1;
			}
			rigbook__response__free_unpacked(resp, NULL);
		}
	}
	printf("ready\n");
	fflush(stdout);
	deadline = time(NULL) + timeout_s;
	while (!go && time(NULL) < deadline)
		usleep(20000);
	if (!go) {
		fprintf(stderr, "rb-access: no SIGUSR1 within %d s\n", timeout_s);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		Rigbook__Response *r;

		printf("conn %d\n", i);
		while (rbc_wait(c[i], 0) == 1 && rbc_recv(c[i], &r, err, sizeof(err)) == 0) {
			if (r->id == 0 && r->body_case == RIGBOOK__RESPONSE__BODY_EVENT)
				printf("event %s\n", r->event->kind);
			rigbook__response__free_unpacked(r, NULL);
		}
		ping(c[i], line, sizeof(line));
		printf("ping %s\n", line);
		printf("%s\n", ping(c[i], line, sizeof(line)) < 0 ? "closed" : "open");
		rbc_close(c[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "ca", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct fill f = { 0 };
	int ch;

	signal(SIGUSR1, on_usr1);
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			server = optarg;
			break;
		case 'c':
			ca = optarg;
			break;
		case 't':
			timeout_s = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (server == NULL || argc < 2)
		usage();
	if (!strcmp(argv[0], "hello"))
		return do_hello(argv[1]);
	if (!strcmp(argv[0], "call")) {
		if (argc < 3)
			usage();
		parse_fill(&f, argc - 3, argv + 3);
		return do_call(argv[1], argv[2], &f);
	}
	if (!strcmp(argv[0], "calls")) {
		int k = 2;

		while (k < argc && strcmp(argv[k], "--") != 0)
			k++;
		if (k < argc)
			parse_fill(&f, argc - k - 1, argv + k + 1);
		return do_calls(argv[1], k - 2, argv + 2, &f);
	}
	if (!strcmp(argv[0], "matrix")) {
		int k = 2;

		while (k < argc && strcmp(argv[k], "--") != 0)
			k++;
		if (k < argc)
			parse_fill(&f, argc - k - 1, argv + k + 1);
		return do_matrix(argv[1], k - 2, argv + 2, &f);
	}
	if (!strcmp(argv[0], "limits")) {
		for (size_t i = 0; i < wire_nlimits; i++)
			printf("%s %u %s\n", wire_limits[i].field, wire_limits[i].max,
			       wire_limits[i].schema);
		return 0;
	}
	if (!strcmp(argv[0], "hold"))
		return do_hold(argc - 1, argv + 1);
	usage();
	return 2;
}
