#!/usr/bin/python3
"""Writes the seed corpus for the fuzz targets from proto/pcn.proto: one
file per interesting request stream. Run from the repository root:
  protoc -Iproto --python_out=/tmp/g proto/pcn.proto
  PYTHONPATH=/tmp/g tests/fuzz/make_seeds.py
fuzz_dispatch inputs start with one byte choosing who is logged in
(0 nobody, 1 the PCN manager, 2 a practice manager); fuzz_frame inputs
start with one byte choosing the chunk size."""
import os
import struct
import pcn_pb2 as pb


def frame(i, **kw):
    b = pb.Frame(id=i, request=pb.Request(**kw)).SerializeToString()
    return struct.pack(">I", len(b)) + b


streams = {
    "hello": [dict(hello=pb.Hello(protocol_version=1, client_name="seed"))],
    "whoami": [dict(whoami=pb.WhoAmI())],
    "practice": [dict(practice_add=pb.PracticeAdd(ods="F84001", name="Riverside", list_size=12000)),
                 dict(practice_list=pb.PracticeList()),
                 dict(practice_get=pb.PracticeGet(ods="f84001")),
                 dict(practice_update=pb.PracticeUpdate(ods="F84001", version=1, name="R2"))],
    "tasks": [dict(task_create=pb.TaskCreate(title="Flu rota", due="2026-12-01")),
              dict(task_create=pb.TaskCreate(title="Practice job", practice="F84001")),
              dict(task_list=pb.TaskList(limit=5)),
              dict(task_get=pb.TaskGet(id=1)),
              dict(task_update=pb.TaskUpdate(id=1, version=1, title="New")),
              dict(task_assign=pb.TaskAssign(id=1, assignee="manager")),
              dict(task_comment=pb.TaskComment(id=1, text="done\nok")),
              dict(task_close=pb.TaskClose(id=1)),
              dict(task_reopen=pb.TaskReopen(id=1))],
    "members": [dict(member_invite=pb.MemberInvite(username="jo", display_name="Jo", role=pb.PRACTICE_MANAGER, practice="F84001")),
                dict(member_list=pb.MemberList()),
                dict(member_get=pb.MemberGet(username="manager")),
                dict(member_set_role=pb.MemberSetRole(username="jo", role=pb.STAFF, practice="F84001")),
                dict(member_disable=pb.MemberDisable(username="jo"))],
    "feed": [dict(subscribe=pb.Subscribe(since_seq=0)), dict(ping=pb.Ping()),
             dict(unsubscribe=pb.Unsubscribe())],
    "auth": [dict(login=pb.Login(username="manager", password="wrong password")),
             dict(resume=pb.Resume(token="00" * 32)),
             dict(logout=pb.Logout())],
}

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
for name, reqs in streams.items():
    data = b"".join(frame(i + 1, **r) for i, r in enumerate(reqs))
    for who in (0, 1, 2):
        with open(os.path.join(root, "fuzz_dispatch", "%s-%d" % (name, who)), "wb") as f:
            f.write(bytes([who]) + data)
    with open(os.path.join(root, "fuzz_frame", name), "wb") as f:
        f.write(bytes([3]) + data)
for name, data in {"zero": b"\0\0\0\0", "huge": b"\xff\xff\xff\xff", "junk": b"\0\0\0\x03\xff\xff\xff",
                   "future": b"\0\0\0\x07\x08\x0e\x12\x03\x98\x06\x01"}.items():
    for d in ("fuzz_dispatch", "fuzz_frame"):
        with open(os.path.join(root, d, "edge-" + name), "wb") as f:
            f.write(bytes([1]) + data)
