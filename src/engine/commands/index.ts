// The one command table: every family registered under the dialect that speaks it.

import { CommandTable } from "../command-table.ts";
import { blinkCommands } from "./blink.ts";
import { connectionCommands } from "./connection.ts";
import { functionCommands } from "./functions.ts";
import { geventCommands } from "./gevent.ts";
import { hashesCommands } from "./hashes.ts";
import { keysCommands } from "./keys.ts";
import { lightRedisCommands } from "./light-redis.ts";
import { listsCommands } from "./lists.ts";
import { scriptingCommands } from "./scripting.ts";
import { serverCommands } from "./server.ts";
import { setsCommands } from "./sets.ts";
import { stringsCommands } from "./strings.ts";
import { transactionCommands } from "./transactions.ts";
import { zsetsCommands } from "./zsets.ts";

/** Builds the command table of all dialects. */
export function buildCommandTable(): CommandTable {
  return new CommandTable()
    .register("redis", connectionCommands)
    .register("redis", serverCommands)
    .register("redis", transactionCommands)
    .register("redis", stringsCommands)
    .register("redis", keysCommands)
    .register("redis", setsCommands)
    .register("redis", hashesCommands)
    .register("redis", listsCommands)
    .register("redis", zsetsCommands)
    .register("redis", scriptingCommands)
    .register("redis", functionCommands)
    .register("blink", blinkCommands)
    .register("gevent", geventCommands)
    .register("lightredis", lightRedisCommands);
}

/** The shared table (built once per isolate). */
export const COMMANDS = buildCommandTable();
