#!/usr/bin/python3
"""web_actions.py — action plans, what-if, offerings and the playbook through a real
`cvom serve` on 127.0.0.1 and a real HTTP client, on the demo portfolio: actions added
through the account page's form are listed there and on /actions (overdue and unowned
highlighted, filters), marked done and reopened; the what-if page and the API project them
with exactly the numbers `cvom whatif --format json` gives; the portfolio what-if agrees
with `cvom whatif --all-open`; offerings are added to the catalogue, rated on the account
page and through the API, with their quadrant and the unvalued cost; administrators edit,
add, remove and reset plays. A viewer gets 403 on every change, another manager 404, and a
write without its CSRF token is refused. What the server wrote is read back with the
command line on the same database.
    usage: web_actions.py PATH/TO/cvom"""

import json
import os
import re
import sys
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402

C = harness.Checks()
XSS = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"


def section(fn):
    def wrapper(*a, **kw):
        C.section(fn.__name__.replace("_", " "))
        try:
            return fn(*a, **kw)
        except Exception:  # noqa: BLE001 - report and go on with the next section
            C.check(False, "section %s crashed" % fn.__name__, traceback.format_exc())
            return None
    return wrapper


class Env:
    def __init__(self, fx):
        self.fx = fx
        self.db = fx.copy("actions.db")
        self.srv = harness.Server(fx.cvom, self.db)
        self.c = {}
        for role, name in (("admin", "ada"), ("manager", "priya"), ("other", "sam"),
                           ("viewer", "vic")):
            cl = self.srv.client()
            r = cl.signin(name)
            C.check(r.status == 303, "%s signs in" % name, r.status)
            cl.session_csrf()
            self.c[role] = cl
        self.acc = self.pick_account()
        self.other_acc = fx.other[0]
        self.actions = {}  # name -> id

    def cli(self, *args):
        return harness.run(self.fx.cvom, self.db, *args)

    def cli_json(self, *args):
        return json.loads(self.cli(*args, "--format", "json"))

    def pick_account(self):
        """One of the manager's placed accounts, well inside its quadrant."""
        owner = harness.USERS["priya"][1]
        for a in self.cli_json("export"):
            if a["owner"] == owner and a["state"] == "ok" and a["intellectual"] is not None \
                    and a["intellectual"] < 40 and a["emotional"] < 40:
                return a["account_id"]
        return self.fx.own[0]

    def page(self, who, path):
        r = self.c[who].get(path)
        return r

    def form_csrf(self, who, path):
        """The CSRF token of a page's forms (as a browser would send it)."""
        r = self.c[who].get(path)
        return harness.csrf_of(r.text) or self.c[who].csrf or ""


def plan_actions(env):
    return {a["id"]: a for a in env.cli_json("action", "list", str(env.acc))}


@section
def add_actions(env):
    path = "/accounts/%d" % env.acc
    r = env.page("manager", path)
    C.check(r.status == 200 and 'id="plan"' in r.text, "the account page has the plan section",
            r.status)
    forms = [f for f in harness.forms_of(r.text) if f["action"] == path + "/actions"]
    C.check(len(forms) == 1, "the owner sees the add-action form", len(forms))
    tok = harness.csrf_of(r.text)
    before = set(plan_actions(env))
    r = env.c["manager"].post(path + "/actions", {
        "csrf": tok, "title": "Quarterly briefing " + XSS, "owner": "Jo Lind",
        "due": "2020-01-31", "axis": "intellectual", "effect": "12.5", "cost": "3000"})
    C.check(r.status == 303 and r.location.startswith(path + "?plan=added"),
            "adding an action redirects to the plan", r.status, r.location)
    r = env.c["manager"].post(path + "/actions", {
        "csrf": tok, "title": "Meet the sponsor", "owner": "", "due": "",
        "axis": "emotional", "effect": "7", "cost": ""})
    C.check(r.status == 303, "a second action without owner is added", r.status, r.text[:300])
    r = env.c["manager"].post(path + "/actions", {
        "csrf": tok, "title": "Cost only", "axis": "", "effect": "", "cost": "250.5"})
    C.check(r.status == 303, "an action without an axis is added", r.status, r.text[:300])
    now = plan_actions(env)
    new = sorted(set(now) - before)
    C.check(len(new) == 3, "three actions are in the store", new)
    if len(new) != 3:
        return
    a1, a2, a3 = (now[i] for i in new)
    env.actions.update(briefing=a1["id"], sponsor=a2["id"], cost=a3["id"])
    C.check(a1["title"] == "Quarterly briefing " + XSS and a1["owner"] == "Jo Lind" and
            a1["due"] == "2020-01-31" and a1["axis"] == "intellectual" and
            abs(a1["effect"] - 12.5) < 1e-9 and abs(a1["cost"] - 3000) < 1e-9 and
            a1["status"] == "open", "the form's fields are stored as given", a1)
    C.check(a2["owner"] in ("", None) and a2["axis"] == "emotional" and a2["cost"] is None,
            "an empty owner and cost stay empty", a2)
    C.check(a3["axis"] in ("", None) and abs(a3["cost"] - 250.5) < 1e-9,
            "a cost-only action has no axis", a3)
    r = env.page("manager", path)
    C.check("Quarterly briefing &lt;script&gt;" in r.text and "<script>alert" not in r.text,
            "the plan lists the action, escaped", r.text.count("Quarterly briefing"))
    C.check("?plan=added" not in r.text and "The action was added" in env.c["manager"].get(
        path + "?plan=added").text, "the notice after adding is shown")
    # Bad input is refused and writes nothing.
    for bad, field in (({"title": "  "}, "title"),
                       ({"title": "x" * 300}, "title"),
                       ({"title": "t", "effect": "5"}, "effect without axis"),
                       ({"title": "t", "axis": "both", "effect": "5"}, "axis"),
                       ({"title": "t", "axis": "emotional", "effect": "101"}, "effect"),
                       ({"title": "t", "cost": "-1"}, "cost"),
                       ({"title": "t", "due": "2026-02-30"}, "due"),
                       ({"title": "t", "play": "no-such-play"}, "play")):
        r = env.c["manager"].post(path + "/actions", dict(bad, csrf=tok))
        C.check(r.status == 422, "a bad %s is refused with 422" % field, r.status)
    C.check(len(plan_actions(env)) == len(now), "refused forms wrote nothing")


@section
def actions_page(env):
    if not env.actions:
        return
    r = env.page("viewer", "/actions")
    C.check(r.status == 200, "a viewer reads /actions", r.status)
    text = r.text
    late = text[text.find('id="late-h"'):text.find('id="unowned-h"')]
    unowned = text[text.find('id="unowned-h"'):text.find('id="all-h"')]
    C.check("Quarterly briefing &lt;script&gt;" in late, "the overdue action is in the overdue "
            "list")
    C.check("Meet the sponsor" not in late, "an undated action is not overdue")
    C.check("Meet the sponsor" in unowned and "Quarterly briefing" not in unowned,
            "the unowned list holds the action nobody owns")
    C.check('class="overdue"' in text, "overdue rows are highlighted")
    r = env.page("viewer", "/actions?owner=" + urllib.parse.quote("Jo Lind"))
    main = r.text[r.text.find('id="all-h"'):]
    C.check("Quarterly briefing" in main and "Meet the sponsor" not in main,
            "the owner filter keeps only that owner's actions")
    r = env.page("viewer", "/actions?status=done")
    main = r.text[r.text.find('id="all-h"'):]
    C.check("Quarterly briefing" not in main, "the status filter leaves out open actions")
    # A manager sees only their own accounts' actions; the other manager none of these.
    r = env.page("other", "/actions")
    C.check(r.status == 200 and "Quarterly briefing" not in r.text,
            "another manager does not see these actions")


def cli_whatif(env, ids):
    args = ["whatif", str(env.acc)]
    for i in ids:
        args += ["--action", str(i)]
    return env.cli_json(*args)


def cell(text, ident):
    m = re.search(r'id="%s"[^>]*>([^<]*)<' % re.escape(ident), text)
    return m.group(1).strip() if m else None


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


@section
def whatif(env):
    if not env.actions:
        return
    ids = [env.actions["briefing"], env.actions["sponsor"], env.actions["cost"]]
    want = cli_whatif(env, ids)
    q = "&".join("action=%d" % i for i in ids)
    r = env.page("viewer", "/accounts/%d/whatif?%s" % (env.acc, q))
    C.check(r.status == 200, "the what-if page answers", r.status, r.text[:300])
    t = r.text
    C.check("Estimate" in t and "not evidence" in t, "the projection is labelled an estimate")
    for key, ident in (("intellectual_now", "wi-i-now"), ("intellectual_projected", "wi-i-proj"),
                       ("emotional_now", "wi-e-now"), ("emotional_projected", "wi-e-proj"),
                       ("cost", "wi-cost")):
        got = num(cell(t, ident))
        C.check(got is not None and want[key] is not None and abs(got - want[key]) < 0.005,
                "the page's %s is the command line's" % key, got, want[key])
    for key, ident in (("intellectual_effect", "wi-i-effect"),
                       ("emotional_effect", "wi-e-effect")):
        got = num(cell(t, ident))
        C.check(got is not None and abs(got - want[key]) < 0.005,
                "the page's %s is the command line's" % key, got, want[key])
    m = re.search(r'id="wi-q-proj" data-quadrant="([a-z]*)"', t)
    C.check(m and m.group(1) == want["quadrant_projected"],
            "the projected quadrant is the command line's", m and m.group(1),
            want["quadrant_projected"])
    m = re.search(r'<circle class="proj[^"]*" id="wi-proj"[^>]*data-intellectual="([0-9.]+)" '
                  r'data-emotional="([0-9.]+)"', t)
    C.check(m and abs(float(m.group(1)) - want["intellectual_projected"]) < 0.005 and
            abs(float(m.group(2)) - want["emotional_projected"]) < 0.005,
            "the picture's projected point is the projection", m and m.groups())
    C.check('id="wi-now"' in t, "the picture shows the point now")
    C.check(t.count("checked") >= 3, "the ticked actions stay ticked")
    # The same through the API, key for key.
    tok = harness.Client(env.srv.port, bearer=env.fx.tokens["viewer"])
    r = tok.get("/api/v1/accounts/%d/whatif?%s" % (env.acc, q))
    C.check(r.status == 200, "GET /api/v1/accounts/{id}/whatif answers", r.status, r.text[:300])
    if r.status == 200:
        got = r.json()
        C.check(got == want, "the API's what-if is the command line's record", got, want)
    # One action alone, and none.
    want1 = cli_whatif(env, ids[:1])
    r = tok.get("/api/v1/accounts/%d/whatif?action=%d" % (env.acc, ids[0]))
    C.check(r.status == 200 and r.json() == want1, "one action: the same as the command line",
            r.text[:300], want1)
    r = env.page("viewer", "/accounts/%d/whatif" % env.acc)
    C.check(r.status == 200 and 'id="wi-proj"' not in r.text,
            "without ticks the page shows only the point now")
    # Bad picks: another account's action, a bogus id, twice the same.
    r = env.page("viewer", "/accounts/%d/whatif?action=%d" % (env.other_acc, ids[0]))
    C.check(r.status == 422 and "Quarterly" not in r.text,
            "another account's action is refused without naming it", r.status)
    r = env.page("viewer", "/accounts/%d/whatif?action=zz" % env.acc)
    C.check(r.status == 422, "a bogus action id is refused", r.status)
    r = tok.get("/api/v1/accounts/%d/whatif?action=%d&action=%d" % (env.acc, ids[0], ids[0]))
    C.check(r.status == 422, "the API refuses an action given twice", r.status)


@section
def portfolio_whatif(env):
    if not env.actions:
        return
    # A big planned effect on another manager's transactional account, so that the mix moves.
    moved = None
    for a in env.cli_json("export"):
        if a["owner"] == harness.USERS["sam"][1] and a["quadrant"] == "transactional" and \
                a["state"] == "ok" and a["emotional"] < 40:
            moved = a
            break
    if C.check(moved is not None, "the demo has a transactional account of another manager"):
        env.cli("action", "add", str(moved["account_id"]), "--title", "Research programme",
                "--axis", "intellectual", "--effect", "90", "--cost", "20000")
    want = {row["quadrant"]: row for row in env.cli_json("whatif", "--all-open")}
    C.check(want["transactional"]["projected"] < want["transactional"]["now"],
            "the command line projects a move out of Transactional", want)
    r = env.page("admin", "/actions?all=1")
    C.check(r.status == 200 and 'id="wi-mix"' in r.text, "the portfolio what-if answers",
            r.status)
    for q, row in want.items():
        m = re.search(r'<tr data-quadrant="%s"><th scope="row">[^<]*</th><td class="num">'
                      r'(\d+)</td><td class="num">(\d+)</td>' % re.escape(q), r.text)
        C.check(m and int(m.group(1)) == row["now"] and int(m.group(2)) == row["projected"],
                "every open action: %s as `cvom whatif --all-open`" % q, m and m.groups(), row)
    C.check(moved is None or (moved["name"].replace("&", "&amp;") + "</a>: Transactional")
            in r.text, "the account that would move is named")
    # A manager's portfolio is their own accounts: the other manager's action is not in it.
    r = env.page("manager", "/actions?all=1")
    m = re.search(r'<tr data-quadrant="transactional"><th scope="row">[^<]*</th><td '
                  r'class="num">(\d+)</td><td class="num">(\d+)</td>', r.text)
    C.check(m and m.group(1) == m.group(2), "a manager's what-if leaves others' accounts out",
            m and m.groups())
    ids = [env.actions["briefing"], env.actions["cost"]]
    r = env.page("manager", "/actions?" + "&".join("plan=%d" % i for i in ids))
    cost = num(cell(r.text, "wi-cost"))
    C.check(r.status == 200 and cost is not None and abs(cost - 3250.5) < 0.005,
            "the ticked actions' cost is their sum", r.status, cost)
    r = env.page("other", "/actions?plan=%d" % ids[0])
    C.check(r.status == 422 and 'id="wi-mix"' not in r.text,
            "another manager cannot plan these actions", r.status)


@section
def status_changes(env):
    if not env.actions:
        return
    path = "/accounts/%d" % env.acc
    sid = env.actions["sponsor"]
    tok = env.form_csrf("manager", path)
    r = env.c["manager"].post("%s/actions/%d" % (path, sid), {"csrf": tok, "status": "done"})
    C.check(r.status == 303 and "plan=done" in r.location, "marking done redirects", r.status)
    C.check(plan_actions(env)[sid]["status"] == "done", "the action is done in the store")
    r = env.c["manager"].post("%s/actions/%d" % (path, sid), {"csrf": tok, "status": "done"})
    C.check(r.status == 422, "done twice is refused", r.status)
    r = env.page("viewer", "/accounts/%d/whatif?action=%d" % (env.acc, sid))
    C.check(r.status == 422, "a done action cannot be planned", r.status)
    r = env.c["manager"].post("%s/actions/%d" % (path, sid), {"csrf": tok, "status": "open"})
    C.check(r.status == 303 and plan_actions(env)[sid]["status"] == "open",
            "the status goes back to open", r.status)
    r = env.c["manager"].post("%s/actions/%d" % (path, sid), {"csrf": tok, "status": "maybe"})
    C.check(r.status == 422, "an unknown status is refused", r.status)
    # Through the API.
    api = harness.Client(env.srv.port, bearer=env.fx.tokens["manager"])
    r = api.request("POST", "/api/v1/actions/%d" % sid, json={"status": "done"})
    C.check(r.status == 200 and r.json()["status"] == "done" and r.json()["done"],
            "POST /api/v1/actions/{id} marks it done", r.status, r.text[:300])
    r = api.request("POST", "/api/v1/actions/%d" % sid, json={"status": "open"})
    C.check(r.status == 200 and r.json()["status"] == "open", "and open again", r.status)
    r = api.request("POST", "/api/v1/accounts/%d/actions" % env.acc,
                    json={"title": "Via the API", "axis": "emotional", "effect": 3, "cost": 10})
    C.check(r.status == 201 and r.json()["title"] == "Via the API",
            "POST /api/v1/accounts/{id}/actions adds one", r.status, r.text[:300])
    if r.status == 201:
        new = r.json()["id"]
        C.check(plan_actions(env)[new]["effect"] == 3, "the API's action is in the store")
        r = api.get("/api/v1/accounts/%d/actions" % env.acc)
        C.check(r.status == 200 and new in [a["id"] for a in r.json()["items"]],
                "GET /api/v1/accounts/{id}/actions lists it", r.status)
    r = api.request("POST", "/api/v1/accounts/%d/actions" % env.acc, json={"title": 5})
    C.check(r.status == 422 and r.json()["error"]["field"] == "title",
            "a title that is not a string is refused with its field", r.status, r.text[:200])


@section
def offerings(env):
    cat = env.cli_json("offering", "list")
    r = env.page("viewer", "/offerings")
    C.check(r.status == 200 and all(o["code"] in r.text for o in cat),
            "the catalogue page lists every offering", r.status)
    C.check('action="/offerings"' not in r.text, "a viewer gets no add form")
    tok = env.form_csrf("manager", "/offerings")
    r = env.c["manager"].post("/offerings", {"csrf": tok, "code": "WEB-TEST",
                                             "name": "Web test " + XSS,
                                             "category": "add-on service"})
    C.check(r.status == 303, "a manager adds an offering", r.status, r.text[:300])
    codes = [o["code"] for o in env.cli_json("offering", "list")]
    C.check("WEB-TEST" in codes, "the offering is in the catalogue")
    r = env.c["manager"].post("/offerings", {"csrf": tok, "code": "WEB-TEST", "name": "x"})
    C.check(r.status == 409, "a code already there is refused", r.status)
    r = env.c["manager"].post("/offerings", {"csrf": tok, "code": "has space", "name": "x"})
    C.check(r.status == 422, "a code with a space is refused", r.status)
    # Rate it for the account: unimportant and performing well = possible overkill.
    path = "/accounts/%d" % env.acc
    tok = env.form_csrf("manager", path)
    r = env.c["manager"].post(path + "/ratings", {"csrf": tok, "offering": "WEB-TEST",
                                                   "importance": "2", "performance": "6",
                                                   "cost": "5000"})
    C.check(r.status == 303 and "rated=saved" in r.location, "the rating form saves", r.status,
            r.text[:300])
    rows = {x["code"]: x for x in env.cli_json("offering", "ratings", str(env.acc))}
    C.check(rows.get("WEB-TEST", {}).get("ip_quadrant") == "overkill" and
            rows["WEB-TEST"]["unvalued"] == "yes", "the command line sees the rating",
            rows.get("WEB-TEST"))
    t = env.page("viewer", path).text
    m = re.search(r'<tr data-code="WEB-TEST" data-quadrant="([a-z_]+)"', t)
    C.check(m and m.group(1) == "overkill", "the account page shows its quadrant",
            m and m.group(1))
    unvalued = sum(x["cost"] for x in rows.values() if x["unvalued"] == "yes")
    # Shown as revenue is: the account's currency, then whole units grouped in thousands.
    shown = cell(t, "of-unvalued") or ""
    m = re.fullmatch(r"(?:[A-Z]{3} )?(\d{1,3}(?:,\d{3})*)", shown)
    got = num(m.group(1).replace(",", "")) if m else None
    C.check(got is not None and abs(got - unvalued) <= 0.5,
            "the page's unvalued cost is the sum of the unvalued ratings, grouped in thousands",
            shown, unvalued)
    C.check("Web test &lt;script&gt;" in t and "<script>alert" not in t,
            "the offering's name is escaped")
    for bad in ({"importance": "8", "performance": "4"}, {"importance": "", "performance": "4"},
                {"importance": "4", "performance": "4", "cost": "-5"},
                {"importance": "4", "performance": "x"}):
        r = env.c["manager"].post(path + "/ratings", dict(bad, csrf=tok, offering="WEB-TEST"))
        C.check(r.status == 422, "a bad rating is refused: %s" % bad, r.status)
    r = env.c["manager"].post(path + "/ratings", {"csrf": tok, "offering": "NOPE",
                                                   "importance": "4", "performance": "4"})
    C.check(r.status == 422, "an unknown offering is refused", r.status)
    # The API: list, and a rating that moves it to "concentrate here".
    api = harness.Client(env.srv.port, bearer=env.fx.tokens["manager"])
    r = api.get("/api/v1/offerings")
    C.check(r.status == 200 and [o["code"] for o in r.json()["items"]] ==
            [o["code"] for o in env.cli_json("offering", "list")],
            "GET /api/v1/offerings is the catalogue in the command line's order", r.status)
    r = api.request("PUT", "/api/v1/accounts/%d/ratings/WEB-TEST" % env.acc,
                    json={"importance": 6, "performance": 2.5, "cost": 10})
    C.check(r.status == 200 and r.json()["ip_quadrant"] == "concentrate",
            "PUT /api/v1/accounts/{id}/ratings/{offering} rates", r.status, r.text[:300])
    m = re.search(r'<tr data-code="WEB-TEST" data-quadrant="([a-z_]+)"',
                  env.page("viewer", path).text)
    C.check(m and m.group(1) == "concentrate", "the page shows the new quadrant",
            m and m.group(1))
    r = api.request("PUT", "/api/v1/accounts/%d/ratings/NOPE" % env.acc,
                    json={"importance": 6, "performance": 2})
    C.check(r.status == 404, "rating an unknown offering through the API is 404", r.status)
    # Removing is for administrators and takes the ratings along.
    tok = env.form_csrf("manager", "/offerings")
    r = env.c["manager"].post("/offerings/WEB-TEST/remove", {"csrf": tok})
    C.check(r.status == 403, "a manager cannot remove an offering", r.status)
    tok = env.form_csrf("admin", "/offerings")
    r = env.c["admin"].post("/offerings/WEB-TEST/remove", {"csrf": tok})
    C.check(r.status == 303, "an administrator removes it", r.status, r.text[:300])
    C.check("WEB-TEST" not in [x["code"] for x in env.cli_json("offering", "ratings",
                                                                  str(env.acc))],
            "its ratings went with it")


@section
def playbook(env):
    before = env.cli_json("playbook", "list")
    r = env.page("admin", "/admin/playbooks")
    C.check(r.status == 200 and r.text.count('class="play-edit"') == len(before),
            "the playbook page has a form per play", r.status, len(before))
    C.check(env.page("manager", "/admin/playbooks").status == 403,
            "a manager may not see the playbook editor")
    C.check('href="/admin/playbooks"' in env.page("admin", "/admin").text,
            "administration links to it")
    first = before[0]
    tok = env.form_csrf("admin", "/admin/playbooks")
    r = env.c["admin"].post("/admin/playbooks", {
        "csrf": tok, "op": "save", "key": first["key"], "title": "Edited " + XSS,
        "play": "A new text", "axis": first["axis"], "cost": first["cost"]})
    C.check(r.status == 303, "saving a play redirects", r.status, r.text[:300])
    after = env.cli_json("playbook", "list")
    C.check(after[0]["title"] == "Edited " + XSS and len(after) == len(before),
            "the command line sees the edited title", after[0])
    C.check("Edited &lt;script&gt;" in env.page("admin", "/admin/playbooks").text,
            "the edited title is shown escaped")
    r = env.c["admin"].post("/admin/playbooks", {
        "csrf": tok, "op": "add", "key": "web-test", "title": "Our own play",
        "play": "Do the thing", "axis": "both", "cost": "low"})
    C.check(r.status == 303 and "web-test" in [p["key"] for p in env.cli_json("playbook",
                                                                              "list")],
            "a play is added", r.status)
    r = env.c["admin"].post("/admin/playbooks", {
        "csrf": tok, "op": "add", "key": "web-test", "title": "Again", "play": "x",
        "axis": "both", "cost": "low"})
    C.check(r.status == 409, "a key already there is refused", r.status)
    r = env.c["admin"].post("/admin/playbooks", {
        "csrf": tok, "op": "add", "key": "Bad Key!", "title": "x", "play": "x", "axis": "both",
        "cost": "low"})
    C.check(r.status == 422, "a malformed key is refused", r.status)
    r = env.c["admin"].post("/admin/playbooks", {"csrf": tok, "op": "remove", "key": "web-test"})
    C.check(r.status == 303 and "web-test" not in [p["key"] for p in env.cli_json("playbook",
                                                                                  "list")],
            "a play is removed", r.status)
    r = env.c["admin"].post("/admin/playbooks", {"csrf": tok, "op": "reset"})
    C.check(r.status == 303 and env.cli_json("playbook", "list") == before,
            "the reset brings back the built-in playbook", r.status)


@section
def refusals(env):
    """A viewer is refused every change, another manager gets 404, no CSRF token is 403."""
    if not env.actions:
        return
    aid, path = env.actions["briefing"], "/accounts/%d" % env.acc
    before = (env.cli("action", "list", "--format", "csv"),
              env.cli("offering", "ratings", "--format", "csv"),
              env.cli("offering", "list", "--format", "csv"),
              env.cli("playbook", "list", "--format", "csv"))
    v = env.c["viewer"]
    tok = v.csrf
    form = {"csrf": tok, "title": "x", "status": "done", "offering": "CORE-RANGE",
            "importance": "4", "performance": "4", "code": "VX", "name": "x", "op": "reset"}
    for p in (path + "/actions", "%s/actions/%d" % (path, aid), path + "/ratings",
              "/offerings", "/offerings/CORE-RANGE/remove", "/admin/playbooks"):
        r = v.post(p, form)
        C.check(r.status == 403, "a viewer gets 403 on POST %s" % p, r.status)
    api = harness.Client(env.srv.port, bearer=env.fx.tokens["viewer"])
    for method, p, body in (("POST", "/api/v1/accounts/%d/actions" % env.acc, {"title": "x"}),
                            ("POST", "/api/v1/actions/%d" % aid, {"status": "done"}),
                            ("PUT", "/api/v1/accounts/%d/ratings/CORE-RANGE" % env.acc,
                             {"importance": 4, "performance": 4})):
        r = api.request(method, p, json=body)
        C.check(r.status == 403, "a viewer's token gets 403 on %s %s" % (method, p), r.status)
    # Another manager: the account answers 404 like a missing one.
    o = env.c["other"]
    for p in (path + "/actions", "%s/actions/%d" % (path, aid), path + "/ratings"):
        r = o.post(p, dict(form, csrf=o.csrf))
        C.check(r.status == 404, "another manager gets 404 on POST %s" % p, r.status)
    r = o.post("/accounts/%d/actions/%d" % (env.other_acc, aid), {"csrf": o.csrf,
                                                                  "status": "done"})
    C.check(r.status == 404, "an action is changed only through its own account", r.status)
    api2 = harness.Client(env.srv.port, bearer=env.fx.tokens["manager2"])
    r = api2.request("POST", "/api/v1/actions/%d" % aid, json={"status": "done"})
    C.check(r.status == 404, "another manager's token gets 404 for the action", r.status)
    r = api2.get("/api/v1/accounts/%d/actions" % env.acc)
    C.check(r.status == 404, "and for the account's actions", r.status)
    # No CSRF token, or a wrong one: refused before anything is done.
    m = env.c["manager"]
    for p, f in ((path + "/actions", {"title": "no token"}),
                 ("%s/actions/%d" % (path, aid), {"status": "done"}),
                 (path + "/ratings", {"offering": "CORE-RANGE", "importance": "4",
                                      "performance": "4"}),
                 ("/offerings", {"code": "NOCSRF", "name": "x"})):
        r = m.post(p, f)
        C.check(r.status == 403, "POST %s without a CSRF token is refused" % p, r.status)
        r = m.post(p, dict(f, csrf="0" * 64))
        C.check(r.status == 403, "POST %s with a wrong CSRF token is refused" % p, r.status)
    r = env.c["admin"].post("/admin/playbooks", {"op": "reset"})
    C.check(r.status == 403, "the playbook reset without a CSRF token is refused", r.status)
    r = m.request("POST", "/api/v1/actions/%d" % aid, json={"status": "done"})
    C.check(r.status == 403, "a session's API write without its token is refused", r.status)
    after = (env.cli("action", "list", "--format", "csv"),
             env.cli("offering", "ratings", "--format", "csv"),
             env.cli("offering", "list", "--format", "csv"),
             env.cli("playbook", "list", "--format", "csv"))
    C.check(before == after, "none of the refused requests changed anything")


def main():
    cvom = harness.cvom_path(sys.argv)
    t0 = time.monotonic()
    fx = harness.Fixture(cvom)
    env = None
    try:
        env = Env(fx)
        add_actions(env)
        actions_page(env)
        whatif(env)
        portfolio_whatif(env)
        status_changes(env)
        offerings(env)
        playbook(env)
        refusals(env)
    finally:
        if env:
            rc = env.srv.stop()
            log = env.srv.output()
            C.check(rc == 0, "cvom serve exits 0 on SIGTERM", rc)
            for marker in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
                C.check(marker not in log, "no sanitizer report in the server log",
                        log[log.find(marker) - 200:log.find(marker) + 1500]
                        if marker in log else "")
        fx.cleanup()
    print("took %.1f s" % (time.monotonic() - t0))
    sys.exit(C.finish("web_actions"))


if __name__ == "__main__":
    main()
