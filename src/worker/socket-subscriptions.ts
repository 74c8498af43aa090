// The pub/sub subscriptions of the object's hibernatable WebSockets (issue 16). A hibernating
// object forgets its memory but keeps its sockets; a socket's attachment is limited to 16 KiB,
// too small for a subscriber of many channels. So each socket's subscriptions are also rows here,
// rewritten when they change and read back when the object wakes. They are connection state,
// not data: rows of sockets that are gone are dropped at load, and export never reads them.

import type { ConnState, Subscriptions } from "../engine/conn-state.ts";
import type { SubKind } from "../engine/pubsub.ts";
import { bytesOfSql, sqlBytes } from "./persistence.ts";

type Sql = SqlStorage;

const KINDS: readonly SubKind[] = ["channels", "patterns", "shard"];

/** Creates the table (idempotent). */
export function ensureSubscriptionTable(sql: Sql): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS socket_subs (client INTEGER NOT NULL, kind TEXT NOT NULL, name NOT NULL, PRIMARY KEY (client, kind, name)) WITHOUT ROWID",
  );
}

/** Rewrites one connection's rows (none when it has no subscriptions). */
export function saveSubscriptions(sql: Sql, conn: ConnState): void {
  sql.exec("DELETE FROM socket_subs WHERE client = ?", conn.id);
  const subs = conn.subs;
  if (!subs) return;
  for (const kind of KINDS)
    for (const name of subs[kind])
      sql.exec(
        "INSERT INTO socket_subs (client, kind, name) VALUES (?, ?, ?)",
        conn.id,
        kind,
        sqlBytes(name),
      );
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
