// Key positions of the commands that name their streams after a STREAMS keyword.

import { optionName } from "./redis-args.ts";

/** XREAD/XREADGROUP's keys: after STREAMS, the first half of what follows. */
export function keysAfterStreams(argv: readonly string[]): number[] {
  const at = argv.findIndex((a, i) => i > 0 && optionName(a) === "streams");
  if (at < 0) return [];
  const n = Math.floor((argv.length - at - 1) / 2);
  return Array.from({ length: n }, (_, j) => at + 1 + j);
}
