#!/usr/bin/env bash
# The funding plan through the real pcn binary: the PCN manager records
# two practices' figures (care-home beds too), sets this year's and last
# year's rates (a per-patient rate with four decimals, a fixed sum), a
# budget, money received and paid out; the practice managers read the
# rates, the expected income month by month against received, the budget
# report, and the statement's expected income, nominated payee and (in the
# PDF) budget table; and see the rates and budget in their `pcn feed`.
# --json on every verb, usage errors on one line (exit 1), refusals with
# the server's sentence (exit 2).
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
pat() { as pat "$@"; }

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001 "Jo Bloggs"
cli_add_member pat practice_manager F84002 "Pat Hill"
ok

# --- figures with beds: 12000 + 8001 = 20001 patients, 40 beds
mgr funds figures --set F84001 --from 2027-04-01 --list-size 12000 --weighted 13000 \
  --beds 40 > "$tmp/out"
grep -q 'list size 12000, weighted 13000, 40 care-home beds' "$tmp/out" ||
  fail "figures with beds: $(cat "$tmp/out")"
[ "$(mgr funds figures --set F84002 --from 2027-04-01 --list-size 8001 --weighted 7000 \
  --json | json 'd.get("beds", 0)')" = 0 ] || fail "figures without beds"
jo funds figures > "$tmp/out"
grep -E -q '^F84001 +2027-04-01 +12000 +13000 +40' "$tmp/out" || fail "beds listed: $(cat "$tmp/out")"
ok

cli_feed pat

# --- rates: four decimals, a fixed sum, last year's kept
mgr funds rate --set core --year 2027 --basis patient --rate 1.5023 --note "ICB letter" > "$tmp/out"
grep -q "^Set core's rate for 2027/28: £1.5023 per registered patient$" "$tmp/out" ||
  fail "rate set: $(cat "$tmp/out")"
wait_feed "set core's rate for 2027/28: £1.5023 per registered patient"
[ "$(mgr funds rate --set cd --year 2027 --basis fixed --rate '£68,000' --json |
  json 'd["rate_cp"]')" = 680000000 ] || fail "fixed rate --json"
mgr funds rate --set core --year 2026 --basis patient --rate 1.40 > /dev/null
mgr funds rate --set care-home --year 2027 --basis bed --rate 120.5 > /dev/null
jo funds rate --year 2027 > "$tmp/out"
grep -E -q '^2027/28 core +£1.5023 +per registered patient +ICB letter$' "$tmp/out" ||
  fail "rate list: $(cat "$tmp/out")"
grep -E -q '^2027/28 cd +£68,000.00 +for the year' "$tmp/out" || fail "fixed: $(cat "$tmp/out")"
grep -E -q '^2027/28 care-home +£120.50 +per care-home bed' "$tmp/out" || fail "bed: $(cat "$tmp/out")"
grep -q '2026/27' "$tmp/out" && fail "--year 2027 only: $(cat "$tmp/out")"
[ "$(pat funds rate --year 2026 --json | json 'd["rates"][0]["rate_cp"]')" = 14000 ] ||
  fail "last year's rate kept"
[ "$(pat funds rate --json | json 'len(d["rates"])')" = 4 ] || fail "every year's rates"
ok

# --- expected against received: 15023 x 20001 / 1200 = 250396.35 -> £2,503.96
mgr funds receive --stream core --amount 2,503.96 --date 2027-04-05 > /dev/null
jo funds expected --year 2027 --stream core > "$tmp/out"
grep -q '^Expected income for 2027/28 (April 2027 to March 2028)$' "$tmp/out" ||
  fail "expected heading: $(cat "$tmp/out")"
grep -E -q '^core +2027-04 +£2,503.96 +£2,503.96 +£0.00$' "$tmp/out" || fail "April: $(cat "$tmp/out")"
grep -E -q '^core +2028-03 +£2,503.96 +£0.00 +-£2,503.96$' "$tmp/out" || fail "March: $(cat "$tmp/out")"
grep -E -q '^total +£30,047.52 +£2,503.96 +-£27,543.56$' "$tmp/out" || fail "total: $(cat "$tmp/out")"
[ "$(pat funds expected --year 2027 --json |
  json '[r["expected"] for r in d["rows"] if r["stream"] == "cd"][:9]')" = \
  "[566667, 566667, 566667, 566667, 566667, 566667, 566667, 566667, 566666]" ] ||
  fail "fixed split over the months"
# 120.50 x 40 beds / 12 = 401.666.. -> £401.67
[ "$(pat funds expected --year 2027 --stream care-home --json | json 'd["rows"][0]["expected"]')" = 40167 ] ||
  fail "per bed"
ok

# --- budgets against actuals
mgr funds budget --year 2027 --set core --amount 50,000 > "$tmp/out"
grep -q "^Set core's budget for 2027/28: £50,000.00$" "$tmp/out" || fail "budget set: $(cat "$tmp/out")"
wait_feed "set core's budget for 2027/28: £50,000.00"
mgr funds distribute --stream core --amount 1,000 --by equal --date 2027-04-15 > /dev/null
mgr funds expense --stream core --amount 200 --payee "Pat Jones" --date 2027-05-02 > /dev/null
[ "$(mgr funds budget --year 2027 --set iif --amount 0 --json | json 'd.get("pence", 0)')" = 0 ] ||
  fail "budget 0 --json"
pat funds budget --year 2027 > "$tmp/out"
grep -q '^Budgets for 2027/28, as at ' "$tmp/out" || fail "budget heading: $(cat "$tmp/out")"
grep -E -q '^core +£50,000.00 +£30,047.52 +£2,503.96 +£1,000.00 +£0.00 +£200.00 +£48,800.00$' \
  "$tmp/out" || fail "budget row: $(cat "$tmp/out")"
grep -q '^iif' "$tmp/out" && fail "a cleared budget shows: $(cat "$tmp/out")"
[ "$(jo funds budget --year 2027 --json |
  json '[r["remaining"] for r in d["rows"] if r["stream"] == "core"][0]')" = 4880000 ] ||
  fail "budget --json"
ok

# --- the statement: expected against received, the nominated payee
pat funds statement --month 2027-04 > "$tmp/out"
grep -q '^Nominated payee: not recorded\.' "$tmp/out" || fail "no payee: $(cat "$tmp/out")"
grep -E -q '^Core PCN funding +0.00 +2,503.96 +1,000.00 +0.00 +0.00 +1,503.96 +2,503.96$' "$tmp/out" ||
  fail "core expected: $(cat "$tmp/out")"
grep -E -q '^Clinical director( +0.00){6} +5,666.67$' "$tmp/out" || fail "cd expected: $(cat "$tmp/out")"
grep -q 'Expected: the income the year' "$tmp/out" || fail "expected explained: $(cat "$tmp/out")"
[ "$(pat funds statement --month 2027-04 --json | json 'd["expected"]')" = \
  "$((250396 + 566667 + 40167))" ] || fail "statement --json expected"
mgr network set --payee F84001 > /dev/null
pat funds statement --month 2027-04 > "$tmp/out"
grep -q '^Nominated payee: Riverside Surgery (F84001)\.' "$tmp/out" || fail "payee: $(cat "$tmp/out")"
pat funds statement --month 2027-04 --format csv | tr -d '\r' > "$tmp/out"
grep -q '^network,2027-04,,,,cd,Clinical director,0.00,0.00,0.00,0.00,0.00,0.00,,,5666.67$' "$tmp/out" || fail "csv: $(cat "$tmp/out")"
pat funds statement --month 2027-05 --format pdf --out "$tmp/s.pdf" > "$tmp/out"
grep -q '^Wrote ' "$tmp/out" || fail "pdf: $(cat "$tmp/out")"
pdftotext -enc UTF-8 "$tmp/s.pdf" "$tmp/s.txt" || fail "pdftotext"
grep -q 'Riverside Surgery (F84001)' "$tmp/s.txt" || fail "payee in the pdf: $(cat "$tmp/s.txt")"
grep -q '£50,000.00' "$tmp/s.txt" || fail "budget in the pdf: $(cat "$tmp/s.txt")"
grep -q '£1,200.00' "$tmp/s.txt" || fail "actual to date in the pdf: $(cat "$tmp/s.txt")"
grep -q '£48,800.00' "$tmp/s.txt" || fail "budget left in the pdf: $(cat "$tmp/s.txt")"
ok

# --- usage errors: one line, exit 1
expect 1 mgr funds rate --set core --year 2027 --basis head --rate 1; one_line "basis"
expect 1 mgr funds rate --set core --year 2027 --basis patient --rate 1.50231; one_line "5 decimals"
grep -q '1.50231' "$tmp/err" || fail "rate named: $(cat "$tmp/err")"
expect 1 mgr funds rate --set core --year 2027 --basis patient --rate -1; one_line "negative"
expect 1 mgr funds rate --set core --year 2027 --basis patient; one_line "no rate"
expect 1 jo funds rate --year 27; one_line "year"
expect 1 jo funds expected --year 2027/28; one_line "year"
expect 1 mgr funds budget --set core --amount 12.345; one_line "amount"
expect 1 mgr funds budget --amount 5; one_line "amount without --set"
ok

# --- refusals: exit 2, the server's sentence
expect 2 jo funds rate --set core --year 2027 --basis patient --rate 1
one_line "pm sets a rate"; grep -q "may not set a funding rate" "$tmp/err" || fail "pm: $(cat "$tmp/err")"
expect 2 mgr funds rate --set nope --year 2027 --basis patient --rate 1
grep -q "no funding stream 'nope'" "$tmp/err" || fail "stream: $(cat "$tmp/err")"
expect 2 pat funds budget --year 2027 --set core --amount 1
grep -q "may not set a budget" "$tmp/err" || fail "pm budget: $(cat "$tmp/err")"
expect 2 jo funds expected --year 2027 --stream nope
grep -q "no funding stream 'nope'" "$tmp/err" || fail "expected stream: $(cat "$tmp/err")"
[ "$(jo funds rate --year 2027 --json | json '[r["rate_cp"] for r in d["rates"] if r["stream"] == "core"][0]')" = 15023 ] ||
  fail "refused rates changed nothing"
ok

cli_stop_feed || true
echo "cli_plan: $passed groups passed"
