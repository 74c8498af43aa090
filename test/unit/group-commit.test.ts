// Group commit: at most one commit awaiting durability; batches arriving meanwhile run together,
// in arrival order, and are committed once; a reply is released only after its batch's commit.

import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/worker/group-commit.ts";

function rig() {
  const log: string[] = [];
  let confirm: (() => void) | null = null;
  let writes = true;
  const g = new GroupCommit(
    () => {
      log.push("commit");
      return writes;
    },
    () =>
      new Promise<void>((r) => {
        log.push("durable?");
        confirm = r;
      }),
  );
  return {
    g,
    log,
    confirm: async () => {
      const c = confirm;
      confirm = null;
      c?.();
      await new Promise((r) => setTimeout(r, 0));
    },
    readsOnly: () => (writes = false),
  };
}

describe("group commit", () => {
  it("runs a lone batch at once, and groups the ones that arrive while a commit is pending", async () => {
    const { g, log, confirm } = rig();
    const first = g.submit(() => (log.push("a"), "A"));
    expect(log).toEqual(["a", "commit", "durable?"]);
    const b = g.submit(() => (log.push("b"), "B"));
    const c = g.submit(() => (log.push("c"), "C"));
    expect(log).toEqual(["a", "commit", "durable?"]);
    expect(await first).toBe("A");
    await confirm();
    expect(log).toEqual(["a", "commit", "durable?", "b", "c", "commit", "durable?"]);
    expect([await b, await c]).toEqual(["B", "C"]);
  });

  it("resolves only after the commit that covers the batch", async () => {
    const { g, log } = rig();
    let resolvedBeforeCommit = false;
    const p = g.submit(() => {
      log.push("work");
      return 1;
    });
    p.then(() => (resolvedBeforeCommit = !log.includes("commit")));
    await p;
    expect(resolvedBeforeCommit).toBe(false);
  });

  it("a failing batch rejects alone; a failing commit rejects the whole group", async () => {
    const { g, confirm } = rig();
    await g.submit(() => 0);
    const ok = g.submit(() => 1);
    const bad = g
      .submit(() => {
        throw new Error("boom");
      })
      .catch((e: Error) => e.message);
    await confirm();
    expect(await ok).toBe(1);
    expect(await bad).toBe("boom");
    const failing = new GroupCommit(
      () => {
        throw new Error("disk");
      },
      () => Promise.resolve(),
    );
    await expect(failing.submit(() => 1)).rejects.toThrow("disk");
  });

  it("reads that wrote nothing do not wait for durability", async () => {
    const { g, log, readsOnly } = rig();
    readsOnly();
    await g.submit(() => "r1");
    await g.submit(() => "r2");
    expect(log).toEqual(["commit", "commit"]);
  });

  it("runOrQueue answers at once when nothing waits, and queues behind a pending commit", async () => {
    const { g, log, confirm } = rig();
    expect(g.runOrQueue(() => (log.push("a"), "A"))).toBe("A");
    expect(log).toEqual(["a", "commit", "durable?"]);
    const b = g.runOrQueue(() => (log.push("b"), "B"));
    expect(b).toBeInstanceOf(Promise);
    expect(log).toEqual(["a", "commit", "durable?"]);
    await confirm();
    expect(await b).toBe("B");
    expect(log).toEqual(["a", "commit", "durable?", "b", "commit", "durable?"]);
  });

  it("runOrQueue still commits when its work throws, and throws", () => {
    const { g, log, readsOnly } = rig();
    readsOnly();
    expect(() =>
      g.runOrQueue(() => {
        throw new Error("bad frame");
      }),
    ).toThrow("bad frame");
    expect(log).toEqual(["commit"]);
  });
});

describe("group commit with a paused script", () => {
  it("resumes it on a timer, holds batches under its threshold, runs them past it, commits at its end", async () => {
    const log: string[] = [];
    let slices = 0;
    let past = false;
    let paused = false;
    let done = false;
    const g = new GroupCommit(
      () => (log.push(paused ? "commit skipped" : "commit"), !paused),
      () => Promise.resolve(),
      {
        paused: () => paused,
        holds: () => !past,
        resume: () => {
          slices++;
          if (done) paused = false;
          return paused;
        },
      },
    );
    g.runOrQueue(() => {
      log.push("eval");
      paused = true;
    });
    const held = g.submit(() => log.push("get"));
    expect(log).toEqual(["eval", "commit skipped"]);
    await new Promise((r) => setTimeout(r, 5));
    expect(log.filter((l) => l === "get")).toEqual([]);
    past = true;
    await held;
    expect(log).toEqual(["eval", "commit skipped", "get", "commit skipped"]);
    done = true;
    await new Promise((r) => setTimeout(r, 5));
    expect(log).toEqual(["eval", "commit skipped", "get", "commit skipped", "commit"]);
    expect(slices).toBeGreaterThan(1);
  });

  it("a script paused by a batch of a group holds the rest of that group, in order", async () => {
    const log: string[] = [];
    let paused = false;
    let done = false;
    let confirm: () => void = () => {};
    const g = new GroupCommit(
      () => (log.push(paused ? "commit skipped" : "commit"), !paused),
      // The first commit is confirmed by hand, later ones at once.
      () => (log.length > 1 ? Promise.resolve() : new Promise<void>((r) => (confirm = r))),
      {
        paused: () => paused,
        holds: () => true,
        resume: () => {
          if (done) paused = false;
          return paused;
        },
      },
    );
    // A commit in flight: the next three batches run as one group once it is durable.
    g.runOrQueue(() => log.push("set"));
    const a = g.submit(() => log.push("a"));
    const b = g.submit(() => (log.push("eval"), (paused = true)));
    const c = g.submit(() => log.push("c"));
    confirm();
    await a;
    expect(log).toEqual(["set", "commit", "a", "eval", "commit skipped"]);
    done = true;
    await Promise.all([b, c]);
    expect(log).toEqual(["set", "commit", "a", "eval", "commit skipped", "commit", "c", "commit"]);
  });
});
