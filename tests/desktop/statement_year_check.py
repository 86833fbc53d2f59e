#!/usr/bin/env python3
"""statement_year_check.py DIR N - test_desktop_statement_year's judge.

DIR holds, for each of N months (YYYY-MM, sorted), the month's statement
rendered four ways: M.table (pcn's terminal table), M.csv, M.pdf.txt
(pdftotext -layout of the PDF) and M.desktop (pcn-desktop's Statement
table, a line per grid row, cells joined by tabs). Each is read back into
the same rows: (section, name, figures), section an ODS code or
"network", name a stream's name or "total", figures the row's columns
in the model's order (report.h: a practice's distributed, claims paid,
paid in month, paid to date; the network's held at start, received,
distributed, claims paid, spent, held at end and, when rates are set,
expected). Then: every row adds up, totals are the sums of their rows,
each stream's network row is the sum of the practices', the four
renderings are the same rows to the penny, and month to month held at
start is the month before's held at end and paid to date grows by what
was paid. Prints every problem; exits 1 if there was one.
"""
import csv
import os
import re
import sys

MONEY = r'-?£?[\d,]+\.\d\d'
ROW = re.compile(r'^(\S.*?)((?:\s+' + MONEY + r')+)\s*$')
PRACTICE_KEYS = ['distributed', 'claims_paid', 'paid', 'paid_to_date']
NETWORK_KEYS = ['held_start', 'received', 'distributed', 'claims_paid',
                'spent', 'held_end', 'expected']
problems = []


def pence(s):
    s = s.replace('£', '').replace(',', '')
    neg = s.startswith('-')
    whole, frac = s.lstrip('-').split('.')
    v = int(whole) * 100 + int(frac)
    return -v if neg else v


def row_name(name):
    return 'total' if name in ('Practice total', 'Network total',
                               'all streams', 'All streams') else name


def amounts(text):
    return tuple(pence(t) for t in re.findall(MONEY, text))


def read_table(path):
    rows, section = [], None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        m = re.match(r'^(F\d{5})  ', line)
        if m:
            section = m.group(1)
            continue
        if line.startswith('The network (held by the nominated payee)'):
            section = 'network'
            continue
        if not line.strip():
            section = None if section == 'network' else section
            continue
        if section is None or line.startswith('STREAM'):
            continue
        m = ROW.match(line)
        if m:
            rows.append((section, row_name(m.group(1).strip()),
                         amounts(m.group(2))))
    return rows


def read_csv(path):
    rows = []
    with open(path, newline='', encoding='utf-8') as f:
        for r in csv.DictReader(f):
            practice = r['kind'].startswith('practice')
            keys = PRACTICE_KEYS if practice else NETWORK_KEYS
            figs = tuple(pence(r[k]) for k in keys if r[k] != '')
            name = 'total' if r['stream_code'] == '*' else r['stream']
            rows.append((r['ods'] if practice else 'network', name, figs))
    return rows


def read_pdf(path):
    rows, section = [], None
    for line in open(path, encoding='utf-8'):
        line = line.replace('\f', '').strip()  # page 2 on may be indented
        if line.startswith('The network: held by the nominated payee'):
            section = 'network'
            continue
        if (line.startswith('Budget for the financial year') or
                line.startswith('What the columns mean') or
                line.startswith('Distributed to each practice')):
            section = None
            continue
        m = re.match(r'^\S.*\((F\d{5})\)(, [^£]*)?( \(continued\))?$', line)
        if m and not line.startswith(('Nominated payee', 'Prepared for')):
            section = m.group(1)
            continue
        if section is None:
            continue
        m = ROW.match(line)
        if m:
            rows.append((section, row_name(m.group(1).strip()),
                         amounts(m.group(2))))
            if section == 'network' and rows[-1][1] == 'total':
                section = None  # the held-by line and the notes follow
    return rows


def read_desktop(path):
    rows = []
    for line in open(path, encoding='utf-8'):
        cells = line.rstrip('\n').split('\t')
        if len(cells) < 3 or cells[1] == 'Stream':
            continue
        section = 'network' if cells[0] == 'Network' else cells[0].split()[0]
        rows.append((section, row_name(cells[1]),
                     tuple(pence(c) for c in cells[2:] if c)))
    return rows


def full_name(section, name, rows):
    if not name.endswith('…'):
        return name
    for s, n, _ in rows:
        if s == section and n.startswith(name[:-1]):
            return n
    return name


def check_sums(month, how, rows):
    def bad(msg):
        problems.append(f'{month} {how}: {msg}')
    if not rows:
        bad('no rows')
        return
    psum, by_stream, nsum = None, {}, None
    for section, name, f in rows:
        if section == 'network':
            if len(f) not in (6, 7):
                bad(f'network row {name} has {len(f)} figures')
                continue
            hs, rec, dist, cl, sp, he = f[:6]
            if hs + rec - dist - cl - sp != he:
                bad(f'the network row {name} does not add up: {f}')
            if name == 'total':
                if nsum is not None and tuple(nsum) != f:
                    bad(f'the network total {f} is not the sum {nsum}')
            else:
                nsum = [a + b for a, b in zip(nsum, f)] if nsum else list(f)
                if by_stream.get(name, (0, 0)) != (dist, cl):
                    bad(f'{name}: the practices add up to '
                        f'{by_stream.get(name)}, the network says '
                        f'{(dist, cl)}')
        else:
            if len(f) != 4:
                bad(f'{section} {name} has {len(f)} figures')
                continue
            if f[0] + f[1] != f[2]:
                bad(f'{section} {name} does not add up: {f}')
            if name == 'total':
                if psum != list(f):
                    bad(f'{section} total {f} is not the sum {psum}')
                psum = None
            else:
                psum = [a + b for a, b in zip(psum, f)] if psum else list(f)
                d, c = by_stream.get(name, (0, 0))
                by_stream[name] = (d + f[0], c + f[1])


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    months = sorted(x[:-4] for x in os.listdir(d) if x.endswith('.csv'))
    if len(months) != n:
        problems.append(f'{len(months)} months rendered, not {n}')
    prev = None
    for m in months:
        got = {
            'table': read_table(os.path.join(d, m + '.table')),
            'csv': read_csv(os.path.join(d, m + '.csv')),
            'pdf': read_pdf(os.path.join(d, m + '.pdf.txt')),
            'desktop': read_desktop(os.path.join(d, m + '.desktop')),
        }
        # The PDF's narrow network table may cut a long stream name short
        # with an ellipsis: the start must match.
        got['pdf'] = [(s, full_name(s, n, got['csv']), f)
                      for s, n, f in got['pdf']]
        for how, rows in got.items():
            # The PDF shows the network's table first; the others last.
            rows.sort(key=lambda r: r[0] == 'network')
            check_sums(m, how, rows)
        for how in ('table', 'pdf', 'desktop'):
            if got[how] != got['csv']:
                a, b = got['csv'], got[how]
                diff = [(x, y) for x, y in zip(a, b) if x != y][:3]
                problems.append(f'{m}: the {how} and the csv differ '
                                f'({len(b)} rows, {len(a)}): {diff}')
        rows = got['csv']
        if prev:
            held_end = {r[1]: r[2][5] for r in prev if r[0] == 'network'}
            for s, name, f in rows:
                if s == 'network' and f[0] != held_end.get(name, 0):
                    problems.append(f'{m}: {name} held at start {f[0]} is '
                                    f'not the month before\'s held at end '
                                    f'{held_end.get(name, 0)}')
            to_date = {(r[0], r[1]): r[2][3] for r in prev if r[0] != 'network'}
            for s, name, f in rows:
                if s != 'network' and f[3] != to_date.get((s, name), 0) + f[2]:
                    problems.append(f'{m}: {s} {name} paid to date {f[3]} is '
                                    f'not {to_date.get((s, name), 0)} + {f[2]}')
        prev = rows
        print(f'{m}: {len(rows)} rows, the four renderings agree'
              if not problems else f'{m}: checked')
    for p in problems[:40]:
        print('PROBLEM:', p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
