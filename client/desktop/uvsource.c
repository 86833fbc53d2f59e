/* uvsource.c - see uvsource.h. */
#include "uvsource.h"

typedef struct uv_gsource {
  GSource base;
  uv_loop_t *loop;
  gpointer tag; /* the backend fd's poll record (Unix) */
} uv_gsource;

/* Runs libuv once before every GLib sleep. Work started from GTK
 * callbacks (a new connection, a request and the uv_prepare that flushes
 * it) only reaches epoll, or the socket, inside uv_run: uv_backend_fd and
 * uv_backend_timeout do not see it. Without this a request made from a
 * button could wait for the next unrelated wake-up. uv_run(NOWAIT) costs
 * an epoll_wait(0) when there is nothing to do. */
static gboolean uvs_prepare(GSource *s, gint *timeout) {
  uv_gsource *u = (uv_gsource *)s;
  uv_run(u->loop, UV_RUN_NOWAIT);
  uv_update_time(u->loop);
  /* A loop with nothing in it reports timeout 0 ("run me, I will return
   * at once"); for GLib that would be a busy loop. Nothing to do: sleep. */
  int t = uv_loop_alive(u->loop) ? uv_backend_timeout(u->loop) : -1;
#ifdef G_OS_WIN32
  if (t < 0 || t > 5) t = 5;
#endif
  *timeout = t;
  return t == 0;
}

static gboolean uvs_check(GSource *s) {
  uv_gsource *u = (uv_gsource *)s;
#ifdef G_OS_UNIX
  if (g_source_query_unix_fd(s, u->tag) & G_IO_IN) return TRUE;
#endif
  uv_update_time(u->loop);
  return uv_loop_alive(u->loop) && uv_backend_timeout(u->loop) == 0;
}

static gboolean uvs_dispatch(GSource *s, GSourceFunc cb, gpointer ud) {
  (void)cb;
  (void)ud;
  uv_gsource *u = (uv_gsource *)s;
  uv_run(u->loop, UV_RUN_NOWAIT);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs uvs_funcs = {uvs_prepare, uvs_check, uvs_dispatch,
                                 NULL,        NULL,      NULL};

GSource *pcn_uv_source_attach(uv_loop_t *loop) {
  GSource *s = g_source_new(&uvs_funcs, sizeof(uv_gsource));
  uv_gsource *u = (uv_gsource *)s;
  u->loop = loop;
#ifdef G_OS_UNIX
  u->tag = g_source_add_unix_fd(s, uv_backend_fd(loop), G_IO_IN);
#endif
  g_source_set_name(s, "libuv");
  g_source_attach(s, NULL);
  g_source_unref(s); /* the context holds it */
  return s;
}
