// Sending a batch to a namespace and mapping platform failures (spec §4.2, §6.4): one object
// for a one-shard namespace (the direct path), the shard router otherwise (shard-map.ts).

import type { BatchItem, Dialect } from "../../engine/command.ts";
import type { Reply } from "../../engine/reply.ts";
import type { Env } from "../env.ts";
import { batchHasWrites, classifyFailure, isRetryable } from "../object-failure.ts";
import { runShardedHttp } from "../sharded.ts";
import { objectFor, shardCount } from "../shard-map.ts";

export { ObjectUnavailable } from "../object-failure.ts";

/** Runs a batch on the namespace; retries once a read-only batch the platform reset. */
export async function runOnObject(
  env: Env,
  namespace: string,
  dialect: Dialect,
  items: BatchItem[],
  readonly: boolean,
): Promise<Reply[]> {
  const shards = shardCount(env, namespace);
  if (shards > 1) return runShardedHttp(env, namespace, shards, dialect, items, readonly);
  const attempt = () => objectFor(env, namespace).run({ namespace, dialect, items, readonly });
  try {
    return await attempt();
  } catch (e) {
    if (isRetryable(e) && !batchHasWrites(dialect, items)) {
      try {
        return await attempt();
      } catch (e2) {
        throw classifyFailure(e2);
      }
    }
    throw classifyFailure(e);
  }
}
