// Clients blocked on keys (BLPOP, BZPOPMIN, XREAD BLOCK … ; issue 16), as Redis keeps them:
// per key, first come first served; a write to a waited key marks it ready (Store.waited), and
// after the command that wrote it the engine runs each waiter's command again (engine.ts
// serveReady). A waiter that still finds nothing keeps its place. Nothing here is persisted: a
// blocked client is a live connection, and the writes its wake-up makes are persisted with the
// batch that woke it.

import type { BatchItem, Command, Dialect } from "./command.ts";
import type { ConnState } from "./conn-state.ts";
import type { Reply } from "./reply.ts";
import type { ValueType } from "./entry.ts";
import { TimedHeap } from "./timed-heap.ts";

/** Stale deadline pairs (of waiters gone) tolerated beyond twice the live waiters before a compaction. */
const DEADLINE_SLACK = 64;

/** One blocked client. */
export interface Waiter {
  readonly conn: ConnState;
  readonly dialect: Dialect;
  /** The command to run again when a key is ready (argv possibly resolved: XREAD's `$`). */
  readonly command: Command;
  readonly db: number;
  readonly keys: readonly string[];
  /** Only a key of this type wakes it (Redis 7.0: a list waiter ignores a key that became a set). */
  readonly type: ValueType | null;
  /** Unix ms when it times out; 0: never. */
  readonly deadline: number;
  /** What it answers on timeout (a null array or a null bulk, by command). */
  readonly timeoutReply: Reply;
  /** Run again also when a key is deleted or changes type (BlockRequest.retryOnGone). */
  readonly retryOnGone: boolean;
  /** The connection's commands after the blocked one: they run when it is answered. */
  pending: BatchItem[];
}

/** What a blocking command asks for when it finds nothing (Engine.block). */
export interface BlockRequest {
  readonly keys: readonly string[];
  readonly type: ValueType | null;
  /** Milliseconds; 0: forever. */
  readonly timeoutMs: number;
  readonly timeoutReply: Reply;
  /** The arguments to run again instead of the command's own. */
  readonly argv?: readonly string[];
  /**
   * Run again also when a key is deleted or stops being of `type`: Redis 7.0 answers a blocked
   * XREADGROUP with an error then (its group went with the stream), where others keep waiting.
   */
  readonly retryOnGone?: boolean;
}

export class Blocking {
  private readonly byConn = new Map<number, Waiter>();
  /** Waiters per database per key, in arrival order. */
  private readonly byKey = new Map<number, Map<string, Waiter[]>>();
  /**
   * Waiters with a deadline, earliest first, each with its arrival number: the next deadline and
   * the due waiters cost O(log n), not a walk of every waiter on every batch and commit. A pair
   * is stale once its waiter is gone (answered, unblocked, closed).
   */
  private readonly deadlines = new TimedHeap<[Waiter, number]>(
    (_, [w]) => this.byConn.get(w.conn.id) === w,
  );
  private arrivals = 0;

  /** Blocked clients (INFO blocked_clients). */
  get size(): number {
    return this.byConn.size;
  }

  /** The waiter of a connection, if it is blocked. */
  of(connId: number): Waiter | undefined {
    return this.byConn.get(connId);
  }

  /** Keys of database `db` someone waits on (the Store marks writes to them ready). */
  waitedKeys(db: number): ReadonlyMap<string, Waiter[]> | undefined {
    return this.byKey.get(db);
  }

  add(w: Waiter): void {
    this.byConn.set(w.conn.id, w);
    if (w.deadline !== 0) {
      if (this.deadlines.size > 2 * this.byConn.size + DEADLINE_SLACK) this.deadlines.compact();
      this.deadlines.pushItem(w.deadline, [w, this.arrivals++]);
    }
    let m = this.byKey.get(w.db);
    if (!m) this.byKey.set(w.db, (m = new Map()));
    for (const k of w.keys) {
      const list = m.get(k);
      if (!list) m.set(k, [w]);
      else if (!list.includes(w)) list.push(w);
    }
  }

  /** Stops a waiter (answered, timed out, unblocked, or its connection closed). */
  remove(w: Waiter): void {
    if (this.byConn.get(w.conn.id) !== w) return;
    this.byConn.delete(w.conn.id);
    // A waiter on no key (a connection waiting for a busy script) may find no map left.
    const m = this.byKey.get(w.db);
    if (!m) return;
    for (const k of w.keys) {
      const list = m.get(k);
      if (!list) continue;
      const i = list.indexOf(w);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) m.delete(k);
    }
    if (m.size === 0) this.byKey.delete(w.db);
  }

  /** Waiters of one key, in arrival order (a copy: serving one changes the list). */
  waitersOf(db: number, key: string): Waiter[] {
    return [...(this.byKey.get(db)?.get(key) ?? [])];
  }

  /** Waiters whose deadline has passed, oldest first (in the order they began to wait). */
  due(now: number): Waiter[] {
    const pairs: [Waiter, number][] = [];
    for (let p = this.deadlines.popDue(now); p; p = this.deadlines.popDue(now)) pairs.push(p);
    if (pairs.length > 1) pairs.sort((a, b) => a[1] - b[1]);
    return pairs.map(([w]) => w);
  }

  /** The earliest deadline (Unix ms), Infinity when every waiter waits forever, 0 when none. */
  nextDeadline(): number {
    if (this.byConn.size === 0) return 0;
    return this.deadlines.peek() || Infinity;
  }
}
