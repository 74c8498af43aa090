// Which Durable Object holds a key: the one place that maps namespaces and keys to objects.
//
// A namespace has a fixed number of shards, read from the environment with no round trip:
// `NAMESPACE_SHARDS` (JSON object, name -> count) for that name, else `SHARDS`, else 1. A key
// belongs to the shard of its Redis Cluster slot (router/slots.ts, `{hash tag}` rules included);
// the 16384 slots are split into contiguous ranges, one per shard. Shard 0 is the object named
// after the namespace itself, so a namespace that grows from 1 shard keeps shard 0's objects
// (resharding its data is out of scope: export, then import into a namespace with more shards).

import type { ExportImportRpc } from "./export-import.ts";
import type { Env } from "./env.ts";
import type { NamespaceRpc } from "./namespace-api.ts";
export { hashSlot, shardOfKey, SLOT_COUNT } from "./router/slots.ts";

/** Most shards a namespace may have (every fan-out costs one subrequest per shard). */
export const MAX_SHARDS = 1024;

/** A promise of a value or the value. */
type Async<F> = F extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never;

/**
 * The RPC surface of a namespace object as a stub presents it (every call a promise), typed
 * plainly from its contract (the generated stub type is too deep for tsc).
 */
export type NamespaceStub = {
  [K in keyof (NamespaceRpc & ExportImportRpc)]: Async<(NamespaceRpc & ExportImportRpc)[K]>;
};

/** The variables the shard map reads. */
export type ShardSettings = Pick<Env, "SHARDS" | "NAMESPACE_SHARDS">;

/** Object ids by name: deriving one hashes the name, so an isolate keeps the ones it used. */
const ids = new Map<string, DurableObjectId>();
/** Ids kept at most (then the cache starts over). */
const ID_CACHE_MAX = 10_000;

/** The object of shard `shard` of a namespace. */
export function objectFor(env: Env, namespace: string, shard = 0): NamespaceStub {
  const name = objectName(namespace, shard);
  let id = ids.get(name);
  if (!id) {
    if (ids.size >= ID_CACHE_MAX) ids.clear();
    ids.set(name, (id = env.NAMESPACE.idFromName(name)));
  }
  return env.NAMESPACE.get(id) as unknown as NamespaceStub;
}

/** The object name of a shard: the namespace for shard 0, `<namespace>#<shard>` otherwise. */
export function objectName(namespace: string, shard: number): string {
  return shard === 0 ? namespace : `${namespace}#${shard}`;
}

function validCount(v: unknown, what: string): number {
  const n = typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_SHARDS) {
    throw new Error(`${what} must be an integer in 1..${MAX_SHARDS}`);
  }
  return n;
}

let parsedSource: string | undefined;
let parsedCounts = new Map<string, number>();

function namespaceCounts(source: string | undefined): Map<string, number> {
  if (!source) return new Map();
  if (source === parsedSource) return parsedCounts;
  let obj: unknown;
  try {
    obj = JSON.parse(source);
  } catch {
    throw new Error("NAMESPACE_SHARDS must be a JSON object of namespace name -> shard count");
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    throw new Error("NAMESPACE_SHARDS must be a JSON object of namespace name -> shard count");
  }
  const counts = new Map<string, number>();
  for (const [name, v] of Object.entries(obj))
    counts.set(name, validCount(v, `NAMESPACE_SHARDS["${name}"]`));
  parsedSource = source;
  parsedCounts = counts;
  return counts;
}

/** Shards of a namespace; a malformed setting throws (the Worker answers 500 until it is fixed). */
export function shardCount(env: ShardSettings, namespace: string): number {
  const own = namespaceCounts(env.NAMESPACE_SHARDS).get(namespace);
  if (own !== undefined) return own;
  return env.SHARDS === undefined || env.SHARDS === "" ? 1 : validCount(env.SHARDS, "SHARDS");
}

/**
 * Shard `shard`'s part of a namespace memory limit (spec §3.8): the total split as evenly as
 * whole bytes allow, so the parts add up to the total exactly. 0 (unlimited) stays 0; a part is
 * never 0 while the total is not, which would mean unlimited (so a total below the shard count
 * holds only approximately).
 */
export function limitShare(total: number, shard: number, shards: number): number {
  if (total === 0 || shards === 1) return total;
  const base = Math.floor(total / shards);
  const share = base + (shard < total % shards ? 1 : 0);
  return Math.max(share, 1);
}
