#!/usr/bin/python3
"""web_security.py — `cvom serve` attacked through a real HTTP client on 127.0.0.1: the
access-control matrix over every route that --print-routes lists, CSRF, sessions (rotation,
idle and absolute expiry, sign-out, cookie flags), the sign-in rate limit, security headers,
malformed and oversized requests, and XSS payloads in every field. Prints every failure and
exits 1 if there was one.
    usage: web_security.py PATH/TO/cvom"""

import html.parser
import json
import os
import re
import statistics
import sys
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402
from harness import PASSWORD, USERS  # noqa: E402

C = harness.Checks()

LEVEL = {"public": 0, "viewer": 1, "manager": 2, "admin": 3}
SELF_SERVICE = re.compile(r"signout|logout|password|/me(/|$)|profile|preferences")
SIGNOUT = re.compile(r"signout|logout")
USERS_IDS = {}  # user name -> id in the matrix database, for {id} of user routes


def section(fn):
    """Run one section; an exception is a failure of that section, not the end of the run."""
    def wrapper(*a, **kw):
        C.section(fn.__name__.replace("_", " "))
        try:
            return fn(*a, **kw)
        except Exception:  # noqa: BLE001 - report and go on with the next section
            C.check(False, "section %s crashed" % fn.__name__, traceback.format_exc())
            return None
    return wrapper


def server_ended_cleanly(srv, what):
    rc = srv.stop()
    log = srv.output()
    C.check(rc == 0, "%s: cvom serve exits 0 on SIGTERM" % what, "exit %r" % rc)
    for marker in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
        C.check(marker not in log, "%s: no sanitizer report in the server log" % what,
                log[log.find(marker) - 200:log.find(marker) + 800] if marker in log else "")


# ---- route parameters -----------------------------------------------------------------------

def param_kinds(pattern):
    """[(name, kind)] for each {param}: kind from the name and the segment before it."""
    out = []
    segs = pattern.strip("/").split("/")
    for i, seg in enumerate(segs):
        for name in re.findall(r"\{([^}]+)\}", seg):
            prev = segs[i - 1].lower() if i > 0 else ""
            n = name.lower()
            if pattern.startswith("/static/"):
                kind = "static"
            elif n in ("sid", "stakeholder", "stakeholder_id") or prev.startswith("stakeholder"):
                kind = "stakeholder"
            elif n in ("asid", "assessment", "assessment_id") or prev.startswith("assessment"):
                kind = "assessment"
            elif n in ("uid", "user", "user_id") or prev == "users":
                kind = "user"
            elif n in ("token", "secret", "key", "code", "link"):
                kind = "secret"
            elif n in ("id", "account", "account_id", "aid") and (
                    prev in ("accounts", "account", "") or "/accounts/" in pattern):
                kind = "account"
            elif prev.startswith("instrument") or n in ("instrument", "instrument_id"):
                kind = "instrument"
            elif n in ("date", "as_of", "asof"):
                kind = "date"
            else:
                kind = "opaque"
            out.append((name, kind))
    return out


SCOPED = ("account", "stakeholder", "assessment")


def records_for(kinds):
    ks = {k for _, k in kinds}
    if not ks & set(SCOPED):
        return ["-"]
    recs = ["own", "other", "missing"]
    if "account" in ks and ks & {"stakeholder", "assessment"}:
        recs.append("mixed")  # own account, another manager's sub-record
    return recs


class Records:
    """Real ids to put in routes: the read-only ones from the demo, and a pool of scratch
    accounts (with a stakeholder and an assessment each) for writes, so that a successful
    DELETE or edit never changes what later requests see."""

    def __init__(self, fx, db, n_scratch):
        self.fx = fx
        self.db = db
        cvom = fx.cvom
        self.own_acc = fx.own[0]
        self.other_acc = fx.other[0]
        self.missing = fx.missing
        self.sub = {}  # account id -> (stakeholder id, assessment id)
        self.scratch = {"own": [], "other": []}
        items = [ln.split(",")[0] for ln in harness.run(
            cvom, db, "instrument", "show", "--format", "csv").splitlines()[1:]]
        # Scratch records through the public import commands, in three files.
        d = os.path.dirname(db)
        acc = os.path.join(d, "scratch-accounts.csv")
        sth = os.path.join(d, "scratch-stakeholders.csv")
        rsp = os.path.join(d, "scratch-responses.csv")
        with open(acc, "w") as fa, open(sth, "w") as fs, open(rsp, "w") as fr:
            fa.write("external_id,name,owner\n")
            fs.write("account,external_id,name,influence\n")
            fr.write("account_id,respondent_id,item_id,score,date\n")
            for who, owner in (("own", USERS["priya"][1]), ("other", USERS["sam"][1])):
                for i in range(n_scratch):
                    ext = "SCR-%s-%d" % (who, i)
                    fa.write("%s,Scratch %s %d,%s\n" % (ext, who, i, owner))
                    fs.write("%s,%s-S,Scratch person %s %d,0.5\n" % (ext, ext, who, i))
                    for it in items:
                        fr.write("%s,%s-S,%s,4,2026-06-01\n" % (ext, ext, it))
        harness.run(cvom, db, "import", "accounts", acc, "--quiet")
        harness.run(cvom, db, "import", "stakeholders", sth, "--quiet")
        harness.run(cvom, db, "import", "responses", rsp, "--quiet")
        by_ext = {a["external_id"]: a["id"] for a in fx.accounts(db)}
        # The first stakeholder and assessment of every account in one read; the command
        # line is asked instead when the schema is not the one this expects.
        self._first_sid = dict(harness.db_rows(
            db, "SELECT account_id, MIN(id) FROM stakeholders GROUP BY account_id"))
        self._first_asid = dict(harness.db_rows(
            db, "SELECT account_id, MIN(id) FROM assessments GROUP BY account_id"))
        for who in ("own", "other"):
            self.scratch[who] = [by_ext["SCR-%s-%d" % (who, i)] for i in range(n_scratch)]
        for aid in [self.own_acc, self.other_acc]:
            self.sub[aid] = self._sub(aid)

    def _sub(self, aid):
        if aid in self._first_sid:
            sid = self._first_sid[aid]
        else:
            sh = self.fx.stakeholders(self.db, aid)
            sid = sh[0]["id"] if sh else self.missing + 1
        return sid, self._first_asid.get(aid, self.missing + 2)

    def take_scratch(self, who):
        aid = self.scratch[who].pop()
        self.sub[aid] = self._sub(aid)
        return aid

    def take_user(self, i):
        name = "scratch-user-%d" % i
        out = harness.run(self.fx.cvom, self.db, "user", "add", name, "--role", "viewer",
                          "--display", "Scratch %d" % i)
        return int(out.strip().splitlines()[-1])

    def fill(self, pattern, kinds, record, write, counter):
        """The path with each {param} replaced; None when a value cannot be had."""
        if record == "-":
            acc = self.missing
        elif record in ("own", "mixed"):
            acc = self.take_scratch("own") if write else self.own_acc
        elif record == "other":
            acc = self.take_scratch("other") if write else self.other_acc
        else:
            acc = self.missing
        if record in ("missing", "-"):
            sid, asid = self.missing + 1, self.missing + 2
        elif record == "mixed":
            sid, asid = self.sub[self.other_acc]
        else:
            sid, asid = self.sub[acc]
        path = pattern
        for name, kind in kinds:
            if kind == "account":
                v = acc
            elif kind == "stakeholder":
                v = sid
            elif kind == "assessment":
                v = asid
            elif kind == "user":
                v = self.take_user(counter) if write else USERS_IDS.get("vic", 1)
            elif kind == "static":
                v = "cvom.css"
            elif kind == "secret":
                v = "bogus-secret-" + "A" * 32
            elif kind == "date":
                v = "2026-10-15"
            elif kind == "instrument":
                v = 1
            else:
                v = "zz-bogus"
            path = path.replace("{%s}" % name, urllib.parse.quote(str(v), safe=""), 1)
        return path


def probe_body(role_display, csrf):
    form = {"csrf": csrf or "", "name": "Authz probe", "display": "Authz probe",
            "owner": role_display, "role": "viewer", "influence": "0.5", "stance": "neutral",
            "notes": "authorisation probe", "revenue": "1", "external_id": "",
            "password": "probe password 1234", "date": "2026-06-01"}
    js = {"name": "Authz probe", "owner": role_display, "notes": "authorisation probe",
          "role": "viewer", "influence": 0.5, "stance": "neutral"}
    return form, js


# ---- 1. the access-control matrix ---------------------------------------------------------------

ROLES = ["anon", "viewer", "manager", "admin", "tok:viewer", "tok:manager", "tok:admin"]
ROLE_LEVEL = {"anon": 0, "viewer": 1, "manager": 2, "admin": 3,
              "tok:viewer": 1, "tok:manager": 2, "tok:admin": 3}


def cell_text(r):
    if r is None:
        return ""
    if r.status in (301, 302, 303, 307, 308):
        loc = r.location.split("?")[0]
        return "%d>%s" % (r.status, loc[:12])
    return str(r.status)


def judge(rt, role, record, kinds, r, have_csrf, violations):
    method, pattern = rt["method"], rt["pattern"]
    need = LEVEL.get(rt["access"], 3)
    lvl = ROLE_LEVEL[role]
    api = pattern.startswith("/api/")
    unsafe = method not in ("GET", "HEAD")
    st = r.status
    where = "%s %s [%s] as %s -> %s" % (method, r.path, record, role, cell_text(r))
    bad = []
    if need == 0:
        # Public routes: anyone may call them; a bogus secret must not open anything.
        if any(k == "secret" for _, k in kinds) and 200 <= st < 300:
            bad.append("a bogus secret in the URL was accepted")
    elif lvl < need:
        if 200 <= st < 300:
            bad.append("unauthorised 2xx")
        elif 300 <= st < 400 and not r.location.startswith("/signin"):
            bad.append("redirect to a protected page for a role below '%s'" % rt["access"])
        if role == "anon":
            if api and st != 401:
                bad.append("anonymous API request must get 401")
            elif not api and method == "GET" and not (st == 303 and
                                                       r.location.startswith("/signin")):
                bad.append("anonymous page request must get 303 to /signin")
            elif not api and unsafe and st not in (401, 303, 403):
                bad.append("anonymous write must get 401 or 303 to /signin")
        elif unsafe and role.endswith("viewer") and st != 403:
            bad.append("a viewer's write must get 403")
        elif st not in (403, 404):
            bad.append("a signed-in role below '%s' must get 403" % rt["access"])
    else:
        resolved = all(k in ("account", "stakeholder", "assessment", "user", "static", "date",
                             "instrument") for _, k in kinds)
        manager = role in ("manager", "tok:manager")
        if record in ("other", "mixed") and manager:
            if st != 404:
                bad.append("another manager's record must answer 404 like a missing one")
        elif record == "missing":
            if 200 <= st < 300 and method == "GET":
                bad.append("2xx for a missing record")
            if st == 403 and not role.endswith("viewer"):
                bad.append("403 for a missing record (should be 404)")
        elif unsafe and role.endswith("viewer") and not SELF_SERVICE.search(pattern):
            if st != 403:
                bad.append("a viewer's write must get 403 (route access is '%s')"
                           % rt["access"])
        elif resolved and record in ("own", "-", "other"):
            if st in (401, 403) and (not unsafe or have_csrf or role.startswith("tok:")):
                bad.append("authorised request refused")
            elif st == 404 and record in ("own", "other") and method == "GET":
                bad.append("authorised request answered 404 for an existing record")
    if 500 <= st:
        bad.append("server error")
    for b in bad:
        violations.append("%s: %s" % (where, b))


@section
def access_matrix(fx, all_routes):
    db = fx.copy("matrix.db")
    unsafe_routes = [rt for rt in all_routes if rt["method"] not in ("GET", "HEAD")]
    n_scratch = max(4, len(unsafe_routes) * len(ROLES) + 4)
    recs = Records(fx, db, n_scratch)
    for name in USERS:
        rows = harness.db_rows(db, "SELECT id FROM users WHERE name = ?", (name,))
        if rows:
            USERS_IDS[name] = rows[0][0]
    srv = harness.Server(fx.cvom, db)
    clients, csrf = {}, {}
    try:
        anon = srv.client()
        anon.get("/signin")
        clients["anon"], csrf["anon"] = anon, anon.csrf
        for role in ("viewer", "manager", "admin"):
            c = srv.client()
            r = c.signin(harness.ROLE_USER[role])
            C.check(r.status == 303 and "cvom_session" in c.cookies,
                    "%s signs in through the form" % role, r.status, r.text[:200])
            clients[role], csrf[role] = c, c.session_csrf()
        for role in ("viewer", "manager", "admin"):
            clients["tok:" + role] = srv.client(bearer=fx.tokens[role])
            csrf["tok:" + role] = None
        if not csrf["admin"]:
            C.note("no page carries the signed-in session's CSRF token yet (tried /, "
                   "/accounts, /admin, /import): writes by signed-in roles are sent with the "
                   "pre-session token, so a 403 for an authorised role is not counted")
        display = {"anon": "", "viewer": USERS["vic"][1], "manager": USERS["priya"][1],
                   "admin": USERS["ada"][1]}
        violations, table, counter = [], [], [0]
        ordered = sorted(all_routes, key=lambda rt: (rt["method"] not in ("GET", "HEAD"),
                                                      bool(SIGNOUT.search(rt["pattern"]))))
        notes = set()
        for rt in ordered:
            kinds = param_kinds(rt["pattern"])
            for name, kind in kinds:
                if kind == "opaque":
                    notes.add("%s %s: parameter {%s} is unknown to this test; sent an opaque "
                              "bogus value" % (rt["method"], rt["pattern"], name))
            api = rt["pattern"].startswith("/api/")
            unsafe = rt["method"] not in ("GET", "HEAD")
            for record in records_for(kinds):
                row = {}
                for role in ROLES:
                    if role.startswith("tok:") and not api:
                        continue
                    c = clients[role]
                    counter[0] += 1
                    path = recs.fill(rt["pattern"], kinds, record, unsafe, counter[0])
                    headers = {}
                    form = js = None
                    if unsafe:
                        tok = csrf[role] or csrf["anon"]
                        base = role.split(":")[-1]
                        form, js = probe_body(display.get(base, ""), tok)
                        if not role.startswith("tok:"):
                            # anonymous clients send the pre-session double-submit pair, so
                            # that CSRF is not what stops them
                            headers["X-CSRF-Token"] = tok
                    if unsafe and api:
                        r = c.request(rt["method"], path, json=js, headers=headers)
                    elif unsafe:
                        r = c.request(rt["method"], path, form=form, headers=headers)
                    else:
                        r = c.request(rt["method"], path)
                    row[role] = r
                    judge(rt, role, record, kinds, r, bool(csrf[role]), violations)
                    if unsafe and role in ("viewer", "manager", "admin") and \
                            "cvom_session" not in c.cookies:
                        # a sign-out route ended the session: sign in again for what follows
                        c.signin(harness.ROLE_USER[role])
                        csrf[role] = c.session_csrf()
                table.append(("%s %s" % (rt["method"], rt["pattern"]), record, rt["access"],
                              row))
        for n in sorted(notes):
            C.note(n)
        print_matrix(table)
        print("%d requests in the matrix over %d routes" %
              (sum(len(t[3]) for t in table), len(all_routes)))
        for v in violations:
            print("VIOLATION " + v)
        C.check(not violations, "access-control matrix: %d violation(s)" % len(violations),
                *violations[:60])
        if not any(rt["access"] != "public" and rt["method"] == "GET" for rt in all_routes):
            C.note("the route table has no signed-in GET page yet: the matrix covers only "
                   "the routes that exist (%d)" % len(all_routes))
    finally:
        server_ended_cleanly(srv, "matrix server")


def print_matrix(table):
    roles = ROLES
    w0 = max([len(t[0]) for t in table] + [10])
    head = "%-*s %-7s %-8s " % (w0, "route", "record", "access") + " ".join(
        "%-12s" % r for r in roles)
    print(head)
    print("-" * len(head))
    for name, record, access, row in table:
        print("%-*s %-7s %-8s " % (w0, name, record, access) + " ".join(
            "%-12s" % cell_text(row.get(r)) for r in roles))


@section
def import_scope(fx, routes):
    """A manager's imports reach only the accounts they own: rows naming another manager's
    account are refused (as if it did not exist) and change nothing, on the import API and
    on the import page."""
    have = {(rt["method"], rt["pattern"]) for rt in routes}
    if ("POST", "/api/v1/imports") not in have and ("POST", "/import") not in have:
        C.note("import scope not tested: no import route yet")
        return
    db = fx.copy("scope.db")
    other = fx.other[0]
    acc = json.loads(harness.run(fx.cvom, db, "account", "show", other, "--format", "json"))
    ext = acc["external_id"]
    sh = fx.stakeholders(db, other)
    sh_ext = sh[0]["external_id"] or str(sh[0]["id"])

    def state():
        a = json.loads(harness.run(fx.cvom, db, "account", "show", other, "--format", "json"))
        return (a["name"], a["owner"], a.get("assessments"), len(fx.stakeholders(db, other)))

    before = state()
    files = {
        "accounts": "external_id,name,owner\n%s,Hijacked by import,%s\n" % (
            ext, USERS["priya"][1]),
        "stakeholders": "account,name,external_id\n%s,Intruder,INTRUDER-1\n" % ext,
        "responses": "account_id,respondent_id,item_id,score,date\n" + "".join(
            "%s,%s,%s,7,2026-06-01\n" % (ext, sh_ext, it) for it in
            ("INT01", "INT02", "INT03", "EMO01", "EMO02", "EMO03")),
    }
    srv = harness.Server(fx.cvom, db)
    try:
        tk = srv.client(bearer=fx.tokens["manager"])
        if ("POST", "/api/v1/imports") in have:
            for kind, text in files.items():
                r = tk.request("POST", "/api/v1/imports?kind=" + kind, body=text,
                               headers={"Content-Type": "text/csv"})
                C.check(400 <= r.status < 500, "a manager's API import of %s into another "
                        "manager's account is refused" % kind, r.status, r.text[:200])
                if kind != "accounts":
                    miss = tk.request("POST", "/api/v1/imports?kind=" + kind,
                                      body=text.replace(ext, "NO-SUCH-ACCOUNT"),
                                      headers={"Content-Type": "text/csv"})
                    same = (miss.status == r.status and
                            miss.text.replace("NO-SUCH-ACCOUNT", "X") == r.text.replace(ext, "X"))
                    C.check(same, "the refusal of another manager's account (%s) reads like "
                            "one for a missing account" % kind, r.text[:200], miss.text[:200])
        if ("POST", "/import") in have:
            c = srv.client()
            c.signin("priya")
            tok = c.session_csrf(("/import",))
            for kind, text in files.items():
                body, ctype = harness.multipart({"csrf": tok or "", "kind": kind},
                                                {"file": ("%s.csv" % kind, text.encode(),
                                                          "text/csv")})
                r = c.request("POST", "/import?csrf=" + urllib.parse.quote(tok or ""),
                              body=body, headers={"Content-Type": ctype})
                commit = [f for f in harness.forms_of(r.text) if "commit" in f["action"]]
                C.check(not commit, "the import page offers no commit for %s into another "
                        "manager's account" % kind, r.status)
                for f in commit:  # if it does, the commit itself must still refuse
                    c.request("POST", f["action"], form=f["fields"])
        after = state()
        C.check(after == before, "another manager's account is unchanged by a manager's "
                "imports", before, after)
    finally:
        server_ended_cleanly(srv, "import-scope server")


def selftest():
    """The checks themselves: a scanner or a judge that sees nothing proves nothing."""
    probs, _ = scan_html('<p title=""><img src=x onerror=alert(1)></p><script>alert(1)</script>'
                         '<a href=" javascript:alert(1)">x</a><!--x-->')
    assert len(probs) >= 4, probs
    probs, _ = scan_html('<p>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x '
                         'onerror=alert(1)&gt;</p><script src="/static/cvom.js" defer></script>')
    assert not probs, probs

    class R:
        def __init__(self, st, loc=""):
            self.status, self.path, self.location = st, "/x", loc
    rt = {"method": "GET", "pattern": "/accounts/{id}", "access": "viewer"}
    kinds = [("id", "account")]
    for role, rec, resp, bad in (("manager", "other", R(200), True),
                                 ("manager", "other", R(404), False),
                                 ("manager", "other", R(403), True),
                                 ("anon", "own", R(303, "/signin?next=/x"), False),
                                 ("anon", "own", R(200), True),
                                 ("viewer", "own", R(200), False)):
        v = []
        judge(rt, role, rec, kinds, resp, True, v)
        assert bool(v) == bad, (role, rec, resp.status, v)
    rt = {"method": "POST", "pattern": "/accounts/{id}/notes", "access": "manager"}
    v = []
    judge(rt, "viewer", "own", kinds, R(303, "/accounts/1"), True, v)
    assert v, "a viewer's accepted write must be a violation"


# ---- 2. CSRF -------------------------------------------------------------------------------------

@section
def csrf(fx):
    srv = harness.Server(fx.cvom, fx.copy("csrf.db"))
    try:
        foreign = "http://evil.example"
        # The sign-in form: the pre-session cookie and the form field must match.
        c = srv.client()
        page = c.get("/signin")
        tok = harness.csrf_of(page.text)
        C.check(page.status == 200 and tok, "GET /signin has a csrf field", page.status)
        C.check("cvom_csrf" in c.cookies, "GET /signin sets the cvom_csrf cookie",
                page.headers.get_all("Set-Cookie"))
        good = {"csrf": tok or "", "name": "vic", "password": PASSWORD}
        cases = [
            ("foreign Origin", dict(origin=foreign)),
            ("no Origin and no Referer", dict(origin=False)),
            ("foreign Referer, no Origin", dict(origin=False,
                                                headers={"Referer": foreign + "/signin"})),
            ("Origin 'null'", dict(origin="null")),
            ("Origin of another port", dict(origin="http://127.0.0.1:%d" % (srv.port + 1))),
        ]
        for what, kw in cases:
            r = c.post("/signin", good, **kw)
            C.check(r.status == 403, "sign-in with the right token but %s -> 403" % what,
                    r.status)
            C.check("cvom_session" not in c.cookies, "no session after a refused sign-in")
        for what, form in (("wrong token", dict(good, csrf="0" * len(tok or "x"))),
                           ("missing token", {k: v for k, v in good.items() if k != "csrf"}),
                           ("empty token", dict(good, csrf=""))):
            r = c.post("/signin", form)
            C.check(r.status == 403, "sign-in with the right Origin but a %s -> 403" % what,
                    r.status)
        # The token without its cookie: the double-submit pair is broken.
        bare = srv.client()
        r = bare.post("/signin", good)
        C.check(r.status == 403, "sign-in with a token but without the cvom_csrf cookie -> 403",
                r.status)
        # A cookie and field an attacker chose together still have to come from this site.
        r = bare.request("POST", "/signin", form=dict(good, csrf="a" * 64), origin=foreign,
                         headers={"Cookie": "cvom_csrf=" + "a" * 64})
        C.check(r.status == 403, "attacker-chosen cookie+token from a foreign Origin -> 403",
                r.status)
        # Same-site Referer without Origin is accepted (documented fallback).
        r = c.post("/signin", good, origin=False,
                   headers={"Referer": srv.origin + "/signin"})
        C.check(r.status == 303, "sign-in with no Origin but a same-site Referer succeeds",
                r.status)
        c2 = srv.client()
        c2.get("/signin")
        r = c2.post("/signin", dict(good, csrf=c2.csrf))
        C.check(r.status == 303 and "cvom_session" in c2.cookies,
                "the same sign-in done right succeeds", r.status)

        # Signed-in writes: the session's token from a page, and the sign-out form.
        tok2 = c2.session_csrf()
        if not tok2:
            C.note("CSRF on signed-in forms not tested: no page carries the session's token "
                   "yet")
            return
        other = srv.client()
        other.signin("priya")
        tok_other = other.session_csrf()
        for what, kw in (
                ("foreign Origin", dict(origin=foreign, form={"csrf": tok2})),
                ("no Origin and no Referer", dict(origin=False, form={"csrf": tok2})),
                ("wrong token", dict(form={"csrf": "f" * len(tok2)})),
                ("missing token", dict(form={})),
                ("another session's token", dict(form={"csrf": tok_other or "x"})),
                ("pre-session token", dict(form={"csrf": tok or "x"}))):
            r = c2.request("POST", "/signout", **kw)
            C.check(r.status == 403, "POST /signout with %s -> 403" % what, r.status)
            C.check("cvom_session" in c2.cookies, "the session survives a refused sign-out")
        r = c2.request("POST", "/signout", headers={"X-CSRF-Token": tok2})
        C.check(r.status == 303, "POST /signout with the token in X-CSRF-Token succeeds",
                r.status)
        # API writes with a session cookie need the token too; bearer tokens do not.
        routes = harness.routes(fx.cvom)
        api_posts = [rt for rt in routes if rt["pattern"].startswith("/api/") and
                     rt["method"] == "POST" and "{" not in rt["pattern"] and
                     rt["access"] != "public"]
        if api_posts:
            rt = api_posts[0]
            adm = srv.client()
            adm.signin("ada")
            t = adm.session_csrf()
            r = adm.request("POST", rt["pattern"], json={}, origin=foreign,
                            headers={"X-CSRF-Token": t})
            C.check(r.status == 403, "POST %s with a session cookie and a foreign Origin -> "
                    "403" % rt["pattern"], r.status)
            r = adm.request("POST", rt["pattern"], json={})
            C.check(r.status == 403, "POST %s with a session cookie and no token -> 403"
                    % rt["pattern"], r.status)
            C.check(r.header("Content-Type", "").startswith("application/json"),
                    "the API's CSRF refusal is JSON", r.header("Content-Type"))
            tk = srv.client(bearer=fx.tokens["admin"])
            r = tk.request("POST", rt["pattern"], json={}, origin=False)
            C.check(r.status != 403, "POST %s with a bearer token needs no CSRF token"
                    % rt["pattern"], r.status)
    finally:
        server_ended_cleanly(srv, "csrf server")


# ---- 3. sessions -----------------------------------------------------------------------------------

def alive_probe(routes):
    """A GET that tells whether a client is signed in: a viewer page without parameters
    (200 signed in, 303 to /signin not), else /signin itself (303 to / when signed in)."""
    for rt in routes:
        if rt["method"] == "GET" and rt["access"] == "viewer" and "{" not in rt["pattern"] \
                and not rt["pattern"].startswith("/api/"):
            return rt["pattern"], lambda r: r.status == 200
    return "/signin", lambda r: r.status == 303


def signed_in(client, probe):
    path, ok = probe
    return ok(client.get(path, record=False))


@section
def sessions(fx, routes):
    probe = alive_probe(routes)
    print("liveness probe: GET %s" % probe[0])
    srv = harness.Server(fx.cvom, fx.copy("sessions.db"))
    try:
        c = srv.client()
        c.cookies["cvom_session"] = "planted-by-an-attacker-0123456789abcdef0123456789"
        page = c.get("/signin")
        pre = page.cookies().get("cvom_csrf")
        C.check(pre is not None, "GET /signin sets cvom_csrf")
        if pre:
            C.check("httponly" in pre[1], "cvom_csrf is HttpOnly", pre[1])
            C.check(pre[1].get("samesite", "").lower() in ("lax", "strict"),
                    "cvom_csrf has SameSite", pre[1])
            C.check("secure" not in pre[1], "no Secure without --secure-cookies", pre[1])
        r = c.post("/signin", {"csrf": c.csrf, "name": "vic", "password": PASSWORD})
        ck = r.cookies().get("cvom_session")
        C.check(r.status == 303 and ck, "sign-in sets cvom_session", r.status)
        if not ck:
            return
        s1 = ck[0]
        C.check(s1 != "planted-by-an-attacker-0123456789abcdef0123456789",
                "the session id is not the one planted before sign-in (no fixation)")
        C.check(len(s1) >= 32, "the session id is long enough to be unguessable", len(s1))
        C.check("httponly" in ck[1], "cvom_session is HttpOnly", ck[1])
        C.check(ck[1].get("samesite", "").lower() in ("lax", "strict"),
                "cvom_session has SameSite=Lax or Strict", ck[1])
        C.check(ck[1].get("path") == "/", "cvom_session has Path=/", ck[1])
        C.check("secure" not in ck[1], "cvom_session not Secure without --secure-cookies")
        C.check(signed_in(c, probe), "signed in after sign-in")
        # After sign-in, ?next= goes only to a path of this site.
        for nxt in ("//evil.example/", "https://evil.example/", "/\\evil.example",
                    "/\t/evil.example", "\\\\evil.example", "http:evil.example",
                    "/%2F/evil.example", " //evil.example"):
            o = srv.client()
            r = o.signin("vic", next_path=nxt)
            loc = r.location
            C.check(r.status == 303 and loc.startswith("/") and not loc.startswith(("//", "/\\"))
                    and not re.search(r"[\x00-\x20]", loc),
                    "sign-in with next=%r redirects only within the site" % nxt, r.status, loc)
        # Signing in again over a live session rotates the id and ends the old one. The
        # form is not shown to a signed-in user, so the session's token comes from a page.
        s3 = s1
        if c.session_csrf():
            r = c.signin("vic")
            s2 = c.cookies.get("cvom_session")
            C.check(r.status == 303 and s2 and s2 != s1,
                    "a second sign-in gives a new session id", r.status)
            old = srv.client()
            old.cookies["cvom_session"] = s1
            C.check(not signed_in(old, probe), "the session id from before the second "
                    "sign-in no longer works")
            C.check(signed_in(c, probe), "the new session works")
            # Another user signing in with the same browser gets a fresh id as well.
            c.signin("priya")
            s3 = c.cookies.get("cvom_session")
            C.check(s3 and s3 not in (s1, s2), "signing in as someone else rotates the id")
        else:
            C.note("signing in again over a live session not tested: no page carries the "
                   "session's CSRF token yet")
        # A fresh browser signing in as the same user gets its own id.
        other = srv.client()
        other.signin("vic")
        C.check(other.cookies.get("cvom_session") not in (None, s1),
                "each sign-in creates its own session id")
        # Sign-out ends the session on the server.
        tok = c.session_csrf()
        if tok:
            r = c.request("POST", "/signout", form={"csrf": tok})
            C.check(r.status == 303 and r.location.startswith("/signin"),
                    "sign-out redirects to /signin", r.status, r.location)
            C.check("cvom_session" not in c.cookies, "sign-out clears the cookie")
            replay = srv.client()
            replay.cookies["cvom_session"] = s3
            C.check(not signed_in(replay, probe),
                    "replaying the cookie after sign-out fails (ended on the server)")
        else:
            C.note("sign-out not tested: no page carries the session's CSRF token yet")
    finally:
        server_ended_cleanly(srv, "sessions server")

    # Idle expiry, and activity that keeps a session alive.
    srv = harness.Server(fx.cvom, fx.copy("idle.db"), "--session-idle", "3")
    try:
        c = srv.client()
        c.signin("vic")
        C.check(signed_in(c, probe), "signed in (idle 3 s)")
        kept = True
        for _ in range(5):                 # 5 s of activity, one request a second
            time.sleep(1)
            kept = kept and signed_in(c, probe)
        C.check(kept, "a session used every second stays alive past the idle limit (3 s): "
                "idle expiry must count from the last request")
        c2 = srv.client()
        c2.signin("vic")
        time.sleep(4.2)
        C.check(not signed_in(c2, probe), "a session idle for 4 s is gone with --session-idle 3")
        r = c2.get(probe[0], record=False)
        if probe[0] != "/signin":
            C.check(r.status == 303 and r.location.startswith("/signin"),
                    "an expired session is redirected to /signin", r.status, r.location)
    finally:
        server_ended_cleanly(srv, "idle server")

    # Absolute expiry: requests every second do not keep it past --session-max.
    srv = harness.Server(fx.cvom, fx.copy("max.db"), "--session-max", "3")
    try:
        c = srv.client()
        c.signin("vic")
        t0 = time.monotonic()
        gone_at = None
        while time.monotonic() - t0 < 8:
            if not signed_in(c, probe):
                gone_at = time.monotonic() - t0
                break
            time.sleep(1)
        C.check(gone_at is not None and 2.5 <= gone_at <= 5.5,
                "with --session-max 3 and a request every second the session ends after "
                "about 4 s", "ended after %s s" % (None if gone_at is None else
                                                   round(gone_at, 1)))
    finally:
        server_ended_cleanly(srv, "max server")

    # Secure cookies behind TLS.
    srv = harness.Server(fx.cvom, fx.copy("secure.db"), "--secure-cookies")
    try:
        c = srv.client(origin="https://127.0.0.1:%d" % srv.port)
        page = c.get("/signin")
        pre = page.cookies().get("cvom_csrf")
        C.check(pre and "secure" in pre[1], "cvom_csrf is Secure with --secure-cookies",
                pre)
        r = c.post("/signin", {"csrf": c.csrf or "", "name": "vic", "password": PASSWORD})
        ck = r.cookies().get("cvom_session")
        C.check(r.status == 303 and ck and "secure" in ck[1],
                "cvom_session is Secure with --secure-cookies", r.status, ck)
    finally:
        server_ended_cleanly(srv, "secure-cookies server")


# ---- 4. the sign-in rate limit ---------------------------------------------------------------------

@section
def rate_limit(fx):
    srv = harness.Server(fx.cvom, fx.copy("rate.db"))
    try:
        c = srv.client()
        fails = []
        statuses = []
        for i in range(5):
            r = c.signin("vic", password="wrong password %d" % i)
            statuses.append(r.status)
            fails.append(r.elapsed)
        C.check(statuses == [401] * 5, "five wrong passwords get 401 each", statuses)
        hash_s = statistics.median(fails)
        print("a failed sign-in (one argon2id verification) takes %.1f ms" % (hash_s * 1e3))
        limited = []
        for pw in ("wrong again", PASSWORD):
            r = c.signin("vic", password=pw)
            limited.append(r)
            C.check(r.status == 429, "sign-in #%d for the same user (%s password) -> 429"
                    % (len(limited) + 5, "right" if pw == PASSWORD else "wrong"), r.status)
            C.check("cvom_session" not in c.cookies, "no session from a limited sign-in")
        t429 = max(x.elapsed for x in limited)
        print("a refused sign-in takes %.1f ms" % (t429 * 1e3))
        C.check(t429 < hash_s / 3, "429 answers well before one hash would finish",
                "%.1f ms vs %.1f ms" % (t429 * 1e3, hash_s * 1e3))
        # Another user from the same address is not locked out by vic's failures.
        r = c.signin("priya")
        C.check(r.status == 303, "another user can still sign in", r.status)
        # Per address: failures across many names end in 429 for every name.
        c2 = srv.client()
        st = None
        for i in range(40):
            r = c2.signin("nobody-%d" % i, password="wrong")
            st = r.status
            if st == 429:
                break
        C.check(st == 429, "failures across many user names from one address end in 429",
                "after %d attempts: %s" % (i + 1, st))
        r = c2.signin("sam")
        C.check(r.status == 429, "the address limit applies to a right password too",
                r.status)
        C.check(r.elapsed < hash_s / 3, "the address limit answers before hashing",
                "%.1f ms" % (r.elapsed * 1e3))
    finally:
        server_ended_cleanly(srv, "rate-limit server")


# ---- 5. malformed and oversized requests -------------------------------------------------------------

@section
def malformed(fx):
    srv = harness.Server(fx.cvom, fx.copy("malformed.db"))
    port = srv.port
    req = lambda path, extra=b"": (b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1:" +
                                   str(port).encode() + b"\r\n" + extra + b"\r\n")
    try:
        def expect(what, data, want, timeout=5.0, protocol=False, **kw):
            """protocol: the request breaks HTTP itself, so libmicrohttpd may answer it
            before the application sees it (its answers carry no security headers)."""
            got, state, secs = harness.raw(port, data, timeout=timeout, **kw)
            st = harness.raw_status(got)
            ok = st in want if isinstance(want, (set, tuple, list)) else want(st, state)
            C.check(ok, what, "status %s, connection %s" % (st, state))
            if st is not None:
                harness.SEEN.append(RawSeen(what, st, harness.raw_headers(got), protocol))
            return st, state, secs, got

        expect("URI of 3000 bytes -> 414", req(b"/" + b"a" * 3000), {414})
        expect("URI of 2100 bytes -> 414", req(b"/accounts?" + b"q" * 2100), {414})
        expect("URI of 1900 bytes is not refused for its length",
               req(b"/static/cvom.css?" + b"q" * 1880), {200, 404})
        expect("one header of 17 KiB -> 431", req(b"/healthz", b"X-Big: " + b"a" * 17000 +
                                                   b"\r\n"), {431})
        many = b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 100) for i in range(170))
        expect("170 headers of 100 bytes (17 KiB) -> 431", req(b"/healthz", many), {431})
        # Far past the cap libmicrohttpd's own memory limit answers (without our headers).
        expect("headers of 40 KiB -> 431", req(b"/healthz", b"X-Big: " + b"a" * 40000 +
                                                b"\r\n"), {431}, protocol=True)
        expect("headers of 8 KiB are accepted", req(b"/healthz", b"X-Big: " + b"a" * 8000 +
                                                     b"\r\n"), {200})

        # 413 before the body: send only the headers and read the answer.
        for path in (b"/signin", b"/api/v1/accounts", b"/import"):
            data = (b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: %s\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 10000000000\r\n\r\n" % (port, srv.origin.encode()))
            st, state, secs, _ = expect("POST %s with Content-Length 10 GB -> 413 before the "
                                        "body is sent" % path.decode(), data, {413}, timeout=3)
            C.check(secs < 2, "the 413 arrives at once", "%.2f s" % secs)
        data = (b"POST /signin HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                b"application/x-www-form-urlencoded\r\nContent-Length: 1048577\r\n"
                b"Expect: 100-continue\r\n\r\n" % port)
        expect("Expect: 100-continue with 1 MiB + 1 -> 413, not 100", data, {413}, timeout=3)
        # Chunked: no length up front; the cap must hold while reading.
        chunk = b"a" * 65536
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
        data = (b"POST /signin HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                b"application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                % port) + body
        expect("a chunked body over 1 MiB -> 413", data, {413}, timeout=10)
        for cl in (b"-1", b"abc", b"1e9", b"99999999999999999999999"):
            data = (b"POST /signin HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %s\r\n\r\n"
                    % (port, cl))
            expect("Content-Length: %s -> 400 or 413" % cl.decode(), data,
                   lambda st, state: st in (400, 413) or (st is None and state != "timeout"),
                   timeout=3, protocol=True)
        data = (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 5\r\n"
                b"Content-Length: 6\r\n\r\nhello!" % port)
        expect("two different Content-Length headers -> 400 (request smuggling)", data,
               {400}, timeout=3, protocol=True)
        data = (b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 5\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" % port)
        expect("Content-Length with Transfer-Encoding: chunked -> 400 or handled as chunked",
               data, {400, 405}, timeout=3, protocol=True)

        # Garbage: any 4xx/5xx or a closed connection; never 2xx, never a hang past the
        # timeout.
        garbage = [b"GARBAGE\r\n\r\n", b"\x00\x01\x02\xff\xfe\r\n\r\n", b"GET\r\n\r\n",
                   b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
                   b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", b"\r\n\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"\x7f" * 10 + b"\r\n\r\n",
                   b"G\x00ET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"]
        for g in garbage:
            got, state, secs = harness.raw(port, g, timeout=5)
            st = harness.raw_status(got)
            C.check(st is None or st >= 400, "garbage %r is not answered with success" % g,
                    st)
            if st is not None:
                harness.SEEN.append(RawSeen("garbage %r" % g[:40], st,
                                            harness.raw_headers(got), True))
            if st is None and state == "timeout":
                C.note("garbage %r: no answer; the connection stays open until the "
                       "connection timeout" % g)
        for m in (b"FOO", b"PROPFIND", b"TRACE", b"CONNECT", b"OPTIONS", b"get"):
            data = m + b" /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Echo-Probe: " \
                b"echo-me-not\r\n\r\n" % port
            st, state, _, got = expect("unknown method %s -> 405, 400 or 501" % m.decode(),
                                       data, {405, 400, 501})
            C.check(b"echo-me-not" not in got, "%s does not echo the request" % m.decode())
        # Percent-encoding in paths.
        for p in (b"/static/%zz", b"/static/cvom%2", b"/static/%", b"/static/%00cvom.css",
                  b"/%FF%FE", b"/accounts/%zz", b"/api/v1/accounts/%zz", b"/static/%c0%ae"):
            expect("bad percent-encoding %s -> 400 or 404" % p.decode(), req(p),
                   {400, 401, 404})
        for p in (b"/static/%2563vom.css", b"/static/cvom.css%00.txt",
                  b"/static/cvom.css%2500", b"/static/..%2fcvom.css",
                  b"/static/../static/cvom.css", b"/static/%2e%2e/%2e%2e/etc/passwd",
                  b"/static/..%252f..%252fetc%252fpasswd"):
            st, _, _, got = expect("%s is not served (decoded once, no NUL truncation, no "
                                   "traversal)" % p.decode(), req(p), {400, 404})
            C.check(b"root:" not in got, "no file outside the assets is served")
        # A client that never finishes its headers is dropped after --timeout.
    finally:
        server_ended_cleanly(srv, "malformed server")

    srv = harness.Server(fx.cvom, fx.copy("slow.db"), "--timeout", "2")
    try:
        _, state, secs = harness.raw(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ",
                                     timeout=10, read_all=True)
        C.check(state in ("closed", "reset") and secs < 6,
                "a client that never finishes its headers is dropped after --timeout 2",
                "%s after %.1f s" % (state, secs))
        _, state, secs = harness.raw(srv.port, b"POST /signin HTTP/1.1\r\nHost: x\r\n"
                                     b"Content-Length: 100\r\n\r\nname=", timeout=10,
                                     read_all=True)
        C.check(state in ("closed", "reset") and secs < 6,
                "a client that stops sending its body is dropped after --timeout 2",
                "%s after %.1f s" % (state, secs))
        r = srv.client().get("/healthz")
        C.check(r.status == 200, "the server still answers after the slow clients", r.status)
    finally:
        server_ended_cleanly(srv, "timeout server")


class RawSeen:
    """A raw-socket answer, kept with the others for the header checks."""

    def __init__(self, what, status, headers, protocol=False):
        self.method = "RAW"
        self.path = what
        self.status = status
        self._h = headers
        self.protocol = protocol

    def header(self, name, default=None):
        return self._h.get(name.lower(), default)


# ---- 6. XSS ----------------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "</title><svg onload=alert(1)>",
    "'\"--><!--",
    "<a href=\"javascript:alert(1)\">x</a>",
    "';alert(1);//",
    "</textarea></style></script><iframe src=javascript:alert(1)>",
]
RAW_MARKERS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
               "<svg onload=alert(1)>", "<iframe src=javascript:alert(1)>",
               "<a href=\"javascript:alert(1)\">"]


class XssScan(html.parser.HTMLParser):
    """Elements and attributes a payload could have created."""

    URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                 "background"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_script = False
        self.text_hits = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.in_script = True
            if not (a.get("src") or "").startswith("/static/"):
                self.problems.append("<script> not from /static/: %r" % (attrs,))
        if tag in ("iframe", "object", "embed", "base", "frame"):
            self.problems.append("<%s> element" % tag)
        if tag == "img" and a.get("src") == "x":
            self.problems.append("<img src=x> from a payload")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append("event handler attribute %s=%r on <%s>" % (k, v, tag))
            if k in self.URL_ATTRS and v:
                vv = re.sub(r"[\s\x00-\x1f]", "", v).lower()
                if vv.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append("%s=%r on <%s>" % (k, v, tag))
            if k == "style" and "expression(" in (v or ""):
                self.problems.append("style expression")
            if v and "alert(1)" in v:
                self.text_hits += 1

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("inline script content: %r" % data[:80])
        if "alert(1)" in data:
            self.text_hits += 1

    def handle_comment(self, data):
        if "alert" in data or "--" in data:
            self.problems.append("comment built from a payload: %r" % data[:80])


def scan_html(text):
    p = XssScan()
    p.feed(text)
    p.close()
    probs = list(p.problems)
    for m in RAW_MARKERS:
        if m in text:
            probs.append("raw payload %r in the page" % m)
    return probs, p.text_hits


def seed_xss(fx, db):
    """Payloads in every field the command line and the import can set, a manager whose
    display name (so the owner of accounts) is a payload, a token named with one, and the
    audit log through a failed sign-in (done later, over HTTP). Returns the account ids."""
    cvom = fx.cvom
    ids = []
    owner = "Owner " + PAYLOADS[1]
    harness.run(cvom, db, "user", "add", "xss", "--role", "manager", "--display", owner,
                "--password-stdin", input=PASSWORD + "\n")
    for i, p in enumerate(PAYLOADS):
        full = ["--industry", p, "--region", p, "--tags", p.replace(",", " "),
                "--notes", "notes " + p]
        out = ""
        for extra in (full + ["--external-id", "XSS-%d-%s" % (i, p)], full,
                      ["--notes", "notes " + p], []):
            out = harness.run(cvom, db, "account", "add", "X%d %s" % (i, p), "--owner", owner,
                              *extra, check=False)
            if out.strip():
                break
        if not out.strip():
            C.note("XSS: the command line refused account name %r" % p)
            continue
        aid = int(out.strip().splitlines()[-1])
        ids.append(aid)
        for args in (["--role", p, "--email", p, "--external-id", "XS-%d" % i],
                     ["--role", p, "--external-id", "XS-%d" % i]):
            o = harness.run(cvom, db, "stakeholder", "add", aid, "S%d %s" % (i, p), *args,
                            check=False)
            if o.strip():
                break
    # Through the import, with the payloads in a CSV as a CRM would export them.
    path = os.path.join(os.path.dirname(db), "xss-accounts.csv")
    with open(path, "w", newline="") as f:
        import csv
        w = csv.writer(f)
        w.writerow(["Account ID", "Account Name", "Owner", "Industry", "Region", "Tags",
                    "Notes"])
        for i, p in enumerate(PAYLOADS):
            w.writerow(["XI-%d" % i, "I%d %s" % (i, p), owner, p, p, p.replace(",", " "), p])
    harness.run(cvom, db, "import", "accounts", path, "--quiet")
    # Answers for the first account, so that it is placed on the matrix with its tooltip.
    items = [ln.split(",")[0] for ln in harness.run(
        cvom, db, "instrument", "show", "--format", "csv").splitlines()[1:]]
    rpath = os.path.join(os.path.dirname(db), "xss-responses.csv")
    with open(rpath, "w") as f:
        f.write("account_id,respondent_id,item_id,score,date\n")
        for it in items:
            f.write("%d,XS-0,%s,6,2026-10-01\n" % (ids[0], it))
    harness.run(cvom, db, "import", "responses", rpath, "--quiet", check=False)
    harness.run(cvom, db, "score", check=False)
    harness.run(cvom, db, "token", "create", "tok " + PAYLOADS[0], "--user", "ada", check=False)
    seed_xss_plans(cvom, db, ids[0])
    return ids


def seed_xss_plans(cvom, db, aid):
    """Payloads in the plan, the catalogue, the ratings and the playbook: action titles and
    owners (overdue and unowned, so that /actions lists them twice), offering names and
    categories rated by the first account, and a play's title and text."""
    for i, p in enumerate(PAYLOADS):
        harness.run(cvom, db, "action", "add", aid, "--title", "A%d %s" % (i, p),
                    *(["--owner", "Who " + p] if i % 2 else []), "--due", "2020-01-0%d" % (i + 1),
                    "--axis", "emotional", "--effect", "5", "--cost", "10", check=False)
        harness.run(cvom, db, "offering", "add", "XO-%d" % i, "O%d %s" % (i, p),
                    "--category", "C " + p, check=False)
        harness.run(cvom, db, "offering", "rate", aid, "XO-%d" % i, "--importance", "2",
                    "--performance", "6", "--cost", "100", check=False)
    import csv
    import io
    rows = list(csv.reader(io.StringIO(harness.run(cvom, db, "playbook", "export"))))
    for i, row in enumerate(rows[1:len(PAYLOADS) + 1]):
        row[1] = "T " + PAYLOADS[i]
        row[2] = "P " + PAYLOADS[-1 - i]
    path = os.path.join(os.path.dirname(db), "xss-playbook.csv")
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    harness.run(cvom, db, "playbook", "import", path, check=False)


def xss_csv(tag):
    """Accounts as a CRM exports them, payloads in the cells and in an extra column's name."""
    import csv
    import io
    f = io.StringIO()
    w = csv.writer(f)
    w.writerow(["Account ID", "Account Name", "Owner", "Industry", "Region", "Tags", "Notes"])
    for i, p in enumerate(PAYLOADS):
        w.writerow(["%s-%d" % (tag, i), "%s%d %s" % (tag, i, p), "Owner " + PAYLOADS[1], p, p,
                    p.replace(",", " "), p])
    return f.getvalue().encode()


def web_imports(srv, fx, routes, problems):
    """Payloads through the web's own ways in: the import page (its preview is checked
    here), the import API and the accounts API. Returns the ids of accounts made."""
    have = {(rt["method"], rt["pattern"]) for rt in routes}
    made = []
    if ("POST", "/import") in have:
        adm = srv.client()
        adm.signin("ada")
        tok = adm.session_csrf(("/import",))
        body, ctype = harness.multipart({"csrf": tok or "", "kind": "accounts"},
                                        {"file": ("x<script>alert(1)</script>.csv",
                                                  xss_csv("XW"), "text/csv")})
        r = adm.request("POST", "/import?csrf=" + urllib.parse.quote(tok or ""), body=body,
                        headers={"Content-Type": ctype, "X-CSRF-Token": tok})
        C.check(r.status == 200, "the import page previews a CSV with payloads", r.status,
                r.text[:300])
        probs, _ = scan_html(r.text)
        problems += ["POST /import preview: " + p for p in probs]
        commit = [f for f in harness.forms_of(r.text) if "commit" in f["action"]]
        if commit:
            f = commit[0]
            r = adm.request("POST", f["action"], form=f["fields"])
            C.check(r.status in (200, 303), "the import commits", r.status, r.text[:300])
            if r.status == 200:
                probs, _ = scan_html(r.text)
                problems += ["POST /import/commit: " + p for p in probs]
        else:
            C.note("XSS: the import preview has no commit form; nothing imported through it")
    else:
        C.note("XSS: no import page yet")
    tk = srv.client(bearer=fx.tokens["admin"])
    if ("POST", "/api/v1/imports") in have:
        r = tk.request("POST", "/api/v1/imports?kind=accounts", body=xss_csv("XA"),
                       headers={"Content-Type": "text/csv"})
        C.check(r.status in (200, 201), "POST /api/v1/imports with payloads", r.status,
                r.text[:300])
    if ("POST", "/api/v1/accounts") in have:
        for i, p in enumerate(PAYLOADS):
            r = tk.request("POST", "/api/v1/accounts",
                           json={"name": "A%d %s" % (i, p), "owner": "Owner " + PAYLOADS[1],
                                 "industry": p, "region": p, "notes": p, "tags": p})
            C.check(r.status in (200, 201), "POST /api/v1/accounts with a payload", r.status,
                    r.text[:200])
            if r.status in (200, 201):
                try:
                    made.append(r.json().get("id"))
                except ValueError:
                    pass
    else:
        C.note("XSS: no POST /api/v1/accounts yet")
    by_ext = {a["external_id"]: a["id"] for a in fx.accounts(srv.db)}
    made += [by_ext[k] for k in ("XW-1", "XA-0", "XW-3") if k in by_ext]
    return [m for m in made if m]


@section
def xss(fx, routes):
    db = fx.copy("xss.db")
    ids = seed_xss(fx, db)
    sh = fx.stakeholders(db, ids[0])
    sid = sh[0]["id"] if sh else 1
    rows = harness.db_rows(db, "SELECT id FROM assessments WHERE account_id = ? LIMIT 1",
                           (ids[0],))
    asid = rows[0][0] if rows else 1
    srv = harness.Server(fx.cvom, db)
    try:
        problems_out = []
        ids += web_imports(srv, fx, routes, problems_out)
        # The audit log: a failed sign-in whose user name is a payload.
        anon = srv.client()
        for p in PAYLOADS[:4]:
            anon.signin(p, password="wrong")
        anon.get("/signin?next=" + urllib.parse.quote(PAYLOADS[1]))

        readers = {"admin": srv.client(), "xss-manager": srv.client(), "anonymous": anon}
        readers["admin"].signin("ada")
        readers["xss-manager"].signin("xss")
        q = "&".join("%s=%s" % (k, urllib.parse.quote(PAYLOADS[(j % 4)]))
                     for j, k in enumerate(("q", "owner", "tag", "industry", "region",
                                            "quadrant", "sort", "next", "as_of", "page")))
        pages = []
        for rt in routes:
            if rt["method"] != "GET" or rt["pattern"].startswith(("/static/", "/api/")):
                continue
            path = rt["pattern"]
            for name, kind in param_kinds(path):
                v = {"account": ids[0], "stakeholder": sid, "assessment": asid,
                     "user": USERS_IDS.get("vic", 1), "secret": PAYLOADS[0],
                     "date": "2026-10-15"}.get(kind, PAYLOADS[3])
                path = path.replace("{%s}" % name, urllib.parse.quote(str(v), safe=""), 1)
            pages += [path, path + "?" + q]
        pages += ["/signin?next=" + urllib.parse.quote(p) for p in PAYLOADS]
        # The projections name actions and accounts: every open action of the first account
        # ticked on its what-if page, and the portfolio's what-if.
        acts = [a["id"] for a in json.loads(harness.run(fx.cvom, db, "action", "list",
                                                          ids[0], "--format", "json"))]
        if acts:
            pages.append("/accounts/%d/whatif?" % ids[0] +
                         "&".join("action=%d" % a for a in acts))
            pages.append("/actions?all=1&status=any&" + "&".join("plan=%d" % a for a in acts))
        else:
            C.note("XSS: no action was seeded; the what-if pages were not checked with payloads")
        pages += ["/no-such-page/" + urllib.parse.quote(PAYLOADS[0])]
        hits, checked = 0, 0
        problems = list(problems_out)
        for aid in ids[1:]:
            for rt in routes:
                if rt["method"] == "GET" and re.fullmatch(r"/accounts/\{[^}]+\}(/[a-z]+)?",
                                                          rt["pattern"]):
                    pages.append(re.sub(r"\{[^}]+\}", str(aid), rt["pattern"]))
        for who, c in readers.items():
            for path in pages:
                r = c.get(path)
                if "html" not in (r.header("Content-Type") or ""):
                    continue
                checked += 1
                probs, n = scan_html(r.text)
                hits += n
                for pr in probs:
                    problems.append("GET %s as %s (%d): %s" % (path[:120], who, r.status, pr))
        # API answers must be JSON, never HTML a browser would render.
        tk = srv.client(bearer=fx.tokens["admin"])
        for rt in routes:
            if rt["method"] == "GET" and rt["pattern"].startswith("/api/"):
                path = rt["pattern"]
                for name, kind in param_kinds(path):
                    v = {"account": ids[0], "stakeholder": sid, "assessment": asid}.get(
                        kind, "zz")
                    path = path.replace("{%s}" % name, str(v), 1)
                r = tk.get(path + "?q=" + urllib.parse.quote(PAYLOADS[0]))
                ct = r.header("Content-Type") or ""
                C.check("html" not in ct, "GET %s is not served as HTML" % path, ct)
        for p in problems:
            print("XSS " + p)
        C.check(not problems, "XSS: %d unescaped payload(s) in %d pages" %
                (len(problems), checked), *problems[:40])
        print("XSS: %d HTML pages checked; payload text shown (escaped) %d times" %
              (checked, hits))
        if hits == 0:
            C.note("XSS: no page shows the stored fields yet (no account, matrix or admin "
                   "page in the route table): only the sign-in and error pages were checked")
    finally:
        server_ended_cleanly(srv, "xss server")


# ---- 7. headers on every response ------------------------------------------------------------------

@section
def headers(fx):
    srv = harness.Server(fx.cvom, fx.copy("headers.db"))
    try:
        c = srv.client()
        r = c.get("/no-such-page")
        C.check(r.status == 404 and "text/html" in (r.header("Content-Type") or ""),
                "an unknown page is a 404 HTML page", r.status, r.header("Content-Type"))
        r = c.get("/api/v1/no-such-thing")
        C.check(r.status in (401, 404), "an unknown API path is 401 or 404", r.status)
        tk = srv.client(bearer=fx.tokens["admin"])
        r = tk.get("/api/v1/no-such-thing")
        C.check(r.status == 404, "an unknown API path with a token is 404", r.status)
        r = c.request("DELETE", "/healthz")
        C.check(r.status == 405, "a known path with the wrong method is 405", r.status)
        C.check(bool(r.header("Allow")), "405 says what is allowed")
        r = c.get("/static/cvom.css")
        C.check(r.status == 200 and "text/css" in (r.header("Content-Type") or ""),
                "the stylesheet is served as text/css", r.status)
        r = c.get("/static/cvom.js")
        C.check(r.status == 200 and "javascript" in (r.header("Content-Type") or ""),
                "the script is served as JavaScript", r.status)
        c.request("HEAD", "/signin")
    finally:
        server_ended_cleanly(srv, "headers server")
    bad_csp, bad_nosniff, bad_json, bad_html = [], [], [], []
    bare_protocol = set()
    for r in harness.SEEN:
        what = "%s %s -> %d" % (r.method, r.path[:80], r.status)
        if getattr(r, "protocol", False):
            if "frame-ancestors" not in (r.header("Content-Security-Policy") or ""):
                bare_protocol.add(what)
            continue
        csp = r.header("Content-Security-Policy") or ""
        if "frame-ancestors" not in csp:
            bad_csp.append(what)
        if (r.header("X-Content-Type-Options") or "").lower() != "nosniff":
            bad_nosniff.append(what)
        if isinstance(r, harness.Response) and r.status >= 400 and r.method != "HEAD":
            ct = r.header("Content-Type") or ""
            if r.path.startswith("/api/"):
                try:
                    e = r.json()["error"]
                    ok = all(k in e for k in ("code", "message", "field")) and \
                        ct.startswith("application/json")
                except (ValueError, KeyError, TypeError):
                    ok = False
                if not ok:
                    bad_json.append("%s (%s) %r" % (what, ct, r.body[:80]))
            elif not ct.startswith("text/html"):
                bad_html.append("%s (%s)" % (what, ct))
    print("%d responses checked for security headers" % len(harness.SEEN))
    if bare_protocol:
        C.note("answers libmicrohttpd gives by itself to requests that break HTTP carry no "
               "security headers (not counted as failures): " + "; ".join(sorted(bare_protocol)))
    C.check(not bad_csp, "every response has a Content-Security-Policy with frame-ancestors",
            *sorted(set(bad_csp))[:30])
    C.check(not bad_nosniff, "every response has X-Content-Type-Options: nosniff",
            *sorted(set(bad_nosniff))[:30])
    C.check(not bad_json, "every API error is JSON {error: {code, message, field}}",
            *sorted(set(bad_json))[:30])
    C.check(not bad_html, "every page error is HTML", *sorted(set(bad_html))[:30])


def main():
    cvom = harness.cvom_path(sys.argv)
    t0 = time.monotonic()
    fx = harness.Fixture(cvom)
    try:
        all_routes = harness.routes(cvom)
        print("%d routes from cvom serve --print-routes" % len(all_routes))
        selftest()
        access_matrix(fx, all_routes)
        import_scope(fx, all_routes)
        csrf(fx)
        sessions(fx, all_routes)
        rate_limit(fx)
        malformed(fx)
        xss(fx, all_routes)
        headers(fx)
    finally:
        fx.cleanup()
    print("took %.1f s" % (time.monotonic() - t0))
    sys.exit(C.finish("web_security"))


if __name__ == "__main__":
    main()
