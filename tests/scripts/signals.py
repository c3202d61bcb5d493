#!/usr/bin/python3
"""Signals and the network ledger through the real command line and a real server, on the
demo portfolio: every normalisation recomputed here (the percentile with
scipy.stats.rankdata over values with ties), the survey weight setting, imports that are
all-or-nothing with exact positions, the ledger's window and unrated entries, removal, and
the account page's signals table and ledger with every name escaped.
Usage: signals.py PATH/TO/cvom"""
import http.client
import json
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import need  # noqa: E402

rankdata = need.module("signals", "scipy.stats", "python3-scipy").rankdata

CVOM = os.path.abspath(sys.argv[1])
PASSWORD = "correct horse battery"
FAILURES = []
AS_OF = "2026-10-31"


def check(cond, what, detail=""):
    if not cond:
        FAILURES.append(what)
        print("FAIL: %s %s" % (what, detail), file=sys.stderr)
    return cond


def cvom(db, *args, stdin=None, ok=True):
    p = subprocess.run([CVOM, "--db", db] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=120)
    if ok and p.returncode != 0:
        raise SystemExit("cvom %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def explain(db, account):
    return json.loads(cvom(db, "explain", str(account), "--as-of", AS_OF, "--format",
                           "json").stdout)


def signal_of(ex, name):
    got = [g for g in ex["signals"] if g["name"] == name]
    return got[0] if got else None


def same(a, b):
    """Equal, numbers to 1e-9 (the two faces may print a different number of digits)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    tmp = tempfile.mkdtemp(prefix="cvom-signals-")
    db = os.path.join(tmp, "demo.db")
    cvom(db, "demo")
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("select id from accounts order by id")]
    con.close()

    # A percentile signal with many ties and a logistic one, imported from CSV.
    cvom(db, "signal", "add", "visits", "--axis", "intellectual", "--norm", "percentile",
         "--weight", "0.4", "--label", "Site visits <b>&\"quoted\"")
    cvom(db, "signal", "add", "calls", "--axis", "emotional", "--norm", "logistic",
         "--midpoint", "6", "--scale", "2.5", "--direction", "-", "--weight", "0.3")
    rng = random.Random(7)
    visits = {a: rng.choice([0, 1, 1, 2, 3, 3, 3, 5, 8, 13]) for a in ids}
    calls = {a: round(rng.uniform(0, 14), 2) for a in ids}
    rows = ["account,metric,value,date"]
    for a in ids:
        rows.append("%d,visits,%d,2026-09-30" % (a, visits[a]))
        rows.append("%d,calls,%s,2026-09-30" % (a, calls[a]))
        rows.append("%d,visits,999,2026-11-15" % a)  # after the date asked: not in force
    write(os.path.join(tmp, "signals.csv"), "\n".join(rows) + "\n")
    p = cvom(db, "import", "signals", os.path.join(tmp, "signals.csv"))
    check("%d signal values stored" % (3 * len(ids)) in p.stderr, "import summary", p.stderr)

    values = list(visits.values())
    ranks = rankdata(values)
    checked = 0
    for i, a in enumerate(ids):
        ex = explain(db, a)
        if ex["axes"]["intellectual"]["value"] is None:
            continue
        g = signal_of(ex, "visits")
        want = 100 * (ranks[i] - 1) / (len(values) - 1)
        check(g is not None and abs(g["score"] - want) < 1e-9, "percentile of account %d" % a,
              "%s vs %s" % (g and g["score"], want))
        check(g and g["raw"] == visits[a], "the value in force on the date", str(g))
        h = signal_of(ex, "calls")
        want = 100 - 100 / (1 + math.exp(-(calls[a] - 6) / 2.5))
        check(h is not None and abs(h["score"] - want) < 1e-9, "logistic of account %d" % a)
        for axis in ("intellectual", "emotional"):
            ax = ex["axes"][axis]
            sig = [x for x in ex["signals"] if x["axis"] == axis]
            total = 1 + sum(x["weight"] for x in sig)
            parts = sum(r["contribution_" + axis] for r in ex["respondents"]
                        if r["counted_" + axis])
            check(abs(ax["survey_share"] - 1 / total) < 1e-12, "survey share", axis)
            check(abs(parts + sum(x["contribution"] for x in sig) - ax["value"]) < 1e-9,
                  "survey and signals add up for account %d" % a, axis)
        checked += 1
    check(checked > 50, "percentiles checked", str(checked))

    # The survey weight moves the shares: 3 against the same signals.
    before = explain(db, ids[5])
    cvom(db, "config", "signals.survey_weight", "3")
    after = explain(db, ids[5])
    for axis in ("intellectual", "emotional"):
        w = sum(x["weight"] for x in after["signals"] if x["axis"] == axis)
        check(abs(after["axes"][axis]["survey_share"] - 3 / (3 + w)) < 1e-12,
              "survey weight 3", axis)
        check(abs(after["axes"][axis]["survey"] - before["axes"][axis]["survey"]) < 1e-12,
              "the survey's own score does not move with its weight", axis)
    p = cvom(db, "config", "signals.survey_weight", "0", ok=False)
    check(p.returncode == 3 and "survey_weight" in p.stderr, "a survey weight of 0 refused",
          p.stderr)
    cvom(db, "config", "signals.survey_weight", "1")

    # Imports are all-or-nothing and say where the bad row is.
    count = len(cvom(db, "signal", "values", "--format", "json").stdout)
    write(os.path.join(tmp, "bad.csv"),
          "account,signal,value\n%d,visits,4\n%d,visits,four\n" % (ids[0], ids[1]))
    p = cvom(db, "import", "signals", os.path.join(tmp, "bad.csv"), ok=False)
    check(p.returncode == 3 and "bad.csv:3:" in p.stderr and "'four' is not a number" in p.stderr,
          "bad value reported at line 3", p.stderr)
    write(os.path.join(tmp, "bad2.csv"), "account,signal,value\n%d,nosuch,4\n" % ids[0])
    p = cvom(db, "import", "signals", os.path.join(tmp, "bad2.csv"), ok=False)
    check(p.returncode == 4 and "bad2.csv:2:" in p.stderr and "nosuch" in p.stderr,
          "unknown signal reported", p.stderr)
    write(os.path.join(tmp, "bad3.csv"), "account,signal,value\n%d,network,4\n" % ids[0])
    p = cvom(db, "import", "signals", os.path.join(tmp, "bad3.csv"), ok=False)
    check(p.returncode == 3 and "ledger" in p.stderr, "the ledger's signal is not imported",
          p.stderr)
    check(len(cvom(db, "signal", "values", "--format", "json").stdout) == count,
          "nothing imported from the bad files")
    p = cvom(db, "signal", "add", "x", "--axis", "diagonal", ok=False)
    check(p.returncode == 2, "a bad axis is a usage error", p.stderr)
    p = cvom(db, "signal", "add", "visits", "--axis", "emotional", ok=False)
    check(p.returncode == 5, "a second signal of the same name is refused", p.stderr)

    # The ledger: a fresh account's rated entries of the last 365 days, unrated ones left out.
    acc = ids[0]
    con = sqlite3.connect(db)
    con.execute("delete from network_entries where account_id = ?", (acc,))
    con.commit()
    con.close()
    write(os.path.join(tmp, "net.csv"),
          "account,type,title,date,score,comment\n"
          "%d,introduction,Met <script>alert(1)</script>,2026-10-01,5,via the CFO\n"
          "%d,event,Expert forum,2026-06-01,2,\n"
          "%d,peer_group,Old circle,2025-10-30,1,older than a year\n"
          "%d,event,Not rated yet,2026-10-20,,\n" % (acc, acc, acc, acc))
    cvom(db, "import", "network", os.path.join(tmp, "net.csv"))
    g = signal_of(explain(db, acc), "network")
    check(g is not None and abs(g["raw"] - 3.5) < 1e-12 and g["entries"] == 2,
          "the ledger's mean rating over the year", str(g))
    check(g and abs(g["score"] - 62.5) < 1e-9, "ledger rating 3.5 on 1..5 scores 62.5", str(g))
    listed = json.loads(cvom(db, "network", "list", str(acc), "--format", "json").stdout)
    check(len(listed) == 4 and listed[0]["title"] == "Not rated yet" and
          listed[0]["rating"] is None, "the ledger lists newest first", str(listed[:1]))
    p = cvom(db, "network", "add", str(acc), "--kind", "party", "--title", "x", ok=False)
    check(p.returncode == 2, "an unknown kind refused", p.stderr)
    p = cvom(db, "network", "add", str(acc), "--kind", "event", "--title", "x", "--rating", "6",
             ok=False)
    check(p.returncode == 2, "a rating of 6 refused", p.stderr)
    new_id = cvom(db, "network", "add", str(acc), "--kind", "event", "--title", "Briefing",
                  "--date", "2026-10-30", "--rating", "5").stdout.strip()
    g = signal_of(explain(db, acc), "network")
    check(g and abs(g["raw"] - 4) < 1e-12 and g["entries"] == 3, "a new entry counts", str(g))
    cvom(db, "network", "rm", new_id)

    # Removing a signal takes it out of every score.
    cvom(db, "signal", "rm", "calls")
    check(signal_of(explain(db, ids[3]), "calls") is None, "a removed signal no longer counts")

    # The account page: the signals table and the ledger, escaped.
    cvom(db, "user", "add", "ada", "--role", "admin", "--password-stdin",
         stdin=PASSWORD + "\n")
    port_file = os.path.join(tmp, "port")
    log = open(os.path.join(tmp, "serve.log"), "w")
    server = subprocess.Popen([CVOM, "--db", db, "serve", "--listen", "127.0.0.1:0",
                               "--port-file", port_file], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        port = int(open(port_file).read())
        cookies = {}

        def request(method, path, form=None):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            headers = {"Host": "127.0.0.1:%d" % port}
            if cookies:
                headers["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["Origin"] = "http://127.0.0.1:%d" % port
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            text = r.read().decode("utf-8")
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    name, _, value = v.split(";")[0].partition("=")
                    cookies[name] = value
            c.close()
            return r.status, text

        _, page = request("GET", "/signin")
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        request("POST", "/signin", {"csrf": token, "name": "ada", "password": PASSWORD,
                                    "next": "/"})
        status, page = request("GET", "/accounts/%d" % acc)
        check(status == 200, "account page", str(status))
        table = re.search(r'<table class="data" id="signals">.*?</table>', page, re.S)
        check(table is not None, "the account page shows its signals")
        if table:
            t = table.group(0)
            check("visits" in t and "Site visits &lt;b&gt;&amp;&quot;quoted&quot;" in t,
                  "signal label escaped", t[:300])
            today = json.loads(cvom(db, "explain", str(acc), "--format", "json").stdout)
            v = signal_of(today, "visits")
            check("%.2f" % v["contribution"] in t, "the points of a signal as the CLI gives")
        net = re.search(r'<section[^>]* id="network".*?</section>', page, re.S)
        check(net is not None and "Met &lt;script&gt;alert(1)&lt;/script&gt;" in net.group(0)
              and "<script>alert" not in page and "not rated" in net.group(0),
              "the ledger on the page, escaped")
        # An editor adds a ledger entry with the page's form; without its token, nothing.
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        entry = {"kind": "peer_group", "title": "Circle <em>of</em> CFOs", "rating": "5",
                 "date": "2026-11-01"}
        status, _ = request("POST", "/accounts/%d/network" % acc, entry)
        check(status == 403, "a ledger entry without the CSRF token is refused", str(status))
        status, _ = request("POST", "/accounts/%d/network" % acc, dict(entry, csrf=token))
        check(status == 303, "a ledger entry through the form", str(status))
        status, _ = request("POST", "/accounts/%d/network" % acc,
                            dict(entry, csrf=token, rating="9"))
        check(status == 422, "a rating of 9 through the form is refused", str(status))
        listed = json.loads(cvom(db, "network", "list", str(acc), "--format", "json").stdout)
        check(sum(e["title"] == "Circle <em>of</em> CFOs" for e in listed) == 1,
              "the form's entry is stored once", str(listed[:2]))
        _, page = request("GET", "/accounts/%d" % acc)
        check("Circle &lt;em&gt;of&lt;/em&gt; CFOs" in page, "the new entry on the page, escaped")
        # The administrators' page of signals: the same rules as the command line.
        status, page = request("GET", "/admin/signals")
        check(status == 200 and "Site visits &lt;b&gt;&amp;&quot;quoted&quot;" in page and
              "<b>&" not in page, "the signals page, escaped", str(status))
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = {"csrf": token, "op": "save", "name": "visits", "label": "Site visits",
                "axis": "intellectual", "direction": "+", "norm": "percentile", "weight": "0.8"}
        status, _ = request("POST", "/admin/signals", form)
        check(status == 303, "a signal saved", str(status))
        defs = {g["name"]: g for g in json.loads(cvom(db, "signal", "list", "--format",
                                                      "json").stdout)}
        check(defs["visits"]["weight"] == 0.8 and defs["visits"]["label"] == "Site visits",
              "the saved weight is the command line's", str(defs["visits"]))
        status, page = request("POST", "/admin/signals", dict(form, op="add", name="bidding",
                                                              norm="fixed", p1="0", p2="0"))
        check(status == 422 and "bidding" not in cvom(db, "signal", "list").stdout,
              "equal fixed bounds refused, nothing added", str(status))
        status, _ = request("POST", "/admin/signals", dict(form, op="add", name="bidding",
                                                           norm="fixed", p1="100", p2="0",
                                                           direction="-", weight="0.2"))
        check(status == 303 and "bidding" in cvom(db, "signal", "list").stdout,
              "a signal added", str(status))
        status, _ = request("POST", "/admin/signals", dict(form, op="add"))
        check(status == 409, "a second signal of a name refused", str(status))
        status, _ = request("POST", "/admin/signals", {"csrf": token, "op": "remove",
                                                      "name": "bidding"})
        check(status == 303 and "bidding" not in cvom(db, "signal", "list").stdout,
              "a signal removed", str(status))
        status, body = request("GET", "/api/v1/accounts/%d/explanation" % acc)
        if check(status == 200, "API explanation", str(status)):
            api = json.loads(body)
            today = json.loads(cvom(db, "explain", str(acc), "--format", "json").stdout)
            check(same(api["signals"], today["signals"]) and same(api["axes"], today["axes"]),
                  "the API's signals are the command line's",
                  "%s\n%s" % (api["signals"][:1], today["signals"][:1]))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    if FAILURES:
        print("%d check(s) failed" % len(FAILURES), file=sys.stderr)
        sys.exit(1)
    print("signals: %d accounts' percentiles and blends checked" % checked)


main()
