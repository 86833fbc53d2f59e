#!/usr/bin/env bash
# The shared-staff equity report through the real pcn binary: sessions
# from a rota, money distributed in the period (a reversal inside it nets
# out), two localities; the table, --json, CSV and the PDF (its pages and
# the practices' names read back with poppler), a usage error on one line
# (exit 1) and a bad date.
. "$(dirname "$0")/cli_common.bash" "$1"

cli_start_network
cli_add_practices # F84001 12000 patients, F84002 8000: 60% and 40%
cli_add_practice F84003 "Brook Lane" 5000
mgr funds figures --set F84001 --from 2026-04-01 --list-size 12000 --weighted 12000 \
  --locality North > /dev/null
mgr funds figures --set F84002 --from 2026-04-01 --list-size 8000 --weighted 8000 \
  --locality South > /dev/null
mgr funds figures --set F84003 --from 2026-04-01 --list-size 5000 --weighted 5000 \
  --locality North > /dev/null
ok

# --- the rota: Sam at Riverside Mon and Tue (4 sessions), Ria at Hill
# Street Wed (2), Lee at Brook Lane Thu (2)
mgr staff add --name "Sam Patel" --role "clinical pharmacist" --practice F84001 --wte 1 \
  --cost 42,000 > /dev/null
mgr staff add --name "Ria Khan" --role "paramedic" --practice F84002 --wte 1 --cost 40,000 \
  > /dev/null
mgr staff add --name "Lee Jones" --role "dietitian" --practice F84003 --wte 1 --cost 38,000 \
  > /dev/null
mgr staff assign 1 mon,tue F84001 --week 2026-11-23 > /dev/null
mgr staff assign 2 wed F84002 --week 2026-11-23 > /dev/null
mgr staff assign 3 thu F84003 --week 2026-11-23 > /dev/null

# --- the money: £600 + £300 + £100 in the week, £50 reversed inside it,
# £1,000 the week after (not counted)
mgr funds receive --stream core --amount 5,000 --date 2026-11-02 > /dev/null
mgr funds distribute --stream core --amount 1,000 --by fixed \
  --to F84001=600,F84002=300,F84003=100 --date 2026-11-24 > /dev/null
id=$(mgr funds distribute --stream core --amount 50 --by fixed --to F84003=50 \
  --date 2026-11-25 --json | json 'd["id"]')
mgr funds reverse "$id" --note "wrong week" --date 2026-11-26 > /dev/null
mgr funds distribute --stream core --amount 1,000 --by fixed --to F84002=1000 \
  --date 2026-11-30 > /dev/null
ok

# --- the table: sessions 4:2:2 of 8, money 600:300:100 of 1000, list
# 12000:8000:5000 of 25000 (48%, 32%, 20%)
as mgr staff equity --from 2026-11-23 --to 2026-11-27 > "$tmp/eq"
grep -E -q '^F84001 +Riverside Surgery +4 +50.00 +12000 +48.00 +\+2.00 +£600.00 +60.00 +\+12.00$' \
  "$tmp/eq" || fail "equity F84001: $(cat "$tmp/eq")"
grep -E -q '^F84003 +Brook Lane +2 +25.00 +5000 +20.00 +\+5.00 +£100.00 +10.00 +-10.00$' \
  "$tmp/eq" || fail "equity F84003: $(cat "$tmp/eq")"
grep -E -q '^North +6 +75.00 +17000 +68.00 +\+7.00 +£700.00 +70.00 +\+2.00$' "$tmp/eq" ||
  fail "equity North: $(cat "$tmp/eq")"
grep -E -q '^South +2 +25.00 +8000 +32.00 +-7.00 +£300.00 +30.00 +-2.00$' "$tmp/eq" ||
  fail "equity South: $(cat "$tmp/eq")"
grep -q '8 sessions delivered (8 on the rota, 0 lost to leave); list size 25000; £1,000.00 paid to practices.' \
  "$tmp/eq" || fail "equity totals: $(cat "$tmp/eq")"
ok

# --- --json: the server's report as it is
as mgr staff equity --from 2026-11-23 --to 2026-11-27 --json > "$tmp/j"
[ "$(json 'd["distributed"]' < "$tmp/j")" = 100000 ] || fail "json distributed: $(cat "$tmp/j")"
[ "$(json '[r["money_share_bp"] for r in d["rows"]]' < "$tmp/j")" = "[6000, 3000, 1000]" ] ||
  fail "json money shares: $(cat "$tmp/j")"
[ "$(json '[(r["practice"], r["money_deviation_bp"]) for r in d["localities"]]' < "$tmp/j")" = \
  "[('North', 200), ('South', -200)]" ] || fail "json localities: $(cat "$tmp/j")"
ok

# --- csv: one row per practice and per locality
as mgr staff equity --from 2026-11-23 --to 2026-11-27 --format csv > "$tmp/c"
head -1 "$tmp/c" | grep -q '^kind,key,name,locality,sessions,sessions_share,distributed,money_share,list_size,list_share,sessions_deviation,money_deviation$' ||
  fail "csv header: $(cat "$tmp/c")"
grep -q '^practice,F84002,Hill Street,South,2,25.00,300.00,30.00,8000,32.00,-7.00,-2.00$' "$tmp/c" ||
  fail "csv practice: $(cat "$tmp/c")"
grep -q '^locality,North,,,6,75.00,700.00,70.00,17000,68.00,7.00,2.00$' "$tmp/c" ||
  fail "csv locality: $(cat "$tmp/c")"
[ "$(wc -l < "$tmp/c")" -eq 6 ] || fail "csv rows: $(cat "$tmp/c")"
ok

# --- the PDF: a page or more, with every practice and locality named
as mgr staff equity --from 2026-11-23 --to 2026-11-27 --format pdf --out "$tmp/e.pdf" \
  > "$tmp/out"
grep -q "^Wrote $tmp/e.pdf\$" "$tmp/out" || fail "pdf: $(cat "$tmp/out")"
pdfinfo "$tmp/e.pdf" > "$tmp/info" 2>&1 || fail "pdfinfo: $(cat "$tmp/info")"
[ "$(awk '/^Pages:/ {print $2}' "$tmp/info")" -ge 1 ] || fail "pages: $(cat "$tmp/info")"
pdftotext -enc UTF-8 "$tmp/e.pdf" "$tmp/e.txt" || fail "pdftotext"
for name in "Riverside Surgery" "Hill Street" "Brook Lane" North South "Riverside PCN" \
  "£600.00"; do
  grep -q "$name" "$tmp/e.txt" || fail "'$name' in the pdf: $(cat "$tmp/e.txt")"
done
ok

# --- issue 20: ARRS (pass-through) paid to F84003 for its own staff in a
# week of its own is left out of the money share and named; counted with
# --include-pass-through. Core 300:100 to F84001, F84002 -> 75%, 25%;
# with £600 ARRS to F84003: 300:100:600 -> 30%, 10%, 60%.
mgr funds receive --stream arrs --amount 600 --date 2026-12-01 > /dev/null
mgr funds distribute --stream core --amount 400 --by fixed --to F84001=300,F84002=100 \
  --date 2026-12-08 > /dev/null
mgr funds distribute --stream arrs --amount 600 --by fixed --to F84003=600 \
  --date 2026-12-09 > /dev/null
as mgr staff equity --from 2026-12-07 --to 2026-12-11 > "$tmp/eq"
grep -q '£400.00 paid to practices' "$tmp/eq" || fail "pass-through left out: $(cat "$tmp/eq")"
grep -q 'Left out of the money share: pass-through arrs (£600.00 paid to practices)' "$tmp/eq" ||
  fail "left out named: $(cat "$tmp/eq")"
grep -E -q '^arrs +F84003 +£600.00 +100.00  pass-through, left out$' "$tmp/eq" ||
  fail "arrs row: $(cat "$tmp/eq")"
[ "$(as mgr staff equity --from 2026-12-07 --to 2026-12-11 --json |
  json '[r["money_share_bp"] for r in d["rows"]]')" = "[7500, 2500, 0]" ] || fail "default shares"
[ "$(as mgr staff equity --from 2026-12-07 --to 2026-12-11 --include-pass-through --json |
  json '[r["money_share_bp"] for r in d["rows"]]')" = "[3000, 1000, 6000]" ] || fail "included shares"
as mgr staff equity --from 2026-12-07 --to 2026-12-11 --format pdf --out "$tmp/p.pdf" > /dev/null
pdftotext -enc UTF-8 "$tmp/p.pdf" - | tr '\n' ' ' > "$tmp/p.txt"
grep -q 'Left out of the money share: pass-through arrs' "$tmp/p.txt" ||
  fail "pdf names what was left out: $(cat "$tmp/p.txt")"
ok

# --- usage errors on one line (exit 1); a bad date never reaches the
# server
expect 1 mgr staff equity --from 2026-11-23; one_line "equity without --to"
expect 1 mgr staff equity --from 2026-11-23 --to 2026-11-27 --format xls
one_line "bad format"
expect 1 mgr staff equity --from 2026-11-23 --to 2026-11-27 --format pdf
one_line "pdf without --out"
expect 1 mgr staff equity --from 2026-11-31 --to 2026-12-01; one_line "bad date"
grep -q 'from' "$tmp/err" || fail "bad date names the field: $(cat "$tmp/err")"
# the server refuses a period that runs backwards, naming the field
expect 2 mgr staff equity --from 2026-11-27 --to 2026-11-23; one_line "backwards"
grep -q 'to' "$tmp/err" || fail "backwards names to: $(cat "$tmp/err")"
ok
echo "cli_equity: $passed groups passed"
