/* frame.c - the wire framing and the Frame codec (see frame.h).
 *
 * Owns: r->pending, the bytes of at most one incomplete frame (header
 * included). Invariants:
 * - r->want is 0 until the 4 header bytes are in; then it is the body
 *   length, already checked to be 1..r->max;
 * - nothing is allocated for a body before its length passed that check, and
 *   then exactly header + body is reserved, once;
 * - a frame that arrives whole inside one feed is handed to the callback in
 *   place, straight from the caller's bytes: only a frame split across feeds
 *   is copied into pending.
 * The callback must not feed or free the reader it is called from.
 */
#include "frame.h"

#include <stdint.h>
#include <string.h>

/* A pending buffer grown past this for one big frame is given back once the
 * frame is done, so an idle connection does not hold a megabyte. */
#define FRAME_KEEP_CAP (64u * 1024u)

void pcn_frame_reader_init(pcn_frame_reader *r, uint32_t max) {
  pcn_buf_init(&r->pending);
  r->max = max ? max : PCN_FRAME_MAX_DEFAULT;
  r->want = 0;
}

void pcn_frame_reader_free(pcn_frame_reader *r) {
  pcn_buf_free(&r->pending);
  r->want = 0;
}

int pcn_frame_reader_idle(const pcn_frame_reader *r) {
  return r->pending.len == 0;
}

static uint32_t frame_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

static int frame_check_len(const pcn_frame_reader *r, uint32_t n) {
  if (n == 0) return PCN_FRAME_ERR_EMPTY;
  if (n > r->max) return PCN_FRAME_ERR_TOO_BIG;
  return PCN_FRAME_OK;
}

/* Forgets the completed frame in pending, releasing a large buffer. */
static void frame_pending_clear(pcn_frame_reader *r) {
  r->want = 0;
  if (r->pending.cap > FRAME_KEEP_CAP) {
    pcn_buf_free(&r->pending);
  } else {
    pcn_buf_reset(&r->pending);
  }
}

/* Moves what it can of the 4-byte header into pending; once all 4 are in,
 * checks the length and only then reserves room for exactly the frame. */
static int frame_take_header(pcn_frame_reader *r, const uint8_t *data,
                             size_t len, size_t *off) {
  size_t take = PCN_FRAME_HEADER - r->pending.len;
  if (take > len - *off) take = len - *off;
  if (pcn_buf_append(&r->pending, data + *off, take) != 0)
    return PCN_FRAME_ERR_NOMEM;
  *off += take;
  if (r->pending.len < PCN_FRAME_HEADER) return PCN_FRAME_OK;
  uint32_t n = frame_be32(r->pending.data);
  int rc = frame_check_len(r, n);
  if (rc != PCN_FRAME_OK) return rc;
  if (pcn_buf_reserve(&r->pending, n) != 0) return PCN_FRAME_ERR_NOMEM;
  r->want = n;
  return PCN_FRAME_OK;
}

/* Continues the frame begun in an earlier feed. When it completes, hands it
 * to cb and clears pending; *off advances past the bytes taken. */
static int frame_finish_pending(pcn_frame_reader *r, const uint8_t *data,
                                size_t len, size_t *off, pcn_frame_cb cb,
                                void *ud) {
  if (r->want == 0) {
    int rc = frame_take_header(r, data, len, off);
    if (rc != PCN_FRAME_OK || r->want == 0) return rc;
  }
  size_t have = r->pending.len - PCN_FRAME_HEADER;
  size_t take = r->want - have;
  if (take > len - *off) take = len - *off;
  if (pcn_buf_append(&r->pending, data + *off, take) != 0)
    return PCN_FRAME_ERR_NOMEM;
  *off += take;
  if (r->pending.len - PCN_FRAME_HEADER < r->want) return PCN_FRAME_OK;
  int stop = cb(ud, r->pending.data + PCN_FRAME_HEADER, r->want);
  frame_pending_clear(r);
  return stop ? PCN_FRAME_ERR_STOPPED : PCN_FRAME_OK;
}

/* Hands every whole frame in data[*off..len) to cb in place, then starts
 * pending with whatever partial frame is left. */
static int frame_scan(pcn_frame_reader *r, const uint8_t *data, size_t len,
                      size_t *off, pcn_frame_cb cb, void *ud) {
  while (len - *off >= PCN_FRAME_HEADER) {
    uint32_t n = frame_be32(data + *off);
    int rc = frame_check_len(r, n);
    if (rc != PCN_FRAME_OK) return rc;
    if (len - *off - PCN_FRAME_HEADER < n) break;
    const uint8_t *body = data + *off + PCN_FRAME_HEADER;
    *off += PCN_FRAME_HEADER + (size_t)n;
    if (cb(ud, body, n) != 0) return PCN_FRAME_ERR_STOPPED;
  }
  if (*off == len) return PCN_FRAME_OK;
  return frame_finish_pending(r, data, len, off, cb, ud);
}

int pcn_frame_reader_feed(pcn_frame_reader *r, const uint8_t *data, size_t len,
                          pcn_frame_cb cb, void *ud, size_t *consumed) {
  size_t off = 0;
  int rc = PCN_FRAME_OK;
  if (len == 0) goto done;
  if (r->pending.len > 0) {
    rc = frame_finish_pending(r, data, len, &off, cb, ud);
    if (rc != PCN_FRAME_OK || r->pending.len > 0) goto done;
  }
  if (off < len) rc = frame_scan(r, data, len, &off, cb, ud);
done:
  if (consumed) *consumed = off;
  return rc;
}

int pcn_frame_encode(const Pcn__Frame *f, pcn_buf *out, uint32_t max) {
  if (max == 0) max = PCN_FRAME_MAX_DEFAULT;
  size_t n = pcn__frame__get_packed_size(f);
  /* An empty body would be read as a protocol error by the peer. */
  if (n == 0 || n > max || n > SIZE_MAX - PCN_FRAME_HEADER) return -1;
  if (pcn_buf_reserve(out, PCN_FRAME_HEADER + n) != 0) return -1;
  uint8_t *p = out->data + out->len;
  p[0] = (uint8_t)(n >> 24);
  p[1] = (uint8_t)(n >> 16);
  p[2] = (uint8_t)(n >> 8);
  p[3] = (uint8_t)n;
  if (pcn__frame__pack(f, p + PCN_FRAME_HEADER) != n) return -1;
  out->len += PCN_FRAME_HEADER + n;
  return 0;
}

Pcn__Frame *pcn_frame_decode(pcn_arena *a, const uint8_t *body, size_t len) {
  return pcn__frame__unpack(&a->pb, len, body);
}
