#!/usr/bin/env python3
"""The import page of a real `cvom serve` on 127.0.0.1: every kind the command line imports
is offered, the preview shows how each column is read and the first rows as they will be
stored before anything is written, workbooks are taken as well as CSV (European exports
with their options), commits write exactly what Python's csv module reads, and the CSRF
token travels in the form's body, never in its URL: a token in the URL alone is refused."""
import csv
import html
import os
import sqlite3
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402

C = harness.Checks()
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def rows(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def upload(client, fields, name=None, data=None, path="/import"):
    tok = client.session_csrf(("/import",))
    files = {"file": (name, data, "application/octet-stream")} if name else {}
    body, ctype = harness.multipart(dict(fields, csrf=tok), files)
    return client.request("POST", path, body=body, headers={"Content-Type": ctype})


def commit(client, page):
    forms = [f for f in harness.forms_of(page) if f["action"].startswith("/import/commit")]
    C.check(len(forms) == 1, "the preview offers one Commit form")
    if not forms:
        return None
    f = forms[0]
    C.check("csrf" not in f["action"], "the Commit form's URL carries no token", f["action"])
    body, ctype = harness.multipart(f["fields"], {})
    return client.request("POST", f["action"], body=body, headers={"Content-Type": ctype})


def the_page(admin):
    r = admin.get("/import")
    C.check(r.status == 200, "the import page", r.status)
    for kind in ("accounts", "stakeholders", "responses", "signals", "network", "offerings",
                 "ratings", "values"):
        C.check('name="kind" value="%s"' % kind in r.text, "the page offers %s" % kind)
    forms = harness.forms_of(r.text)
    C.check(forms and all("csrf" not in f["action"] for f in forms),
            "no form of the page has its token in the URL", [f["action"] for f in forms])
    C.check(".xlsx" in r.text and 'name="delimiter"' in r.text and
            'name="decimal_comma"' in r.text and 'name="sheet"' in r.text,
            "the form takes workbooks, a delimiter, a decimal comma and a sheet")


def salesforce(admin, db):
    name = "salesforce_accounts.csv"
    with open(os.path.join(DATA, "crm", name), "rb") as f:
        data = f.read()
    r = upload(admin, {"kind": "accounts"}, name, data)
    C.check(r.status == 200, "the Salesforce export previews", r.status, r.text[:400])
    C.check("Billing Country</td><td><code>region</code>" in r.text,
            "the mapping reads Billing Country as region")
    C.check("Billing City</td><td><em>ignored</em> (<code>region</code> is read from "
            "“Billing Country”)" in r.text, "and says why Billing City is left out")
    C.check("Delimiter: comma , (detected)" in r.text, "the delimiter is said")
    C.check("The first 6 rows as they will be stored" in r.text, "a preview of the rows")
    C.check(html.escape("Société Générale d’Équipement", quote=True) in r.text and
            "1250000" in r.text, "the preview shows values as stored (numbers plain)")
    C.check(rows(db, "select count(*) from accounts") == [(0,)], "a preview writes nothing")
    r = commit(admin, r.text)
    C.check(r is not None and r.status == 303, "the commit redirects", r and r.status)
    with open(os.path.join(DATA, "crm", name), encoding="utf-8-sig", newline="") as f:
        want = sorted(row[1] for row in list(csv.reader(f))[1:])
    got = sorted(n for (n,) in rows(db, "select name from accounts"))
    C.check(got == want, "the committed names are what Python's csv reads", got, want)


def workbook(admin, db):
    with open(os.path.join(DATA, "xlsx", "openpyxl_accounts.xlsx"), "rb") as f:
        data = f.read()
    r = upload(admin, {"kind": "accounts"}, "book.xlsx", data)
    C.check(r.status == 200 and "Read from the sheet <strong>Accounts</strong>" in r.text,
            "a workbook previews, naming its sheet", r.status, r.text[:300])
    C.check("<th scope=\"col\">Row</th>" in r.text, "the preview counts the sheet's rows")
    r = commit(admin, r.text)
    C.check(r is not None and r.status == 303, "the workbook commits", r and r.status)
    got = rows(db, "select revenue from accounts where external_id = 'W-1'")
    C.check(got == [(1234567.5,)], "the workbook's number is stored", got)
    with open(os.path.join(DATA, "xlsx", "openpyxl_errors.xlsx"), "rb") as f:
        r = upload(admin, {"kind": "accounts"}, "errors.xlsx", f.read())
    C.check(r.status == 422 and "Data!C3 (sheet column 3 “revenue”, read as revenue)" in r.text
            and "#N/A" in r.text, "a workbook's error names Sheet!Cell", r.status,
            r.text[r.text.find("notice"):][:300])
    r = upload(admin, {"kind": "responses", "sheet": "Responses"}, "book.xlsx", data)
    C.check(r.status == 200 and "Read from the sheet <strong>Responses</strong>" in r.text,
            "another sheet by name", r.status, r.text[r.text.find("notice"):][:300])


def european(admin, db):
    data = "Firma;Umsatz;Land\r\nKröger & Co;1.234,50;Deutschland\r\n".encode("utf-8")
    r = upload(admin, {"kind": "accounts", "decimal_comma": "1"}, "eu.csv", data)
    C.check(r.status == 200 and "Delimiter: semicolon ; (detected)" in r.text,
            "a semicolon export previews", r.status, r.text[r.text.find("notice"):][:300])
    r = commit(admin, r.text)
    C.check(r is not None and r.status == 303, "and commits with its options")
    got = rows(db, "select revenue from accounts where name = 'Kröger & Co'")
    C.check(got == [(1234.5,)], "the decimal comma is kept through the commit", got)


def catalogue(admin, manager, db):
    offerings = b"code,name,category\nWEB-1,Web offering,add-on service\n"
    r = upload(manager, {"kind": "offerings"}, "off.csv", offerings)
    C.check(r.status == 422 and "only an administrator" in r.text,
            "a manager may not import the catalogue", r.status)
    r = upload(admin, {"kind": "offerings"}, "off.csv", offerings)
    C.check(r.status == 200, "an administrator previews offerings", r.status)
    commit(admin, r.text)
    ratings = b"account,offering,importance,performance,cost\nW-1,WEB-1,2,6,1500\n"
    r = upload(admin, {"kind": "ratings"}, "rat.csv", ratings)
    C.check(r.status == 200, "ratings preview", r.status, r.text[r.text.find("notice"):][:300])
    commit(admin, r.text)
    got = rows(db, "select importance, performance, cost from offering_ratings")
    C.check(got == [(2.0, 6.0, 1500.0)], "the rating is stored", got)


def csrf_in_url(admin, db):
    """A token sent only in the URL is not accepted."""
    tok = admin.session_csrf(("/import",))
    body, ctype = harness.multipart({"kind": "accounts"},
                                    {"file": ("x.csv", b"name\nSneaky Ltd\n", "text/csv")})
    r = admin.request("POST", "/import?csrf=" + urllib.parse.quote(tok or ""), body=body,
                      headers={"Content-Type": ctype})
    C.check(r.status == 403, "a token in the URL alone is refused", r.status)
    r = upload(admin, {"kind": "accounts"}, "x.csv", b"name\nFair Ltd\n")
    C.check(r.status == 200, "the same upload with the token in its body previews", r.status)


def main():
    cvom = harness.cvom_path(sys.argv)
    with tempfile.TemporaryDirectory(prefix="cvom-webimport-") as d:
        db = os.path.join(d, "web.db")
        harness.run(cvom, db, "init")
        for name in ("ada", "priya"):
            role, display = harness.USERS[name]
            harness.run(cvom, db, "user", "add", name, "--role", role, "--display", display,
                        "--password-stdin", input=harness.PASSWORD + "\n")
        srv = harness.Server(cvom, db)
        try:
            admin, manager = srv.client(), srv.client()
            C.check(admin.signin("ada").status == 303, "the administrator signs in")
            C.check(manager.signin("priya").status == 303, "the manager signs in")
            the_page(admin)
            salesforce(admin, db)
            workbook(admin, db)
            european(admin, db)
            catalogue(admin, manager, db)
            csrf_in_url(admin, db)
        finally:
            rc = srv.stop()
            log = srv.output()
            C.check(rc == 0, "cvom serve exits 0 on SIGTERM", rc)
            for marker in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
                C.check(marker not in log, "no sanitizer report in the server log",
                        log[log.find(marker) - 200:log.find(marker) + 800])
    return C.finish("web_import")


if __name__ == "__main__":
    sys.exit(main())
