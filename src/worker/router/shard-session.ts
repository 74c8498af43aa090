// What a batch on a sharded namespace runs with (sharded-batch.ts): the calls it makes to its
// shards, how they travel (the transport: sharded.ts over namespace-object RPC, a simulation in
// unit tests), and the connection's session on the Worker.

import type { BatchItem, Dialect } from "../../engine/command.ts";
import type { ConnState } from "../../engine/conn-state.ts";
import type { Engine } from "../../engine/engine.ts";
import type { Reply } from "../../engine/reply.ts";

/** One call to one shard: its items in order, run with `conn` in one turn. */
export interface ShardCall {
  shard: number;
  dialect: Dialect;
  items: BatchItem[];
  conn: ConnState;
  /** The caller needs the context back (EXEC, WATCH); other calls leave it unchanged. */
  withContext?: boolean;
  /** Reply bytes this call may produce before the shard refuses its later items (its share). */
  replyMax?: number;
}

/** A shard's replies to a call, and the context after it when asked for. */
export interface ShardAnswer {
  replies: Reply[];
  conn?: ConnState;
}

/** Runs calls on their shards in parallel; rejects (nothing is answered) if any call fails. */
export type ShardTransport = (calls: ShardCall[]) => Promise<ShardAnswer[]>;

/** What a batch runs with. `conn` is updated in place. */
export interface ShardedSession {
  dialect: Dialect;
  shards: number;
  conn: ConnState;
  /** The Worker's engine: connection commands and checks; its store stays empty. */
  local: Engine;
  transport: ShardTransport;
  /**
   * Mirrors the connection's subscriptions (kept by `local`) on the shards that publish to them
   * (a socket's session: shard-links.ts); absent where no subscription can exist (HTTP).
   */
  mirror?: (conn: ConnState) => Promise<void>;
  /** The connections blocked on the shards, for CLIENT LIST and CLIENT UNBLOCK (sharded.ts). */
  clients?: ShardClientsAccess;
  /** Told when a blocking command's call starts (true) and ends: a socket tells its shim. */
  blocked?: (on: boolean) => void;
  /** Reply bytes the whole batch may produce (REPLY_MAX_BYTES; absent: unbounded). */
  replyMax?: number;
}

/** What CLIENT LIST and CLIENT UNBLOCK ask of the shards (sharded.ts ShardClients). */
export interface ShardClientsAccess {
  /** Fetches the blocked connections; `local`'s CLIENT LIST shows them (flags=b) until `done`. */
  refresh(): Promise<void>;
  done(): void;
  /** Ends a connection's wait on its shard; false when it waits on none. */
  unblock(clientId: number, error: boolean): Promise<boolean>;
}
