// The rows of one storage slot's collections (spec §13.2): a set, hash, sorted set or stream
// member per `members` row (insertion order is rowid order), a list element per `list_items`
// row at its position. Written with the batch's other rows in its turn, loaded back at start,
// and copied to the snap_* tables as a snapshot pre-image before a key's first change. A member
// name, hash or stream value or list element too long for its cell is in chunk rows, its cell
// holding their id (cell-chunks.ts); the ids of each key's big cells are kept here in memory.
// Loading puts the rows' members into their entries through collection-load.ts.

import type { ChangeSet } from "../engine/change-set.ts";
import { isCollection } from "../engine/entry.ts";
import type { Entry, ValueType } from "../engine/entry.ts";
import type { Deque } from "../engine/deque.ts";
import type { SortedSet } from "../engine/sorted-set.ts";
import type { Stream } from "../engine/stream.ts";
import type { Store } from "../engine/store.ts";
import { fieldExpiry } from "../engine/field-expiry.ts";
import { CellChunks, isBigCell } from "./cell-chunks.ts";
import { CollectionLoader } from "./collection-load.ts";
import { RowBatch } from "./row-batch.ts";
import { bytesOfSql, sqlBytes } from "./sql-bytes.ts";
import type { SlotTables } from "./schema.ts";

type SqlKey = string | ArrayBuffer;
type SqlValue = string | number | ArrayBuffer | null;

/**
 * A member's chunked cells: the ids of its name and of its value (0: in the row itself). A name
 * is kept as first written, since it is the row's identity: INLINE marks a long name stored in
 * its row (by a version before chunked cells, up to VALUE_MAX_BYTES).
 */
interface BigCells {
  name: number;
  value: number;
}
const INLINE = -1;

/** One slot's member and list rows, and their queued upserts. */
export class CollectionRows {
  private readonly sql: SqlStorage;
  private readonly t: SlotTables;
  private readonly memberRows: RowBatch;
  private readonly listRows: RowBatch;
  /** Big cells of `members` rows and of `list_items` rows (cell-chunks.ts). */
  private readonly memberChunks: CellChunks;
  private readonly listChunks: CellChunks;
  /** Keys with big member cells: member -> its cells. */
  private readonly bigMembers = new Map<string, Map<string, BigCells>>();
  /** Keys with big list elements: their positions (a list element's cell id is its position). */
  private readonly bigItems = new Map<string, Set<number>>();
  /** The next member cell id (ids are never reused while pre-images may hold them). */
  private nextId = 1;

  constructor(sql: SqlStorage, t: SlotTables) {
    this.sql = sql;
    this.t = t;
    this.memberChunks = new CellChunks(sql, t.members, t.snapMembers);
    this.listChunks = new CellChunks(sql, t.list, t.snapList);
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
  }

  /** Sends the queued upserts. */
  flushRows(): void {
    this.memberRows.sendRows();
    this.listRows.sendRows();
  }

  /** Writes the members or list positions of `e` that the batch changed. */
  write(k: SqlKey, e: Entry, ch: ChangeSet): void {
    if (e.type === "list") {
      const d = e.value as Deque;
      const big = this.bigItems.get(e.key);
      for (const pos of ch.positions.get(e.key) ?? []) {
        if (big?.delete(pos)) this.listChunks.drop(k, pos);
        const i = pos - d.head;
        if (i >= 0 && i < d.length) this.putItem(e.key, k, pos, d.at(i)!);
        else this.sql.exec(`DELETE FROM ${this.t.list} WHERE key = ? AND pos = ?`, k, pos);
      }
      if (big?.size === 0) this.bigItems.delete(e.key);
      return;
    }
    const big = this.bigMembers.get(e.key);
    for (const m of ch.members.get(e.key) ?? []) {
      const v = memberValue(e, m);
      const cells = big?.get(m);
      if (v !== undefined) {
        this.putMember(e, k, m, v, cells);
        continue;
      }
      const name = cells && cells.name > 0 ? cells.name : sqlBytes(m);
      this.sql.exec(`DELETE FROM ${this.t.members} WHERE key = ? AND member = ?`, k, name);
      if (cells) this.dropCells(e.key, k, m, cells);
    }
  }

  /** Writes every member or element of `e` (a new or rewritten key: its old rows are gone). */
  insertAll(k: SqlKey, e: Entry): void {
    if (e.type === "list") {
      const d = e.value as Deque;
      for (let i = 0; i < d.length; i++) this.putItem(e.key, k, d.head + i, d.at(i)!);
      return;
    }
    const members =
      e.type === "zset"
        ? (e.value as SortedSet).scores.keys()
        : e.type === "stream"
          ? (e.value as Stream).members()
          : (e.value as Set<string> | Map<string, string>).keys();
    for (const m of members) this.putMember(e, k, m, memberValue(e, m)!, undefined);
  }

  /** Queues a list element's row; a big element's bytes go to chunk rows under its position. */
  private putItem(key: string, k: SqlKey, pos: number, v: string): void {
    if (!isBigCell(v)) {
      this.listRows.add(k, pos, sqlBytes(v));
      return;
    }
    this.listChunks.write(k, pos, v);
    let big = this.bigItems.get(key);
    if (!big) this.bigItems.set(key, (big = new Set()));
    big.add(pos);
    this.listRows.add(k, pos, pos);
  }

  /**
   * Queues a member's row (`v`: its value, a string for a hash or stream); its big name or value
   * goes to chunk rows. `cells`: the big cells its row has now (a name's stay, a value's go).
   */
  private putMember(
    e: Entry,
    k: SqlKey,
    m: string,
    v: string | number | null,
    cells: BigCells | undefined,
  ): void {
    let name: SqlValue;
    let nameId = cells?.name ?? 0;
    if (nameId > 0) name = nameId;
    else if (nameId === 0 && isBigCell(m)) {
      name = nameId = this.nextId++;
      this.memberChunks.write(k, nameId, m);
    } else name = sqlBytes(m);
    if (cells?.value) this.memberChunks.drop(k, cells.value);
    let value: SqlValue = typeof v === "string" ? sqlBytes(v) : v;
    let valueId = 0;
    if (typeof v === "string" && isBigCell(v)) {
      value = valueId = this.nextId++;
      this.memberChunks.write(k, valueId, v);
    }
    this.memberRows.add(k, name, value, memberExpiry(e, m));
    let big = this.bigMembers.get(e.key);
    if (nameId || valueId) {
      if (!big) this.bigMembers.set(e.key, (big = new Map()));
      big.set(m, { name: nameId, value: valueId });
    } else if (cells && big) {
      big.delete(m);
      if (big.size === 0) this.bigMembers.delete(e.key);
    }
  }

  /** Drops the chunk rows of a deleted member's big cells. */
  private dropCells(key: string, k: SqlKey, m: string, cells: BigCells): void {
    if (cells.name > 0) this.memberChunks.drop(k, cells.name);
    if (cells.value) this.memberChunks.drop(k, cells.value);
    const big = this.bigMembers.get(key)!;
    big.delete(m);
    if (big.size === 0) this.bigMembers.delete(key);
  }

  /** Deletes every row of a key stored as `type` (nothing for a scalar), big cells included. */
  deleteAll(key: string, k: SqlKey, type: ValueType): void {
    if (type === "list") {
      this.sql.exec(`DELETE FROM ${this.t.list} WHERE key = ?`, k);
      if (this.bigItems.delete(key)) this.listChunks.dropKey(k);
    } else if (isCollection(type)) {
      this.sql.exec(`DELETE FROM ${this.t.members} WHERE key = ?`, k);
      if (this.bigMembers.delete(key)) this.memberChunks.dropKey(k);
    }
  }

  /** FLUSHDB / FLUSHALL of the slot. */
  dropAll(): void {
    this.sql.exec(`DELETE FROM ${this.t.members}; DELETE FROM ${this.t.list}`);
    if (this.bigMembers.size) this.memberChunks.dropAll();
    if (this.bigItems.size) this.listChunks.dropAll();
    this.bigMembers.clear();
    this.bigItems.clear();
  }

  /** Copies a key's rows to the snapshot's tables (its kv row is copied by the caller). */
  copyPreImage(key: string, k: SqlKey, oldType: ValueType | undefined): void {
    const t = this.t;
    if (oldType === "list") {
      this.sql.exec(`INSERT OR IGNORE INTO ${t.snapList} SELECT * FROM ${t.list} WHERE key = ?`, k);
      if (this.bigItems.has(key)) this.listChunks.copyPreImage(k);
    } else if (oldType && isCollection(oldType)) {
      if (this.bigMembers.has(key)) this.memberChunks.copyPreImage(k);
      this.sql.exec(
        `INSERT OR IGNORE INTO ${t.snapMembers} (key, member, value, expires_at) SELECT key, member, value, expires_at FROM ${t.members} WHERE key = ? ORDER BY rowid`,
        k,
      );
    }
  }

  /** Copies the rows of every key written at or before `seq` (a FLUSHALL during a snapshot). */
  copyAllPreImages(seq: number): void {
    const t = this.t;
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
    if (this.bigMembers.size) this.memberChunks.copyAllPreImages(t.kv, seq);
    if (this.bigItems.size) this.listChunks.copyAllPreImages(t.kv, seq);
  }

  /** Drops the snapshot's copies (a new snapshot point). */
  clearSnapshot(): void {
    this.sql.exec(`DELETE FROM ${this.t.snapMembers}; DELETE FROM ${this.t.snapList}`);
    this.memberChunks.clearSnapshot();
    this.listChunks.clearSnapshot();
  }

  /**
   * Fills the collections just loaded from kv rows (empty values, size 0) with their rows;
   * hash field expiries go to `store`'s expiry queue.
   */
  load(collections: ReadonlyMap<string, Entry>, store: Store): void {
    const loader = new CollectionLoader(store);
    this.nextId = Math.max(this.nextId, this.memberChunks.maxId() + 1);
    for (const row of this.sql
      .exec(`SELECT key, member, value, expires_at FROM ${this.t.members} ORDER BY rowid`)
      .raw()) {
      const e = collections.get(bytesOfSql(row[0]));
      if (!e) continue;
      // An INTEGER name, or hash or stream value, is the id of a big cell's chunk rows.
      let nameId = typeof row[1] === "number" ? row[1] : 0;
      const m = nameId ? this.memberChunks.read(row[0], nameId) : bytesOfSql(row[1]);
      if (!nameId && isBigCell(m)) nameId = INLINE;
      const valueId = e.type !== "zset" && typeof row[2] === "number" ? row[2] : 0;
      const v = valueId
        ? this.memberChunks.read(row[0], valueId)
        : e.type === "zset" || row[2] === null
          ? (row[2] as number | null)
          : bytesOfSql(row[2]);
      if (nameId || valueId) {
        let big = this.bigMembers.get(e.key);
        if (!big) this.bigMembers.set(e.key, (big = new Map()));
        big.set(m, { name: nameId, value: valueId });
      }
      loader.member(e, m, v, row[3] as number | null);
    }
    loader.finish(collections);
    for (const row of this.sql
      .exec(`SELECT key, pos, value FROM ${this.t.list} ORDER BY key, pos`)
      .raw()) {
      const e = collections.get(bytesOfSql(row[0]));
      if (!e) continue;
      const pos = row[1] as number;
      if (typeof row[2] !== "number") {
        loader.element(e, pos, bytesOfSql(row[2]));
        continue;
      }
      loader.element(e, pos, this.listChunks.read(row[0], pos));
      let big = this.bigItems.get(e.key);
      if (!big) this.bigItems.set(e.key, (big = new Set()));
      big.add(pos);
    }
  }
}

/** A hash field's expiry for its row (NULL when none; other collections have none). */
function memberExpiry(e: Entry, m: string): number | null {
  return e.type === "hash" ? fieldExpiry(e, m) || null : null;
}

/** A member's value (a score, a hash or stream value, null for a set); undefined: gone. */
function memberValue(e: Entry, m: string): string | number | null | undefined {
  if (e.type === "set") return (e.value as Set<string>).has(m) ? null : undefined;
  if (e.type === "hash") return (e.value as Map<string, string>).get(m);
  if (e.type === "stream") return (e.value as Stream).memberValue(m);
  return (e.value as SortedSet).score(m);
}
