// A sharded namespace in one process: one engine per shard behind the router, with every call
// structured-cloned both ways as Durable Object RPC would. Counts calls and rounds, and can make
// a shard fail.

import type { BatchItem, Dialect } from "../../../src/engine/command.ts";
import { COMMANDS } from "../../../src/engine/commands/index.ts";
import { newConn } from "../../../src/engine/conn-state.ts";
import type { ConnState } from "../../../src/engine/conn-state.ts";
import { Engine, NULL_HOST } from "../../../src/engine/engine.ts";
import type { EngineConfig, EngineHost } from "../../../src/engine/engine.ts";
import type { Reply } from "../../../src/engine/reply.ts";
import { runShardedBatch } from "../../../src/worker/router/sharded-batch.ts";
import type { ShardCall, ShardedSession } from "../../../src/worker/router/shard-session.ts";
import { limitShare, shardOfKey } from "../../../src/worker/shard-map.ts";

export class ShardSim {
  readonly engines: Engine[];
  readonly shards: number;
  now = 1_800_000_000_000;
  /** Calls made, and rounds (transport invocations). */
  calls = 0;
  rounds = 0;
  /** Every call, in order. */
  readonly log: ShardCall[] = [];
  /** A shard whose calls throw. */
  failing = -1;

  constructor(shards: number, config: Partial<EngineConfig> = {}) {
    this.shards = shards;
    this.engines = Array.from({ length: shards }, (_, i) => {
      const cfg = { ...config, maxmemory: limitShare(config.maxmemory ?? 0, i, shards) };
      return new Engine(COMMANDS, "sim", cfg, NULL_HOST);
    });
  }

  /** A connection's session: `conn` persists across its batches, as a WebSocket's does. */
  session(
    dialect: Dialect,
    conn: ConnState = newConn(7, { authed: true, readonly: false }),
    host: EngineHost = NULL_HOST,
  ): ShardedSession {
    return {
      dialect,
      shards: this.shards,
      conn,
      local: new Engine(COMMANDS, "sim", {}, host),
      transport: async (calls) => {
        this.rounds++;
        this.calls += calls.length;
        await Promise.resolve();
        return calls.map((c) => {
          this.log.push(structuredClone(c));
          if (c.shard === this.failing) throw new Error(`shard ${c.shard} failed`);
          const conn = structuredClone(c.conn);
          const replies = this.engines[c.shard]!.run(
            c.dialect,
            conn,
            structuredClone(c.items),
            this.now,
          );
          return structuredClone(c.withContext ? { replies, conn } : { replies });
        });
      },
    };
  }

  /** Runs one batch on a session. */
  run(s: ShardedSession, items: BatchItem[]): Promise<Reply[]> {
    return runShardedBatch(s, items, this.now);
  }

  /** Runs command lines as one batch on a fresh HTTP-like session. */
  lines(dialect: Dialect, ...lines: string[][]): Promise<Reply[]> {
    return this.run(
      this.session(dialect),
      lines.map((argv) => ({ argv })),
    );
  }

  /** Keys held by each shard. */
  keysPerShard(): number[] {
    return this.engines.map((e) => e.store.map.size);
  }
}

/** `n` keys k0, k1, … that fall on distinct shards of a `shards`-shard namespace. */
export function keysOnDistinctShards(n: number, shards = 16): string[] {
  const seen = new Map<number, string>();
  for (let i = 0; seen.size < n; i++) {
    const k = `k${i}`;
    if (!seen.has(shardOfKey(k, shards))) seen.set(shardOfKey(k, shards), k);
  }
  return [...seen.values()];
}
