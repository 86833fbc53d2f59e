/* uvsource.h - libuv's loop driven from GLib's main loop.
 *
 * libpcnclient runs on a libuv loop; GTK runs GLib's. Rather than a second
 * thread (and locks around every model), a GSource watches libuv's backend
 * fd and its next timer, and runs uv_run(UV_RUN_NOWAIT) when either is due,
 * so every libpcnclient callback runs on the GTK thread. It also runs the
 * loop once before GLib sleeps, so that work started from GTK callbacks
 * (connections, requests) is handed to the kernel at once. On Windows libuv
 * has no pollable backend fd (IOCP), so there the source wakes every 5 ms
 * instead; nothing else differs.
 */
#ifndef PCN_UVSOURCE_H
#define PCN_UVSOURCE_H

#include <glib.h>
#include <uv.h>

/* Attaches a source for loop to the default main context; returns it (one
 * reference, held by the context: g_source_destroy to remove it). */
GSource *pcn_uv_source_attach(uv_loop_t *loop);

#endif
