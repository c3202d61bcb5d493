#!/usr/bin/python3
"""web_admin.py — importing and administration through a real `cvom serve` on 127.0.0.1:
CSV upload with a dry-run preview (column mapping, the first error with line and column,
nothing written), commit in one transaction, a manager's imports scoped to their own
accounts, viewers refused, role changes that end the user's sessions and reach the audit log,
scoring settings with validation, and instrument versions. What the server wrote is checked
with the command line on the same database.
    usage: web_admin.py PATH/TO/cvom"""

import html.parser
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

CVOM = os.path.abspath(sys.argv[1])
PASSWORD = "correct horse battery 9"
failures = []
passed = [0]


def check(ok, what, detail=""):
    if ok:
        passed[0] += 1
        return True
    line = sys._getframe(1).f_lineno
    msg = "web_admin.py:%d: %s" % (line, what)
    if detail:
        msg += " (%s)" % str(detail)[:600]
    failures.append(msg)
    print("FAIL " + msg, flush=True)
    return False


def cvom(db, *args, stdin=None):
    p = subprocess.run([CVOM, "--db", db] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


# ---- a small browser ------------------------------------------------------------------------

class Forms(html.parser.HTMLParser):
    """Every form of a page: its action and the values of its inputs and textareas."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and self.forms and a.get("name"):
            self.textarea = a["name"]
            self.forms[-1]["fields"][self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.forms[-1]["fields"][self.textarea] += data


def forms_of(body):
    p = Forms()
    p.feed(body)
    return p.forms


def multipart(fields, files):
    boundary = "----cvomtest" + uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                    % (boundary, name)).encode() + value.encode() + b"\r\n")
    for name, (filename, data) in files.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: text/csv\r\n\r\n" % (boundary, name, filename)).encode()
                   + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


class Browser:
    """Keeps cookies and sends the Origin a browser would."""

    def __init__(self, port):
        self.port = port
        self.origin = "http://127.0.0.1:%d" % port
        self.cookies = {}

    def request(self, method, path, body=None, ctype=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Content-Type"] = ctype or "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        c.close()
        return r.status, r.getheader("Location") or "", data

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request("POST", path, urllib.parse.urlencode(fields))

    def upload(self, path, fields, files):
        body, ctype = multipart(fields, files)
        return self.request("POST", path, body, ctype)

    def csrf(self, path="/import"):
        status, _, body = self.get(path)
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', body)
        return m.group(1) if m else ""

    def sign_in(self, name, password=PASSWORD):
        _, _, body = self.get("/signin")
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', body)
        status, loc, _ = self.post("/signin", {"csrf": m.group(1) if m else "", "name": name,
                                              "password": password, "next": "/"})
        return status == 303 and "cvom_session" in self.cookies


def accounts_csv(db):
    return cvom(db, "account", "list", "--format", "csv")[1]


def commit_of(body):
    """The Commit form of a preview page as (action, fields)."""
    for f in forms_of(body):
        if f["action"].startswith("/import/commit"):
            return f["action"], f["fields"]
    return None, None


# ---- the scenario ---------------------------------------------------------------------------

def import_accounts(b, db):
    token = b.csrf()
    bad = (b"Account ID,Account Name,Annual Revenue,Favourite Colour\n"
           b"W-1,Wharf Traders,1000,blue\n"
           b"W-2,Quay Supplies,2000,green\n"
           b"W-3,Dock Partners,a lot,red\n")
    status, _, body = b.upload("/import", {"csrf": token, "kind": "accounts"},
                               {"file": ("crm.csv", bad)})
    check(status == 422, "a bad row gives 422", status)
    check("Line 4, column 19" in body and "Annual Revenue" in body,
          "the preview names line 4 and the column", body[body.find("notice"):][:400])
    check("stops at the first problem" in body, "the preview says it stops at the first error")
    check(commit_of(body)[0] is None, "no Commit button when a row is bad")
    check(accounts_csv(db).strip().count("\n") == 0, "nothing written by a failed preview",
          accounts_csv(db))

    good = bad.replace(b"a lot", b"3000")
    status, _, body = b.upload("/import", {"csrf": token, "kind": "accounts"},
                               {"file": ("crm.csv", good)})
    check(status == 200, "a good file previews with 200", status)
    check(re.search(r"Account Name</td><td><code>name</code>", body) is not None,
          "the mapping shows Account Name read as name")
    check(re.search(r"Favourite Colour</td><td><em>ignored</em>", body) is not None,
          "the mapping shows an unknown column as ignored")
    check("Would import: 3 accounts added and 0 updated, from 3 rows." in body,
          "the preview says what would happen")
    check(accounts_csv(db).strip().count("\n") == 0, "nothing written by a good preview")
    action, fields = commit_of(body)
    check(action is not None, "the preview offers a Commit button")
    if action:
        status, loc, _ = b.upload(action, fields, {})
        check(status == 303 and loc.startswith("/import?done=accounts"), "commit redirects",
              (status, loc))
        status, _, body = b.get(loc)
        check("Imported: 3 accounts added and 0 updated, from 3 rows." in body,
              "the counts are reported after the commit", body[:300])
    out = accounts_csv(db)
    check("Wharf Traders" in out and "Dock Partners" in out and "3000.00" in out,
          "the committed accounts exist", out)

    # Pasted text with Windows line ends and a mapping for an unknown column name.
    status, _, body = b.upload("/import",
                               {"csrf": token, "kind": "accounts", "map": "Kunde=name\r\n",
                                "text": "Kunde,Kundennummer\r\nNordhafen AG,K-77\r\n"}, {})
    check(status == 200 and "Would import: 1 accounts added" in body,
          "pasted text with a column mapping", body[body.find("<main"):][:600])


def manager_scope(admin, mgr, db):
    token = mgr.csrf()
    csv = b"Account ID,Account Name,Revenue\nP-1,Pier Foods,500\nP-2,Pier Drinks,700\n"
    status, _, body = mgr.upload("/import", {"csrf": token, "kind": "accounts"},
                                 {"file": ("mine.csv", csv)})
    check(status == 200 and "You can import only your own accounts" in body,
          "a manager's preview explains the scope", status)
    action, fields = commit_of(body)
    if check(action is not None, "a manager can commit their accounts"):
        status, loc, _ = mgr.upload(action, fields, {})
        check(status == 303, "the manager's commit succeeds", status)
    rows = [ln.split(",") for ln in accounts_csv(db).splitlines()[1:]]
    owners = {r[2]: r[3] for r in rows if len(r) > 3}
    check(owners.get("Pier Foods") == "Priya Shah" and owners.get("Pier Drinks") == "Priya Shah",
          "accounts a manager imports are owned by them", owners)

    # Another owner named in the file, and stakeholders for someone else's account.
    other = b"Account Name,Owner\nHarbour Ltd,Someone Else\n"
    status, _, body = mgr.upload("/import", {"csrf": token, "kind": "accounts"},
                                 {"file": ("other.csv", other)})
    check(status == 422 and "Line 2" in body and "you may import only accounts you own" in body,
          "a manager cannot import accounts for another owner", status)
    people = b"account,name\nW-1,Jane Roe\n"
    status, _, body = mgr.upload("/import", {"csrf": token, "kind": "stakeholders"},
                                 {"file": ("people.csv", people)})
    check(status == 422 and "owned by Priya Shah" in body,
          "a manager cannot import stakeholders for an account they do not own", status)
    status, _, body = mgr.upload("/import", {"csrf": token, "kind": "stakeholders"},
                                 {"file": ("people.csv", people.replace(b"W-1", b"P-1"))})
    check(status == 200 and "Would import: 1 stakeholders added" in body,
          "a manager can import stakeholders for their own account", status)
    action, fields = commit_of(body)
    if action:
        mgr.upload(action, fields, {})
    rc, out, _ = cvom(db, "stakeholder", "list", "P-1", "--format", "csv")
    check("Jane Roe" in out, "the stakeholder was committed", out)

    # Responses: rows of one respondent and date form one assessment; only own accounts.
    answers = "account_id,respondent_id,item_id,score,date\n" + "".join(
        "%s,Jane Roe,%s,5,2026-05-01\n" % ("P-1", code)
        for code in ("INT01", "INT02", "INT03", "EMO01", "EMO02", "EMO03"))
    status, _, body = mgr.upload("/import", {"csrf": token, "kind": "responses"},
                                 {"file": ("answers.csv", answers.encode())})
    check(status == 200 and "Would import 1 assessments with 6 answers, from 6 rows." in body,
          "a manager previews responses for their own account", body[body.find("notice"):][:300])
    status, _, body = mgr.upload("/import", {"csrf": token, "kind": "responses"},
                                 {"file": ("answers.csv", answers.replace("P-1", "W-2").encode())})
    check(status == 422 and "Line 2, column 1" in body and "owned by Priya Shah" in body,
          "a manager cannot import responses for another owner's account", status)


def viewer_refused(viewer):
    status, _, _ = viewer.get("/import")
    check(status == 403, "a viewer gets 403 on GET /import", status)
    status, _, _ = viewer.upload("/import", {"csrf": viewer.csrf("/"), "kind": "accounts"},
                                 {"file": ("x.csv", b"name\nX\n")})
    check(status == 403, "a viewer gets 403 on POST /import", status)
    status, _, _ = viewer.get("/admin/users")
    check(status == 403, "a viewer gets 403 on /admin/users", status)


def user_ids(db):
    rc, out, _ = cvom(db, "user", "list", "--format", "csv")
    return {ln.split(",")[1]: ln.split(",")[0] for ln in out.splitlines()[1:] if ln}


def roles(admin, other_mgr, db):
    ids = user_ids(db)
    token = admin.csrf("/admin/users")
    status, _, body = admin.get("/admin/users")
    check(status == 200 and "Priya Shah" in body and "tom" in body, "the user list", status)
    status, _, _ = other_mgr.get("/import")
    check(status == 200, "tom can open /import before the change", status)
    status, loc, _ = admin.post("/admin/users/" + ids["tom"],
                                {"csrf": token, "action": "role", "role": "viewer"})
    check(status == 303, "the role change is accepted", (status, loc))
    status, loc, _ = other_mgr.get("/import")
    check(status == 303 and loc.startswith("/signin"),
          "the demoted user's session no longer works", (status, loc))
    rc, out, _ = cvom(db, "user", "list", "--format", "csv")
    check(re.search(r"^\d+,tom,[^,]*,viewer,", out, re.M) is not None, "tom is a viewer", out)
    status, _, body = admin.get("/admin/audit")
    check(status == 200 and "role-change" in body and "manager → viewer" in body,
          "the audit log lists the role change", status)

    status, _, body = admin.post("/admin/users/" + ids["ada"],
                                 {"csrf": token, "action": "role", "role": "manager"})
    check(status == 422 and "cannot remove your own" in body, "no self-demotion", status)
    status, _, body = admin.post("/admin/users/" + ids["ada"],
                                 {"csrf": token, "action": "disable"})
    check(status == 422 and "cannot disable yourself" in body, "no self-disabling", status)
    status, _, _ = admin.get("/admin")
    check(status == 200, "the admin is still an admin")

    status, loc, _ = admin.post("/admin/users", {"csrf": token, "name": "nia",
                                                 "display": "Nia <b>Obi</b>", "role": "manager",
                                                 "password": PASSWORD})
    check(status == 303, "an admin adds a user", (status, loc))
    status, _, body = admin.get("/admin/users")
    check("Nia &lt;b&gt;Obi&lt;/b&gt;" in body and "<b>Obi" not in body,
          "user fields are escaped")
    status, _, body = admin.post("/admin/users", {"csrf": token, "name": "nia", "role": "viewer",
                                                  "password": PASSWORD})
    check(status == 422 and "already a user named" in body, "a duplicate name is refused",
          status)
    status, _, _ = admin.post("/admin/users/" + ids["tom"], {"action": "disable"})
    check(status == 403, "a change without the CSRF token is refused", status)
    new_password = "a brand new secret 42"
    status, loc, _ = admin.post("/admin/users/" + ids["tom"],
                                {"csrf": token, "action": "password", "password": new_password})
    check(status == 303 and loc.endswith("done=password"), "an admin sets a password",
          (status, loc))
    tom = Browser(admin.port)
    check(tom.sign_in("tom", new_password), "the user signs in with the new password")
    status, _, body = admin.post("/admin/users/" + ids["tom"],
                                 {"csrf": token, "action": "password", "password": "short"})
    check(status == 422, "a too short password is refused", status)
    # Long enough but easy to guess: refused with libpwquality's reason, on both forms.
    for weak, why in (("aaaaaaaaaa", "palindrome"), ("1234567890", "simplistic/systematic"),
                      ("password12", "dictionary word")):
        status, _, body = admin.post("/admin/users/" + ids["tom"],
                                     {"csrf": token, "action": "password", "password": weak})
        check(status == 422 and why in body, "the password %s is refused (%s)" % (weak, why),
              status)
        status, _, body = admin.post("/admin/users", {"csrf": token, "name": "weak",
                                                      "role": "viewer", "password": weak})
        check(status == 422 and why in body, "a new user with %s is refused" % weak, status)
    check(Browser(admin.port).sign_in("tom", new_password),
          "a refused password leaves the old one in place")
    status, loc, _ = admin.post("/admin/users/" + ids["tom"], {"csrf": token, "action": "disable"})
    check(status == 303, "an admin disables a user", (status, loc))
    status, loc, _ = tom.get("/")
    check(status == 303 and loc.startswith("/signin"), "a disabled user is signed out",
          (status, loc))
    status, _, _ = admin.post("/admin/users/999999", {"csrf": token, "action": "enable"})
    check(status == 404, "an unknown user is 404", status)


def config_value(db, key):
    rc, out, _ = cvom(db, "config", "--format", "csv")
    for ln in out.splitlines():
        k, _, v = ln.partition(",")
        if k == key:
            return v
    return None


def settings(admin, db):
    status, _, body = admin.get("/admin/settings")
    check(status == 200, "the settings page", status)
    fields = {}
    for f in forms_of(body):
        if f["action"] == "/admin/settings":
            fields = f["fields"]
    check(fields.get("threshold.emotional") == "50", "the current threshold is shown", fields)
    status, loc, _ = admin.post("/admin/settings", dict(fields, **{"threshold.emotional": "60"}))
    check(status == 303, "the new threshold is accepted", (status, loc))
    check(config_value(db, "threshold.emotional") == "60", "cvom config reports 60",
          config_value(db, "threshold.emotional"))
    # A form made before that change does not overwrite it: it is answered 409 with the
    # values as they are now, and nothing is stored.
    status, _, body = admin.post("/admin/settings",
                                 dict(fields, **{"threshold.emotional": "70"}))
    check(status == 409 and "Someone else changed the settings" in body and
          'name="seen.threshold.emotional" value="60"' in body,
          "a change made on an old page is refused, showing the new value", status)
    check(config_value(db, "threshold.emotional") == "60", "and changes nothing",
          config_value(db, "threshold.emotional"))
    status, _, body = admin.get("/admin/settings")
    fields = [f for f in forms_of(body) if f["action"] == "/admin/settings"][0]["fields"]
    status, _, body = admin.post("/admin/settings",
                                 dict(fields, **{"threshold.emotional": "120",
                                                 "threshold.intellectual": "55"}))
    check(status == 422 and "threshold.emotional" in body and "Nothing was changed" in body,
          "an invalid threshold is refused with a message", status)
    check(config_value(db, "threshold.emotional") == "60" and
          config_value(db, "threshold.intellectual") == "50",
          "an invalid form changes nothing",
          (config_value(db, "threshold.emotional"), config_value(db, "threshold.intellectual")))
    status, _, body = admin.get("/admin/audit")
    check("threshold.emotional 50 → 60" in body, "the settings change is audited")

    # A change made on the command line meanwhile is in the same log, the page shows it
    # beside the web's, and `cvom audit` lists the web's entries too.
    rc, _, err = cvom(db, "--as", "ada", "config", "threshold.intellectual", "55")
    check(rc == 0, "a command-line change as ada", err)
    status, _, body = admin.get("/admin/audit")
    check(status == 200 and "threshold.intellectual" in body and "50 to 55" in body,
          "the audit page shows the command-line change", status)
    check("role-change" in body and "127.0.0.1" in body,
          "the audit page still shows the web's entries", status)
    rc, out, _ = cvom(db, "audit", "--user", "ada", "--format", "csv")
    rows = out.splitlines()
    check(rc == 0 and rows[0] == "id,at,actor,action,target,detail,address" and
          re.search(r",ada,config,threshold\.intellectual,50 to 55,$", rows[1]) is not None,
          "cvom audit lists the command-line change first", out)
    check(any(",ada,settings,scoring," in r and "threshold.emotional 50 → 60" in r and
              r.endswith(",127.0.0.1") for r in rows[2:]),
          "cvom audit lists the web's settings change with its address", out)
    rc, _, _ = cvom(db, "config", "threshold.intellectual", "50")
    check(rc == 0 and config_value(db, "threshold.intellectual") == "50", "set back")


INSTRUMENT = """# name: pulse
# version: 2
# min_items: 2
code,axis,reverse,weight,scale_min,scale_max,statement
I1,intellectual,0,1,1,5,They ask us first
I2,intellectual,0,1,1,5,They use our data
E1,emotional,0,1,1,5,They trust us
E2,emotional,1,1,1,5,They would <not> miss us
"""


def instruments(admin, db):
    token = admin.csrf("/admin/instruments")
    status, loc, body = admin.upload("/admin/instruments", {"csrf": token},
                                     {"file": ("pulse.csv", INSTRUMENT.encode())})
    check(status == 303, "a new instrument version is accepted", (status, body[:300]))
    status, _, body = admin.get("/admin/instruments")
    check(status == 200 and "pulse version 2" in body and "default version 2" in body,
          "the new version is listed beside the default", status)
    check("They would &lt;not&gt; miss us" in body, "item statements are shown escaped")
    rc, out, _ = cvom(db, "instrument", "list", "--format", "csv")
    check(",pulse,2," in out, "the store has the new version", out)
    status, _, body = admin.upload("/admin/instruments", {"csrf": token},
                                   {"file": ("pulse.csv", INSTRUMENT.encode())})
    check(status == 422 and "already here" in body, "the same version twice is refused", status)
    broken = INSTRUMENT.replace("version: 2", "version: 3").replace("E1,emotional",
                                                                     "E1,emotionl")
    status, _, body = admin.upload("/admin/instruments", {"csrf": token},
                                   {"file": ("broken.csv", broken.encode())})
    check(status == 422 and "broken.csv:7:4:" in body,
          "a broken instrument reports line and column", body[body.find("notice"):][:300])
    status, _, _ = admin.upload("/admin/instruments", {}, {"file": ("x.csv", b"")})
    check(status == 403, "an upload without the CSRF token in its URL is refused", status)


def heading_order(admin):
    """Every admin page's headings step down one level at a time (h1, then h2, never h1 to
    h3), as screen readers and outlines expect."""
    for path in ("/admin", "/admin/users", "/admin/settings", "/admin/instruments",
                 "/admin/playbooks", "/admin/signals", "/admin/audit", "/import"):
        status, _, body = admin.get(path)
        if not check(status == 200, "GET %s" % path, status):
            continue
        levels = [int(h) for h in re.findall(r"<h([1-6])[\s>]", body)]
        skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        check(levels[:1] == [1] and not skips, "the headings of %s step down in order" % path,
              levels)


def main():
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cvom-admin-") as d:
        db = os.path.join(d, "web.db")
        for name, role, display in (("ada", "admin", "Ada Admin"),
                                    ("priya", "manager", "Priya Shah"),
                                    ("tom", "manager", "Tom Reed"),
                                    ("vic", "viewer", "Vic Viewer")):
            rc, _, err = cvom(db, "user", "add", name, "--role", role, "--display", display,
                              "--password-stdin", stdin=PASSWORD + "\n")
            check(rc == 0, "user add " + name, err)
        port_file = os.path.join(d, "port")
        log = open(os.path.join(d, "server.log"), "wb")
        server = subprocess.Popen([CVOM, "--db", db, "serve", "--listen", "127.0.0.1:0",
                                   "--port-file", port_file], stdout=log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        port = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None and not port:
            try:
                with open(port_file) as f:
                    port = int(f.read().strip() or 0) or None
            except (OSError, ValueError):
                time.sleep(0.05)
        try:
            if not check(port is not None, "the server starts"):
                return
            admin, mgr, tom, viewer = (Browser(port) for _ in range(4))
            for b, name in ((admin, "ada"), (mgr, "priya"), (tom, "tom"), (viewer, "vic")):
                check(b.sign_in(name), "sign-in as " + name)
            for part in (lambda: import_accounts(admin, db),
                         lambda: manager_scope(admin, mgr, db),
                         lambda: viewer_refused(viewer),
                         lambda: roles(admin, tom, db),
                         lambda: settings(admin, db),
                         lambda: instruments(admin, db),
                         lambda: heading_order(admin)):
                try:
                    part()
                except Exception as e:  # noqa: BLE001 - report and go on
                    check(False, "a section crashed", repr(e))
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                rc = server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                rc = server.wait()
            log.close()
            check(rc == 0, "the server stops cleanly on SIGTERM", rc)
            if failures or rc != 0:
                with open(os.path.join(d, "server.log"), "rb") as f:
                    sys.stdout.write(f.read().decode("utf-8", "replace")[-4000:])
    print("web_admin: %d passed, %d failed in %.1f s" % (passed[0], len(failures),
                                                          time.monotonic() - start))
    sys.exit(1 if failures else 0)


main()
