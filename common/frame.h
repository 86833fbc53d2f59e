/* frame.h - the wire framing: a 4-byte big-endian length N, then N bytes of
 * one protobuf pcn.Frame.
 *
 * The reader accumulates bytes as they arrive (split across any number of
 * reads, or many frames in one read) and hands each complete body to a
 * callback. The length is checked before anything is allocated for the body:
 * N = 0 or N > max is an error, so a length of 2^32-1 allocates nothing.
 * The reader does not decode protobuf; see pcn_frame_decode.
 */
#ifndef PCN_FRAME_H
#define PCN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "pcn.pb-c.h"

#define PCN_FRAME_HEADER 4
#define PCN_FRAME_MAX_DEFAULT (1u << 20)
#define PCN_PROTOCOL_VERSION 1

enum {
  PCN_FRAME_OK = 0,
  PCN_FRAME_ERR_EMPTY = -1,   /* length 0 */
  PCN_FRAME_ERR_TOO_BIG = -2, /* length above the limit */
  PCN_FRAME_ERR_STOPPED = -3, /* the callback asked to stop */
  PCN_FRAME_ERR_NOMEM = -4
};

/* Called with one complete frame body. Return 0 to go on, non-zero to stop;
 * the reader keeps no unread input, so a caller that wants to go on feeds
 * again from data + *consumed. */
typedef int (*pcn_frame_cb)(void *ud, const uint8_t *body, size_t len);

typedef struct pcn_frame_reader {
  pcn_buf pending; /* bytes of an incomplete frame (header included) */
  uint32_t max;
  uint32_t want; /* body length of the frame being assembled, 0 if unknown */
} pcn_frame_reader;

void pcn_frame_reader_init(pcn_frame_reader *r, uint32_t max);
void pcn_frame_reader_free(pcn_frame_reader *r);
/* Feeds bytes; calls cb for each complete frame. Returns PCN_FRAME_OK or an
 * error above; after an error the reader must not be fed again. *consumed
 * (if not NULL) is set to how many input bytes were taken: all of them on
 * success, fewer when the callback stopped. */
int pcn_frame_reader_feed(pcn_frame_reader *r, const uint8_t *data, size_t len,
                          pcn_frame_cb cb, void *ud, size_t *consumed);
/* True when no partial frame is buffered. */
int pcn_frame_reader_idle(const pcn_frame_reader *r);

/* Appends header and encoding of f to out. Returns 0, or -1 when the frame
 * would exceed max (max 0: PCN_FRAME_MAX_DEFAULT) or memory ran out. */
int pcn_frame_encode(const Pcn__Frame *f, pcn_buf *out, uint32_t max);
/* Decodes a body with the arena's allocator: NULL on malformed protobuf or
 * when the arena's budget runs out. Freed with the arena, never on its own. */
Pcn__Frame *pcn_frame_decode(pcn_arena *a, const uint8_t *body, size_t len);

#endif
