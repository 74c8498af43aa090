// SQLite persistence of one namespace (spec §13): schema, write-through of a batch's changes,
// the load at start, and copy-on-write snapshot pre-images.
//
// Every statement here is synchronous and issued in the batch's own turn, without an await, so
// the output gate holds the replies until the writes are durable and the batch is one implicit
// transaction (spec §13.1). A write costs rows in proportion to what it changed (§13.2).

import { byteLength, fromBytes, isBinary, toBytes } from "../engine/bytes.ts";
import type { ChangeSet } from "../engine/change-set.ts";
import { Entry, isCollection } from "../engine/entry.ts";
import type { ValueType } from "../engine/entry.ts";
import type { Engine, EngineConfig } from "../engine/engine.ts";
import { Deque } from "../engine/deque.ts";
import { SortedSet } from "../engine/sorted-set.ts";
import { RowBatch } from "./row-batch.ts";
import { loadScripts, saveScripts } from "./script-persistence.ts";
import { TABLES, TYPE_CODE, TYPE_OF_CODE, META, SCHEMA_VERSION } from "./schema.ts";

type Sql = SqlStorage;
type SqlValue = string | number | ArrayBuffer | null;

/**
 * A byte string as a SQL value: TEXT when it is UTF-8 without NUL, BLOB otherwise. The rule is a
 * function of the bytes, so equal byte strings always bind alike (lookups match); NUL goes to BLOB
 * because SQLite text APIs may stop at it.
 */
export function sqlBytes(s: string): string | ArrayBuffer {
  return isBinary(s) || s.includes("\0") ? (toBytes(s).buffer as ArrayBuffer) : s;
}

/** A SQL TEXT or BLOB back to a byte string. */
export function bytesOfSql(v: unknown): string {
  return typeof v === "string" ? v : fromBytes(new Uint8Array(v as ArrayBuffer));
}

export class Persistence {
  readonly sql: Sql;
  /** write_seq and created_seq as last written to `meta`. */
  private savedSeqs = "0:0";
  /** Upserts of a flush, sent as multi-row statements at its end. */
  private readonly kvRows: RowBatch;
  private readonly memberRows: RowBatch;
  private readonly listRows: RowBatch;

  constructor(sql: Sql) {
    this.sql = sql;
    for (const stmt of TABLES) sql.exec(stmt);
    this.kvRows = new RowBatch(
      sql,
      "INSERT INTO kv (key, type, value, expires_at, version, created_seq) VALUES",
      " ON CONFLICT(key) DO UPDATE SET type = excluded.type, value = excluded.value, " +
        "expires_at = excluded.expires_at, version = excluded.version, created_seq = excluded.created_seq",
      6,
    );
    this.memberRows = new RowBatch(
      sql,
      "INSERT INTO members (key, member, value) VALUES",
      " ON CONFLICT(key, member) DO UPDATE SET value = excluded.value",
      3,
    );
    this.listRows = new RowBatch(
      sql,
      "INSERT INTO list_items (key, pos, value) VALUES",
      " ON CONFLICT(key, pos) DO UPDATE SET value = excluded.value",
      3,
    );
    if (this.meta(META.schema) === null) this.setMeta(META.schema, SCHEMA_VERSION);
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
    const store = engine.store;
    this.savedSeqs = String(this.meta(META.seqs) ?? "0:0");
    const [writeSeq, createdSeq] = this.savedSeqs.split(":").map(Number);
    store.writeSeq = writeSeq!;
    engine.snapshotSeq = Number(this.meta(META.snapshotSeq) ?? 0);
    engine.snapshotAt = Number(this.meta(META.snapshotAt) ?? 0);
    const cfg = this.meta(META.config);
    if (typeof cfg === "string")
      engine.config = { ...engine.config, ...(JSON.parse(cfg) as Partial<EngineConfig>) };

    loadScripts(this.sql, engine.scripts);

    const collections = new Map<string, Entry>();
    // Sorted sets are built in bulk once all their members are read.
    const zsetMembers = new Map<Entry, [string, number][]>();
    const entries: Entry[] = [];
    for (const row of this.sql
      .exec("SELECT key, type, value, expires_at, version, created_seq FROM kv")
      .raw()) {
      const key = bytesOfSql(row[0]);
      const type = TYPE_OF_CODE[row[1] as number]!;
      const e = new Entry(key, type, emptyValue(type, row[2]), 0);
      e.size = isCollection(type) ? 0 : scalarSize(type, e.value);
      e.expiresAt = (row[3] as number | null) ?? 0;
      e.version = row[4] as number;
      e.created = row[5] as number;
      entries.push(e);
      if (isCollection(type)) collections.set(key, e);
    }
    for (const row of this.sql
      .exec("SELECT key, member, value FROM members ORDER BY rowid")
      .raw()) {
      const e = collections.get(bytesOfSql(row[0]));
      if (!e) continue;
      const m = bytesOfSql(row[1]);
      if (e.type === "set") {
        (e.value as Set<string>).add(m);
        e.size += byteLength(m);
      } else if (e.type === "hash") {
        const v = bytesOfSql(row[2]);
        (e.value as Map<string, string>).set(m, v);
        e.size += byteLength(m) + byteLength(v);
      } else {
        let list = zsetMembers.get(e);
        if (!list) zsetMembers.set(e, (list = []));
        list.push([m, row[2] as number]);
        e.size += byteLength(m);
      }
    }
    for (const [e, members] of zsetMembers) e.value = SortedSet.fromEntries(members);
    for (const row of this.sql
      .exec("SELECT key, pos, value FROM list_items ORDER BY key, pos")
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
    const newest = entries.length ? entries[entries.length - 1]!.version : 0;
    if (newest > store.writeSeq) store.writeSeq = newest;
    for (const e of entries) store.load(e);
    store.finishLoad();
    store.createdSeq = Math.max(store.createdSeq, createdSeq!);
  }

  /**
   * Writes a batch's changes; `snapshotSeq` decides which items need a pre-image first.
   * Returns false when there was nothing to write.
   */
  flush(engine: Engine): boolean {
    const store = engine.store;
    const ch = store.changes;
    const seqs = `${store.writeSeq}:${store.createdSeq}`;
    if (ch.empty && seqs === this.savedSeqs) return false;
    const snapshotActive = engine.snapshotAt > 0;
    const seq = engine.snapshotSeq;
    if (ch.flushAll) {
      if (snapshotActive) this.copyAllPreImages(seq);
      this.sql.exec("DELETE FROM kv; DELETE FROM members; DELETE FROM list_items");
    }
    let newest = 0;
    for (const [key, before] of ch.keys) {
      const e = store.get(key);
      const oldType = ch.rewrites.get(key) ?? e?.type;
      if (snapshotActive && before >= 0 && before <= seq && !ch.flushAll)
        this.copyPreImage(key, oldType);
      this.writeKey(key, e, ch, oldType);
      if (e && e.version > newest) newest = e.version;
    }
    // Each (key), (key, member) and (key, pos) appears once per flush, so the queued upserts can
    // go last: deletes ran in place, pre-images were copied before their key's writes.
    this.kvRows.flush();
    this.memberRows.flush();
    this.listRows.flush();
    // A row written with the latest version already records write_seq (and its creation number
    // bounds created_seq): the meta row is only needed when the last write left no row behind.
    if (seqs !== this.savedSeqs) {
      if (newest !== store.writeSeq) this.setMeta(META.seqs, seqs);
      this.savedSeqs = seqs;
    }
    if (ch.config) this.setMeta(META.config, JSON.stringify(engine.config));
    if (ch.scripts) saveScripts(this.sql, engine.scripts);
    ch.clear();
    return true;
  }

  /** Records a snapshot point (spec §13.3): drops the old pre-images. */
  recordSnapshot(seq: number, at: number): void {
    this.sql.exec("DELETE FROM snap_kv; DELETE FROM snap_members; DELETE FROM snap_list_items");
    this.setMeta(META.snapshotSeq, seq);
    this.setMeta(META.snapshotAt, at);
  }

  private writeKey(
    key: string,
    e: Entry | undefined,
    ch: ChangeSet,
    oldType: ValueType | undefined,
  ): void {
    const k = sqlBytes(key);
    const rewrite = ch.flushAll || ch.rewrites.has(key);
    if (rewrite && oldType && !ch.flushAll) this.deleteMembers(k, oldType);
    if (!e) {
      this.sql.exec("DELETE FROM kv WHERE key = ?", k);
      return;
    }
    this.kvRows.add(k, TYPE_CODE[e.type], scalarSql(e), e.expiresAt || null, e.version, e.created);
    if (!isCollection(e.type)) return;
    if (rewrite) this.insertAllMembers(k, e);
    else this.writeMembers(k, e, ch);
  }

  private writeMembers(k: string | ArrayBuffer, e: Entry, ch: ChangeSet): void {
    if (e.type === "list") {
      const d = e.value as Deque;
      for (const pos of ch.positions.get(e.key) ?? []) {
        const i = pos - d.head;
        if (i >= 0 && i < d.length) this.listRows.add(k, pos, sqlBytes(d.at(i)!));
        else this.sql.exec("DELETE FROM list_items WHERE key = ? AND pos = ?", k, pos);
      }
      return;
    }
    for (const m of ch.members.get(e.key) ?? []) {
      const v = memberValue(e, m);
      if (v === undefined)
        this.sql.exec("DELETE FROM members WHERE key = ? AND member = ?", k, sqlBytes(m));
      else this.memberRows.add(k, sqlBytes(m), v);
    }
  }

  private insertAllMembers(k: string | ArrayBuffer, e: Entry): void {
    if (e.type === "list") {
      const d = e.value as Deque;
      for (let i = 0; i < d.length; i++) {
        this.listRows.add(k, d.head + i, sqlBytes(d.at(i)!));
      }
      return;
    }
    const members =
      e.type === "zset"
        ? (e.value as SortedSet).scores.keys()
        : (e.value as Set<string> | Map<string, string>).keys();
    for (const m of members) {
      this.memberRows.add(k, sqlBytes(m), memberValue(e, m)!);
    }
  }

  private deleteMembers(k: string | ArrayBuffer, type: ValueType): void {
    if (type === "list") this.sql.exec("DELETE FROM list_items WHERE key = ?", k);
    else if (isCollection(type)) this.sql.exec("DELETE FROM members WHERE key = ?", k);
  }

  private copyPreImage(key: string, oldType: ValueType | undefined): void {
    const k = sqlBytes(key);
    this.sql.exec("INSERT OR IGNORE INTO snap_kv SELECT * FROM kv WHERE key = ?", k);
    if (oldType === "list") {
      this.sql.exec(
        "INSERT OR IGNORE INTO snap_list_items SELECT * FROM list_items WHERE key = ?",
        k,
      );
    } else if (oldType && isCollection(oldType)) {
      this.sql.exec(
        "INSERT OR IGNORE INTO snap_members (key, member, value) SELECT key, member, value FROM members WHERE key = ? ORDER BY rowid",
        k,
      );
    }
  }

  private copyAllPreImages(seq: number): void {
    this.sql.exec("INSERT OR IGNORE INTO snap_kv SELECT * FROM kv WHERE version <= ?", seq);
    this.sql.exec(
      "INSERT OR IGNORE INTO snap_members (key, member, value) SELECT m.key, m.member, m.value FROM members m " +
        "JOIN kv ON kv.key = m.key WHERE kv.version <= ? ORDER BY m.rowid",
      seq,
    );
    this.sql.exec(
      "INSERT OR IGNORE INTO snap_list_items SELECT l.key, l.pos, l.value FROM list_items l " +
        "JOIN kv ON kv.key = l.key WHERE kv.version <= ?",
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
  }
}

function scalarSize(type: ValueType, v: Entry["value"]): number {
  return type === "int" ? (v as bigint).toString().length : byteLength(v as string);
}

function scalarSql(e: Entry): string | ArrayBuffer | null {
  if (e.type === "string") return sqlBytes(e.value as string);
  if (e.type === "int") return (e.value as bigint).toString();
  if (e.type === "json") return e.value as string;
  return null;
}

function memberValue(e: Entry, m: string): string | number | ArrayBuffer | null | undefined {
  if (e.type === "set") return (e.value as Set<string>).has(m) ? null : undefined;
  if (e.type === "hash") {
    const v = (e.value as Map<string, string>).get(m);
    return v === undefined ? undefined : sqlBytes(v);
  }
  return (e.value as SortedSet).score(m);
}
