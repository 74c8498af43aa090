// The SQLite layout of a namespace object (spec §13.2): one row per key in `kv`, one row per
// set/hash/sorted-set member in `members`, one row per list element in `list_items`, named
// counters and settings in `meta`, and the snapshot pre-image tables (`snap_*`, §13.3).

import type { ValueType } from "../engine/entry.ts";

export const SCHEMA_VERSION = 1;

export const TABLES = [
  "CREATE TABLE IF NOT EXISTS kv (key PRIMARY KEY, type INTEGER NOT NULL, value, expires_at INTEGER, version INTEGER NOT NULL, created_seq INTEGER NOT NULL) WITHOUT ROWID",
  // Expiry is tracked in memory; an index here would only cost pages on every write.
  "DROP INDEX IF EXISTS kv_expires_at",
  // Keeps its rowid: insertion order of members is rowid order (an upsert keeps the rowid).
  "CREATE TABLE IF NOT EXISTS members (key NOT NULL, member NOT NULL, value, PRIMARY KEY (key, member))",
  "CREATE TABLE IF NOT EXISTS list_items (key NOT NULL, pos INTEGER NOT NULL, value NOT NULL, PRIMARY KEY (key, pos)) WITHOUT ROWID",
  "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID",
  // The script cache and function libraries (script-persistence.ts): kind 'sha' or 'lib'.
  "CREATE TABLE IF NOT EXISTS scripts (kind TEXT NOT NULL, name TEXT NOT NULL, body NOT NULL, PRIMARY KEY (kind, name)) WITHOUT ROWID",
  "CREATE TABLE IF NOT EXISTS snap_kv (key PRIMARY KEY, type INTEGER NOT NULL, value, expires_at INTEGER, version INTEGER NOT NULL, created_seq INTEGER NOT NULL) WITHOUT ROWID",
  "CREATE TABLE IF NOT EXISTS snap_members (key NOT NULL, member NOT NULL, value, PRIMARY KEY (key, member))",
  "CREATE TABLE IF NOT EXISTS snap_list_items (key NOT NULL, pos INTEGER NOT NULL, value NOT NULL, PRIMARY KEY (key, pos)) WITHOUT ROWID",
];

/** Names of the rows in `meta`. */
export const META = {
  schema: "schema_version",
  /**
   * "<write_seq>:<created_seq>", written only when the rows themselves cannot tell: every written
   * kv row carries its version, so at load write_seq = max(this, max(version)).
   */
  seqs: "seqs",
  snapshotSeq: "snapshot_seq",
  snapshotAt: "snapshot_at",
  config: "config",
  namespace: "namespace",
  /** "<shard>/<shards>" when this object is one shard of a sharded namespace (shard-map.ts). */
  shard: "shard",
  /** Last client id handed to a Worker-held connection of a sharded namespace (shard 0 only). */
  clientSeq: "client_seq",
} as const;

export const TYPE_CODE: Record<ValueType, number> = {
  string: 1,
  int: 2,
  json: 3,
  set: 4,
  hash: 5,
  list: 6,
  zset: 7,
};

export const TYPE_OF_CODE: Record<number, ValueType> = Object.fromEntries(
  Object.entries(TYPE_CODE).map(([t, c]) => [c, t as ValueType]),
);
