#!/usr/bin/python3
"""web_analytics.py — the analytics pages and their API through a real `cvom serve` on
127.0.0.1 and a real client that signs in with the form: /compare (transition tables, movers,
slides, stale, projection; the default dates), /overserved (the demo's discount retailer,
134 000 of 152 000 unvalued, each offering's importance–performance quadrant), /alignment
(our ranking, the partnerships at risk), a manager kept to their own accounts, names
escaped, the stored settings obeyed, and GET /api/v1/compare|overserved|alignment answering
exactly what the command line prints with --format json. Every figure is checked against
the command line on the same database.
    usage: web_analytics.py PATH/TO/cvom"""

import html
import html.parser
import json
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402

C = harness.Checks()
FROM, TO = "2026-04-15", "2026-10-15"  # the demo's two waves, and its two snapshot dates
AS_OF = "2026-10-31"
DISCOUNTER = "Stack & Save Discount Stores"


class Tables(html.parser.HTMLParser):
    """Every table of a page: its caption and rows of cell texts, and every link."""

    def __init__(self):
        super().__init__()
        self.tables, self.links, self.cell, self.row, self.caption = [], [], None, None, None
        self.stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self.caption = []
        elif tag == "tr" and self.tables:
            self.row = []
            self.tables[-1]["rows"].append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "a":
            self.links.append(a.get("href", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "caption" and self.caption is not None:
            self.tables[-1]["caption"] = "".join(self.caption).strip()
            self.caption = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.caption is not None:
            self.caption.append(data)


def parse(text):
    p = Tables()
    p.feed(text)
    p.close()
    return p


def table(page, caption_start):
    for t in page.tables:
        if t["caption"].startswith(caption_start):
            return t["rows"]
    return None


def number(text):
    return float(text.replace(",", "").replace("\u00a0%", "").replace("%", "").strip() or "nan")


def cli_json(fx, db, *args):
    return json.loads(harness.run(fx.cvom, db, *args, "--format", "json"))


def same_json(a, b):
    """Equal, numbers to 1e-9: the command line prints fewer digits than the API."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            abs(a - b) < 1e-9
    return a == b


def section(fn):
    def wrapper(*a, **kw):
        C.section(fn.__name__.replace("_", " "))
        try:
            return fn(*a, **kw)
        except Exception:  # noqa: BLE001 - report and go on with the next section
            C.check(False, "section %s crashed" % fn.__name__, traceback.format_exc())
            return None
    return wrapper


# ---- /compare ----------------------------------------------------------------------------------

STATES = ["transactional", "intellectual", "emotional", "partnership", None]


@section
def compare_page(fx, db, viewer):
    want = cli_json(fx, db, "compare", "--from", FROM, "--to", TO)
    for path in ("/compare", "/compare?from=%s&to=%s" % (FROM, TO)):
        r = viewer.get(path)
        C.check(r.status == 200 and "text/html" in (r.header("Content-Type") or ""),
                "GET %s is a page" % path, r.status)
        # Without dates: the demo's two snapshot dates.
        C.check('value="%s"' % FROM in r.text and 'value="%s"' % TO in r.text,
                "%s compares %s with %s" % (path, FROM, TO))
        p = parse(r.text)
        for basis, key in (("By accounts", "accounts"), ("By revenue", "revenue")):
            rows = table(p, basis)
            if not C.check(rows is not None and len(rows) == 7, "%s: the %s table" % (path, basis),
                           rows):
                continue
            cells = {(t["from_quadrant"], t["quadrant"]): t[key] for t in want["transitions"]}
            for i, frm in enumerate(STATES):
                for j, to in enumerate(STATES):
                    got = number(rows[i + 1][j + 1])
                    C.check(abs(got - round(cells[(frm, to)])) < 0.5,
                            "%s %s: %s -> %s" % (path, basis, frm, to), got, cells[(frm, to)])
            total = number(rows[6][6])
            C.check(total == (want["accounts_total"] if key == "accounts" else
                              round(sum(t["revenue"] for t in want["transitions"]))),
                    "%s %s: grand total" % (path, basis), total)
        movers = table(p, "Movers")
        C.check(movers is not None and len(movers) - 1 == len(want["movers"]),
                "%s: one row per mover" % path, movers and len(movers), len(want["movers"]))
        if movers:
            names = [m["name"] for m in want["movers"]]
            C.check([row[0] for row in movers[1:]] == names, "%s: movers in order" % path)
        slides = table(p, "Sliding towards Transactional")
        C.check(slides is not None and [row[0] for row in slides[1:]] ==
                [s["name"] for s in want["sliding"]], "%s: the slides, most severe first" % path)
        C.check("Sliding towards Transactional (%d)" % len(want["sliding"]) in r.text,
                "%s: the slides are counted" % path)
        C.check("Stale assessments (%d)" % len(want["stale"]) in r.text, "%s: stale" % path)
        share = table(p, "Share of accounts")
        proj = [x for x in want["projection"] if x["basis"] == "accounts"]
        C.check(share is not None and len(share) - 1 == len(proj), "%s: the projection" % path)
        if share and proj:
            C.check(abs(number(share[1][2]) - 100 * proj[0]["share_transactional"]) < 0.051,
                    "%s: period 0 mix" % path, share[1], proj[0])
        ids = {m["account_id"] for m in want["movers"]}
        C.check(all("/accounts/%d" % i in p.links for i in ids), "%s: movers link to their "
                "accounts" % path)
    # Other dates: the same as the command line on them.
    other = cli_json(fx, db, "compare", "--from", "2026-01-01", "--to", AS_OF)
    r = viewer.get("/compare?from=2026-01-01&to=%s" % AS_OF)
    C.check("Movers (%d)" % len(other["movers"]) in r.text, "chosen dates: movers counted",
            len(other["movers"]))
    for bad, why in (("/compare?from=2026-13-01", "understood"),
                     ("/compare?from=%s&to=%s" % (TO, FROM), "before")):
        r = viewer.get(bad)
        C.check(r.status == 200 and "notice error" in r.text and why in r.text and
                'value="%s"' % FROM in r.text, "%s: a notice, then the default dates" % bad,
                r.status)


# ---- /overserved -------------------------------------------------------------------------------

@section
def overserved_page(fx, db, viewer, manager):
    want = cli_json(fx, db, "overserved")
    r = viewer.get("/overserved")
    C.check(r.status == 200, "GET /overserved", r.status)
    p = parse(r.text)
    rows = table(p, "Over-served accounts")
    if not C.check(rows is not None, "the over-served table", r.text[:500]):
        return
    C.check(len(rows) - 1 == len(want["accounts"]), "one row per over-served account",
            len(rows) - 1, len(want["accounts"]))
    first = rows[1]
    C.check(first[0].startswith(DISCOUNTER), "the discount retailer tops the list", first[0])
    C.check(number(first[3]) == 152000 and number(first[4]) == 134000,
            "its cost to serve 152,000 and unvalued cost 134,000", first[3:5])
    C.check(abs(number(first[5]) - 88.2) < 0.05, "its share 88.2 %", first[5])
    for code in ("LOCAL-MKT", "AD-SUPPORT", "E-TAGGING", "MERCH"):
        C.check(code in first[6], "offering %s is listed" % code, first[6])
    C.check("possible overkill" in first[6] or "low priority" in first[6],
            "each offering has its importance–performance quadrant", first[6])
    C.check("Stack &amp; Save Discount Stores" in r.text and
            "Stack & Save Discount" not in r.text, "the name is escaped")
    C.check("/accounts/%d" % want["accounts"][0]["account_id"] in p.links,
            "the account links to its page")
    port = want["portfolio"]
    C.check("%d of %d rated accounts are over-served" % (port["overserved_accounts"],
                                                          port["rated_accounts"]) in r.text,
            "the portfolio's count", port)
    r = viewer.get("/overserved?all=1")
    every = cli_json(fx, db, "overserved", "--all")
    C.check(len(table(parse(r.text), "Over-served accounts")) - 1 == len(every["accounts"]),
            "?all=1 shows every rated account")
    # A manager sees their own accounts only.
    mine = {a["id"] for a in fx.accounts(db) if a["owner"] == harness.USERS["priya"][1]}
    r = manager.get("/overserved?all=1&owner=Lena%20Fischer")
    links = {int(x.split("/")[2]) for x in parse(r.text).links if re.fullmatch(r"/accounts/\d+", x)}
    C.check(links and links <= mine, "a manager's page holds only their accounts",
            sorted(links - mine))
    C.check(DISCOUNTER not in html.unescape(r.text), "another owner's account is not shown")


# ---- /alerts and the front page's panel ---------------------------------------------------------

@section
def alerts_page(fx, db, viewer, manager):
    today = cli_json(fx, db, "alerts", "--format", "json")
    r = viewer.get("/alerts")
    C.check(r.status == 200, "GET /alerts", r.status)
    kinds = re.findall(r'<li data-kind="([a-z_]+)">', r.text)
    C.check(sorted(kinds) == sorted(a["kind"] for a in today),
            "/alerts lists what cvom alerts lists", len(kinds), len(today))
    text = html.unescape(r.text)
    C.check(all(a["why"] in text for a in today), "each alert says why it fired")
    links = set(parse(r.text).links)
    C.check(all(a["where"] in links for a in today), "each alert links to where it is fixed")
    C.check("%d alerts on" % len(today) in r.text, "the count", len(today))
    # The front page's panel shows the first accounts' alerts and links to the rest.
    r = viewer.get("/")
    C.check('id="attention"' in r.text and 'href="/alerts"' in r.text,
            "the front page has a Needs attention panel", r.text[:300])
    panel = r.text[r.text.find('id="attention"'):]
    panel = panel[:panel.find("</section>")]
    C.check(panel.count("<li data-kind=") > 0, "the panel lists alerts")
    # A manager's alerts are their own accounts'.
    mine = {a["id"] for a in fx.accounts(db) if a["owner"] == harness.USERS["priya"][1]}
    r = manager.get("/alerts")
    ids = {int(x.split("/")[2].split("#")[0]) for x in parse(r.text).links
           if re.fullmatch(r"/accounts/\d+(#\w+)?", x)}
    C.check(ids and ids <= mine, "a manager's alerts are on their accounts", sorted(ids - mine))
    # Done actions leave the alerts, on the page and in the panel.
    overdue = [a for a in today if a["kind"] == "overdue_action"]
    if C.check(overdue, "the demo has an overdue action"):
        harness.run(fx.cvom, db, "action", "done", str(overdue[0]["action_id"]))
        r = viewer.get("/alerts")
        C.check(len(re.findall(r'data-kind="overdue_action"', r.text)) == len(overdue) - 1,
                "an action marked done is no longer overdue")


# ---- /alignment --------------------------------------------------------------------------------

@section
def alignment_page(fx, db, viewer):
    want = cli_json(fx, db, "align")
    ours = cli_json(fx, db, "align", str(want[0]["account_id"]))["ours"]
    r = viewer.get("/alignment")
    C.check(r.status == 200, "GET /alignment", r.status)
    items = re.findall(r"<li>([^<]*)</li>", r.text.split('id="ours-h"')[1].split("</ol>")[0])
    C.check(items == [html.escape(v, quote=True) for v in ours], "our ranking, in order",
            items, ours)
    p = parse(r.text)
    risky = [a for a in want if a["at_risk"] == "yes"]
    rows = table(p, "Partnerships at risk")
    C.check(rows is not None and [x[0] for x in rows[1:]] == [a["account"] for a in risky],
            "the partnerships at risk, least aligned first", rows and [x[0] for x in rows[1:]])
    if rows:
        for row, a in zip(rows[1:], risky):
            C.check(abs(number(row[4]) - a["tau_b"]) < 0.0005, "tau-b of " + a["account"],
                    row[4], a["tau_b"])
    every = table(p, "Alignment of every ranked account")
    C.check(every is not None and len(every) - 1 == len(want), "every ranked account",
            every and len(every))
    C.check("Partnerships at risk (%d)" % len(risky) in r.text, "the at-risk count")
    # The stored threshold decides who is at risk.
    harness.run(fx.cvom, db, "config", "alignment_at_risk", "0.9")
    stricter = [a for a in cli_json(fx, db, "align") if a["at_risk"] == "yes"]
    r = viewer.get("/alignment")
    C.check(len(stricter) > len(risky) and
            "Partnerships at risk (%d)" % len(stricter) in r.text,
            "the page follows the stored threshold", len(stricter))
    harness.run(fx.cvom, db, "config", "alignment_at_risk", "0.3")


# ---- the API -----------------------------------------------------------------------------------

@section
def api(fx, db, srv):
    tv = srv.client(bearer=fx.tokens["viewer"])
    tm = srv.client(bearer=fx.tokens["manager"])
    for path, args in (("/api/v1/compare", ("compare", "--from", FROM, "--to", TO)),
                       ("/api/v1/compare?from=2026-01-01&to=%s&periods=2&slide_points=5" % AS_OF,
                        ("compare", "--from", "2026-01-01", "--to", AS_OF, "--periods", "2",
                         "--slide-points", "5")),
                       ("/api/v1/compare?from=%s&to=%s&owner=Priya%%20Shah" % (FROM, TO),
                        ("compare", "--from", FROM, "--to", TO, "--owner", "Priya Shah")),
                       ("/api/v1/overserved?as_of=" + AS_OF, ("overserved", "--as-of", AS_OF)),
                       ("/api/v1/overserved?all=true&share=0.5",
                        ("overserved", "--all", "--share", "0.5")),
                       ("/api/v1/alignment?as_of=" + AS_OF, ("align", "--as-of", AS_OF)),
                       ("/api/v1/alignment?account=1&as_of=" + AS_OF,
                        ("align", "1", "--as-of", AS_OF))):
        r = tv.get(path)
        C.check(r.status == 200 and "application/json" in (r.header("Content-Type") or ""),
                "GET %s" % path, r.status, r.text[:300])
        if r.status == 200:
            C.check(same_json(r.json(), cli_json(fx, db, *args)),
                    "%s is `cvom %s --format json`" % (path, " ".join(args)))
    doc = tv.get("/api/v1/overserved").json()
    first = doc["accounts"][0]
    C.check(first["account"] == DISCOUNTER and first["unvalued_cost"] == 134000 and
            first["total_cost"] == 152000, "the API's first over-served account", first)
    # A manager: their own accounts only; another's account answers 404.
    owner = harness.USERS["priya"][1]
    mine = {a["id"] for a in fx.accounts(db) if a["owner"] == owner}
    other = fx.other[0]
    got = tm.get("/api/v1/overserved?all=true").json()
    C.check(got["accounts"] and {a["account_id"] for a in got["accounts"]} <= mine,
            "a manager's over-serving holds only their accounts")
    got = tm.get("/api/v1/compare").json()
    C.check(got["accounts_total"] == len(mine), "a manager's migration counts their accounts",
            got["accounts_total"], len(mine))
    C.check(tm.get("/api/v1/overserved?owner=Lena%20Fischer").json()["accounts"] == [],
            "a manager asking for another owner gets nothing")
    r = tm.get("/api/v1/alignment?account=%d" % other)
    C.check(r.status == 404, "another manager's account answers 404", r.status)
    for bad, field in (("/api/v1/compare?from=%s&to=%s" % (TO, FROM), "from"),
                       ("/api/v1/compare?from=yesterday", "from"),
                       ("/api/v1/compare?periods=0", "periods"),
                       ("/api/v1/overserved?share=2", "share"),
                       ("/api/v1/overserved?all=maybe", "all"),
                       ("/api/v1/alignment?threshold=-3", "threshold"),
                       ("/api/v1/alignment?account=abc", "account")):
        r = tv.get(bad)
        C.check(r.status == 422 and r.json()["error"]["field"] == field,
                "%s answers 422 naming %s" % (bad, field), r.status, r.text[:200])
    anon = srv.client()
    for path in ("/api/v1/compare", "/api/v1/overserved", "/api/v1/alignment"):
        C.check(anon.get(path).status == 401, "%s needs a token or a session" % path)


# ---- names with markup, and a manager without accounts ---------------------------------------

@section
def escaping(fx, db, srv, viewer):
    name = '<script>alert("x")</script> & "Co"'
    out = harness.run(fx.cvom, db, "account", "add", name, "--owner", "<b>Owner</b>")
    aid = out.strip().splitlines()[-1]
    harness.run(fx.cvom, db, "offering", "rate", aid, "MERCH", "--importance", "1",
                "--performance", "7", "--cost", "5000")
    for path in ("/overserved", "/compare?from=%s&to=%s" % (FROM, TO), "/alignment"):
        r = viewer.get(path)
        C.check(r.status == 200 and "<script>alert" not in r.text and "<b>Owner" not in r.text,
                "%s: no markup from the store reaches the page" % path)
    r = viewer.get("/overserved")
    C.check(html.escape(name, quote=True) in r.text, "the name is shown escaped")
    for path in ("/compare", "/overserved", "/alignment"):
        C.check(srv.client().get(path).status == 303, "%s sends the anonymous to sign in" % path)


def main():
    cvom = harness.cvom_path(sys.argv)
    fx = harness.Fixture(cvom)
    srv = None
    try:
        db = fx.copy("analytics.db")
        srv = harness.Server(cvom, db)
        viewer, manager = srv.client(), srv.client()
        C.check(viewer.signin("vic").status == 303, "the viewer signs in")
        C.check(manager.signin("priya").status == 303, "the manager signs in")
        r = viewer.get("/")
        C.check('href="/compare"' in r.text, "the navigation links to the analytics")
        compare_page(fx, db, viewer)
        overserved_page(fx, db, viewer, manager)
        alignment_page(fx, db, viewer)
        alerts_page(fx, db, viewer, manager)
        api(fx, db, srv)
        escaping(fx, db, srv, viewer)
    finally:
        if srv:
            rc = srv.stop()
            log = srv.output()
            C.check(rc == 0, "cvom serve exits 0 on SIGTERM", rc)
            for marker in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
                C.check(marker not in log, "no sanitizer report in the server log",
                        log[log.find(marker) - 200:log.find(marker) + 800])
        fx.cleanup()
    return C.finish("web_analytics")


if __name__ == "__main__":
    sys.exit(main())
