// The one place that maps a door's name to its plan, and runs a planned exchange: inside the
// namespace object for a one-shard namespace (one RPC, one body each way), else in the Worker
// around the shard router.

import { batchHasWrites, classifyFailure, isRetryable } from "../object-failure.ts";
import { runShardedHttp } from "../sharded.ts";
import { objectFor, shardCount } from "../shard-map.ts";
import type { Env } from "../env.ts";
import { planBlink } from "./blink-http.ts";
import { finishBounded, isPlan } from "./door.ts";
import type { DoorAnswer, DoorName, DoorPlan, DoorRequest } from "./door.ts";
import { planLightRedis } from "./light-redis-http.ts";
import {
  planUpstashCommand,
  planUpstashPath,
  planUpstashPipeline,
  planUpstashTransaction,
  shardedSyncToken,
  withSyncToken,
} from "./upstash-http.ts";

const PLANS: Record<DoorName, (req: DoorRequest) => DoorAnswer | DoorPlan> = {
  blink: planBlink,
  lightredis: planLightRedis,
  "upstash-command": planUpstashCommand,
  "upstash-path": planUpstashPath,
  "upstash-pipeline": planUpstashPipeline,
  "upstash-transaction": planUpstashTransaction,
};

/** Parses a door's request: its batch, or its answer when it needs none. */
export function planDoor(req: DoorRequest): DoorAnswer | DoorPlan {
  return PLANS[req.door](req);
}

/** True when a request's batch may change data (so a reset object must not run it twice). */
function requestHasWrites(req: DoorRequest): boolean {
  const p = planDoor(req);
  return isPlan(p) && batchHasWrites(p.dialect, p.items);
}

/** Runs a door's request on its namespace; retries once a read-only request the platform reset. */
export async function runDoor(env: Env, namespace: string, req: DoorRequest): Promise<DoorAnswer> {
  const shards = shardCount(env, namespace);
  if (shards > 1) {
    const p = planDoor(req);
    if (!isPlan(p)) return p;
    const seqs = new Map<number, number>();
    const replies = p.items.length
      ? await runShardedHttp(env, namespace, shards, p.dialect, p.items, req.readonly, seqs)
      : [];
    return withSyncToken(
      req,
      finishBounded(p, replies),
      shardedSyncToken(req.syncToken, seqs, shards),
    );
  }
  const attempt = () => objectFor(env, namespace).exchange(namespace, req);
  try {
    return await attempt();
  } catch (e) {
    if (isRetryable(e) && !requestHasWrites(req)) {
      try {
        return await attempt();
      } catch (e2) {
        throw classifyFailure(e2);
      }
    }
    throw classifyFailure(e);
  }
}
