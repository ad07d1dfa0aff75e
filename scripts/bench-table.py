#!/usr/bin/env python3
"""Prints the benchmark table from bench-one.sh's result lines."""
import sys

# The original Python plugin (FastAPI, uvicorn, one worker, in memory) at
# c=16 on this kind of machine, from issue 7.
ORIGINAL = {"webhook": 725, "list-100": 680, "detail": 2500, "token-refresh": 2700}

rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
hello = {(r[0], r[2]): float(r[3]) for r in rows if r[1] == "hello"}
# token-code is timed with curl over a fixed number of codes; its yardstick
# is the hello-world CGI timed the same way in the same run.
hello_curl = {(r[0], r[2]): float(r[3]) for r in rows if r[1] == "hello-curl"}
print()
print("%-17s %-15s %3s %10s %10s %10s %7s  %s" % (
    "server", "endpoint", "c", "req/s", "p50", "p99", "errors", "vs"))
for r in rows:
    server, name, c, rps, p50, p99, err = r[:7]
    vs = ""
    base = hello_curl if name == "token-code" else hello
    if name not in ("hello", "hello-curl") and base.get((server, c), 0) > 0:
        vs = "%.2fx hello-world CGI" % (float(rps) / base[(server, c)])
    elif name in ORIGINAL and c == "16":
        vs = "%.1fx the original (%d req/s)" % (float(rps) / ORIGINAL[name], ORIGINAL[name])
    print("%-17s %-15s %3s %10.1f %10s %10s %7s  %s" % (
        server, name, c, float(rps), p50, p99, err, vs))
