#!/usr/bin/env python3
"""thread_cpu.py - runs a command and reports how its CPU time was spread
over its threads: the CPU-time-based check of bench/batch.sh.

    python3 bench/thread_cpu.py OUT_FILE CMD ARGS...

Polls /proc/PID/task/*/schedstat (nanoseconds on a CPU, per thread) every
2 ms until the command exits, and prints one line: the total CPU seconds of
all threads and of the busiest thread. On a loaded machine wall time says
little about parallelism; "total / busiest" says how far the work itself
splits: the speed-up that N free cores would give, bounded by the serial
part (here the main thread's reading and writing).
"""
import glob
import os
import subprocess
import sys
import time

out = open(sys.argv[1], "wb")
p = subprocess.Popen(sys.argv[2:], stdout=out)
seen = {}
while p.poll() is None:
    for f in glob.glob("/proc/%d/task/*/schedstat" % p.pid):
        try:
            with open(f) as fh:
                seen[f] = int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended between glob and open: its last sample stays
    time.sleep(0.002)
rc = p.wait()
cpu = sorted(seen.values(), reverse=True)
total = sum(cpu) / 1e9
busiest = (cpu[0] if cpu else 0) / 1e9
print("%.3f %.3f %d" % (total, busiest, rc))
if os.environ.get("THREAD_CPU_ALL"):
    print(" ".join("%.3f" % (c / 1e9) for c in cpu), file=sys.stderr)
