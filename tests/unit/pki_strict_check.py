#!/usr/bin/env python3
"""pki_strict_check.py - Python's ssl module accepts a PCN Hub chain strictly.

Run by tests/unit/test_pki.c with a directory made by certs_create (ca.pem,
server.pem, server.key). A server and a client, both Python, talk over
memory BIOs; the client trusts only ca.pem and verifies with
VERIFY_X509_STRICT (and VERIFY_X509_PARTIAL_CHAIN), as
ssl.create_default_context does from Python 3.13. Exit 0 when every good
host verifies and every bad one is refused, 1 otherwise, 77 to skip.
"""
import os
import sys

try:
    import ssl
except ImportError:  # a Python built without OpenSSL
    sys.exit(77)

GOOD = ["pcn.example.nhs.uk", "localhost", "127.0.0.1", "::1"]
BAD = ["other.example", "10.1.2.3"]


def handshake(cctx, sctx, host):
    """True when both sides finish; False when the client refuses."""
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    c = cctx.wrap_bio(c_in, c_out, server_hostname=host)
    s = sctx.wrap_bio(s_in, s_out, server_side=True)
    c_done = s_done = False
    for _ in range(20):
        if not c_done:
            try:
                c.do_handshake()
                c_done = True
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLCertVerificationError as e:
                print(f"  {host}: refused ({e.verify_message})")
                return False
        s_in.write(c_out.read())
        if not s_done:
            try:
                s.do_handshake()
                s_done = True
            except ssl.SSLWantReadError:
                pass
        c_in.write(s_out.read())
        if c_done and s_done:
            c.write(b"ping")
            s_in.write(c_out.read())
            if s.read(4) != b"ping":
                raise RuntimeError("application data did not arrive")
            if c.version() != "TLSv1.3":
                raise RuntimeError(f"negotiated {c.version()}")
            return True
    raise RuntimeError("handshake did not finish")


def main():
    d = sys.argv[1]
    ca = os.path.join(d, "ca.pem")
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(os.path.join(d, "server.pem"),
                         os.path.join(d, "server.key"))
    cctx = ssl.create_default_context(cafile=ca)
    cctx.verify_flags |= ssl.VERIFY_X509_STRICT
    cctx.verify_flags |= getattr(ssl, "VERIFY_X509_PARTIAL_CHAIN", 0)
    cctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ok = True
    for host in GOOD:
        if not handshake(cctx, sctx, host):
            print(f"FAIL: {host} should verify")
            ok = False
    for host in BAD:
        if handshake(cctx, sctx, host):
            print(f"FAIL: {host} should be refused")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
