#!/usr/bin/env python3
"""Prints bench-search.sh's markdown tables from its result lines:
"SIZE NAME N P50 P99 BAD" (milliseconds) and one "SIZE info ..." a size."""
import json, sys

lat, info, compacted, disk, peak = {}, {}, {}, {}, {}
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) > 1 and f[1] == "info":
        head, l0, l1 = l.rstrip("\n").split(" | ")
        h = head.split()
        info[h[0]] = {"transcript": int(h[2]), "bytes": int(h[3]), "db": int(h[4]),
                      "fill": h[5], "reindex": h[6].replace("_", " "),
                      "match": json.loads(h[7]),
                      "page": dict(x.split("=") for x in h[8:]), "load": (l0, l1)}
    elif len(f) == 3 and f[1] == "compacted":
        compacted[f[0]] = int(f[2])
    elif len(f) == 6 and f[1] == "peak":
        peak[f[0]] = tuple(int(x) for x in f[2:])
    elif len(f) == 5 and f[1] == "disk":
        disk[f[0]] = (int(f[2]), int(f[3]), int(f[4]))
    elif len(f) == 6:
        lat[(f[0], f[1])] = (int(f[2]), float(f[3]), float(f[4]), int(f[5]))
sizes = sorted(info, key=int)
QUERIES = [("nohit", "no hit (`helicopter`)"), ("rare", "rare word (`zephyrquill`, 1 old conversation)"),
           ("common", "common word (`project`)"), ("phrase", 'phrase (`"kitchen budget"`)')]


def row(*cells):
    print("| " + " | ".join(cells) + " |")


print()
print("Latency in ms (curl time_total, sequential, one connection); \"- hello\": minus the hello-world CGI's "
      "(GET for the searches, a POST of the same body for the webhook).")
print()
row("conversations", "request", "n", "p50", "p99", "p50 - hello", "p99 - hello", "first page", "errors")
row(*["---"] * 2 + ["---:"] * 7)
for s in sizes:
    hello = lat.get((s, "hello"))
    hpost = lat.get((s, "hello-post"))
    for name, label in [("hello", "hello-world CGI (GET)")] + QUERIES + [
            ("hello-post", "hello-world CGI (POST)"), ("webhook", "webhook delivery")]:
        if (s, name) not in lat:
            continue
        n, p50, p99, bad = lat[(s, name)]
        y = hpost if name == "webhook" else hello if name not in ("hello", "hello-post") else None
        d50 = "%.2f" % (p50 - y[1]) if y else ""
        d99 = "%.2f" % (p99 - y[2]) if y else ""
        page = info[s]["page"].get(name, "")
        if page:
            page = page.replace("+", " (has_more)") + " of %d" % info[s]["match"][name]
        row("{:,}".format(int(s)), label, str(n), "%.2f" % p50, "%.2f" % p99, d50, d99, page, str(bad))
if len(sizes) > 1:
    a, b = sizes[0], sizes[-1]
    print()
    print("Growth, {:,} against {:,} conversations (request minus hello-world):".format(int(b), int(a)))
    print()
    row("request", "p50 ratio", "p99 ratio")
    row("---", "---:", "---:")
    for name, label in QUERIES + [("webhook", "webhook delivery")]:
        y = "hello-post" if name == "webhook" else "hello"
        try:
            r50 = (lat[(b, name)][1] - lat[(b, y)][1]) / (lat[(a, name)][1] - lat[(a, y)][1])
            r99 = (lat[(b, name)][2] - lat[(b, y)][2]) / (lat[(a, name)][2] - lat[(a, y)][2])
        except (KeyError, ZeroDivisionError):
            continue
        row(label, "%.2fx" % r50, "%.2fx" % r99)
print()
row("conversations", "transcript bytes", "data directory bytes", "omi.db bytes", "omi.db compacted",
    "compacted / transcript", "import (s)", "reindex", "load before / after")
row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---")
for s in sizes:
    i = info[s]
    row("{:,}".format(int(s)), "{:,}".format(i["transcript"]), "{:,}".format(i["bytes"]),
        "{:,}".format(i["db"]), "{:,}".format(compacted.get(s, 0)),
        "%.2fx" % (compacted.get(s, 0) / i["transcript"]), i["fill"], i["reindex"],
        "%s / %s" % i["load"])
if disk:
    print()
    print("The data directory (all its files) against the payload (the stored conversations' JSON, as "
          "omi-admin check counts it):")
    print()
    row("conversations", "payload bytes", "data directory after the runs", "ratio", "compacted", "ratio")
    row("---", "---:", "---:", "---:", "---:", "---:")
    for s in sizes:
        if s not in disk:
            continue
        p, live, comp = disk[s]
        ratio = (lambda b: "%.2fx" % (b / p) if p else "-")
        row("{:,}".format(int(s)), "{:,}".format(p) if p else "-", "{:,}".format(live), ratio(live),
            "{:,}".format(comp), ratio(comp))
if peak and disk:
    print()
    print("Deliveries until a checkpoint ran (and 50 more), the data directory sampled every 10 ms: its "
          "largest size against the payload before them (the payload after, less what they delivered), and "
          "its size after them against the payload after:")
    print()
    row("conversations", "deliveries", "checkpoints", "payload before", "largest", "ratio",
        "after", "ratio")
    row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:")
    for s in sizes:
        if s not in peak or s not in disk or not disk[s][0]:
            continue
        sent, ck, top, sentbytes = peak[s]
        p, live, comp = disk[s]
        before = p - sentbytes
        row("{:,}".format(int(s)), "{:,}".format(sent), str(ck), "{:,}".format(before),
            "{:,}".format(top), "%.2fx" % (top / before), "{:,}".format(live), "%.2fx" % (live / p))
