// SQLite persistence of one namespace (spec §13): schema, write-through of a batch's changes,
// the load at start, and copy-on-write snapshot pre-images.
//
// Every statement here is synchronous and issued in the batch's own turn, without an await, so
// the output gate holds the replies until the writes are durable and the batch is one implicit
// transaction (spec §13.1). A write costs rows in proportion to what it changed (§13.2).

import { byteLength } from "../engine/bytes.ts";
import type { ChangeSet } from "../engine/change-set.ts";
import { Entry, isCollection } from "../engine/entry.ts";
import type { ValueType } from "../engine/entry.ts";
import type { Engine, EngineConfig } from "../engine/engine.ts";
import type { Store } from "../engine/store.ts";
import { Deque } from "../engine/deque.ts";
import { SortedSet } from "../engine/sorted-set.ts";
import { Stream } from "../engine/stream.ts";
import { JsonDoc, jsonSize, toJsonText } from "../engine/json-doc.ts";
import { parseJson } from "../engine/json-parse.ts";
import { JSON_DOC_MAX_DEPTH } from "../limits.ts";
import { fieldExpiry, putFieldExpiry } from "../engine/field-expiry.ts";
import { RowBatch } from "./row-batch.ts";
import { bytesOfSql, sqlBytes } from "./sql-bytes.ts";
import { JsonLog } from "./json-persistence.ts";
import { loadScripts, saveScripts } from "./script-persistence.ts";
import { CHUNKED_STRING, StringChunks } from "./string-chunks.ts";
import {
  META,
  MIGRATIONS,
  SCHEMA_VERSION,
  SLOT_KV_GLOB,
  TABLES,
  TYPE_CODE,
  TYPE_OF_CODE,
  slotSchema,
  slotTables,
} from "./schema.ts";
import type { SlotTables } from "./schema.ts";

type Sql = SqlStorage;
type SqlValue = string | number | ArrayBuffer | null;

/** One storage slot's tables and its queued upserts. */
class Slot {
  readonly t: SlotTables;
  readonly kvRows: RowBatch;
  readonly memberRows: RowBatch;
  readonly listRows: RowBatch;
  /** Its documents' edit logs (json-persistence.ts). */
  readonly json: JsonLog;
  /** Its long strings' chunk rows (string-chunks.ts). */
  readonly chunks: StringChunks;

  constructor(sql: Sql, slot: number) {
    const t = (this.t = slotTables(slot));
    this.kvRows = new RowBatch(
      sql,
      `INSERT INTO ${t.kv} (key, type, value, expires_at, version, created_seq) VALUES`,
      " ON CONFLICT(key) DO UPDATE SET type = excluded.type, value = excluded.value, " +
        "expires_at = excluded.expires_at, version = excluded.version, created_seq = excluded.created_seq",
      6,
    );
    this.memberRows = new RowBatch(
      sql,
      `INSERT INTO ${t.members} (key, member, value, expires_at) VALUES`,
      " ON CONFLICT(key, member) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
      4,
    );
    this.listRows = new RowBatch(
      sql,
      `INSERT INTO ${t.list} (key, pos, value) VALUES`,
      " ON CONFLICT(key, pos) DO UPDATE SET value = excluded.value",
      3,
    );
    this.json = new JsonLog(sql, t.jsonLog);
    this.chunks = new StringChunks(sql, t.kv, t.snapKv);
  }

  flushRows(): void {
    this.kvRows.sendRows();
    this.memberRows.sendRows();
    this.listRows.sendRows();
    this.json.flushRows();
  }
}

export class Persistence {
  readonly sql: Sql;
  /** write_seq and created_seq as last written to `meta`. */
  private savedSeqs = "0:0";
  /** The storage slots whose tables exist (slot 0 always), by slot number. */
  private readonly slots = new Map<number, Slot>();

  constructor(sql: Sql) {
    this.sql = sql;
    for (const stmt of TABLES) sql.exec(stmt);
    this.migrate();
    this.slots.set(0, new Slot(sql, 0));
    for (const row of sql
      .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB ?", SLOT_KV_GLOB)
      .raw()) {
      const n = Number(String(row[0]).slice(SLOT_KV_GLOB.length - 1));
      if (Number.isInteger(n) && n > 0) this.slots.set(n, new Slot(sql, n));
    }
  }

  /**
   * Runs the schema steps this database has not had yet (schema.ts MIGRATIONS); a database with
   * no version yet is new or from version 1.
   */
  private migrate(): void {
    const at = Number(this.meta(META.schema) ?? 1);
    if (at >= SCHEMA_VERSION) return;
    for (let v = at; v < SCHEMA_VERSION; v++)
      for (const stmt of MIGRATIONS[v - 1]!) this.sql.exec(stmt);
    this.setMeta(META.schema, SCHEMA_VERSION);
  }

  /** A slot's tables, created on its first write. */
  private slot(n: number): Slot {
    let s = this.slots.get(n);
    if (!s) {
      s = new Slot(this.sql, n);
      for (const stmt of slotSchema(s.t)) this.sql.exec(stmt);
      this.slots.set(n, s);
    }
    return s;
  }

  meta(name: string): SqlValue {
    const rows = this.sql.exec("SELECT value FROM meta WHERE name = ?", name).toArray();
    return rows.length ? (rows[0]!.value as SqlValue) : null;
  }

  setMeta(name: string, value: SqlValue): void {
    this.sql.exec(
      "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
      name,
      value,
    );
  }

  /** Rebuilds the engine's store and settings from storage. */
  load(engine: Engine): void {
    const dbs = engine.dbs;
    const map = this.meta(META.dbSlots);
    if (typeof map === "string") {
      const slots = JSON.parse(map) as number[];
      for (let i = 0; i < slots.length; i++) dbs.slots[i] = slots[i]!;
    }
    const store = engine.store;
    this.savedSeqs = String(this.meta(META.seqs) ?? "0:0");
    const [writeSeq, createdSeq] = this.savedSeqs.split(":").map(Number);
    store.writeSeq = writeSeq!;
    engine.snapshotSeq = Number(this.meta(META.snapshotSeq) ?? 0);
    engine.snapshotAt = Number(this.meta(META.snapshotAt) ?? 0);
    const cfg = this.meta(META.config);
    if (typeof cfg === "string")
      engine.config = { ...engine.config, ...(JSON.parse(cfg) as Partial<EngineConfig>) };
    const params = this.meta(META.params);
    if (typeof params === "string") {
      for (const [k, v] of Object.entries(JSON.parse(params) as Record<string, string>))
        engine.params.set(k, v);
    }

    loadScripts(this.sql, engine.scripts);
    let newest = 0;
    for (const [n, slot] of this.slots) {
      const v = this.loadSlot(slot, dbs.ofSlot(n));
      if (v > newest) newest = v;
    }
    if (newest > store.writeSeq) store.writeSeq = newest;
    store.createdSeq = Math.max(store.createdSeq, createdSeq!);
  }

  /** Loads one slot's rows into its database's store; returns the newest version seen. */
  private loadSlot(slot: Slot, store: Store): number {
    const t = slot.t;
    const collections = new Map<string, Entry>();
    const docs = new Map<string, Entry>();
    // Sorted sets are built in bulk once all their members are read.
    const zsetMembers = new Map<Entry, [string, number][]>();
    const entries: Entry[] = [];
    for (const row of this.sql
      .exec(`SELECT key, type, value, expires_at, version, created_seq FROM ${t.kv}`)
      .raw()) {
      const key = bytesOfSql(row[0]);
      const chunked = row[1] === CHUNKED_STRING;
      const type = chunked ? "string" : TYPE_OF_CODE[row[1] as number]!;
      const value = chunked
        ? slot.chunks.load(key, row[0], row[2] as number)
        : emptyValue(type, row[2]);
      const e = new Entry(key, type, value, 0);
      e.size = isCollection(type) ? 0 : scalarSize(type, e.value);
      e.expiresAt = (row[3] as number | null) ?? 0;
      e.version = row[4] as number;
      e.created = row[5] as number;
      entries.push(e);
      if (isCollection(type)) collections.set(key, e);
      else if (type === "document") docs.set(key, e);
    }
    const edited = slot.json.load(docs);
    for (const row of this.sql
      .exec(`SELECT key, member, value, expires_at FROM ${t.members} ORDER BY rowid`)
      .raw()) {
      const e = collections.get(bytesOfSql(row[0]));
      if (!e) continue;
      const m = bytesOfSql(row[1]);
      if (e.type === "set") {
        (e.value as Set<string>).add(m);
        e.size += byteLength(m);
      } else if (e.type === "stream") {
        (e.value as Stream).loadMember(m, bytesOfSql(row[2]));
      } else if (e.type === "hash") {
        const v = bytesOfSql(row[2]);
        (e.value as Map<string, string>).set(m, v);
        e.size += byteLength(m) + byteLength(v);
        const at = row[3] as number | null;
        if (at !== null) {
          putFieldExpiry(e, m, at);
          store.fieldExpiries.push(at, e, m);
        }
      } else {
        let list = zsetMembers.get(e);
        if (!list) zsetMembers.set(e, (list = []));
        list.push([m, row[2] as number]);
        e.size += byteLength(m);
      }
    }
    for (const [e, members] of zsetMembers) e.value = SortedSet.fromEntries(members);
    for (const e of collections.values()) {
      if (e.type !== "stream") continue;
      const s = e.value as Stream;
      s.finishLoad();
      e.size = s.bytes;
    }
    for (const row of this.sql
      .exec(`SELECT key, pos, value FROM ${t.list} ORDER BY key, pos`)
      .raw()) {
      const e = collections.get(bytesOfSql(row[0]));
      if (!e) continue;
      const d = e.value as Deque;
      if (d.length === 0) d.head = row[1] as number;
      const v = bytesOfSql(row[2]);
      d.pushRight(v);
      e.size += byteLength(v);
    }
    // Recency is rebuilt from last-write order (spec §3.8).
    entries.sort((a, b) => a.version - b.version);
    for (const e of entries) store.load(e);
    store.finishLoad();
    return Math.max(edited, entries.length ? entries[entries.length - 1]!.version : 0);
  }

  /**
   * Writes a batch's changes; `snapshotSeq` decides which items need a pre-image first.
   * Returns false when there was nothing to write.
   */
  writeChanges(engine: Engine): boolean {
    const store = engine.store;
    const dbs = engine.dbs;
    const seqs = `${store.writeSeq}:${store.createdSeq}`;
    const stores = dbs.all();
    let dirty = dbs.slotsChanged || seqs !== this.savedSeqs;
    let config = false;
    for (const s of stores) {
      if (!s.changes.empty) dirty = true;
      if (s.changes.config) config = true;
    }
    if (!dirty) return false;
    let newest = 0;
    for (const [index, s] of dbs.entries()) {
      if (s.changes.empty) continue;
      const v = this.flushStore(engine, s, this.slot(dbs.slots[index]!));
      if (v > newest) newest = v;
    }
    if (dbs.slotsChanged) {
      this.setMeta(META.dbSlots, JSON.stringify(dbs.slots));
      dbs.slotsChanged = false;
    }
    // A row written with the latest version already records write_seq (and its creation number
    // bounds created_seq): the meta row is only needed when the last write left no row behind.
    if (seqs !== this.savedSeqs) {
      if (newest !== store.writeSeq) this.setMeta(META.seqs, seqs);
      this.savedSeqs = seqs;
    }
    if (config) {
      this.setMeta(META.config, JSON.stringify(engine.config));
      this.setMeta(META.params, JSON.stringify(Object.fromEntries(engine.params)));
    }
    if (store.changes.scripts) saveScripts(this.sql, engine.scripts);
    for (const s of stores) s.changes.clear();
    return true;
  }

  /** Writes one database's changes to its slot's tables; returns the newest version written. */
  private flushStore(engine: Engine, store: Store, slot: Slot): number {
    const ch = store.changes;
    const t = slot.t;
    const snapshotActive = engine.snapshotAt > 0;
    const seq = engine.snapshotSeq;
    if (ch.flushAll) {
      if (snapshotActive) {
        this.copyAllPreImages(slot, seq);
        slot.chunks.copyAllPreImages(t.kv, seq);
      }
      this.sql.exec(`DELETE FROM ${t.kv}; DELETE FROM ${t.members}; DELETE FROM ${t.list}`);
      slot.json.dropAll();
      slot.chunks.dropAll();
    }
    let newest = 0;
    for (const [key, before] of ch.keys) {
      const e = store.get(key);
      const oldType = ch.rewrites.get(key) ?? e?.type;
      if (snapshotActive && before >= 0 && before <= seq && !ch.flushAll)
        if (snapshotActive && before >= 0 && before <= seq && !ch.flushAll) {
          this.copyPreImage(slot, key, oldType);
          slot.chunks.copyPreImage(key, sqlBytes(key));
        }
      this.writeKey(slot, key, e, ch, oldType);
      if (e && e.version > newest) newest = e.version;
    }
    // Each (key), (key, member) and (key, pos) appears once per flush, so the queued upserts can
    // go last: deletes ran in place, pre-images were copied before their key's writes.
    slot.flushRows();
    return newest;
  }

  /** Records a snapshot point (spec §13.3): drops the old pre-images. */
  recordSnapshot(seq: number, at: number): void {
    for (const { t } of this.slots.values()) {
      this.sql.exec(
        `DELETE FROM ${t.snapKv}; DELETE FROM ${t.snapMembers}; DELETE FROM ${t.snapList}`,
      );
    }
    for (const slot of this.slots.values()) slot.chunks.clearSnapshot();
    this.setMeta(META.snapshotSeq, seq);
    this.setMeta(META.snapshotAt, at);
  }

  private writeKey(
    slot: Slot,
    key: string,
    e: Entry | undefined,
    ch: ChangeSet,
    oldType: ValueType | undefined,
  ): void {
    const k = sqlBytes(key);
    const rewrite = ch.flushAll || ch.rewrites.has(key);
    if (rewrite && oldType && !ch.flushAll) this.deleteMembers(slot.t, k, oldType);
    if (!e) {
      this.sql.exec(`DELETE FROM ${slot.t.kv} WHERE key = ?`, k);
      slot.json.drop(key, k);
      slot.chunks.drop(key, k);
      return;
    }
    // A document edited in place writes only its edits; otherwise its row goes whole, log dropped.
    if (e.type === "document" && !rewrite && slot.json.append(key, k, e, ch.docs.get(key))) return;
    slot.json.drop(key, k);
    // A long string's bytes go to chunk rows; its kv row holds their length.
    const chunked = slot.chunks.write(key, k, e);
    const [type, value] =
      chunked < 0 ? [TYPE_CODE[e.type], scalarSql(e)] : [CHUNKED_STRING, chunked];
    slot.kvRows.add(k, type, value, e.expiresAt || null, e.version, e.created);
    if (!isCollection(e.type)) return;
    if (rewrite) this.insertAllMembers(slot, k, e);
    else this.writeMembers(slot, k, e, ch);
  }

  private writeMembers(slot: Slot, k: string | ArrayBuffer, e: Entry, ch: ChangeSet): void {
    if (e.type === "list") {
      const d = e.value as Deque;
      for (const pos of ch.positions.get(e.key) ?? []) {
        const i = pos - d.head;
        if (i >= 0 && i < d.length) slot.listRows.add(k, pos, sqlBytes(d.at(i)!));
        else this.sql.exec(`DELETE FROM ${slot.t.list} WHERE key = ? AND pos = ?`, k, pos);
      }
      return;
    }
    for (const m of ch.members.get(e.key) ?? []) {
      const v = memberValue(e, m);
      if (v === undefined)
        this.sql.exec(`DELETE FROM ${slot.t.members} WHERE key = ? AND member = ?`, k, sqlBytes(m));
      else slot.memberRows.add(k, sqlBytes(m), v, memberExpiry(e, m));
    }
  }

  private insertAllMembers(slot: Slot, k: string | ArrayBuffer, e: Entry): void {
    if (e.type === "list") {
      const d = e.value as Deque;
      for (let i = 0; i < d.length; i++) {
        slot.listRows.add(k, d.head + i, sqlBytes(d.at(i)!));
      }
      return;
    }
    const members =
      e.type === "zset"
        ? (e.value as SortedSet).scores.keys()
        : e.type === "stream"
          ? (e.value as Stream).members()
          : (e.value as Set<string> | Map<string, string>).keys();
    for (const m of members) {
      slot.memberRows.add(k, sqlBytes(m), memberValue(e, m)!, memberExpiry(e, m));
    }
  }

  private deleteMembers(t: SlotTables, k: string | ArrayBuffer, type: ValueType): void {
    if (type === "list") this.sql.exec(`DELETE FROM ${t.list} WHERE key = ?`, k);
    else if (isCollection(type)) this.sql.exec(`DELETE FROM ${t.members} WHERE key = ?`, k);
  }

  private copyPreImage(slot: Slot, key: string, oldType: ValueType | undefined): void {
    const { t } = slot;
    const k = sqlBytes(key);
    // A logged document (whatever replaces it now): its stored text with the log replayed.
    if (slot.json.has(key)) {
      slot.json.copyPreImage(t.kv, t.snapKv, k);
      return;
    }
    this.sql.exec(`INSERT OR IGNORE INTO ${t.snapKv} SELECT * FROM ${t.kv} WHERE key = ?`, k);
    if (oldType === "list") {
      this.sql.exec(`INSERT OR IGNORE INTO ${t.snapList} SELECT * FROM ${t.list} WHERE key = ?`, k);
    } else if (oldType && isCollection(oldType)) {
      this.sql.exec(
        `INSERT OR IGNORE INTO ${t.snapMembers} (key, member, value, expires_at) SELECT key, member, value, expires_at FROM ${t.members} WHERE key = ? ORDER BY rowid`,
        k,
      );
    }
  }

  private copyAllPreImages(slot: Slot, seq: number): void {
    const { t } = slot;
    // Logged documents first: their pre-image is the stored text with the log replayed.
    for (const key of slot.json.keys()) slot.json.copyPreImage(t.kv, t.snapKv, sqlBytes(key), seq);
    this.sql.exec(
      `INSERT OR IGNORE INTO ${t.snapKv} SELECT * FROM ${t.kv} WHERE version <= ?`,
      seq,
    );
    this.sql.exec(
      `INSERT OR IGNORE INTO ${t.snapMembers} (key, member, value, expires_at) SELECT m.key, m.member, m.value, m.expires_at FROM ${t.members} m ` +
        `JOIN ${t.kv} kv ON kv.key = m.key WHERE kv.version <= ? ORDER BY m.rowid`,
      seq,
    );
    this.sql.exec(
      `INSERT OR IGNORE INTO ${t.snapList} SELECT l.key, l.pos, l.value FROM ${t.list} l ` +
        `JOIN ${t.kv} kv ON kv.key = l.key WHERE kv.version <= ?`,
      seq,
    );
  }
}

function emptyValue(type: ValueType, raw: unknown): Entry["value"] {
  switch (type) {
    case "string":
      return bytesOfSql(raw);
    case "int":
      return BigInt(raw as string);
    case "json":
      return raw as string;
    case "set":
      return new Set<string>();
    case "hash":
      return new Map<string, string>();
    case "list":
      return new Deque();
    case "zset":
      return new SortedSet();
    case "stream":
      return new Stream();
    case "document":
      return new JsonDoc(parseJson(raw as string, { maxDepth: JSON_DOC_MAX_DEPTH }));
  }
}

function scalarSize(type: ValueType, v: Entry["value"]): number {
  if (type === "document") return jsonSize((v as JsonDoc).root);
  return type === "int" ? (v as bigint).toString().length : byteLength(v as string);
}

function scalarSql(e: Entry): string | ArrayBuffer | null {
  if (e.type === "string") return sqlBytes(e.value as string);
  if (e.type === "int") return (e.value as bigint).toString();
  if (e.type === "json") return e.value as string;
  if (e.type === "document") return toJsonText((e.value as JsonDoc).root);
  return null;
}

/** A hash field's expiry for its row (NULL when none; other collections have none). */
function memberExpiry(e: Entry, m: string): number | null {
  return e.type === "hash" ? fieldExpiry(e, m) || null : null;
}

function memberValue(e: Entry, m: string): string | number | ArrayBuffer | null | undefined {
  if (e.type === "set") return (e.value as Set<string>).has(m) ? null : undefined;
  if (e.type === "hash") {
    const v = (e.value as Map<string, string>).get(m);
    return v === undefined ? undefined : sqlBytes(v);
  }
  if (e.type === "stream") {
    const v = (e.value as Stream).memberValue(m);
    return v === undefined ? undefined : sqlBytes(v);
  }
  return (e.value as SortedSet).score(m);
}
