// Blocking's deadline heap: the next deadline and the due waiters without walking every waiter,
// stale once a waiter is gone, due waiters in the order they began to wait.

import { describe, expect, it } from "vitest";
import { Blocking } from "../../src/engine/blocking.ts";
import type { Waiter } from "../../src/engine/blocking.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { R } from "../../src/engine/reply.ts";

function waiter(id: number, deadline: number): Waiter {
  const conn = newConn(id, { authed: true, readonly: false });
  return {
    conn,
    dialect: "redis",
    command: { argv: ["BLPOP", `k${id}`, "1"] },
    db: 0,
    keys: [`k${id}`],
    type: null,
    deadline,
    timeoutReply: R.NILARRAY,
    retryOnGone: false,
    pending: [],
  };
}

describe("Blocking deadlines", () => {
  it("gives the earliest live deadline, Infinity for waiters without one, 0 for none", () => {
    const b = new Blocking();
    expect(b.nextDeadline()).toBe(0);
    const forever = waiter(1, 0);
    b.add(forever);
    expect(b.nextDeadline()).toBe(Infinity);
    const late = waiter(2, 300);
    const early = waiter(3, 100);
    b.add(late);
    b.add(early);
    expect(b.nextDeadline()).toBe(100);
    b.remove(early);
    expect(b.nextDeadline()).toBe(300);
    b.remove(late);
    expect(b.nextDeadline()).toBe(Infinity);
    b.remove(forever);
    expect(b.nextDeadline()).toBe(0);
  });

  it("returns the due waiters in arrival order, each once, and not the gone ones", () => {
    const b = new Blocking();
    const ws = [waiter(1, 50), waiter(2, 10), waiter(3, 30), waiter(4, 500), waiter(5, 20)];
    for (const w of ws) b.add(w);
    b.remove(ws[4]!);
    expect(b.due(5)).toEqual([]);
    const due = b.due(100);
    expect(due.map((w) => w.conn.id)).toEqual([1, 2, 3]);
    for (const w of due) b.remove(w);
    expect(b.nextDeadline()).toBe(500);
  });

  it("stays small while waiters come and go", () => {
    const b = new Blocking();
    for (let i = 1; i <= 10_000; i++) {
      const w = waiter(i, 1_000_000 + i);
      b.add(w);
      b.remove(w);
    }
    const last = waiter(20_000, 5);
    b.add(last);
    expect(b.nextDeadline()).toBe(5);
    expect((b as unknown as { deadlines: { size: number } }).deadlines.size).toBeLessThan(200);
  });
});
