#!/usr/bin/env python3
"""Writes the small workbooks of this directory. The files are committed; this documents how
they were made and remakes them after an edit.

- openpyxl_accounts.xlsx (openpyxl): sheet "Accounts" with a title row above the header,
  shared strings, numbers (a float and a large integer), a date cell formatted as a date,
  an empty cell in the middle of a row, a row left out entirely, and a second sheet
  "Responses" of survey answers with dates as dates.
- openpyxl_errors.xlsx (openpyxl): a revenue cell holding the error #N/A on row 3, and a
  formula with no saved value on row 4 (openpyxl writes formulas without computing them).
- libreoffice_accounts.xlsx (LibreOffice Calc, headless): the CSV libreoffice_accounts.csv
  converted with `soffice --headless --convert-to xlsx`, as a user saving from Calc would.

Needs python3-openpyxl, and soffice (libreoffice-calc-nogui) for the last one.
"""
import datetime
import os
import shutil
import subprocess
import tempfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))


def accounts_book():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["Accounts exported 2026-05-01"])
    ws.append(["Account ID", "Account Name", "Annual Revenue", "Billing Country", "Owner",
               "Customer since"])
    ws.append(["W-1", "Wharf Traders", 1234567.5, "Germany", "Priya Shah",
               datetime.date(2019, 3, 4)])
    ws.append(["W-2", "Quay Supplies Ølstad", 25000000, None, "Tom Weber",
               datetime.date(2021, 12, 31)])
    ws.append([])  # a row left out
    ws.append(["W-3", "Dock & Partners “Nord”", 0.1, "Norway", None, None])
    for row in (3, 4):
        ws.cell(row=row, column=6).number_format = "yyyy-mm-dd"
    rs = wb.create_sheet("Responses")
    rs.append(["account_id", "respondent_id", "item_id", "score", "date", "kind"])
    for item, score in (("INT01", 6), ("INT02", 5), ("EMO01", 3), ("EMO02", 4)):
        rs.append(["W-1", "Jo Lind", item, score, datetime.date(2026, 2, 28), "self"])
        rs.cell(row=rs.max_row, column=5).number_format = "dd.mm.yyyy"
    return wb


def errors_book():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["external_id", "name", "revenue"])
    ws.append(["E-1", "Fine Ltd", 100])
    ws.append(["E-2", "Error Ltd", "#N/A"])
    ws.cell(row=3, column=3).data_type = "e"
    ws.append(["E-3", "Formula Ltd", "=C2*2"])
    return wb


def libreoffice_book():
    soffice = shutil.which("soffice")
    if not soffice:
        print("soffice not found: libreoffice_accounts.xlsx not remade")
        return
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([soffice, "-env:UserInstallation=file://" + d + "/profile",
                        "--headless", "--convert-to", "xlsx", "--outdir", d,
                        os.path.join(HERE, "libreoffice_accounts.csv")],
                       check=True, capture_output=True, timeout=180)
        shutil.copy(os.path.join(d, "libreoffice_accounts.xlsx"), HERE)


def main():
    accounts_book().save(os.path.join(HERE, "openpyxl_accounts.xlsx"))
    errors_book().save(os.path.join(HERE, "openpyxl_errors.xlsx"))
    libreoffice_book()


if __name__ == "__main__":
    main()
