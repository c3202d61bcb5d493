#!/usr/bin/python3
"""web_browser.py — the end-to-end test in headless Chromium: a demo database with a manager,
a real `cvom serve`, and tests/browser/e2e.mjs (playwright-core driving Debian's chromium) for
sign-in, the matrix, an account, an assessment, a survey link answered in a fresh browser,
the point moving and sign-out; then tests/browser/whatif.mjs: a planned action ticked on the
account's what-if page and its projected point where `cvom whatif` puts it. Screenshots go to BUILD_DIR/meson-logs/screenshots (or
$CVOM_SCREENSHOTS). Skipped (exit 77) only when scripts/setup.sh cannot install node, chromium
or the npm packages.
    usage: web_browser.py PATH/TO/cvom"""

import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "web"))
import harness  # noqa: E402
sys.path.insert(0, os.path.join(HERE, ".."))
import need  # noqa: E402

BROWSER_DIR = os.path.normpath(os.path.join(HERE, "..", "browser"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def prerequisites():
    """node, Debian's chromium and playwright-core, all installed by scripts/setup.sh: the
    test is skipped only when setup.sh cannot install them."""
    node = need.program("web_browser", "node", "nodejs")
    need.program("web_browser", CHROMIUM, "chromium")
    need.npm_package("web_browser", os.path.join("tests", "browser"), "playwright-core")
    return node


def pick_account(fx, db):
    """One of the manager's placed accounts with room to move up and right."""
    rows = json.loads(harness.run(fx.cvom, db, "export", "--format", "json"))
    owner = harness.USERS["priya"][1]
    best = None
    for a in rows:
        i, e = a.get("intellectual"), a.get("emotional")
        if a.get("owner") != owner or i is None or e is None:
            continue
        aid = a.get("account_id", a.get("id"))
        if i < 60 and e < 60 and len(fx.stakeholders(db, aid)) >= 2:
            if best is None or i + e < best[1]:
                best = (aid, i + e)
    return best[0] if best else fx.own[0]


def picture_colours(cvom, db, artifacts):
    """The colours of the SVG picture `cvom render matrix` draws (cairo, like the PNG and the
    PDF), greys left out: the quadrants' bubbles and areas, as [r, g, b] of 0-255."""
    out = os.path.join(artifacts, "matrix-picture.svg")
    harness.run(cvom, db, "render", "matrix", "--format", "svg", "--out", out)
    found = set()
    with open(out, encoding="utf-8") as f:
        for m in re.finditer(r"fill:rgb\(([0-9.]+)%,([0-9.]+)%,([0-9.]+)%\)", f.read()):
            rgb = tuple(round(float(v) * 255 / 100) for v in m.groups())
            if max(rgb) - min(rgb) > 12:
                found.add(rgb)
    return sorted(list(c) for c in found)


def whatif_flow(cvom, db, srv, artifacts, node, account, action):
    """Tick the action on the what-if page; the point must be the command line's projection
    (taken now, after e2e.mjs may have moved the account). Returns an exit status."""
    want = json.loads(harness.run(cvom, db, "whatif", account, "--action", action,
                                  "--format", "json"))
    config = {"user": "priya", "password": harness.PASSWORD, "account": account,
              "action": action, "intellectual": want["intellectual_projected"],
              "emotional": want["emotional_projected"], "quadrant": want["quadrant_projected"]}
    return run_script(node, "whatif.mjs", srv, artifacts, config, 120)


def screenshots_dir(cvom, suffix=""):
    """Where screenshots go: $CVOM_SCREENSHOTS, else meson-logs/screenshots of the build;
    suffix names another test's folder beside it (each test empties its own)."""
    return (os.environ.get("CVOM_SCREENSHOTS") or os.path.join(
        os.path.dirname(cvom), "meson-logs", "screenshots")) + suffix


def run_script(node, script, srv, artifacts, config, timeout):
    """Run tests/browser/SCRIPT against srv; its exit status (1 when it overran timeout s)."""
    try:
        p = subprocess.run([node, os.path.join(BROWSER_DIR, script), srv.origin, artifacts,
                            json.dumps(config)], cwd=BROWSER_DIR, timeout=timeout)
        return p.returncode
    except subprocess.TimeoutExpired:
        print("web_browser: %s did not finish in %d s" % (script, timeout))
        return 1


def main():
    cvom = harness.cvom_path(sys.argv)
    node = prerequisites()
    artifacts = screenshots_dir(cvom)
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts, exist_ok=True)
    fx = harness.Fixture(cvom)
    srv = None
    rc = 1
    try:
        db = fx.copy("e2e.db")
        account = pick_account(fx, db)
        owner = harness.USERS["priya"][1]
        out = harness.run(cvom, db, "account", "add", "<script>alert(1)</script> Ltd",
                          "--owner", owner, "--industry", "\"><img src=x onerror=alert(1)>",
                          "--tags", "</title><svg onload=alert(1)>",
                          "--notes", "javascript:alert(1) '\"--><!--")
        xss_account = int(out.strip().splitlines()[-1])
        out = harness.run(cvom, db, "action", "add", account, "--title", "Executive briefing",
                          "--owner", owner, "--axis", "intellectual", "--effect", "15",
                          "--cost", "2000")
        action = int(out.strip().splitlines()[-1])
        srv = harness.Server(cvom, db)
        config = {"user": "priya", "password": harness.PASSWORD, "account": account,
                  "xss_account": xss_account,
                  "picture_colours": picture_colours(cvom, db, artifacts)}
        print("web_browser: %s, account %s, screenshots in %s" % (srv.origin, account,
                                                                  artifacts), flush=True)
        rc = run_script(node, "e2e.mjs", srv, artifacts, config, 240)
        rc = whatif_flow(cvom, db, srv, artifacts, node, account, action) or rc
    finally:
        if srv:
            rc = harness.stop_server(srv, "web_browser") or rc
        fx.cleanup()
    shots = sorted(f for f in os.listdir(artifacts) if f.endswith(".png"))
    print("web_browser: %d screenshots in %s" % (len(shots), artifacts))
    sys.exit(rc)


if __name__ == "__main__":
    main()
