// The Worker's bindings and variables, and the engine settings derived from them.

import type { EngineConfig } from "../engine/engine.ts";
import {
  EVICTION_POLICIES,
  EVICTION_POLICY,
  MEMORY_LIMIT_BYTES,
  VALUE_MAX_BYTES,
  VALUE_MAX_BYTES_CEILING,
} from "../limits.ts";
import type { EvictionPolicy } from "../limits.ts";
import type { AuthSettings } from "./auth.ts";

export interface Env extends AuthSettings {
  /** The namespace objects (typed by their contract where used: shard-map.ts NamespaceStub). */
  NAMESPACE: DurableObjectNamespace;
  /** Shards of every namespace (default 1). */
  SHARDS?: string;
  /** JSON object: namespace name -> shard count. */
  NAMESPACE_SHARDS?: string;
  /** Shard calls a WebSocket on a sharded namespace makes before it is asked to reconnect (sharded-ws.ts). */
  SHARD_WS_CALLS?: string;
  /** Lease of a blocked shard call, renewed by its caller (ms; sharded.ts, default SHARD_WAIT_LEASE_MS). */
  SHARD_WAIT_LEASE_MS?: string;
  VALUE_MAX_BYTES?: string;
  MEMORY_LIMIT_BYTES?: string;
  EVICTION_POLICY?: string;
  CORS_ALLOW_ORIGIN?: string;
}

/**
 * Engine settings from the environment; a bad value refuses to start (spec §2). `maxmemory` is
 * the namespace's total: MEMORY_LIMIT_BYTES if set, else the per-object guard times `shards`,
 * so each shard's share (shard-map.ts limitShare) is the guard.
 */
export function engineSettings(env: Env, shards = 1): Partial<EngineConfig> & { valueMax: number } {
  const valueMax = env.VALUE_MAX_BYTES ? Number(env.VALUE_MAX_BYTES) : VALUE_MAX_BYTES;
  if (!Number.isInteger(valueMax) || valueMax < 1 || valueMax > VALUE_MAX_BYTES_CEILING) {
    throw new Error(`VALUE_MAX_BYTES must be an integer in 1..${VALUE_MAX_BYTES_CEILING}`);
  }
  const maxmemory = env.MEMORY_LIMIT_BYTES
    ? Number(env.MEMORY_LIMIT_BYTES)
    : MEMORY_LIMIT_BYTES * shards;
  if (!Number.isInteger(maxmemory) || maxmemory < 0)
    throw new Error("MEMORY_LIMIT_BYTES must be an integer >= 0");
  const policy = (env.EVICTION_POLICY ?? EVICTION_POLICY) as EvictionPolicy;
  if (!EVICTION_POLICIES.includes(policy))
    throw new Error(`EVICTION_POLICY must be one of ${EVICTION_POLICIES.join(", ")}`);
  return { valueMax, maxmemory, policy };
}
