#!/usr/bin/env bash
# Upgrades: a store made by each earlier schema opens with today's pcnd.
#
# tests/fixtures/schemaN holds a small network made by the pcnd and pcn of
# schema N (tests/fixtures/make.sh, not run here) and what that pcn listed.
# For each: copy it to a scratch directory, start today's pcnd on it (which
# migrates it), `pcnd verify` it, log in afresh (the fixture's sessions
# have long expired) as the manager and a practice manager, and check
# that today's listings still hold everything the old pcn listed
# (tests/fixtures/compare.py): practices, members, tasks and a task's
# comments; from schema 2 an ask, the news and a decision; from schema 3
# the month's funds statement, also as the table the old pcn printed;
# the stored list sizes as the practices' first figures (issue 13).
# Then a write, a clean stop, and `pcnd verify` once more.
. "$(dirname "$0")/cli_common.bash" "$1"
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)

n_fixtures=0
for fx in "$fixtures"/schema*/; do
  fx=${fx%/}
  v=${fx##*schema}
  d=$tmp/schema$v
  mkdir -p "$d/net"
  cp "$fx/data.mdb" "$fx"/*.pem "$fx"/*.key "$d/net/"
  chmod 600 "$d/net"/*.key
  # The fixture's own certificates, while they last (825 days from when
  # make.sh ran); after that a fresh network's, which the store does not
  # care about.
  if ! openssl x509 -checkend 3600 -noout -in "$d/net/server.pem" > /dev/null; then
    echo "note: the schema $v fixture's certificate has expired; using fresh ones (remake the fixtures with tests/fixtures/make.sh)"
    "$pcnd" init --data "$d/fresh" --network fresh --listen 127.0.0.1:1 > /dev/null
    cp "$d/fresh"/ca.pem "$d/fresh"/ca.key "$d/fresh"/server.pem "$d/fresh"/server.key "$d/net/"
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$pcnd" run --data "$d/net" --listen "127.0.0.1:$port" > "$d/pcnd.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q serving "$d/pcnd.log" && break; sleep 0.1; done
  grep -q serving "$d/pcnd.log" || fail "today's pcnd did not open the schema $v store: $(cat "$d/pcnd.log")"
  "$pcnd" verify --data "$d/net" > "$d/verify.out" 2>&1 ||
    fail "pcnd verify of the migrated schema $v store: $(cat "$d/verify.out")"
  ok

  for who in manager jo; do
    mkdir -p "$tmp/s$v-$who/pcn"
    cp "$d/net/ca.pem" "$tmp/s$v-$who/pcn/ca.pem"
    printf '{"server": "127.0.0.1:%s"}\n' "$port" > "$tmp/s$v-$who/pcn/config.json"
    echo "$who's fixture password" |
      as "s$v-$who" login --user "$who" --password-stdin > /dev/null ||
      fail "$who could not log in to the migrated schema $v store"
  done
  mgr_v() { as "s$v-manager" "$@"; }
  jo_v() { as "s$v-jo" "$@"; }
  check() { # NAME pcn-command...: today's --json output against expected/NAME.json
    local name=$1; shift
    "$@" --json > "$d/$name.json" || fail "schema $v: $* failed"
    python3 "$fixtures/compare.py" "$fx/expected/$name.json" "$d/$name.json" ||
      fail "schema $v: today's $* lost what the old pcn listed"
  }
  check practices mgr_v practice list
  check members mgr_v member list
  check tasks mgr_v task list --limit 500
  check tasks-F84001 jo_v task list --practice F84001
  check task-1 jo_v task show 1
  if [ "$v" -ge 2 ]; then
    check ask-1 mgr_v ask show 1
    check news mgr_v news list
    check decision-1 mgr_v decision show 1
  fi
  # Issue 13: members stored without an e-mail read as having none and
  # can be given one; a register stored without disagreements has none,
  # and a practice can disagree on the old store.
  [ "$(mgr_v member show jo --json | json 'd.get("email", "")')" = "" ] ||
    fail "schema $v: jo has an e-mail address from nowhere"
  mgr_v member email jo jo@riverside.nhs.uk > /dev/null ||
    fail "schema $v: setting an e-mail address on an old member"
  if [ "$v" -ge 2 ]; then
    [ "$(jo_v duty list --json | json 'len(d.get("disagreements", []))')" = 0 ] ||
      fail "schema $v: disagreements from nowhere"
    jo_v duty disagree 1 --reason "checked on an old store" > /dev/null ||
      fail "schema $v: disagreeing on an old store"
  fi
  if [ "$v" -ge 3 ]; then
    check statement mgr_v funds statement --month 2026-11
    # The table as today's pcn prints it, less the time it was generated.
    mgr_v funds statement --month 2026-11 |
      sed -E 's/ Generated [^.]* (UTC|GMT|BST)\.$//' > "$d/statement.txt"
    diff -u "$fx/expected/statement.txt" "$d/statement.txt" ||
      fail "schema $v: the 2026-11 statement reads differently after the upgrade"
  fi
  # Issue 13: a practice's stored list size (schemas 1 and 2 have no
  # figures; schema 3 has figures from 2026-04-01 as well) is its figure
  # from the start: the equity report and a distribution --by list use
  # it, and a list size given now is a dated figure that leaves the
  # weeks before it as they were.
  [ "$(mgr_v staff equity --from 2026-11-23 --to 2026-11-27 --json |
    json '[r["list_size"] for r in d["rows"]]')" = "[12000, 8000]" ] ||
    fail "schema $v: the equity report's list sizes"
  mgr_v funds receive --stream other --amount 1,000 --date 2026-11-02 > /dev/null
  [ "$(mgr_v funds distribute --stream other --amount 1,000 --by list --date 2026-11-10 \
    --preview --json | json '[l["pence"] for l in d["lines"]][1:]')" = "[60000, 40000]" ] ||
    fail "schema $v: a distribution --by list on the stored list sizes"
  mgr_v practice update F84002 --list-size 9000 --from 2026-12-01 > /dev/null
  [ "$(mgr_v staff equity --from 2026-11-30 --to 2026-12-04 --json |
    json '[r["list_size"] for r in d["rows"]]')" = "[12000, 9000]" ] ||
    fail "schema $v: a list size from 1 December"
  [ "$(mgr_v staff equity --from 2026-11-23 --to 2026-11-27 --json |
    json '[r["list_size"] for r in d["rows"]]')" = "[12000, 8000]" ] ||
    fail "schema $v: the week before keeps its list sizes"
  [ "$(jo_v practice show F84002 --json | json 'd["list_size"]')" = 9000 ] ||
    fail "schema $v: practice show reads the latest figure"
  ok

  mgr_v task add --title "written by today's pcnd" > /dev/null
  kill -TERM "$pid"
  wait "$pid" || fail "pcnd did not stop cleanly on the schema $v store: $(cat "$d/pcnd.log")"
  pid=""
  "$pcnd" verify --data "$d/net" > "$d/verify.out" 2>&1 ||
    fail "pcnd verify after a write to the schema $v store: $(cat "$d/verify.out")"
  n_fixtures=$((n_fixtures + 1))
  ok
done
[ "$n_fixtures" -ge 3 ] || fail "expected fixtures for schemas 1, 2 and 3 in $fixtures, found $n_fixtures"
echo "$n_fixtures fixtures upgraded; $passed passed, 0 failed"
