// The namespace object's two clocks: the storage alarm at the next key expiry (spec §3.6), and
// an in-memory timer at the earliest deadline of a blocked client (issue 16). Both are re-armed
// after every commit.

import { newConn } from "../engine/conn-state.ts";
import type { Engine } from "../engine/engine.ts";
import { BLOCK_KEEPALIVE_MS } from "../limits.ts";
import type { GroupCommit } from "./group-commit.ts";

export class ObjectTimers {
  private readonly storage: DurableObjectStorage;
  private readonly engine: () => Engine;
  private readonly group: GroupCommit;
  /** Alarm time currently armed (Unix ms), 0 if none. */
  armedAlarm = 0;
  /** The blocked clients' timer (armWaitTimer) and when it fires (Unix ms; 0: none). */
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private waitTimerAt = 0;

  constructor(storage: DurableObjectStorage, engine: () => Engine, group: GroupCommit) {
    this.storage = storage;
    this.engine = engine;
    this.group = group;
  }

  /** Keeps the storage alarm at the next key expiry (none when nothing expires). */
  armExpiryAlarm(): void {
    const next = this.engine().dbs.nextExpiry();
    if (next === this.armedAlarm) return;
    this.armedAlarm = next;
    if (next === 0) void this.storage.deleteAlarm();
    else void this.storage.setAlarm(next);
  }

  /**
   * Keeps one timer at the earliest deadline of a blocked client (BLOCK_KEEPALIVE_MS when every
   * one waits forever: a pending timer also keeps the object, and the waiters, from hibernating).
   * When it fires, an empty batch answers the clients whose time is up.
   */
  armWaitTimer(): void {
    const next = this.engine().blocking.nextDeadline();
    // Waiters without a deadline: any armed timer will do (it re-arms when it fires).
    if (next === Infinity && this.waitTimerAt !== 0) return;
    const at = next === Infinity ? Date.now() + BLOCK_KEEPALIVE_MS : next;
    if (at === this.waitTimerAt) return;
    clearTimeout(this.waitTimer);
    this.waitTimerAt = at;
    if (at === 0) return;
    this.waitTimer = setTimeout(
      () => {
        this.waitTimerAt = 0;
        void this.group.runOrQueue(() =>
          this.engine().run("redis", newConn(0, { authed: true, readonly: false }), [], Date.now()),
        );
      },
      Math.max(0, at - Date.now()),
    );
  }
}
