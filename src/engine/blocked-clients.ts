// Serving the clients blocked on keys (issue 16), the part of Redis's blocked.c that runs after
// a command: which waiters a write readied, in which order they run again, their timeouts, and
// what SWAPDB readies. The registry of waiters is blocking.ts; running a waiter's command again
// and the commands queued behind it is the engine's (WakeHost), which knows dispatch.

import type { Blocking, Waiter } from "./blocking.ts";
import type { Databases } from "./databases.ts";
import type { Reply } from "./reply.ts";
import { DATABASES } from "../limits.ts";

/**
 * What a blocking command returns when its client now waits (Engine.block): never a reply on
 * any wire; the batch stops there and the rest of the connection's commands wait with it.
 */
export const BLOCKED: Reply = Object.freeze({ k: "none" }) as Reply;

/** What serving waiters needs of the engine. */
export interface WakeHost {
  readonly dbs: Databases;
  /** Runs a waiter's command again for `key`; BLOCKED when it still finds nothing. */
  retry(w: Waiter, key: string, now: number): Reply;
  /** Runs the commands that queued behind an answered waiter. */
  runPending(w: Waiter, now: number): Reply[];
  /** Hands replies to a connection's sink. */
  send(connId: number, replies: readonly Reply[]): void;
  /** False when a connection's waiter must not be served (ConnSink.live). */
  live(connId: number, now: number): boolean;
}

export class BlockedClients {
  private readonly waiters: Blocking;
  private readonly host: WakeHost;

  constructor(waiters: Blocking, host: WakeHost) {
    this.waiters = waiters;
    this.host = host;
  }

  /** Registers a waiter and points the stores at its keys. */
  add(w: Waiter): void {
    this.waiters.add(w);
    this.watchReady();
  }

  /** Stops a waiter without answering it (its connection closed). */
  stop(w: Waiter): void {
    this.waiters.remove(w);
    this.watchReady();
  }

  /** Ends a wait from outside (CLIENT UNBLOCK) with `reply`; false when it was not blocked. */
  unblock(connId: number, now: number, reply?: Reply): boolean {
    const w = this.waiters.of(connId);
    if (!w) return false;
    this.answer(w, reply ?? w.timeoutReply, now);
    return true;
  }

  /** Times out the waiters whose deadline has passed. */
  expire(now: number): void {
    for (const w of this.waiters.due(now)) this.answer(w, w.timeoutReply, now);
  }

  /** True when a write readied a key someone waits on. */
  hasReady(): boolean {
    if (this.waiters.size === 0) return false;
    for (const s of this.host.dbs.all()) if (s.ready.size) return true;
    return false;
  }

  /**
   * Serves the clients waiting on keys written since the last call, key by key in the order the
   * keys became ready and each key's clients first come first served, until no key is ready
   * (a woken client's own writes can ready more: BLMOVE).
   */
  serveReady(now: number): void {
    const dbs = this.host.dbs;
    while (this.hasReady()) {
      for (let db = 0; db < DATABASES; db++) {
        const store = dbs.peek(db);
        if (!store?.ready.size) continue;
        const keys = [...store.ready];
        store.ready.clear();
        for (const key of keys) {
          for (const w of this.waiters.waitersOf(db, key)) {
            if (this.waiters.of(w.conn.id) !== w || !this.host.live(w.conn.id, now)) continue;
            const e = dbs.get(w.db).get(key);
            const fits = e !== undefined && (w.type === null || e.type === w.type);
            if (!fits && !w.retryOnGone) continue;
            const r = this.host.retry(w, key, now);
            if (r !== BLOCKED) this.answer(w, r, now);
          }
        }
      }
    }
  }

  /**
   * SWAPDB: each database's waiters now see the other's keys; a waited key that exists there is
   * ready (Redis's scanDatabaseForReadyKeys), and so is one that was a stream before the swap
   * (scanDatabaseForDeletedStreams: a blocked XREADGROUP is answered).
   */
  databasesSwapped(a: number, b: number): void {
    if (this.waiters.size === 0) return;
    this.watchReady();
    const dbs = this.host.dbs;
    for (const db of [a, b]) {
      const store = dbs.get(db);
      const before = dbs.get(db === a ? b : a);
      for (const key of this.waiters.waitedKeys(db)?.keys() ?? []) {
        const was = before.get(key)?.type === "stream";
        if (store.get(key) || was) store.ready.add(key);
      }
    }
  }

  /** Answers a waiter and runs the commands that waited behind it; its sink sends them all. */
  private answer(w: Waiter, reply: Reply, now: number): void {
    this.stop(w);
    this.host.send(w.conn.id, [reply, ...this.host.runPending(w, now)]);
  }

  /** Points each database's store at the keys waited on in it (null: none, no cost). */
  private watchReady(): void {
    const dbs = this.host.dbs;
    for (let db = 0; db < DATABASES; db++) {
      const store = dbs.peek(db);
      if (!store) continue;
      const m = this.waiters.waitedKeys(db);
      store.waited = m && m.size ? m : null;
      if (!store.waited) store.ready.clear();
    }
  }
}
