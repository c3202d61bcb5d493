#!/usr/bin/python3
"""The account pages of `cvom serve` end to end, through a real HTTP client: sign in with the
form, the matrix for an admin and for a manager, an account page against `cvom export`,
another owner's account answering 404, an assessment moving a score, the partnership
statements on the form and the partnership health and stakeholders on the matrix they lead
to (names escaped), a survey link answered once, and a clean stop on SIGTERM. Usage: web_pages_smoke.py PATH/TO/cvom"""
import csv
import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

CVOM = os.path.abspath(sys.argv[1])
PASSWORD = "correct horse battery"
FAILURES = []


def check(cond, what, detail=""):
    if not cond:
        FAILURES.append(what)
        print("FAIL: %s %s" % (what, detail), file=sys.stderr)
    return cond


def run(db, *args, stdin=None):
    p = subprocess.run([CVOM, "--db", db] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise SystemExit("cvom %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def export(db):
    rows = csv.DictReader(io.StringIO(run(db, "export", "--format", "csv")))
    return {int(r["account_id"]): r for r in rows}


def html_escape(s):
    """What the server's buf_html writes."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


class Client:
    def __init__(self, port):
        self.port = port
        self.origin = "http://127.0.0.1:%d" % port
        self.cookies = {}

    def request(self, method, path, form=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1:%d" % self.port}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        text = r.read().decode("utf-8")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, value = v.split(";")[0].partition("=")
                if value:
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        location = r.getheader("Location")
        c.close()
        return r.status, text, location

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        return self.request("POST", path, form)

    def signin(self, name):
        status, page, _ = self.get("/signin")
        token = csrf(page)
        status, page, location = self.post("/signin", {"csrf": token, "name": name,
                                                       "password": PASSWORD, "next": "/"})
        if not check(status == 303 and location == "/", "sign-in of %s" % name, str(status)):
            raise SystemExit(1)


def csrf(page):
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    return m.group(1) if m else ""


def account_ids(page):
    return set(int(x) for x in re.findall(r'href="/accounts/(\d+)"', page))


def instrument(db):
    rows = csv.DictReader(io.StringIO(run(db, "instrument", "show", "--format", "csv")))
    return [(r["code"], r["reverse"] in ("1", "yes", "true"), int(r["scale_min"]),
             int(r["scale_max"])) for r in rows]


def answers(items, favourable):
    """Every item answered at the end of its scale that raises (or lowers) both axes."""
    out = {}
    for code, reverse, lo, hi in items:
        high = favourable != reverse
        out["i_" + code] = str(hi if high else lo)
    return out


def explain(db, acc):
    return json.loads(run(db, "explain", str(acc), "--format", "json"))


def section(page, ident):
    """The HTML of the page's <section ... id="ident"> ... </section>, or ""."""
    m = re.search(r'<section[^>]* id="%s"[^>]*>.*?</section>' % re.escape(ident), page, re.S)
    return m.group(0) if m else ""


def one_decimal(v):
    return "%.1f" % v


def big_numbers(page):
    return [float(x) for x in re.findall(r'<p class="big">([0-9.]+)</p>', page)]


def main():
    tmp = tempfile.mkdtemp(prefix="cvom-web-pages-")
    db = os.path.join(tmp, "demo.db")
    port_file = os.path.join(tmp, "port")
    run(db, "demo")
    run(db, "user", "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    run(db, "user", "add", "priya", "--role", "manager", "--display", "Priya Shah",
        "--password-stdin", stdin=PASSWORD + "\n")
    pillar_axes = ("passion", "resonance", "security", "creativity", "trust")
    axis_of = {r["code"]: r["axis"] for r in csv.DictReader(io.StringIO(
        run(db, "instrument", "show", "--format", "csv")))}
    pillar_codes = [c for c, a in axis_of.items() if a in pillar_axes]
    check(len(pillar_codes) >= 5, "the default instrument has partnership items",
          str(pillar_codes))
    items = instrument(db)
    before = export(db)
    mine = {i for i, r in before.items() if r["owner"] == "Priya Shah"}
    others = set(before) - mine
    check(mine and others, "the demo has accounts of Priya Shah and of others")

    log = open(os.path.join(tmp, "serve.log"), "w")
    server = subprocess.Popen([CVOM, "--db", db, "serve", "--listen", "127.0.0.1:0",
                               "--port-file", port_file], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        port = int(open(port_file).read())
        admin, manager = Client(port), Client(port)
        admin.signin("ada")
        manager.signin("priya")

        # The matrix: every account for the admin, only Priya Shah's for the manager.
        status, page, _ = admin.get("/")
        check(status == 200, "GET / as admin", str(status))
        check(account_ids(page) == set(before), "the admin's matrix lists every account",
              str(set(before) - account_ids(page)))
        for r in before.values():
            check(html_escape(r["name"]) in page, "account name on the matrix", r["name"])
        check('role="img"' in page and "<svg" in page, "the matrix is an SVG picture")
        # The owner filter offers each owner of the portfolio once.
        owners_select = re.search(r'<select[^>]*name="owner"[^>]*>(.*?)</select>', page, re.S)
        offered = re.findall(r'<option>([^<]+)</option>', owners_select.group(1)) \
            if owners_select else []
        owners = {html_escape(r["owner"]) for r in before.values() if r["owner"]}
        check(len(offered) == len(set(offered)) and set(offered) == owners,
              "the owner filter offers each owner once", str(offered))
        status, page, _ = manager.get("/")
        check(status == 200, "GET / as manager", str(status))
        check(account_ids(page) == mine, "the manager's matrix lists only their accounts",
              str(account_ids(page) ^ mine))
        status, page, _ = manager.get("/?sort=name&dir=asc&quadrant=partnership")
        check(status == 200 and account_ids(page) <= mine, "a filtered, sorted matrix")

        # An account page shows the scores of `cvom export`.
        placed = sorted(i for i in mine if before[i]["state"] == "ok")
        acc = placed[0]
        status, page, _ = manager.get("/accounts/%d" % acc)
        check(status == 200, "GET /accounts/ID as its owner", str(status))
        shown = big_numbers(page)
        want = [float(before[acc]["intellectual"]), float(before[acc]["emotional"])]
        check(len(shown) == 2 and all(abs(a - b) <= 0.051 for a, b in zip(shown, want)),
              "the account page shows the exported scores", "%s vs %s" % (shown, want))
        check(before[acc]["quadrant"].capitalize() in page, "the account page shows the quadrant")

        # Plays and open actions: the plays `cvom playbook` suggests, and an action added on
        # the command line (with a title that must come out escaped).
        run(db, "action", "add", str(acc), "--title", "Brief <b>the</b> sponsor", "--owner",
            "Priya Shah", "--due", "2026-01-10", "--axis", "intellectual", "--effect", "3")
        plays = json.loads(run(db, "playbook", str(acc), "--format", "json"))
        status, page, _ = manager.get("/accounts/%d" % acc)
        check(status == 200 and "Suggested plays" in page and 'id="plan"' in page,
              "the plays section and the action plan")
        for p in plays:
            check(html_escape(p["title"]) in page, "suggested play on the page", p["title"])
        check("Brief &lt;b&gt;the&lt;/b&gt; sponsor" in page and "<b>the</b>" not in page,
              "the open action, escaped")
        check("badge late\">overdue" in page, "an overdue action is marked")

        # Another manager's account is 404, exactly like a missing one.
        other = sorted(others)[0]
        s1, p1, _ = manager.get("/accounts/%d" % other)
        s2, p2, _ = manager.get("/accounts/999999")
        check(s1 == 404 and s2 == 404 and p1 == p2, "another owner's account is 404 like a "
              "missing one", "%d %d" % (s1, s2))
        s3, _, _ = manager.get("/accounts/%d/assess" % other)
        check(s3 == 404, "another owner's assessment form is 404", str(s3))

        # An assessment: a refused one stores nothing; a valid one moves the score.
        status, page, _ = manager.get("/accounts/%d/assess" % acc)
        check(status == 200, "GET the assessment form", str(status))
        # Every statement of the instrument is asked, the partnership ones in their own part,
        # each a fieldset with a legend and labelled radio buttons.
        for code in axis_of:
            check('<fieldset class="item" id="f-%s"><legend>' % code in page,
                  "the form asks item %s" % code)
        check("How the partnership stands" in page, "the form has a partnership part")
        part = re.search(r'<section class="part partnership".*?</section>', page, re.S)
        if check(part is not None, "the partnership part is a section"):
            for code in pillar_codes:
                check('id="f-%s"' % code in part.group(0),
                      "pillar item %s under the partnership heading" % code)
                check(re.search(r'<label class="pt"><input type="radio" name="i_%s" value="1">'
                                % re.escape(code), part.group(0)) is not None,
                      "pillar item %s has labelled radio buttons" % code)
            for axis in pillar_axes:
                check('<div class="pillar-group" data-axis="%s"><h3>' % axis in part.group(0),
                      "a heading for the %s items" % axis)
        token = csrf(page)
        iid = re.search(r'name="instrument" value="(\d+)"', page).group(1)
        sids = re.findall(r'<option value="(\d+)"', page)
        form = {"csrf": token, "instrument": iid, "respondent": sids[0],
                "date": time.strftime("%Y-%m-%d", time.gmtime())}
        status, page, _ = manager.post("/accounts/%d/assess" % acc,
                                       dict(form, **{"i_" + items[0][0]: "5"}))
        check(status == 422 and "at least" in page, "too few answers are refused", str(status))
        # Pillar answers do not count towards the minimum on the value axes.
        status, page, _ = manager.post("/accounts/%d/assess" % acc, dict(
            form, **{"i_" + c: "6" for c in pillar_codes}))
        check(status == 422 and "at least" in page, "pillar answers alone are refused",
              str(status))
        check('name="i_%s" value="6" checked' % pillar_codes[0] in page,
              "a refused form keeps the pillar answers")
        check(export(db)[acc] == before[acc], "a refused assessment stores nothing")
        status, _, location = manager.post("/accounts/%d/assess" % acc,
                                           dict(form, **answers(items, True)))
        check(status == 303 and location == "/accounts/%d?saved=assessment" % acc,
              "a valid assessment redirects to the account", "%d %s" % (status, location))
        after = export(db)[acc]
        check(float(after["intellectual"]) > float(before[acc]["intellectual"]),
              "the assessment raised the intellectual score",
              "%s -> %s" % (before[acc]["intellectual"], after["intellectual"]))

        # The account page shows the partnership health the assessment's pillar answers
        # give, as `cvom explain` computes it.
        status, page, _ = manager.get("/accounts/%d" % acc)
        want = explain(db, acc)
        health = section(page, "health")
        check(status == 200 and "Partnership health" in health, "the health section is shown")
        p = want["partnership"]
        check(p["state"] == "ok", "the assessment leaves every pillar scored", p["state"])
        check('<p class="big health-value">%s</p>' % one_decimal(p["health"]) in health,
              "the page shows the health of cvom explain", one_decimal(p["health"]))
        for m, v in p["measures"].items():
            check(v["score"] is not None and one_decimal(v["score"]) in health,
                  "the page shows the %s score" % m)
        check(("Capped by trust" in health) == bool(p["capped"]), "the trust cap is shown")
        check(p["weakest"].capitalize() in health, "the weakest pillar is named")
        check("No pillar answers yet" not in health, "no 'no answers' with answers")
        items_part = re.search(r'<details class="items".*?</details>', page, re.S)
        if check(items_part is not None, "the item table is shown"):
            for code in pillar_codes:
                row = re.search(r'<span class="code">%s</span>.*?</tr>' % re.escape(code),
                                items_part.group(0), re.S)
                check(row is not None and 'class="pillar-item"' in row.group(0) and
                      "on neither value axis" in row.group(0),
                      "pillar item %s is labelled in the item table" % code)

        # The stakeholders on the matrix: everyone cvom explain places, with the spread.
        spread = section(page, "spread")
        sm = want["stakeholders_on_matrix"]
        check("Stakeholders on the matrix" in spread, "the spread section is shown")
        for pt in sm["stakeholders"]:
            check(html_escape(pt["label"]) in spread, "stakeholder %s on the matrix" %
                  pt["label"])
        check(spread.count('<circle class="stk ') == len(sm["stakeholders"]),
              "one point per stakeholder", str(len(sm["stakeholders"])))
        if sm["spread"] is not None:
            check("Spread <strong>%s points" % one_decimal(sm["spread"]) in spread,
                  "the spread figure of cvom explain")
        check(('<span class="badge split">Split</span>' in spread) == sm["split"],
              "the split flag follows cvom explain")

        # A stakeholder's name is text, never markup, in the SVG titles and the table.
        evil = '<script>alert(1)</script> "Q" & <b>'
        sid = run(db, "stakeholder", "add", str(acc), evil, "--influence", "0.9").strip()
        status, page, _ = manager.get("/accounts/%d/assess" % acc)
        check('<option value="%s">' % sid in page, "the new stakeholder can answer", sid)
        status, _, _ = manager.post("/accounts/%d/assess" % acc, dict(
            form, csrf=csrf(page), respondent=sid, **answers(items, False)))
        check(status == 303, "the stakeholder's answers are saved", str(status))
        status, page, _ = manager.get("/accounts/%d" % acc)
        spread = section(page, "spread")
        check(re.search(r'<title>\d+\. %s: intellectual' % re.escape(html_escape(evil)),
                        spread) is not None, "the name is escaped in the SVG title")
        check(evil not in page and "<script>alert" not in page, "no raw name on the page")
        want = explain(db, acc)["stakeholders_on_matrix"]
        check(('<span class="badge split">Split</span>' in spread) == want["split"],
              "the split flag after the new stakeholder", str(want["split"]))

        # A survey link: created on the account page, answered once, then gone.
        status, page, _ = manager.get("/accounts/%d" % acc)
        token = csrf(page)
        status, page, _ = manager.post("/accounts/%d/survey" % acc,
                                       {"csrf": token, "stakeholder": sids[-1], "days": "14"})
        check(status == 200, "creating a survey link", str(status))
        m = re.search(r'value="(http://[^"]+/survey/([A-Za-z0-9_-]+))"', page)
        if check(m is not None, "the page shows the link once"):
            path = "/survey/" + m.group(2)
            customer = Client(port)
            status, page, _ = customer.get(path)
            check(status == 200 and 'name="i_' in page, "the stakeholder opens the survey",
                  str(status))
            moved = export(db)[acc]
            status, page, _ = customer.post(path, answers(items, False))
            check(status == 200 and "Thank you" in page, "the survey is answered", str(status))
            now = export(db)[acc]
            check(now["emotional"] != moved["emotional"], "the answers moved the score",
                  "%s -> %s" % (moved["emotional"], now["emotional"]))
            status, _, _ = customer.get(path)
            check(status == 404, "a used link is 404", str(status))
            status, _, _ = customer.post(path, answers(items, False))
            check(status == 404, "a used link cannot be answered again", str(status))
            check(export(db)[acc] == now, "the second answer stored nothing")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            rc = server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            rc = None
        log.close()
    check(rc == 0, "the server stops with status 0 on SIGTERM", str(rc))
    if FAILURES:
        print(open(os.path.join(tmp, "serve.log")).read()[-4000:], file=sys.stderr)
        print("%d failed" % len(FAILURES), file=sys.stderr)
        return 1
    print("web pages: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
