#!/usr/bin/env python3
"""pg_rows.py — the rows of the import benchmark's files as the bare insert on PostgreSQL
copies them (bench/import.sh): each with the id the database gives it. Accounts are numbered
from 1 in file order; answers get an assessment per run of rows of one account and
respondent, numbered from 1, with the account's and the stakeholder's ids read from the
database that holds them (the one the answers are imported into).
    usage: pg_rows.py CONNINFO DATA_DIR OUT_DIR DATE_DAYS"""
import csv
import subprocess
import sys


def query(conninfo, sql):
    out = subprocess.run(['psql', '-X', '-At', '-F', '\t', '-d', conninfo, '-c', sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split('\t') for line in out.splitlines()]


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    conninfo, data, out, date = sys.argv[1:]
    accounts = {ext: i for i, ext in query(conninfo, 'SELECT id, external_id FROM accounts')}
    people = {ext: (i, name) for i, ext, name in
              query(conninfo, 'SELECT id, external_id, name FROM stakeholders')}
    instrument = query(conninfo, "SELECT max(id) FROM instruments WHERE name = 'default'")[0][0]
    with open(data + '/accounts.csv', newline='', encoding='utf-8') as f, \
            open(out + '/pg-accounts.csv', 'w', newline='', encoding='utf-8') as o:
        w = csv.writer(o, lineterminator='\n')
        for i, row in enumerate(csv.reader(f)):
            if i:
                w.writerow([i] + row)
    with open(data + '/responses.csv', newline='', encoding='utf-8') as f, \
            open(out + '/pg-assessments.csv', 'w', newline='', encoding='utf-8') as oa, \
            open(out + '/pg-responses.csv', 'w', newline='', encoding='utf-8') as orr:
        wa, wr = csv.writer(oa, lineterminator='\n'), csv.writer(orr, lineterminator='\n')
        last, n = None, 0
        for i, row in enumerate(csv.reader(f)):
            if not i:
                continue
            if (row[0], row[1]) != last:
                n += 1
                last = (row[0], row[1])
                person = people[row[1]]
                wa.writerow([n, accounts[row[0]], instrument, 'customer', person[0], person[1],
                             date, 'complete'])
            wr.writerow([n, row[2], row[3]])


if __name__ == '__main__':
    main()
