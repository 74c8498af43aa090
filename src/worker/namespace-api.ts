// The namespace object's contract (src/worker/namespace-object.ts implements it): the RPC
// methods the Worker calls, their request and result types, and the headers of a WebSocket
// upgrade the Worker hands over. Everything that talks to the object imports this file, never
// the object's own, so no import circle runs through the object.

import type { BatchItem, Dialect } from "../engine/command.ts";
import type { ConnState } from "../engine/conn-state.ts";
import type { Reply } from "../engine/reply.ts";
import type { DoorAnswer, DoorRequest } from "./doors/door.ts";

/** Which shard of a sharded namespace a request is for (absent: the namespace has one shard). */
export interface ShardRef {
  shard: number;
  shards: number;
}

/** A batch for one shard of a sharded namespace, run with the caller's connection context. */
export interface ShardBatchRequest extends ShardRef {
  namespace: string;
  dialect: Dialect;
  items: BatchItem[];
  conn: ConnState;
  /** Return the context as the batch left it (EXEC and WATCH change it; nothing else does). */
  withContext: boolean;
  /**
   * The caller's connection, by which cancelShardWait ends its blocked command (a socket that
   * closed); absent: the call cannot be cancelled (an HTTP request, capped by blockMaxMs).
   */
  waitKey?: string;
  /** Longest a blocking command may wait in this call (ms); absent: its own timeout. */
  blockMaxMs?: number;
  /**
   * A blocked call's lease (ms; needs `waitKey`): the caller renews it (renewShardWait) while it
   * waits; once it runs out the shard drops the wait unanswered and never hands it a value, so
   * nothing is popped for a caller whose isolate died. Absent: the wait lasts as long as the call.
   */
  leaseMs?: number;
  /** This call's share of its batch's reply bytes (router/sharded-batch.ts); absent: REPLY_MAX_BYTES. */
  replyMax?: number;
}

/** Which connection's blocked command on a shard to end (ShardBatchRequest.waitKey). */
export interface ShardWaitCancel extends ShardRef {
  namespace: string;
  waitKey: string;
}

/** CLIENT UNBLOCK of a connection that may be blocked on a shard. */
export interface ShardUnblock extends ShardRef {
  namespace: string;
  clientId: number;
  /** Answer `-UNBLOCKED …` (CLIENT UNBLOCK … ERROR) instead of the timeout reply. */
  error: boolean;
}

/** A shard's replies, and the connection context after the batch when asked for. */
export interface ShardBatchResult {
  replies: Reply[];
  conn?: ConnState;
  /** The shard's write count after the call (its part of the Upstash sync token, upstash-http.ts). */
  writeSeq?: number;
}

/** What a WebSocket handed to the object carries: one dialect's connection, or a shim's mux. */
export type SocketKind = Dialect | "mux";

/** Headers by which the Worker tells the object about a WebSocket upgrade it has authenticated. */
export const WS_HEADERS = {
  namespace: "X-Blink-Namespace",
  /** A SocketKind. */
  kind: "X-Blink-Dialect",
  scope: "X-Blink-Scope",
} as const;

/**
 * Header by which the Worker hands the object an authenticated Upstash subscription (spec §11,
 * `B/subscribe/<channel>`, `B/psubscribe/<pattern>`): the route after the namespace base, still
 * percent-encoded. WS_HEADERS.namespace and WS_HEADERS.scope go with it.
 */
export const SSE_ROUTE_HEADER = "X-Blink-Sse-Route";

/**
 * The object's RPC methods but export and import (those are ExportImportRpc, beside their types
 * in export-import.ts), as the Worker calls them; `fetch` takes WebSocket upgrades (WS_HEADERS) and
 * SSE subscriptions (SSE_ROUTE_HEADER).
 */
export interface NamespaceRpc {
  /** Runs one HTTP request of a door whole, parse to encoded answer. */
  exchange(namespace: string, req: DoorRequest): DoorAnswer | Promise<DoorAnswer>;
  /** Runs a batch for one shard with the caller's connection context. */
  runShard(req: ShardBatchRequest): Promise<ShardBatchResult>;
  /** Ends a connection's blocked command on a shard: its call answers what it has. */
  cancelShardWait(req: ShardWaitCancel): void;
  /** Extends the lease of a connection's blocked command on a shard; false: it waits there no more. */
  renewShardWait(req: ShardWaitCancel): boolean;
  /** CLIENT UNBLOCK for a connection blocked on a shard: true when it was blocked there. */
  unblockShardWait(req: ShardUnblock): boolean | Promise<boolean>;
  /** The connections blocked on a shard, under their own client ids (CLIENT LIST). */
  shardWaitClients(req: ShardRef & { namespace: string }): ConnState[];
  /** A client id unique among a sharded namespace's open connections (asked of shard 0). */
  allocateClientId(req: ShardRef & { namespace: string }): number | Promise<number>;
  fetch(request: Request): Promise<Response>;
}
