#!/usr/bin/python3
"""The survey as a customer answers it, in headless Chromium: a demo database with a manager,
a real `cvom serve`, and tests/browser/survey.mjs (playwright-core driving Debian's chromium):
a link made in German, answered on a phone half at a time across two browsers, sent with a
comment, and the comment and the new assessment on the account page. Screenshots go to
BUILD_DIR/meson-logs/screenshots-survey (or $CVOM_SCREENSHOTS-survey). Skipped (exit 77)
only when scripts/setup.sh cannot install node, chromium or the npm packages.
    usage: web_survey_browser.py PATH/TO/cvom"""

import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "web"))
import harness  # noqa: E402
import web_browser  # noqa: E402


def main():
    cvom = harness.cvom_path(sys.argv)
    node = web_browser.prerequisites()
    artifacts = web_browser.screenshots_dir(cvom, "-survey")
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts, exist_ok=True)
    fx = harness.Fixture(cvom)
    srv = None
    rc = 1
    try:
        db = fx.copy("survey-browser.db")
        account = fx.own[0]
        person = fx.stakeholders(db, account)[0]
        srv = harness.Server(cvom, db)
        config = {"user": "priya", "password": harness.PASSWORD, "account": account,
                  "stakeholder": person["id"], "stakeholder_name": person["name"]}
        print("web_survey_browser: %s, account %s" % (srv.origin, account), flush=True)
        rc = web_browser.run_script(node, "survey.mjs", srv, artifacts, config, 200)
    finally:
        if srv:
            rc = web_browser.harness.stop_server(srv, "web_survey_browser") or rc
        fx.cleanup()
    sys.exit(rc)


if __name__ == "__main__":
    main()
