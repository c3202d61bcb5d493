#!/usr/bin/python3
"""A survey campaign as a team and its customers live it: on the demo, a campaign over one of
a manager's accounts with three stakeholders (the first of them German) is sent to a real SMTP
server on 127.0.0.1; the links are taken from the messages received and followed in headless
Chromium (tests/browser/campaign.mjs): one answered fully in German on a phone, one half (then
resumed in a new browser), one never opened. Reminders go to the two who have not completed,
and only to them; `campaign show` and the campaign page give the figures; the account's
scores moved with the new answers. Skipped (exit 77) only when scripts/setup.sh cannot install
node, chromium, the npm packages or python3-aiosmtpd.
    usage: campaign_browser.py PATH/TO/cvom"""

import email
import email.policy
import html
import json
import os
import re
import shutil
import socket
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "web"))
import harness  # noqa: E402
import web_browser  # noqa: E402

try:
    from aiosmtpd.controller import Controller
except ImportError:
    print("SKIP: python3-aiosmtpd is not installed (scripts/setup.sh installs it)")
    sys.exit(77)

C = harness.Checks()


class Mailbox:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content,
                                                          policy=email.policy.default))
        return "250 Message accepted"

    def take(self):
        with self.lock:
            out, self.messages = self.messages, []
        return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scores(fx, db, account):
    rows = json.loads(harness.run(fx.cvom, db, "export", "--format", "json"))
    row = next(r for r in rows if r["account_id"] == account)
    return row["intellectual"], row["emotional"]


def pick_account(fx, db):
    """One of the manager's placed accounts with exactly three stakeholders."""
    placed = {r["account_id"] for r in json.loads(harness.run(fx.cvom, db, "export", "--format",
                                                              "json"))
              if r["intellectual"] is not None}
    for a in fx.own:
        people = fx.stakeholders(db, a)
        if a in placed and len(people) == 3 and all(p["email"] for p in people):
            return a, people
    raise AssertionError("the demo has no account of the manager's with three stakeholders")


def main():
    cvom = harness.cvom_path(sys.argv)
    node = web_browser.prerequisites()
    artifacts = web_browser.screenshots_dir(cvom, "-campaign")
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts, exist_ok=True)
    fx = harness.Fixture(cvom)
    srv = ctl = None
    rc = 1
    try:
        db = fx.copy("campaign-browser.db")
        account, people = pick_account(fx, db)
        german = people[0]
        harness.run(cvom, db, "stakeholder", "edit", str(german["id"]), "--language", "de")
        srv = harness.Server(cvom, db)
        box = Mailbox()
        port = free_port()
        ctl = Controller(box, hostname="127.0.0.1", port=port)
        ctl.start()
        for key, value in (("web.base_url", srv.origin), ("smtp.url", "smtp://127.0.0.1:%d" % port),
                           ("smtp.from", "Key accounts <kam@example.com>")):
            harness.run(cvom, db, "config", key, value)
        before = scores(fx, db, account)

        harness.run(cvom, db, "campaign", "create", "Autumn", "--account", str(account))
        harness.run(cvom, db, "campaign", "send", "Autumn")
        sent = box.take()
        to = {m["To"].addresses[0].addr_spec: m for m in sent}
        C.check(sorted(to) == sorted(p["email"] for p in people),
                "one invitation to each of the three", sorted(to))
        links = []
        for p in people:
            msg = to.get(p["email"])
            body = msg.get_content() if msg else ""
            found = re.search(r"(%s/survey/[A-Za-z0-9_-]+)" % re.escape(srv.origin), body)
            C.check(found, "the message to %s holds its link" % p["email"], body[:300])
            links.append(found.group(1) if found else "")
        de = to.get(german["email"])
        C.check(de is not None and "Guten Tag" in de.get_content() and
                "Zusammenarbeit" in str(de["Subject"]),
                "the German stakeholder is written to in German",
                de and (de["Subject"], de.get_content()[:200]))
        en = to.get(people[1]["email"])
        C.check(en is not None and "Dear" in en.get_content(), "the others in English")

        print("campaign_browser: %s, account %s" % (srv.origin, account), flush=True)
        C.check(web_browser.run_script(node, "campaign.mjs", srv, artifacts,
                                       {"links": links}, 200) == 0,
                "the customers' walk in the browser (campaign.mjs)")

        harness.run(cvom, db, "campaign", "remind", "Autumn", "--after", "0")
        reminded = sorted(m["To"].addresses[0].addr_spec for m in box.take())
        C.check(reminded == sorted(p["email"] for p in people[1:]),
                "reminders go to the two who have not completed, and only to them", reminded)

        rows = json.loads(harness.run(cvom, db, "campaign", "show", "Autumn", "--format",
                                      "json"))
        total = next((r for r in rows if r.get("account") == "total"), {})
        C.check((total.get("links"), total.get("sent"), total.get("opened"), total.get("started"),
                 total.get("completed")) == (3, 3, 2, 1, 1),
                "3 links sent, 2 opened, 1 started and completed", total)
        C.check(abs(total.get("rate", 0) - 33.3) < 0.051, "a response rate of 33.3 %", total)
        client = srv.client()
        C.check(client.signin("priya").status == 303, "the manager signs in")
        listing = client.get("/campaigns")
        found = re.search(r'href="(/campaigns/\d+)">Autumn<', listing.text)
        C.check(found, "the campaigns page links to the campaign", listing.text[:400])
        page = client.get(found.group(1)) if found else None
        text = page.text if page else ""
        C.check(page is not None and page.status == 200, "the campaign page opens")
        cells = re.search(r'<tr class="total">(.*?)</tr>', text, re.S)
        nums = re.findall(r'<td class="num">([^<]*)</td>', cells.group(1)) if cells else []
        C.check(nums[:5] == ["3", "3", "2", "1", "1"],
                "the campaign page gives the same figures", nums)
        for p in people[1:]:
            C.check(html.escape(p["name"]) in text,
                    "the page names %s, who has not answered" % p["name"])

        after = scores(fx, db, account)
        C.check(after != before, "the account's scores moved with the new answers",
                (before, after))
        rc = 0
    finally:
        if ctl:
            ctl.stop()
        if srv:
            rc = harness.stop_server(srv, "campaign_browser") or rc
        fx.cleanup()
    return C.finish("campaign_browser") or rc


if __name__ == "__main__":
    sys.exit(main())
