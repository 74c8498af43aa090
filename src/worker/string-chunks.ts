// Strings longer than STRING_CHUNK_BYTES, stored across rows: a Durable Object's SQLite row (and
// bound value) holds at most 2 MB, while a Redis string may be proto-max-bulk-len (32 MiB) long.
// Such a key's kv row keeps its expiry and versions, with type CHUNKED_STRING and, as its value,
// the string's byte length; the bytes are in `chunks_<kv>` rows (key, n) of STRING_CHUNK_BYTES
// each. A snapshot pre-image of one is its kv row in snap_kv plus its chunks in `chunks_<snap_kv>`.
//
// The chunk tables are created when a slot opens, as CREATE ... IF NOT EXISTS: no row written
// before changes meaning, so a database needs no schema step to start using them.

import { byteLength, fromBytes, toBytes } from "../engine/bytes.ts";
import type { Entry } from "../engine/entry.ts";
import { STRING_CHUNK_BYTES } from "../limits.ts";

/** kv.type of a chunked string (next to schema.ts TYPE_CODE, which codes the engine's types). */
export const CHUNKED_STRING = 16;

type SqlKey = string | ArrayBuffer;

/** The chunk table of a kv (or snap_kv) table (not `kv_*`: slots are found by that name). */
export const chunkTable = (kv: string): string => `chunks_${kv}`;

/** The string's bytes when it is too long for one row, else null (it stays in its kv row). */
function longBytes(e: Entry): Uint8Array | null {
  if (e.type !== "string") return null;
  const s = e.value as string;
  // A UTF-16 unit is at most 3 bytes: a string this short fits without measuring it.
  if (s.length <= STRING_CHUNK_BYTES / 3 || byteLength(s) <= STRING_CHUNK_BYTES) return null;
  return toBytes(s);
}

/** One slot's chunk rows: written with the batch's other rows, in its turn. */
export class StringChunks {
  private readonly sql: SqlStorage;
  private readonly table: string;
  private readonly snap: string;
  /** Keys whose value is in chunk rows now (their rows must go when the value changes). */
  private readonly keys = new Set<string>();

  constructor(sql: SqlStorage, kv: string, snapKv: string) {
    this.sql = sql;
    this.table = chunkTable(kv);
    this.snap = chunkTable(snapKv);
    for (const t of [this.table, this.snap]) {
      sql.exec(
        `CREATE TABLE IF NOT EXISTS ${t} (key NOT NULL, n INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (key, n))`,
      );
    }
  }

  /**
   * Writes the chunk rows of `e` when its string is long, and returns the byte length for its kv
   * row; else -1 (its value stays in the kv row). Chunk rows of the key's old value go either way.
   */
  write(key: string, k: SqlKey, e: Entry): number {
    const bytes = longBytes(e);
    this.drop(key, k);
    if (!bytes) return -1;
    for (let n = 0, at = 0; at < bytes.length; n++, at += STRING_CHUNK_BYTES) {
      const part = bytes.slice(at, at + STRING_CHUNK_BYTES);
      this.sql.exec(
        `INSERT INTO ${this.table} (key, n, bytes) VALUES (?, ?, ?)`,
        k,
        n,
        part.buffer,
      );
    }
    this.keys.add(key);
    return bytes.length;
  }

  /** Drops the key's chunk rows, if it has any. */
  drop(key: string, k: SqlKey): void {
    if (!this.keys.delete(key)) return;
    this.sql.exec(`DELETE FROM ${this.table} WHERE key = ?`, k);
  }

  /** FLUSHDB / FLUSHALL of the slot. */
  dropAll(): void {
    if (this.keys.size === 0) return;
    this.keys.clear();
    this.sql.exec(`DELETE FROM ${this.table}`);
  }

  /** The string of a CHUNKED_STRING row being loaded (`length`: its kv value). */
  load(key: string, k: unknown, length: number): string {
    this.keys.add(key);
    return fromBytes(readChunks(this.sql, this.table, k, length));
  }

  /** Copies the key's chunk rows to the snapshot's (its kv row is copied by the caller). */
  copyPreImage(key: string, k: SqlKey): void {
    if (!this.keys.has(key)) return;
    this.sql.exec(
      `INSERT OR IGNORE INTO ${this.snap} SELECT * FROM ${this.table} WHERE key = ?`,
      k,
    );
  }

  /** Copies the chunk rows of every key written at or before `seq` (a FLUSHALL during a snapshot). */
  copyAllPreImages(kv: string, seq: number): void {
    if (this.keys.size === 0) return;
    this.sql.exec(
      `INSERT OR IGNORE INTO ${this.snap} SELECT c.key, c.n, c.bytes FROM ${this.table} c ` +
        `JOIN ${kv} kv ON kv.key = c.key WHERE kv.version <= ?`,
      seq,
    );
  }

  /** A new snapshot point: the old pre-images go. */
  clearSnapshot(): void {
    this.sql.exec(`DELETE FROM ${this.snap}`);
  }
}

/** The bytes of a chunked string from `table` (a slot's chunks or their snapshot copy). */
export function readChunks(sql: SqlStorage, table: string, k: unknown, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const [part] of sql.exec(`SELECT bytes FROM ${table} WHERE key = ? ORDER BY n`, k).raw()) {
    const b = new Uint8Array(part as ArrayBuffer);
    out.set(b.subarray(0, Math.min(b.length, length - at)), at);
    at += b.length;
  }
  if (at !== length) throw new Error(`chunked string: ${at} of ${length} bytes stored`);
  return out;
}
