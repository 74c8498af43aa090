// Pub/sub and blocking as users meet them (issue 16): ioredis and node-redis subscribers (channels
// and patterns, RESP2 and RESP3) and redis-cli SUBSCRIBE through the shim's Redis port, with
// messages published by another client on the same shim and over the REST door; a BLPOP woken by
// another client's RPUSH, multiplexed and with one WebSocket per connection (--no-mux). Each
// client session also runs against a real redis-server 7.0.15 and what the client saw must be
// equal. Bad input (unknown PUBSUB subcommands, bad timeouts, 100,000 subscriptions, a pattern of
// 10,000 `*`) gets Redis's errors or a clear one while other clients keep being served, and a
// subscriber that never reads is closed past PUBSUB_OUTPUT_MAX_BYTES.

import { spawn } from "node:child_process";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PUBSUB_OUTPUT_MAX_BYTES,
  PUBSUB_PATTERN_MAX_BYTES,
  SUBSCRIPTIONS_MAX_PER_CONN,
} from "../../src/limits.ts";
import { startShim } from "../../src/node/shim/index.ts";
import { RedisServer, redisToolsAvailable } from "./support/redis-cli.ts";
import {
  HOST,
  ioredisClient,
  nodeRedisClient,
  plain,
  settle,
} from "./support/redis-client-scenarios.ts";

import {
  TcpClient,
  freshNamespace,
  sleep,
  startTestShim,
  sharedTestWorker,
} from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

/** How long a test waits for messages a client should have received. */
const DELIVERY_WAIT_MS = 5000;
/** Another client's PING while a connection misbehaves: answered within this (a loaded box). */
const PING_MAX_MS = 1000;

/** Where a session runs: a port, and how a message is published from outside the session. */
interface Target {
  name: "ours" | "redis";
  port: number;
  /** PUBLISH from another door (REST for ours, another connection for redis-server). */
  publishElsewhere(channel: string, message: string): Promise<number>;
}

let redis: RedisServer;
let worker: TestWorker;
let namespace: string;
const shims: TestShim[] = [];
let muxPort = 0;
let wsPort = 0;

beforeAll(async () => {
  redis = await RedisServer.start(["--maxmemory", "256mb"]);
  worker = await sharedTestWorker();
  namespace = freshNamespace("rt");
  for (const mux of [true, false]) {
    const s = await startTestShim(worker.url.href, { namespace, dialects: ["redis"], mux });
    shims.push(s);
    if (mux) muxPort = s.port("redis");
    else wsPort = s.port("redis");
  }
});
afterAll(async () => {
  for (const s of shims) await s.close();
  await worker?.dispose();
  redis?.stop();
});

/** A command over the REST door (Upstash's JSON array form) on the shims' namespace. */
async function rest(...argv: string[]): Promise<unknown> {
  const res = await fetch(`${worker.url.href}db/${namespace}/`, {
    method: "POST",
    body: JSON.stringify(argv),
    headers: { "Content-Type": "application/json" },
  });
  const body = (await res.json()) as { result?: unknown; error?: string };
  if (body.error) throw new Error(body.error);
  return body.result;
}

function targets(): Target[] {
  return [
    {
      name: "ours",
      port: muxPort,
      publishElsewhere: async (c, m) => Number(await rest("PUBLISH", c, m)),
    },
    {
      name: "redis",
      port: redis.port,
      async publishElsewhere(c, m) {
        const p = ioredisClient(redis.port);
        await p.connect();
        try {
          return await p.publish(c, m);
        } finally {
          p.disconnect();
        }
      },
    },
  ];
}

/** Resolves once `done()` holds, or throws after `ms`. */
async function until(done: () => boolean, what: string, ms = DELIVERY_WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** An ioredis subscriber's session: channels and a pattern, published from two doors. */
async function ioredisSession(t: Target, protocol: 2 | 3, k: string): Promise<unknown> {
  const sub = ioredisClient(t.port, { protocol });
  const pub = ioredisClient(t.port, { protocol });
  await sub.connect();
  await pub.connect();
  const got: string[] = [];
  sub.on("message", (ch: string, m: string) => got.push(`message ${ch} ${m}`));
  sub.on("pmessage", (p: string, ch: string, m: string) => got.push(`pmessage ${p} ${ch} ${m}`));
  const out: Record<string, unknown> = {};
  try {
    out.subscribe = await sub.subscribe(`${k}:a`, `${k}:b`);
    out.psubscribe = await sub.psubscribe(`${k}:*`);
    out.numsub = await pub.pubsub("NUMSUB", `${k}:a`, `${k}:none`);
    out.published = [
      await pub.publish(`${k}:a`, "one"),
      await pub.publish(`${k}:b`, "two"),
      await t.publishElsewhere(`${k}:a`, "three"),
      await pub.publish(`${k}:c`, "four"),
      await pub.publish(`${k}:none-of-these`, "x"),
    ];
    await until(() => got.length >= 8, "8 messages");
    // RESP3 allows every command while subscribed; RESP2 clients refuse them on their side.
    if (protocol === 3) out.getWhileSubscribed = await settle(sub.get(`${k}:missing`));
    out.unsubscribe = await sub.unsubscribe(`${k}:a`);
    out.afterUnsubscribe = await pub.publish(`${k}:a`, "five");
    await until(() => got.length >= 9, "9 messages");
    // Named: ioredis 6 waits forever on a bare PUNSUBSCRIBE (against redis-server too).
    out.punsubscribe = await sub.punsubscribe(`${k}:*`);
    out.unsubscribeAll = await sub.unsubscribe(`${k}:b`);
    out.ping = await sub.ping();
    out.got = got.sort();
  } finally {
    sub.disconnect();
    pub.disconnect();
  }
  return plain(out);
}

/** A node-redis subscriber's session (RESP2: a client in pub/sub mode; RESP3: the same client). */
async function nodeRedisSession(t: Target, RESP: 2 | 3, k: string): Promise<unknown> {
  const sub = await nodeRedisClient(t.port, { RESP });
  const pub = await nodeRedisClient(t.port, { RESP });
  const got: string[] = [];
  const out: Record<string, unknown> = {};
  try {
    await sub.subscribe([`${k}:a`, `${k}:b`], (m: string, ch: string) =>
      got.push(`message ${ch} ${m}`),
    );
    await sub.pSubscribe(`${k}:*`, (m: string, ch: string) => got.push(`pmessage ${ch} ${m}`));
    out.numpat = await pub.pubSubNumPat();
    out.published = [
      await pub.publish(`${k}:a`, "one"),
      await t.publishElsewhere(`${k}:b`, "two"),
      await pub.publish(`${k}:c`, "three"),
    ];
    await until(() => got.length >= 5, "5 messages");
    if (RESP === 3) out.getWhileSubscribed = await settle(sub.get(`${k}:missing`));
    await sub.unsubscribe(`${k}:a`);
    out.afterUnsubscribe = await pub.publish(`${k}:a`, "four");
    await until(() => got.length >= 6, "6 messages");
    await sub.pUnsubscribe();
    await sub.unsubscribe();
    out.channels = (await pub.pubSubChannels(`${k}:*`)).sort();
    out.got = got.sort();
  } finally {
    await sub.close().catch(() => {});
    await pub.close().catch(() => {});
  }
  return plain(out);
}

describe.skipIf(!redisToolsAvailable())("real subscribers through the shim", () => {
  for (const protocol of [2, 3] as const) {
    it(`ioredis, RESP${protocol}: channels and patterns, published on the shim and over REST`, async () => {
      const [ours, theirs] = await Promise.all(
        targets().map((t) => ioredisSession(t, protocol, `io${protocol}`)),
      );
      expect(ours).toEqual(theirs);
      expect((ours as { got: string[] }).got).toHaveLength(9);
      // One WebSocket per connection (--no-mux): the pushes ride its tagged messages.
      const noMux = { ...targets()[0]!, port: wsPort };
      expect(await ioredisSession(noMux, protocol, `io${protocol}`)).toEqual(theirs);
    });

    it(`node-redis, RESP${protocol}: channels and patterns, published on the shim and over REST`, async () => {
      const [ours, theirs] = await Promise.all(
        targets().map((t) => nodeRedisSession(t, protocol, `nr${protocol}`)),
      );
      expect(ours).toEqual(theirs);
      expect((ours as { got: string[] }).got).toHaveLength(6);
    });
  }

  it("redis-cli SUBSCRIBE prints what it prints against redis-server", async () => {
    const run = async (t: Target) => {
      const cli = spawn("redis-cli", ["-h", HOST, "-p", String(t.port), "SUBSCRIBE", "cli:ch"]);
      let out = "";
      cli.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      try {
        await until(() => out.includes("cli:ch\n1\n"), "the subscribe confirmation");
        expect(await t.publishElsewhere("cli:ch", "hello there")).toBe(1);
        await until(() => out.includes("hello there"), "the message");
      } finally {
        cli.kill();
      }
      return out;
    };
    const [ours, theirs] = await Promise.all(targets().map(run));
    expect(ours).toBe(theirs);
    expect(await run({ ...targets()[0]!, port: wsPort })).toBe(theirs);
    expect(ours).toBe("subscribe\ncli:ch\n1\nmessage\ncli:ch\nhello there\n");
  });
});

/** A BLPOP on one connection, woken by an RPUSH on another of the same shim. */
async function blpopWoken(port: number, k: string): Promise<unknown> {
  const waiter = ioredisClient(port);
  const pusher = ioredisClient(port);
  const other = ioredisClient(port);
  await Promise.all([waiter.connect(), pusher.connect(), other.connect()]);
  try {
    await pusher.del(k);
    const t0 = Date.now();
    const popped = waiter.blpop(k, 10);
    await sleep(100);
    // Others behind the same shim socket are served while it waits.
    const p0 = Date.now();
    expect(await other.ping()).toBe("PONG");
    const pingMs = Date.now() - p0;
    const pushed = await pusher.rpush(k, "job-1", "job-2");
    const got = await popped;
    const left = await pusher.lrange(k, 0, -1);
    const timedOut = await waiter.blpop(`${k}:empty`, 0.1);
    return {
      pushed,
      got,
      left,
      timedOut,
      pingFast: pingMs < PING_MAX_MS,
      wokeFast: Date.now() - t0 < 5000,
    };
  } finally {
    waiter.disconnect();
    pusher.disconnect();
    other.disconnect();
  }
}

/** node-redis's blPop woken by another client's push. */
async function nodeRedisBlPop(port: number, k: string, RESP: 2 | 3): Promise<unknown> {
  const a = await nodeRedisClient(port, { RESP });
  const b = await nodeRedisClient(port, { RESP });
  try {
    await b.del(k);
    const popped = a.blPop(k, 10);
    await sleep(100);
    await b.lPush(k, "x");
    return { got: await popped, len: await b.lLen(k) };
  } finally {
    await a.close().catch(() => {});
    await b.close().catch(() => {});
  }
}

describe.skipIf(!redisToolsAvailable())("a blocked client woken through the shim", () => {
  for (const mux of [true, false]) {
    const how = mux ? "multiplexed" : "--no-mux";
    it(`ioredis BLPOP woken by another client's RPUSH (${how})`, async () => {
      const ours = await blpopWoken(mux ? muxPort : wsPort, `bl:${how}`);
      const theirs = await blpopWoken(redis.port, `bl:${how}`);
      expect(ours).toEqual(theirs);
      expect(ours).toMatchObject({ got: [`bl:${how}`, "job-1"], left: ["job-2"], pingFast: true });
    });

    it(`node-redis blPop woken by another client's LPUSH (${how}, RESP2 and RESP3)`, async () => {
      for (const RESP of [2, 3] as const) {
        const ours = await nodeRedisBlPop(mux ? muxPort : wsPort, `nbl:${how}:${RESP}`, RESP);
        expect(ours).toEqual(await nodeRedisBlPop(redis.port, `nbl:${how}:${RESP}`, RESP));
        expect(ours).toEqual({ got: { key: `nbl:${how}:${RESP}`, element: "x" }, len: 0 });
      }
    });

    it(`a BLPOP client that disconnects stops waiting: the next push stays in the list (${how})`, async () => {
      const port = mux ? muxPort : wsPort;
      const k = `gone:${how}`;
      const waiter = ioredisClient(port);
      const pusher = ioredisClient(port);
      await Promise.all([waiter.connect(), pusher.connect()]);
      try {
        await pusher.del(k);
        void waiter.blpop(k, 0).catch(() => {});
        await sleep(100);
        waiter.disconnect();
        await sleep(200);
        expect(await pusher.rpush(k, "kept")).toBe(1);
        expect(await pusher.lrange(k, 0, -1)).toEqual(["kept"]);
      } finally {
        pusher.disconnect();
      }
    });
  }
});

/** What a server answers to `bytes` on a fresh connection, once it has been quiet for a while. */
async function quietReply(port: number, bytes: string, quietMs = 300): Promise<string> {
  const c = await TcpClient.open(port);
  try {
    c.write(bytes);
    let seen = -1;
    while (seen !== c.length) {
      seen = c.length;
      await sleep(quietMs);
    }
    return c.received.toString("latin1");
  } finally {
    c.destroy();
  }
}

/** A RESP command. */
function cmd(...argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** Round trip of a PING on a connection of its own, in ms. */
async function pingMs(port: number): Promise<number> {
  const c = await TcpClient.open(port);
  try {
    const t0 = performance.now();
    c.write(cmd("PING"));
    await c.readUntil("+PONG\r\n");
    return performance.now() - t0;
  } finally {
    c.destroy();
  }
}

describe.skipIf(!redisToolsAvailable())("bad input through the shim", () => {
  it("unknown PUBSUB subcommands and bad timeouts get redis-server's replies", async () => {
    const cases = [
      cmd("PUBSUB", "FOO"),
      cmd("PUBSUB", "numpat", "extra"),
      cmd("PUBSUB"),
      cmd("BLPOP", "k", "-1"),
      cmd("BLPOP", "k", "abc"),
      cmd("BLPOP", "k", ""),
      cmd("BLPOP", "k", "-0.5"),
      cmd("BLPOP", "k", "inf"),
      cmd("BLPOP", "k", "1e400"),
      cmd("BRPOP", "k", "0x10"),
      cmd("BLPOP", "k", "1e16"),
      cmd("BLPOP", "k", "9223372036854776"),
      cmd("BLPOP", "k", "-inf"),
      cmd("BLPOP", "k", "nan"),
      cmd("BLPOP", "k", " 1"),
      cmd("BLMOVE", "k", "d", "LEFT", "RIGHT", "-1"),
      cmd("BRPOPLPUSH", "k", "d", "nan"),
      cmd("BZPOPMIN", "k", "abc"),
      cmd("BZMPOP", "-1", "1", "k", "MIN"),
      cmd("BLMPOP", "abc", "1", "k", "LEFT"),
      cmd("XREAD", "BLOCK", "-1", "STREAMS", "s", "$"),
      cmd("XREAD", "BLOCK", "1.5", "STREAMS", "s", "$"),
      cmd("BLPOP", "k", "0.01"),
      cmd("PING"),
    ];
    // All at once: each case has a connection of its own and waits out its own quiet time.
    const replies = await Promise.all(
      cases.map((c) => Promise.all([quietReply(muxPort, c), quietReply(redis.port, c)])),
    );
    expect(replies.map(([ours], i) => ({ c: cases[i], ours }))).toEqual(
      replies.map(([, theirs], i) => ({ c: cases[i], ours: theirs })),
    );
  });

  it(`100,000 subscriptions on one connection: the next is refused, others are served`, async () => {
    const sub = await TcpClient.open(muxPort);
    const PER_COMMAND = 1000;
    const t0 = performance.now();
    const pings: number[] = [];
    try {
      for (let i = 0; i < SUBSCRIPTIONS_MAX_PER_CONN; i += PER_COMMAND) {
        const names = Array.from({ length: PER_COMMAND }, (_, j) => `many:${i + j}`);
        sub.write(cmd("SUBSCRIBE", ...names));
        if (i % (20 * PER_COMMAND) === 0) pings.push(await pingMs(muxPort));
      }
      await sub.readUntil(`:${SUBSCRIPTIONS_MAX_PER_CONN}\r\n`, 60_000);
      const subscribeMs = performance.now() - t0;
      const before = sub.length;
      // One new name too many: the whole command is refused, the name it already has is no news.
      sub.write(cmd("SUBSCRIBE", "many:0", "many:one-too-many"));
      sub.write(cmd("PSUBSCRIBE", "many:*"));
      sub.write(cmd("SUBSCRIBE", "many:5"));
      await sub.readUntil(`$6\r\nmany:5\r\n:${SUBSCRIPTIONS_MAX_PER_CONN}\r\n`);
      const after = sub.received.subarray(before).toString();
      const tooMany = `-ERR too many subscriptions on one connection (max ${SUBSCRIPTIONS_MAX_PER_CONN})\r\n`;
      expect(after).toBe(
        `${tooMany}${tooMany}*3\r\n$9\r\nsubscribe\r\n$6\r\nmany:5\r\n:${SUBSCRIPTIONS_MAX_PER_CONN}\r\n`,
      );
      // Not half-subscribed: the refused command added none of its names.
      expect(await rest("PUBSUB", "NUMSUB", "many:one-too-many", "many:0", "many:99999")).toEqual([
        "many:one-too-many",
        0,
        "many:0",
        1,
        "many:99999",
        1,
      ]);
      expect(await rest("PUBLISH", "many:77777", "hi")).toBe(1);
      await sub.readUntil("$10\r\nmany:77777\r\n$2\r\nhi\r\n");
      pings.push(await pingMs(muxPort));
      console.log(
        `realtime: 100,000 subscriptions in ${Math.round(subscribeMs)} ms; another client's PING ${pings.map((p) => p.toFixed(1)).join(", ")} ms`,
      );
      expect(Math.max(...pings)).toBeLessThan(PING_MAX_MS * 2);
    } finally {
      sub.destroy();
    }
    // The connection's subscriptions end with it.
    const deadline = Date.now() + DELIVERY_WAIT_MS;
    while ((await rest("PUBLISH", "many:5", "x")) !== 0 && Date.now() < deadline) await sleep(50);
    expect(await rest("PUBLISH", "many:5", "x")).toBe(0);
  }, 120_000);

  it("a pattern of 10,000 '*' is refused with a clear error; a long legal one matches quickly", async () => {
    const c = await TcpClient.open(muxPort);
    try {
      c.write(cmd("PSUBSCRIBE", "*".repeat(10_000)));
      await c.readUntil("\r\n");
      expect(c.received.toString()).toBe(
        `-ERR pattern too long (max ${PUBSUB_PATTERN_MAX_BYTES} bytes)\r\n`,
      );
      const longest = "*".repeat(PUBSUB_PATTERN_MAX_BYTES - 1) + "x";
      c.write(cmd("PSUBSCRIBE", longest));
      await c.readUntil(":1\r\n");
      const t0 = performance.now();
      expect(await rest("PUBLISH", "a".repeat(10_000), "m")).toBe(0);
      expect(await rest("PUBLISH", "a".repeat(100) + "x", "m")).toBe(1);
      expect(performance.now() - t0).toBeLessThan(PING_MAX_MS);
      expect(await pingMs(muxPort)).toBeLessThan(PING_MAX_MS);
    } finally {
      c.destroy();
    }
  });

  for (const mux of [true, false]) {
    it(`a subscriber that never reads is closed past PUBSUB_OUTPUT_MAX_BYTES; the publisher goes on (${mux ? "multiplexed" : "--no-mux"})`, async () => {
      const port = mux ? muxPort : wsPort;
      const shim = shims[mux ? 0 : 1]!;
      const ch = `slow:${mux}`;
      const sub = await TcpClient.open(port);
      sub.write(cmd("SUBSCRIBE", ch));
      await sub.readUntil(":1\r\n");
      sub.socket.pause();
      const pub = ioredisClient(port);
      await pub.connect();
      const MESSAGE = "m".repeat(256 * 1024);
      const rss0 = process.memoryUsage().rss;
      let published = 0;
      let rssMax = rss0;
      try {
        // At most 4 times the limit: it must have closed the subscriber long before.
        const most = (4 * PUBSUB_OUTPUT_MAX_BYTES) / MESSAGE.length;
        while (published < most) {
          const receivers = await pub.publish(ch, MESSAGE);
          published++;
          rssMax = Math.max(rssMax, process.memoryUsage().rss);
          if (receivers === 0) break;
        }
        const sentMb = (published * MESSAGE.length) / 2 ** 20;
        console.log(
          `realtime: a subscriber that never reads (${mux ? "mux" : "--no-mux"}) closed after ${published} messages (${sentMb.toFixed(0)} MiB published); shim process RSS +${((rssMax - rss0) / 2 ** 20).toFixed(0)} MiB`,
        );
        expect(published).toBeLessThan(most);
        expect(shim.logs.some((l) => l.includes("output limit"))).toBe(true);
        // The publisher and others go on.
        expect(await pub.publish(ch, "after")).toBe(0);
        expect(await pingMs(port)).toBeLessThan(PING_MAX_MS);
      } finally {
        pub.disconnect();
        sub.destroy();
      }
    }, 120_000);
  }
});

describe("the shim's idle timeout spares blocked and subscribed clients, as Redis's does", () => {
  const IDLE_MS = 400;
  for (const mux of [true, false]) {
    it(`a BLPOP past the idle time answers; a quiet subscriber stays; an unsubscribed one is closed (${mux ? "multiplexed" : "--no-mux"})`, async () => {
      const shim = await startShim({
        url: `${worker.url.href}db/${namespace}`,
        listen: { redis: { host: HOST, port: 0 } },
        mux,
        idleTimeoutMs: IDLE_MS,
        log: () => {},
      });
      const port = shim.listeners[0]!.address.port;
      const waiter = ioredisClient(port);
      const sub = ioredisClient(port);
      const pub = ioredisClient(port);
      try {
        await waiter.connect();
        expect(await waiter.blpop(`idle:${mux}`, (IDLE_MS * 3) / 1000)).toBeNull();
        await sub.connect();
        const got: string[] = [];
        sub.on("message", (_c: string, m: string) => got.push(m));
        await sub.subscribe(`idle:${mux}`);
        await sleep(IDLE_MS * 3);
        await pub.connect();
        expect(await pub.publish(`idle:${mux}`, "still here")).toBe(1);
        await until(() => got.length === 1, "the message");
        await sub.unsubscribe(`idle:${mux}`);
        await until(() => sub.status === "end", "the idle close", IDLE_MS * 10);
      } finally {
        waiter.disconnect();
        sub.disconnect();
        pub.disconnect();
        await shim.close();
      }
    });
  }
});

/** A raw session: each step's bytes once the server is quiet; `publish` steps use another connection. */
async function rawSession(
  port: number,
  steps: (string | { publish: [string, string] } | { other: string[] })[],
  quietMs = 150,
): Promise<string[]> {
  const c = await TcpClient.open(port);
  const p = await TcpClient.open(port);
  const out: string[] = [];
  const quiet = async (t: TcpClient, from: number) => {
    let seen = -1;
    while (seen !== t.length) {
      seen = t.length;
      await sleep(quietMs);
    }
    return t.received.subarray(from).toString("latin1");
  };
  try {
    for (const s of steps) {
      const from = c.length;
      if (typeof s === "string") c.write(s);
      else {
        const pf = p.length;
        const argv = "publish" in s ? ["PUBLISH", ...s.publish] : s.other;
        p.write(cmd(...argv));
        out.push(`${argv[0]} -> ${await quiet(p, pf)}`);
      }
      out.push(await quiet(c, from));
    }
  } finally {
    c.destroy();
    p.destroy();
  }
  return out;
}

describe.skipIf(!redisToolsAvailable())(
  "raw pub/sub sessions byte for byte with redis-server",
  () => {
    const steps = (resp3: boolean) => [
      ...(resp3 ? [cmd("HELLO", "3")] : []),
      cmd("SUBSCRIBE", "raw:a", "raw:b"),
      cmd("PSUBSCRIBE", "raw:*"),
      cmd("SUBSCRIBE", "raw:a"),
      { publish: ["raw:a", "m1"] as [string, string] },
      { publish: ["raw:zzz", "m2"] as [string, string] },
      cmd("PING"),
      cmd("PING", "hi"),
      cmd("GET", "raw:key"),
      cmd("PUBSUB", "NUMPAT"),
      cmd("UNSUBSCRIBE", "raw:a", "raw:nope"),
      cmd("PUNSUBSCRIBE"),
      cmd("UNSUBSCRIBE"),
      cmd("UNSUBSCRIBE"),
      cmd("PING"),
      cmd("SSUBSCRIBE", "raw:s"),
      cmd("SUNSUBSCRIBE"),
      cmd("PSUBSCRIBE", "raw:x*"),
      cmd("RESET"),
      cmd("PING"),
    ];
    for (const resp3 of [false, true]) {
      for (const mux of [true, false]) {
        it(`RESP${resp3 ? 3 : 2} (${mux ? "multiplexed" : "--no-mux"})`, async () => {
          const s = steps(resp3);
          const [ours, theirs] = await Promise.all([
            rawSession(mux ? muxPort : wsPort, s),
            rawSession(redis.port, s),
          ]);
          // HELLO's map names the server's version and the client id.
          if (resp3) ours[0] = theirs[0]!;
          expect(ours).toEqual(theirs);
        });
      }
    }
  },
);

const BLOCKING_QUIET_MS = 400;

// The four sessions run at once (keys of their own; each mostly waits out its quiet times).
describe
  .skipIf(!redisToolsAvailable())
  .concurrent("raw blocking sessions byte for byte with redis-server", () => {
    const steps = (resp3: boolean, k: string) => [
      ...(resp3 ? [cmd("HELLO", "3")] : []),
      cmd("DEL", `${k}:l`, `${k}:z`, `${k}:d`),
      cmd("BLPOP", `${k}:l`, "0"),
      { other: ["RPUSH", `${k}:l`, "a", "b"] },
      cmd("BRPOP", `${k}:l`, "0.1"),
      cmd("BRPOP", `${k}:l`, "0.1"),
      cmd("BLMOVE", `${k}:l`, `${k}:d`, "LEFT", "RIGHT", "0"),
      { other: ["LPUSH", `${k}:l`, "c"] },
      cmd("BZPOPMIN", `${k}:z`, "0"),
      { other: ["ZADD", `${k}:z`, "2", "two", "1", "one"] },
      cmd("BLMPOP", "0", "1", `${k}:l`, "LEFT", "COUNT", "2"),
      { other: ["RPUSH", `${k}:l`, "x", "y", "z"] },
      cmd("MULTI"),
      cmd("BLPOP", `${k}:empty`, "0"),
      cmd("EXEC"),
      cmd("BZMPOP", "0.05", "1", `${k}:z`, "MAX"),
      cmd("BZMPOP", "0.05", "1", `${k}:z`, "MAX"),
      cmd("LRANGE", `${k}:d`, "0", "-1"),
    ];
    for (const resp3 of [false, true]) {
      for (const mux of [true, false]) {
        it(`RESP${resp3 ? 3 : 2} (${mux ? "multiplexed" : "--no-mux"})`, async () => {
          const k = `rawbl:${resp3}:${mux}`;
          const [ours, theirs] = await Promise.all([
            // Quiet for longer than a 0.1 s timeout takes: redis-server checks them 10 times a second.
            rawSession(mux ? muxPort : wsPort, steps(resp3, k), BLOCKING_QUIET_MS),
            rawSession(redis.port, steps(resp3, k), BLOCKING_QUIET_MS),
          ]);
          if (resp3) ours[0] = theirs[0]!;
          expect(ours).toEqual(theirs);
        });
      }
    }
  });
