#!/usr/bin/python3
"""web_relmap.py — the relationship map end to end in headless Chromium: a demo database with a
manager, a real `cvom serve`, and tests/browser/relmap.mjs (playwright-core driving Debian's
chromium): sign in as the manager, create an account under a parent on the "new account" page,
add three stakeholders who report to one another, edit one, see the map with a coverage gap
flagged, and remove one; see the parent's group list the new account; add an overdue action
and tick it done, and see the front page's "Needs attention" lose its alert; then the command
line reads back what the browser wrote, and the
same forms, posted directly, refuse a loop, another manager's account and a viewer. Screenshots go to
BUILD_DIR/meson-logs/screenshots (or $CVOM_SCREENSHOTS). Skipped (exit 77) only when
scripts/setup.sh cannot install node, chromium or the npm packages.
    usage: web_relmap.py PATH/TO/cvom"""

import datetime
import json
import os
import subprocess
import sys

from web_browser import BROWSER_DIR, harness, prerequisites

ACCOUNT = "Mapping Test GmbH"


def read_back(cvom, db, parent, today):
    """What the browser made, as the command line reads it: a list of problems."""
    made = [a for a in json.loads(harness.run(cvom, db, "account", "list", "--format", "json"))
            if a["name"] == ACCOUNT]
    if len(made) != 1 or made[0]["parent_id"] != parent or \
            made[0]["owner"] != harness.USERS["priya"][1]:
        return ["the new account is not the manager's, under its parent: %s" % made]
    people = {s["name"]: s for s in json.loads(harness.run(
        cvom, db, "stakeholder", "list", str(made[0]["id"]), "--format", "json"))}
    want = {("Finn Middle", "reports_to"): people.get("Eva Boss", {}).get("id"),
            ("Eva Boss", "reports_to"): None,
            ("Eva Boss", "counterpart"): "Priya Shah",
            ("Eva Boss", "last_contact"): today,
            ("Eva Boss", "channel"): "meeting"}
    problems = ["%s: %s is %r, not %r" % (who, field, people.get(who, {}).get(field), value)
                for (who, field), value in want.items()
                if people.get(who, {}).get(field, "missing") != value]
    if "Gus Analyst" in people:
        problems.append("the stakeholder removed in the browser is still there")
    done = json.loads(harness.run(cvom, db, "action", "list", str(made[0]["id"]), "--status",
                                  "done", "--format", "json"))
    if [a["title"] for a in done] != ["Send the pilot report"]:
        problems.append("the action ticked in the browser is not done: %s" % done)
    group = json.loads(harness.run(cvom, db, "explain", str(parent), "--format",
                                   "json"))["group"]
    if made[0]["id"] not in [m["id"] for m in group["member_accounts"]]:
        problems.append("cvom explain's group of the parent lacks the new account")
    explained = json.loads(harness.run(cvom, db, "explain", str(made[0]["id"]), "--format",
                                       "json"))["relationship_map"]
    flagged = {s["name"]: s["gaps"] for s in explained["stakeholders"] if s["gaps"]}
    if flagged != {"Finn Middle": ["critics-above"]}:
        problems.append("cvom explain flags %s" % flagged)
    return problems


def forms_refuse(cvom, db, srv, fx):
    """The stakeholder forms refuse what the store refuses, and whom the owner rule keeps
    out, writing nothing: a list of problems."""
    problems = []
    made = [a for a in fx.accounts(db) if a["name"] == ACCOUNT][0]["id"]
    people = {s["name"]: s for s in fx.stakeholders(db, str(made))}
    eva, finn = people["Eva Boss"], people["Finn Middle"]
    before = fx.stakeholders(db, str(made))
    c = srv.client()
    c.signin("priya")
    tok = c.session_csrf()
    form = {"csrf": tok, "name": "Eva Boss", "reports_to": str(finn["id"])}
    r = c.post("/accounts/%d/stakeholders/%d" % (made, eva["id"]), form)
    if r.status != 422 or "loop" not in r.text:
        problems.append("a loop through the form: %d %s" % (r.status, r.text[:200]))
    other = fx.other[0]
    r = c.post("/accounts/%d/stakeholders" % other, {"csrf": tok, "name": "Intruder"})
    if r.status != 404:
        problems.append("another manager's account through the form: %d" % r.status)
    v = srv.client()
    v.signin("vic")
    r = v.post("/accounts/%d/stakeholders/%d/remove" % (made, eva["id"]),
               {"csrf": v.session_csrf()})
    if r.status != 403:
        problems.append("a viewer removing a stakeholder: %d" % r.status)
    if fx.stakeholders(db, str(made)) != before:
        problems.append("a refused form changed the stakeholders")
    return problems


def main():
    cvom = harness.cvom_path(sys.argv)
    node = prerequisites()
    artifacts = os.environ.get("CVOM_SCREENSHOTS") or os.path.join(os.path.dirname(cvom),
                                                                    "meson-logs", "screenshots")
    os.makedirs(artifacts, exist_ok=True)
    fx = harness.Fixture(cvom)
    srv = None
    rc = 1
    try:
        db = fx.copy("relmap.db")
        parent = fx.own[0]
        parent_name = [a["name"] for a in fx.accounts(db) if a["id"] == parent][0]
        now = datetime.datetime.now(datetime.timezone.utc)
        today = now.strftime("%Y-%m-%d")
        yesterday = (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
        srv = harness.Server(cvom, db)
        config = {"user": "priya", "password": harness.PASSWORD, "parent": parent,
                  "parent_name": parent_name, "today": today, "yesterday": yesterday}
        try:
            p = subprocess.run([node, os.path.join(BROWSER_DIR, "relmap.mjs"), srv.origin,
                                artifacts, json.dumps(config)], cwd=BROWSER_DIR, timeout=90)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            print("web_relmap: relmap.mjs did not finish in 90 s")
            rc = 1
        if rc == 0:
            problems = read_back(cvom, db, parent, today) + forms_refuse(cvom, db, srv, fx)
            for msg in problems:
                print("FAIL " + msg)
            rc = 1 if problems else 0
    finally:
        if srv:
            rc = harness.stop_server(srv, "web_relmap") or rc
        fx.cleanup()
    print("web_relmap: %s" % ("passed" if rc == 0 else "failed"))
    sys.exit(rc)


if __name__ == "__main__":
    main()
