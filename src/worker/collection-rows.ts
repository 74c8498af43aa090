// The rows of one storage slot's collections (spec §13.2): a set, hash, sorted set or stream
// member per `members` row (insertion order is rowid order), a list element per `list_items`
// row at its position. Written with the batch's other rows in its turn, loaded back at start,
// and copied to the snap_* tables as a snapshot pre-image before a key's first change.

import { byteLength } from "../engine/bytes.ts";
import type { ChangeSet } from "../engine/change-set.ts";
import { isCollection } from "../engine/entry.ts";
import type { Entry, ValueType } from "../engine/entry.ts";
import type { Deque } from "../engine/deque.ts";
import { SortedSet } from "../engine/sorted-set.ts";
import type { Stream } from "../engine/stream.ts";
import type { Store } from "../engine/store.ts";
import { fieldExpiry, putFieldExpiry } from "../engine/field-expiry.ts";
import { RowBatch } from "./row-batch.ts";
import { bytesOfSql, sqlBytes } from "./sql-bytes.ts";
import type { SlotTables } from "./schema.ts";

type SqlKey = string | ArrayBuffer;

/** One slot's member and list rows, and their queued upserts. */
export class CollectionRows {
  private readonly sql: SqlStorage;
  private readonly t: SlotTables;
  private readonly memberRows: RowBatch;
  private readonly listRows: RowBatch;

  constructor(sql: SqlStorage, t: SlotTables) {
    this.sql = sql;
    this.t = t;
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
      for (const pos of ch.positions.get(e.key) ?? []) {
        const i = pos - d.head;
        if (i >= 0 && i < d.length) this.listRows.add(k, pos, sqlBytes(d.at(i)!));
        else this.sql.exec(`DELETE FROM ${this.t.list} WHERE key = ? AND pos = ?`, k, pos);
      }
      return;
    }
    for (const m of ch.members.get(e.key) ?? []) {
      const v = memberValue(e, m);
      if (v === undefined)
        this.sql.exec(`DELETE FROM ${this.t.members} WHERE key = ? AND member = ?`, k, sqlBytes(m));
      else this.memberRows.add(k, sqlBytes(m), v, memberExpiry(e, m));
    }
  }

  /** Writes every member or element of `e` (a new or rewritten key: its old rows are gone). */
  insertAll(k: SqlKey, e: Entry): void {
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
        : e.type === "stream"
          ? (e.value as Stream).members()
          : (e.value as Set<string> | Map<string, string>).keys();
    for (const m of members) {
      this.memberRows.add(k, sqlBytes(m), memberValue(e, m)!, memberExpiry(e, m));
    }
  }

  /** Deletes every row of a key stored as `type` (nothing for a scalar). */
  deleteAll(k: SqlKey, type: ValueType): void {
    if (type === "list") this.sql.exec(`DELETE FROM ${this.t.list} WHERE key = ?`, k);
    else if (isCollection(type)) this.sql.exec(`DELETE FROM ${this.t.members} WHERE key = ?`, k);
  }

  /** FLUSHDB / FLUSHALL of the slot. */
  dropAll(): void {
    this.sql.exec(`DELETE FROM ${this.t.members}; DELETE FROM ${this.t.list}`);
  }

  /** Copies a key's rows to the snapshot's tables (its kv row is copied by the caller). */
  copyPreImage(k: SqlKey, oldType: ValueType | undefined): void {
    const t = this.t;
    if (oldType === "list") {
      this.sql.exec(`INSERT OR IGNORE INTO ${t.snapList} SELECT * FROM ${t.list} WHERE key = ?`, k);
    } else if (oldType && isCollection(oldType)) {
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
  }

  /** Drops the snapshot's copies (a new snapshot point). */
  clearSnapshot(): void {
    this.sql.exec(`DELETE FROM ${this.t.snapMembers}; DELETE FROM ${this.t.snapList}`);
  }

  /**
   * Fills the collections just loaded from kv rows (empty values, size 0) with their rows;
   * hash field expiries go to `store`'s expiry queue.
   */
  load(collections: ReadonlyMap<string, Entry>, store: Store): void {
    // Sorted sets are built in bulk once all their members are read.
    const zsetMembers = new Map<Entry, [string, number][]>();
    for (const row of this.sql
      .exec(`SELECT key, member, value, expires_at FROM ${this.t.members} ORDER BY rowid`)
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
      .exec(`SELECT key, pos, value FROM ${this.t.list} ORDER BY key, pos`)
      .raw()) {
      const e = collections.get(bytesOfSql(row[0]));
      if (!e) continue;
      const d = e.value as Deque;
      if (d.length === 0) d.head = row[1] as number;
      const v = bytesOfSql(row[2]);
      d.pushRight(v);
      e.size += byteLength(v);
    }
  }
}

/** A hash field's expiry for its row (NULL when none; other collections have none). */
function memberExpiry(e: Entry, m: string): number | null {
  return e.type === "hash" ? fieldExpiry(e, m) || null : null;
}

/** A member's value column (a score, a hash or stream value, NULL for a set); undefined: gone. */
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
