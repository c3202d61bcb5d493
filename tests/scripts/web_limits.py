#!/usr/bin/python3
"""web_limits.py — every oversized or malformed request gets an HTTP status line from a real
`cvom serve` on 127.0.0.1, never a silent close: long request targets and many query
parameters (414), huge and many headers and cookies (431), malformed request lines (400 or
505), oversized bodies (413), each sent by a raw socket client. Afterwards the server still
answers, and exits cleanly. Prints every failure and exits 1 if there was one.
    usage: web_limits.py PATH/TO/cvom"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402

C = harness.Checks()


def get(target, extra=b""):
    return b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"\r\n"


def params(n, each=b"a"):
    return b"&".join(each % i if b"%d" in each else each for i in range(n))


CASES = [
    # (what, request, the statuses that fit)
    ("a path of 8.8 KB", get(b"/" + b"a" * 8800), {414}),
    ("a path of 70 KB, past the connection's memory", get(b"/" + b"a" * 70000), {414}),
    ("8.8 KB of query with 1,000 parameters", get(b"/healthz?" + params(1000, b"a%d=b")),
     {414}),
    ("1,000 empty parameters in 2 KB", get(b"/healthz?" + params(1000)), {414}),
    ("600 parameters in 1.8 KB", get(b"/accounts?" + params(600, b"p=%d")), {414}),
    ("60 KB of query with 30,000 parameters", get(b"/healthz?" + params(30000)), {414}),
    ("one header of 40 KB", get(b"/healthz", b"X-Big: " + b"a" * 40000 + b"\r\n"), {431}),
    ("one header of 70 KB", get(b"/healthz", b"X-Big: " + b"a" * 70000 + b"\r\n"), {431}),
    ("5,000 headers", get(b"/healthz", b"".join(b"a:\r\n" for _ in range(5000))), {431}),
    ("170 headers of 100 bytes", get(b"/healthz", b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 100)
                                                          for i in range(170))), {431}),
    ("a cookie header with 5,000 cookies",
     get(b"/healthz", b"Cookie: " + b"; ".join(b"a=b" for _ in range(5000)) + b"\r\n"), {431}),
    ("a request line without a version", b"GET /healthz\r\n\r\n", {400}),
    ("a request line with an unknown protocol", b"GET / FOO\r\nHost: x\r\n\r\n", {400}),
    ("a request line with HTTP/9.9", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", {505}),
    ("a request line without a target", b"GET  HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    ("a header line without a colon", b"GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n", {400}),
    ("a body of 2 MB announced", b"POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: "
     b"application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n", {413}),
    ("a chunked body past 1 MiB", b"POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: "
     b"application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
     + b"".join(b"10000\r\n" + b"a" * 65536 + b"\r\n" for _ in range(20)) + b"0\r\n\r\n",
     {413}),
]


def main():
    cvom = harness.cvom_path(sys.argv)
    with harness.scratch("cvom-limits-") as d:
        db = os.path.join(d, "limits.db")
        harness.run(cvom, db, "init")
        srv = harness.Server(cvom, db)
        try:
            for what, data, want in CASES:
                got, state, _ = harness.raw(srv.port, data, timeout=10)
                st = harness.raw_status(got)
                C.check(st in want, "%s -> %s" % (what, "/".join(map(str, sorted(want)))),
                        "status %s, connection %s" % (st, state))
            got, _, _ = harness.raw(srv.port, get(b"/healthz"))
            C.check(harness.raw_status(got) == 200, "the server still answers afterwards",
                    got[:60])
        finally:
            harness.server_ended_cleanly(C, srv, "limits server")
    sys.exit(C.finish("web_limits"))


if __name__ == "__main__":
    main()
