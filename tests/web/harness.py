"""harness.py — what the web tests share: a demo database with one user per role and an API
token each, a real `cvom serve` on 127.0.0.1 with an ephemeral port, a cookie-keeping HTTP
client on http.client, sign-in through the real form, CSRF extraction, raw sockets for
malformed requests, and a small failure collector. Standard library only."""

import contextlib
import html.parser
import http.client
import json as jsonlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

HOST = "127.0.0.1"
PASSWORD = "correct horse battery 9"

# The users every fixture has: name -> (role, display). A manager owns the accounts whose
# owner equals their display name; both managers own demo accounts.
USERS = {
    "ada": ("admin", "Ada Admin"),
    "priya": ("manager", "Priya Shah"),
    "sam": ("manager", "Sam Okafor"),
    "vic": ("viewer", "Vic Viewer"),
}
ROLE_USER = {"admin": "ada", "manager": "priya", "viewer": "vic"}
OTHER_MANAGER = "sam"


# ---- failures ------------------------------------------------------------------------------

class Checks:
    """Collects failures with the caller's file:line instead of stopping at the first."""

    def __init__(self):
        self.failures = []
        self.notes = []
        self.passed = 0

    def check(self, ok, what, *detail):
        if ok:
            self.passed += 1
            return True
        frame = traceback.extract_stack(limit=2)[0]
        where = "%s:%d" % (os.path.basename(frame.filename), frame.lineno)
        msg = "%s: %s" % (where, what)
        if detail:
            msg += " (" + "; ".join(str(d) for d in detail) + ")"
        self.failures.append(msg)
        print("FAIL " + msg, flush=True)
        return False

    def note(self, text):
        self.notes.append(text)
        print("note: " + text, flush=True)

    def section(self, name):
        print("\n== %s ==" % name, flush=True)

    def finish(self, name):
        """Print the summary and return the exit status."""
        print()
        for n in self.notes:
            print("note: " + n)
        if self.failures:
            print("\n%s: %d check(s) failed:" % (name, len(self.failures)))
            for f in self.failures:
                print("  - " + f)
        print("%s: %d passed, %d failed" % (name, self.passed, len(self.failures)))
        return 1 if self.failures else 0


def sections(checks):
    """A decorator that runs a function as one section of checks: its name is printed with
    the time it took, and an exception is a failure of that section, not the end of the run."""
    def section(fn):
        def wrapper(*a, **kw):
            checks.section(fn.__name__.replace("_", " "))
            t0 = time.monotonic()
            try:
                return fn(*a, **kw)
            except Exception:  # noqa: BLE001 - report and go on with the next section
                checks.check(False, "section %s crashed" % fn.__name__, traceback.format_exc())
                return None
            finally:
                print("(%s: %.1f s)" % (fn.__name__.replace("_", " "), time.monotonic() - t0),
                      flush=True)
        return wrapper
    return section


def run_sections(checks, name, body):
    """The main of a test in sections: a fixture for the cvom named on the command line,
    body(fx) with it, then the time taken and the summary; exits with the status."""
    cvom = cvom_path(sys.argv)
    t0 = time.monotonic()
    fx = Fixture(cvom)
    try:
        body(fx)
    finally:
        fx.cleanup()
    print("took %.1f s" % (time.monotonic() - t0))
    sys.exit(checks.finish(name))


def server_ended_cleanly(checks, srv, what):
    """Stop srv and check that it exited 0 without a sanitizer report."""
    rc = srv.stop()
    log = srv.output()
    checks.check(rc == 0, "%s: cvom serve exits 0 on SIGTERM" % what, "exit %r" % rc)
    for marker in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
        at = log.find(marker)
        checks.check(at < 0, "%s: no sanitizer report in the server log" % what,
                     log[max(0, at - 200):at + 800] if at >= 0 else "")


def stop_server(srv, name):
    """Stop srv; 0 when it exited 0 without a sanitizer report, else 1 after saying why."""
    status = srv.stop()
    log = srv.output()
    rc = 0
    if status != 0:
        print("%s: cvom serve exited %r on SIGTERM" % (name, status))
        rc = 1
    for marker in ("AddressSanitizer", "runtime error:"):
        if marker in log:
            print("%s: sanitizer report in the server log:\n%s" % (name, log[-4000:]))
            rc = 1
    return rc


def check_security_headers(checks):
    """Every response any client of this run saw (SEEN) carries the security headers, and
    every error is JSON under /api/ and HTML elsewhere. Answers libmicrohttpd gives by itself
    to requests that break HTTP (marked .protocol) are listed, not counted."""
    bad_csp, bad_nosniff, bad_json, bad_html = [], [], [], []
    bare_protocol = set()
    for r in SEEN:
        what = "%s %s -> %d" % (r.method, r.path[:80], r.status)
        if getattr(r, "protocol", False):
            if "frame-ancestors" not in (r.header("Content-Security-Policy") or ""):
                bare_protocol.add(what)
            continue
        if "frame-ancestors" not in (r.header("Content-Security-Policy") or ""):
            bad_csp.append(what)
        if (r.header("X-Content-Type-Options") or "").lower() != "nosniff":
            bad_nosniff.append(what)
        if isinstance(r, Response) and r.status >= 400 and r.method != "HEAD":
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
    print("%d responses checked for security headers" % len(SEEN))
    if bare_protocol:
        checks.note("answers libmicrohttpd gives by itself to requests that break HTTP carry "
                    "no security headers (not counted as failures): " +
                    "; ".join(sorted(bare_protocol)))
    checks.check(len(SEEN) > 0, "responses were seen to check their headers")
    checks.check(not bad_csp, "every response has a Content-Security-Policy with "
                 "frame-ancestors", *sorted(set(bad_csp))[:30])
    checks.check(not bad_nosniff, "every response has X-Content-Type-Options: nosniff",
                 *sorted(set(bad_nosniff))[:30])
    checks.check(not bad_json, "every API error is JSON {error: {code, message, field}}",
                 *sorted(set(bad_json))[:30])
    checks.check(not bad_html, "every page error is HTML", *sorted(set(bad_html))[:30])


# ---- the cvom command ------------------------------------------------------------------------

def cvom_path(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: %s PATH/TO/cvom\n" % argv[0])
        sys.exit(2)
    return os.path.abspath(argv[1])


def run(cvom, db, *args, input=None, check=True, timeout=120):
    """Run `cvom --db DB ARGS`; returns stdout. Raises on a non-zero exit when check."""
    cmd = [cvom] + (["--db", db] if db else []) + [str(a) for a in args]
    p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p.stdout


def routes(cvom):
    """The route table from `cvom serve --print-routes` as a list of dicts."""
    out = run(cvom, None, "serve", "--print-routes")
    lines = [ln for ln in out.splitlines() if ln.strip()]
    head = lines[0].split(",")
    rows = []
    for ln in lines[1:]:
        vals = ln.split(",")
        r = dict(zip(head, vals))
        r["csrf_exempt"] = r.get("csrf_exempt", "0") == "1"
        rows.append(r)
    return rows


# ---- the fixture database --------------------------------------------------------------------

class Fixture:
    """A demo database with the USERS and a token per role, built once; `copy()` gives each
    server its own file so that tests do not see each other's writes."""

    def __init__(self, cvom, workdir=None):
        self.cvom = cvom
        self.dir = workdir or tempfile.mkdtemp(prefix="cvom-web-")
        self.db = os.path.join(self.dir, "base.db")
        run(cvom, self.db, "demo")
        for name, (role, display) in USERS.items():
            run(cvom, self.db, "user", "add", name, "--role", role, "--display", display,
                "--password-stdin", input=PASSWORD + "\n")
        self.tokens = {}
        for role, name in ROLE_USER.items():
            self.tokens[role] = run(cvom, self.db, "token", "create", "test-" + role,
                                    "--user", name).strip()
        self.tokens["manager2"] = run(cvom, self.db, "token", "create", "test-manager2",
                                      "--user", OTHER_MANAGER).strip()
        accounts = self.accounts(self.db)
        self.own = [a["id"] for a in accounts if a["owner"] == USERS["priya"][1]]
        self.other = [a["id"] for a in accounts if a["owner"] == USERS["sam"][1]]
        self.missing = max(a["id"] for a in accounts) + 100000
        self.n_copies = 0

    def accounts(self, db):
        return jsonlib.loads(run(self.cvom, db, "account", "list", "--format", "json"))

    def stakeholders(self, db, account):
        return jsonlib.loads(run(self.cvom, db, "stakeholder", "list", account,
                                 "--format", "json"))

    def copy(self, name=None):
        self.n_copies += 1
        dst = os.path.join(self.dir, name or "copy%d.db" % self.n_copies)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.db + suffix):
                shutil.copyfile(self.db + suffix, dst + suffix)
        return dst

    def cleanup(self):
        if os.environ.get("CVOM_KEEP_TMP"):
            print("kept " + self.dir)
            return
        shutil.rmtree(self.dir, ignore_errors=True)


class DbState:
    """Every row of every table of a database, read through a read-only connection while a
    server writes it, to tell whether a request changed anything. A session's last-seen time
    is left out: reading a page may move it, and that is not a change a request makes."""

    def __init__(self, db):
        self.con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
        self.queries = {}
        for (name,) in self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "ORDER BY name"):
            cols = [c[1] for c in self.con.execute('PRAGMA table_info("%s")' % name)]
            if name == "sessions":
                cols = [c for c in cols if c != "seen"]
            self.queries[name] = 'SELECT %s FROM "%s"' % (", ".join('"%s"' % c for c in cols),
                                                          name)

    def snapshot(self):
        """{table: a hash of its rows}."""
        return {t: hash(tuple(self.con.execute(q).fetchall())) for t, q in self.queries.items()}

    @staticmethod
    def changed(before, after):
        """The tables whose rows differ between two snapshots."""
        return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))

    def close(self):
        self.con.close()


def db_rows(db, sql, args=()):
    """Read-only look-up for ids no command prints (assessments, users); [] when the schema
    differs. Tests use it only to find records to ask the server about."""
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return []


@contextlib.contextmanager
def scratch(prefix):
    """A temporary directory for one test, removed afterwards unless CVOM_KEEP_TMP is set."""
    d = tempfile.mkdtemp(prefix=prefix)
    try:
        yield d
    finally:
        if os.environ.get("CVOM_KEEP_TMP"):
            print("kept " + d)
        else:
            shutil.rmtree(d, ignore_errors=True)


# ---- the server ------------------------------------------------------------------------------

class Server:
    """`cvom serve` on 127.0.0.1 with a free port, stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, cvom, db, *extra, start_timeout=30):
        self.cvom = cvom
        self.db = db
        base = os.path.splitext(db)[0]
        self.port_file = base + ".port"
        self.log_path = base + ".server.log"
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [cvom, "--db", db, "serve", "--listen", HOST + ":0", "--port-file", self.port_file]
            + [str(e) for e in extra],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + start_timeout
        self.port = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        if not self.port:
            self.stop()
            raise RuntimeError("cvom serve did not start; log:\n" + self.output())
        self.origin = "http://%s:%d" % (HOST, self.port)

    def alive(self):
        return self.proc.poll() is None

    def output(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        """Stop the server; returns its exit status (None if it had to be killed)."""
        rc = self.proc.poll()
        if rc is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                rc = None
        self.log.close()
        return rc

    def client(self, **kw):
        return Client(self.port, **kw)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# ---- the HTTP client --------------------------------------------------------------------------

class Response:
    def __init__(self, method, path, status, reason, headers, body, elapsed):
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        self.headers = headers      # http.client.HTTPMessage
        self.body = body
        self.elapsed = elapsed

    def header(self, name, default=None):
        return self.headers.get(name, default)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.body.decode("utf-8"))

    @property
    def location(self):
        return self.headers.get("Location", "")

    def cookies(self):
        """Set-Cookie headers as {name: (value, {attribute-lower: value})}."""
        out = {}
        for raw in self.headers.get_all("Set-Cookie") or []:
            parts = [p.strip() for p in raw.split(";")]
            name, _, value = parts[0].partition("=")
            attrs = {}
            for p in parts[1:]:
                k, _, v = p.partition("=")
                attrs[k.strip().lower()] = v.strip()
            out[name.strip()] = (value.strip(), attrs)
        return out

    def __repr__(self):
        return "<%s %s -> %d>" % (self.method, self.path, self.status)


def prepare(agent, method, hdrs, body=None, form=None, json=None, origin=None):
    """A request's body as bytes (a form or JSON encoded), and hdrs completed for it: its
    Content-Type, the agent's cookies and bearer token, and origin as Origin on an unsafe
    method (none when origin is None)."""
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    elif json is not None:
        body = jsonlib.dumps(json).encode()
        hdrs["Content-Type"] = "application/json"
    elif isinstance(body, str):
        body = body.encode()
    if agent.cookies:
        hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in agent.cookies.items())
    if agent.bearer:
        hdrs["Authorization"] = "Bearer " + agent.bearer
    if origin and method not in ("GET", "HEAD"):
        hdrs["Origin"] = origin
    return body


# Every response any client saw, for checks that hold for all of them (security headers).
SEEN = []


class Client:
    """An HTTP/1.1 client for one user agent: keeps cookies, sends Origin on unsafe requests,
    never follows redirects by itself (follow=True does, for GETs). source: the loopback
    address (127.0.0.x) its connections come from, so that one test can be several clients
    to the server; headers: sent with every request (as a proxy would add them)."""

    def __init__(self, port, bearer=None, origin=None, timeout=30, source=None, headers=None):
        self.port = port
        self.source = source
        self.headers = headers or {}
        self.cookies = {}
        self.bearer = bearer
        self.origin = origin or "http://%s:%d" % (HOST, port)
        self.timeout = timeout
        self.csrf = None     # the CSRF token of the last page that had a form

    def request(self, method, path, body=None, headers=None, form=None, json=None,
                origin=True, follow=False, record=True):
        hdrs = dict(self.headers)
        body = prepare(self, method, hdrs, body, form, json,
                       self.origin if origin is True else origin)
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout,
                                          source_address=(self.source, 0) if self.source
                                          else None)
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            resp = Response(method, path, r.status, r.reason, r.msg, data,
                            time.perf_counter() - t0)
        finally:
            conn.close()
        for name, (value, attrs) in resp.cookies().items():
            if attrs.get("max-age") == "0" or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        tok = csrf_of(resp.text) if "html" in (resp.header("Content-Type") or "") else None
        if tok:
            self.csrf = tok
        if record:
            SEEN.append(resp)
        if follow and resp.status in (301, 302, 303, 307) and resp.location.startswith("/"):
            return self.request("GET", resp.location, follow=False, record=record)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form=None, **kw):
        return self.request("POST", path, form=form, **kw)

    def signin(self, name, password=PASSWORD, next_path=None):
        """Sign in through the real form: GET /signin for the pre-session CSRF cookie and
        token, then POST it. Returns the POST's response."""
        page = self.get("/signin")
        tok = csrf_of(page.text)
        if page.status == 303 and "cvom_session" in self.cookies:
            # Signed in already, so /signin shows no form: a page's form carries the
            # session's token, which a sign-in over a live session must send.
            tok = self.session_csrf()
        form = {"csrf": tok or "", "name": name, "password": password}
        if next_path:
            form["next"] = next_path
        return self.post("/signin", form)

    def session_csrf(self, pages=("/", "/accounts", "/admin", "/import")):
        """The signed-in session's CSRF token, from the first page that carries a form."""
        for p in pages:
            r = self.get(p, record=False)
            tok = csrf_of(r.text)
            if r.status == 200 and tok:
                self.csrf = tok
                return tok
        return None


# ---- HTML -------------------------------------------------------------------------------------

class _Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []      # [{"action", "method", "fields": {name: value}}]
        self.inputs = []     # every <input>/<select>/<textarea> as attrs dicts
        self._cur = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._cur = {"action": a.get("action") or "", "method": (a.get("method") or "get")
                         .lower(), "fields": {}, "attrs": a}
            self.forms.append(self._cur)
        elif tag in ("input", "select", "textarea", "button"):
            self.inputs.append(dict(a, _tag=tag))
            if self._cur is not None and a.get("name") and tag != "button":
                self._cur["fields"].setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._cur = None


def forms_of(text):
    p = _Forms()
    p.feed(text)
    p.close()
    return p.forms


def csrf_of(text):
    """The value of the first hidden input named csrf, or None."""
    if "csrf" not in text:
        return None
    p = _Forms()
    try:
        p.feed(text)
        p.close()
    except Exception:  # noqa: BLE001 - html.parser can choke on odd input; no token then
        return None
    for a in p.inputs:
        if a.get("name") == "csrf" and a.get("value"):
            return a["value"]
    return None


def multipart(fields, files):
    """(body, content type) of a multipart/form-data upload: fields {name: value}, files
    {name: (filename, bytes, type)}."""
    boundary = "----cvomtest%08x" % (int(time.time() * 1e6) & 0xFFFFFFFF)
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, k, v)).encode())
    for k, (fname, data, ctype) in files.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, k, fname, ctype)).encode())
        out.append(data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


# ---- raw sockets --------------------------------------------------------------------------------

def raw(port, data, timeout=5.0, read_all=False, source=None):
    """Send bytes on a fresh connection (from the loopback address source, if given); return
    (bytes received before close or timeout, 'closed'|'timeout'|'reset', seconds until the
    first byte or the end)."""
    s = socket.create_connection((HOST, port), timeout=timeout,
                                 source_address=(source, 0) if source else None)
    got = b""
    state = "closed"
    t0 = time.perf_counter()
    first = None
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            if first is None:
                first = time.perf_counter() - t0
            got += chunk
            if not read_all and b"\r\n\r\n" in got:
                break
    except socket.timeout:
        state = "timeout"
    except (ConnectionResetError, BrokenPipeError):
        state = "reset"
    finally:
        s.close()
    return got, state, first if first is not None else time.perf_counter() - t0


def raw_status(data):
    """The status code of a raw response, or None."""
    line = data.split(b"\r\n", 1)[0].split()
    if len(line) >= 2 and line[0].startswith(b"HTTP/") and line[1].isdigit():
        return int(line[1])
    return None


def raw_headers(data):
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    out = {}
    for ln in head.split("\r\n")[1:]:
        k, _, v = ln.partition(":")
        out[k.strip().lower()] = v.strip()
    return out


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port
