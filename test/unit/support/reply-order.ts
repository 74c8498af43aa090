// Comparison of command scripts between our engine and redis-server where Redis's order is
// unspecified (hash-table sets, spec §10.11 item 4): such replies are compared with the
// elements of every flat aggregate sorted, everything else byte for byte.

import { EngineSession, replyLength, show } from "./engine-vs-redis.ts";
import type { Argv, RawRedis } from "./engine-vs-redis.ts";

/** A script step: a command, or a command whose aggregate replies are compared as multisets. */
export type Step = Argv | { readonly argv: Argv; readonly unordered: true };

/** Marks a command whose reply order is unspecified in Redis. */
export function unordered(...argv: Argv): Step {
  return { argv, unordered: true };
}

function isStep(s: Step): s is { readonly argv: Argv; readonly unordered: true } {
  return !Array.isArray(s);
}

/** Splits one reply into [header, children] (children empty for scalars). */
function parts(buf: Buffer): [header: Buffer, children: Buffer[]] {
  const nl = buf.indexOf("\r\n");
  const header = buf.subarray(0, nl + 2);
  const type = String.fromCharCode(buf[0]!);
  if (!"*~%".includes(type) || Number(buf.toString("latin1", 1, nl)) < 0) return [buf, []];
  const children: Buffer[] = [];
  for (let p = nl + 2; p < buf.length;) {
    const n = replyLength(buf, p);
    children.push(buf.subarray(p, p + n));
    p += n;
  }
  return [header, children];
}

/** The reply with the elements of every aggregate of scalars sorted bytewise (recursively). */
export function sortedReply(buf: Buffer): Buffer {
  const [header, children] = parts(buf);
  if (children.length === 0) return buf;
  const norm = children.map(sortedReply);
  if (norm.every((c) => parts(c)[1].length === 0) && buf[0] !== 0x25 /* % keeps pairs */) {
    norm.sort(Buffer.compare);
  }
  return Buffer.concat([header, ...norm]);
}

/**
 * Runs a script on a fresh engine and a flushed redis-server (after `HELLO proto`) and returns
 * [command, ours, redis] rows, printable; unordered steps are sorted on both sides first.
 */
export async function runScript(
  redis: RawRedis,
  script: readonly Step[],
  proto: 2 | 3 = 2,
): Promise<string[][]> {
  await redis.command(["FLUSHALL"]);
  await redis.command(["HELLO", String(proto)]);
  const ours = new EngineSession();
  ours.command(["HELLO", String(proto)]);
  const rows: string[][] = [];
  for (const step of script) {
    const argv = isStep(step) ? step.argv : step;
    let a = ours.command(argv);
    let b = await redis.command(argv);
    if (isStep(step)) {
      a = sortedReply(a);
      b = sortedReply(b);
    }
    const label = argv
      .map((x) => (typeof x === "string" ? x : `0x${Buffer.from(x).toString("hex")}`))
      .join(" ");
    rows.push([label, show(a), show(b)]);
  }
  return rows;
}
