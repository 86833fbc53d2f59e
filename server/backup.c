/* backup.c - taking a backup file (format and invariants in backup.h),
 * key files, and the helpers backup_restore.c shares (backup_priv.h).
 * Blocking: commands and the threadpool only.
 *
 * Taking: mdb_env_copy2 (compacting) into a private directory beside the
 * output, pcnd_verify on that copy, the manifest read from the copy itself
 * (so it describes exactly what is inside), then the file is written to
 * OUT.partial-PID, fsynced, renamed over OUT, and the directory fsynced.
 * The archive is streamed twice, once to hash it for the manifest and once
 * to write it; the PKI files are read into memory once, so both passes see
 * the same bytes.
 */
#include "backup_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "clock.h"
#include "feed.h"
#include "init.h"
#include "store.h"

#define PKI_MAX (1u << 20)

const backup_pki_file backup_pki[N_PKI] = {
    {"ca.pem", 0644, 1},
    {"ca.key", 0600, 0},
    {"server.pem", 0644, 1},
    {"server.key", 0600, 1},
};

int backup_fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* ------------------------------------------------------------ keys */

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int backup_key_load(const char *path, uint8_t key[BACKUP_KEY_BYTES], char *err,
                    size_t errlen) {
  FILE *f = fopen(path, "r");
  if (!f)
    return BFAIL("Cannot read the key file %s: %s; make one with `pcnd "
                 "backup --new-key %s`.",
                 path, strerror(errno), path);
  struct stat sb;
  if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077)) {
    fclose(f);
    return BFAIL("The key file %s can be read by others; run `chmod 600 "
                 "%s` first.",
                 path, path);
  }
  char text[256];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  size_t got = 0;
  for (size_t i = 0; text[i]; i++) {
    if (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
      continue;
    int hi = hexval(text[i]), lo = text[i + 1] ? hexval(text[i + 1]) : -1;
    if (hi < 0 || lo < 0 || got == BACKUP_KEY_BYTES) {
      got = 0;
      break;
    }
    key[got++] = (uint8_t)(hi << 4 | lo);
    i++;
  }
  if (got != BACKUP_KEY_BYTES)
    return BFAIL("The key file %s does not hold 64 hex digits; make a key "
                 "with `pcnd backup --new-key FILE`.",
                 path);
  return 0;
}

int backup_key_new(const char *path, char *err, size_t errlen) {
  uint8_t key[BACKUP_KEY_BYTES];
  if (RAND_bytes(key, sizeof key) != 1)
    return BFAIL("The system gave no randomness for a key; try again.");
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return BFAIL("Cannot create the key file %s: %s; name a file that does "
                 "not exist yet.",
                 path, strerror(errno));
  char hex[2 * BACKUP_KEY_BYTES + 2];
  for (size_t i = 0; i < sizeof key; i++)
    snprintf(hex + 2 * i, 3, "%02x", key[i]);
  hex[2 * BACKUP_KEY_BYTES] = '\n';
  hex[2 * BACKUP_KEY_BYTES + 1] = 0;
  OPENSSL_cleanse(key, sizeof key);
  int ok = write(fd, hex, sizeof hex - 1) == (ssize_t)(sizeof hex - 1) &&
           fsync(fd) == 0;
  OPENSSL_cleanse(hex, sizeof hex);
  if (close(fd) != 0) ok = 0;
  if (!ok) {
    unlink(path);
    return BFAIL("Could not write the key file %s; check the disk.", path);
  }
  return 0;
}

/* ------------------------------------------------------------ manifest */

static char *manifest_json(const backup_manifest *m) {
  json_t *j = json_pack(
      "{s:i, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:I, s:b, s:s}", "format",
      m->format, "network_name", m->network_name, "network_id", m->network_id,
      "store_epoch", m->store_epoch, "schema", (json_int_t)m->schema,
      "head_seq", (json_int_t)m->head_seq, "created_ms",
      (json_int_t)m->created_ms, "sha256", m->sha256, "archive_bytes",
      (json_int_t)m->archive_bytes, "encrypted", m->encrypted, "cipher",
      m->encrypted ? "AES-256-GCM" : "none");
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(j);
  return s;
}

/* ------------------------------------------------------------ copies */

size_t backup_map_size(const char *dir) {
  char path[4200];
  struct stat sb;
  size_t map = 64u << 20;
  snprintf(path, sizeof path, "%s/" STORE_FILE, dir);
  if (stat(path, &sb) == 0) map += (size_t)sb.st_size;
  return map;
}

/* Reads what the copy in dir says about itself. */
static int manifest_from_store(const char *dir, backup_manifest *m, char *err,
                               size_t errlen) {
  store st;
  if (store_open(&st, dir, backup_map_size(dir), 0, err, errlen)) return -1;
  MDB_txn *txn;
  int rc = mdb_txn_begin(st.env, NULL, MDB_RDONLY, &txn);
  if (!rc) {
    feed_chain chain;
    uint64_t oldest;
    rc = store_meta_get_str(txn, &st, META_NETWORK_NAME, m->network_name,
                            sizeof m->network_name);
    if (!rc)
      rc = store_meta_get_str(txn, &st, META_NETWORK_ID, m->network_id,
                              sizeof m->network_id);
    if (!rc) rc = store_meta_get_u64(txn, &st, META_SCHEMA, &m->schema);
    if (!rc) rc = feed_chain_load(&st, txn, &chain, &oldest);
    if (!rc) m->head_seq = chain.head_seq;
    mdb_txn_abort(txn);
  }
  snprintf(m->store_epoch, sizeof m->store_epoch, "%s", st.epoch);
  store_close(&st);
  if (rc)
    return BFAIL("Could not read the network's identity from the copy: %s.",
                 mdb_strerror(rc));
  return 0;
}

/* ------------------------------------------------------------ streams */

/* The archive going out: hashed always, encrypted when cx is set, written
 * when f is set. */
typedef struct ostream {
  FILE *f;
  EVP_CIPHER_CTX *cx;
  EVP_MD_CTX *md;
  uint64_t n;
  int failed;
  uint8_t buf[CHUNK];
} ostream;

static void os_put(ostream *o, const void *p, size_t n) {
  const uint8_t *in = p;
  if (o->failed) return;
  o->n += n;
  if (EVP_DigestUpdate(o->md, in, n) != 1) o->failed = 1;
  while (n && o->f && !o->failed) {
    size_t k = n < CHUNK ? n : CHUNK;
    const uint8_t *out = in;
    int outl = (int)k;
    if (o->cx) {
      if (EVP_EncryptUpdate(o->cx, o->buf, &outl, in, (int)k) != 1)
        o->failed = 1;
      out = o->buf;
    }
    if (!o->failed && fwrite(out, 1, (size_t)outl, o->f) != (size_t)outl)
      o->failed = 1;
    in += k;
    n -= k;
  }
}

static void os_entry_head(ostream *o, const char *name, uint64_t size) {
  uint8_t h[2 + 64 + 8];
  size_t nl = strlen(name);
  h[0] = (uint8_t)(nl >> 8);
  h[1] = (uint8_t)nl;
  memcpy(h + 2, name, nl);
  key_u64(h + 2 + nl, size);
  os_put(o, h, 2 + nl + 8);
}

typedef struct pki_blob {
  uint8_t *data;
  size_t len;
  int present;
} pki_blob;

static int read_small(const char *path, pki_blob *b) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  b->data = malloc(PKI_MAX);
  b->len = b->data ? fread(b->data, 1, PKI_MAX, f) : 0;
  int bad = !b->data || ferror(f) || b->len == PKI_MAX;
  fclose(f);
  if (bad) return -1;
  b->present = 1;
  return 0;
}

/* Streams the whole archive through o: the store copy, then the PKI. */
static int os_archive(ostream *o, const char *store_path, uint64_t store_len,
                      const pki_blob *pki) {
  FILE *f = fopen(store_path, "rb");
  if (!f) return -1;
  os_entry_head(o, STORE_FILE, store_len);
  uint8_t *buf = malloc(CHUNK);
  uint64_t left = store_len;
  while (buf && left && !o->failed) {
    size_t k = fread(buf, 1, left < CHUNK ? (size_t)left : CHUNK, f);
    if (!k) break;
    os_put(o, buf, k);
    left -= k;
  }
  free(buf);
  fclose(f);
  if (left) return -1;
  for (size_t i = 0; i < N_PKI; i++) {
    if (!pki[i].present) continue;
    os_entry_head(o, backup_pki[i].name, pki[i].len);
    os_put(o, pki[i].data, pki[i].len);
  }
  return o->failed ? -1 : 0;
}

void backup_hex(const uint8_t *p, size_t n, char *out) {
  for (size_t i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void header_bytes(const char *manifest, uint8_t **out, size_t *len) {
  size_t m = strlen(manifest);
  *len = MAGIC_LEN + 4 + m;
  *out = malloc(*len);
  if (!*out) return;
  memcpy(*out, MAGIC, MAGIC_LEN);
  key_u32(*out + MAGIC_LEN, (uint32_t)m);
  memcpy(*out + MAGIC_LEN + 4, manifest, m);
}

int backup_fsync_dir(const char *path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == dir)
    dir[1] = 0;
  else if (slash)
    *slash = 0;
  else
    snprintf(dir, sizeof dir, ".");
  int fd = open(dir, O_RDONLY);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static void remove_tree_flat(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char p[4096];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p)
      unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* ------------------------------------------------------------ take */

/* Writes the file: header, then the archive (encrypted when key). */
static int write_file(const char *tmp, const char *manifest, const uint8_t *key,
                      const char *store_path, uint64_t store_len,
                      const pki_blob *pki, char *err, size_t errlen) {
  int rc = -1;
  uint8_t *hdr = NULL;
  size_t hlen = 0;
  ostream *o = calloc(1, sizeof *o);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (!f) {
    if (fd >= 0) close(fd);
    free(o);
    return BFAIL("Cannot create %s: %s; check that the directory exists and "
                 "is writable.",
                 tmp, strerror(errno));
  }
  header_bytes(manifest, &hdr, &hlen);
  if (!o || !hdr || !(o->md = EVP_MD_CTX_new()) ||
      EVP_DigestInit_ex(o->md, EVP_sha256(), NULL) != 1)
    goto fail;
  o->f = f;
  if (fwrite(hdr, 1, hlen, f) != hlen) goto fail;
  if (key) {
    uint8_t nonce[NONCE_LEN];
    int outl;
    if (RAND_bytes(nonce, sizeof nonce) != 1 ||
        !(o->cx = EVP_CIPHER_CTX_new()) ||
        EVP_EncryptInit_ex(o->cx, EVP_aes_256_gcm(), NULL, key, nonce) != 1 ||
        EVP_EncryptUpdate(o->cx, NULL, &outl, hdr, (int)hlen) != 1 ||
        fwrite(nonce, 1, sizeof nonce, f) != sizeof nonce)
      goto fail;
  }
  if (os_archive(o, store_path, store_len, pki)) goto fail;
  if (key) {
    uint8_t tag[TAG_LEN];
    int outl;
    if (EVP_EncryptFinal_ex(o->cx, o->buf, &outl) != 1 || outl != 0 ||
        EVP_CIPHER_CTX_ctrl(o->cx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1 ||
        fwrite(tag, 1, TAG_LEN, f) != TAG_LEN)
      goto fail;
  }
  if (fflush(f) != 0 || fsync(fileno(f)) != 0) goto fail;
  rc = 0;
fail:
  if (fclose(f) != 0) rc = -1;
  if (rc) {
    unlink(tmp);
    snprintf(err, errlen,
             "Could not write the backup file %s: %s; check the disk's free "
             "space.",
             tmp, strerror(errno ? errno : EIO));
  }
  if (o) {
    EVP_CIPHER_CTX_free(o->cx);
    EVP_MD_CTX_free(o->md);
  }
  free(o);
  free(hdr);
  return rc;
}

int backup_take(MDB_env *env, pthread_rwlock_t *map_lock, const char *data_dir,
                const char *out, const uint8_t *key, backup_manifest *m,
                char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  m->format = BACKUP_FORMAT;
  m->encrypted = key != NULL;
  pki_blob pki[N_PKI];
  memset(pki, 0, sizeof pki);
  char tmpdir[4096], path[4096], tmpfile[4200];
  char *manifest = NULL;
  int rc = -1;

  for (size_t i = 0; i < N_PKI; i++) {
    snprintf(path, sizeof path, "%s/%s", data_dir, backup_pki[i].name);
    if (read_small(path, &pki[i]) && backup_pki[i].required) {
      BFAIL("Cannot read %s, which a restored server needs; check that %s "
            "is the directory made by pcnd init.",
            path, data_dir);
      goto fail_pki;
    }
  }
  /* The copy lives beside the output, so it is on the same disk. */
  snprintf(tmpdir, sizeof tmpdir, "%s", out);
  char *slash = strrchr(tmpdir, '/');
  if (slash)
    snprintf(slash + 1, sizeof tmpdir - (size_t)(slash + 1 - tmpdir),
             ".pcnbak-XXXXXX");
  else
    snprintf(tmpdir, sizeof tmpdir, ".pcnbak-XXXXXX");
  if (!mkdtemp(tmpdir)) {
    BFAIL("Cannot make a working directory beside %s: %s; check that its "
          "directory exists and is writable.",
          out, strerror(errno));
    goto fail_pki;
  }
  if (map_lock) pthread_rwlock_rdlock(map_lock);
  int mrc = mdb_env_copy2(env, tmpdir, MDB_CP_COMPACT);
  if (map_lock) pthread_rwlock_unlock(map_lock);
  if (mrc == MDB_MAP_RESIZED && !map_lock) {
    /* Another process (the server) grew the map since we opened it. */
    char stale[4200];
    snprintf(stale, sizeof stale, "%s/" STORE_FILE, tmpdir);
    unlink(stale);
    mrc = mdb_env_set_mapsize(env, 0);
    if (!mrc) mrc = mdb_env_copy2(env, tmpdir, MDB_CP_COMPACT);
  }
  if (mrc) {
    BFAIL("Could not copy the store: %s; check the free space beside %s.",
          mdb_strerror(mrc), out);
    goto fail_tmp;
  }
  if (manifest_from_store(tmpdir, m, err, errlen)) goto fail_tmp;
  char verr[512];
  if (pcnd_verify(tmpdir, -1, verr, sizeof verr)) {
    BFAIL("The copy failed verification (%s); the store itself may be "
          "damaged: run `pcnd verify --data %s`.",
          verr, data_dir);
    goto fail_tmp;
  }
  struct stat sb;
  if (snprintf(path, sizeof path, "%s/" STORE_FILE, tmpdir) >=
          (int)sizeof path ||
      stat(path, &sb) != 0) {
    BFAIL("The store copy vanished from %s.", tmpdir);
    goto fail_tmp;
  }

  /* Pass 1: the archive's hash and length, for the manifest. */
  ostream *h = calloc(1, sizeof *h);
  int hrc = -1;
  if (h && (h->md = EVP_MD_CTX_new()) &&
      EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) == 1 &&
      os_archive(h, path, (uint64_t)sb.st_size, pki) == 0) {
    uint8_t d[32];
    unsigned dl = 0;
    if (EVP_DigestFinal_ex(h->md, d, &dl) == 1 && dl == 32) {
      backup_hex(d, 32, m->sha256);
      m->archive_bytes = h->n;
      hrc = 0;
    }
  }
  if (h) EVP_MD_CTX_free(h->md);
  free(h);
  if (hrc) {
    BFAIL("Could not read the store copy in %s.", tmpdir);
    goto fail_tmp;
  }
  m->created_ms = pcn_now_ms();
  manifest = manifest_json(m);
  if (!manifest) {
    BFAIL("Out of memory.");
    goto fail_tmp;
  }

  /* Pass 2: the file itself, then into place. */
  snprintf(tmpfile, sizeof tmpfile, "%s.partial-%ld", out, (long)getpid());
  if (write_file(tmpfile, manifest, key, path, (uint64_t)sb.st_size, pki, err,
                 errlen))
    goto fail_tmp;
  if (rename(tmpfile, out) != 0) {
    BFAIL("Could not move the backup into place as %s: %s.", out,
          strerror(errno));
    unlink(tmpfile);
    goto fail_tmp;
  }
  if (backup_fsync_dir(out) != 0) {
    BFAIL("Could not make the backup %s durable: %s.", out, strerror(errno));
    goto fail_tmp;
  }
  rc = 0;

fail_tmp:
  remove_tree_flat(tmpdir);
fail_pki:
  for (size_t i = 0; i < N_PKI; i++)
    free(pki[i].data);
  free(manifest);
  return rc;
}

/* ------------------------------------------------------------ output */

void backup_print(const backup_manifest *m, const char *what, const char *file,
                  uint64_t file_bytes, int json) {
  char when[32] = "?";
  time_t t = (time_t)(m->created_ms / 1000);
  struct tm tm;
  if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (json) {
    json_t *j = json_pack(
        "{s:b, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:b}", "ok", 1,
        "action", what, "file", file, "file_bytes", (json_int_t)file_bytes,
        "network_name", m->network_name, "network_id", m->network_id,
        "store_epoch", m->store_epoch, "schema", (json_int_t)m->schema,
        "head_seq", (json_int_t)m->head_seq, "created_at", when, "sha256",
        m->sha256, "encrypted", m->encrypted);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s) puts(s);
    free(s);
    json_decref(j);
    return;
  }
  if (!strcmp(what, "restore"))
    printf("Restored network \"%s\" from %s (taken %s, feed head #%llu, "
           "schema %llu%s); verified; new store epoch %s.\n",
           m->network_name, file, when, (unsigned long long)m->head_seq,
           (unsigned long long)m->schema, m->encrypted ? ", encrypted" : "",
           m->store_epoch);
  else
    printf("Backed up network \"%s\" to %s: %llu bytes%s, feed head #%llu, "
           "schema %llu, verified; SHA-256 %.16s...\n",
           m->network_name, file, (unsigned long long)file_bytes,
           m->encrypted ? " (AES-256-GCM)" : "",
           (unsigned long long)m->head_seq, (unsigned long long)m->schema,
           m->sha256);
}

int backup_parse_duration(const char *s, uint32_t *secs) {
  char *end;
  errno = 0;
  unsigned long v = *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : 0;
  if (!v || errno || !*end || end[1]) return -1;
  unsigned long mul = *end == 's'   ? 1
                      : *end == 'm' ? 60
                      : *end == 'h' ? 3600
                      : *end == 'd' ? 86400
                                    : 0;
  if (!mul || v > 365ul * 86400 / mul) return -1;
  *secs = (uint32_t)(v * mul);
  return 0;
}
