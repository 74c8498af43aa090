// ioredis 6.0.0 and node-redis 6.3.1 (RESP3 by default, and RESP: 2) through the shim's Redis
// listener (issue 4, spec §10.10, §10.12). Each client runs the same command test through its own
// API against a real redis-server 7.0.15 and against our Worker, and the results must be equal
// (the client's own reply decoding included); then both clients connect with passwords to a
// Worker with tokens: full, read-only, wrong and missing.

import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import {
  freshNamespace,
  startTestShim,
  sharedTestWorker,
  startTestWorker,
} from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";
import { RedisServer, redisToolsAvailable } from "./support/redis-cli.ts";
import {
  CLIENT_NAME,
  FULL_TOKEN,
  HOST,
  READONLY_TOKEN,
  SCAN_ELEMENTS,
  ioredisClient,
  ioredisScenario,
  nodeRedisClient,
  nodeRedisScenario,
  plain,
  settle,
} from "./support/redis-client-scenarios.ts";

/** Runs a scenario against both servers with fresh connections; returns [ours, redis]. */
async function both<C>(
  ports: { ours: number; redis: number },
  open: (port: number) => Promise<C>,
  close: (c: C) => Promise<unknown>,
  scenario: (c: C, other: C, k: string) => Promise<Record<string, unknown>>,
  k: string,
): Promise<[Record<string, unknown>, Record<string, unknown>]> {
  const run = async (port: number) => {
    const [c, other] = [await open(port), await open(port)];
    try {
      return await scenario(c, other, k);
    } finally {
      await close(c);
      await close(other);
    }
  };
  return [await run(ports.ours), await run(ports.redis)];
}

/** Protocol and library name the server recorded for an ioredis connection. */
async function ioredisHandshake(r: Redis): Promise<{ proto: unknown; info: string }> {
  const hello = (await r.call("HELLO")) as unknown;
  const flat = Array.isArray(hello) ? hello : Object.entries(hello as object).flat();
  const proto = flat[flat.indexOf("proto") + 1];
  return { proto, info: String(await r.call("CLIENT", "INFO")) };
}

describe.skipIf(!redisToolsAvailable())("Redis clients through the shim", () => {
  let redis: RedisServer;
  let worker: TestWorker;
  let shim: TestShim;
  let ports: { ours: number; redis: number };

  beforeAll(async () => {
    redis = await RedisServer.start();
    worker = await sharedTestWorker();
    shim = await startTestShim(worker.url.href, {
      namespace: freshNamespace("clients"),
      dialects: ["redis"],
    });
    ports = { ours: shim.port("redis"), redis: redis.port };
  });
  afterAll(async () => {
    await shim?.close();
    await worker?.dispose();
    redis?.stop();
  });

  for (const [label, variant] of [
    ["protocol 3, its default", { protocol: 3 }],
    ["protocol 2", { protocol: 2 }],
    ["auto-pipelining", { enableAutoPipelining: true }],
  ] as [string, RedisOptions][]) {
    it(`ioredis (${label}) runs the command test as against redis-server`, async () => {
      const [ours, theirs] = await both(
        ports,
        async (port) => {
          const r = ioredisClient(port, { ...variant, connectionName: CLIENT_NAME, db: 0 });
          await r.connect();
          return r;
        },
        (r) => r.quit(),
        ioredisScenario,
        `io:${label}`,
      );
      expect(ours).toEqual(theirs);
      expect(ours.get).toBe("v1");
      expect(ours.ttlInRange).toBe(true);
      expect(ours.watchAbort).toBeNull();
      expect(ours.zscore).toBe("2.5");
      expect(ours.clientName).toBe(CLIENT_NAME);
      expect(ours.scanStream).toHaveLength(SCAN_ELEMENTS);
    });
  }

  for (const RESP of [3, 2] as const) {
    it(`node-redis (RESP ${RESP}${RESP === 3 ? ", its default" : ""}) runs the command test as against redis-server`, async () => {
      const [ours, theirs] = await both(
        ports,
        (port) =>
          nodeRedisClient(port, {
            ...(RESP === 3 ? {} : { RESP }),
            name: CLIENT_NAME,
            database: 0,
          }),
        (c) => c.close(),
        nodeRedisScenario,
        `nr${RESP}`,
      );
      expect(ours).toEqual(theirs);
      expect(ours.get).toBe("v1");
      expect(ours.zScore).toBe(2.5);
      expect(ours.hGetAll).toEqual({ f1: "a", f2: "b", n: "5" });
      expect(ours.watchAbort).toMatchObject({ error: "WatchError" });
      expect(ours.clientName).toBe(CLIENT_NAME);
      expect(ours.scanIterator).toHaveLength(SCAN_ELEMENTS);
      expect(ours.zScanIterator).toHaveLength(SCAN_ELEMENTS);
    });
  }

  it("ioredis negotiates RESP3 with HELLO 3 and sets its library name (spec §10.10)", async () => {
    const r = ioredisClient(ports.ours);
    await r.connect();
    try {
      const { proto, info } = await ioredisHandshake(r);
      expect(proto).toBe(3);
      expect(info).toMatch(/ lib-name=ioredis lib-ver=6\.0\.0\n$/);
    } finally {
      await r.quit();
    }
  });

  it("node-redis negotiates RESP3 by default and RESP2 on request (spec §10.10)", async () => {
    for (const RESP of [undefined, 2] as const) {
      const c = await nodeRedisClient(ports.ours, RESP ? { RESP } : {});
      try {
        const hello = await c.sendCommand(["HELLO"]);
        const flat = Array.isArray(hello) ? hello : Object.entries(hello as object).flat();
        expect(flat[flat.indexOf("proto") + 1]).toBe(RESP ?? 3);
        expect(String(await c.sendCommand(["CLIENT", "INFO"]))).toMatch(
          / lib-name=node-redis lib-ver=6\.3\.1\n$/,
        );
      } finally {
        await c.close();
      }
    }
  });
});

/** What a client sees with a password (or none): connect outcome, emitted errors, a GET and a SET. */
async function ioredisAuthOutcome(
  port: number,
  protocol: 2 | 3,
  password?: string,
): Promise<unknown> {
  const r = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    protocol,
    password,
  });
  const errors: string[] = [];
  r.on("error", (e: Error) => errors.push(e.message));
  try {
    const connect = await settle(r.connect());
    const set = await settle(r.set("auth:k", "v"));
    const get = await settle(r.get("auth:k"));
    return plain({ connect, errors, set, get, status: r.status });
  } finally {
    r.disconnect();
  }
}

async function nodeRedisAuthOutcome(
  port: number,
  RESP: 2 | 3,
  password?: string,
): Promise<unknown> {
  const c = await settle(
    nodeRedisClient(port, { RESP, ...(password === undefined ? {} : { password }) }),
  );
  if (c instanceof Error) return plain({ connect: c });
  try {
    return plain({ set: await settle(c.set("auth:k", "v")), get: await settle(c.get("auth:k")) });
  } finally {
    c.destroy();
  }
}

describe.skipIf(!redisToolsAvailable())(
  "Redis clients with passwords through the shim (spec §10.4, §12.3)",
  () => {
    let redis: RedisServer;
    let worker: LocalWorker;
    let shim: TestShim;
    let port: number;

    beforeAll(async () => {
      // The oracle's only password is the full token; read-only tokens have no Redis equivalent.
      redis = await RedisServer.start(["--requirepass", FULL_TOKEN]);
      worker = await startTestWorker({
        AUTH_TOKEN: FULL_TOKEN,
        AUTH_TOKEN_READONLY: READONLY_TOKEN,
      });
      // No shim token: Redis clients authenticate in band.
      shim = await startTestShim(worker.url.href, {
        namespace: freshNamespace("auth"),
        dialects: ["redis"],
      });
      port = shim.port("redis");
    });
    afterAll(async () => {
      await shim?.close();
      await worker?.dispose();
      redis?.stop();
    });

    for (const protocol of [3, 2] as const) {
      it(`ioredis (protocol ${protocol}): right, wrong and missing password as with redis-server --requirepass`, async () => {
        for (const password of [FULL_TOKEN, "wrong-token", undefined]) {
          const ours = await ioredisAuthOutcome(port, protocol, password);
          expect(ours, `password ${password}`).toEqual(
            await ioredisAuthOutcome(redis.port, protocol, password),
          );
        }
        expect(await ioredisAuthOutcome(port, protocol, "wrong-token")).toMatchObject({
          errors: ["WRONGPASS invalid username-password pair or user is disabled."],
        });
      });

      it(`ioredis (protocol ${protocol}): read-only password reads and is refused writes`, async () => {
        const full = ioredisClient(port, { protocol, password: FULL_TOKEN });
        await full.connect();
        expect(await full.set(`io${protocol}:k`, "v")).toBe("OK");
        expect(await full.multi().incr(`io${protocol}:n`).get(`io${protocol}:k`).exec()).toEqual([
          [null, 1],
          [null, "v"],
        ]);
        await full.quit();

        const ro = ioredisClient(port, { protocol, password: READONLY_TOKEN });
        await ro.connect();
        expect(await ro.get(`io${protocol}:k`)).toBe("v");
        await expect(ro.set(`io${protocol}:k`, "w")).rejects.toThrow(
          "NOPERM this user has no permissions to run the 'set' command",
        );
        await expect(
          ro.multi().get(`io${protocol}:k`).incr(`io${protocol}:n`).exec(),
        ).rejects.toThrow("EXECABORT Transaction discarded because of previous errors.");
        expect(await ro.get(`io${protocol}:k`)).toBe("v");
        await ro.quit();
      });
    }

    for (const RESP of [3, 2] as const) {
      it(`node-redis (RESP ${RESP}): right, wrong and missing password as with redis-server --requirepass`, async () => {
        for (const password of [FULL_TOKEN, "wrong-token", undefined]) {
          const ours = await nodeRedisAuthOutcome(port, RESP, password);
          expect(ours, `password ${password}`).toEqual(
            await nodeRedisAuthOutcome(redis.port, RESP, password),
          );
        }
        expect(await nodeRedisAuthOutcome(port, RESP, "wrong-token")).toMatchObject({
          connect: { message: "WRONGPASS invalid username-password pair or user is disabled." },
        });
      });

      it(`node-redis (RESP ${RESP}): read-only password reads and is refused writes`, async () => {
        const full = await nodeRedisClient(port, { RESP, password: FULL_TOKEN });
        expect(await full.set(`nr${RESP}:k`, "v")).toBe("OK");
        expect(await full.multi().incr(`nr${RESP}:n`).get(`nr${RESP}:k`).exec()).toEqual([1, "v"]);
        await full.close();

        const ro = await nodeRedisClient(port, { RESP, password: READONLY_TOKEN });
        expect(await ro.get(`nr${RESP}:k`)).toBe("v");
        await expect(ro.set(`nr${RESP}:k`, "w")).rejects.toThrow(
          "NOPERM this user has no permissions to run the 'set' command",
        );
        expect(await ro.get(`nr${RESP}:k`)).toBe("v");
        await ro.close();
      });
    }
  },
);
