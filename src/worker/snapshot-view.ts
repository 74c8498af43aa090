// The retained snapshot (spec §13.3) read back as export lines (§13.4), one bounded page per call.
//
// A key is in the snapshot iff it is unchanged since then — live in memory with
// version <= snapshot_seq and no pre-image row — or it has a pre-image row in snap_kv (its first
// change after the snapshot copied it there, members included). Unchanged keys are read from
// memory (nothing to query), changed ones from the snap_* tables. Pages are keyed by created_seq,
// which orders both sources, so writes between pages move a key from the first source to the
// second without changing what it contributes: the export is the snapshot, whatever happens
// meanwhile (only a newer snapshot, which drops the pre-images, ends it).

import { isBinary } from "../engine/bytes.ts";
import type { Deque } from "../engine/deque.ts";
import type { Entry, ValueType } from "../engine/entry.ts";
import { fieldTtlsOf } from "../engine/field-expiry.ts";
import { toJsonText } from "../engine/json-doc.ts";
import type { JsonDoc } from "../engine/json-doc.ts";
import type { Engine } from "../engine/engine.ts";
import type { Store } from "../engine/store.ts";
import { SortedSet } from "../engine/sorted-set.ts";
import type { Stream } from "../engine/stream.ts";
import {
  elementJson,
  recordClose,
  recordOpen,
  scalarValueJson,
} from "../protocols/transfer/export-format.ts";
import { CHUNKED_STRING, chunkTable, readChunks } from "./string-chunks.ts";
import { readCell } from "./cell-chunks.ts";
import { bytesOfSql, sqlBytes } from "./sql-bytes.ts";
import { TYPE_OF_CODE, slotTables } from "./schema.ts";
import type { SlotTables } from "./schema.ts";

/**
 * Where an export resumes: in database `db` (absent: 0), the key with this created_seq (or the
 * next one), at element `index`. Databases are exported in index order.
 */
export interface ExportCursor {
  from: number;
  index: number;
  db?: number;
}

/** One database as the snapshot reads it: its store and its slot's pre-image tables. */
interface DbView {
  db: number;
  store: Store;
  /** Its slot's snap_kv table, if that slot has tables yet (else it has no pre-images). */
  snapKv: string | null;
  t: SlotTables;
}

/** The databases that exist, in index order. */
function dbViews(engine: Engine, sql: SqlStorage): DbView[] {
  const tables = new Set(
    sql
      .exec("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((r) => r.name as string),
  );
  return engine.dbs.entries().map(([db, store]) => {
    const t = slotTables(engine.dbs.slots[db]!);
    return { db, store, t, snapKv: tables.has(t.snapKv) ? t.snapKv : null };
  });
}

/** Keys considered per page from each source (bounds the work of one call). */
const PAGE_KEYS = 4096;

/** A key of the snapshot, from memory (unchanged) or from its pre-image row. */
interface Source {
  created: number;
  key: string;
  type: ValueType;
  expiresAt: number;
  entry?: Entry;
  /** The pre-image's kv value column (scalars). */
  raw?: unknown;
}

/** Member, value or score, and a hash field's expiry (Unix ms) when it has one. */
type Element = [string, string | number | null, number?];

const live = (expiresAt: number, at: number) => expiresAt === 0 || expiresAt > at;

/** Number of records the snapshot holds (the header's `keys`), over every database. */
export function countSnapshotKeys(engine: Engine, sql: SqlStorage): number {
  const { snapshotSeq: seq, snapshotAt: at } = engine;
  let n = 0;
  for (const v of dbViews(engine, sql)) {
    const copied = new Set<number>();
    if (v.snapKv) {
      for (const [created, expires] of sql
        .exec(`SELECT created_seq, expires_at FROM ${v.snapKv}`)
        .raw()) {
        copied.add(created as number);
        if (live((expires as number | null) ?? 0, at)) n++;
      }
    }
    for (const e of v.store.map.values()) {
      if (e.version <= seq && !copied.has(e.created) && live(e.expiresAt, at)) n++;
    }
  }
  return n;
}

/** Export lines from `cursor` on, about `budget` characters; `next` is null after the last key. */
export function readSnapshotPage(
  engine: Engine,
  sql: SqlStorage,
  cursor: ExportCursor,
  budget: number,
): { text: string; records: number; next: ExportCursor | null } {
  const from = cursor.db ?? 0;
  const views = dbViews(engine, sql).filter((v) => v.db >= from);
  let text = "";
  let records = 0;
  for (let i = 0; i < views.length; i++) {
    const v = views[i]!;
    const start = v.db === from ? cursor : { from: 0, index: 0 };
    const page = readDbPage(engine, sql, v, start, budget - text.length);
    text += page.text;
    records += page.records;
    if (page.next) return { text, records, next: { ...page.next, db: v.db } };
    const after = views[i + 1];
    if (after && text.length >= budget)
      return { text, records, next: { from: 0, index: 0, db: after.db } };
  }
  return { text, records, next: null };
}

/** One database's part of a page (the single-database export of before, per database). */
function readDbPage(
  engine: Engine,
  sql: SqlStorage,
  v: DbView,
  cursor: ExportCursor,
  budget: number,
): { text: string; records: number; next: ExportCursor | null } {
  const { snapshotSeq: seq, snapshotAt: at } = engine;
  const unchanged: Entry[] = [];
  let hi = Number.MAX_SAFE_INTEGER;
  let exhausted = true;
  for (const e of v.store.inCreationOrder(cursor.from)) {
    if (e.version > seq) continue;
    if (unchanged.length === PAGE_KEYS) {
      hi = unchanged[unchanged.length - 1]!.created;
      exhausted = false;
      break;
    }
    unchanged.push(e);
  }
  const rows = v.snapKv
    ? sql
        .exec(
          `SELECT key, type, value, expires_at, created_seq FROM ${v.snapKv} WHERE created_seq >= ? AND created_seq <= ? ORDER BY created_seq LIMIT ?`,
          cursor.from,
          hi,
          PAGE_KEYS,
        )
        .toArray()
    : [];
  if (rows.length === PAGE_KEYS) {
    hi = rows[rows.length - 1]!.created_seq as number;
    exhausted = false;
  }
  const sources: Source[] = rows.map((r) => {
    // A long string's pre-image: its bytes are in the snapshot's chunk rows (string-chunks.ts).
    const chunked = r.type === CHUNKED_STRING;
    return {
      created: r.created_seq as number,
      key: bytesOfSql(r.key),
      type: chunked ? "string" : TYPE_OF_CODE[r.type as number]!,
      expiresAt: (r.expires_at as number | null) ?? 0,
      raw: chunked
        ? readChunks(sql, chunkTable(v.snapKv!), r.key, r.value as number).buffer
        : r.value,
    };
  });
  const copied = new Set(sources.map((s) => s.created));
  for (const e of unchanged) {
    if (e.created <= hi && !copied.has(e.created)) {
      sources.push({
        created: e.created,
        key: e.key,
        type: e.type,
        expiresAt: e.expiresAt,
        entry: e,
      });
    }
  }
  sources.sort((a, b) => a.created - b.created);

  let text = "";
  let records = 0;
  for (const s of sources) {
    if (!live(s.expiresAt, at)) continue;
    const start = s.created === cursor.from ? cursor.index : 0;
    const part = writeRecord(sql, v, s, start, budget - text.length);
    text += part.text;
    if (part.nextIndex >= 0)
      return { text, records, next: { from: s.created, index: part.nextIndex } };
    records++;
    if (text.length >= budget) return { text, records, next: { from: s.created + 1, index: 0 } };
  }
  return { text, records, next: exhausted ? null : { from: hi + 1, index: 0 } };
}

/** Writes a record from element `start`; nextIndex >= 0 when the budget ran out inside it. */
function writeRecord(
  sql: SqlStorage,
  v: DbView,
  s: Source,
  start: number,
  budget: number,
): { text: string; nextIndex: number } {
  const type = s.type;
  // A scalar record is written whole.
  const whole = (
    t: "string" | "int" | "json" | "document",
    b64: boolean,
    value: string | bigint,
  ) => ({
    text: recordOpen(s.key, t, b64, v.db) + scalarValueJson(t, value) + recordClose(s.expiresAt),
    nextIndex: -1,
  });
  if (type === "document") {
    // Kept as its compact text in the row; the live tree is printed the same way.
    const text = s.entry ? toJsonText((s.entry.value as JsonDoc).root) : (s.raw as string);
    return whole(type, false, text);
  }
  if (type === "string" || type === "int" || type === "json") {
    const value = s.entry ? (s.entry.value as string | bigint) : scalarOfSql(type, s.raw);
    return whole(type, type === "string" && isBinary(value as string), value);
  }
  const elements = s.entry ? memoryElements(s.entry) : snapElements(sql, v.t, s);
  const b64 = elements.some(([a, b]) => isBinary(a) || (typeof b === "string" && isBinary(b)));
  let text = start === 0 ? recordOpen(s.key, s.type, b64, v.db) + "[" : "";
  for (let i = start; i < elements.length; i++) {
    if (i > start && text.length >= budget) return { text, nextIndex: i };
    const [a, b, ttl] = elements[i]!;
    text += (i > 0 ? "," : "") + elementJson(type, a, b, b64, ttl);
  }
  return { text: text + "]" + recordClose(s.expiresAt), nextIndex: -1 };
}

function scalarOfSql(type: "string" | "int" | "json", raw: unknown): string | bigint {
  if (type === "int") return BigInt(raw as string);
  return bytesOfSql(raw);
}

/** A collection's elements in export order: insertion order, head first, or rank order. */
function memoryElements(e: Entry): Element[] {
  switch (e.type) {
    case "set":
      return Array.from(e.value as Set<string>, (m) => [m, null]);
    case "hash": {
      const ttls = fieldTtlsOf(e);
      if (!ttls) return Array.from(e.value as Map<string, string>);
      return Array.from(e.value as Map<string, string>, ([f, v]) => [f, v, ttls.get(f) ?? 0]);
    }
    case "list":
      return Array.from(e.value as Deque, (x) => [x, null]);
    case "stream": {
      const s = e.value as Stream;
      return Array.from(s.members(), (m) => [m, s.memberValue(m)!]);
    }
    default: {
      const out: Element[] = [];
      const z = e.value as SortedSet;
      z.forRange(0, z.size, (m, score) => out.push([m, score]));
      return out;
    }
  }
}

function snapElements(sql: SqlStorage, t: SlotTables, s: Source): Element[] {
  const k = sqlBytes(s.key);
  // An INTEGER cell is the id of a big cell's chunk rows (cell-chunks.ts).
  if (s.type === "list") {
    const chunks = chunkTable(t.snapList);
    return sql
      .exec(`SELECT pos, value FROM ${t.snapList} WHERE key = ? ORDER BY pos`, k)
      .toArray()
      .map((r) => [
        typeof r.value === "number"
          ? readCell(sql, chunks, k, r.pos as number)
          : bytesOfSql(r.value),
        null,
      ]);
  }
  const chunks = chunkTable(t.snapMembers);
  const cell = (v: unknown) =>
    typeof v === "number" ? readCell(sql, chunks, k, v) : bytesOfSql(v);
  const rows = sql
    .exec(`SELECT member, value, expires_at FROM ${t.snapMembers} WHERE key = ? ORDER BY rowid`, k)
    .toArray();
  if (s.type === "set") return rows.map((r) => [cell(r.member), null]);
  if (s.type === "stream") return rows.map((r) => [cell(r.member), cell(r.value)]);
  if (s.type === "hash")
    return rows.map((r) => [cell(r.member), cell(r.value), (r.expires_at as number | null) ?? 0]);
  const out: [string, number][] = rows.map((r) => [cell(r.member), r.value as number]);
  return out.sort((x, y) => SortedSet.compare(x[1], x[0], y[1], y[0]));
}
