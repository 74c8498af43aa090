// What an Engine needs of whoever hosts it, its configuration and its INFO counters: apart from
// engine.ts so that the class's file holds the class.

import type { ConnState } from "./conn-state.ts";
import type { EvictionPolicy } from "../limits.ts";

/** Namespace configuration (spec §3.8, §10.9), persisted by the host. */
export interface EngineConfig {
  maxmemory: number;
  policy: EvictionPolicy;
}

/** What the engine asks of whoever hosts it (the Durable Object, or a test). */
export interface EngineHost {
  /**
   * Persists everything its engine changed so far, then records a snapshot point at `seq` (spec
   * §13.3).
   * Called before the engine's own snapshot fields change, so the host still sees the old point.
   */
  snapshot(seq: number, at: number): void;
  /**
   * Persists everything changed so far, in the current turn (script-pause.ts): called before a
   * script that may pause starts, whose writes are committed only when it ends, so that what ran
   * before it (its batch's earlier commands, the group's earlier batches) is durable with the
   * replies that leave now.
   */
  persist?(): void;
  /** Open connections (CLIENT LIST, INFO connected_clients). */
  clients(): readonly ConnState[];
  /**
   * True for a listed connection blocked outside this engine (a sharded namespace's Worker: its
   * connections wait on their keys' shard), so CLIENT LIST shows `flags=b`.
   */
  blockedElsewhere?(id: number): boolean;
  /** True when tokens are configured (RESP AUTH semantics differ, spec §10.4). */
  readonly authEnabled: boolean;
  /** Checks a presented token in constant time: its scope, or null when it matches none. */
  authenticate(token: string): "full" | "readonly" | null;
}

/** A sharded namespace's slot map, as the host knows it (the engine has no slot function). */
export interface ShardKeys {
  /** Redis Cluster's hash slot of a key. */
  slot(key: string): number;
  /** Whether this shard holds the slot. */
  local(slot: number): boolean;
}

/** Counters reported by INFO Stats (spec §10.9), not persisted. */
export interface EngineStats {
  commands: number;
}

/** A host with no storage, no other connections and auth disabled (tests, benchmarks). */
export const NULL_HOST: EngineHost = {
  snapshot: () => {},
  clients: () => [],
  authEnabled: false,
  authenticate: () => null,
};
