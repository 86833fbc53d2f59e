#!/usr/bin/env bash
# Tasks through the real pcn binary against a real pcnd (issue 20): one
# order across the network's and the practice's tasks; overdue marked in
# list and show (a word, and "overdue": true in --json) by today's London
# date, and `--overdue` listing only those; a recurring task closed makes
# the next; the reminder of an overdue task in Jo's feed after a restart,
# once; titles cut only at the terminal's width ($COLUMNS here), never
# without a terminal; usage errors in one line (exit 1); --help.
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
london() { python3 -c "import datetime, zoneinfo; print((datetime.datetime.now(zoneinfo.ZoneInfo('Europe/London')) + datetime.timedelta(days=$1)).date())"; }

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001
ok

# --- one order: network 15, 15, 18 and the practice's 09, 20; undated last
long="Collect the flu clinic consent forms from every branch site before the audit"
mgr task add --title "Net 15a" --due 2030-12-15 > /dev/null
mgr task add --title "Net 15b" --due 2030-12-15 > /dev/null
mgr task add --title "Net 18" --due 2030-12-18 > /dev/null
jo task add --title "$long" --practice F84001 --due 2030-12-09 > /dev/null
jo task add --title "Riverside 20" --practice F84001 --due 2030-12-20 > /dev/null
jo task add --title "Undated" --practice F84001 > /dev/null
order=$(jo task list --json | json '",".join(t["due"] or "-" for t in d["tasks"])')
[ "$order" = "2030-12-09,2030-12-15,2030-12-15,2030-12-18,2030-12-20,-" ] ||
  fail "one order: $order"
ok

# --- titles: whole without a terminal, cut at $COLUMNS
jo task list > "$tmp/list"
grep -qF "$long" "$tmp/list" || fail "title cut without a terminal: $(cat "$tmp/list")"
COLUMNS=80 jo task list > "$tmp/list80"
grep -qF "$long" "$tmp/list80" && fail "title not cut at 80 columns"
grep -q "Collect the flu clinic.*…" "$tmp/list80" || fail "no cut mark: $(cat "$tmp/list80")"
python3 -c "import sys; sys.exit(max(len(l.rstrip('\n')) for l in open('$tmp/list80', encoding='utf-8')) > 80)" ||
  fail "a line is wider than 80 columns: $(cat "$tmp/list80")"
COLUMNS=200 jo task list | grep -qF "$long" || fail "title cut at 200 columns"
# Cut by characters, never inside one: a title of two-byte letters.
jo task add --title "Überprüfung für König Straße: ärztliche Einverständniserklärungen prüfen" \
  --practice F84001 --due 2030-12-10 > /dev/null
COLUMNS=72 jo task list > "$tmp/list72"
python3 -c "
import sys
lines = open('$tmp/list72', encoding='utf-8', errors='strict').read().splitlines()
sys.exit(max(len(l) for l in lines) > 72 or not any('Überprüfung' in l and l.endswith('…') for l in lines))" ||
  fail "UTF-8 title cut wrongly at 72 columns: $(cat "$tmp/list72")"
ok

# --- overdue: open and due before today in London
yesterday=$(london -1)
today=$(london 0)
id=$(jo task add --title "Send the rota" --practice F84001 --due "$yesterday" --json | json 'd["id"]')
jo task add --title "Due today" --practice F84001 --due "$today" > /dev/null
[ "$(jo task list --overdue --json | json '[t["id"] for t in d["tasks"]]')" = "[$id]" ] ||
  fail "--overdue: $(jo task list --overdue --json)"
[ "$(jo task list --overdue --json | json 'd["tasks"][0]["overdue"]')" = True ] || fail "overdue in json"
[ "$(jo task list --json | json '[t["overdue"] for t in d["tasks"] if t["due"] == "'"$today"'"]')" = "[False]" ] ||
  fail "due today is not overdue"
jo task list | grep -E "^ +$id +$yesterday +overdue " > /dev/null || fail "list word: $(jo task list)"
jo task show "$id" | grep -q "OVERDUE" || fail "show: $(jo task show "$id")"
[ "$(jo task show "$id" --json | json 'd["task"]["overdue"]')" = True ] || fail "show --json"
ok

# --- the reminder: the start-up tick sends it, once
cli_stop_pcnd
cli_start_pcnd
cli_feed jo --since 0
wait_feed "reminder to jo: task $id \"Send the rota\" (F84001) is overdue"
cli_stop_feed || true
cli_stop_pcnd
cli_start_pcnd
mgr task add --title "Marker" > /dev/null
cli_feed jo --since 0
wait_feed 'created task .* "Marker"'
[ "$(grep -c "reminder to jo: task $id " "$tmp/feed.out")" = 1 ] ||
  fail "reminded more than once: $(cat "$tmp/feed.out")"
cli_stop_feed || true
ok

# --- recurring: closing makes the next, month end stays month end
rid=$(jo task add --title "Figures to the PCN" --practice F84001 --due 2031-01-31 \
  --every month --json | json 'd["id"]')
next=$(jo task close "$rid" --json | json 'd["next_id"]')
[ "$(jo task show "$next" --json | json 'd["task"]["due"]')" = 2031-02-28 ] || fail "next due"
jo task show "$next" | grep -q "repeats: *every month" || fail "show repeats"
jo task update "$next" --version 1 --every none > /dev/null
[ "$(jo task close "$next" --json | json 'd["next_id"]')" = 0 ] || fail "--every none"
ok

# --- usage and refusals
expect 1 jo task add --title x --every month; one_line "every without due"
expect 1 jo task add --title x --due 2031-01-01 --every fortnight; one_line "bad every"
expect 1 jo task list --overdue --status closed; one_line "overdue closed"
ok

# --- help
jo task list --help | grep -q -- '--overdue' || fail "list --help"
jo task add --help | grep -q -- '--every week|month|quarter' || fail "add --help"
jo task update --help | grep -q -- '--every' || fail "update --help"
ok
echo "$passed passed, 0 failed"
