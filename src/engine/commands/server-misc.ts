// WAIT and LOLWUT: commands a Redis client may send that have little to do here.

import { command } from "../command-table.ts";
import type { CommandSpec } from "../command-table.ts";
import { CommandError } from "../errors.ts";
import { parseInt64Arg, parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import { REDIS_VERSION } from "../../limits.ts";
import { optionName } from "./redis-args.ts";

const TIMEOUT_NOT_INT = "ERR timeout is not an integer or out of range";
const TIMEOUT_NEGATIVE = "ERR timeout is negative";

/** WAIT numreplicas timeout: there are no replicas, so none acknowledged. */
export const serverMiscCommands: readonly CommandSpec[] = [
  command(
    "wait",
    3,
    "s",
    null,
    (_ctx, argv) => {
      parseInt64Arg(argv[1]!);
      const t = parseStrictInt(argv[2]!);
      if (t === undefined) throw new CommandError("ERR", TIMEOUT_NOT_INT);
      if (t < 0n) throw new CommandError("ERR", TIMEOUT_NEGATIVE);
      return R.ZERO;
    },
    {
      route: { kind: "all", merge: "min" },
      doc: {
        summary:
          "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
        group: "generic",
        since: "3.0.0",
        params: "numreplicas timeout",
        differs:
          "Answers 0 at once: there are no replicas to wait for (Redis blocks for the timeout).",
      },
    },
  ),
  command(
    "lolwut",
    -1,
    "rf",
    null,
    (_ctx, argv) => {
      if (argv.length >= 3 && optionName(argv[1]!) === "version") parseInt64Arg(argv[2]!);
      return R.verbatim(`Redis ver. ${REDIS_VERSION}\n`);
    },
    {
      route: { kind: "local" },
      doc: {
        summary: "Display some computer art and the Redis version",
        group: "server",
        since: "5.0.0",
        params: "[VERSION version]",
        differs: "Prints the version line only, for every VERSION (Redis draws art for 5 and 6).",
      },
    },
  ),
];
