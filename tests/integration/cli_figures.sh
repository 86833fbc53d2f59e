#!/usr/bin/env bash
# One history of figures per practice (issue 13), through the real pcn
# binary: the list size a practice is added with is its first figure, in
# force from the start, and is what distributions --by list, expected
# income, the ARRS ceiling and the equity report all use; a later
# `funds figures --set` (or `practice update --list-size`) changes all of
# them from its date, and reading a practice shows the figure in force
# today. The equity report reads the figures in force on the period's
# last day, so the week of Monday 30 November shows the localities of
# figures that start on 1 December, and it says which figures it used.
. "$(dirname "$0")/cli_common.bash" "$1"

cli_start_network
cli_add_practices # F84001 12000, F84002 8000: as added, from the start
today=$(date -u +%F)

# shares DATE BY: the preview of £1,000 of core split --by BY on DATE, as
# "F84001=pence F84002=pence ..."
shares() {
  mgr funds distribute --stream core --amount 1,000 --by "$2" --date "$1" --preview \
    --json | json '" ".join("%s=%d" % (l["account"].split(":")[1], l["pence"]) for l in d["lines"] if l["account"].startswith("practice:"))'
}
# equity FROM TO EXPR: EXPR over the equity report's --json as d
equity() { mgr staff equity --from "$1" --to "$2" --json | json "$3"; }

# --- reading a practice: the list size it was added with
mgr practice list > "$tmp/out"
grep -E -q '^F84001 +12000 +as added +Riverside Surgery$' "$tmp/out" ||
  fail "practice list: $(cat "$tmp/out")"
[ "$(mgr funds figures --practice F84002 --json | json '[(f.get("applies_from", ""), f["list_size"]) for f in d["figures"]]')" = \
  "[('', 8000)]" ] || fail "the first figure is in the history: $(mgr funds figures --json)"
mgr funds figures > "$tmp/out"
grep -E -q '^F84001 +as added +12000 +0 +0 *$' "$tmp/out" || fail "figures list: $(cat "$tmp/out")"
ok

# --- the list size of practice add splits money and sets the equity
# report's list share (on main a distribution --by list refused: "no
# figures in force")
mgr funds receive --stream core --amount 10,000 --date 2026-11-02 > /dev/null
[ "$(shares 2026-11-10 list)" = "F84001=60000 F84002=40000" ] ||
  fail "--by list on the list sizes of practice add: $(shares 2026-11-10 list)"
[ "$(equity 2026-11-23 2026-11-27 '[r["list_size"] for r in d["rows"]]')" = "[12000, 8000]" ] ||
  fail "equity list sizes"
[ "$(equity 2026-11-23 2026-11-27 '[r["list_share_bp"] for r in d["rows"]]')" = "[6000, 4000]" ] ||
  fail "equity list shares"
# A list size is not a weighted population: --by weighted says what to do.
expect 2 mgr funds distribute --stream core --amount 1,000 --by weighted --date 2026-11-10 \
  --preview
one_line "weighted without a weighted population"
grep -q 'F84001 has a list size but no weighted population in force on 2026-11-10; record it with pcn funds figures --set F84001' \
  "$tmp/err" || fail "weighted refusal: $(cat "$tmp/err")"
ok

# --- expected income and the ARRS ceiling count the same list sizes:
# £1.20 x 20000 / 12 = £2,000.00 a month; £10 x 20000 = £200,000
mgr funds rate --set core --year 2026 --basis patient --rate 1.20 > /dev/null
[ "$(mgr funds expected --year 2026 --stream core --json | json '[r["expected"] for r in d["rows"]][7]')" = 200000 ] ||
  fail "expected income on the list sizes of practice add: $(mgr funds expected --year 2026 --stream core --json)"
mgr funds rate --set arrs --year 2026 --basis patient --rate 10 > /dev/null
[ "$(mgr funds headroom --year 2026 --json | json 'd["ceiling"]')" = 20000000 ] ||
  fail "ARRS ceiling on the list sizes of practice add: $(mgr funds headroom --year 2026 --json)"
ok

# --- figures from 1 December change all of them from that day
mgr funds figures --set F84001 --from 2026-12-01 --list-size 9000 --weighted 9500 \
  --locality North > /dev/null
mgr funds figures --set F84002 --from 2026-12-01 --list-size 9000 --weighted 8500 \
  --locality South > /dev/null
[ "$(shares 2026-12-02 list)" = "F84001=50000 F84002=50000" ] || fail "--by list from 1 December"
[ "$(shares 2026-11-10 list)" = "F84001=60000 F84002=40000" ] || fail "November keeps its figures"
[ "$(shares 2026-12-02 weighted)" = "F84001=52778 F84002=47222" ] || fail "--by weighted"
[ "$(mgr funds expected --year 2026 --stream core --json | json '[r["expected"] for r in d["rows"]][8]')" = 180000 ] ||
  fail "December's expected income: 1.20 x 18000 / 12"
mgr practice show F84001 > "$tmp/out"
grep -E -q '^list size: +9000 \(from 2026-12-01\)$' "$tmp/out" || fail "practice show: $(cat "$tmp/out")"
[ "$(mgr practice list --json | json '[(p["list_size"], p["list_size_from"]) for p in d["practices"]]')" = \
  "[(9000, '2026-12-01'), (9000, '2026-12-01')]" ] || fail "practice list --json"
ok

# --- the week of Monday 30 November: the figures in force on its last
# day, so both localities, and the report says which figures it used
# (on main: the figures of 30 November, no localities, 12000:8000)
[ "$(equity 2026-11-30 2026-12-04 '[(l["practice"], l["list_size"]) for l in d["localities"]]')" = \
  "[('North', 9000), ('South', 9000)]" ] ||
  fail "30 November week's localities: $(mgr staff equity --from 2026-11-30 --to 2026-12-04 --json)"
[ "$(equity 2026-11-30 2026-12-04 '[r["list_size"] for r in d["rows"]]')" = "[9000, 9000]" ] ||
  fail "30 November week's list sizes"
[ "$(equity 2026-11-30 2026-12-04 '(d["figures_as_at"], [r["figures_from"] for r in d["rows"]])')" = \
  "('2026-12-04', ['2026-12-01', '2026-12-01'])" ] ||
  fail "which figures (--json): $(mgr staff equity --from 2026-11-30 --to 2026-12-04 --json)"
mgr staff equity --from 2026-11-30 --to 2026-12-04 > "$tmp/out"
grep -E -q '^North +0 +0.00 +9000 +50.00 ' "$tmp/out" || fail "locality table: $(cat "$tmp/out")"
grep -q '^List sizes and localities are the figures in force on 2026-12-04, the period.s last day: F84001 from 2026-12-01, F84002 from 2026-12-01.$' \
  "$tmp/out" || fail "which figures (table): $(cat "$tmp/out")"
mgr staff equity --from 2026-11-30 --to 2026-12-04 --format pdf --out "$tmp/e.pdf" > /dev/null
pdftotext -enc UTF-8 "$tmp/e.pdf" - | tr '\n' ' ' > "$tmp/e.txt"
grep -q "figures in force on 2026-12-04, the period.s last day" "$tmp/e.txt" ||
  fail "which figures (pdf): $(cat "$tmp/e.txt")"
# The week before still reads the list sizes of practice add.
mgr staff equity --from 2026-11-23 --to 2026-11-27 > "$tmp/out"
grep -q 'in force on 2026-11-27, the period.s last day: F84001 as added, F84002 as added.$' \
  "$tmp/out" || fail "as added (table): $(cat "$tmp/out")"
ok

# --- practice update --list-size records a figure (today, or --from),
# keeping that day's weighted population and locality
mgr practice update F84002 --list-size 10000 --from 2026-12-03 > "$tmp/out"
grep -E -q '^list size: +10000 \(from 2026-12-03\)$' "$tmp/out" || fail "update --from: $(cat "$tmp/out")"
[ "$(mgr funds figures --practice F84002 --as-at 2026-12-03 --json |
  json '[(f["list_size"], f["weighted"], f["locality"]) for f in d["figures"]]')" = \
  "[(10000, 8500, 'South')]" ] || fail "the figure practice update recorded"
[ "$(shares 2026-12-03 list)" = "F84001=47368 F84002=52632" ] || fail "--by list after update"
[ "$(equity 2026-11-30 2026-12-04 '[r["list_size"] for r in d["rows"]]')" = "[9000, 10000]" ] ||
  fail "equity after update"
mgr practice update F84001 --list-size 9100 --json > "$tmp/out"
[ "$(json '(d["list_size"], d["list_size_from"])' < "$tmp/out")" = "(9100, '$today')" ] ||
  fail "update without --from is today: $(cat "$tmp/out")"
ok

# --- practice add --from: no list size before that date
mgr practice add --ods F84003 --name "Brook Lane" --list-size 5000 --from 2026-12-01 > /dev/null
[ "$(equity 2026-11-23 2026-11-27 '[r["list_size"] for r in d["rows"]]')" = "[12000, 8000, 0]" ] ||
  fail "added from 1 December"
expect 2 mgr funds distribute --stream core --amount 1,000 --by list --date 2026-11-10 --preview
grep -q 'F84003 has no figures in force on 2026-11-10' "$tmp/err" || fail "no figures: $(cat "$tmp/err")"
expect 1 mgr practice update F84003 --from 2026-12-01; one_line "--from without --list-size"
expect 1 mgr practice add --ods F84004 --name X --list-size 1 --from 2026-13-01; one_line "bad --from"
mgr practice --help > /dev/null 2>&1 || true
mgr practice update --help 2>&1 | grep -q -- '--from' || fail "update --help names --from"
ok

echo "$passed passed, 0 failed"
