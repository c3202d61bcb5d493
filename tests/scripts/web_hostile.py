#!/usr/bin/python3
"""web_hostile.py — `cvom serve` under hostile clients, through a real HTTP client on
127.0.0.1: the sign-in rate limit, malformed and oversized requests, XSS payloads in every
field the command line, the import and the API can set (every page of the route table read
by an admin, a manager and an anonymous client), and the security headers on every response.
Prints every failure and exits 1 if there was one.
    usage: web_hostile.py PATH/TO/cvom"""

import csv
import html.parser
import io
import json
import os
import re
import statistics
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402
import oracle  # noqa: E402
from harness import PASSWORD  # noqa: E402

C = harness.Checks()
section = harness.sections(C)


def server_ended_cleanly(srv, what):
    harness.server_ended_cleanly(C, srv, what)


# ---- 1. the sign-in rate limit ---------------------------------------------------------------------

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
            C.check(r.status == 429, "sign-in #%d for the same user from the same address "
                    "(%s password) -> 429" % (len(limited) + 5,
                                              "right" if pw == PASSWORD else "wrong"), r.status)
            C.check((r.header("Retry-After") or "").isdigit(), "429 says when to retry",
                    r.header("Retry-After"))
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
        for i in range(60):
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


# ---- 2. malformed and oversized requests -------------------------------------------------------------

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


# ---- 3. XSS ----------------------------------------------------------------------------------------

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
        if not C.check(out.strip(), "XSS: the command line takes account name %r, so the "
                       "pages are tried with it" % p):
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
    harness.run(cvom, db, "import", "responses", rpath, "--quiet")
    harness.run(cvom, db, "score")
    harness.run(cvom, db, "token", "create", "tok " + PAYLOADS[0], "--user", "ada")
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
    rows = list(csv.reader(io.StringIO(harness.run(cvom, db, "playbook", "export"))))
    for i, row in enumerate(rows[1:len(PAYLOADS) + 1]):
        row[1] = "T " + PAYLOADS[i]
        row[2] = "P " + PAYLOADS[-1 - i]
    path = os.path.join(os.path.dirname(db), "xss-playbook.csv")
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    harness.run(cvom, db, "playbook", "import", path)


def xss_csv(tag):
    """Accounts as a CRM exports them, payloads in the cells and in an extra column's name."""
    f = io.StringIO()
    w = csv.writer(f)
    w.writerow(["Account ID", "Account Name", "Owner", "Industry", "Region", "Tags", "Notes"])
    for i, p in enumerate(PAYLOADS):
        w.writerow(["%s-%d" % (tag, i), "%s%d %s" % (tag, i, p), "Owner " + PAYLOADS[1], p, p,
                    p.replace(",", " "), p])
    return f.getvalue().encode()


def web_imports(srv, fx, problems):
    """Payloads through the web's own ways in: the import page (its preview is checked
    here, and its commit), the import API and the accounts API. Returns the ids of accounts
    made."""
    made = []
    adm = srv.client()
    adm.signin("ada")
    tok = adm.session_csrf(("/import",))
    if not C.check(tok, "the import page carries the session's CSRF token"):
        return made
    body, ctype = harness.multipart({"csrf": tok, "kind": "accounts"},
                                    {"file": ("x<script>alert(1)</script>.csv",
                                              xss_csv("XW"), "text/csv")})
    r = adm.request("POST", "/import?csrf=" + urllib.parse.quote(tok), body=body,
                    headers={"Content-Type": ctype, "X-CSRF-Token": tok})
    C.check(r.status == 200, "the import page previews a CSV with payloads", r.status,
            r.text[:300])
    probs, _ = scan_html(r.text)
    problems += ["POST /import preview: " + p for p in probs]
    commit = [f for f in harness.forms_of(r.text) if "commit" in f["action"]]
    if C.check(commit, "the import preview of payloads offers its commit form"):
        f = commit[0]
        r = adm.request("POST", f["action"], form=f["fields"])
        C.check(r.status in (200, 303), "the import commits", r.status, r.text[:300])
        if r.status == 200:
            probs, _ = scan_html(r.text)
            problems += ["POST /import/commit: " + p for p in probs]
    tk = srv.client(bearer=fx.tokens["admin"])
    r = tk.request("POST", "/api/v1/imports?kind=accounts", body=xss_csv("XA"),
                   headers={"Content-Type": "text/csv"})
    C.check(r.status in (200, 201), "POST /api/v1/imports with payloads", r.status,
            r.text[:300])
    for i, p in enumerate(PAYLOADS):
        r = tk.request("POST", "/api/v1/accounts",
                       json={"name": "A%d %s" % (i, p), "owner": "Owner " + PAYLOADS[1],
                             "industry": p, "region": p, "notes": p, "tags": p})
        if C.check(r.status == 201, "POST /api/v1/accounts with a payload", r.status,
                   r.text[:200]):
            made.append(r.json()["id"])
    by_ext = {a["external_id"]: a["id"] for a in fx.accounts(srv.db)}
    for k in ("XW-1", "XA-0", "XW-3"):
        if C.check(k in by_ext, "the account %s imported through the web is stored" % k):
            made.append(by_ext[k])
    return made


def fill(pattern, params, values):
    """pattern with each {param} replaced by the value for its kind (from the route table)."""
    for name, kind in params.items():
        pattern = pattern.replace("{%s}" % name, urllib.parse.quote(str(values[kind]), safe=""))
    return pattern


@section
def xss(fx):
    db = fx.copy("xss.db")
    ids = seed_xss(fx, db)
    instrument = json.loads(harness.run(fx.cvom, db, "instrument", "list", "--format",
                                        "json"))[0]["id"]
    srv = harness.Server(fx.cvom, db)
    try:
        problems_out = []
        ids += web_imports(srv, fx, problems_out)
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
        # Every page of the route table, with the payload-laden account, and with payloads
        # where a secret goes; the kinds come from the table, so a new kind fails here.
        values = {"account": ids[0], "instrument": instrument, "setup-link": PAYLOADS[0],
                  "survey-link": PAYLOADS[0]}
        # A campaign named by a payload over the payload-laden account.
        values["campaign"] = int(harness.run(fx.cvom, db, "campaign", "create", PAYLOADS[1],
                                             "--account", ids[0]).strip().splitlines()[-1])
        for kind, what in (("stakeholder", "stakeholder"), ("action", "action")):
            listed = json.loads(harness.run(fx.cvom, db, what, "list", str(ids[0]), "--format",
                                            "json"))
            values[kind] = listed[0]["id"] if listed else 1
        pages = []
        for rt in oracle.ROUTES:
            if rt.method != "GET" or rt.pattern.startswith(("/static/", "/api/")):
                continue
            path = fill(rt.pattern, rt.params, values)
            pages += [path, path + "?" + q]
        pages += ["/signin?next=" + urllib.parse.quote(p) for p in PAYLOADS]
        # The projections name actions and accounts: every open action of the first account
        # ticked on its what-if page, and the portfolio's what-if.
        acts = [a["id"] for a in json.loads(harness.run(fx.cvom, db, "action", "list",
                                                          ids[0], "--format", "json"))]
        C.check(acts, "XSS: the first account has the seeded actions for the what-if pages")
        pages.append("/accounts/%d/whatif?" % ids[0] + "&".join("action=%d" % a for a in acts))
        pages.append("/actions?all=1&status=any&" + "&".join("plan=%d" % a for a in acts))
        pages += ["/no-such-page/" + urllib.parse.quote(PAYLOADS[0])]
        hits, checked = 0, 0
        problems = list(problems_out)
        for aid in ids[1:]:
            for rt in oracle.ROUTES:
                if rt.method == "GET" and re.fullmatch(r"/accounts/\{[^}]+\}(/[a-z]+)?",
                                                       rt.pattern):
                    pages.append(fill(rt.pattern, rt.params, {"account": aid}))
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
        for rt in oracle.ROUTES:
            if rt.method == "GET" and rt.api:
                path = fill(rt.pattern, rt.params, values)
                r = tk.get(path + "?q=" + urllib.parse.quote(PAYLOADS[0]))
                ct = r.header("Content-Type") or ""
                C.check("html" not in ct, "GET %s is not served as HTML" % path, ct)
        for p in problems:
            print("XSS " + p)
        C.check(not problems, "XSS: %d unescaped payload(s) in %d pages" %
                (len(problems), checked), *problems[:40])
        print("XSS: %d HTML pages checked; payload text shown (escaped) %d times" %
              (checked, hits))
        # The pages must show the stored fields, or the scan proves nothing.
        C.check(hits >= 100, "XSS: the pages show the payloads (escaped) at least 100 times",
                hits)
    finally:
        server_ended_cleanly(srv, "xss server")


# ---- 4. headers on every response ------------------------------------------------------------------

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
    harness.check_security_headers(C)


def selftest():
    """The scanner itself: one that sees nothing proves nothing."""
    probs, _ = scan_html('<p title=""><img src=x onerror=alert(1)></p><script>alert(1)</script>'
                         '<a href=" javascript:alert(1)">x</a><!--x-->')
    assert len(probs) >= 4, probs
    probs, _ = scan_html('<p>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x '
                         'onerror=alert(1)&gt;</p><script src="/static/cvom.js" defer></script>')
    assert not probs, probs


def main(fx):
    rate_limit(fx)
    malformed(fx)
    xss(fx)
    headers(fx)


if __name__ == "__main__":
    selftest()
    harness.run_sections(C, "web_hostile", main)
