/*
 * rb-watch: a watcher for the live-event tests that the real client cannot
 * play.
 *
 *   rb-watch --server H:P --ca FILE --token T [--resource CODE] count KIND
 *       reads events until one of kind KIND (or 'dropped') and prints how
 *       many of each kind it got, one "kind count" line each, sorted by kind.
 *   rb-watch ... slow
 *       watches, prints "watching", then reads
 *       nothing until SIGUSR1; then reads until a 'dropped' event and prints
 *       "events N" (N events before it) and "dropped: MESSAGE".
 *   rb-watch ... unwatch
 *       watches, unwatches twice (printing "was_watching 1", "was_watching 0"),
 *       prints "unwatched", waits for SIGUSR1, then sends a Ping and prints
 *       "events N": the events that arrived before the Pong.
 *
 * Exit status 0 when it ends as described, 1 otherwise (no such event within
 * --timeout seconds, the connection closed), 2 on a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

#define MAX_KINDS 32

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	go = 1;
}

static int watch(struct rbc_conn *c, const char *resource)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__WatchRequest wr = RIGBOOK__WATCH_REQUEST__INIT;
	Rigbook__Response *resp;
	char err[256];
	int ok;

	wr.resource_code = (char *)(resource != NULL ? resource : "");
	req.body_case = RIGBOOK__REQUEST__BODY_WATCH;
	req.watch = &wr;
	if (rbc_call(c, &req, &resp, err, sizeof(err)) != 0) {
		fprintf(stderr, "rb-watch: %s\n", err);
		return -1;
	}
	ok = resp->body_case == RIGBOOK__RESPONSE__BODY_WATCH;
	if (!ok)
		fprintf(stderr, "rb-watch: the server refused the watch: %s\n",
			resp->error != NULL && resp->error->message != NULL ? resp->error->message : "?");
	rigbook__response__free_unpacked(resp, NULL);
	return ok ? 0 : -1;
}

/* The next event, or NULL (printed why) when the deadline passes or the stream ends. */
static Rigbook__Response *next_event(struct rbc_conn *c, time_t deadline)
{
	Rigbook__Response *r;
	char err[256];

	for (;;) {
		if (time(NULL) > deadline) {
			fprintf(stderr, "rb-watch: timed out\n");
			return NULL;
		}
		if (rbc_wait(c, 500) == 0)
			continue;
		if (rbc_recv(c, &r, err, sizeof(err)) != 0) {
			fprintf(stderr, "rb-watch: %s\n", err);
			return NULL;
		}
		if (r->id == 0 && r->body_case == RIGBOOK__RESPONSE__BODY_EVENT && r->event != NULL)
			return r;
		if (r->id == 0 && r->body_case == RIGBOOK__RESPONSE__BODY_ERROR) {
			fprintf(stderr, "rb-watch: the server closes the connection\n");
			rigbook__response__free_unpacked(r, NULL);
			return NULL;
		}
		rigbook__response__free_unpacked(r, NULL);
	}
}

static int cmp_kind(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int count_until(struct rbc_conn *c, const char *until, time_t deadline)
{
	char *kinds[MAX_KINDS];
	long counts[MAX_KINDS];
	int nk = 0, done = 0, rc = 1;
	char *order[MAX_KINDS];

	while (!done) {
		Rigbook__Response *r = next_event(c, deadline);
		const char *k;
		int i;

		if (r == NULL)
			break;
		k = r->event->kind;
		for (i = 0; i < nk && strcmp(kinds[i], k) != 0; i++)
			;
		if (i == nk && nk < MAX_KINDS) {
			kinds[nk] = strdup(k);
			counts[nk++] = 0;
		}
		if (i < nk)
			counts[i]++;
		if (strcmp(k, until) == 0 || strcmp(k, "dropped") == 0) {
			done = 1;
			rc = 0;
		}
		rigbook__response__free_unpacked(r, NULL);
	}
	for (int i = 0; i < nk; i++)
		order[i] = kinds[i];
	qsort(order, (size_t)nk, sizeof(order[0]), cmp_kind);
	for (int i = 0; i < nk; i++)
		for (int j = 0; j < nk; j++)
			if (order[i] == kinds[j])
				printf("%s %ld\n", kinds[j], counts[j]);
	for (int i = 0; i < nk; i++)
		free(kinds[i]);
	return rc;
}

static void catch_usr1(sigset_t *old)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, old);
}

static void wait_usr1(const sigset_t *old)
{
	while (!go)
		sigsuspend(old);
	sigprocmask(SIG_SETMASK, old, NULL);
}

static int unwatch(struct rbc_conn *c, const char *resource)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__UnwatchRequest ur = RIGBOOK__UNWATCH_REQUEST__INIT;
	Rigbook__Ping ping = RIGBOOK__PING__INIT;
	Rigbook__Response *r;
	sigset_t old;
	char err[256];
	long n = 0;

	catch_usr1(&old);
	if (watch(c, resource) != 0)
		return 1;
	for (int i = 0; i < 2; i++) {
		req = (Rigbook__Request)RIGBOOK__REQUEST__INIT;
		req.body_case = RIGBOOK__REQUEST__BODY_UNWATCH;
		req.unwatch = &ur;
		if (rbc_call(c, &req, &r, err, sizeof(err)) != 0) {
			fprintf(stderr, "rb-watch: %s\n", err);
			return 1;
		}
		if (r->body_case != RIGBOOK__RESPONSE__BODY_UNWATCH || r->unwatch == NULL) {
			fprintf(stderr, "rb-watch: unwatch was not answered with UnwatchReply\n");
			rigbook__response__free_unpacked(r, NULL);
			return 1;
		}
		printf("was_watching %d\n", r->unwatch->was_watching ? 1 : 0);
		rigbook__response__free_unpacked(r, NULL);
	}
	printf("unwatched\n");
	fflush(stdout);
	wait_usr1(&old);
	req = (Rigbook__Request)RIGBOOK__REQUEST__INIT;
	req.body_case = RIGBOOK__REQUEST__BODY_PING;
	req.ping = &ping;
	if (rbc_send(c, &req, err, sizeof(err)) != 0) {
		fprintf(stderr, "rb-watch: %s\n", err);
		return 1;
	}
	for (;;) {
		if (rbc_recv(c, &r, err, sizeof(err)) != 0) {
			fprintf(stderr, "rb-watch: %s\n", err);
			return 1;
		}
		if (r->body_case == RIGBOOK__RESPONSE__BODY_EVENT)
			n++;
		if (r->id == req.id) {
			rigbook__response__free_unpacked(r, NULL);
			break;
		}
		rigbook__response__free_unpacked(r, NULL);
	}
	printf("events %ld\n", n);
	return 0;
}

static int slow(struct rbc_conn *c, const char *resource, int timeout)
{
	sigset_t old;
	long n = 0;

	catch_usr1(&old);
	if (watch(c, resource) != 0)
		return 1;
	printf("watching\n");
	fflush(stdout);
	wait_usr1(&old);
	for (;;) {
		Rigbook__Response *r = next_event(c, time(NULL) + timeout);

		if (r == NULL)
			return 1;
		if (strcmp(r->event->kind, "dropped") == 0) {
			printf("events %ld\ndropped: %s\n", n, r->event->message);
			rigbook__response__free_unpacked(r, NULL);
			return 0;
		}
		n++;
		rigbook__response__free_unpacked(r, NULL);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "ca", required_argument, NULL, 'c' },
		{ "token", required_argument, NULL, 't' },
		{ "resource", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct rbc_opts o = { 0 };
	struct rbc_conn *c = NULL;
	const char *resource = NULL;
	char err[256];
	int ch, code = 0, timeout = 60, rc;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.server = optarg;
			break;
		case 'c':
			o.ca_file = optarg;
			break;
		case 't':
			o.token = optarg;
			break;
		case 'r':
			resource = optarg;
			break;
		case 'T':
			timeout = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (o.server == NULL || o.token == NULL || optind >= argc ||
	    !(strcmp(argv[optind], "slow") == 0 || strcmp(argv[optind], "unwatch") == 0 ||
	      (strcmp(argv[optind], "count") == 0 && optind + 1 < argc))) {
		fprintf(stderr, "usage: rb-watch --server H:P --ca FILE --token T [--resource CODE] "
				"[--timeout S] count KIND | slow | unwatch\n");
		return 2;
	}
	o.client_name = "rb-watch";
	if (rbc_connect(&o, &c, &code, err, sizeof(err)) != 0) {
		fprintf(stderr, "rb-watch: %s\n", err);
		return 1;
	}
	if (strcmp(argv[optind], "slow") == 0) {
		rc = slow(c, resource, timeout);
	} else if (strcmp(argv[optind], "unwatch") == 0) {
		rc = unwatch(c, resource);
	} else {
		rc = watch(c, resource) != 0 ? 1 : 0;
		if (rc == 0) {
			printf("watching\n");
			fflush(stdout);
			rc = count_until(c, argv[optind + 1], time(NULL) + timeout);
		}
	}
	rbc_close(c);
	return rc;
}
