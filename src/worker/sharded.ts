// The Worker's side of a sharded namespace: shard calls over namespace-object RPC, the Worker's
// own engine for connection commands, and HTTP batches through the router (router/).

import type { BatchItem, Dialect } from "../engine/command.ts";
import { COMMANDS } from "../engine/commands/index.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import { Engine } from "../engine/engine.ts";
import type { Reply } from "../engine/reply.ts";
import { HTTP_BLOCK_MAX_MS, REPLY_MAX_BYTES, SHARD_WAIT_LEASE_MS } from "../limits.ts";
import { authConfig, tokenScope } from "./auth.ts";
import type { Env } from "./env.ts";
import { engineSettings } from "./env.ts";
import type { ShardBatchResult } from "./namespace-api.ts";
import { batchHasWrites, classifyFailure, isRetryable } from "./object-failure.ts";
import { runShardedBatch } from "./router/sharded-batch.ts";
import type { ShardCall, ShardTransport } from "./router/sharded-batch.ts";
import { objectFor } from "./shard-map.ts";
import type { NamespaceStub } from "./shard-map.ts";

/**
 * The Worker's engine for a connection: connection commands and checks; its store stays empty.
 * `remote` adds the connections blocked on the shards while a CLIENT LIST asks for them.
 */
export function workerEngine(
  env: Env,
  namespace: string,
  clients: () => readonly ConnState[],
  remote?: ShardClients,
): Engine {
  const auth = authConfig(env);
  return new Engine(COMMANDS, namespace, engineSettings(env), {
    snapshot: () => {},
    clients: remote ? () => [...clients(), ...remote.listed] : clients,
    blockedElsewhere: (id) => remote?.listed.some((c) => c.id === id) === true,
    authEnabled: auth.enabled,
    authenticate: (token) => tokenScope(auth, token, namespace),
  });
}

/** Lease of a blocked shard call (ms): env SHARD_WAIT_LEASE_MS, else SHARD_WAIT_LEASE_MS. */
export function shardWaitLease(env: Env): number {
  const v = env.SHARD_WAIT_LEASE_MS;
  if (v === undefined || v === "") return SHARD_WAIT_LEASE_MS;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 3) throw new Error("SHARD_WAIT_LEASE_MS must be an integer >= 3");
  return n;
}

/**
 * CLIENT LIST and CLIENT UNBLOCK for a sharded namespace (router ShardClientsAccess): the
 * connections blocked on the shards are known only there, so both ask every shard.
 */
export class ShardClients {
  /** The connections blocked on the shards, while a CLIENT LIST runs (else empty). */
  listed: ConnState[] = [];
  private readonly env: Env;
  private readonly namespace: string;
  private readonly shards: number;
  private readonly onCalls: ((n: number) => void) | undefined;

  constructor(env: Env, namespace: string, shards: number, onCalls?: (n: number) => void) {
    this.env = env;
    this.namespace = namespace;
    this.shards = shards;
    this.onCalls = onCalls;
  }

  async refresh(): Promise<void> {
    const lists = await this.everyShard((stub, ref) => stub.shardWaitClients(ref));
    this.listed = lists.flat().sort((a, b) => a.id - b.id);
  }

  done(): void {
    this.listed = [];
  }

  async unblock(clientId: number, error: boolean): Promise<boolean> {
    const found = await this.everyShard((stub, ref) =>
      stub.unblockShardWait({ ...ref, clientId, error }),
    );
    return found.includes(true);
  }

  private async everyShard<T>(
    f: (
      stub: NamespaceStub,
      ref: { namespace: string; shard: number; shards: number },
    ) => Promise<T>,
  ): Promise<T[]> {
    const { namespace, shards } = this;
    this.onCalls?.(shards);
    try {
      return await Promise.all(
        Array.from({ length: shards }, (_, shard) =>
          f(objectFor(this.env, namespace, shard), { namespace, shard, shards }),
        ),
      );
    } catch (e) {
      throw classifyFailure(e);
    }
  }
}

/** How a session's shard calls may block (namespace-api.ts ShardBatchRequest). */
export interface ShardWaits {
  /** The connection's key for cancelShardWait (a socket's). */
  waitKey?: string;
  /** Cap on a blocking command's wait (an HTTP request's). */
  blockMaxMs?: number;
  /** Shards with a call in flight, kept up to date (a socket cancels their waits on close). */
  inFlight?: Map<number, number>;
  /** Each called shard's write count after its last call (an HTTP request's sync token). */
  writeSeqs?: Map<number, number>;
  /**
   * Lease of a blocked call (ms; needs waitKey): renewed on the shards with a call in flight
   * every third of it, for as long as one is; a caller that is gone stops renewing.
   */
  leaseMs?: number;
  /** Set when the connection ended: its calls' leases are no longer renewed. */
  ended?: boolean;
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
    leaseMs: waits.waitKey === undefined ? undefined : waits.leaseMs,
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
  const inFlight = (waits.inFlight ??= new Map());
  // Stubs are kept for the session: a WebSocket reuses them for every message.
  const stubs = new Map<number, NamespaceStub>();
  const stubOf = (shard: number) => {
    let s = stubs.get(shard);
    if (!s) stubs.set(shard, (s = objectFor(env, namespace, shard)));
    return s;
  };
  // While calls are in flight, their shards' leases are renewed (a quick call is over before the
  // first renewal; a blocked one is renewed for as long as it waits).
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  const { waitKey, leaseMs } = waits;
  const renew = () => {
    renewTimer = undefined;
    if (waitKey === undefined || !leaseMs || inFlight.size === 0 || waits.ended) return;
    const shardsNow = [...inFlight.keys()];
    onCalls?.(shardsNow.length);
    for (const shard of shardsNow)
      stubOf(shard)
        .renewShardWait({ namespace, shard, shards, waitKey })
        .catch(() => {
          // The shard is gone, and its wait with it; the call itself fails.
        });
    renewTimer = setTimeout(renew, Math.floor(leaseMs / 3));
  };
  const track = (shard: number, d: number) => {
    const n = (inFlight.get(shard) ?? 0) + d;
    if (n > 0) inFlight.set(shard, n);
    else inFlight.delete(shard);
    if (renewTimer === undefined && inFlight.size > 0 && waitKey !== undefined && leaseMs)
      renewTimer = setTimeout(renew, Math.floor(leaseMs / 3));
  };
  return async (calls) => {
    onCalls?.(calls.length);
    try {
      return await Promise.all(
        calls.map(async (c) => {
          track(c.shard, 1);
          try {
            const r = await callShard(stubOf(c.shard), namespace, shards, c, waits);
            const seqs = waits.writeSeqs;
            if (seqs && r.writeSeq !== undefined)
              seqs.set(c.shard, Math.max(seqs.get(c.shard) ?? 0, r.writeSeq));
            return r;
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

/**
 * Runs one HTTP request's batch on a sharded namespace (a fresh connection context, spec §1);
 * `writeSeqs` collects the write count of each shard it called.
 */
export function runShardedHttp(
  env: Env,
  namespace: string,
  shards: number,
  dialect: Dialect,
  items: BatchItem[],
  readonly: boolean,
  writeSeqs?: Map<number, number>,
): Promise<Reply[]> {
  const conn = newConn(0, { authed: true, readonly });
  const clients = new ShardClients(env, namespace, shards);
  const local = workerEngine(env, namespace, () => [], clients);
  // A request whose client went away is cancelled with its timers: its waits' leases run out.
  const waits = {
    blockMaxMs: HTTP_BLOCK_MAX_MS,
    waitKey: crypto.randomUUID(),
    leaseMs: shardWaitLease(env),
  };
  const session = {
    dialect,
    shards,
    conn,
    local,
    transport: shardTransport(env, namespace, shards, undefined, { ...waits, writeSeqs }),
    clients,
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
