#!/usr/bin/env bash
# compare.sh - pcnd against Redis and OpenSSL on the same machine, same shapes.
#
# What it does, in one invocation:
#   1. installs what is missing of redis-server, redis-tools and openssl;
#   2. in a temp directory, makes a throwaway EC P-256 CA and a server
#      certificate for 127.0.0.1, and starts two private TLS-only redis-servers
#      on free loopback ports: one without persistence (reads), one with
#      `appendonly yes, appendfsync always` (durable writes);
#   3. runs redis-benchmark over TLS: GET at pipeline 1 and 16, and SET at
#      pipeline 1 against the appendfsync-always instance;
#   4. runs pcn-bench (each run spawns its own pcnd) for the same shapes: read
#      (show + list) and task show alone at pipeline 1 and 16, write at
#      pipeline 1, connect (session resumes);
#   5. starts one pcnd of its own and measures full TLS 1.3 handshakes per
#      second against it with `openssl s_time -new`: the floor under a resume;
#   6. prints a side-by-side table (or one JSON object with --json) and the
#      exact command lines, so the README can quote them.
#
# Why these pairs: every pcnd write is acknowledged only after its group
# commit is durable on disk, so the fair Redis figure is appendfsync always
# (fsync before the reply), not Redis' default of fsync once a second. Reads
# are compared with a plain in-memory Redis: both answer from memory (pcnd
# from LMDB's page cache). Both sides speak TLS on loopback; both load
# generators and both servers share the same CPUs, so the ratio is what
# matters, not the absolute numbers.
#
# Nothing outside the temp directory is touched: the private servers listen on
# 127.0.0.1 only, and everything this script starts is stopped on exit. If apt
# starts Debian's own redis service while installing, it is left alone.
set -euo pipefail

cd "$(dirname "$0")/.."

# ---- settings (environment, then options) --------------------------------

BUILD=${BUILD:-build}
CONNS=${CONNS:-50}             # connections, both sides
DURATION=${DURATION:-5}        # seconds per pcn-bench run and per s_time run
READ_N=${READ_N:-200000}       # redis-benchmark requests per read run
WRITE_N=${WRITE_N:-100000}     # redis-benchmark requests per durable-write run
KEYS=${KEYS:-10000}            # redis key space = pcn-bench --preload-tasks
VALUE_SIZE=${VALUE_SIZE:-3}    # redis-benchmark -d (bytes per value)
REDIS_THREADS=${REDIS_THREADS:-}  # redis-benchmark --threads (default: none)
STIME_PROCS=${STIME_PROCS:-1}  # parallel openssl s_time processes
JSON=0
BASELINE_ONLY=0

usage() {
  cat <<EOF
Usage: bench/compare.sh [options]

Benchmarks pcnd (through bench/pcn-bench) against Redis over TLS on this
machine, in the same shapes, and prints both side by side with the ratio:

  read            pcn-bench read  -c C -P 1 / -P 16  vs  redis GET (no persistence)
  durable write   pcn-bench write -c C -P 1          vs  redis SET, appendfsync always
  reconnect       pcn-bench connect -c C (resumes/s) vs  openssl s_time -new
                  (full TLS 1.3 handshakes/s against a pcnd of this script's)

Durability parity: pcnd acknowledges a write only once it is committed to
disk, so Redis runs with appendonly yes + appendfsync always for writes.

Installs redis-server, redis-tools and openssl if missing (as root, or through
sudo). Builds pcn-bench and pcnd if missing:
  cmake -S . -B BUILD -DCMAKE_BUILD_TYPE=Release -DPCN_WERROR=OFF
  cmake --build BUILD -j --target pcn-bench pcnd

Options (environment variable in brackets):
  --build DIR          build directory [BUILD, default build]
  --connections N      connections on both sides [CONNS, default 50]
  --duration S         seconds per pcn-bench and s_time run [DURATION, default 5]
  --read-n N           redis-benchmark requests per read run at P=1, ten times
                       that at P=16 [READ_N, default 200000]
  --write-n N          redis-benchmark requests per write run [WRITE_N, default 100000]
  --keys N             redis key space and pcn-bench --preload-tasks [KEYS, default 10000]
  --value-size B       redis-benchmark -d [VALUE_SIZE, default 3]
  --redis-threads N    redis-benchmark --threads N [REDIS_THREADS, default unset:
                       one client thread, like redis-benchmark's own default]
  --s-time-procs N     openssl s_time processes in parallel [STIME_PROCS, default 1]
  --quick              smoke test: -n 2000, --duration 1, 1000 keys
  --baseline-only      only the Redis and openssl s_time side (no pcn-bench)
  --json               print one JSON object (all figures and ratios) instead
                       of the table; progress still goes to stderr
  -h, --help           this text

Exit status: 0 on success, 1 on any failure, 2 if this redis-server or
redis-benchmark was built without TLS.
EOF
}

die() { echo "compare.sh: $*" >&2; exit 1; }
step() { echo "== $*" >&2; }
need_value() { if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value (see --help)."; fi; }
is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]] || die "$2 takes a whole number above 0, not '$1'."; }

parse_args() {
  local quick=0
  while [ $# -gt 0 ]; do
    case $1 in
      --build) need_value "$@"; BUILD=$2; shift ;;
      --connections) need_value "$@"; CONNS=$2; shift ;;
      --duration) need_value "$@"; DURATION=$2; shift ;;
      --read-n) need_value "$@"; READ_N=$2; shift ;;
      --write-n) need_value "$@"; WRITE_N=$2; shift ;;
      --keys) need_value "$@"; KEYS=$2; shift ;;
      --value-size) need_value "$@"; VALUE_SIZE=$2; shift ;;
      --redis-threads) need_value "$@"; REDIS_THREADS=$2; shift ;;
      --s-time-procs) need_value "$@"; STIME_PROCS=$2; shift ;;
      --quick) quick=1 ;;
      --baseline-only) BASELINE_ONLY=1 ;;
      --json) JSON=1 ;;
      -h|--help) usage; exit 0 ;;
      *) die "unknown option '$1' (see --help)." ;;
    esac
    shift
  done
  if [ $quick -eq 1 ]; then
    READ_N=2000 WRITE_N=2000 DURATION=1 KEYS=1000
  fi
  is_count "$CONNS" --connections; is_count "$DURATION" --duration
  is_count "$READ_N" --read-n; is_count "$WRITE_N" --write-n
  is_count "$KEYS" --keys; is_count "$VALUE_SIZE" --value-size
  is_count "$STIME_PROCS" --s-time-procs
  [ -z "$REDIS_THREADS" ] || is_count "$REDIS_THREADS" --redis-threads
}

# ---- installing ------------------------------------------------------------

install_missing() {
  local p missing=()
  for p in redis-server redis-tools openssl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null ||
      die "missing ${missing[*]} and not root: install them as root, then run this again."
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
    die "apt-get update failed."
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed."
}

check_tools() {
  local t
  for t in redis-server redis-cli redis-benchmark openssl python3 timeout; do
    command -v "$t" >/dev/null || die "'$t' is not on PATH."
  done
  if ! redis-benchmark --help 2>&1 | grep -q -- '--tls'; then
    echo "compare.sh: this redis-benchmark ($(command -v redis-benchmark)) was built without TLS, so it cannot measure Redis over TLS." >&2
    exit 2
  fi
}

# ---- temp directory and cleanup -------------------------------------------

TMP=""
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    # Bounded: anything still alive after 10 s is killed outright.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -z "$TMP" ] || rm -rf "$TMP"
}

forget_pid() {  # drops a finished child from PIDS, so cleanup never signals a reused pid
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# bounded SECS OUT ERR CMD... : runs CMD under timeout in the background and
# waits for it, so a SIGTERM to this script is handled at once, not after CMD.
bounded() {
  local secs=$1 out=$2 err=$3; shift 3
  timeout --kill-after=10 "$secs" "$@" > "$out" 2> "$err" &
  local pid=$! rc=0
  PIDS+=("$pid")
  wait "$pid" || rc=$?
  forget_pid "$pid"
  return $rc
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

make_certs() {
  step "throwaway CA and server certificate (EC P-256, 127.0.0.1)"
  local d=$TMP/tls
  mkdir -p "$d"
  {
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
      -keyout "$d/ca.key" -out "$d/ca.crt" -days 2 -subj "/CN=compare.sh CA" &&
    openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
      -keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=127.0.0.1" &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
      > "$d/ext.cnf" &&
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
      -CAcreateserial -out "$d/server.crt" -days 2 -extfile "$d/ext.cnf"
  } > "$d/openssl.log" 2>&1 || die "openssl could not make the certificates: see $(tail -1 "$d/openssl.log")"
  chmod 600 "$d"/*.key
}

# ---- redis -----------------------------------------------------------------

redis_cli() {  # PORT ARGS...
  local port=$1; shift
  timeout 5 redis-cli --tls --cacert "$TMP/tls/ca.crt" -h 127.0.0.1 -p "$port" "$@"
}

# start_redis NAME EXTRA-ARGS... : starts a TLS-only redis-server, sets
# REDIS_PORT, and waits (up to 20 s) until it answers PING over TLS.
start_redis() {
  local name=$1; shift
  local dir=$TMP/redis-$name port
  mkdir -p "$dir"
  port=$(free_port)
  redis-server --port 0 --tls-port "$port" \
    --tls-cert-file "$TMP/tls/server.crt" --tls-key-file "$TMP/tls/server.key" \
    --tls-ca-cert-file "$TMP/tls/ca.crt" --tls-auth-clients no \
    --bind 127.0.0.1 --save "" --daemonize no --dir "$dir" \
    --logfile "$dir/redis.log" "$@" > "$dir/stdout.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  local i
  for i in $(seq 200); do
    if ! kill -0 "$pid" 2>/dev/null; then
      if grep -qiE 'tls.*(not supported|not compiled)|bad directive.*tls|unknown.*tls' \
           "$dir/redis.log" "$dir/stdout.log" 2>/dev/null; then
        echo "compare.sh: this redis-server ($(command -v redis-server)) was built without TLS support, so it cannot be compared over TLS." >&2
        exit 2
      fi
      die "redis-server ($name) exited at start: $(tail -n 3 "$dir/redis.log" "$dir/stdout.log" 2>/dev/null | tr '\n' ' ')"
    fi
    [ "$(redis_cli "$port" ping 2>/dev/null)" = "PONG" ] && { REDIS_PORT=$port; return 0; }
    sleep 0.1
  done
  die "redis-server ($name) did not answer PING over TLS on 127.0.0.1:$port within 20 s."
}

redis_bench_cmd() {  # PORT TEST PIPE N : prints the argv, one per line
  local a=(redis-benchmark --tls --cacert "$TMP/tls/ca.crt" -h 127.0.0.1 -p "$1"
           -c "$CONNS" -n "$4" -P "$3" -r "$KEYS" -d "$VALUE_SIZE" -t "$2")
  [ -z "$REDIS_THREADS" ] || a+=(--threads "$REDIS_THREADS")
  a+=(--csv)
  printf '%s\n' "${a[@]}"
}

# redis_bench NAME PORT TEST PIPE N : runs redis-benchmark, writes
# $TMP/res/NAME.json with throughput and latency, records the command.
redis_bench() {
  local name=$1 port=$2 test=$3 pipe=$4 n=$5 cmd
  mapfile -t cmd < <(redis_bench_cmd "$port" "$test" "$pipe" "$n")
  local out=$TMP/res/$name.csv
  bounded 600 "$out" "$out.err" "${cmd[@]}" ||
    die "redis-benchmark ($name) failed: $(tail -n 2 "$out.err" "$out" | tr '\n' ' ')"
  python3 - "$out" "$name" "$test" "$pipe" > "$TMP/res/$name.json" <<'EOF' ||
import csv, json, sys
path, name, test, pipe = sys.argv[1:]
rows = [r for r in csv.reader(open(path)) if r]
head, body = rows[0], rows[1:]
want = test.upper()
row = next((r for r in body if r[0].upper() == want), None)
if row is None:
    sys.exit(f"no {want} row in redis-benchmark output")
r = dict(zip(head, row))
ms = lambda k: round(float(r[k]) * 1000, 1) if k in r else None
print(json.dumps({"throughput": float(r["rps"]), "pipeline": int(pipe),
                  "latency_us": {"avg": ms("avg_latency_ms"), "p50": ms("p50_latency_ms"),
                                 "p99": ms("p99_latency_ms"), "max": ms("max_latency_ms")}}))
EOF
    die "could not read redis-benchmark's CSV for $name: $(head -c 300 "$out")"
  printf '%q ' "${cmd[@]}" | sed "s|$TMP|\$TMP|g; s/ -p $port / -p \$PORT /; s/ $//" > "$TMP/res/$name.cmd"
}

run_redis() {
  start_redis plain --appendonly no
  local plain=$REDIS_PORT
  start_redis aof --appendonly yes --appendfsync always
  local aof=$REDIS_PORT
  step "redis: filling $KEYS keys of $VALUE_SIZE bytes (SET, P=16)"
  local fill
  mapfile -t fill < <(redis_bench_cmd "$plain" set 16 $((KEYS * 10)))
  bounded 600 /dev/null "$TMP/res/fill.err" "${fill[@]}" ||
    die "redis-benchmark could not fill the key space: $(tail -n 2 "$TMP/res/fill.err")"
  step "redis GET c=$CONNS P=1 n=$READ_N"
  redis_bench redis_read_p1 "$plain" get 1 "$READ_N"
  step "redis GET c=$CONNS P=16 n=$((READ_N * 10))"
  redis_bench redis_read_p16 "$plain" get 16 $((READ_N * 10))
  step "redis SET c=$CONNS P=1 n=$WRITE_N (appendfsync always)"
  redis_bench redis_write_p1 "$aof" set 1 "$WRITE_N"
  redis_cli "$aof" config get appendfsync | tr '\n' ' ' | grep -q 'appendfsync always' ||
    die "the durable-write redis is not running with appendfsync always."
}

# ---- pcnd and pcn-bench ----------------------------------------------------

build_type() {
  sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true
}

ensure_built() {  # builds pcn-bench and pcnd if either is missing
  local need=(server/pcnd)
  [ $BASELINE_ONLY -eq 1 ] || need+=(bench/pcn-bench)
  local t absent=0
  for t in "${need[@]}"; do [ -x "$BUILD/$t" ] || absent=1; done
  if [ $absent -eq 1 ]; then
    step "building ${need[*]} in $BUILD (Release)"
    [ ! -x scripts/deps.sh ] || scripts/deps.sh >&2 || die "scripts/deps.sh could not install the build dependencies."
    local log=$TMP/build.log targets=(pcnd)
    [ $BASELINE_ONLY -eq 1 ] || targets+=(pcn-bench)
    # PCN_WERROR=OFF as in scripts/demo.sh: -O3 brings warnings -O2 does not.
    { timeout 300 cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DPCN_WERROR=OFF &&
      timeout 1800 cmake --build "$BUILD" -j "$(nproc)" --target "${targets[@]}"; } > "$log" 2>&1 || {
      if grep -qE "No rule to make target .pcn-bench|unknown target .pcn-bench" "$log"; then
        die "pcn-bench is not built: $BUILD has no pcn-bench target yet (bench/CMakeLists.txt); use --baseline-only for the Redis and openssl side alone."
      fi
      tail -n 15 "$log" >&2
      die "the build failed (last lines above; whole log lost with the temp dir): cmake --build $BUILD --target ${targets[*]}"
    }
  fi
  [ $BASELINE_ONLY -eq 1 ] || [ -x "$BUILD/bench/pcn-bench" ] ||
    die "pcn-bench is not built: $BUILD/bench/pcn-bench is missing after the build."
  [ -x "$BUILD/server/pcnd" ] || die "pcnd is not built: $BUILD/server/pcnd is missing after the build."
  [ -f "$BUILD/CMakeCache.txt" ] || return 0
  case $(build_type) in
    Release|RelWithDebInfo|MinSizeRel) ;;
    *) echo "compare.sh: warning: $BUILD is a '$(build_type)' build; numbers from an unoptimised build understate pcnd." >&2 ;;
  esac
}

# pcn_bench NAME ARGS... : runs pcn-bench with --spawn --json, saves its JSON.
pcn_bench() {
  local name=$1; shift
  local cmd=("$BUILD/bench/pcn-bench" "$@" --json)
  local out=$TMP/res/$name
  bounded $((DURATION + 180)) "$out.raw" "$out.err" "${cmd[@]}" ||
    die "pcn-bench ($name) failed: $(tail -n 3 "$out.err" | tr '\n' ' ')"
  python3 - "$out.raw" > "$out.json" <<'EOF' ||
import json, sys
text = open(sys.argv[1]).read()
start = text.find("{")
if start < 0:
    sys.exit("no JSON object")
obj, _ = json.JSONDecoder().raw_decode(text[start:])
if not isinstance(obj.get("throughput"), (int, float)):
    sys.exit("no throughput")
print(json.dumps(obj))
EOF
    die "pcn-bench ($name) printed no usable JSON: $(head -c 300 "$out.raw")"
  local errors
  errors=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("errors", 0))' "$out.json")
  [ "$errors" = "0" ] || echo "compare.sh: warning: pcn-bench ($name) counted $errors errors." >&2
  printf '%q ' "${cmd[@]}" > "$out.cmd"
}

run_pcn_bench() {
  local common=(--spawn --connections "$CONNS" --duration "$DURATION")
  step "pcn-bench read c=$CONNS P=1 (${DURATION}s, $KEYS tasks)"
  pcn_bench pcnd_read_p1 read "${common[@]}" --pipeline 1 --preload-tasks "$KEYS"
  step "pcn-bench read c=$CONNS P=16 (${DURATION}s, $KEYS tasks)"
  pcn_bench pcnd_read_p16 read "${common[@]}" --pipeline 16 --preload-tasks "$KEYS"
  # task show only: one record per reply, the closest to a GET.
  step "pcn-bench read (task show only) c=$CONNS P=1 (${DURATION}s)"
  pcn_bench pcnd_show_p1 read "${common[@]}" --pipeline 1 --list-percent 0 --preload-tasks "$KEYS"
  step "pcn-bench read (task show only) c=$CONNS P=16 (${DURATION}s)"
  pcn_bench pcnd_show_p16 read "${common[@]}" --pipeline 16 --list-percent 0 --preload-tasks "$KEYS"
  step "pcn-bench write c=$CONNS P=1 (${DURATION}s)"
  pcn_bench pcnd_write_p1 write "${common[@]}" --pipeline 1
  step "pcn-bench connect c=$CONNS (${DURATION}s)"
  pcn_bench pcnd_connect connect "${common[@]}"
}

# start_pcnd: a pcnd of this script's own on a free loopback port, for
# openssl s_time; sets PCND_PORT and PCND_CA.
start_pcnd() {
  local data=$TMP/pcnd port
  port=$(free_port)
  step "starting pcnd on 127.0.0.1:$port for openssl s_time"
  "$BUILD/server/pcnd" init --data "$data" --network Bench \
    --listen "127.0.0.1:$port" > "$TMP/pcnd-init.log" 2>&1 ||
    die "pcnd init failed: $(tail -n 2 "$TMP/pcnd-init.log" | tr '\n' ' ')"
  "$BUILD/server/pcnd" run --data "$data" > "$TMP/pcnd.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  local i
  for i in $(seq 200); do
    grep -q serving "$TMP/pcnd.log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || die "pcnd exited at start: $(tail -n 2 "$TMP/pcnd.log" | tr '\n' ' ')"
    sleep 0.1
  done
  grep -q serving "$TMP/pcnd.log" || die "pcnd did not say 'serving' within 20 s."
  PCND_PORT=$port
  PCND_CA=$data/ca.pem
  [ -f "$PCND_CA" ] || die "pcnd init made no CA at $PCND_CA."
}

# run_stime: STIME_PROCS parallel `openssl s_time -new` for DURATION s; the
# rate is connections over measured wall time (s_time's own "real seconds"
# is rounded to whole seconds).
run_stime() {
  local cmd=(openssl s_time -connect "127.0.0.1:$PCND_PORT" -new -time "$DURATION"
             -tls1_3 -CAfile "$PCND_CA")
  # One handshake first, verified, so a bad CA or address fails loudly.
  timeout 10 openssl s_client -connect "127.0.0.1:$PCND_PORT" -tls1_3 \
    -CAfile "$PCND_CA" -verify_return_error -brief < /dev/null > "$TMP/s_client.log" 2>&1 ||
    die "a TLS 1.3 handshake with pcnd failed: $(tail -n 2 "$TMP/s_client.log" | tr '\n' ' ')"
  step "openssl s_time -new x$STIME_PROCS against pcnd (${DURATION}s)"
  local i pids=() t0 t1
  t0=$(date +%s.%N)
  for i in $(seq "$STIME_PROCS"); do
    timeout --kill-after=5 $((DURATION + 60)) "${cmd[@]}" > "$TMP/res/stime.$i.log" 2>&1 &
    pids+=($!)
    PIDS+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || die "openssl s_time failed: $(tail -n 2 "$TMP/res/stime.$((i + 1)).log" | tr '\n' ' ')"
    forget_pid "${pids[$i]}"
  done
  t1=$(date +%s.%N)
  python3 - "$t0" "$t1" "$STIME_PROCS" "$TMP"/res/stime.*.log > "$TMP/res/stime.json" <<'EOF' ||
import json, re, sys
t0, t1, procs, logs = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
total, reported = 0, 0.0
for path in logs:
    m = re.search(r"(\d+) connections in (\d+) real seconds", open(path).read())
    if not m:
        sys.exit(f"no 'N connections in T real seconds' line in {path}")
    total += int(m.group(1))
    reported += int(m.group(1)) / max(int(m.group(2)), 1)
print(json.dumps({"throughput": total / (t1 - t0), "connections": total,
                  "wall_s": round(t1 - t0, 3), "processes": procs,
                  "reported_per_s": round(reported, 1)}))
EOF
    die "could not read openssl s_time's output: $(tail -n 3 "$TMP/res/stime.1.log" | tr '\n' ' ')"
  local q
  q=$(printf '%q ' "${cmd[@]}" | sed "s|$TMP|\$TMP|g; s/:$PCND_PORT /:\$PORT /; s/ $//")
  [ "$STIME_PROCS" -eq 1 ] || q="$q   (x$STIME_PROCS in parallel)"
  echo "$q" > "$TMP/res/stime.cmd"
}

# ---- report ----------------------------------------------------------------

report() {
  python3 - "$TMP/res" "$JSON" "$CONNS" "$BASELINE_ONLY" "$STIME_PROCS" <<'EOF'
import json, os, sys
res, as_json, conns = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
baseline_only, stime_procs = sys.argv[4] == "1", int(sys.argv[5])

def load(name):
    p = os.path.join(res, name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None

def cmd(name):
    p = os.path.join(res, name + ".cmd")
    return open(p).read().strip() if os.path.exists(p) else None

rows = [  # key, label, pcnd result, pcnd figure, baseline result, baseline label
    ("read_p1", f"read  c={conns} P=1", "pcnd_read_p1", "throughput", "redis_read_p1", "redis GET"),
    ("read_p16", f"read  c={conns} P=16", "pcnd_read_p16", "throughput", "redis_read_p16", "redis GET"),
    ("show_p1", f"task show only c={conns} P=1", "pcnd_show_p1", "throughput", "redis_read_p1", "redis GET"),
    ("show_p16", f"task show only c={conns} P=16", "pcnd_show_p16", "throughput", "redis_read_p16", "redis GET"),
    ("durable_write_p1", f"durable write c={conns} P=1", "pcnd_write_p1", "throughput",
     "redis_write_p1", "redis SET, appendfsync always"),
    ("reconnect", f"reconnect (resume) c={conns}", "pcnd_connect", "resumes_per_s", "stime",
     f"openssl s_time -new x{stime_procs}: full TLS 1.3 handshakes/s"),
]
out = {"connections": conns, "results": {}, "commands": {}}
for key, label, pn, pfield, bn, blabel in rows:
    p, b = load(pn), load(bn)
    pv = (p.get(pfield, p.get("throughput")) if p else None)
    bv = b["throughput"] if b else None
    out["results"][key] = {
        "pcnd": pv, "baseline": bv, "baseline_is": blabel,
        "ratio": round(pv / bv, 3) if pv and bv else None,
        "pcnd_latency_us": (((p or {}).get("ops") or {}).get("resume") if key == "reconnect" else None)
                           or (p or {}).get("latency_us"),
        "baseline_latency_us": b.get("latency_us") if b else None,
        "pcnd_server": p.get("server") if p else None,
    }
    if p and key == "reconnect":
        out["results"][key]["pcnd_logins_per_s"] = p.get("logins_per_s")
    if b and key == "reconnect":
        out["results"][key]["baseline_detail"] = b
    for n in (pn, bn):
        if cmd(n):
            out["commands"][n] = cmd(n)
if as_json:
    print(json.dumps(out, indent=2))
    sys.exit(0)

def rate(v):
    return f"{v:,.0f}/s" if v is not None else "-"

def p99(r):
    lat = r or {}
    return f"{lat['p99'] / 1000:.2f} ms" if lat.get("p99") is not None else "-"

def cpu(r):
    c = (r or {}).get("cpu_percent")
    return f"{c:.0f}%" if c is not None else "-"

print(f"{'':30}{'pcnd':>14}{'p99':>10}{'cpu':>6}{'baseline':>14}{'p99':>10}{'pcnd/base':>11}")
for key, label, *_ , blabel in rows:
    r = out["results"][key]
    ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-"
    print(f"{label:30}{rate(r['pcnd']):>14}{p99(r['pcnd_latency_us']):>10}{cpu(r['pcnd_server']):>6}"
          f"{rate(r['baseline']):>14}{p99(r['baseline_latency_us']):>10}{ratio:>11}")
print()
logins = out["results"]["reconnect"].get("pcnd_logins_per_s")
if logins is not None:
    print(f"pcn-bench connect also measured {logins:,.1f} password logins/s (Argon2id).")
if not baseline_only:
    print("cpu = pcnd's CPU during the run as pcn-bench sampled it (100% = one core).")
print("read = task show and first-page task list (50 tasks, ~5 KB), half each;")
print("task show only = one task per reply, the closest shape to a GET.")
print("baselines: reads = redis GET (no persistence); durable write = redis SET with")
print("appendonly yes, appendfsync always; reconnect = pcn-bench session resumes vs")
print(f"openssl s_time -new x{stime_procs} against pcnd (full TLS 1.3 handshakes, one at a")
print("time per process, no application work).")
if baseline_only:
    print("(--baseline-only: pcn-bench was not run)")
print()
print("Commands ($TMP is the script's temp directory; CA made by openssl, or pcnd's ca.pem):")
for n, c in out["commands"].items():
    print(f"  {n}: {c}")
EOF
}

main() {
  parse_args "$@"
  install_missing
  check_tools
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/pcn-compare.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$TMP/res"
  if [ "$(stat -f -c %T "$TMP")" = tmpfs ]; then
    echo "compare.sh: warning: $TMP is on tmpfs, where fsync costs nothing; set TMPDIR to a directory on disk for a fair durable-write figure." >&2
  fi
  ensure_built
  make_certs
  run_redis
  start_pcnd
  run_stime
  [ $BASELINE_ONLY -eq 1 ] || run_pcn_bench
  report
}

main "$@"
