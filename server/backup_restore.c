/* backup_restore.c - restoring from a backup file (format and invariants
 * in backup.h): read the header, check the tag (encrypted files) and the
 * archive's SHA-256 while unpacking into .partial-NAME files, and only when
 * both check out rename them into place, give the store a new epoch and
 * run pcnd_verify. Blocking: the pcnd restore command only.
 */
#include "backup_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "feed.h"
#include "init.h"
#include "store.h"

static int manifest_parse(const char *text, size_t n, backup_manifest *m) {
  json_error_t je;
  json_t *j = json_loadb(text, n, 0, &je);
  if (!j) return -1;
  const char *name = NULL, *id = NULL, *epoch = NULL, *sha = NULL;
  json_int_t schema = 0, head = 0, created = 0, bytes = 0;
  int format = 0, enc = 0;
  int rc = json_unpack(j, "{s:i, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:I, s:b}",
                       "format", &format, "network_name", &name, "network_id",
                       &id, "store_epoch", &epoch, "schema", &schema,
                       "head_seq", &head, "created_ms", &created, "sha256",
                       &sha, "archive_bytes", &bytes, "encrypted", &enc);
  if (!rc && (strlen(sha) != 64 || schema < 0 || head < 0 || bytes < 0))
    rc = -1;
  if (!rc) {
    memset(m, 0, sizeof *m);
    m->format = format;
    snprintf(m->network_name, sizeof m->network_name, "%s", name);
    snprintf(m->network_id, sizeof m->network_id, "%s", id);
    snprintf(m->store_epoch, sizeof m->store_epoch, "%s", epoch);
    snprintf(m->sha256, sizeof m->sha256, "%s", sha);
    m->schema = (uint64_t)schema;
    m->head_seq = (uint64_t)head;
    m->created_ms = created;
    m->archive_bytes = (uint64_t)bytes;
    m->encrypted = enc;
  }
  json_decref(j);
  return rc ? -1 : 0;
}

/* ------------------------------------------------------------ read */

/* The payload coming in: decrypted when cx is set, always hashed. */
typedef struct istream {
  FILE *f;
  EVP_CIPHER_CTX *cx;
  EVP_MD_CTX *md;
  uint64_t left; /* archive bytes not yet read */
} istream;

static int is_get(istream *in, void *p, size_t n) {
  if (n > in->left || fread(p, 1, n, in->f) != n) return -1;
  in->left -= n;
  int outl = (int)n;
  if (in->cx && EVP_DecryptUpdate(in->cx, p, &outl, p, (int)n) != 1) return -1;
  return EVP_DigestUpdate(in->md, p, n) == 1 ? 0 : -1;
}

/* Opens file and reads its header; *hdr (malloc'd) is the authenticated
 * data, *payload_len what follows it. */
static FILE *open_backup(const char *file, backup_manifest *m, uint8_t **hdr,
                         size_t *hlen, uint64_t *payload_len, char *err,
                         size_t errlen) {
  FILE *f = fopen(file, "rb");
  if (!f) {
    BFAIL("Cannot read the backup %s: %s.", file, strerror(errno));
    return NULL;
  }
  uint8_t head[MAGIC_LEN + 4];
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 ||
      fread(head, 1, sizeof head, f) != sizeof head ||
      memcmp(head, MAGIC, MAGIC_LEN) != 0) {
    fclose(f);
    BFAIL("%s is not a PCN Hub backup file (made by pcnd backup).", file);
    return NULL;
  }
  uint32_t mlen = key_get_u32(head + MAGIC_LEN);
  *hlen = sizeof head + mlen;
  *hdr = mlen <= BACKUP_MANIFEST_MAX && (uint64_t)sb.st_size >= *hlen
             ? malloc(*hlen)
             : NULL;
  if (!*hdr || fread(*hdr + sizeof head, 1, mlen, f) != mlen ||
      manifest_parse((char *)*hdr + sizeof head, mlen, m) ||
      m->format != BACKUP_FORMAT) {
    free(*hdr);
    *hdr = NULL;
    fclose(f);
    BFAIL("The manifest of %s is damaged or from an unknown version of "
          "pcnd; it cannot be restored by this one.",
          file);
    return NULL;
  }
  memcpy(*hdr, head, sizeof head);
  *payload_len = (uint64_t)sb.st_size - *hlen;
  return f;
}

int backup_read_manifest(const char *file, backup_manifest *m, char *err,
                         size_t errlen) {
  uint8_t *hdr;
  size_t hlen;
  uint64_t plen;
  FILE *f = open_backup(file, m, &hdr, &hlen, &plen, err, errlen);
  if (!f) return -1;
  free(hdr);
  fclose(f);
  return 0;
}

static int dir_is_empty(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  struct dirent *e;
  int empty = 1;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
  closedir(d);
  return empty;
}

static int pki_index(const char *name) {
  if (!strcmp(name, STORE_FILE)) return (int)N_PKI;
  for (size_t i = 0; i < N_PKI; i++)
    if (!strcmp(name, backup_pki[i].name)) return (int)i;
  return -1;
}

/* Reads every archive entry into dir as .partial-NAME. Returns a bit per
 * file written (bit N_PKI: the store), or -1. */
static int unpack_entries(istream *in, const char *dir, char *err,
                          size_t errlen) {
  int seen = 0;
  uint8_t *buf = malloc(CHUNK);
  char path[4096];
  if (!buf) return BFAIL("Out of memory.");
  while (in->left) {
    uint8_t h[2];
    char name[65];
    uint8_t sz[8];
    if (is_get(in, h, 2)) goto bad;
    size_t nl = (size_t)h[0] << 8 | h[1];
    if (nl == 0 || nl > 64 || is_get(in, name, nl)) goto bad;
    name[nl] = 0;
    int idx = pki_index(name);
    if (idx < 0 || (seen & (1 << idx)) || is_get(in, sz, 8)) goto bad;
    uint64_t size = key_get_u64(sz);
    if (size > in->left) goto bad;
    seen |= 1 << idx;
    snprintf(path, sizeof path, "%s/.partial-%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL,
                  idx == (int)N_PKI ? 0600 : backup_pki[idx].mode);
    if (fd < 0) {
      free(buf);
      return BFAIL("Cannot write %s: %s.", path, strerror(errno));
    }
    int ok = 1;
    while (size && ok) {
      size_t k = size < CHUNK ? (size_t)size : CHUNK;
      ok = is_get(in, buf, k) == 0 && write(fd, buf, k) == (ssize_t)k;
      size -= k;
    }
    if (ok) ok = fsync(fd) == 0;
    close(fd);
    if (!ok) goto bad;
  }
  free(buf);
  return seen;
bad:
  free(buf);
  if (in->cx)
    return BFAIL("The backup does not decrypt: the key is wrong or the file "
                 "was altered; nothing was restored.");
  return BFAIL("The backup's contents are damaged (truncated or altered); "
               "restore from another backup.");
}

static void unlink_partials(const char *dir) {
  char path[4096];
  for (int i = 0; i <= (int)N_PKI; i++) {
    snprintf(path, sizeof path, "%s/.partial-%s", dir,
             i == (int)N_PKI ? STORE_FILE : backup_pki[i].name);
    unlink(path);
  }
}

/* The restored store gets a new epoch; its identity must match the
 * manifest's. */
static int restamp(const char *dir, backup_manifest *m, char *err,
                   size_t errlen) {
  store st;
  if (store_open(&st, dir, backup_map_size(dir), 0, err, errlen)) return -1;
  MDB_txn *txn = NULL;
  int rc = mdb_txn_begin(st.env, NULL, 0, &txn);
  char id[40] = "";
  feed_chain chain = {0};
  uint64_t oldest;
  if (!rc) rc = store_meta_get_str(txn, &st, META_NETWORK_ID, id, sizeof id);
  if (!rc) rc = feed_chain_load(&st, txn, &chain, &oldest);
  if (!rc) rc = store_new_epoch(txn, &st);
  if (!rc)
    rc = mdb_txn_commit(txn);
  else if (txn)
    mdb_txn_abort(txn);
  snprintf(m->store_epoch, sizeof m->store_epoch, "%s", st.epoch);
  store_close(&st);
  if (rc)
    return BFAIL("Could not give the restored store a new epoch: %s.",
                 rc == -1 ? "no randomness" : mdb_strerror(rc));
  if (strcmp(id, m->network_id) || chain.head_seq != m->head_seq)
    return BFAIL("The restored store is not the one the manifest describes "
                 "(network %s, head %llu); restore from another backup.",
                 m->network_id, (unsigned long long)m->head_seq);
  return 0;
}

int backup_restore(const char *file, const char *data_dir, const uint8_t *key,
                   backup_manifest *m, char *err, size_t errlen) {
  struct stat sb;
  int made_dir = 0;
  if (stat(data_dir, &sb) == 0) {
    if (!S_ISDIR(sb.st_mode) || dir_is_empty(data_dir) != 1)
      return BFAIL("%s is not an empty directory (a server may be using "
                   "it); restore into a new or empty directory.",
                   data_dir);
  } else if (mkdir(data_dir, 0700) == 0) {
    made_dir = 1;
  } else {
    return BFAIL("Cannot create %s: %s.", data_dir, strerror(errno));
  }
  uint8_t *hdr = NULL;
  size_t hlen = 0;
  uint64_t plen = 0;
  istream in = {0};
  int rc = -1;
  in.f = open_backup(file, m, &hdr, &hlen, &plen, err, errlen);
  if (!in.f) goto fail_dir;
  if (m->encrypted && !key) {
    BFAIL("This backup is encrypted; give its key with --encrypt-key FILE.");
    goto fail_file;
  }
  if (!m->encrypted && key) {
    BFAIL("This backup is not encrypted; run the restore without "
          "--encrypt-key.");
    goto fail_file;
  }
  uint64_t extra = m->encrypted ? NONCE_LEN + TAG_LEN : 0;
  if (plen != m->archive_bytes + extra) {
    BFAIL("The backup %s is %s; restore from another backup.", file,
          plen < m->archive_bytes + extra ? "truncated"
                                          : "longer than its "
                                            "manifest says");
    goto fail_file;
  }
  in.left = m->archive_bytes;
  if (!(in.md = EVP_MD_CTX_new()) ||
      EVP_DigestInit_ex(in.md, EVP_sha256(), NULL) != 1) {
    BFAIL("Out of memory.");
    goto fail_file;
  }
  if (key) {
    uint8_t nonce[NONCE_LEN];
    int outl;
    if (fread(nonce, 1, NONCE_LEN, in.f) != NONCE_LEN ||
        !(in.cx = EVP_CIPHER_CTX_new()) ||
        EVP_DecryptInit_ex(in.cx, EVP_aes_256_gcm(), NULL, key, nonce) != 1 ||
        EVP_DecryptUpdate(in.cx, NULL, &outl, hdr, (int)hlen) != 1) {
      BFAIL("Could not start decrypting %s.", file);
      goto fail_file;
    }
  }
  int seen = unpack_entries(&in, data_dir, err, errlen);
  if (seen < 0) goto fail_partial;
  if (key) {
    uint8_t tag[TAG_LEN], tail[16];
    int outl;
    if (fread(tag, 1, TAG_LEN, in.f) != TAG_LEN ||
        EVP_CIPHER_CTX_ctrl(in.cx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1 ||
        EVP_DecryptFinal_ex(in.cx, tail, &outl) != 1) {
      BFAIL("The backup's authentication tag does not verify: the key is "
            "wrong or the file was altered; nothing was restored.");
      goto fail_partial;
    }
  }
  uint8_t d[32];
  unsigned dl = 0;
  char hex[65];
  if (EVP_DigestFinal_ex(in.md, d, &dl) != 1 || dl != 32) goto fail_partial;
  backup_hex(d, 32, hex);
  if (strcmp(hex, m->sha256)) {
    BFAIL("The backup's SHA-256 does not match its manifest: the file is "
          "damaged; nothing was restored.");
    goto fail_partial;
  }
  if (!(seen & (1 << N_PKI))) {
    BFAIL("The backup holds no store; restore from another backup.");
    goto fail_partial;
  }
  /* Everything checked out: into place, durably. */
  char from[4096], to[4096];
  for (int i = 0; i <= (int)N_PKI; i++) {
    if (!(seen & (1 << i))) continue;
    const char *name = i == (int)N_PKI ? STORE_FILE : backup_pki[i].name;
    snprintf(from, sizeof from, "%s/.partial-%s", data_dir, name);
    snprintf(to, sizeof to, "%s/%s", data_dir, name);
    if (rename(from, to) != 0) {
      BFAIL("Could not move %s into place: %s.", to, strerror(errno));
      goto fail_partial;
    }
  }
  snprintf(to, sizeof to, "%s/.", data_dir);
  if (backup_fsync_dir(to) != 0) {
    BFAIL("Could not make the restored files durable: %s.", strerror(errno));
    goto fail_file;
  }
  if (restamp(data_dir, m, err, errlen)) goto fail_file;
  char verr[512];
  if (pcnd_verify(data_dir, -1, verr, sizeof verr)) {
    BFAIL("The restored store in %s failed verification (%s); do not serve "
          "it: restore from another backup.",
          data_dir, verr);
    goto fail_file;
  }
  rc = 0;
  goto fail_file;

fail_partial:
  unlink_partials(data_dir);
fail_file:
  EVP_CIPHER_CTX_free(in.cx);
  EVP_MD_CTX_free(in.md);
  free(hdr);
  if (in.f) fclose(in.f);
fail_dir:
  if (rc && made_dir && dir_is_empty(data_dir) == 1) rmdir(data_dir);
  return rc;
}
