#!/usr/bin/env python3
"""Blink-Store's memory-cap check (scripts/benchmark.py, originals.md §1.7) over the Blink line
protocol on 127.0.0.1:<argv[1]>: 4000 SETs of 1 KiB values under a 2 MiB limit (set beforehand by
the caller) must leave usage <= the limit, evict at least 3 of the early keys 1, 2, 3, 10, 50, 100
and keep all of 3996-4000. Prints the findings as JSON; exit status 0 only if all hold.
"""

import json
import socket
import sys

LIMIT = 2097152
COUNT = 4000
VALUE = "x" * 1024
EARLY = [1, 2, 3, 10, 50, 100]
LAST = list(range(COUNT - 4, COUNT + 1))

port = int(sys.argv[1])
sock = socket.create_connection(("127.0.0.1", port))
reader = sock.makefile("r", encoding="utf-8", newline="\n")


def command(line):
    sock.sendall((line + "\n").encode())
    return reader.readline().rstrip("\n")


bad = [r for r in (command("SET memtest_%d %s" % (i, VALUE)) for i in range(1, COUNT + 1)) if r != "OK"]
usage = int(command("USAGE").split()[1])
evicted = [i for i in EARLY if command("GET memtest_%d" % i) == "NOT_FOUND"]
present = [i for i in LAST if command("GET memtest_%d" % i).startswith("VALUE ")]
sock.sendall(b"QUIT\n")
sock.close()

ok = not bad and usage <= LIMIT and len(evicted) >= 3 and present == LAST
print(json.dumps({"ok": ok, "failed_sets": bad[:3], "usage": usage, "limit": LIMIT, "evicted": evicted, "present": present}))
sys.exit(0 if ok else 1)
