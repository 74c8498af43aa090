// Incremental storage of JSON documents (issue 18): a document's kv row holds its text as of its
// last whole write; the edits made since (JSON.NUMINCRBY, JSON.SET on a path, ARRAPPEND …) are
// rows of an edit log, one per changed subtree: (key, n, version, path, value) where path is
// the JSON array of member names and indexes from the root and value that subtree's text (NULL:
// an object member deleted). A batch that edits one field of a large document writes one small
// row, not the document. The log is folded into one whole rewrite (and deleted) once its bytes
// pass the document's own size (JSON_LOG_MIN_BYTES at least), so a load replays at most about
// one document's worth of edits, and the bytes written per edit stay about twice its own.
//
// Every other change to the key (created, replaced, deleted, expired, evicted, TTL set, FLUSHDB,
// an undone command) writes the kv row whole and drops the log; a snapshot pre-image of a logged
// document is the stored text with its log replayed, so snapshot exports read it as before.

import type { DocEdits } from "../engine/change-set.ts";
import type { Entry } from "../engine/entry.ts";
import { jsonSize, toJsonText } from "../engine/json-doc.ts";
import type { JsonDoc } from "../engine/json-doc.ts";
import { applyAtPath, valueAtPath } from "../engine/json-edits.ts";
import type { DocPath } from "../engine/json-edits.ts";
import { parseJson } from "../engine/json-parse.ts";
import type { JsonValue } from "../engine/json-value.ts";
import { JSON_DOC_MAX_DEPTH, JSON_LOG_MIN_BYTES } from "../limits.ts";
import { RowBatch } from "./row-batch.ts";
import { bytesOfSql } from "./sql-bytes.ts";

/** The CREATE statement of a slot's edit log table. */
export function jsonLogSchema(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (key NOT NULL, n INTEGER NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, value TEXT, PRIMARY KEY (key, n)) WITHOUT ROWID`;
}

/** A logged document's log as kept in memory: its bytes and its next row number. */
interface LogState {
  bytes: number;
  next: number;
}

const parseValue = (text: string): JsonValue => parseJson(text, { maxDepth: JSON_DOC_MAX_DEPTH });

/** The edit log of one storage slot. */
export class JsonLog {
  private readonly sql: SqlStorage;
  private readonly table: string;
  private readonly rows: RowBatch;
  /** Keys that have log rows (byte strings). */
  private readonly logged = new Map<string, LogState>();

  constructor(sql: SqlStorage, table: string) {
    this.sql = sql;
    this.table = table;
    // Slots created at schema 2 get their table here (schema.ts MIGRATIONS 3 covers slot 0).
    sql.exec(jsonLogSchema(table));
    this.rows = new RowBatch(
      sql,
      `INSERT INTO ${table} (key, n, version, path, value) VALUES`,
      "",
      5,
    );
  }

  /** Replays the log onto the documents just loaded from kv rows; returns the newest version. */
  load(docs: ReadonlyMap<string, Entry>): number {
    let newest = 0;
    const edited = new Set<Entry>();
    for (const [rk, n, version, path, value] of this.sql
      .exec(`SELECT key, n, version, path, value FROM ${this.table} ORDER BY key, n`)
      .raw()) {
      const key = bytesOfSql(rk);
      const p = path as string;
      const v = value as string | null;
      // A row without its document is still tracked, so the key's next whole write deletes it.
      this.logged.set(key, {
        bytes: (this.logged.get(key)?.bytes ?? 0) + p.length + (v?.length ?? 0),
        next: (n as number) + 1,
      });
      const e = docs.get(key);
      if (!e) continue;
      const doc = e.value as JsonDoc;
      doc.root = applyAtPath(
        doc.root,
        JSON.parse(p) as DocPath,
        v === null ? undefined : parseValue(v),
      );
      if ((version as number) > e.version) e.version = version as number;
      if ((version as number) > newest) newest = version as number;
      edited.add(e);
    }
    for (const e of edited) e.size = jsonSize((e.value as JsonDoc).root);
    return newest;
  }

  /**
   * Writes a document's in-place edits of this batch as log rows. False when it must be written
   * whole instead (no edits recorded, or the log would outgrow the document): the caller writes
   * its kv row and calls drop().
   */
  append(key: string, k: string | ArrayBuffer, e: Entry, edits: DocEdits | undefined): boolean {
    if (!edits) return false;
    const root = (e.value as JsonDoc).root;
    const out: [string, string | null][] = [];
    let bytes = 0;
    // Shallow paths first (a new member before values below it); a path below another edited
    // one is already written with it.
    const sorted = [...edits.values()].sort((a, b) => a.path.length - b.path.length);
    for (const ed of sorted) {
      if (covered(ed.path, edits)) continue;
      const p = JSON.stringify(ed.path);
      if (ed.removed) {
        out.push([p, null]);
        bytes += p.length;
      }
      const v = valueAtPath(root, ed.path);
      if (v !== undefined) {
        const text = toJsonText(v);
        out.push([p, text]);
        bytes += p.length + text.length;
      }
    }
    const st = this.logged.get(key) ?? { bytes: 0, next: 0 };
    if (st.bytes + bytes > Math.max(JSON_LOG_MIN_BYTES, e.size)) return false;
    for (const [p, text] of out) this.rows.add(k, st.next++, e.version, p, text);
    st.bytes += bytes;
    this.logged.set(key, st);
    return true;
  }

  /** Deletes a key's log (its kv row was just written whole or deleted). */
  drop(key: string, k: string | ArrayBuffer): void {
    if (!this.logged.delete(key)) return;
    this.sql.exec(`DELETE FROM ${this.table} WHERE key = ?`, k);
  }

  /** Deletes every log (FLUSHDB: the kv rows went too). */
  dropAll(): void {
    if (this.logged.size === 0) return;
    this.sql.exec(`DELETE FROM ${this.table} WHERE 1`);
    this.logged.clear();
  }

  /** Writes the queued log rows. */
  flushRows(): void {
    this.rows.sendRows();
  }

  /** True when a key has log rows. */
  has(key: string): boolean {
    return this.logged.has(key);
  }

  /** Every logged key (byte strings). */
  keys(): IterableIterator<string> {
    return this.logged.keys();
  }

  /**
   * Copies a logged document's pre-image into `snapKv` (unless it has one): its kv row with the
   * text as stored, log replayed. `maxVersion` limits it to rows written by then (FLUSHDB during a
   * snapshot copies only the keys the snapshot holds).
   */
  copyPreImage(
    kv: string,
    snapKv: string,
    k: string | ArrayBuffer,
    maxVersion = Number.MAX_SAFE_INTEGER,
  ): void {
    const row = this.sql
      .exec(`SELECT value FROM ${kv} WHERE key = ? AND version <= ?`, k, maxVersion)
      .raw()
      .next();
    if (row.done) return;
    let root = parseValue(row.value[0] as string);
    for (const [path, value] of this.sql
      .exec(`SELECT path, value FROM ${this.table} WHERE key = ? ORDER BY n`, k)
      .raw()) {
      const v = value as string | null;
      root = applyAtPath(
        root,
        JSON.parse(path as string) as DocPath,
        v === null ? undefined : parseValue(v),
      );
    }
    this.sql.exec(
      `INSERT OR IGNORE INTO ${snapKv} (key, type, value, expires_at, version, created_seq) ` +
        `SELECT key, type, ?, expires_at, version, created_seq FROM ${kv} WHERE key = ?`,
      toJsonText(root),
      k,
    );
  }
}

/** True when an edit at a shorter prefix of `path` is in the batch (it writes this one too). */
function covered(path: DocPath, edits: NonNullable<DocEdits>): boolean {
  for (let i = 1; i < path.length; i++)
    if (edits.has(JSON.stringify(path.slice(0, i)))) return true;
  return false;
}
