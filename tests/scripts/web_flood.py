#!/usr/bin/python3
"""web_flood.py — a flood of idle keep-alive connections does not keep a normal client out:
a real `cvom serve` on 127.0.0.1 with --max-connections 512 and --max-per-address 64 gets
2,000 connections from 40 loopback addresses (50 each: under the per-address limit, and
together four times the table), each of which sends one request and then holds its
connection open. A normal client from another address must then be answered, long before
the flood's connections would time out (--timeout 120), and the server must end cleanly.
Then a second server with --max-per-address 4: one address holding four open connections is
refused a fifth, while another address is served, and gets one again once it closes one.
Prints every failure and exits 1 if there was one.
    usage: web_flood.py PATH/TO/cvom"""

import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
import harness  # noqa: E402

C = harness.Checks()
ADDRESSES, PER_ADDRESS = 40, 50
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def flood(port):
    """Open the flood's connections and send each one request; returns the sockets."""
    socks = []
    for a in range(ADDRESSES):
        for _ in range(PER_ADDRESS):
            s = socket.socket()
            s.bind(("127.0.0.%d" % (20 + a), 0))
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            socks.append(s)
    # Connections complete in the kernel's queue whether or not the server has accepted them.
    deadline = time.monotonic() + 10
    pending = list(socks)
    while pending and time.monotonic() < deadline:
        left = []
        for s in pending:
            try:
                s.send(REQUEST)
            except (BlockingIOError, InterruptedError):
                left.append(s)
            except OSError:
                pass
        pending = left
        if pending:
            time.sleep(0.05)
    return socks


def normal_get(port, timeout):
    """GET /healthz as a normal client from 127.0.0.2: the status, or None."""
    got, _, _ = harness.raw(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            b"Connection: close\r\n\r\n", timeout=timeout, source="127.0.0.2")
    return harness.raw_status(got)


def ended(s):
    """Whether the server has closed s (after whatever it sent first)."""
    while True:
        try:
            if not s.recv(65536):
                return True
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True


def check_flood(port, socks):
    C.check(len(socks) == ADDRESSES * PER_ADDRESS, "the flood opened its connections",
            len(socks))
    # The client waits far less than the flood's connections would take to time out:
    # before, it waited for them (minutes); now the oldest idle ones make room.
    for i in range(3):
        st = normal_get(port, timeout=20)
        C.check(st == 200, "normal request %d during the flood -> 200" % (i + 1), st)
    closed = sum(1 for s in socks if ended(s))
    print("%d of the flood's %d connections were closed" % (closed, len(socks)))
    # The server holds at most its table and a moment's worth more: the rest were closed,
    # the oldest idle first, to make room.
    C.check(len(socks) - 700 <= closed < len(socks),
            "the flood's oldest connections were closed to make room, not all of them",
            "%d of %d closed" % (closed, len(socks)))


PER_ADDRESS_LIMIT = 4
HOLDER, OTHER = "127.0.0.90", "127.0.0.91"


def held_get(port, source):
    """A keep-alive connection from source that has had one answer; (socket, status)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    s.sendall(REQUEST)
    got = b""
    try:
        while b"\r\n\r\n" not in got:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    return s, harness.raw_status(got)


def check_per_address(cvom, d):
    """The per-address limit refuses the connection past it, and only from that address."""
    db = os.path.join(d, "limit.db")
    harness.run(cvom, db, "init")
    srv = harness.Server(cvom, db, "--max-per-address", str(PER_ADDRESS_LIMIT), "--timeout", "60")
    held = []
    try:
        for _ in range(PER_ADDRESS_LIMIT):
            s, st = held_get(srv.port, HOLDER)
            held.append(s)
            C.check(st == 200, "a connection within the per-address limit is answered", st)
        got, state, _ = harness.raw(srv.port, REQUEST, timeout=10, source=HOLDER)
        C.check(harness.raw_status(got) is None and state in ("closed", "reset"),
                "the connection past the per-address limit is closed unanswered",
                state, got[:200])
        got, _, _ = harness.raw(srv.port, REQUEST, timeout=10, source=OTHER)
        C.check(harness.raw_status(got) == 200,
                "another address is answered while the first is at its limit", got[:200])
        # Once one of the four is closed, and the server has seen it go, there is room again.
        held.pop().close()
        st, deadline = None, time.monotonic() + 10
        while st != 200 and time.monotonic() < deadline:
            got, _, _ = harness.raw(srv.port, REQUEST, timeout=10, source=HOLDER)
            st = harness.raw_status(got)
            if st != 200:
                time.sleep(0.05)
        C.check(st == 200, "the address is answered again after closing a connection", st)
    finally:
        for s in held:
            s.close()
        harness.server_ended_cleanly(C, srv, "per-address server")


def main():
    cvom = harness.cvom_path(sys.argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = ADDRESSES * PER_ADDRESS + 200
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    with harness.scratch("cvom-flood-") as d:
        db = os.path.join(d, "flood.db")
        harness.run(cvom, db, "init")
        srv = harness.Server(cvom, db, "--max-connections", "512", "--max-per-address", "64",
                             "--timeout", "120")
        socks = []
        try:
            socks = flood(srv.port)
            check_flood(srv.port, socks)
        finally:
            for s in socks:
                s.close()
            harness.server_ended_cleanly(C, srv, "flood server")
        check_per_address(cvom, d)
    sys.exit(C.finish("web_flood"))


if __name__ == "__main__":
    main()
