#!/usr/bin/python3
"""soak.py — `cvom serve` under a mixed load for a while, with its figures.

Builds a demo database (`cvom demo`) with an admin, two managers and a viewer and their API
tokens, starts `cvom serve` on 127.0.0.1 with a free port and drives it from a fixed number of
worker threads, each looping over a realistic mix: sign-ins through the form (with CSRF), page
views (matrix, account pages, analytics, admin), API reads (accounts, matrix, an account, its
explanation), API writes (account PATCH with If-Match, actions created and completed,
stakeholders added and removed), small CSV imports through /api/v1/imports and survey links
made on the account page and answered through the survey page. Every answer is checked: a 5xx,
a connection error, an unexpected status or a wrong body is an error. The server's RSS is read
from /proc/PID/status every few seconds.

Prints a progress line every 30 s and, at the end, requests, errors and latency p50/p99 per
kind and overall, the RSS after the warm-up (the first 60 s, or 10 % of a shorter run) and at
the end; then stops the server with SIGTERM and runs PRAGMA integrity_check on the database.
Targets: no error, RSS growth after the warm-up at most 16 MiB, a clean stop, an intact
database. Each is printed met or NOT MET; exits 1 when one is not met.
    usage: soak.py PATH/TO/cvom [--seconds N] [--workers N]   (SOAK_SECONDS, default 600)"""

import argparse
import html
import http.client
import json
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "web"))
import harness  # noqa: E402  (the test suite's server, command runner and form reader)
from harness import HOST, csrf_of, free_port  # noqa: E402

PASSWORD = "quiet lantern harbour 58"
RSS_TARGET_MIB = 16.0
RSS_EVERY = 2.0
PROGRESS_EVERY = 30.0
# The server closes a connection idle for SERVER_TIMEOUT seconds (`cvom serve --timeout`); a
# request sent on it meanwhile finds it closed. Like a browser, a client opens a new one
# before that: a connection idle for half the time is not reused.
SERVER_TIMEOUT = 30
REUSE_IDLE = SERVER_TIMEOUT / 2.0
# (name, role, display name): the managers' display names are demo owners, so that each sees
# and edits that owner's accounts.
USERS = (("soak-admin", "admin", "Soak Admin"), ("priya", "manager", "Priya Shah"),
         ("tom", "manager", "Tom Becker"), ("vic", "viewer", "Vic Viewer"))
# What one loop of a worker does, with its weight.
MIX = (("page_matrix", 8), ("page_account", 8), ("page_analytics", 4), ("page_admin", 3),
       ("api_accounts", 8), ("api_matrix", 8), ("api_account", 8), ("api_explanation", 6),
       ("api_patch", 5), ("api_action", 4), ("api_stakeholder", 4), ("import", 2), ("survey", 2))
# Besides, each worker signs in afresh every SIGNIN_EVERY seconds or so, as people come back
# to work: a sign-in is rare beside the rest, its password hash (argon2id, two at once) takes
# 64 MiB and a good part of a second, and one that waits more than 5 s for its turn is
# turned away with a 503.
SIGNIN_EVERY = 60.0
KINDS = ("signin",) + tuple(k for k, _ in MIX)


class WrongAnswer(Exception):
    """The server answered, but not what it should have."""


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def rss_kib(pid):
    """The process's resident set in KiB, from /proc/PID/status, or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class HashGate:
    """Sign-ins in flight, so that RSS is read while none is: a password hash holds 64 MiB
    for its duration (two at most at once) and gives them back, so a reading taken during
    one says nothing of what the server keeps. Sign-ins run side by side; a reading waits
    for them to finish and holds new ones back meanwhile."""

    def __init__(self):
        self.cond = threading.Condition()
        self.flying = 0
        self.reading = False

    def enter(self):
        with self.cond:
            self.cond.wait_for(lambda: not self.reading)
            self.flying += 1

    def leave(self):
        with self.cond:
            self.flying -= 1
            self.cond.notify_all()

    def read(self, fn, timeout):
        """fn() once no sign-in is in flight, or None after timeout seconds."""
        with self.cond:
            self.reading = True
            try:
                if not self.cond.wait_for(lambda: self.flying == 0, timeout):
                    return None
                return fn()
            finally:
                self.reading = False
                self.cond.notify_all()


class Stats:
    """Latencies and errors per kind, shared by the workers."""

    def __init__(self):
        self.gate = HashGate()
        self.lock = threading.Lock()
        self.lat = {}          # kind -> [seconds]
        self.errors = {}       # kind -> count
        self.messages = []     # the first error messages, to print

    def ok(self, kind, seconds):
        with self.lock:
            self.lat.setdefault(kind, []).append(seconds)

    def error(self, kind, message):
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.messages) < 20:
                self.messages.append("%s: %s" % (kind, message))

    def totals(self):
        with self.lock:
            return (sum(len(v) for v in self.lat.values()), sum(self.errors.values()))


class Client:
    """One user agent on one keep-alive connection: cookies, Origin on unsafe requests, a
    bearer token when given. Every request is timed into stats under its kind."""

    def __init__(self, port, stats, bearer=None, source=None):
        self.port = port
        self.stats = stats
        self.bearer = bearer
        self.cookies = {}
        self.origin = "http://%s:%d" % (HOST, port)
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60,
                                               source_address=(source, 0) if source else None)
        self.used = 0.0      # when the connection last answered

    def close(self):
        self.conn.close()

    def request(self, kind, method, path, expect, body=None, form=None, json_body=None,
                headers=None, ctype=None):
        hdrs = dict(headers or {})
        if ctype:
            hdrs["Content-Type"] = ctype
        body = harness.prepare(self, method, hdrs, body, form, json_body, self.origin)
        if time.monotonic() - self.used > REUSE_IDLE:
            self.conn.close()        # the next request connects afresh
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            raise WrongAnswer("%s %s: connection error: %r" % (method, path, e)) from None
        dt = time.perf_counter() - t0
        self.used = time.monotonic()
        for raw in r.msg.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            value = rest.split(";", 1)[0]
            if value == "" or "max-age=0" in raw.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        if r.status != expect:
            raise WrongAnswer("%s %s: status %d, expected %d: %s" % (
                method, path, r.status, expect, data[:200].decode("utf-8", "replace")))
        self.stats.ok(kind, dt)
        return r, data.decode("utf-8", "replace")

    def json(self, kind, method, path, expect=200, **kw):
        r, text = self.request(kind, method, path, expect, **kw)
        if expect == 204:
            if text:
                raise WrongAnswer("%s %s: a 204 with a body" % (method, path))
            return r, None
        if "application/json" not in (r.getheader("Content-Type") or ""):
            raise WrongAnswer("%s %s: not JSON: %s" % (method, path, r.getheader("Content-Type")))
        try:
            return r, json.loads(text)
        except ValueError as e:
            raise WrongAnswer("%s %s: bad JSON: %s" % (method, path, e)) from None

    def page(self, kind, path, *markers):
        """GET an HTML page that must answer 200 and hold every marker (already escaped)."""
        r, text = self.request(kind, "GET", path, 200)
        if "text/html" not in (r.getheader("Content-Type") or ""):
            raise WrongAnswer("GET %s: not HTML" % path)
        if not text.rstrip().endswith("</html>"):
            raise WrongAnswer("GET %s: the page is cut short" % path)
        for m in markers:
            if m not in text:
                raise WrongAnswer("GET %s: %r is missing from the page" % (path, m))
        return text

    def signin(self, kind, name):
        """Sign in through the form: the pre-session CSRF cookie and token, then the POST."""
        text = self.page(kind, "/signin", 'name="password"')
        tok = csrf_of(text)
        if not tok or "cvom_csrf" not in self.cookies:
            raise WrongAnswer("GET /signin: no CSRF token or cookie")
        self.stats.gate.enter()
        try:
            r, _ = self.request(kind, "POST", "/signin", 303,
                                form={"csrf": tok, "name": name, "password": PASSWORD})
        finally:
            self.stats.gate.leave()
        if "cvom_session" not in self.cookies:
            raise WrongAnswer("POST /signin: 303 without a session cookie")
        return r


class World:
    """What the workers share: the server's port, tokens, the accounts and who may edit them."""

    def __init__(self, port, tokens, accounts, workers):
        self.port = port
        self.tokens = tokens                    # user -> token
        self.admin_cookies = {}                 # a signed-in admin's session
        self.accounts = accounts                # [{"id", "name", "owner"}]
        self.by_owner = {}
        for a in accounts:
            self.by_owner.setdefault(a["owner"], []).append(a)
        # Writes to an account come from one worker only, so that its version moves only
        # under that worker's own If-Match and every 412 is a real error.
        self.mine = [[a for a in accounts if a["id"] % workers == w] for w in range(workers)]


class Worker(threading.Thread):
    def __init__(self, index, world, stats, deadline, seed):
        super().__init__(daemon=True)
        self.w = index
        # Each worker is a person at a machine of their own: the server limits connections
        # per address, and counts sign-ins per address.
        self.source = "127.0.0.%d" % (10 + index)
        self.world = world
        self.stats = stats
        self.deadline = deadline
        self.rng = random.Random(seed)
        self.user, self.role, self.display = USERS[index % len(USERS)]
        self.web = None        # this worker's signed-in browser, as its user
        self.admin = None      # a signed-in admin browser, for survey links
        self.api = {u: Client(world.port, stats, bearer=t, source=self.source)
                    for u, t in world.tokens.items()}
        self.count = 0
        self.kinds = [k for k, n in MIX for _ in range(n)]

    def visible(self):
        if self.role == "manager":
            return self.world.by_owner[self.display]
        return self.world.accounts

    def run(self):
        self.admin = Client(self.world.port, self.stats, source=self.source)
        self.admin.cookies = dict(self.world.admin_cookies)
        next_signin = time.monotonic() + self.rng.uniform(0.5, 1.5) * SIGNIN_EVERY
        while time.monotonic() < self.deadline:
            kind = self.rng.choice(self.kinds)
            if time.monotonic() >= next_signin:
                kind = "signin"
                next_signin = time.monotonic() + self.rng.uniform(0.5, 1.5) * SIGNIN_EVERY
            try:
                getattr(self, "do_" + kind)(kind)
            except WrongAnswer as e:
                self.stats.error(kind, str(e))
            except Exception as e:  # noqa: BLE001 - a bug here is an error too, counted loudly
                self.stats.error(kind, "%s: %r" % (type(e).__name__, e))
            self.count += 1
        for c in [self.web, self.admin] + list(self.api.values()):
            c.close()

    # ---- the mix ------------------------------------------------------------------------

    def do_signin(self, kind):
        fresh = Client(self.world.port, self.stats, source=self.source)
        fresh.signin(kind, self.user)
        self.web.close()
        self.web = fresh

    def do_page_matrix(self, kind):
        self.web.page(kind, "/", "<svg", "Partner")

    def do_page_account(self, kind):
        a = self.rng.choice(self.visible())
        self.web.page(kind, "/accounts/%d" % a["id"], html.escape(a["name"], quote=False))

    def do_page_analytics(self, kind):
        path = self.rng.choice(("/compare", "/overserved", "/alignment", "/accounts"))
        self.web.page(kind, path)

    def do_page_admin(self, kind):
        path = self.rng.choice(("/admin", "/admin/users", "/admin/audit", "/admin/settings"))
        if path == "/admin/users":
            self.admin.page(kind, path, "priya", "Tom Becker")
        else:
            self.admin.page(kind, path)

    def items_of(self, got, path):
        if not isinstance(got, dict) or not isinstance(got.get("items"), list):
            raise WrongAnswer("GET %s: no items list" % path)
        return got["items"]

    def do_api_accounts(self, kind):
        user = self.rng.choice(("soak-admin", "vic"))
        path = "/api/v1/accounts?limit=50"
        _, got = self.api[user].json(kind, "GET", path)
        items = self.items_of(got, path)
        if got.get("total", 0) < len(self.world.accounts) or len(items) != 50:
            raise WrongAnswer("GET %s: total %s, %d items" % (path, got.get("total"), len(items)))

    def do_api_matrix(self, kind):
        path = "/api/v1/matrix?limit=500"
        _, got = self.api["vic"].json(kind, "GET", path)
        items = self.items_of(got, path)
        if got.get("total", 0) < len(self.world.accounts) or not items:
            raise WrongAnswer("GET %s: total %s" % (path, got.get("total")))

    def do_api_account(self, kind):
        a = self.rng.choice(self.world.accounts)
        path = "/api/v1/accounts/%d" % a["id"]
        r, got = self.api["vic"].json(kind, "GET", path)
        if got.get("id") != a["id"] or got.get("name") != a["name"] or not r.getheader("ETag"):
            raise WrongAnswer("GET %s: another account or no ETag: %s" % (path, str(got)[:200]))

    def do_api_explanation(self, kind):
        a = self.rng.choice(self.world.accounts)
        path = "/api/v1/accounts/%d/explanation" % a["id"]
        _, got = self.api["vic"].json(kind, "GET", path)
        if not isinstance(got, dict) or "respondents" not in got:
            raise WrongAnswer("GET %s: no respondents: %s" % (path, str(got)[:200]))

    def writer(self, a):
        """The token that edits account a: its owner's manager when there is one, else admin."""
        for name, role, display in USERS:
            if role == "manager" and display == a["owner"]:
                return self.api[name]
        return self.api["soak-admin"]

    def do_api_patch(self, kind):
        a = self.rng.choice(self.world.mine[self.w])
        path = "/api/v1/accounts/%d" % a["id"]
        c = self.writer(a)
        r, _ = c.json(kind, "GET", path)
        notes = "soak %d-%d" % (self.w, self.count)
        revenue = self.rng.randint(10000, 5000000)
        r2, got = c.json(kind, "PATCH", path, json_body={"notes": notes, "revenue": revenue},
                         headers={"If-Match": r.getheader("ETag")})
        if got.get("notes") != notes or got.get("revenue") != revenue:
            raise WrongAnswer("PATCH %s: the answer does not show the change: %s"
                              % (path, str(got)[:200]))
        if r2.getheader("ETag") == r.getheader("ETag"):
            raise WrongAnswer("PATCH %s: the ETag did not change" % path)

    def do_api_action(self, kind):
        a = self.rng.choice(self.world.mine[self.w])
        c = self.writer(a)
        title = "Soak follow-up %d-%d" % (self.w, self.count)
        r, act = c.json(kind, "POST", "/api/v1/accounts/%d/actions" % a["id"], 201,
                        json_body={"title": title, "axis": "intellectual", "effect": 2.5})
        if act.get("title") != title or act.get("status") != "open":
            raise WrongAnswer("POST actions: %s" % str(act)[:200])
        where = r.getheader("Location") or ""
        if where != "/api/v1/actions/%d" % act["id"]:
            raise WrongAnswer("POST actions: Location %r" % where)
        _, done = c.json(kind, "PATCH", where, json_body={"status": "done"})
        if done.get("status") != "done" or done.get("id") != act["id"]:
            raise WrongAnswer("PATCH %s: not done: %s" % (where, str(done)[:200]))

    def do_api_stakeholder(self, kind):
        a = self.rng.choice(self.world.mine[self.w])
        c = self.writer(a)
        url = "/api/v1/accounts/%d/stakeholders" % a["id"]
        name = "Soak Person %d-%d" % (self.w, self.count)
        r, s = c.json(kind, "POST", url, 201, json_body={"name": name, "influence": 0.4})
        if s.get("name") != name:
            raise WrongAnswer("POST %s: %s" % (url, str(s)[:200]))
        where = r.getheader("Location") or ""
        r, got = c.json(kind, "GET", where)
        if got != s:
            raise WrongAnswer("GET %s: not the stakeholder added" % where)
        c.json(kind, "DELETE", where, 204, headers={"If-Match": r.getheader("ETag")})
        c.json(kind, "GET", where, 404)

    def do_import(self, kind):
        # Three accounts of this worker's own (added the first time, updated after), and a
        # stakeholder of each; every row changes each time (an unchanged row counts as
        # neither added nor updated).
        n = self.count
        ext = ["SOAK-%02d-%d" % (self.w, k) for k in range(3)]
        acc = "external_id,name,owner,revenue\n" + "".join(
            "%s,Soak Import %02d-%d,Alex Morgan,%d\n" % (e, self.w, k, 1000 + n + k)
            for k, e in enumerate(ext))
        sth = "account,external_id,name,influence\n" + "".join(
            "%s,%s-S,Person %d of %s,0.%d\n" % (e, e, n, e, 1 + (n + k) % 9)
            for k, e in enumerate(ext))
        c = self.api["soak-admin"]
        for what, text in (("accounts", acc), ("stakeholders", sth)):
            path = "/api/v1/imports?kind=" + what
            _, got = c.json(kind, "POST", path, 201, body=text, ctype="text/csv")
            if (got.get("kind") != what or got.get("dry_run") or got.get("rows") != 3 or
                    got.get("added", 0) + got.get("updated", 0) != 3):
                raise WrongAnswer("POST %s: %s" % (path, str(got)[:200]))

    def do_survey(self, kind):
        a = self.rng.choice(self.world.mine[self.w])
        _, got = self.api["soak-admin"].json(kind, "GET",
                                             "/api/v1/accounts/%d/stakeholders" % a["id"])
        people = [s for s in got.get("items", []) if not s["name"].startswith("Soak Person")]
        if not people:
            raise WrongAnswer("account %d has no stakeholder to ask" % a["id"])
        sid = self.rng.choice(people)["id"]
        page = self.admin.page(kind, "/accounts/%d" % a["id"])
        tok = csrf_of(page)
        if not tok:
            raise WrongAnswer("GET /accounts/%d: no CSRF token" % a["id"])
        _, text = self.admin.request(kind, "POST", "/accounts/%d/survey" % a["id"], 200,
                                     form={"csrf": tok, "stakeholder": str(sid), "days": "7"})
        m = re.search(r'id="survey-url"[^>]*value="[^"]*(/survey/[A-Za-z0-9_-]+)"', text)
        if not m:
            raise WrongAnswer("POST /accounts/%d/survey: no link on the page" % a["id"])
        customer = Client(self.world.port, self.stats, source="127.0.1.%d" % (10 + self.w))
        try:
            form = customer.page(kind, m.group(1), "A few questions for")
            names = sorted(set(re.findall(r'name="(i_[A-Za-z0-9_]+)"', form)))
            if not names:
                raise WrongAnswer("GET /survey/…: no questions")
            answers = {n: str(self.rng.randint(1, 7)) for n in names}
            _, done = customer.request(kind, "POST", m.group(1), 200, form=answers)
            if "Thank you" not in done:
                raise WrongAnswer("POST /survey/…: no thanks")
            customer.request(kind, "GET", m.group(1), 404)
        finally:
            customer.close()


def controls(world):
    """Wrong answers the client must call wrong, tried once before the load: a status other
    than the expected one, a page without what it must show, an answer that does not show a
    change, a closed connection. Returns what was not caught (an empty list when sound)."""
    stats = Stats()
    w = Worker(0, world, stats, 0, 1)
    a = world.mine[0][0]
    c = w.writer(a)
    path = "/api/v1/accounts/%d" % a["id"]
    r, _ = c.json("control", "GET", path)
    stale = r.getheader("ETag")
    c.json("control", "PATCH", path, json_body={"notes": "control"},
           headers={"If-Match": stale})
    cases = (
        ("a 412 where 200 was expected",
         lambda: c.json("control", "PATCH", path, json_body={"notes": "stale"},
                        headers={"If-Match": stale})),
        ("a 404 where 200 was expected",
         lambda: w.api["vic"].json("control", "GET", "/api/v1/accounts/999999999")),
        ("a page without its account's name",
         lambda: w.api["vic"].page("control", "/accounts/%d" % a["id"],
                                   "No such account name")),
        ("HTML where JSON was expected",
         lambda: w.api["vic"].json("control", "GET", "/")),
        ("a closed port", lambda: Client(free_port(), stats).request("control", "GET", "/", 200)),
    )
    missed = []
    for what, fn in cases:
        try:
            fn()
            missed.append(what)
        except WrongAnswer:
            pass
    # A worker's own checks: the account list must not be cut short, nor an account be
    # another.
    w.world = World(world.port, world.tokens, world.accounts + world.accounts, 1)
    try:
        w.do_api_accounts("control")
        missed.append("a list shorter than the accounts")
    except WrongAnswer:
        pass
    for cl in w.api.values():
        cl.close()
    return missed


def setup(cvom, tmp):
    db = os.path.join(tmp, "soak.db")
    harness.run(cvom, db, "demo")
    tokens = {}
    for name, role, display in USERS:
        harness.run(cvom, db, "user", "add", name, "--role", role, "--display", display,
                    "--password-stdin", input=PASSWORD + "\n")
        tokens[name] = harness.run(cvom, db, "token", "create", "soak-" + name, "--user",
                                   name).strip()
    accounts = [{"id": a["id"], "name": a["name"], "owner": a["owner"]}
                for a in json.loads(harness.run(cvom, db, "account", "list", "--format",
                                                      "json"))]
    return db, tokens, accounts


def verdict(ok):
    return "met" if ok else "NOT MET"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cvom")
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "600")))
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    if args.seconds < 10 or not 1 <= args.workers <= 200:
        sys.exit("soak: --seconds must be at least 10 and --workers from 1 to 200")
    cvom = os.path.abspath(args.cvom)
    tmp = tempfile.mkdtemp(prefix="cvom-soak.")
    srv = None
    try:
        db, tokens, accounts = setup(cvom, tmp)
        srv = harness.Server(cvom, db, "--timeout", SERVER_TIMEOUT)
        return drive(args, db, srv, tokens, accounts)
    finally:
        if srv is not None and srv.alive():
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def drive(args, db, srv, tokens, accounts):
    proc, port = srv.proc, srv.port
    seconds, nworkers = args.seconds, args.workers
    warm = min(60.0, seconds * 0.1)
    load = open("/proc/loadavg").read().split()[:3]
    print("soak: %d accounts, %d workers for %d s on 127.0.0.1:%d (pid %d), load %s"
          % (len(accounts), nworkers, seconds, port, proc.pid, " ".join(load)), flush=True)
    world = World(port, tokens, accounts, nworkers)
    if not all(world.mine):
        print("soak: %d accounts are too few for %d workers to each edit their own"
              % (len(accounts), nworkers))
        return 1
    missed = controls(world)
    if missed:
        print("soak: the client took wrong answers for right ones: " + "; ".join(missed))
        print("soak: NOT MET")
        return 1
    stats = Stats()
    workers = [Worker(i, world, stats, 0, args.seed * 1000 + i) for i in range(nworkers)]
    # Everyone signs in, one after another, before the clock starts; the admin's session
    # serves every worker for the survey links (as tabs of one browser).
    admin = Client(port, stats, source="127.0.0.2")
    try:
        admin.signin("signin", USERS[0][0])
        world.admin_cookies = dict(admin.cookies)
        for w in workers:
            w.web = Client(port, stats, source=w.source)
            w.web.signin("signin", w.user)
    except WrongAnswer as e:
        sys.exit("soak: a first sign-in failed: %s" % e)
    admin.close()
    t0 = time.monotonic()
    deadline = t0 + seconds
    for w in workers:
        w.deadline = deadline
    for w in workers:
        w.start()
    samples = []                  # (seconds since start, RSS KiB)
    next_progress = t0 + PROGRESS_EVERY
    last_n = 0
    last_t = t0
    while time.monotonic() < deadline:
        time.sleep(min(RSS_EVERY, max(0.0, deadline - time.monotonic())))
        now = time.monotonic()
        kib = stats.gate.read(lambda: rss_kib(proc.pid), 15.0)
        if kib is None and proc.poll() is None:
            continue
        if kib is None or proc.poll() is not None:
            stats.error("server", "cvom serve exited during the run (status %s)"
                        % proc.poll())
            break
        samples.append((now - t0, kib))
        if now >= next_progress:
            n, e = stats.totals()
            print("soak: %4.0f s  %7d requests  %6.1f/s  errors %d  RSS %.1f MiB"
                  % (now - t0, n, (n - last_n) / (now - last_t), e, kib / 1024.0), flush=True)
            last_n, last_t = n, now
            next_progress += PROGRESS_EVERY
    for w in workers:
        w.join(timeout=120)
        if w.is_alive():
            stats.error("client", "worker %d did not finish" % w.w)
    rss_idle = rss_kib(proc.pid)
    elapsed = time.monotonic() - t0
    t_stop = time.monotonic()
    status = srv.stop()         # SIGTERM; None when it had to be killed
    stop_s = time.monotonic() - t_stop
    log = srv.output()
    integrity = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchall()

    # ---- the report ------------------------------------------------------------------------
    print("\nsoak: %d s, %d workers, load %s at the end" % (
        round(elapsed), nworkers, " ".join(open("/proc/loadavg").read().split()[:3])))
    print("%-16s %9s %7s %9s %9s" % ("kind", "requests", "errors", "p50 ms", "p99 ms"))
    everything = []
    kinds = list(KINDS) + sorted(set(stats.errors) - set(KINDS))
    missing = []
    for k in kinds:
        lat = sorted(stats.lat.get(k, []))
        everything.extend(lat)
        if not lat and k in KINDS:
            missing.append(k)
        print("%-16s %9d %7d %9.1f %9.1f" % (k, len(lat), stats.errors.get(k, 0),
                                              percentile(lat, 50) * 1000,
                                              percentile(lat, 99) * 1000))
    everything.sort()
    n_err = sum(stats.errors.values())
    print("%-16s %9d %7d %9.1f %9.1f   (%.1f requests/s)" % (
        "all", len(everything), n_err, percentile(everything, 50) * 1000,
        percentile(everything, 99) * 1000, len(everything) / elapsed))
    for m in stats.messages:
        print("  error: " + m)
    # Readings are taken while no sign-in is in flight (HashGate): what the server keeps.
    after = [kib for t, kib in samples if t >= warm]
    peak = max((kib for _, kib in samples), default=0)
    if len(after) < 2:
        growth = None
        print("RSS: too few readings after the warm-up")
    else:
        rss_warm, rss_end = after[0], after[-1]
        growth = (rss_end - rss_warm) / 1024.0
        print("RSS (%d readings, none during a sign-in): %.1f MiB after the %.0f s warm-up, "
              "%.1f MiB at the end: growth %+.1f MiB; highest %.1f MiB, %s MiB once the load "
              "stopped" % (len(samples), rss_warm / 1024.0, warm, rss_end / 1024.0, growth,
                           peak / 1024.0,
                           "?" if rss_idle is None else "%.1f" % (rss_idle / 1024.0)))

    checks = [
        ("errors: 0", n_err == 0, "%d" % n_err),
        ("every kind of request ran", not missing, ", ".join(missing) or "all %d" % len(KINDS)),
        ("RSS growth after the warm-up <= %.0f MiB" % RSS_TARGET_MIB,
         growth is not None and growth <= RSS_TARGET_MIB,
         "n/a" if growth is None else "%+.1f MiB" % growth),
        ("clean stop on SIGTERM", status == 0,
         "exit %s after %.1f s" % ("killed" if status is None else status, stop_s)),
        ("PRAGMA integrity_check", integrity == [("ok",)], str(integrity[:3])),
    ]
    print()
    for what, ok, detail in checks:
        print("soak: %-42s %-8s %s" % (what, verdict(ok), detail))
    if not all(ok for _, ok, _ in checks):
        if log.strip():
            print("\nthe server's output (its end):\n" + log)
        print("soak: NOT MET")
        return 1
    print("soak: all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
