// Batch oracle for spec §3.3: one /usr/bin/python3 process answers a whole list of cases,
// read as JSON lines on stdin and answered as ASCII JSON lines on stdout.

import { spawnSync } from "node:child_process";

const PYTHON = "/usr/bin/python3";
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

const JSON_TEXTS = String.raw`
import json, sys

# What Python accepts but spec 3.3 rejects, token by token (a later duplicate member must not
# hide one): non-finite numbers, lone surrogates, nesting deeper than 64.
flagged = False

def has_surrogate(v):
    if isinstance(v, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in v)
    if isinstance(v, list):
        return any(has_surrogate(x) for x in v)
    if isinstance(v, dict):
        return any(has_surrogate(k) or has_surrogate(x) for k, x in v.items())
    return False

def flag():
    global flagged
    flagged = True

def on_constant(name):
    flag()
    return float(name)

def on_float(s):
    x = float(s)
    if x in (float("inf"), float("-inf")):
        flag()
    return x

def on_pairs(pairs):
    if any(has_surrogate(k) or has_surrogate(v) for k, v in pairs):
        flag()
    return dict(pairs)

def depth(text):
    d = best = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            d += 1
            best = max(best, d)
        elif c in "]}":
            d -= 1
    return best

for line in sys.stdin:
    text = json.loads(line)
    flagged = False
    try:
        v = json.loads(text, parse_constant=on_constant, parse_float=on_float, object_pairs_hook=on_pairs)
    except Exception:
        out = [False]
    else:
        out = [True, flagged or has_surrogate(v) or depth(text) > 64,
               json.dumps(v, ensure_ascii=False, separators=(",", ":")),
               json.dumps(v, ensure_ascii=True, sort_keys=True, separators=(",", ":"))]
    sys.stdout.write(json.dumps(out) + "\n")
`;

const FLOATS = String.raw`
import json, sys
from decimal import Decimal

def result_text(x):
    if x == 0:
        return "0"
    s = format(Decimal(repr(x)), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s

for line in sys.stdin:
    x = float(json.loads(line))
    sys.stdout.write(json.dumps([repr(x), json.dumps(x), result_text(x)]) + "\n")
`;

function runPython(script: string, cases: string[]): unknown[] {
  const input = cases.map((c) => JSON.stringify(c) + "\n").join("");
  const r = spawnSync(PYTHON, ["-c", script], {
    input,
    encoding: "utf8",
    maxBuffer: MAX_OUTPUT_BYTES,
  });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  const lines = r.stdout.split("\n");
  lines.pop(); // the text after the last newline
  if (lines.length !== cases.length)
    throw new Error(`python3 answered ${lines.length}/${cases.length}`);
  return lines.map((l) => JSON.parse(l) as unknown);
}

/** Python's verdict on one JSON text. */
export type PyJsonResult =
  { ok: false } | { ok: true; special: boolean; canonical: string; flask: string };

/** json.loads each text, then json.dumps it both ways (canonical and Flask). */
export function pythonJson(texts: string[]): PyJsonResult[] {
  return runPython(JSON_TEXTS, texts).map((r) => {
    const a = r as [boolean, boolean?, string?, string?];
    if (!a[0]) return { ok: false };
    return { ok: true, special: a[1]!, canonical: a[2]!, flask: a[3]! };
  });
}

/** Python's texts of a float: repr, json.dumps, and the spec's "Float result text". */
export type PyFloatResult = { repr: string; json: string; resultText: string };

/** Float texts of each double (sent as its round-tripping JS text). */
export function pythonFloats(xs: number[]): PyFloatResult[] {
  return runPython(
    FLOATS,
    xs.map((x) => (Object.is(x, -0) ? "-0.0" : String(x))),
  ).map((r) => {
    const [repr, json, resultText] = r as [string, string, string];
    return { repr, json, resultText };
  });
}
