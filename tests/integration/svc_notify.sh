#!/usr/bin/env bash
# pcnd under a service manager, without one: Type=notify and journald
# logging checked against a real pcnd. A Python AF_UNIX datagram socket
# plays systemd's NOTIFY_SOCKET; stderr goes to a file whose device and
# inode are named in JOURNAL_STREAM, as systemd does for the journal.
#   - READY=1 arrives once the port accepts connections (we connect at
#     once), with a STATUS= naming the network;
#   - SIGTERM brings STOPPING=1, then exit 0;
#   - every stderr line then carries a "<N>" syslog priority, and SIGTERM's
#     is <5> (notice); a refused start logs at <3> (error);
#   - nothing secret reaches the log: after a join, a failed login and a
#     task with a patient's name in it, the log holds no invitation code,
#     password, session token or record text (with --verbose on);
#   - with JOURNAL_STREAM absent or naming another file, lines are
#     "pcnd: ..." as on a terminal, and nothing is sent without
#     NOTIFY_SOCKET.
set -euo pipefail
pcnd=$1/server/pcnd
pcn=$1/client/pcn
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout 120 python3 - "$pcnd" "$tmp" "$pcn" <<'PY'
import json, os, signal, socket, subprocess, sys, time

pcnd, tmp, pcn = sys.argv[1], sys.argv[2], sys.argv[3]
passed = 0

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

port = free_port()
data = os.path.join(tmp, "net")
init = subprocess.run([pcnd, "init", "--data", data, "--network",
                       "Notify PCN", "--listen", f"127.0.0.1:{port}"],
                      check=True, stdout=subprocess.PIPE, text=True).stdout
code = next(w for w in init.split() if w.startswith("pcn1-"))

def journal_env(f):
    st = os.fstat(f.fileno())
    return f"{st.st_dev}:{st.st_ino}"

def run(env_extra, verbose=False):
    """Starts pcnd with stderr to a fresh file; returns (proc, path, file)."""
    path = os.path.join(tmp, f"stderr.{passed}")
    f = open(path, "wb")
    env = {k: v for k, v in os.environ.items()
           if k not in ("NOTIFY_SOCKET", "JOURNAL_STREAM")}
    env.update(env_extra(f))
    args = [pcnd, "run", "--data", data] + (["--verbose"] if verbose else [])
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=f, env=env)
    return p, path, f

def stop(p):
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=30)
    if rc != 0:
        fail(f"pcnd exited {rc} after SIGTERM, not 0")

def lines(path):
    with open(path, encoding="utf-8") as f:
        return [l for l in f.read().splitlines() if l]

# 1. Type=notify: READY=1 once listening, STOPPING=1 on SIGTERM; journal
#    priorities on every line.
sock_path = os.path.join(tmp, "notify.sock")
ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ns.bind(sock_path)
ns.settimeout(15)
p, path, f = run(lambda f: {"NOTIFY_SOCKET": sock_path,
                            "JOURNAL_STREAM": journal_env(f)}, verbose=True)
try:
    msg = ns.recv(4096).decode()
except socket.timeout:
    p.kill()
    fail("no READY=1 within 15 s")
fields = msg.split("\n")
if "READY=1" not in fields:
    p.kill()
    fail(f"the first notification was not READY=1: {msg!r}")
# Listening by now: connecting must work at once, with no retry.
try:
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
except OSError as e:
    p.kill()
    fail(f"READY=1 came before the port accepted connections: {e}")
if not any(x.startswith("STATUS=") and "Notify PCN" in x for x in fields):
    p.kill()
    fail(f"READY=1 without a STATUS= naming the network: {msg!r}")
passed += 1

# A member's secrets and a record's text, through the real client.
password, wrong = "manager's own long secret", "a wrong guess at it 42"
patient = "Call back Mrs Imaginary Testpatient about her bloods"
cfg_env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(tmp, "cfg"))
def pcn_run(args, stdin="", want=0):
    r = subprocess.run([pcn] + args, input=stdin, text=True, env=cfg_env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    if r.returncode != want:
        p.kill()
        fail(f"pcn {args[0]} exited {r.returncode}, not {want}: {r.stderr}")
pcn_run(["join", code, "--password-stdin"], password + "\n")
with open(os.path.join(tmp, "cfg", "pcn", "config.json")) as f:
    token = json.load(f)["token"]
pcn_run(["task", "add", "--title", patient, "--body", patient])
pcn_run(["logout"])
pcn_run(["login", "--user", "manager", "--password-stdin"], wrong + "\n", 2)

# A client that speaks no TLS: --verbose logs it, at info, from conn.c.
c.sendall(b"\x16\x03\x01\x00\x05hello")
c.settimeout(10)
try:
    while c.recv(4096):
        pass
except OSError:
    pass
c.close()
p.send_signal(signal.SIGTERM)
try:
    msg = ns.recv(4096).decode()
except socket.timeout:
    p.kill()
    fail("no STOPPING=1 within 15 s of SIGTERM")
if "STOPPING=1" not in msg.split("\n"):
    p.kill()
    fail(f"SIGTERM brought {msg!r}, not STOPPING=1")
rc = p.wait(timeout=30)
if rc != 0:
    fail(f"pcnd exited {rc} after SIGTERM, not 0")
passed += 1
log = lines(path)
bad = [l for l in log if not (len(l) > 3 and l[0] == "<" and l[1] in "01234567"
                              and l[2] == ">")]
if bad or not log:
    fail(f"stderr lines without a journal priority: {bad or log}")
if not any(l.startswith("<5>SIGTERM received") for l in log):
    fail(f"SIGTERM was not logged at <5>: {log}")
if not any(l.startswith("<6>127.0.0.1:") for l in log):
    fail(f"the bad TLS client was not logged at <6>: {log}")
text = "\n".join(log)
for name, secret in (("invitation code", code),
                     ("invitation token", code.split("-")[-1]),
                     ("password", password), ("wrong password", wrong),
                     ("session token", token), ("task text", "Testpatient")):
    if len(secret) < 8 or secret in text:
        fail(f"the {name} is in the log: {log}")
if any("pcnd: " in l for l in log):
    fail(f"'pcnd: ' prefix inside the journal (journald adds its own): {log}")
passed += 1

# 2. A refused start is an error (<3>), not info.
f = open(os.path.join(tmp, "refused"), "wb")
env = dict(os.environ, JOURNAL_STREAM=journal_env(f))
env.pop("NOTIFY_SOCKET", None)
rc = subprocess.run([pcnd, "run", "--data", os.path.join(tmp, "none")],
                    stdout=subprocess.DEVNULL, stderr=f, env=env).returncode
f.close()
log = lines(os.path.join(tmp, "refused"))
if rc != 2 or not log or not all(l.startswith("<3>") for l in log):
    fail(f"a refused start exited {rc} and logged {log}, not <3> lines")
passed += 1

# 3. Not the journal (JOURNAL_STREAM absent, or naming another file) and
#    no NOTIFY_SOCKET: plain "pcnd: " lines, and no notification.
other = open(os.path.join(tmp, "other"), "wb")
for name, extra in (("absent", lambda f: {}),
                    ("another file", lambda f: {"JOURNAL_STREAM":
                                                journal_env(other)})):
    p, path, f = run(extra)
    c = None
    for _ in range(300):  # the port, up to 30 s: nothing else to wait on
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            break
        except OSError:
            p.poll()
            if p.returncode is not None:
                fail(f"pcnd exited {p.returncode}: {open(path).read()}")
            time.sleep(0.1)
    if c is None:
        fail("pcnd never listened")
    c.close()
    stop(p)
    log = lines(path)
    if not log or not all(l.startswith("pcnd: ") for l in log):
        fail(f"JOURNAL_STREAM {name}: lines not 'pcnd: ...': {log}")
    if not any(l == "pcnd: SIGTERM received; finishing writes in flight, "
               "then stopping." for l in log):
        fail(f"JOURNAL_STREAM {name}: no SIGTERM line: {log}")
    passed += 1
ns.settimeout(0.2)
try:
    stray = ns.recv(4096)
    fail(f"a notification without NOTIFY_SOCKET: {stray!r}")
except socket.timeout:
    pass
print(f"{passed} passed, 0 failed")
PY
