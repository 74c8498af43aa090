// Key lookup for collection writes (SADD, SREM, SPOP, SMOVE, HSET, HDEL, HINCRBY …).

import type { Ctx } from "../command-table.ts";
import type { Entry, ValueType } from "../entry.ts";
import { getTyped } from "./access.ts";

/**
 * The entry a write command works on; WRONGTYPE when the key holds another type. Like Redis's
 * lookupKeyWrite it refreshes recency (spec §3.8: a write that ends up changing nothing still
 * accessed the value) but counts no keyspace hit or miss.
 */
export function lookupForWrite(ctx: Ctx, key: string, type: ValueType): Entry | undefined {
  const e = getTyped(ctx, key, type);
  if (e) ctx.store.touch(e);
  return e;
}
