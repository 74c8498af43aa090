// The Worker's side of a sharded namespace: shard calls over namespace-object RPC, the Worker's
// own engine for connection commands, and HTTP batches through the router (router/).

import type { BatchItem, Dialect } from "../engine/command.ts";
import { COMMANDS } from "../engine/commands/index.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import { Engine } from "../engine/engine.ts";
import type { Reply } from "../engine/reply.ts";
import { HTTP_BLOCK_MAX_MS, REPLY_MAX_BYTES } from "../limits.ts";
import { authConfig, tokenScope } from "./auth.ts";
import type { Env } from "./env.ts";
import { engineSettings } from "./env.ts";
import type { ShardBatchResult } from "./namespace-api.ts";
import { batchHasWrites, classifyFailure, isRetryable } from "./object-failure.ts";
import { runShardedBatch } from "./router/sharded-batch.ts";
import type { ShardCall, ShardTransport } from "./router/sharded-batch.ts";
import { objectFor } from "./shard-map.ts";
import type { NamespaceStub } from "./shard-map.ts";

/** The Worker's engine for a connection: connection commands and checks; its store stays empty. */
export function workerEngine(
  env: Env,
  namespace: string,
  clients: () => readonly ConnState[],
): Engine {
  const auth = authConfig(env);
  return new Engine(COMMANDS, namespace, engineSettings(env), {
    snapshot: () => {},
    clients,
    authEnabled: auth.enabled,
    authenticate: (token) => tokenScope(auth, token, namespace),
  });
}

/** How a session's shard calls may block (namespace-api.ts ShardBatchRequest). */
export interface ShardWaits {
  /** The connection's key for cancelShardWait (a socket's). */
  waitKey?: string;
  /** Cap on a blocking command's wait (an HTTP request's). */
  blockMaxMs?: number;
  /** Shards with a call in flight, kept up to date (a socket cancels their waits on close). */
  inFlight?: Map<number, number>;
}

async function callShard(
  stub: NamespaceStub,
  namespace: string,
  shards: number,
  c: ShardCall,
  waits: ShardWaits,
): Promise<ShardBatchResult> {
  const req = {
    namespace,
    shard: c.shard,
    shards,
    dialect: c.dialect,
    items: c.items,
    conn: c.conn,
    withContext: c.withContext === true,
    waitKey: waits.waitKey,
    blockMaxMs: waits.blockMaxMs,
    replyMax: c.replyMax,
  };
  const attempt = () => stub.runShard(req);
  try {
    return await attempt();
  } catch (e) {
    // A reset object may be asked again only for work that changes nothing.
    if (isRetryable(e) && !batchHasWrites(c.dialect, c.items)) return attempt();
    throw e;
  }
}

/**
 * Calls shards in parallel; one failure fails the whole set (ObjectUnavailable: 503 or 500),
 * whatever the others answered, so no caller ever sees a partial answer. `onCalls` counts the
 * subrequests (spec: a Worker-held WebSocket spends them for its whole life).
 */
export function shardTransport(
  env: Env,
  namespace: string,
  shards: number,
  onCalls?: (n: number) => void,
  waits: ShardWaits = {},
): ShardTransport {
  const track = (shard: number, d: number) => {
    const m = waits.inFlight;
    if (!m) return;
    const n = (m.get(shard) ?? 0) + d;
    if (n > 0) m.set(shard, n);
    else m.delete(shard);
  };
  // Stubs are kept for the session: a WebSocket reuses them for every message.
  const stubs = new Map<number, NamespaceStub>();
  const stubOf = (shard: number) => {
    let s = stubs.get(shard);
    if (!s) stubs.set(shard, (s = objectFor(env, namespace, shard)));
    return s;
  };
  return async (calls) => {
    onCalls?.(calls.length);
    try {
      return await Promise.all(
        calls.map(async (c) => {
          track(c.shard, 1);
          try {
            return await callShard(stubOf(c.shard), namespace, shards, c, waits);
          } finally {
            track(c.shard, -1);
          }
        }),
      );
    } catch (e) {
      throw classifyFailure(e);
    }
  };
}

/** Runs one HTTP request's batch on a sharded namespace (a fresh connection context, spec §1). */
export function runShardedHttp(
  env: Env,
  namespace: string,
  shards: number,
  dialect: Dialect,
  items: BatchItem[],
  readonly: boolean,
): Promise<Reply[]> {
  const conn = newConn(0, { authed: true, readonly });
  const local = workerEngine(env, namespace, () => []);
  const session = {
    dialect,
    shards,
    conn,
    local,
    transport: shardTransport(env, namespace, shards, undefined, { blockMaxMs: HTTP_BLOCK_MAX_MS }),
    replyMax: REPLY_MAX_BYTES,
  };
  return runShardedBatch(session, items, Date.now());
}

/** Ends a closed socket's blocked commands on the shards it had calls in flight to. */
export async function cancelShardWaits(
  env: Env,
  namespace: string,
  shards: number,
  waitKey: string,
  inFlight: Iterable<number>,
): Promise<void> {
  await Promise.all(
    [...inFlight].map((shard) =>
      objectFor(env, namespace, shard)
        .cancelShardWait({ namespace, shard, shards, waitKey })
        .catch(() => {
          // The shard is gone; so is the wait.
        }),
    ),
  );
}
