// The MULTI queues of the object's hibernatable Redis WebSockets. A socket's attachment holds at
// most 16 KiB (limits.ts WS_ATTACHMENT_MAX_BYTES), and a queue of a hundred SETs of 300 bytes is
// past that, so a queue never goes in the attachment: the attachment only says a MULTI is open
// (an empty queue), and the queued commands are rows here, appended as they are queued, read
// back when a hibernated object wakes, and dropped on EXEC, DISCARD or the socket's close.
// They are connection state, not data: export never reads them, and rows of sockets that are
// gone are dropped at load.

import type { Command } from "../engine/command.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { STRING_CHUNK_BYTES } from "../limits.ts";

type Sql = SqlStorage;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Creates the table (idempotent). */
export function ensureMultiTable(sql: Sql): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS socket_multi (client INTEGER NOT NULL, seq INTEGER NOT NULL, part INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (client, seq, part)) WITHOUT ROWID",
  );
}

/** What a connection's rows hold: the first `count` commands of the queue `queue`. */
export interface SavedQueue {
  queue: readonly Command[] | null;
  count: number;
}

/** No rows. */
export const noSavedQueue = (): SavedQueue => ({ queue: null, count: 0 });

/**
 * Brings one connection's rows to its MULTI queue, appending only the commands queued since
 * `saved` (which it updates). A new queue (EXEC then MULTI in one message) replaces the rows.
 */
export function saveQueue(sql: Sql, conn: ConnState, saved: SavedQueue): void {
  const queue = conn.multi;
  if (queue === saved.queue && queue?.length === saved.count) return;
  if (queue !== saved.queue) {
    if (saved.count > 0) dropQueue(sql, conn.id);
    saved.queue = queue;
    saved.count = 0;
  }
  if (!queue) return;
  for (let seq = saved.count; seq < queue.length; seq++) {
    // bigint typed arguments (gevent integers) are not JSON: they travel as {"$big": "<digits>"}.
    const json = JSON.stringify(queue[seq], (_k, v: unknown) =>
      typeof v === "bigint" ? { $big: v.toString() } : v,
    );
    // One row holds at most 2 MB: a large command is cut into parts.
    const bytes = encoder.encode(json);
    for (let part = 0, at = 0; at < bytes.length; part++, at += STRING_CHUNK_BYTES)
      sql.exec(
        "INSERT OR REPLACE INTO socket_multi (client, seq, part, bytes) VALUES (?, ?, ?, ?)",
        conn.id,
        seq,
        part,
        bytes.slice(at, at + STRING_CHUNK_BYTES).buffer,
      );
  }
  saved.count = queue.length;
}

/** One connection's queued commands, in order. */
export function loadQueue(sql: Sql, clientId: number): Command[] {
  const commands: Command[] = [];
  let parts: Uint8Array[] = [];
  let seq = -1;
  const flush = () => {
    if (parts.length === 0) return;
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    commands.push(
      JSON.parse(decoder.decode(bytes), (_k, v: unknown) =>
        v !== null && typeof v === "object" && "$big" in v
          ? BigInt((v as { $big: string }).$big)
          : v,
      ) as Command,
    );
    parts = [];
  };
  for (const row of sql
    .exec("SELECT seq, bytes FROM socket_multi WHERE client = ? ORDER BY seq, part", clientId)
    .raw()) {
    if (Number(row[0]) !== seq) {
      flush();
      seq = Number(row[0]);
    }
    parts.push(new Uint8Array(row[1] as ArrayBuffer));
  }
  flush();
  return commands;
}

/** Drops one connection's rows (EXEC, DISCARD, or its socket closed). */
export function dropQueue(sql: Sql, clientId: number): void {
  sql.exec("DELETE FROM socket_multi WHERE client = ?", clientId);
}

/** Drops the rows of connections not in `live` (their sockets closed while the object was away). */
export function dropGoneQueues(sql: Sql, live: ReadonlySet<number>): void {
  const ids = sql.exec("SELECT DISTINCT client FROM socket_multi").raw();
  for (const [id] of [...ids]) if (!live.has(Number(id))) dropQueue(sql, Number(id));
}
