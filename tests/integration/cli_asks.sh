#!/usr/bin/env bash
# Asks through the real pcn binary against a real pcnd, between the PCN
# manager and two practice managers (Jo at F84001, Sam at F84002): an ask
# with fair notice, one refused for short notice and then made urgent with
# a reason; each practice answers for itself, and Jo's live feed shows
# Jo's practice's answer but never Sam's; show, load, close, a recurring
# ask; --json parsing on every verb, usage errors in one line (exit 1),
# refusals with the server's sentence (exit 2).
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
sam() { as sam "$@"; }
day() { python3 -c "import datetime; print(datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=$1))"; }

cli_start_network
cli_add_practices
cli_add_practice F84003 "Canal Side" 6000
cli_add_member jo practice_manager F84001
cli_add_member sam practice_manager F84002
ok

# --- Jo watches the feed
cli_feed jo
wait_feed 'member sam'

# --- fair notice: a month is fine; two days is refused unless urgent
fair=$(day 30)
short=$(day 2)
id=$(mgr ask new --title "Flu vaccine uptake" --to F84001,F84002 --due "$fair" \
  --need "Your figures to the end of last month" --json | json 'd["id"]')
[ "$id" = 1 ] || fail "ask new --json gave id $id"
wait_feed "created ask 1 \"Flu vaccine uptake\" to F84001, F84002, due $fair"
expect 2 mgr ask new --title "Rota gaps" --to F84001 --due "$short"
one_line "short notice"
grep -q "mark it urgent" "$tmp/err" || fail "short notice message: $(cat "$tmp/err")"
grep -q "or later" "$tmp/err" || fail "no earliest fair date: $(cat "$tmp/err")"
[ "$(mgr ask new --title "Rota gaps" --to F84001 --due "$short" \
  --urgent "The ICB moved its deadline" --json | json 'd["urgent"]')" = True ] || fail "urgent ask"
[ "$(jo ask list --json | json 'len(d["asks"])')" = 2 ] || fail "jo sees both asks"
[ "$(sam ask list --json | json 'len(d["asks"])')" = 1 ] || fail "sam sees the ask to F84002 only"
jo ask list > "$tmp/list"
grep -q "open, urgent" "$tmp/list" || fail "urgent not shown: $(cat "$tmp/list")"
grep -q "Urgent asks by month: .* 1 urgent of 2" "$tmp/list" || fail "urgent count: $(cat "$tmp/list")"
ok

# --- each practice answers for itself; Jo's feed has F84001's, not F84002's
[ "$(jo ask answer 1 ack --json | json 'd["version"]')" = 1 ] || fail "jo ack"
[ "$(jo ask answer 1 done --note "Sent to the ICB" --link https://example.org/flu.xlsx \
  --version 1 --json | json 'd["state"]')" = ask_done ] || fail "jo done"
expect 1 sam ask answer 1 decline; one_line "decline without reason"
[ "$(sam ask answer 1 decline --reason "Our data lead is away" --json | json 'd["practice"]')" = F84002 ] ||
  fail "sam decline"
expect 2 jo ask answer 1 ack --practice F84002; one_line "answering for another practice"
grep -q "F84002's practice manager" "$tmp/err" || fail "other-practice message: $(cat "$tmp/err")"
expect 2 jo ask answer 1 ack --version 1
grep -q "meanwhile" "$tmp/err" || fail "stale answer: $(cat "$tmp/err")"
grep -q "Sent to the ICB" "$tmp/out" "$tmp/err" || fail "conflict does not show the answer"
wait_feed "F84001 answered ask 1: done - Sent to the ICB"
mgr ask close 2 > /dev/null # a marker Jo sees after Sam's answer
wait_feed "closed ask 2"
grep -q "F84002 answered" "$tmp/feed.out" && fail "Jo's feed showed F84002's answer"
ok

# --- show and load: the asker sees every practice, Jo their own
[ "$(mgr ask show 1 --json | json 'len(d["answers"])')" = 2 ] || fail "manager sees both answers"
[ "$(jo ask show 1 --json | json 'd["answers"][0]["practice"]')" = F84001 ] || fail "jo's answer"
[ "$(jo ask show 1 --json | json 'len(d["answers"])')" = 1 ] || fail "jo sees only F84001's answer"
mgr ask show 1 > "$tmp/show"
grep -q "F84002   declined" "$tmp/show" || fail "show: $(cat "$tmp/show")"
[ "$(mgr ask load --json | json 'len(d["practices"])')" = 3 ] || fail "manager's load"
[ "$(sam ask load --json | json 'd["practices"][0]["received_30d"]')" = 1 ] || fail "sam's load"
[ "$(sam ask load --json | json 'len(d["practices"])')" = 1 ] || fail "sam sees own row"
mgr ask load | grep -q "F84001   Riverside Surgery" || fail "load table"
ok

# --- closing fixes the answers; stale versions and permissions refused
expect 2 mgr ask close 1 --version 9
grep -q "meanwhile" "$tmp/err" || fail "stale close: $(cat "$tmp/err")"
grep -q "Flu vaccine uptake" "$tmp/out" || fail "conflict does not show the ask"
expect 2 jo ask close 1; one_line "jo closing"
[ "$(mgr ask close 1 --json | json 'd["state"]')" = ask_closed ] || fail "close --json"
expect 2 jo ask answer 1 ack; grep -q "closed" "$tmp/err" || fail "answer after close"
[ "$(jo ask list --json | json 'len(d["asks"])')" = 0 ] || fail "open asks after closing"
[ "$(jo ask list --state all --json | json 'len(d["asks"])')" = 2 ] || fail "all asks"
ok

# --- recurring asks
sid=$(mgr ask repeat --title "ARRS claim" --to all --monthly 10 --json | json 'd["id"]')
[ "$sid" = 1 ] || fail "repeat --json gave $sid"
[ "$(sam ask repeat --json | json 'd["series"][0]["title"]')" = "ARRS claim" ] || fail "sam sees the series"
mgr ask repeat --title "Quarterly return" --to F84001 --quarterly 01-15 > /dev/null
[ "$(sam ask repeat --json | json 'len(d["series"])')" = 1 ] || fail "sam sees only series to F84002"
mgr ask repeat > "$tmp/series"
grep -q "monthly, day 10" "$tmp/series" || fail "repeat list: $(cat "$tmp/series")"
expect 2 jo ask repeat --stop 1; one_line "jo stopping"
[ "$(mgr ask repeat --stop 1 --json | json 'd["stopped"]')" = True ] || fail "stop"
[ "$(mgr ask repeat --all --json | json 'len(d["series"])')" = 2 ] || fail "repeat --all"
ok

# --- usage errors: one line, exit 1
expect 1 mgr ask new --title x --to F84001; one_line "missing --due"
expect 1 mgr ask new --title x --to F84001 --due 2026-02-30; one_line "bad date"
expect 1 mgr ask new --title x --due "$fair"; one_line "missing --to"
expect 1 jo ask answer 1 maybe; one_line "bad answer"
expect 1 jo ask answer 1 done; one_line "done without note"
expect 1 mgr ask list --state sideways; one_line "bad state"
expect 1 mgr ask show seven; one_line "bad id"
expect 1 mgr ask repeat --title x --to all --monthly 40; one_line "bad day"
expect 1 mgr ask repeat --title x --to all --monthly 1 --yearly 03-31; one_line "two repeats"
expect 1 mgr ask repeat --stop 1 --list; one_line "stop and list"
expect 2 mgr ask new --title x --to Z99999 --due "$fair"; one_line "unknown practice"
ok

# --- titles: whole without a terminal, cut only at the terminal's width
long="Practice list cleansing figures for the quarter, with the deductions made"
mgr ask new --title "$long" --to F84001 --due "$fair" > /dev/null
mgr ask list > "$tmp/list"
grep -qF "$long" "$tmp/list" || fail "title cut without a terminal: $(cat "$tmp/list")"
COLUMNS=200 mgr ask list | grep -qF "$long" || fail "title cut at 200 columns"
COLUMNS=90 mgr ask list > "$tmp/list90"
grep -qF "$long" "$tmp/list90" && fail "title not cut at 90 columns"
grep -q "Practice list cleansing.*…" "$tmp/list90" || fail "no cut mark: $(cat "$tmp/list90")"
ok

# --- help
mgr ask --help | grep -q 'pcn ask repeat' || fail "pcn ask --help"
mgr ask answer --help | grep -q -- '--reason TEXT' || fail "pcn ask answer --help"
mgr ask repeat --help | grep -q -- '--monthly 10' || fail "pcn ask repeat --help example"
ok

cli_stop_feed || true
echo "$passed passed, 0 failed"
