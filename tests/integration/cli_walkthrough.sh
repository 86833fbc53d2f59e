#!/usr/bin/env bash
# The README's walkthrough through the real pcn binary against a real pcnd:
# init, run, the PCN manager joins, adds a practice and invites its
# practice manager, who joins from a second configuration and runs
# `pcn feed`; a task the PCN manager adds appears there at once. Then the
# CLI's contract: --json parses on every command, usage errors are one
# line and exit 1, refusals exit 2 with the server's sentence, a stale
# version shows the task as it is now, disabling a member ends their
# session until they are enabled again, and a stopped server gives exit 3.
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }

# --- the walkthrough
cli_start_network
[ "$(mgr whoami --json | json 'd["role"]')" = pcn_manager ] || fail "whoami --json"
[ "$(stat -c %a "$tmp/mgr/pcn/config.json")" = 600 ] || fail "config.json is not 0600"
grep -q "long password" "$tmp/mgr/pcn/config.json" && fail "the password was written to a file"
ok

cli_add_practice F84001 "Riverside Surgery" 12000
[ "$(mgr practice list --json | json 'd["practices"][0]["list_size"]')" = 12000 ] ||
  fail "practice list --json"
cli_add_member jo practice_manager F84001 "Jo Bloggs"
[ "$(jo whoami --json | json 'd["practice"]')" = F84001 ] || fail "jo's whoami"
ok

cli_feed jo
wait_feed 'member jo' # the history first
mgr task add --title "Flu clinic rota" --due 2026-12-01 --assign jo > /dev/null
wait_feed 'created task 1 "Flu clinic rota" (network, open, assigned to jo)'
cli_stop_feed || fail "pcn feed exited $? on SIGINT"
ok

# --- practice-only tasks stay in the practice
jo task add --title "Riverside rota" --practice F84001 > /dev/null
[ "$(jo task list --json | json 'len(d["tasks"])')" = 2 ] || fail "jo sees both tasks"
[ "$(mgr task list --network --json | json 'len(d["tasks"])')" = 1 ] || fail "network list"
ok

# --- --json on the rest
[ "$(mgr task show 1 --json | json 'd["task"]["title"]')" = "Flu clinic rota" ] || fail "task show --json"
[ "$(mgr task comment 1 "Rota sent" --json | json 'd["comment_count"]')" = 1 ] || fail "comment --json"
[ "$(mgr member show jo --json | json 'd["display_name"]')" = "Jo Bloggs" ] || fail "member show --json"
[ "$(mgr member list --json | json 'len(d["members"])')" = 2 ] || fail "member list --json"
[ "$(mgr task list --assignee jo --due-before 2026-12-31 --json | json 'd["tasks"][0]["id"]')" = 1 ] ||
  fail "task list filters"
ok

# --- usage errors: one line, exit 1, nothing sent
expect 1 mgr task add --title x --due 2026-13-45; one_line "bad date"
grep -q 'YYYY-MM-DD' "$tmp/err" || fail "bad date message: $(cat "$tmp/err")"
expect 1 mgr task list --frobnicate; one_line "unknown option"
expect 1 mgr task add; one_line "missing --title"
expect 1 mgr task show twelve; one_line "bad id"
expect 1 mgr nosuchcommand; one_line "unknown command"
expect 1 mgr task fly; one_line "unknown verb"
[ "$(mgr task list --json | json 'len(d["tasks"])')" = 1 ] || fail "a usage error created something"
ok

# --- help at every level
mgr --help | grep -q 'pcn task' || fail "pcn --help"
mgr task --help | grep -q 'pcn task add' || fail "pcn task --help"
mgr task add --help | grep -q -- '--due YYYY-MM-DD' || fail "pcn task add --help"
mgr feed --help | grep -q -- '--since' || fail "pcn feed --help"
ok

# --- refusals: exit 2 with the server's sentence
expect 2 jo practice add --ods F84002 --name "Hill Surgery" --list-size 9000
one_line "permission"; grep -q 'PCN manager' "$tmp/err" || fail "permission message: $(cat "$tmp/err")"
# A comment leaves the version alone, so version 1 is current: this edit
# lands, and a second edit from the same stale read is refused.
mgr task update 1 --version 1 --title "Flu clinic rota v2" > /dev/null
expect 2 mgr task update 1 --version 1 --title "Stale edit"
grep -q 'meanwhile' "$tmp/err" || fail "conflict message: $(cat "$tmp/err")"
grep -q "Flu clinic rota v2" "$tmp/out" || fail "conflict does not show the task as it is now"
echo "wrong password" | expect 2 mgr login --user manager --password-stdin
one_line "wrong password"
ok

# --- disabling a member ends their session
mgr member disable jo > /dev/null
expect 2 jo whoami
grep -q 'pcn login' "$tmp/err" || fail "disabled member's message: $(cat "$tmp/err")"
# ... and enabling them (issue 19) lets them log in again, afresh.
mgr member enable --help | grep -q 'pcn member enable jo' || fail "pcn member enable --help"
[ "$(mgr member enable jo --json | json 'd.get("disabled", False)')" = False ] ||
  fail "member enable --json"
mgr member enable jo | grep -q 'jo is enabled again' || fail "member enable says so"
expect 2 jo whoami
echo "jo's own long password" | jo login --user jo --password-stdin > /dev/null
[ "$(jo whoami --json | json 'd["username"]')" = jo ] || fail "jo logs in after enable"
ok

# --- logout, login, password; --server and PCN_SERVER
mgr logout > /dev/null
expect 2 mgr whoami; grep -q 'pcn login' "$tmp/err" || fail "after logout: $(cat "$tmp/err")"
echo "manager's long password" | mgr login --user manager --password-stdin > /dev/null
printf "manager's long password\nan even longer password\n" | mgr password --password-stdin > /dev/null
mgr logout > /dev/null
echo "manager's long password" | expect 2 mgr login --user manager --password-stdin
echo "an even longer password" | mgr login --user manager --password-stdin --server "127.0.0.1:$port" > /dev/null
mgr whoami > /dev/null
PCN_SERVER=127.0.0.1:1 expect 3 mgr whoami; one_line "PCN_SERVER override"
expect 3 mgr whoami --server 127.0.0.1:1
ok

# --- a code whose CA is not this server's: join refuses, exit 3
other=$("$pcnd" init --data "$tmp/other" --network "Impostor PCN" --listen "127.0.0.1:$port" |
  cli_code)
echo "some long password" | expect 3 as eve join "$other" --password-stdin
[ -e "$tmp/eve/pcn/config.json" ] && fail "a refused join saved a configuration"
ok

# --- a stopped server: exit 3
cli_stop_pcnd
expect 3 mgr task list; one_line "stopped server"
expect 3 mgr feed; one_line "feed with stopped server"
ok

echo "$passed passed, 0 failed"
