#!/usr/bin/python3
"""web_security.py — who may do what in `cvom serve`, through a real HTTP client on 127.0.0.1,
judged by the route rules written by hand in tests/web/oracle.py (never by what the server
says of itself): the server's route table against those rules, the access-control matrix
over every route with real ids, a CSRF probe of every unsafe route for every signed-in role,
imports within a manager's scope, the sign-in's CSRF rules, the first-run setup link, and
sessions (rotation, idle and absolute expiry, sign-out, cookie flags). Prints every failure
and exits 1 if there was one.
    usage: web_security.py PATH/TO/cvom"""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402
import oracle  # noqa: E402
from harness import PASSWORD, USERS  # noqa: E402

C = harness.Checks()
section = harness.sections(C)
FOREIGN = "http://evil.example"


def server_ended_cleanly(srv, what):
    harness.server_ended_cleanly(C, srv, what)


# ---- 1. the server's route table against the rules ------------------------------------------------

@section
def route_table(printed):
    """`cvom serve --print-routes` must say what the rules say, row for row."""
    problems = oracle.compare(printed)
    for p in problems:
        print("ROUTE TABLE " + p)
    C.check(not problems, "the server's route table (--print-routes) follows the route rules "
            "of tests/web/oracle.py: %d difference(s)" % len(problems), *problems)
    print("%d routes in the rules, %d printed by the server" % (len(oracle.ROUTES),
                                                                 len(printed)))


# ---- 2. real ids for every route ------------------------------------------------------------------

class Records:
    """Real ids for every kind of route parameter: the demo's accounts for reads, a pool of
    scratch accounts (each with a stakeholder and answers) for writes, so that a successful
    write never changes what later requests see, and scratch actions, offerings and users
    made when a write needs one. A kind that cannot be resolved raises: a route tried only
    with a made-up id would check nothing."""

    def __init__(self, fx, db, n_scratch):
        self.fx = fx
        self.db = db
        cvom = fx.cvom
        self.api = None             # an admin's bearer client, once the server runs
        self.own_acc = fx.own[0]
        self.other_acc = fx.other[0]
        self.missing = fx.missing
        self.scratch = {"own": [], "other": []}
        self.actions = {}           # account id -> an action of it
        self.n_made = 0
        self.items = [ln.split(",")[0] for ln in harness.run(
            cvom, db, "instrument", "show", "--format", "csv").splitlines()[1:]]
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
                    for it in self.items:
                        fr.write("%s,%s-S,%s,4,2026-06-01\n" % (ext, ext, it))
        harness.run(cvom, db, "import", "accounts", acc, "--quiet")
        harness.run(cvom, db, "import", "stakeholders", sth, "--quiet")
        harness.run(cvom, db, "import", "responses", rsp, "--quiet")
        by_ext = {a["external_id"]: a["id"] for a in fx.accounts(db)}
        for who in ("own", "other"):
            self.scratch[who] = [by_ext["SCR-%s-%d" % (who, i)] for i in range(n_scratch)]
        self._sid = dict(harness.db_rows(
            db, "SELECT account_id, MIN(id) FROM stakeholders GROUP BY account_id"))
        self.users = {u["name"]: u["id"] for u in json.loads(
            harness.run(cvom, db, "user", "list", "--format", "json"))}
        self.instrument = json.loads(harness.run(cvom, db, "instrument", "list", "--format",
                                                 "json"))[0]["id"]
        self.offering = json.loads(harness.run(cvom, db, "offering", "list", "--format",
                                               "json"))[0]["code"]
        self.survey = None          # a live survey link's secret, made through the web
        self._campaign = None       # a campaign's id, made on first use

    def sid(self, aid):
        """The first stakeholder of an account."""
        if aid not in self._sid:
            sh = self.fx.stakeholders(self.db, aid)
            if not sh:
                raise RuntimeError("account %d has no stakeholder to put in a route" % aid)
            self._sid[aid] = sh[0]["id"]
        return self._sid[aid]

    def action(self, aid):
        """An action of an account, added through the API the first time."""
        if aid not in self.actions:
            r = self.api.request("POST", "/api/v1/accounts/%d/actions" % aid,
                                 json={"title": "Access probe action"})
            if r.status != 201:
                raise RuntimeError("could not add an action to account %d: %d %s"
                                   % (aid, r.status, r.text[:200]))
            self.actions[aid] = r.json()["id"]
        return self.actions[aid]

    def take_scratch(self, who):
        if not self.scratch[who]:
            raise RuntimeError("the pool of scratch accounts (%s) ran out" % who)
        return self.scratch[who].pop()

    def take_user(self):
        self.n_made += 1
        out = harness.run(self.fx.cvom, self.db, "user", "add", "scratch-user-%d" % self.n_made,
                          "--role", "viewer", "--display", "Scratch %d" % self.n_made)
        return int(out.strip().splitlines()[-1])

    def campaign(self, write):
        """A campaign over the manager's own accounts (a new one to change), made with the
        command line as an administrator would."""
        if write or not self._campaign:
            self.n_made += 1
            out = harness.run(self.fx.cvom, self.db, "campaign", "create",
                              "Probe campaign %d" % self.n_made, "--owner", USERS["priya"][1])
            self._campaign = int(out.strip().splitlines()[-1])
        return self._campaign

    def take_offering(self):
        self.n_made += 1
        code = "SCR-OFF-%d" % self.n_made
        harness.run(self.fx.cvom, self.db, "offering", "add", code, "Scratch offering")
        return code

    def fill(self, rt, record, write):
        """The path of route rt for a record: 'own', 'other' (another manager's account),
        'mixed' (an own account with another account's sub-record), 'missing', 'real' (an
        existing record of a route that is not owner-scoped) or '-' (no parameter)."""
        acc = None
        if record in ("own", "mixed"):
            acc = self.take_scratch("own") if write else self.own_acc
        elif record == "other":
            acc = self.take_scratch("other") if write else self.other_acc
        missing = record == "missing"
        path = rt.pattern
        for name, kind in rt.params.items():
            if kind == "account":
                v = self.missing if missing else acc
            elif kind == "stakeholder":
                v = self.missing + 1 if missing else self.sid(
                    self.other_acc if record == "mixed" else acc)
            elif kind == "action":
                v = self.missing + 2 if missing else self.action(
                    self.other_acc if record == "mixed" else acc)
            elif kind == "offering":
                if rt.owner:
                    v = self.offering
                else:
                    v = "NO-SUCH-OFFERING" if missing else (
                        self.take_offering() if write else self.offering)
            elif kind == "user":
                v = self.missing if missing else (self.take_user() if write else
                                                  self.users["vic"])
            elif kind == "instrument":
                v = self.missing if missing else self.instrument
            elif kind == "asset":
                v = "no-such-asset.css" if missing else "cvom.css"
            elif kind == "setup-link":
                v = "no-such-setup-link-" + "A" * 32
            elif kind == "survey-link":
                v = "no-such-survey-link-" + "A" * 32 if missing else self.survey
            elif kind == "campaign":
                v = self.missing if missing else self.campaign(write)
            else:
                raise RuntimeError("%s: no way to find a real {%s} (%s)" % (rt.name, name, kind))
            path = path.replace("{%s}" % name, urllib.parse.quote(str(v), safe=""), 1)
        return path


def records_for(rt):
    kinds = set(rt.params.values())
    if rt.owner:
        recs = ["own", "other", "missing"]
        if "account" in kinds and kinds & {"stakeholder", "action"}:
            recs.append("mixed")
        return recs
    if not kinds:
        return ["-"]
    if kinds == {"setup-link"}:
        # A live setup link exists only on a database without users: setup_link() tries one.
        return ["missing"]
    return ["real", "missing"]


def make_survey_link(client, csrf, aid, sid):
    """A live survey link's secret, made through the account page's form."""
    r = client.post("/accounts/%d/survey" % aid, {"csrf": csrf, "stakeholder": sid,
                                                  "days": "7"})
    m = re.search(r'id="survey-url"[^>]*value="[^"]*/survey/([A-Za-z0-9_-]+)"', r.text)
    if r.status != 200 or not m:
        raise RuntimeError("could not make a survey link: %d %s" % (r.status, r.text[:300]))
    return m.group(1)


# ---- 3. the access-control matrix ---------------------------------------------------------------

ROLES = ["anon", "viewer", "manager", "admin", "tok:viewer", "tok:manager", "tok:admin"]
ROLE_LEVEL = {"anon": 0, "viewer": 1, "manager": 2, "admin": 3,
              "tok:viewer": 1, "tok:manager": 2, "tok:admin": 3}
SIGNOUT = "POST /signout"


def roles_for(rt):
    return [r for r in ROLES if rt.api or not r.startswith("tok:")]


def cell_text(r):
    if r is None:
        return ""
    if r.status in (301, 302, 303, 307, 308):
        loc = r.location.split("?")[0]
        return "%d>%s" % (r.status, loc[:12])
    return str(r.status)


def judge(rt, role, record, r, violations):
    """Whether the answer r to role's request of route rt for record follows the rules."""
    need = oracle.LEVEL[rt.least]
    lvl = ROLE_LEVEL[role]
    st = r.status
    where = "%s %s [%s] as %s -> %s" % (rt.method, r.path, record, role, cell_text(r))
    why = " (least role '%s': %s)" % (rt.least, rt.rule)
    bad = []
    if lvl < need:
        if 200 <= st < 300:
            bad.append("a role below the least one was let in" + why)
        elif 300 <= st < 400 and not r.location.startswith("/signin"):
            bad.append("redirect to a protected page for a role below the least one" + why)
        elif role == "anon":
            if rt.api and st != 401:
                bad.append("an anonymous API request must get 401" + why)
            elif not rt.api and not rt.unsafe and not (st == 303 and
                                                       r.location.startswith("/signin")):
                bad.append("an anonymous page request must get 303 to /signin" + why)
            elif not rt.api and rt.unsafe and st not in (401, 303, 403):
                bad.append("an anonymous write must get 401 or 303 to /signin" + why)
        elif st != 403:
            bad.append("a signed-in role below the least one must get 403" + why)
    elif record in ("missing", "mixed"):
        if st != 404:
            bad.append("must answer 404: the record does not exist%s" % (
                " under that account" if record == "mixed" else ""))
    elif record == "other" and rt.owner and role.endswith("manager"):
        if st != 404:
            bad.append("another manager's account must answer 404 like a missing one (a "
                       "manager sees and edits only the accounts they own)")
    elif st == 403 or (st == 401 and rt.least != oracle.PUBLIC):
        # (a public route answers 401 to a wrong password in the body, not to the role)
        bad.append("an authorised request was refused" + why)
    elif st == 404:
        bad.append("an authorised request for an existing record answered 404")
    elif 300 <= st < 400 and r.location.startswith("/signin") and rt.name != SIGNOUT:
        bad.append("an authorised request was sent to sign in")
    elif not rt.unsafe and not (200 <= st < 300 or (300 <= st < 400 and
                                                    r.location.startswith("/"))):
        bad.append("an authorised read must answer 2xx, or redirect within the site")
    if 500 <= st:
        bad.append("server error")
    for b in bad:
        violations.append("%s: %s" % (where, b))


def probe_body(role_display):
    form = {"name": "Authz probe", "display": "Authz probe",
            "owner": role_display, "role": "viewer", "influence": "0.5", "stance": "neutral",
            "notes": "authorisation probe", "revenue": "1", "external_id": "",
            "password": "probe password 1234", "date": "2026-06-01"}
    js = {"name": "Authz probe", "owner": role_display, "notes": "authorisation probe",
          "role": "viewer", "influence": 0.5, "stance": "neutral"}
    return form, js


class Web:
    """One server on the shared matrix database with a signed-in client per role (and a
    bearer client per role), the session CSRF tokens, and the records."""

    def __init__(self, fx, db, recs):
        self.fx, self.db, self.recs = fx, db, recs
        self.srv = harness.Server(fx.cvom, db)
        self.clients, self.csrf = {}, {}
        anon = self.srv.client()
        anon.get("/signin")
        self.clients["anon"], self.csrf["anon"] = anon, anon.csrf
        for role in ("viewer", "manager", "admin"):
            self.signin(role)
        for role in ("viewer", "manager", "admin"):
            self.clients["tok:" + role] = self.srv.client(bearer=fx.tokens[role])
            self.csrf["tok:" + role] = None
        recs.api = self.clients["tok:admin"]
        recs.survey = make_survey_link(self.clients["admin"], self.csrf["admin"],
                                       recs.own_acc, recs.sid(recs.own_acc))

    def signin(self, role):
        """Sign role's client in (again) through the form and take its session's token; a
        role without a token cannot be probed, so that is an error, not a note."""
        c = self.clients.get(role) or self.srv.client()
        r = c.signin(harness.ROLE_USER[role])
        if r.status != 303 or "cvom_session" not in c.cookies:
            raise RuntimeError("%s could not sign in: %d %s" % (role, r.status, r.text[:200]))
        self.clients[role] = c
        self.refresh(role)

    def refresh(self, role):
        tok = self.clients[role].session_csrf()
        if not tok:
            raise RuntimeError("no page carries the CSRF token of %s's session (tried /, "
                               "/accounts, /admin, /import)" % role)
        self.csrf[role] = tok


def matrix_request(web, rt, role, path):
    c = web.clients[role]
    if not rt.unsafe:
        return c.request(rt.method, path)
    display = {"anon": "", "viewer": USERS["vic"][1], "manager": USERS["priya"][1],
               "admin": USERS["ada"][1]}[role.split(":")[-1]]
    form, js = probe_body(display)
    headers = {}
    if not role.startswith("tok:"):
        # Every browser role sends its valid token (anonymous clients the pre-session pair),
        # so that CSRF is never what stops a request here: the CSRF probe is section 4.
        form["csrf"] = web.csrf[role]
        headers["X-CSRF-Token"] = web.csrf[role]
    if rt.api:
        return c.request(rt.method, path, json=js, headers=headers)
    return c.request(rt.method, path, form=form, headers=headers)


def scratch_needed():
    """Scratch accounts the matrix consumes per owner, and a margin for the CSRF probe."""
    n = {"own": 0, "other": 0}
    for rt in oracle.ROUTES:
        if rt.unsafe and rt.owner:
            for rec in records_for(rt):
                if rec in n or rec == "mixed":
                    n["own" if rec == "mixed" else rec] += len(roles_for(rt))
    return max(n.values()) + 40


def access_matrix(web):
    C.section("access matrix")
    t0 = time.monotonic()
    violations, table = [], []
    ordered = sorted(oracle.ROUTES, key=lambda rt: (rt.unsafe, rt.name == SIGNOUT))
    for rt in ordered:
        for record in records_for(rt):
            row = {}
            for role in roles_for(rt):
                path = web.recs.fill(rt, record, rt.unsafe)
                r = matrix_request(web, rt, role, path)
                row[role] = r
                judge(rt, role, record, r, violations)
                if rt.unsafe and role in ("viewer", "manager", "admin") and \
                        "cvom_session" not in web.clients[role].cookies:
                    web.signin(role)    # a sign-out ended the session: sign in again
            table.append((rt.name, record, rt.least, row))
    print_matrix(table)
    print("%d requests in the matrix over %d routes" % (sum(len(t[3]) for t in table),
                                                        len(oracle.ROUTES)))
    for v in violations:
        print("VIOLATION " + v)
    C.check(not violations, "access-control matrix: %d violation(s)" % len(violations),
            *violations[:60])
    print("(access matrix: %.1f s)" % (time.monotonic() - t0))


def print_matrix(table):
    w0 = max([len(t[0]) for t in table] + [10])
    head = "%-*s %-7s %-8s " % (w0, "route", "record", "access") + " ".join(
        "%-12s" % r for r in ROLES)
    print(head)
    print("-" * len(head))
    for name, record, access, row in table:
        print("%-*s %-7s %-8s " % (w0, name, record, access) + " ".join(
            "%-12s" % cell_text(row.get(r)) for r in ROLES))


# ---- 4. CSRF on every unsafe route ----------------------------------------------------------------

class Req:
    """A request the server accepts from the role allowed to make it: kind 'form'
    (urlencoded, token in the csrf field), 'json' or 'csv' (token in X-CSRF-Token) or 'none'
    (no body); the statuses that mean it was done; and whether doing it changes the
    database (True, or the reason it does not)."""

    def __init__(self, kind, path, body=None, expect=(200,), changes=True, after=None):
        self.kind, self.path, self.body = kind, path, body
        self.expect, self.changes, self.after = set(expect), changes, after


INSTRUMENT = """# name: csrf-probe
# version: 1
# min_items: 1
code,axis,reverse,weight,scale_min,scale_max,statement
P1,intellectual,0,1,1,5,They ask us first
P2,emotional,0,1,1,5,They trust us
"""


def csrf_requests(web):
    """route name -> a function of nothing that gives the Req to probe it with: a request
    the role allowed to make it would have done, aimed at a scratch record."""
    recs = web.recs
    priya = USERS["priya"][1]

    def own():
        return recs.take_scratch("own")

    def answers(prefix=""):
        return {prefix + it: 4 for it in recs.items}

    def after_signin():
        web.refresh("viewer")

    def after_signout():
        web.signin("viewer")

    def commit_body():
        text = "external_id,name,owner\nCSRF-COMMIT,Committed by the CSRF probe,%s\n" % priya
        return {"kind": "accounts", "filename": "probe.csv", "pasted": "0",
                "data": base64.b64encode(text.encode()).decode()}

    def assess():
        a = own()
        return Req("form", "/accounts/%d/assess" % a,
                   dict(answers("i_"), respondent=str(recs.sid(a)), date="2026-06-01"), (303,))

    def api_assessment():
        a = own()
        return Req("json", "/api/v1/accounts/%d/assessments" % a,
                   {"stakeholder_id": recs.sid(a), "answers": answers()}, (201,))

    def survey():
        a = own()
        return Req("form", "/accounts/%d/survey" % a, {"stakeholder": str(recs.sid(a)),
                                                       "days": "7"}, (200,))

    def drop_stakeholder():
        a = own()
        return Req("none", "/api/v1/accounts/%d/stakeholders/%d" % (a, recs.sid(a)),
                   expect=(204,))

    def stakeholder_form(suffix, body):
        a = own()
        return Req("form", "/accounts/%d/stakeholders/%d%s" % (a, recs.sid(a), suffix), body,
                   (303,))

    def patch_stakeholder():
        a = own()
        return Req("json", "/api/v1/accounts/%d/stakeholders/%d" % (a, recs.sid(a)),
                   {"role": "Probed"}, (200,))

    def action_status():
        a = own()
        return Req("form", "/accounts/%d/actions/%d" % (a, recs.action(a)), {"status": "done"},
                   (303,))

    return {
        "POST /signin": lambda: Req("form", "/signin", {"name": "vic", "password": PASSWORD},
                                    (303,), after=after_signin),
        "POST /signout": lambda: Req("form", "/signout", {}, (303,), after=after_signout),
        # The live link exists only on a database without users (setup_link() tries one):
        # here the token passes the CSRF check and the handler refuses the link.
        "POST /setup/{token}": lambda: Req(
            "form", "/setup/no-such-setup-link-" + "A" * 32,
            {"name": "probe", "password": PASSWORD}, (404,),
            changes="the link is not valid; the CSRF check comes first all the same"),
        "POST /accounts/{id}/notes": lambda: Req(
            "form", "/accounts/%d/notes" % own(), {"notes": "Written by the CSRF probe"},
            (303,)),
        "POST /accounts/{id}/assess": assess,
        "POST /accounts": lambda: Req("form", "/accounts", {"name": "CSRF probe web account"},
                                      (303,)),
        "POST /accounts/{id}/remove": lambda: Req("form", "/accounts/%d/remove" % own(), {},
                                                  (303,)),
        "POST /accounts/{id}/edit": lambda: Req(
            "form", "/accounts/%d/edit" % own(), {"region": "Probed"}, (303,)),
        "POST /accounts/{id}/stakeholders": lambda: Req(
            "form", "/accounts/%d/stakeholders" % own(), {"name": "Probe person"}, (303,)),
        "POST /accounts/{id}/stakeholders/{sid}": lambda: stakeholder_form(
            "", {"role": "Probed"}),
        "POST /accounts/{id}/stakeholders/{sid}/remove": lambda: stakeholder_form(
            "/remove", {}),
        "PATCH /api/v1/accounts/{id}/stakeholders/{sid}": patch_stakeholder,
        "POST /accounts/{id}/survey": survey,
        "POST /import": lambda: Req(
            "form", "/import", {"kind": "accounts", "text": "external_id,name,owner\n"
                                "CSRF-PREVIEW,Previewed,%s\n" % priya},
            changes="a preview writes nothing"),
        "POST /import/commit": lambda: Req("form", "/import/commit", commit_body(), (303,)),
        "POST /admin/users": lambda: Req(
            "form", "/admin/users", {"name": "csrf-probe", "display": "CSRF Probe",
                                     "role": "viewer", "password": PASSWORD}, (303,)),
        "POST /admin/users/{id}": lambda: Req(
            "form", "/admin/users/%d" % recs.take_user(), {"action": "role",
                                                           "role": "manager"}, (303,)),
        "POST /admin/settings": lambda: Req("form", "/admin/settings",
                                            {"threshold.emotional": "55"}, (303,)),
        "POST /admin/instruments": lambda: Req("form", "/admin/instruments",
                                               {"text": INSTRUMENT}, (303,)),
        "POST /admin/playbooks": lambda: Req(
            "form", "/admin/playbooks", {"op": "add", "key": "csrf-probe", "title": "Probe",
                                         "play": "Probe the forms", "axis": "both",
                                         "cost": "low"}, (303,)),
        "POST /admin/signals": lambda: Req(
            "form", "/admin/signals", {"op": "add", "name": "csrfprobe", "label": "Probe",
                                       "axis": "intellectual", "direction": "+",
                                       "norm": "percentile", "weight": "0.5"}, (303,)),
        "POST /offerings": lambda: Req("form", "/offerings", {"code": "CSRF-PROBE",
                                                              "name": "Probe offering"},
                                       (303,)),
        "POST /offerings/{offering}/remove": lambda: Req(
            "form", "/offerings/%s/remove" % recs.take_offering(), {}, (303,)),
        "POST /accounts/{id}/actions": lambda: Req(
            "form", "/accounts/%d/actions" % own(), {"title": "Probe action"}, (303,)),
        "POST /accounts/{id}/actions/{action}": action_status,
        "POST /accounts/{id}/ratings": lambda: Req(
            "form", "/accounts/%d/ratings" % own(), {"offering": recs.offering,
                                                     "importance": "2", "performance": "6",
                                                     "cost": "100"}, (303,)),
        "POST /accounts/{id}/network": lambda: Req(
            "form", "/accounts/%d/network" % own(), {"kind": "event", "title": "Probe forum"},
            (303,)),
        "POST /api/v1/accounts": lambda: Req("json", "/api/v1/accounts",
                                             {"name": "CSRF probe account", "owner": priya},
                                             (201,)),
        "PATCH /api/v1/accounts/{id}": lambda: Req(
            "json", "/api/v1/accounts/%d" % own(), {"notes": "Patched by the probe"}, (200,)),
        "DELETE /api/v1/accounts/{id}": lambda: Req("none", "/api/v1/accounts/%d" % own(),
                                                    expect=(204,)),
        "POST /api/v1/accounts/{id}/stakeholders": lambda: Req(
            "json", "/api/v1/accounts/%d/stakeholders" % own(), {"name": "Probe person"},
            (201,)),
        "DELETE /api/v1/accounts/{id}/stakeholders/{sid}": drop_stakeholder,
        "POST /api/v1/accounts/{id}/assessments": api_assessment,
        "POST /api/v1/scores": lambda: Req(
            "csv", "/api/v1/scores", "account_id,respondent_id,item_id,score\nP,R1,%s,4\n"
            % recs.items[0], (200,), changes="it scores the upload and stores nothing"),
        "POST /api/v1/imports": lambda: Req(
            "csv", "/api/v1/imports?kind=accounts",
            "external_id,name,owner\nCSRF-API,Imported by the probe,%s\n" % priya, (201,)),
        "POST /api/v1/accounts/{id}/actions": lambda: Req(
            "json", "/api/v1/accounts/%d/actions" % own(), {"title": "Probe action"}, (201,)),
        "POST /api/v1/actions/{id}": lambda: Req(
            "json", "/api/v1/actions/%d" % recs.action(own()), {"status": "done"}, (200,)),
        "PATCH /api/v1/actions/{id}": lambda: Req(
            "json", "/api/v1/actions/%d" % recs.action(own()), {"status": "done"}, (200,)),
        "PUT /api/v1/accounts/{id}/ratings/{offering}": lambda: Req(
            "json", "/api/v1/accounts/%d/ratings/%s" % (own(), recs.offering),
            {"importance": 6, "performance": 2}, (200,)),
        "POST /campaigns": lambda: Req("form", "/campaigns", {"name": "CSRF probe campaign",
                                                              "owner": priya}, (303,)),
        "POST /campaigns/{id}/close": lambda: Req(
            "form", "/campaigns/%d/close" % recs.campaign(True), {}, (303,)),
        "POST /api/v1/accounts/{id}/network": lambda: Req(
            "json", "/api/v1/accounts/%d/network" % own(), {"kind": "event",
                                                            "title": "Probe forum"}, (201,)),
    }


VARIANTS = ("no token", "a wrong token", "another session's token", "a foreign Origin")
OTHER_SESSION = {"viewer": "admin", "manager": "admin", "admin": "manager"}


def send(web, method, req, role, variant=None):
    """req as role, with its session's token, or broken as the variant says."""
    c = web.clients[role]
    tok, origin = web.csrf[role], True
    if variant == "no token":
        tok = None
    elif variant == "a wrong token":
        tok = secrets.token_hex(max(16, len(tok) // 2))[:len(tok)]
    elif variant == "another session's token":
        tok = web.csrf[OTHER_SESSION[role]]
    elif variant == "a foreign Origin":
        origin = FOREIGN
    headers = {"X-CSRF-Token": tok} if tok and req.kind != "form" else {}
    if req.kind == "form":
        form = dict(req.body, **({"csrf": tok} if tok else {}))
        return c.request(method, req.path, form=form, origin=origin)
    if req.kind == "json":
        return c.request(method, req.path, json=req.body, headers=headers, origin=origin)
    if req.kind == "csv":
        headers["Content-Type"] = "text/csv"
        return c.request(method, req.path, body=req.body, headers=headers, origin=origin)
    return c.request(method, req.path, headers=headers, origin=origin)


def csrf_every_route(web):
    """Every unsafe route the rules do not exempt, for every signed-in role: no token, a
    wrong token, another session's token and a foreign Origin each get 403 and change
    nothing in the database; then the same request done right by the least role allowed
    is done (and changes the database), so that the refusals were refusals of a request
    that would have worked."""
    C.section("csrf on every unsafe route")
    t0 = time.monotonic()
    reqs = csrf_requests(web)
    state = harness.DbState(web.db)
    violations, n = [], 0
    checked = [rt for rt in oracle.ROUTES if rt.unsafe and not rt.exempt]
    for rt in checked:
        if rt.name not in reqs:
            violations.append("%s: the probe has no request for this unsafe route; add one to "
                              "csrf_requests()" % rt.name)
            continue
        req = reqs[rt.name]()
        before = state.snapshot()
        accepted = []
        for role in ("viewer", "manager", "admin"):
            for variant in VARIANTS:
                r = send(web, rt.method, req, role, variant)
                n += 1
                if r.status != 403:
                    accepted.append(r.status)
                    violations.append(
                        "%s as %s with %s -> %d, must be 403: every unsafe request must carry "
                        "the session's CSRF token and come from this site%s"
                        % (rt.name, role, variant, r.status,
                           "" if r.status < 300 or r.status >= 400 else " (to %s)" % r.location))
        after = state.snapshot()
        changed = state.changed(before, after)
        if changed:
            violations.append("%s: requests without a valid CSRF token changed the database "
                              "(%s)" % (rt.name, ", ".join(changed)))
        role = {"public": "viewer", "viewer": "viewer"}.get(rt.least, rt.least)
        r = send(web, rt.method, req, role)
        n += 1
        done = state.snapshot()
        if accepted:
            pass    # the refusals failed already; the request done right proves nothing more
        elif r.status not in req.expect:
            violations.append("%s as %s with the right token -> %d, expected %s: the probe's "
                              "request is not one the server does, so its refusals prove "
                              "nothing (%s)" % (rt.name, role, r.status, sorted(req.expect),
                                                r.text[:200]))
        elif req.changes is True and not state.changed(after, done):
            violations.append("%s as %s with the right token changed nothing in the database: "
                              "'nothing changed' would prove nothing" % (rt.name, role))
        if req.after:
            req.after()
    state.close()
    for v in violations:
        print("CSRF VIOLATION " + v)
    print("%d requests over %d unsafe routes (%d exempt by the rules: %s)"
          % (n, len(checked), sum(1 for rt in oracle.ROUTES if rt.unsafe and rt.exempt),
             ", ".join(rt.name for rt in oracle.ROUTES if rt.unsafe and rt.exempt)))
    C.check(not violations, "CSRF on every unsafe route: %d violation(s)" % len(violations),
            *violations[:60])
    csrf_exempt_routes(web)
    print("(csrf on every unsafe route: %.1f s)" % (time.monotonic() - t0))


def csrf_exempt_routes(web):
    """What the rules exempt works without a token, as they say: a survey link answered by a
    browser with no cookie and no token."""
    exempt = [rt.name for rt in oracle.ROUTES if rt.unsafe and rt.exempt]
    C.check(exempt == ["POST /survey/{token}", "POST /survey/{token}/draft"], "the only routes "
            "the rules exempt from the CSRF check are the survey's answer and its draft (this "
            "test knows how to answer only those)", exempt)
    recs = web.recs
    secret = make_survey_link(web.clients["admin"], web.csrf["admin"], recs.own_acc,
                              recs.sid(recs.own_acc))
    # The draft: its secret and the page's own origin, no cookie and no token.
    draft = {"i_" + it: "4" for it in recs.items[:2]}
    r = web.srv.client().request("POST", "/survey/%s/draft" % secret, form=draft)
    C.check(r.status == 200, "a survey's draft is saved without a cookie or a token", r.status,
            r.text[:200])
    for origin in (None, "http://evil.example"):
        r = web.srv.client().request("POST", "/survey/%s/draft" % secret, form=draft,
                                     origin=origin)
        C.check(r.status == 403, "a survey's draft from origin %r is refused" % origin, r.status)
    state = harness.DbState(web.db)
    before = state.snapshot()
    r = web.srv.client().request("POST", "/survey/" + secret,
                                 form={"i_" + it: "4" for it in recs.items})
    C.check(r.status == 200 and "Thank you" in r.text, "a survey link is answered without a "
            "cookie or a token (%s)" % oracle.SURVEY_EXEMPT, r.status, r.text[:300])
    C.check("assessments" in state.changed(before, state.snapshot()),
            "the survey's answers are stored")
    state.close()


@section
def access(fx):
    """The matrix and the CSRF probe, on one server and one database with shared sessions."""
    db = fx.copy("matrix.db")
    recs = Records(fx, db, scratch_needed())
    web = Web(fx, db, recs)
    try:
        access_matrix(web)
        csrf_every_route(web)
    finally:
        server_ended_cleanly(web.srv, "matrix server")


# ---- 5. imports stay within a manager's accounts ------------------------------------------------

@section
def import_scope(fx):
    """A manager's imports reach only the accounts they own: rows naming another manager's
    account are refused (as if it did not exist) and change nothing, on the import API and
    on the import page."""
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
        for kind, text in files.items():
            r = tk.request("POST", "/api/v1/imports?kind=" + kind, body=text,
                           headers={"Content-Type": "text/csv"})
            C.check(400 <= r.status < 500 and r.status != 403, "a manager's API import of %s "
                    "into another manager's account is refused" % kind, r.status,
                    r.text[:200])
            if kind != "accounts":
                miss = tk.request("POST", "/api/v1/imports?kind=" + kind,
                                  body=text.replace(ext, "NO-SUCH-ACCOUNT"),
                                  headers={"Content-Type": "text/csv"})
                same = (miss.status == r.status and
                        miss.text.replace("NO-SUCH-ACCOUNT", "X") == r.text.replace(ext, "X"))
                C.check(same, "the refusal of another manager's account (%s) reads like "
                        "one for a missing account" % kind, r.text[:200], miss.text[:200])
        c = srv.client()
        c.signin("priya")
        tok = c.session_csrf(("/import",))
        if not C.check(tok, "the import page carries the manager's CSRF token"):
            return
        for kind, text in files.items():
            body, ctype = harness.multipart({"csrf": tok, "kind": kind},
                                            {"file": ("%s.csv" % kind, text.encode(),
                                                      "text/csv")})
            r = c.request("POST", "/import?csrf=" + urllib.parse.quote(tok),
                          body=body, headers={"Content-Type": ctype})
            commit = [f for f in harness.forms_of(r.text) if "commit" in f["action"]]
            C.check(r.status == 422 and not commit, "the import page previews %s into "
                    "another manager's account as a problem, with no commit" % kind, r.status)
            for f in commit:  # if it does, the commit itself must still refuse
                c.request("POST", f["action"], form=f["fields"])
        after = state()
        C.check(after == before, "another manager's account is unchanged by a manager's "
                "imports", before, after)
    finally:
        server_ended_cleanly(srv, "import-scope server")


def selftest():
    """The judge itself: one that sees nothing proves nothing."""
    class R:
        def __init__(self, st, loc=""):
            self.status, self.path, self.location = st, "/x", loc
    rt = oracle.BY_NAME["GET /accounts/{id}"]
    for role, rec, resp, bad in (("manager", "other", R(200), True),
                                 ("manager", "other", R(404), False),
                                 ("manager", "other", R(403), True),
                                 ("viewer", "other", R(200), False),
                                 ("admin", "missing", R(200), True),
                                 ("anon", "own", R(303, "/signin?next=/x"), False),
                                 ("anon", "own", R(200), True),
                                 ("viewer", "own", R(200), False)):
        v = []
        judge(rt, role, rec, resp, v)
        assert bool(v) == bad, (role, rec, resp.status, v)
    v = []
    judge(oracle.BY_NAME["POST /accounts/{id}/notes"], "viewer", "own", R(303, "/accounts/1"),
          v)
    assert v, "a viewer's accepted write must be a violation"
    v = []
    judge(oracle.BY_NAME["GET /admin/audit"], "viewer", "-", R(200), v)
    assert v and "admin" in v[0], v
    # The table's own comparison names the route and the rule.
    printed = [{"method": r.method, "pattern": r.pattern, "access": r.least,
                "csrf_exempt": bool(r.exempt)} for r in oracle.ROUTES]
    assert oracle.compare(printed) == []
    printed[0] = dict(printed[0], access="admin")
    printed.append({"method": "GET", "pattern": "/new", "access": "public",
                    "csrf_exempt": False})
    diff = oracle.compare(printed)
    assert len(diff) == 2 and diff[0].startswith("GET /signin: ") and "/new" in diff[1], diff


# ---- 6. the sign-in's and sign-out's CSRF rules, in detail ------------------------------------------

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
        if not C.check(tok2, "a page carries the signed-in session's CSRF token"):
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
        adm = srv.client()
        adm.signin("ada")
        t = adm.session_csrf()
        body = {"name": "Session write"}
        r = adm.request("POST", "/api/v1/accounts", json=body, origin=foreign,
                        headers={"X-CSRF-Token": t})
        C.check(r.status == 403, "POST /api/v1/accounts with a session cookie and a foreign "
                "Origin -> 403", r.status)
        r = adm.request("POST", "/api/v1/accounts", json=body)
        C.check(r.status == 403, "POST /api/v1/accounts with a session cookie and no token -> "
                "403", r.status)
        C.check(r.header("Content-Type", "").startswith("application/json") and
                r.json()["error"]["code"] == "csrf", "the API's CSRF refusal is JSON and says "
                "so", r.header("Content-Type"), r.text[:200])
        tk = srv.client(bearer=fx.tokens["admin"])
        r = tk.request("POST", "/api/v1/accounts", json=body, origin=False)
        C.check(r.status == 201, "POST /api/v1/accounts with a bearer token needs no CSRF "
                "token", r.status)
    finally:
        server_ended_cleanly(srv, "csrf server")


# ---- 7. sessions -----------------------------------------------------------------------------------

def alive_probe():
    """A GET that tells whether a client is signed in: the first viewer page of the rules
    without parameters (200 signed in, 303 to /signin not)."""
    rt = next(rt for rt in oracle.ROUTES if rt.method == "GET" and rt.least == oracle.VIEWER
              and not rt.params and not rt.api)
    return rt.pattern, lambda r: r.status == 200


def signed_in(client, probe):
    path, ok = probe
    return ok(client.get(path, record=False))


@section
def sessions(fx):
    probe = alive_probe()
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
        if not C.check(r.status == 303 and ck, "sign-in sets cvom_session", r.status):
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
        if C.check(c.session_csrf(), "a page carries the session's CSRF token, to sign in "
                   "again with"):
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
        # A fresh browser signing in as the same user gets its own id.
        other = srv.client()
        other.signin("vic")
        C.check(other.cookies.get("cvom_session") not in (None, s1),
                "each sign-in creates its own session id")
        # Sign-out ends the session on the server.
        tok = c.session_csrf()
        if C.check(tok, "a page carries the session's CSRF token, to sign out with"):
            r = c.request("POST", "/signout", form={"csrf": tok})
            C.check(r.status == 303 and r.location.startswith("/signin"),
                    "sign-out redirects to /signin", r.status, r.location)
            C.check("cvom_session" not in c.cookies, "sign-out clears the cookie")
            replay = srv.client()
            replay.cookies["cvom_session"] = s3
            C.check(not signed_in(replay, probe),
                    "replaying the cookie after sign-out fails (ended on the server)")
    finally:
        server_ended_cleanly(srv, "sessions server")

    # Idle expiry, and activity that keeps a session alive. The server writes a session's
    # last use at most every quarter of the limit (2 s here), so this limit leaves a loaded
    # machine some 5 s for a slow request between two of the once-a-second ones.
    srv = harness.Server(fx.cvom, fx.copy("idle.db"), "--session-idle", "8")
    try:
        c = srv.client()
        c.signin("vic")
        C.check(signed_in(c, probe), "signed in (idle 8 s)")
        kept = True
        for _ in range(10):                # 10 s of activity, one request a second
            time.sleep(1)
            kept = kept and signed_in(c, probe)
        C.check(kept, "a session used every second stays alive past the idle limit (8 s): "
                "idle expiry must count from the last request")
        c2 = srv.client()
        c2.signin("vic")
        time.sleep(9.2)
        C.check(not signed_in(c2, probe), "a session idle for 9 s is gone with --session-idle 8")
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




# ---- 8. the first-run setup link --------------------------------------------------------------------

@section
def patterns_compile(html, where):
    """Browsers compile a form field's pattern as a regular expression with the v flag and
    ignore one that does not compile (Chromium says so in its console): every pattern of the
    page must compile under the same rules, checked with node's own engine."""
    patterns = [p.replace("&amp;", "&").replace("&quot;", '"')
                for p in re.findall(r'pattern="([^"]*)"', html)]
    if not patterns:
        return
    script = ("const bad = []; for (const p of JSON.parse(process.argv[1])) { try { "
              "new RegExp('^(?:' + p + ')$', 'v'); } catch (e) { bad.push(p + ': ' + e.message); "
              "} } console.log(JSON.stringify(bad));")
    out = subprocess.run(["node", "-e", script, json.dumps(patterns)], capture_output=True,
                         text=True, timeout=60)
    bad = json.loads(out.stdout or "null")
    C.check(out.returncode == 0 and bad == [], "the patterns of %s compile as browsers compile "
            "them" % where, bad if bad is not None else out.stderr)


def setup_link(fx):
    """On a database without users, cvom serve prints a one-time link that creates the first
    administrator: it needs the page's CSRF token and this site's Origin like every form,
    works once, and a made-up link opens nothing."""
    db = os.path.join(fx.dir, "setup.db")
    harness.run(fx.cvom, db, "init")
    srv = harness.Server(fx.cvom, db)
    try:
        m = None
        deadline = time.monotonic() + 10
        while not m and time.monotonic() < deadline:
            m = re.search(r"https?://[^/\s]+(/setup/[A-Za-z0-9_-]+)", srv.output())
            time.sleep(0.05)
        if not C.check(m, "cvom serve prints a setup link on a database without users",
                       srv.output()[-500:]):
            return
        link = m.group(1)
        c = srv.client()
        page = c.get(link)
        patterns_compile(page.text, link)
        tok = harness.csrf_of(page.text)
        C.check(page.status == 200 and tok, "the setup link opens a form with a CSRF token",
                page.status)
        other = srv.client()
        other.get("/signin")
        form = {"name": "first", "display": "First Admin", "password": PASSWORD}
        state = harness.DbState(db)
        before = state.snapshot()
        for what, kw in (("no token", dict(form=form)),
                         ("a wrong token", dict(form=dict(form, csrf="0" * len(tok or "x")))),
                         ("another browser's token", dict(form=dict(form, csrf=other.csrf))),
                         ("a foreign Origin", dict(form=dict(form, csrf=tok),
                                                   origin=FOREIGN))):
            r = c.request("POST", link, **kw)
            C.check(r.status == 403, "POST %s with %s -> 403" % ("/setup/{token}", what),
                    r.status)
        changed = state.changed(before, state.snapshot())
        C.check(not changed, "refused setup requests change nothing", changed)
        r = c.request("POST", "/setup/" + "B" * 43, form=dict(form, csrf=tok))
        C.check(r.status == 404, "a made-up setup link with the right token -> 404", r.status)
        r = c.request("POST", link, form=dict(form, csrf=tok))
        C.check(r.status == 303 and "cvom_session" in c.cookies,
                "the setup link creates the first administrator and signs them in", r.status,
                r.text[:300])
        users = json.loads(harness.run(fx.cvom, db, "user", "list", "--format", "json"))
        C.check([(u["name"], u["role"]) for u in users] == [("first", "admin")],
                "the first user is an administrator", users)
        C.check(c.get("/admin").status == 200, "the new administrator reaches /admin")
        C.check(srv.client().get(link).status == 404, "the setup link works once")
        state.close()
    finally:
        server_ended_cleanly(srv, "setup server")


def main(fx):
    route_table(harness.routes(fx.cvom))
    access(fx)
    import_scope(fx)
    csrf(fx)
    setup_link(fx)
    sessions(fx)
    C.section("headers")
    harness.check_security_headers(C)


if __name__ == "__main__":
    selftest()
    harness.run_sections(C, "web_security", main)
