// Splitting a typed line into arguments the way redis-cli does (sdssplitargs, the same rules as
// a Redis inline command, spec §10.1): quotes, `\xHH` escapes, and `null` for unbalanced quotes.

import { toBytes } from "../../engine/bytes.ts";
import { splitInlineArgs, UNBALANCED } from "../../protocols/resp/resp-inline.ts";

const encoder = new TextEncoder();

/** The arguments of a line as bytes, or null when its quotes are unbalanced. */
export function splitLine(line: string): Uint8Array[] | null {
  const buf = encoder.encode(line);
  const out: string[] = [];
  if (splitInlineArgs(buf, 0, buf.length, out) === UNBALANCED) return null;
  return out.map(toBytes);
}

/** The arguments of a line as text (for hints and completion), or null when unbalanced. */
export function splitWords(line: string): string[] | null {
  const args = splitLine(line);
  return args && args.map((a) => new TextDecoder().decode(a));
}
