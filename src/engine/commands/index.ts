// The one command table: every family registered under the dialect that speaks it.

import { CommandTable } from "../command-table.ts";
import { bitmapCommands } from "./bitmaps.ts";
import { blinkCommands } from "./blink.ts";
import { clusterCommands } from "./cluster.ts";
import { connectionCommands } from "./connection.ts";
import { databaseCommands } from "./databases.ts";
import { geoCommands } from "./geo.ts";
import { copyCommands } from "./copy.ts";
import { debugCommands } from "./debug.ts";
import { dumpRestoreCommands } from "./dump-restore.ts";
import { introspectionCommands } from "./introspection.ts";
import { lcsCommands } from "./lcs.ts";
import { objectMemoryCommands } from "./object-memory.ts";
import { serverMiscCommands } from "./server-misc.ts";
import { sortCommands } from "./sort.ts";
import { functionCommands } from "./functions.ts";
import { geventCommands } from "./gevent.ts";
import { hashFieldExpiryCommands } from "./hash-field-expiry.ts";
import { hashesCommands } from "./hashes.ts";
import { jsonCommands } from "./json.ts";
import { hyperloglogCommands } from "./hyperloglog.ts";
import { keysCommands } from "./keys.ts";
import { lightRedisCommands } from "./light-redis.ts";
import { listsCommands } from "./lists.ts";
import { multiPopCommands } from "./multi-pop.ts";
import { pubsubCommands } from "./pubsub.ts";
import { blockingPopCommands } from "./blocking-pops.ts";
import { scriptingCommands } from "./scripting.ts";
import { serverCommands } from "./server.ts";
import { setsCommands } from "./sets.ts";
import { streamsCommands } from "./streams.ts";
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
    .register("redis", databaseCommands)
    .register("redis", setsCommands)
    .register("redis", hashesCommands)
    .register("redis", hashFieldExpiryCommands)
    .register("redis", listsCommands)
    .register("redis", zsetsCommands)
    .register("redis", streamsCommands)
    .register("redis", jsonCommands)
    .register("redis", multiPopCommands)
    .register("redis", pubsubCommands)
    .register("redis", blockingPopCommands)
    .register("redis", geoCommands)
    .register("redis", introspectionCommands)
    .register("redis", sortCommands)
    .register("redis", copyCommands)
    .register("redis", lcsCommands)
    .register("redis", dumpRestoreCommands)
    .register("redis", objectMemoryCommands)
    .register("redis", debugCommands)
    .register("redis", serverMiscCommands)
    .register("redis", bitmapCommands)
    .register("redis", hyperloglogCommands)
    .register("redis", scriptingCommands)
    .register("redis", functionCommands)
    .register("redis", clusterCommands)
    .register("blink", blinkCommands)
    .register("gevent", geventCommands)
    .register("lightredis", lightRedisCommands);
}

/** The shared table (built once per isolate). */
export const COMMANDS = buildCommandTable();
