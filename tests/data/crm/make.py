#!/usr/bin/env python3
"""Writes the CRM exports of this directory, as Salesforce and HubSpot write them, from the
rows below. Run it from anywhere; the files are committed, so this only documents how they
were made and remakes them after an edit.

- salesforce_accounts.csv: a Salesforce account report as exported: UTF-8 with a byte order
  mark, CRLF line ends, descriptions over several lines (quoted, with CRLF inside), names
  with accents, a quote inside an unquoted name, a revenue with thousands separators.
- salesforce_accounts_cp1252.csv: the same file opened in Excel on Windows and saved as
  "CSV": Windows-1252, no byte order mark, CRLF.
- hubspot_companies.csv: a HubSpot company export: UTF-8 without a byte order mark, LF,
  its own column names, the parent named by its name, a last row of only commas as a
  spreadsheet leaves it.
- salesforce_duplicate_id.csv: a Salesforce export in which one Account ID appears twice.
"""
import csv
import io
import os

HERE = os.path.dirname(os.path.abspath(__file__))

SF_HEADER = ["Account ID", "Account Name", "Account Owner", "Type", "Industry",
             "Annual Revenue", "Billing City", "Billing Country", "Parent Account ID",
             "Description", "Website", "Created Date"]
SF_ROWS = [
    ["0015g00000Nw1AAAAZ", "Müller & Söhne GmbH", "Priya Shah", "Customer - Direct",
     "Manufacturing", "12500000", "München", "Germany", "",
     "Family-owned since 1921.\r\nBuys on quality; asks for \"the usual\" terms.", "mueller.example",
     "2019-03-04"],
    ["0015g00000Nw1ABAAZ", "Müller & Söhne Logistik", "Priya Shah", "Customer - Channel",
     "Logistics", "1,250,000", "Nürnberg", "Germany", "0015g00000Nw1AAAAZ",
     "Subsidiary.\r\n\r\nRuns the group's warehouses.", "", "2020-11-30"],
    ["0015g00000Nw1ACAAZ", "Société Générale d’Équipement", "Tom Weber", "Prospect",
     "Retail", "830000", "Lyon", "France", "", "Met at the “Salon” in 2025 — €12k pilot.",
     "sge.example", "2021-06-15"],
    ["0015g00000Nw1ADAAZ", '24" Displays Ltd', "Tom Weber", "Customer - Direct",
     "Electronics", "99000", "Leeds", "United Kingdom", "", "", "", "2022-01-10"],
    ["0015g00000Nw1AEAAZ", "Œuvre Šport Ålesund", "Priya Shah", "Partner",
     "Sport", "", "Ålesund", "Norway", "", "Trailing space kept ", "", "2023-02-28"],
    ["0015g00000Nw1AFAAZ", "Café Zürich AG™", "Jo Lind", "Customer - Direct",
     "Hospitality", "455000.5", "Zürich", "Switzerland", "0015g00000Nw1AAAAZ",
     "Lunch for\r\n\"key\" accounts…", "cafe.example", "2024-09-01"],
]

HS_HEADER = ["Record ID", "Company name", "Company owner", "Create Date", "Phone Number",
             "Country/Region", "City", "Industry", "Annual Revenue", "Parent Company", "Type",
             "Last Activity Date", "Website URL"]
HS_ROWS = [
    ["5312001", "Nordhafen Logistik AG", "Priya Shah", "2023-05-02 10:11", "+49 40 123456",
     "Germany", "Hamburg", "Logistics", "4200000", "", "CUSTOMER", "2026-04-01 09:00",
     "nordhafen.example"],
    ["5312002", "Nordhafen Süd GmbH", "Priya Shah", "2023-05-03 11:00", "",
     "Germany", "München", "Logistics", "650000", "Nordhafen Logistik AG", "CUSTOMER", "",
     ""],
    ["5312003", "Fjord & Co. AS", "Jo Lind", "2024-01-15 08:30", "+47 22 000000", "Norway",
     "Oslo", "Consulting", "", "", "PARTNER", "", "fjord.example"],
    ["5312004", "=cmd|' /C calc'!A0", "Jo Lind", "2024-02-01 00:00", "", "Sweden", "Malmö",
     "Retail", "120000", "", "PROSPECT", "", ""],
]


def text(header, rows, lineterminator):
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows(rows)
    # As many exports do, the name with a quote in it is written without quotes around it.
    return out.getvalue().replace('"24"" Displays Ltd"', '24" Displays Ltd')


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    sf = text(SF_HEADER, SF_ROWS, "\r\n")
    write("salesforce_accounts.csv", b"\xef\xbb\xbf" + sf.encode("utf-8"))
    write("salesforce_accounts_cp1252.csv", sf.encode("cp1252"))
    hs = text(HS_HEADER, HS_ROWS, "\n") + "," * (len(HS_HEADER) - 1) + "\n"
    write("hubspot_companies.csv", hs.encode("utf-8"))
    dup = SF_ROWS[:4] + [list(SF_ROWS[1])]
    dup[4][1] = "Müller & Söhne Logistik (copy)"
    write("salesforce_duplicate_id.csv",
          b"\xef\xbb\xbf" + text(SF_HEADER, dup, "\r\n").encode("utf-8"))


if __name__ == "__main__":
    main()
