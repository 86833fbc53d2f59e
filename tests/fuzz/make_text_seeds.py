#!/usr/bin/python3
"""Writes the seeds for the string check on the wire (common/wire_check.c):
frames whose strings, nested in requests, hold a NUL or bad UTF-8, which no
protobuf library will serialize, so the bytes are made here by hand. Needs
nothing but Python. Run from the repository root:
  python3 tests/fuzz/make_text_seeds.py
fuzz_dispatch and fuzz_frame get length-prefixed streams behind their first
byte (see make_seeds.py); fuzz_wire_check gets one Frame body per file."""
import os
import struct


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def ln(field, data):
    return varint(field << 3 | 2) + varint(len(data)) + data


def vi(field, v):
    return varint(field << 3) + varint(v)


def frame(fid, req_field, body):
    return vi(1, fid) + ln(2, ln(req_field, body))


HELLO, RESUME, TASK_CREATE, TASK_COMMENT = 1, 3, 30, 35
ASK_CREATE, NEWS_POST, MEETING_CREATE = 100, 120, 180
bodies = {
    "hello-bad-name": frame(1, HELLO, vi(1, 1) + ln(2, b"pcn \xc0\xaf")),
    "hello-nul-version": frame(1, HELLO, vi(1, 1) + ln(2, b"pcn") + ln(3, b"1\x00x")),
    "resume-token-nul": frame(2, RESUME, ln(1, b"ab" * 32 + b"\x00junk")),
    "task-title-nul": frame(3, TASK_CREATE, ln(1, b"nul\x00title")),
    "task-body-surrogate": frame(4, TASK_CREATE, ln(1, b"ok") + ln(2, b"a\n\xed\xa0\x80")),
    "task-title-cut": frame(5, TASK_CREATE, ln(1, b"euro \xe2\x82") + ln(2, b"\xac")),
    "task-overlong": frame(6, TASK_CREATE, ln(1, b"\xf0\x80\x80\xaf")),
    "task-past-max": frame(7, TASK_CREATE, ln(1, b"\xf4\x90\x80\x80")),
    "task-unknown-junk": frame(8, TASK_CREATE, ln(1, b"fine") + ln(77, b"\x00\xff")),
    "comment-ok": frame(9, TASK_COMMENT, vi(1, 1) + ln(2, b"caf\xc3\xa9\n\xf0\x9f\x98\x80")),
    "ask-practices-bad": frame(10, ASK_CREATE, ln(1, b"Figures") + ln(3, b"2030-03-01")
                               + ln(4, b"F84001") + ln(4, b"F8\xff001")),
    "news-link-nul": frame(11, NEWS_POST, ln(1, b"Rota") + ln(3, b"https://x.org/\x00")),
    "meeting-invitee-nul": frame(12, MEETING_CREATE, ln(1, b"Board") + vi(2, 1900000000000)
                                 + vi(3, 1900003600000) + ln(5, b"manager") + ln(5, b"man\x00ager")),
}

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
stream = b""
for name, body in bodies.items():
    framed = struct.pack(">I", len(body)) + body
    stream += framed
    with open(os.path.join(root, "fuzz_wire_check", "text-" + name), "wb") as f:
        f.write(body)
    with open(os.path.join(root, "fuzz_dispatch", "text-%s-1" % name), "wb") as f:
        f.write(bytes([1]) + framed)
# All of them in one stream, as each actor, and through the frame reader.
for who in (0, 1, 2):
    with open(os.path.join(root, "fuzz_dispatch", "text-all-%d" % who), "wb") as f:
        f.write(bytes([who]) + stream)
with open(os.path.join(root, "fuzz_frame", "text-all"), "wb") as f:
    f.write(bytes([5]) + stream)
