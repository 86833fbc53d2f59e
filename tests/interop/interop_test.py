#!/usr/bin/python3
"""Interop test: a client written from proto/pcn.proto and DESIGN.md alone.

Generates Python code from proto/pcn.proto with the standard protoc at test
time, starts a real pcnd on a free loopback port, and over Python's own ssl
module (TLS 1.3, strict X.509 verification, the network CA pinned by the
fingerprint in the invitation): joins as the PCN manager, subscribes on a
second connection, creates a task on the first, and sees its event arrive on
the second with the hash chain intact.

usage: interop_test.py BUILD_DIR SOURCE_DIR
"""
import base64
import hashlib
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time


def main():
    build, source = sys.argv[1], sys.argv[2]
    pcnd = os.path.join(build, "server", "pcnd")
    work = tempfile.mkdtemp(prefix="pcn-interop-")
    try:
        run(pcnd, source, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("1 passed, 0 failed")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Conn:
    """One TLS connection speaking the length-prefixed pcn.Frame protocol."""

    def __init__(self, pb, addr, ctx):
        self.pb = pb
        raw = socket.create_connection(addr, timeout=10)
        self.sock = ctx.wrap_socket(raw, server_hostname=addr[0])
        assert self.sock.version() == "TLSv1.3", self.sock.version()
        self.next_id = 1
        self.buf = b""

    def send(self, **kw):
        frame = self.pb.Frame(id=self.next_id, request=self.pb.Request(**kw))
        self.next_id += 1
        data = frame.SerializeToString()
        self.sock.sendall(struct.pack(">I", len(data)) + data)
        return frame.id

    def recv(self):
        while True:
            if len(self.buf) >= 4:
                (n,) = struct.unpack(">I", self.buf[:4])
                if len(self.buf) >= 4 + n:
                    f = self.pb.Frame()
                    f.ParseFromString(self.buf[4 : 4 + n])
                    self.buf = self.buf[4 + n :]
                    return f
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("server closed the connection")
            self.buf += chunk

    def call(self, **kw):
        fid = self.send(**kw)
        while True:
            f = self.recv()
            if f.WhichOneof("body") == "response" and f.id == fid:
                return f.response

    def hello(self):
        r = self.call(hello=self.pb.Hello(protocol_version=1, client_name="interop-py"))
        assert r.status.code == self.pb.OK, r.status.message
        assert r.WhichOneof("body") == "welcome"
        return r.welcome


def run(pcnd, source, work):
    gen = os.path.join(work, "gen")
    os.mkdir(gen)
    subprocess.check_call(["protoc", "-I" + os.path.join(source, "proto"),
                           "--python_out=" + gen, os.path.join(source, "proto", "pcn.proto")])
    sys.path.insert(0, gen)
    import pcn_pb2 as pb

    data = os.path.join(work, "net")
    port = free_port()
    out = subprocess.check_output([pcnd, "init", "--data", data, "--network", "Interop PCN",
                                   "--listen", "127.0.0.1:%d" % port], text=True)
    code = out.split("pcn join ")[1].split()[0]
    assert code.startswith("pcn1-")
    b64 = code[len("pcn1-"):]
    inv = pb.InviteCode()
    inv.ParseFromString(base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)))
    assert inv.server == "127.0.0.1:%d" % port, inv.server

    # The fingerprint in the invitation pins the network's CA.
    ca_path = os.path.join(data, "ca.pem")
    with open(ca_path) as f:
        ca_der = ssl.PEM_cert_to_DER_cert(f.read())
    assert hashlib.sha256(ca_der).digest() == inv.ca_sha256, "CA fingerprint mismatch"

    ctx = ssl.create_default_context(cafile=ca_path)
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3

    server = subprocess.Popen([pcnd, "run", "--data", data], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert "serving" in line, line
        addr = ("127.0.0.1", port)

        a = Conn(pb, addr, ctx)
        a.hello()
        r = a.call(join=pb.Join(invite_token=inv.token, password="interop password 1"))
        assert r.status.code == pb.OK, r.status.message
        token = r.session.token
        assert r.session.member.role == pb.PCN_MANAGER

        b = Conn(pb, addr, ctx)
        b.hello()
        r = b.call(resume=pb.Resume(token=token))
        assert r.status.code == pb.OK, r.status.message
        r = b.call(subscribe=pb.Subscribe(since_seq=0))
        assert r.status.code == pb.OK, r.status.message

        r = a.call(task_create=pb.TaskCreate(title="Interop task", due="2026-12-24"))
        assert r.status.code == pb.OK, r.status.message
        task_id = r.task.id

        # On b: the join event (seq 1) replayed, then the task (seq 2) live.
        prev = b"\0" * 32
        seen = []
        deadline = time.time() + 10
        while len(seen) < 2 and time.time() < deadline:
            f = b.recv()
            if f.WhichOneof("body") != "event":
                continue
            ev = f.event
            body = pb.Event()
            body.CopyFrom(ev)
            body.ClearField("hash")
            expect = hashlib.sha256(prev + body.SerializeToString()).digest()
            assert ev.hash == expect, "hash chain broken at seq %d" % ev.seq
            prev = ev.hash
            seen.append(ev)
        assert [e.seq for e in seen] == [1, 2], [e.seq for e in seen]
        assert seen[1].WhichOneof("record") == "task"
        assert seen[1].task.id == task_id and seen[1].task.title == "Interop task"
        assert seen[1].op == pb.CREATED and seen[1].actor == "manager"

        # A TLS 1.2 client is refused.
        old = ssl.create_default_context(cafile=ca_path)
        old.maximum_version = ssl.TLSVersion.TLSv1_2
        try:
            old.wrap_socket(socket.create_connection(addr, timeout=5), server_hostname="127.0.0.1")
            raise AssertionError("TLS 1.2 handshake succeeded")
        except ssl.SSLError:
            pass
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0, "pcnd did not stop cleanly"


if __name__ == "__main__":
    main()
