/* sdnotify.h - telling systemd (Type=notify) where the server is in its
 * life: ready to serve, reloading, stopping.
 *
 * Each call sends one datagram to $NOTIFY_SOCKET through libsystemd's
 * sd_notify and returns at once; without NOTIFY_SOCKET (not run by
 * systemd) each is a no-op. Loop thread only.
 *
 * The order systemd expects: pcnd_notify_ready once the listener is bound
 * (main.c, after server_start); pcnd_notify_stopping when a stop begins
 * (server_stop); around a SIGHUP reload, pcnd_notify_reloading first and
 * pcnd_notify_ready when the reload is done, whether it worked or not.
 */
#ifndef PCND_SDNOTIFY_H
#define PCND_SDNOTIFY_H

/* READY=1, with a one-line STATUS= for `systemctl status` (may be NULL). */
void pcnd_notify_ready(const char *status);
/* RELOADING=1 with MONOTONIC_USEC=, as systemd 253+ asks of notify-reload. */
void pcnd_notify_reloading(void);
/* STOPPING=1. */
void pcnd_notify_stopping(void);

#endif
