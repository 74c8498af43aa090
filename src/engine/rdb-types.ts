// Redis 7.0.15's RDB value types and constants shared by DUMP's writer (rdb-write.ts) and
// RESTORE's reader (rdb-read.ts).

/** RDB_VERSION of Redis 7.0: payloads of a later version are refused. */
export const RDB_VERSION = 10;

/** RDB object types (rdb.h) of the values this server holds. */
export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;
export const QUICKLIST_NODE_PLAIN = 1;
export const QUICKLIST_NODE_PACKED = 2;

/** Input that is not a well-formed RDB value (RESTORE answers "Bad data format"). */
export class RdbFormatError extends Error {}
