/* config.c - reading and writing the client's configuration (config.h).
 * The platform differences are here only: where it lives (pcn_config_dir:
 * %APPDATA%\pcn on Windows), and making a private directory and file
 * (private_mkdir, private_write: mode 0600 on POSIX, the user's own
 * profile on Windows; the file reaches the disk before it replaces the old
 * one, by rename on POSIX, MoveFileEx on Windows, whose rename does not
 * replace).
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <direct.h>
#include <io.h>
#include <windows.h>
#define PCN_SEP "\\"
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#define PCN_SEP "/"
#endif

int pcn_config_dir(char *out, size_t n) {
  const char *xdg = getenv("XDG_CONFIG_HOME");
#ifdef _WIN32
  if (!xdg || !*xdg) xdg = getenv("APPDATA");
  if (xdg && *xdg) return snprintf(out, n, "%s\\pcn", xdg) < (int)n ? 0 : -1;
#else
  if (xdg && *xdg) return snprintf(out, n, "%s/pcn", xdg) < (int)n ? 0 : -1;
  const char *home = getenv("HOME");
  if (home && *home)
    return snprintf(out, n, "%s/.config/pcn", home) < (int)n ? 0 : -1;
#endif
  return -1;
}

static int private_mkdir(const char *path) {
#ifdef _WIN32
  return _mkdir(path) == 0 || errno == EEXIST ? 0 : -1;
#else
  /* Make parents too ($HOME/.config may not exist yet). */
  char tmp[1024];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  return mkdir(tmp, 0700) == 0 || errno == EEXIST ? 0 : -1;
#endif
}

/* Writes data to path through a private temporary file and a rename. */
static int private_write(const char *path, const char *data, char *err,
                         size_t errlen) {
  char tmp[1100];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
#ifdef _WIN32
  FILE *f = fopen(tmp, "wb");
#else
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
#endif
  if (!f) {
    snprintf(err, errlen, "Cannot write %s: %s.", tmp, strerror(errno));
    return -1;
  }
  size_t n = strlen(data);
  int ok = fwrite(data, 1, n, f) == n && fflush(f) == 0;
#ifdef _WIN32
  ok = ok && _commit(_fileno(f)) == 0;
#else
  ok = ok && fsync(fileno(f)) == 0;
#endif
  ok = fclose(f) == 0 && ok;
#ifdef _WIN32
  if (ok && !MoveFileExA(tmp, path,
                         MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    ok = 0;
    errno = EACCES;
  }
  if (!ok) {
#else
  if (!ok || rename(tmp, path) != 0) {
#endif
    snprintf(err, errlen, "Cannot write %s: %s.", path, strerror(errno));
    remove(tmp);
    return -1;
  }
  return 0;
}

static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t r;
  while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (n + 1 == cap) {
      char *bigger = cap < (1u << 20) ? realloc(buf, cap * 2) : NULL;
      if (!bigger) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) buf[n] = 0;
  return buf;
}

static void copy_field(json_t *o, const char *key, char *out, size_t n) {
  const char *v = json_string_value(json_object_get(o, key));
  snprintf(out, n, "%s", v ? v : "");
}

int pcn_config_load(pcn_config *c, char *err, size_t errlen) {
  memset(c, 0, sizeof *c);
  char dir[1024], path[1100];
  if (pcn_config_dir(dir, sizeof dir)) {
    snprintf(err, errlen,
             "Set HOME or XDG_CONFIG_HOME so pcn knows where "
             "to keep its configuration.");
    return -1;
  }
  snprintf(path, sizeof path, "%s" PCN_SEP "config.json", dir);
  json_error_t je;
  json_t *o = json_load_file(path, 0, &je);
  if (!o) {
    FILE *f = fopen(path, "rb");
    if (!f) return 1; /* not configured yet */
    fclose(f);
    snprintf(err, errlen,
             "%s is damaged (%s); run pcn join or pcn login "
             "again.",
             path, je.text);
    return -1;
  }
  copy_field(o, "server", c->server, sizeof c->server);
  copy_field(o, "network_name", c->network_name, sizeof c->network_name);
  copy_field(o, "network_id", c->network_id, sizeof c->network_id);
  copy_field(o, "username", c->username, sizeof c->username);
  copy_field(o, "token", c->token, sizeof c->token);
  json_decref(o);
  snprintf(path, sizeof path, "%s" PCN_SEP "ca.pem", dir);
  c->ca_pem = read_all(path);
  return 0;
}

int pcn_config_save(const pcn_config *c, char *err, size_t errlen) {
  char dir[1024], path[1100];
  if (pcn_config_dir(dir, sizeof dir) || private_mkdir(dir)) {
    snprintf(err, errlen, "Cannot create the configuration directory %s.", dir);
    return -1;
  }
  json_t *o =
      json_pack("{s:s, s:s, s:s, s:s, s:s}", "server", c->server,
                "network_name", c->network_name, "network_id", c->network_id,
                "username", c->username, "token", c->token);
  char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
  json_decref(o);
  if (!text) {
    snprintf(err, errlen, "Out of memory.");
    return -1;
  }
  snprintf(path, sizeof path, "%s" PCN_SEP "config.json", dir);
  int rc = private_write(path, text, err, errlen);
  free(text);
  if (rc == 0 && c->ca_pem) {
    snprintf(path, sizeof path, "%s" PCN_SEP "ca.pem", dir);
    rc = private_write(path, c->ca_pem, err, errlen);
  }
  return rc;
}

void pcn_config_free(pcn_config *c) {
  free(c->ca_pem);
  c->ca_pem = NULL;
}
