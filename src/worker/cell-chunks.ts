// Members, hash and stream values and list elements longer than their share of one SQLite row
// (a Durable Object's row is at most 2 MB, and a member row holds a name and a value: each may
// have CELL_MAX_BYTES; Redis takes them up to proto-max-bulk-len): such a cell's bytes go to
// `chunks_<table>` rows (key, id, n) of STRING_CHUNK_BYTES each, and the cell of its
// `members` or `list_items` row holds the INTEGER id. Those columns otherwise hold only TEXT or
// BLOB (sql-bytes.ts), so an id is never a real member or value. In `members` the id is
// allocated per slot; in `list_items` it is the element's position. The snapshot's copies
// (snap_members, snap_list_items) keep their chunks in `chunks_<snap table>` under the same ids.
//
// The tables are created when a slot opens, as CREATE ... IF NOT EXISTS: no row written before
// changes meaning, so a database needs no schema step to start using them.

import { byteLength, fromBytes, toBytes } from "../engine/bytes.ts";
import { CELL_MAX_BYTES, STRING_CHUNK_BYTES } from "../limits.ts";
import { chunkTable } from "./string-chunks.ts";

type SqlKey = string | ArrayBuffer;

/** True when a byte string is too long to stay in its row's cell. */
export function isBigCell(s: string): boolean {
  // A UTF-16 unit is at most 3 bytes: a string this short fits without measuring it.
  return s.length > CELL_MAX_BYTES / 3 && byteLength(s) > CELL_MAX_BYTES;
}

/** The chunk rows of one table's big cells and of its snapshot copy's. */
export class CellChunks {
  private readonly sql: SqlStorage;
  readonly table: string;
  readonly snap: string;

  constructor(sql: SqlStorage, table: string, snapTable: string) {
    this.sql = sql;
    this.table = chunkTable(table);
    this.snap = chunkTable(snapTable);
    for (const t of [this.table, this.snap]) {
      sql.exec(
        `CREATE TABLE IF NOT EXISTS ${t} (key NOT NULL, id INTEGER NOT NULL, n INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (key, id, n))`,
      );
    }
  }

  /** Writes cell `id` of key `k` (its old rows, if any, must be gone). */
  write(k: SqlKey, id: number, s: string): void {
    const bytes = toBytes(s);
    for (let n = 0, at = 0; at < bytes.length; n++, at += STRING_CHUNK_BYTES) {
      const part = bytes.slice(at, at + STRING_CHUNK_BYTES);
      this.sql.exec(
        `INSERT INTO ${this.table} (key, id, n, bytes) VALUES (?, ?, ?, ?)`,
        k,
        id,
        n,
        part.buffer,
      );
    }
  }

  /** Drops cell `id` of key `k`. */
  drop(k: SqlKey, id: number): void {
    this.sql.exec(`DELETE FROM ${this.table} WHERE key = ? AND id = ?`, k, id);
  }

  /** Drops every cell of key `k`. */
  dropKey(k: SqlKey): void {
    this.sql.exec(`DELETE FROM ${this.table} WHERE key = ?`, k);
  }

  /** Drops every cell (FLUSHDB / FLUSHALL). */
  dropAll(): void {
    this.sql.exec(`DELETE FROM ${this.table}`);
  }

  /** The byte string of cell `id` of key `k` (its key column as stored). */
  read(k: unknown, id: number): string {
    return readCell(this.sql, this.table, k, id);
  }

  /** The largest id in use, live or in the snapshot's copy (0 when none). */
  maxId(): number {
    const [row] = this.sql
      .exec(
        `SELECT max(id) AS m FROM (SELECT id FROM ${this.table} UNION ALL SELECT id FROM ${this.snap})`,
      )
      .toArray();
    return Number(row?.m ?? 0);
  }

  /** Copies key `k`'s cells to the snapshot's chunks (its rows are copied by the caller). */
  copyPreImage(k: SqlKey): void {
    this.sql.exec(
      `INSERT OR IGNORE INTO ${this.snap} SELECT * FROM ${this.table} WHERE key = ?`,
      k,
    );
  }

  /** Copies the cells of every key written at or before `seq` (a FLUSHALL during a snapshot). */
  copyAllPreImages(kv: string, seq: number): void {
    this.sql.exec(
      `INSERT OR IGNORE INTO ${this.snap} SELECT c.key, c.id, c.n, c.bytes FROM ${this.table} c ` +
        `JOIN ${kv} kv ON kv.key = c.key WHERE kv.version <= ?`,
      seq,
    );
  }

  /** A new snapshot point: the old pre-images go. */
  clearSnapshot(): void {
    this.sql.exec(`DELETE FROM ${this.snap}`);
  }
}

/** Cell `id` of key `k` from `table` (a chunk table, live or the snapshot's), as a byte string. */
export function readCell(sql: SqlStorage, table: string, k: unknown, id: number): string {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const [part] of sql
    .exec(`SELECT bytes FROM ${table} WHERE key = ? AND id = ? ORDER BY n`, k, id)
    .raw()) {
    const b = new Uint8Array(part as ArrayBuffer);
    parts.push(b);
    length += b.length;
  }
  if (parts.length === 0) throw new Error(`chunked cell ${id}: no rows in ${table}`);
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return fromBytes(out);
}
