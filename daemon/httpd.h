/*
 * The HTTP listeners beside the protocol's (metrics_listen, feed_listen):
 * an evhttp bound to every address of a comma-separated host:port list,
 * parsed as the protocol's listen addresses are (IPv6 as [::1]:port).
 */
#ifndef RIGBOOK_HTTPD_H
#define RIGBOOK_HTTPD_H

#include <stddef.h>

struct event_base;
struct evhttp;

/*
 * Bind http to each address of list.  key names the configuration key in
 * messages.  The first address as given goes to first (firstlen bytes),
 * its host part to host (hostlen bytes); either may be NULL.  0, or -1
 * with err filled.
 */
int httpd_bind(struct event_base *base, struct evhttp *http, const char *list, const char *key,
	       char *first, size_t firstlen, char *host, size_t hostlen, char *err, size_t errlen);

#endif
