#!/usr/bin/env python3
"""timer.py — time one command, or several in turn: WARMUP untimed rounds, then REPEAT timed
rounds, each round running every command once in the order given. Prints one line per
command, in that order: "WALL CPU RSS", the best wall time (seconds), the CPU time (user +
system) of that run, and the peak resident set of all its runs (KiB). Exits 1, saying why,
when a run fails.

Commands that are compared with each other belong in one call: taking turns, they see the
same machine. A virtual machine that slows down for a minute would otherwise slow only the
commands timed during that minute, and the ratio between them would measure the machine.
On a busy machine the CPU time is the steadier figure. A command given as
--prep=SHELL COMMAND [ARG]... has SHELL run (by sh, untimed) before each of its runs, for
example to give an import a fresh copy of its database.
    usage: timer.py WARMUP REPEAT [--prep=SHELL] COMMAND [ARG]... [-- ...]..."""
import os
import subprocess
import sys
import time


def split_commands(args):
    cmds, cur = [], []
    for a in args:
        if a == "--":
            if cur:
                cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        cmds.append(cur)
    return cmds


def run_once(cmd):
    """(wall seconds, CPU seconds, peak RSS KiB) of one run of cmd, after its preparation."""
    if cmd[0].startswith("--prep="):
        prep = subprocess.run(["sh", "-c", cmd[0][len("--prep="):]])
        if prep.returncode != 0:
            sys.stderr.write("bench: preparing %s failed\n" % " ".join(cmd[1:]))
            sys.exit(1)
        cmd = cmd[1:]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, for its own rusage
    p.stderr.close()
    if p.returncode != 0:
        sys.stderr.write("bench: %s exited with %d\n%s" % (" ".join(cmd), p.returncode,
                                                           err.decode("utf-8", "replace")))
        sys.exit(1)
    return dt, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    if len(sys.argv) < 4:
        sys.stderr.write("usage: timer.py WARMUP REPEAT [--prep=SHELL] COMMAND [ARG]... "
                         "[-- ...]...\n")
        sys.exit(2)
    warmup, repeat = int(sys.argv[1]), int(sys.argv[2])
    cmds = split_commands(sys.argv[3:])
    best = [None] * len(cmds)
    rss = [0] * len(cmds)
    for i in range(warmup + repeat):
        for k, cmd in enumerate(cmds):
            dt, cpu, peak = run_once(cmd)
            rss[k] = max(rss[k], peak)
            if i >= warmup and (best[k] is None or dt < best[k][0]):
                best[k] = (dt, cpu)
    for k in range(len(cmds)):
        print("%.6f %.6f %d" % (best[k][0], best[k][1], rss[k]))


if __name__ == "__main__":
    main()
