#!/usr/bin/python3
"""web_signin.py — sign-in throttling through real servers on 127.0.0.1, with clients on
several loopback addresses (127.0.0.x) so that the server sees each as its own address:
failures from one address slow that address and never refuse the right password from
another; an address that tries many names is slowed for all of them; the ceiling on
failures from all addresses together holds; servers sharing the database agree; and behind
a trusted proxy, the client it names is counted, not the proxy.
Prints every failure and exits 1 if there was one.
    usage: web_signin.py PATH/TO/cvom"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402
from harness import PASSWORD  # noqa: E402

C = harness.Checks()
USERS = ("ann", "bob")


def make_db(cvom, d, name):
    db = os.path.join(d, name)
    harness.run(cvom, db, "init")
    for u in USERS:
        harness.run(cvom, db, "user", "add", u, "--role", "viewer", "--password-stdin",
                    input=PASSWORD + "\n")
    return db


def refused(r, what):
    """A throttled answer: 429 with a whole number of seconds in Retry-After, no session."""
    wait = r.header("Retry-After") or ""
    C.check(r.status == 429, what + " -> 429", r.status)
    C.check(wait.isdigit() and int(wait) >= 1, what + ": Retry-After is a number of seconds",
            wait)
    C.check("cvom_session" not in r.cookies(), what + ": no session")


def signed_in(r, what):
    C.check(r.status == 303 and "cvom_session" in r.cookies(), what + " -> 303 with a session",
            r.status)


def per_address(cvom, d):
    db = make_db(cvom, d, "throttle.db")
    srv = harness.Server(cvom, db)
    try:
        attacker = srv.client(source="127.0.0.2")
        statuses = [attacker.signin("ann", password="guess %d" % i).status for i in range(5)]
        C.check(statuses == [401] * 5, "five wrong passwords for ann from 127.0.0.2 -> 401",
                statuses)
        refused(attacker.signin("ann", password="guess 5"), "a sixth guess from 127.0.0.2")
        refused(attacker.signin("ann"), "the right password from the guessing address")
        # A second server on the same database keeps no state of its own: it refuses too.
        other = harness.Server(cvom, db)
        try:
            refused(other.client(source="127.0.0.2").signin("ann"),
                    "the guessing address at a second server on the database")
            signed_in(other.client(source="127.0.0.6").signin("ann"),
                      "ann from 127.0.0.6 at the second server")
        finally:
            harness.server_ended_cleanly(C, other, "second server")
        owner = srv.client(source="127.0.0.3")
        signed_in(owner.signin("ann"), "ann's right password from 127.0.0.3 meanwhile")
        r = srv.client(source="127.0.0.3").signin("ann", password="typo")
        C.check(r.status == 401, "a typo from 127.0.0.3 is a plain failure, not throttled",
                r.status)
        signed_in(srv.client(source="127.0.0.2").signin("bob"),
                  "bob from the guessing address (its guesses were not for bob)")

        # One address spraying many names: slowed for every name, others are not.
        sprayer = srv.client(source="127.0.0.4")
        statuses = [sprayer.signin("user-%d" % i, password="guess").status for i in range(20)]
        C.check(statuses == [401] * 20, "20 names guessed from 127.0.0.4 -> 401 each",
                sorted(set(statuses)))
        refused(sprayer.signin("user-20", password="guess"), "a 21st name from 127.0.0.4")
        refused(sprayer.signin("bob"), "bob's right password from the spraying address")
        signed_in(srv.client(source="127.0.0.5").signin("bob"), "bob from 127.0.0.5")

    finally:
        harness.server_ended_cleanly(C, srv, "throttling server")


def ceiling(cvom, d):
    db = make_db(cvom, d, "ceiling.db")
    srv = harness.Server(cvom, db, "--signin-ceiling", "3")
    try:
        for i, (addr, name) in enumerate((("127.0.0.7", "ann"), ("127.0.0.8", "bob"),
                                          ("127.0.0.9", "carol"))):
            r = srv.client(source=addr).signin(name, password="guess")
            C.check(r.status == 401, "failure %d of 3, one from each address, -> 401" % (i + 1),
                    r.status)
        r = srv.client(source="127.0.0.10").signin("ann")
        refused(r, "past the ceiling of 3 failures a minute, ann from a fresh address")
        C.check(int(r.header("Retry-After") or "0") <= 60,
                "the ceiling's wait is at most its minute", r.header("Retry-After"))
    finally:
        harness.server_ended_cleanly(C, srv, "ceiling server")


def behind_proxy(cvom, d):
    """--trusted-proxy: the client's address is the one the proxy adds to X-Forwarded-For,
    and only the proxy is believed."""
    db = make_db(cvom, d, "proxy.db")
    srv = harness.Server(cvom, db, "--trusted-proxy", "127.0.0.1")
    try:
        def via_proxy(client):
            return srv.client(source="127.0.0.1",
                              headers={"X-Forwarded-For": "10.9.9.9, " + client})
        attacker = via_proxy("198.51.100.7")
        statuses = [attacker.signin("ann", password="guess %d" % i).status for i in range(5)]
        C.check(statuses == [401] * 5, "five guesses through the proxy -> 401", statuses)
        refused(attacker.signin("ann"), "the guessing client behind the proxy")
        signed_in(via_proxy("198.51.100.8").signin("ann"),
                  "ann from another client behind the same proxy")
        # Not from the proxy: a forged X-Forwarded-For changes nothing.
        statuses = [srv.client(source="127.0.0.2",
                               headers={"X-Forwarded-For": "203.0.113.%d" % i})
                    .signin("bob", password="guess").status for i in range(6)]
        C.check(statuses == [401] * 5 + [429],
                "guesses from 127.0.0.2 with a new X-Forwarded-For each are counted as one "
                "address", statuses)
    finally:
        harness.server_ended_cleanly(C, srv, "proxy server")


def main():
    cvom = harness.cvom_path(sys.argv)
    with harness.scratch("cvom-signin-") as d:
        per_address(cvom, d)
        ceiling(cvom, d)
        behind_proxy(cvom, d)
    sys.exit(C.finish("web_signin"))


if __name__ == "__main__":
    main()
