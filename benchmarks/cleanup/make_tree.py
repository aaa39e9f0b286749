#!/usr/bin/env python3
"""Builds a benchmark tree: DIRS directories x FILES files of SIZE bytes, every second file
40 days old (mtime), the others 1 day old. Usage: make_tree.py DEST DIRS FILES [SIZE]."""
import os
import sys
import time

dest, dirs, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
size = int(sys.argv[4]) if len(sys.argv) > 4 else 1024
now = time.time()
old, young = now - 40 * 86400, now - 86400
payload = b"x" * size
os.makedirs(dest)
for d in range(dirs):
    sub = os.path.join(dest, "d%04d" % d) if dirs > 1 else dest
    if dirs > 1:
        os.mkdir(sub)
    for f in range(files):
        p = os.path.join(sub, "app-%07d.log" % f)
        with open(p, "wb") as out:
            if size:
                out.write(payload)
        t = old if f % 2 else young
        os.utime(p, (t, t))
