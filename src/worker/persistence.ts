// SQLite persistence of one namespace (spec §13): schema, write-through of a batch's changes,
// the load at start, and copy-on-write snapshot pre-images. A storage slot's tables and their
// pre-images: storage-slot.ts; collection rows: collection-rows.ts; kv values: kv-values.ts.
//
// Every statement here is synchronous and issued in the batch's own turn, without an await, so
// the output gate holds the replies until the writes are durable and the batch is one implicit
// transaction (spec §13.1). A write costs rows in proportion to what it changed (§13.2).

import type { ChangeSet } from "../engine/change-set.ts";
import { Entry, isCollection } from "../engine/entry.ts";
import type { ValueType } from "../engine/entry.ts";
import type { Engine, EngineConfig } from "../engine/engine.ts";
import type { Store } from "../engine/store.ts";
import { bytesOfSql, sqlBytes } from "./sql-bytes.ts";
import { scalarSize, scalarSql, valueOfSql } from "./kv-values.ts";
import { StorageSlot } from "./storage-slot.ts";
import { loadScripts, saveScripts } from "./script-persistence.ts";
import { CHUNKED_STRING } from "./string-chunks.ts";
import {
  META,
  MIGRATIONS,
  SCHEMA_VERSION,
  SLOT_KV_GLOB,
  TABLES,
  TYPE_CODE,
  TYPE_OF_CODE,
  slotSchema,
} from "./schema.ts";

type Sql = SqlStorage;
type SqlValue = string | number | ArrayBuffer | null;

export class Persistence {
  readonly sql: Sql;
  /** write_seq and created_seq as last written to `meta`. */
  private savedSeqs = "0:0";
  /** The storage slots whose tables exist (slot 0 always), by slot number. */
  private readonly slots = new Map<number, StorageSlot>();

  constructor(sql: Sql) {
    this.sql = sql;
    for (const stmt of TABLES) sql.exec(stmt);
    this.migrate();
    this.slots.set(0, new StorageSlot(sql, 0));
    for (const row of sql
      .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB ?", SLOT_KV_GLOB)
      .raw()) {
      const n = Number(String(row[0]).slice(SLOT_KV_GLOB.length - 1));
      if (Number.isInteger(n) && n > 0) this.slots.set(n, new StorageSlot(sql, n));
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
  private slot(n: number): StorageSlot {
    let s = this.slots.get(n);
    if (!s) {
      s = new StorageSlot(this.sql, n);
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
  private loadSlot(slot: StorageSlot, store: Store): number {
    const t = slot.t;
    const collections = new Map<string, Entry>();
    const docs = new Map<string, Entry>();
    const entries: Entry[] = [];
    for (const row of this.sql
      .exec(`SELECT key, type, value, expires_at, version, created_seq FROM ${t.kv}`)
      .raw()) {
      const key = bytesOfSql(row[0]);
      const chunked = row[1] === CHUNKED_STRING;
      const type = chunked ? "string" : TYPE_OF_CODE[row[1] as number]!;
      const value = chunked
        ? slot.chunks.load(key, row[0], row[2] as number)
        : valueOfSql(type, row[2]);
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
    slot.rows.load(collections, store);
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
  private flushStore(engine: Engine, store: Store, slot: StorageSlot): number {
    const ch = store.changes;
    const snapshotActive = engine.snapshotAt > 0;
    const seq = engine.snapshotSeq;
    if (ch.flushAll) {
      if (snapshotActive) slot.copyAllPreImages(seq);
      slot.dropAll();
    }
    let newest = 0;
    for (const [key, before] of ch.keys) {
      const e = store.get(key);
      const oldType = ch.rewrites.get(key) ?? e?.type;
      if (snapshotActive && before >= 0 && before <= seq && !ch.flushAll)
        slot.copyPreImage(key, oldType);
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
    for (const slot of this.slots.values()) slot.clearSnapshot();
    this.setMeta(META.snapshotSeq, seq);
    this.setMeta(META.snapshotAt, at);
  }

  private writeKey(
    slot: StorageSlot,
    key: string,
    e: Entry | undefined,
    ch: ChangeSet,
    oldType: ValueType | undefined,
  ): void {
    const k = sqlBytes(key);
    const rewrite = ch.flushAll || ch.rewrites.has(key);
    if (rewrite && oldType && !ch.flushAll) slot.rows.deleteAll(key, k, oldType);
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
    if (rewrite) slot.rows.insertAll(k, e);
    else slot.rows.write(k, e, ch);
  }
}
