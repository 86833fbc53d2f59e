#!/usr/bin/env bash
# The month's statement reads the same everywhere (issue 13): the issue's
# repro (£12,345.67 received into arrs; £10,000.03 distributed by list
# size and £2,000 by weighted population in December), rendered as the
# table, the CSV, JSON and the PDF (read back with pdftotext -layout), each
# written with --out. The network's row adds up (held at start + received
# - distributed - claims paid - spent = held at end), the word for what a
# practice has been paid to date is the same in every format, and with no
# rates set the statement says why nothing is expected.
. "$(dirname "$0")/cli_common.bash" "$1"

cli_start_network
cli_add_practices
mgr funds figures --set F84001 --from 2026-04-01 --list-size 12000 --weighted 13250 > /dev/null
mgr funds figures --set F84002 --from 2026-04-01 --list-size 8000 --weighted 7400 > /dev/null
mgr funds receive --stream arrs --amount '£12,345.67' --date 2026-12-01 > /dev/null
mgr funds distribute --stream arrs --amount 10,000.03 --by list --date 2026-12-10 > /dev/null
mgr funds distribute --stream arrs --amount 2,000 --by weighted --date 2026-12-11 > /dev/null
ok

# --- the PDF: the network's row adds up
mgr funds statement --month 2026-12 --format pdf --out "$tmp/dec.pdf" > "$tmp/out"
grep -q "^Wrote $tmp/dec.pdf" "$tmp/out" || fail "pdf: $(cat "$tmp/out")"
pdftotext -layout -enc UTF-8 "$tmp/dec.pdf" "$tmp/dec.txt" || fail "pdftotext"
grep -E -q 'ARRS reimbursement +£0\.00 +£12,345\.67 +£12,000\.03 +£0\.00 +£0\.00 +£345\.64' \
  "$tmp/dec.txt" || fail "the network's ARRS row in the pdf: $(cat "$tmp/dec.txt")"
grep -E -q 'Network total +£0\.00 +£12,345\.67 +£12,000\.03 +£0\.00 +£0\.00 +£345\.64' \
  "$tmp/dec.txt" || fail "the network's total in the pdf: $(cat "$tmp/dec.txt")"
grep -q 'Balance' "$tmp/dec.txt" && fail "the pdf still says balance: $(grep Balance "$tmp/dec.txt")"
grep -q 'Paid to date: everything paid to the practice' "$tmp/dec.txt" ||
  fail "the pdf's notes: $(cat "$tmp/dec.txt")"
grep -q 'no income rates are set' "$tmp/dec.txt" || fail "expected unexplained in the pdf"
ok

# --- the CSV: F84001's paid to date, one word for one meaning
mgr funds statement --month 2026-12 --format csv --out "$tmp/dec.csv" > "$tmp/out"
grep -q "^Wrote $tmp/dec.csv" "$tmp/out" || fail "csv --out: $(cat "$tmp/out")"
head -1 "$tmp/dec.csv" | tr -d '\r' | grep -q \
  '^kind,month,ods,practice,locality,stream_code,stream,held_start,received,distributed,claims_paid,spent,held_end,paid,paid_to_date,expected$' ||
  fail "csv header: $(head -1 "$tmp/dec.csv")"
python3 - "$tmp/dec.csv" "$tmp/dec.txt" <<'PY' || fail "the csv and the pdf disagree"
import csv, sys, re
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
pdf = open(sys.argv[2]).read()
f1 = [r for r in rows if r['kind'] == 'practice' and r['ods'] == 'F84001' and r['stream_code'] == 'arrs'][0]
net = [r for r in rows if r['kind'] == 'network' and r['stream_code'] == 'arrs'][0]
assert 'balance' not in f1, f1
assert f1['paid_to_date'] == f1['paid'], f1
assert f1['held_end'] == '' and f1['expected'] == '', f1
p = lambda s: round(float(s) * 100)
assert p(net['held_start']) + p(net['received']) - p(net['distributed']) - p(net['claims_paid']) - p(net['spent']) == p(net['held_end']), net
assert p(net['distributed']) == sum(p(r['distributed']) for r in rows if r['kind'] == 'practice' and r['stream_code'] == 'arrs')
assert net['expected'] == '', net
# F84001's paid to date reads the same in the PDF's F84001 table
money = '£{:,.2f}'.format(p(f1['paid_to_date']) / 100)
sec = pdf[pdf.index('(F84001)'):]
line = [l for l in sec.splitlines() if 'ARRS reimbursement' in l][0]
assert line.split()[-1] == money, (line, money)
PY
ok

# --- the table and JSON, both with --out
mgr funds statement --month 2026-12 --out "$tmp/dec.table" > "$tmp/out"
grep -q "^Wrote $tmp/dec.table" "$tmp/out" || fail "table --out: $(cat "$tmp/out")"
grep -E -q '^ARRS reimbursement +0\.00 +12,345\.67 +12,000\.03 +0\.00 +0\.00 +345\.64' \
  "$tmp/dec.table" || fail "the network's row in the table: $(cat "$tmp/dec.table")"
grep -q 'no income rates are set' "$tmp/dec.table" || fail "expected unexplained in the table"
mgr funds statement --month 2026-12 --format json --out "$tmp/dec.json" > "$tmp/out"
grep -q "^Wrote $tmp/dec.json" "$tmp/out" || fail "json --out: $(cat "$tmp/out")"
[ "$(json '[(r.get("held_before", 0), r["balance"]) for r in d["rows"] if not r.get("practice")], d.get("rates_set", False)' < "$tmp/dec.json")" = "[(0, 34564)] False" ] ||
  fail "json: $(cat "$tmp/dec.json")"
mgr funds statement --month 2026-12 --json --out "$tmp/dec2.json" > /dev/null
cmp -s "$tmp/dec.json" "$tmp/dec2.json" || fail "--json and --format json differ"
expect 2 mgr funds statement --month 2026-12 --out "$tmp/no/such/dir/x.csv" --format csv
one_line "--out to a missing folder"
ok

echo "cli_statement: $passed groups passed"
