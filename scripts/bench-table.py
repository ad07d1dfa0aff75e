#!/usr/bin/env python3
"""Prints the benchmark table from bench-one.sh's result lines."""
import sys

# The original Python plugin (FastAPI, uvicorn, one worker, in memory) at
# c=16 on this kind of machine, from issue 7.
ORIGINAL = {"webhook": 725, "list-100": 680, "detail": 2500, "token-refresh": 2700}

rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
YARDSTICKS = ("hello", "hello-post", "hello-form", "hello-curl", "hello-durable")
# Each endpoint against the hello-world asked the same way in the same run:
# GETs against a GET, the webhook against a POST of its body's size, the
# refresh grant against a POST of its form's size, and token-code (timed
# with curl over a fixed number of codes) against the same POSTs timed the
# same way. Under FastCGI only the GET and the durable one are measured.
YARDSTICK = {"webhook": "hello-post", "token-refresh": "hello-form",
             "token-code": "hello-curl"}
# Writes, on disk before their answer: also against the durable hello.
WRITES = ("webhook", "token-refresh", "token-code")
rate = {(r[0], r[1], r[2]): float(r[3]) for r in rows if r[1] in YARDSTICKS}


def ratio(server, c, rps, stick):
    base = rate.get((server, stick, c), 0)
    return "%.2fx %s" % (rps / base, stick) if base > 0 else None


print()
print("%-17s %-15s %3s %10s %10s %10s %7s  %s" % (
    "server", "endpoint", "c", "req/s", "p50", "p99", "errors", "vs"))
for r in rows:
    server, name, c, rps, p50, p99, err = r[:7]
    rps = float(rps)
    vs = []
    if name not in YARDSTICKS:
        stick = YARDSTICK.get(name, "hello")
        if (server, stick, c) not in rate and name in WRITES:
            stick = None
        if stick:
            vs.append(ratio(server, c, rps, stick))
        if name in WRITES:
            vs.append(ratio(server, c, rps, "hello-durable"))
        if name in ORIGINAL and c == "16" and server.endswith(("fastcgi", "fcgid")):
            vs.append("%.1fx the original (%d req/s)" % (rps / ORIGINAL[name], ORIGINAL[name]))
    print("%-17s %-15s %3s %10.1f %10s %10s %7s  %s" % (
        server, name, c, rps, p50, p99, err, ", ".join(v for v in vs if v)))
