// XREAD and XREADGROUP with BLOCK (issue 16): clients wait for new entries and are served by the
// write that adds them, as redis-server 7.0.15 serves them. Each scenario runs on the engine
// (recording sinks) and, when it is installed, on a real redis-server, byte for byte.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOnEngine, runOnRedis } from "./support/multi-client.ts";
import { oracleAvailable } from "./support/redis-oracle.ts";
import { startRedisServer } from "./support/redis-server.ts";
import { SCENARIOS } from "./support/stream-scenarios.ts";
import type { StartedRedis } from "./support/redis-server.ts";
import { recordingEngine } from "./support/recording-engine.ts";

/**
 * Scenarios run this many at once, each on a redis-server of its own (each FLUSHALLs): a scenario
 * mostly waits for redis-server to go quiet after each step.
 */
const SERVERS = 4;
const free: StartedRedis[] = [];
const queue: ((s: StartedRedis) => void)[] = [];
beforeAll(async () => {
  if (!oracleAvailable()) return;
  for (let i = 0; i < SERVERS; i++) free.push(await startRedisServer(["--maxmemory", "256mb"]));
}, 20_000);
afterAll(() => {
  for (const r of free) {
    r.sock.destroy();
    r.proc.kill();
  }
});

/** Runs `f` on a free server of the pool (waiting for one), then gives it back. */
async function onFreeServer<T>(f: (r: StartedRedis) => Promise<T>): Promise<T> {
  const r = free.pop() ?? (await new Promise<StartedRedis>((resolve) => queue.push(resolve)));
  try {
    return await f(r);
  } finally {
    const next = queue.shift();
    if (next) next(r);
    else free.push(r);
  }
}

for (const proto of [2, 3] as const) {
  describe.concurrent(`blocking stream reads, RESP${proto}, against redis-server`, () => {
    for (const [name, steps] of Object.entries(SCENARIOS)) {
      it.skipIf(!oracleAvailable())(name, async ({ expect }) => {
        const ours = runOnEngine(steps, proto);
        const theirs = await onFreeServer((r) => runOnRedis(r.port, steps, proto, ours.receivers));
        expect(ours.lines).toEqual(theirs);
      });
    }
  });
}

const setup = recordingEngine;

describe("blocking stream reads on the engine", () => {
  it("commands pipelined behind a blocked XREAD run after it is served", () => {
    const { got, open, run } = setup();
    const [a, b] = [open(), open()];
    expect(run(a, 1000, ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"], ["XLEN", "s"])).toBe("");
    expect(run(a, 1001, ["PING"])).toBe("");
    run(b, 1002, ["XADD", "s", "5-1", "f", "v"]);
    expect(got.get(a.id)).toBe(
      "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n:1\r\n+PONG\r\n",
    );
  });

  it("times out at its deadline; CLIENT UNBLOCK answers at once; no sink answers at once", () => {
    const { engine, got, open, run } = setup();
    const [a, b] = [open(), open()];
    run(a, 1000, ["XREAD", "BLOCK", "500", "STREAMS", "s", "$"]);
    run(b, 1499, []);
    expect(got.get(a.id)).toBe("");
    run(b, 1500, []);
    expect(got.get(a.id)).toBe("*-1\r\n");
    run(a, 2000, ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"]);
    expect(got.get(a.id)).toBe("*-1\r\n"); // no group: an error at once, as a reply of the batch
    run(b, 2000, ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
    run(a, 2000, ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"]);
    expect(engine.blocking.size).toBe(1);
    expect(run(b, 2001, ["CLIENT", "UNBLOCK", String(a.id), "ERROR"])).toBe(":1\r\n");
    expect(got.get(a.id)).toBe("*-1\r\n-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    const http = open(false);
    expect(run(http, 2002, ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])).toBe("*-1\r\n");
  });

  it("a blocked XREADGROUP answered NOGROUP counts as one failed call", () => {
    const { got, open, run } = setup();
    const [a, b] = [open(), open()];
    run(b, 1000, ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
    run(a, 1000, ["XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"]);
    run(b, 1000, ["XADD", "other", "1-1", "f", "v"], ["XTRIM", "s", "MAXLEN", "0"]);
    expect(got.get(a.id)).toBe("");
    run(b, 1000, ["XGROUP", "DESTROY", "s", "g"]);
    expect(got.get(a.id)).toMatch(/^-NOGROUP /);
    const stats = run(b, 1000, ["INFO", "commandstats"]);
    expect(stats).toMatch(/cmdstat_xreadgroup:calls=1,.*rejected_calls=0,failed_calls=1/);
  });

  it("served entries of a woken XREADGROUP are what a later read sees pending", () => {
    const { got, open, run } = setup();
    const [a, b] = [open(), open()];
    run(b, 1000, ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
    run(a, 1000, [
      "XREADGROUP",
      "GROUP",
      "g",
      "c",
      "COUNT",
      "1",
      "BLOCK",
      "0",
      "STREAMS",
      "s",
      ">",
    ]);
    run(
      b,
      1000,
      ["MULTI"],
      ["XADD", "s", "1-1", "a", "1"],
      ["XADD", "s", "1-2", "b", "2"],
      ["EXEC"],
    );
    expect(got.get(a.id)).toContain("1-1");
    expect(got.get(a.id)).not.toContain("1-2");
    expect(run(b, 1000, ["XPENDING", "s", "g"])).toBe(
      "*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n",
    );
  });
});
