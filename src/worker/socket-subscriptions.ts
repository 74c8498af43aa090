// The pub/sub subscriptions of the object's hibernatable WebSockets (issue 16). A hibernating
// object forgets its memory but keeps its sockets; a socket's attachment is limited to 16 KiB,
// too small for a subscriber of many channels. So each socket's subscriptions are also rows here,
// rewritten when they change and read back when the object wakes. They are connection state,
// not data: rows of sockets that are gone are dropped at load, and export never reads them.

import type { ConnState, Subscriptions } from "../engine/conn-state.ts";
import type { SubKind } from "../engine/pubsub.ts";
import { bytesOfSql, sqlBytes } from "./sql-bytes.ts";

type Sql = SqlStorage;

const KINDS: readonly SubKind[] = ["channels", "patterns", "shard"];

/** Creates the table (idempotent). */
export function ensureSubscriptionTable(sql: Sql): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS socket_subs (client INTEGER NOT NULL, kind TEXT NOT NULL, name NOT NULL, PRIMARY KEY (client, kind, name)) WITHOUT ROWID",
  );
}

/** What a connection's rows hold, kind by kind (kept beside the socket's context). */
export type SavedSubscriptions = Record<SubKind, Set<string>>;

/** No rows yet. */
export function noSavedSubscriptions(): SavedSubscriptions {
  return { channels: new Set(), patterns: new Set(), shard: new Set() };
}

/**
 * Brings one connection's rows to its subscriptions, writing only what changed since `saved`
 * (which it updates): a SUBSCRIBE of one more channel by a subscriber of 100,000 writes one row,
 * not 100,001.
 */
export function saveSubscriptions(sql: Sql, conn: ConnState, saved: SavedSubscriptions): void {
  const subs = conn.subs;
  for (const kind of KINDS) {
    const now = subs?.[kind];
    const rows = saved[kind];
    for (const name of rows)
      if (!now?.has(name)) {
        sql.exec(
          "DELETE FROM socket_subs WHERE client = ? AND kind = ? AND name = ?",
          conn.id,
          kind,
          sqlBytes(name),
        );
        rows.delete(name);
      }
    if (!now) continue;
    for (const name of now)
      if (!rows.has(name)) {
        sql.exec(
          "INSERT OR REPLACE INTO socket_subs (client, kind, name) VALUES (?, ?, ?)",
          conn.id,
          kind,
          sqlBytes(name),
        );
        rows.add(name);
      }
  }
}

/** Drops one connection's rows (its socket closed). */
export function dropSubscriptions(sql: Sql, clientId: number): void {
  sql.exec("DELETE FROM socket_subs WHERE client = ?", clientId);
}

/**
 * Every saved connection's subscriptions by client id; rows of clients not in `live` are
 * deleted (their sockets closed while the object was away).
 */
export function loadSubscriptions(sql: Sql, live: ReadonlySet<number>): Map<number, Subscriptions> {
  const out = new Map<number, Subscriptions>();
  const gone = new Set<number>();
  for (const row of sql.exec("SELECT client, kind, name FROM socket_subs").raw()) {
    const id = Number(row[0]);
    if (!live.has(id)) {
      gone.add(id);
      continue;
    }
    let subs = out.get(id);
    if (!subs) {
      subs = { channels: new Set(), patterns: new Set(), shard: new Set(), version: 0 };
      out.set(id, subs);
    }
    subs[row[1] as SubKind].add(bytesOfSql(row[2]));
  }
  for (const id of gone) dropSubscriptions(sql, id);
  return out;
}
