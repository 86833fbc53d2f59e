/* fuzz_frame.c - libFuzzer target for the frame decoder: arbitrary bytes,
 * fed in chunks whose sizes come from the input itself, through the
 * incremental reader, each body decoded with a budgeted arena and, when it
 * decodes, re-encoded (the encoder must accept whatever the decoder made).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "frame.h"

typedef struct fstate {
  pcn_arena arena;
  int frames;
} fstate;

static int on_frame(void *ud, const uint8_t *body, size_t len) {
  fstate *st = ud;
  pcn_arena_reset(&st->arena);
  Pcn__Frame *f = pcn_frame_decode(&st->arena, body, len);
  if (f) {
    pcn_buf out;
    pcn_buf_init(&out);
    if (pcn_frame_encode(f, &out, 0) == 0 && out.len < PCN_FRAME_HEADER)
      abort();
    pcn_buf_free(&out);
  }
  return ++st->frames > 10000; /* stop: exercises resume-after-stop */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t chunk = (size_t)data[0] % 17 + 1;
  data++;
  size--;
  fstate st = {.frames = 0};
  pcn_arena_init(&st.arena, 1u << 20);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 4096);
  size_t off = 0;
  while (off < size) {
    size_t n = size - off < chunk ? size - off : chunk;
    size_t used = 0;
    int rc = pcn_frame_reader_feed(&r, data + off, n, on_frame, &st, &used);
    if (rc != PCN_FRAME_OK && rc != PCN_FRAME_ERR_STOPPED) break;
    if (rc == PCN_FRAME_ERR_STOPPED) {
      off += used;
      st.frames = 0;
      continue;
    }
    off += n;
  }
  pcn_frame_reader_free(&r);
  pcn_arena_free(&st.arena);
  return 0;
}
