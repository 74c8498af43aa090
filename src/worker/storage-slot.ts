// One storage slot's tables (schema.ts slotTables: database 0's, or another database's after
// SELECT/SWAPDB) and the writers of their rows: kv rows batched here, collection rows, JSON edit
// logs and string chunks in their own files. Also the slot's snapshot pre-images (spec §13.3).

import type { ValueType } from "../engine/entry.ts";
import { CollectionRows } from "./collection-rows.ts";
import { JsonLog } from "./json-persistence.ts";
import { RowBatch } from "./row-batch.ts";
import { sqlBytes } from "./sql-bytes.ts";
import { StringChunks } from "./string-chunks.ts";
import { slotTables } from "./schema.ts";
import type { SlotTables } from "./schema.ts";

/** One storage slot's tables and its queued upserts. */
export class StorageSlot {
  readonly t: SlotTables;
  readonly kvRows: RowBatch;
  /** Its collections' member and list rows (collection-rows.ts). */
  readonly rows: CollectionRows;
  /** Its documents' edit logs (json-persistence.ts). */
  readonly json: JsonLog;
  /** Its long strings' chunk rows (string-chunks.ts). */
  readonly chunks: StringChunks;
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage, slot: number) {
    this.sql = sql;
    const t = (this.t = slotTables(slot));
    this.kvRows = new RowBatch(
      sql,
      `INSERT INTO ${t.kv} (key, type, value, expires_at, version, created_seq) VALUES`,
      " ON CONFLICT(key) DO UPDATE SET type = excluded.type, value = excluded.value, " +
        "expires_at = excluded.expires_at, version = excluded.version, created_seq = excluded.created_seq",
      6,
    );
    this.rows = new CollectionRows(sql, t);
    this.json = new JsonLog(sql, t.jsonLog);
    this.chunks = new StringChunks(sql, t.kv, t.snapKv);
  }

  /** Sends the queued upserts. */
  flushRows(): void {
    this.kvRows.sendRows();
    this.rows.flushRows();
    this.json.flushRows();
  }

  /** FLUSHDB / FLUSHALL: every row of the slot goes. */
  dropAll(): void {
    this.sql.exec(`DELETE FROM ${this.t.kv}`);
    this.rows.dropAll();
    this.json.dropAll();
    this.chunks.dropAll();
  }

  /** Copies a key's rows to the snapshot's tables before its first change since the snapshot. */
  copyPreImage(key: string, oldType: ValueType | undefined): void {
    const { t } = this;
    const k = sqlBytes(key);
    this.chunks.copyPreImage(key, k);
    // A logged document (whatever replaces it now): its stored text with the log replayed.
    if (this.json.has(key)) {
      this.json.copyPreImage(t.kv, t.snapKv, k);
      return;
    }
    this.sql.exec(`INSERT OR IGNORE INTO ${t.snapKv} SELECT * FROM ${t.kv} WHERE key = ?`, k);
    this.rows.copyPreImage(key, k, oldType);
  }

  /** Copies the rows of every key written at or before `seq` (a FLUSHALL during a snapshot). */
  copyAllPreImages(seq: number): void {
    const { t } = this;
    // Logged documents first: their pre-image is the stored text with the log replayed.
    for (const key of this.json.keys()) this.json.copyPreImage(t.kv, t.snapKv, sqlBytes(key), seq);
    this.sql.exec(
      `INSERT OR IGNORE INTO ${t.snapKv} SELECT * FROM ${t.kv} WHERE version <= ?`,
      seq,
    );
    this.rows.copyAllPreImages(seq);
    this.chunks.copyAllPreImages(t.kv, seq);
  }

  /** A new snapshot point: the old pre-images go. */
  clearSnapshot(): void {
    this.sql.exec(`DELETE FROM ${this.t.snapKv}`);
    this.rows.clearSnapshot();
    this.chunks.clearSnapshot();
  }
}
