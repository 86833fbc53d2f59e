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

# --- issue 20's second repro: the network's rows with a claim paid and an
# expense in the month. Every row's columns add up in the table, the CSV,
# JSON and the PDF's text: held at start + received - distributed -
# claims paid - spent = held at end for the network; distributed + claims
# paid = paid for a practice. January 2027, core: £5,000.00 in, £2,000.00
# by list size, a £165.00 backfill claim to F84001, a £1,234.56 invoice:
# £1,600.44 held at the month's end.
cli_add_member dr.khan clinician F84001 "Dr Khan"
mgr funds claim rate --role gp --per-hour 110.00 > /dev/null
mgr meeting new --title "PCN board" --start "2026-11-16 10:00" --minutes 90 --invite dr.khan \
  > /dev/null
mgr meeting attend 1 dr.khan > /dev/null
mgr funds receive --stream core --amount 5,000 --date 2027-01-04 > /dev/null
mgr funds expense --stream core --amount 1,234.56 --payee "Estates Ltd" --ref INV-7781 \
  --date 2027-01-06 > /dev/null
cid=$(mgr funds claim backfill --meeting 1 --user dr.khan --role gp --json | json 'd["id"]')
mgr funds claim approve "$cid" --stream core --date 2027-01-08 --version 1 > /dev/null
mgr funds distribute --stream core --amount 2,000 --by list --date 2027-01-10 > /dev/null
mgr funds statement --month 2027-01 --out "$tmp/jan.table" > /dev/null
mgr funds statement --month 2027-01 --format csv --out "$tmp/jan.csv" > /dev/null
mgr funds statement --month 2027-01 --format json --out "$tmp/jan.json" > /dev/null
mgr funds statement --month 2027-01 --format pdf --out "$tmp/jan.pdf" > /dev/null
pdftotext -layout -enc UTF-8 "$tmp/jan.pdf" "$tmp/jan.txt" || fail "pdftotext january"
grep -E -q '^Core PCN funding +0\.00 +5,000\.00 +2,000\.00 +165\.00 +1,234\.56 +1,600\.44' \
  "$tmp/jan.table" || fail "core's network row in the table: $(cat "$tmp/jan.table")"
grep -E -q 'Core PCN funding +£0\.00 +£5,000\.00 +£2,000\.00 +£165\.00 +£1,234\.56 +£1,600\.44' \
  "$tmp/jan.txt" || fail "core's network row in the pdf: $(cat "$tmp/jan.txt")"
python3 - "$tmp/jan.table" "$tmp/jan.csv" "$tmp/jan.json" "$tmp/jan.txt" <<'PY' ||
import csv, json, re, sys
p = lambda s: round(float(s.replace('£', '').replace(',', '')) * 100)
# The network's rows of the table and the PDF: six amounts that add up
# (the table's and the PDF's network sections hold every stream's row).
def network_rows(text, pound):
    amt = (r'£' if pound else '') + r'-?[0-9,]+\.[0-9]{2}'
    out = []
    for l in text.splitlines():
        m = re.match(r'^\s*(Core PCN funding|ARRS reimbursement|Network total)((?:\s+' + amt + r'){6})\s*$', l)
        if m:
            out.append((m.group(1), [p(x) for x in m.group(2).split()]))
    return out
for name, pound in ((sys.argv[1], False), (sys.argv[4], True)):
    rows = network_rows(open(name).read(), pound)
    assert any(r[0] == 'Core PCN funding' for r in rows), (name, rows)
    for label, (start, rec, dist, claimed, spent, end) in rows:
        assert start + rec - dist - claimed - spent == end, (name, label)
rows = list(csv.DictReader(open(sys.argv[2], newline='')))
nets = [r for r in rows if r['kind'] in ('network', 'network_total')]
assert any(r['stream_code'] == 'core' and p(r['claims_paid']) == 16500 and p(r['spent']) == 123456 for r in nets), nets
for r in nets:
    assert p(r['held_start']) + p(r['received']) - p(r['distributed']) - p(r['claims_paid']) - p(r['spent']) == p(r['held_end']), r
pracs = [r for r in rows if r['kind'] == 'practice']
assert any(r['ods'] == 'F84001' and p(r['claims_paid']) == 16500 for r in pracs), pracs
for r in pracs:
    assert p(r['distributed']) + p(r['claims_paid']) == p(r['paid']), r
d = json.load(open(sys.argv[3]))
for r in d['rows']:
    g = lambda k: r.get(k, 0)
    if r.get('practice'):
        continue
    assert g('held_before') + g('received') - g('distributed') - g('claimed') - g('spent') == g('balance'), r
assert d.get('held_before', 0) + d['received'] - d['distributed'] - d['claimed'] - d['spent'] == d['held'], d
PY
  fail "a statement row does not add up: $(cat "$tmp/jan.table")"
ok

echo "cli_statement: $passed groups passed"
