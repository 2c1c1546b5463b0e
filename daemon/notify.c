#include "notify.h"

#include <event2/event.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

static struct event *watchdog;

static void watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

int notify_start(struct event_base *base)
{
	uint64_t usec = 0;
	struct timeval tv;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	/* ping at half the interval, as sd_watchdog_enabled(3) advises */
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	watchdog = event_new(base, -1, EV_PERSIST, watchdog_cb, NULL);
	if (watchdog == NULL || event_add(watchdog, &tv) != 0)
		return -1;
	log_info("pinging the service manager's watchdog every %ld.%03ld s", (long)tv.tv_sec,
		 (long)(tv.tv_usec / 1000));
	return 0;
}

void notify_ready(void)
{
	sd_notify(0, "READY=1\nSTATUS=serving");
}

/* RELOADING=1 carries the monotonic time since systemd 253; older ones
 * ignore the field. */
void notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000);
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=draining");
}

void notify_stop(void)
{
	if (watchdog != NULL)
		event_free(watchdog);
	watchdog = NULL;
}

#else

int notify_start(struct event_base *base)
{
	(void)base;
	return 0;
}

void notify_ready(void)
{
}

void notify_reloading(void)
{
}

void notify_stopping(void)
{
}

void notify_stop(void)
{
}

#endif
