#!/usr/bin/env python3
"""Runs the seed's one-off `blink()` helper (oneoff.py, kept verbatim) against another port.

oneoff.py calls blink() at module level with the default port 8765, so it is not imported:
its definitions are executed, then each line of its "# Usage" section is evaluated with the
port bound to argv[1], printing the repr of every result.
"""

import functools
import os
import sys

port = int(sys.argv[1])
source = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "oneoff.py")).read()
definitions, _, usage = source.partition("# Usage")
scope = {}
exec(compile(definitions, "oneoff.py", "exec"), scope)
scope["blink"] = functools.partial(scope["blink"], port=port)
for line in usage.splitlines():
    expr = line.split("#")[0].strip()
    if expr:
        print(repr(eval(expr, scope)))
