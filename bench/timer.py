#!/usr/bin/env python3
"""timer.py — run a command REPEAT times after WARMUP untimed runs and print
"WALL CPU RSS": the best wall time (seconds), the CPU time (user + system) of that run, and the
peak resident set of all the runs (KiB, getrusage of the children). On a busy machine the CPU
time is the steadier figure. Exits 1, saying why, when a run fails.
    usage: timer.py WARMUP REPEAT COMMAND [ARG]..."""
import resource
import subprocess
import sys
import time

warmup, repeat, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
best = None
for i in range(warmup + repeat):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.stderr.write("bench: %s exited with %d\n%s" % (" ".join(cmd), p.returncode,
                                                           p.stderr.decode("utf-8", "replace")))
        sys.exit(1)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if i >= warmup and (best is None or dt < best[0]):
        best = (dt, cpu)
print("%.6f %.6f %d" % (best[0], best[1], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
