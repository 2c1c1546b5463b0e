/*
 * Telling the service manager what rigbookd is doing (sd_notify(3)): ready
 * once it serves, reloading around SIGHUP, stopping on drain, and a
 * watchdog ping from the event loop, so a loop that stops turning is
 * restarted.  Without libsystemd at build time, or when not started by
 * systemd (no NOTIFY_SOCKET), every call does nothing.
 */
#ifndef RIGBOOK_NOTIFY_H
#define RIGBOOK_NOTIFY_H

struct event_base;

/* Start pinging the watchdog from base's loop when WatchdogSec= asks for
 * it; 0, or -1 when the timer cannot be made. */
int notify_start(struct event_base *base);
void notify_ready(void);
void notify_reloading(void);
void notify_stopping(void);
void notify_stop(void);

#endif
