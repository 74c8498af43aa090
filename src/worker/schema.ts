// The SQLite layout of a namespace object (spec §13.2): one row per key in `kv`, one row per
// set/hash/sorted-set member in `members`, one row per list element in `list_items`, named
// counters and settings in `meta`, and the snapshot pre-image tables (`snap_*`, §13.3).

import type { ValueType } from "../engine/entry.ts";
import { jsonLogSchema } from "./json-persistence.ts";

export const SCHEMA_VERSION = 3;

/**
 * Steps that bring a database written by an older version up to SCHEMA_VERSION: index i takes
 * version i+1 to i+2. A fresh database runs them all after TABLES (which create version 1).
 */
export const MIGRATIONS: readonly (readonly string[])[] = [
  // 2: hash field expiry (Unix ms, NULL = none) on member rows and their snapshot pre-images.
  [
    "ALTER TABLE members ADD COLUMN expires_at INTEGER",
    "ALTER TABLE snap_members ADD COLUMN expires_at INTEGER",
  ],
  // 3: JSON documents' edit logs (src/worker/json-persistence.ts). A document already stored is
  // its kv row's text with an empty log, so no row changes; other slots' tables are created by
  // JsonLog when the slot opens.
  [jsonLogSchema("json_log")],
];

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

/** The tables of one database's storage slot (src/engine/databases.ts). */
export interface SlotTables {
  kv: string;
  members: string;
  list: string;
  snapKv: string;
  snapMembers: string;
  snapList: string;
  /** JSON documents' edit log (json-persistence.ts); it has no snapshot copy. */
  jsonLog: string;
}

/** Storage slots whose tables `kv_db<n>` etc. exist are found by this name pattern. */
export const SLOT_KV_GLOB = "kv_db*";

/**
 * Table names of storage slot `slot`: slot 0 is today's tables (so existing data needs no
 * migration), slot n > 0 the same tables suffixed `_db<n>`, created when first written.
 */
export function slotTables(slot: number): SlotTables {
  const sfx = slot === 0 ? "" : `_db${slot}`;
  return {
    kv: `kv${sfx}`,
    members: `members${sfx}`,
    list: `list_items${sfx}`,
    snapKv: `snap_kv${sfx}`,
    snapMembers: `snap_members${sfx}`,
    snapList: `snap_list_items${sfx}`,
    jsonLog: `json_log${sfx}`,
  };
}

/** The CREATE statements of a slot n > 0 (the layout of TABLES under its names). */
export function slotSchema(t: SlotTables): string[] {
  const kv = (name: string) =>
    `CREATE TABLE IF NOT EXISTS ${name} (key PRIMARY KEY, type INTEGER NOT NULL, value, expires_at INTEGER, version INTEGER NOT NULL, created_seq INTEGER NOT NULL) WITHOUT ROWID`;
  // Created at the current schema: member rows carry their hash field expiry (MIGRATIONS 2).
  const members = (name: string) =>
    `CREATE TABLE IF NOT EXISTS ${name} (key NOT NULL, member NOT NULL, value, expires_at INTEGER, PRIMARY KEY (key, member))`;
  const list = (name: string) =>
    `CREATE TABLE IF NOT EXISTS ${name} (key NOT NULL, pos INTEGER NOT NULL, value NOT NULL, PRIMARY KEY (key, pos)) WITHOUT ROWID`;
  return [
    kv(t.kv),
    members(t.members),
    list(t.list),
    kv(t.snapKv),
    members(t.snapMembers),
    list(t.snapList),
    jsonLogSchema(t.jsonLog),
  ];
}

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
  /** JSON object: Redis tuning parameters set by CONFIG SET (src/engine/config-table.ts). */
  params: "config_params",
  namespace: "namespace",
  /** "<shard>/<shards>" when this object is one shard of a sharded namespace (shard-map.ts). */
  shard: "shard",
  /** Last client id handed to a Worker-held connection of a sharded namespace (shard 0 only). */
  clientSeq: "client_seq",
  /** JSON array: the storage slot of each database index, written once SWAPDB changed it. */
  dbSlots: "db_slots",
} as const;

export const TYPE_CODE: Record<ValueType, number> = {
  string: 1,
  int: 2,
  json: 3,
  set: 4,
  hash: 5,
  list: 6,
  zset: 7,
  document: 8,
  stream: 15,
};

export const TYPE_OF_CODE: Record<number, ValueType> = Object.fromEntries(
  Object.entries(TYPE_CODE).map(([t, c]) => [c, t as ValueType]),
);
