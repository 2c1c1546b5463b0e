#include "httpd.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int httpd_bind(struct event_base *base, struct evhttp *http, const char *list, const char *key,
	       char *first, size_t firstlen, char *host, size_t hostlen, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int n = 0;

	if (copy == NULL) {
		snprintf(err, errlen, "%s: out of memory", key);
		return -1;
	}
	for (tok = strtok_r(copy, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
		struct sockaddr_storage ss;
		struct evconnlistener *l;
		int sslen = (int)sizeof(ss);

		memset(&ss, 0, sizeof(ss));
		if (evutil_parse_sockaddr_port(tok, (struct sockaddr *)&ss, &sslen) != 0) {
			snprintf(err, errlen, "%s: cannot parse '%s' (want host:port)", key, tok);
			free(copy);
			return -1;
		}
		l = evconnlistener_new_bind(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
					    128, (struct sockaddr *)&ss, sslen);
		if (l == NULL || evhttp_bind_listener(http, l) == NULL) {
			snprintf(err, errlen, "%s: cannot listen on %s: %s", key, tok, strerror(errno));
			if (l != NULL)
				evconnlistener_free(l);
			free(copy);
			return -1;
		}
		if (n++ == 0) {
			if (first != NULL)
				snprintf(first, firstlen, "%s", tok);
			if (host != NULL) {
				const char *colon = strrchr(tok, ':');
				size_t hl = (size_t)(colon - tok);

				if (tok[0] == '[')
					snprintf(host, hostlen, "%.*s", (int)(hl - 2), tok + 1);
				else
					snprintf(host, hostlen, "%.*s", (int)hl, tok);
			}
		}
	}
	free(copy);
	return 0;
}
