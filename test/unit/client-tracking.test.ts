// Client-side caching (CLIENT TRACKING, issue 16): the engine with sinks that record what each
// connection's door would send, and the same multi-client sessions beside a real redis-server
// 7.0.15, compared byte for byte per connection (client ids normalised).

import { connect } from "node:net";
import type { Socket } from "node:net";
import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import type { ConnState } from "../../src/engine/conn-state.ts";
import { Engine } from "../../src/engine/engine.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";
import { redisAvailable } from "./support/engine-vs-redis.ts";
import { startRedisServer } from "./support/redis-server.ts";

const text = (rs: readonly Reply[], proto: 2 | 3) =>
  new TextDecoder().decode(encodeResp(rs, proto));

/** An engine with `n` attached connections; `out[i]` is everything connection i received. */
function session(n: number, firstId = 1) {
  const engine = new Engine(COMMANDS, "t");
  engine.nextClientId = firstId;
  const conns: ConnState[] = [];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = newConn(engine.nextClientId++, { authed: true, readonly: false });
    conns.push(c);
    out.push("");
    engine.attach(c, { deliver: (rs) => (out[i] += text(rs, c.resp)) });
  }
  let now = 1000;
  /** Runs commands as connection i; returns the batch's own replies (also added to out[i]). */
  const run = (i: number, ...cmds: string[][]): string => {
    const c = conns[i]!;
    const replies = engine.run(
      "redis",
      c,
      cmds.map((argv) => ({ argv })),
      now++,
    );
    const s = text(replies, c.resp);
    out[i] += s;
    if (c.closing) engine.detach(c);
    return s;
  };
  /** What connection i received since the last take. */
  const take = (i: number): string => {
    const s = out[i]!;
    out[i] = "";
    return s;
  };
  return { engine, conns, out, run, take, tick: (ms: number) => (now += ms) };
}

const push3 = (...keys: string[]) =>
  `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n` +
  keys.map((k) => `$${Buffer.byteLength(k)}\r\n${k}\r\n`).join("");
const message2 = (...keys: string[]) =>
  `*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*${keys.length}\r\n` +
  keys.map((k) => `$${Buffer.byteLength(k)}\r\n${k}\r\n`).join("");

describe("CLIENT TRACKING in the engine", () => {
  it("default mode: a read key is invalidated once, on its next change, by another client", () => {
    const { run, take } = session(2);
    run(0, ["HELLO", "3"]);
    take(0);
    expect(run(0, ["CLIENT", "TRACKING", "on"])).toBe("+OK\r\n");
    run(1, ["SET", "a", "1"], ["SET", "b", "1"]);
    run(0, ["GET", "a"]);
    take(0);
    run(1, ["INCR", "b"]);
    expect(take(0)).toBe("");
    run(1, ["INCR", "a"]);
    expect(take(0)).toBe(push3("a"));
    run(1, ["INCR", "a"]);
    expect(take(0)).toBe("");
  });

  it("a client's own write: the invalidation follows its reply; NOLOOP drops it", () => {
    const { run, take } = session(1);
    run(
      0,
      ["HELLO", "3"],
      ["CLIENT", "TRACKING", "on"],
      ["HSET", "h", "f", "1"],
      ["HGET", "h", "f"],
    );
    take(0);
    expect(run(0, ["HDEL", "h", "f"])).toBe(":1\r\n" + push3("h"));
    run(0, ["MSET", "a", "1", "b", "2"], ["GET", "a"]);
    take(0);
    expect(run(0, ["MULTI"], ["INCR", "a"], ["GET", "b"], ["EXEC"])).toBe(
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:2\r\n$1\r\n2\r\n" + push3("a"),
    );
    run(0, ["CLIENT", "TRACKING", "on", "NOLOOP"], ["GET", "a"]);
    take(0);
    expect(run(0, ["SET", "a", "9"])).toBe("+OK\r\n");
  });

  it("REDIRECT to a RESP2 subscriber of __redis__:invalidate, and to a RESP3 client", () => {
    const { conns, run, take } = session(3);
    const [, redir] = conns;
    run(1, ["SUBSCRIBE", "__redis__:invalidate"]);
    take(1);
    run(0, ["CLIENT", "TRACKING", "on", "REDIRECT", String(redir!.id)], ["GET", "k"]);
    expect(run(0, ["CLIENT", "GETREDIR"])).toBe(`:${redir!.id}\r\n`);
    run(2, ["SET", "k", "v"]);
    expect(take(1)).toBe(message2("k"));
    run(1, ["UNSUBSCRIBE"], ["HELLO", "3"]);
    take(1);
    run(0, ["GET", "k"]);
    run(2, ["DEL", "k"]);
    expect(take(1)).toBe(push3("k"));
    expect(take(0)).not.toContain("invalidate");
  });

  it("a redirect target that went away: tracking-redir-broken, flag R and broken_redirect", () => {
    const { conns, run, take, engine } = session(3);
    run(0, ["HELLO", "3"], ["CLIENT", "TRACKING", "on", "REDIRECT", String(conns[1]!.id)]);
    run(0, ["GET", "k"]);
    take(0);
    run(1, ["QUIT"]);
    expect(engine.conns.has(conns[1]!.id)).toBe(false);
    run(2, ["SET", "k", "1"]);
    expect(take(0)).toBe(`>2\r\n$21\r\ntracking-redir-broken\r\n:${conns[1]!.id}\r\n`);
    expect(run(0, ["CLIENT", "INFO"])).toMatch(/ flags=tR .* redir=2 /);
    expect(run(0, ["CLIENT", "TRACKINGINFO"])).toBe(
      "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:2\r\n$8\r\nprefixes\r\n*0\r\n",
    );
  });

  it("BCAST with prefixes: one message per prefix per batch, keys sorted; NOLOOP skips own keys", () => {
    const { conns, run, take } = session(3);
    run(1, ["SUBSCRIBE", "__redis__:invalidate"]);
    take(1);
    const r = String(conns[1]!.id);
    run(0, ["CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", r, "PREFIX", "a:", "PREFIX", "b:"]);
    run(0, ["MULTI"], ["INCR", "b:2"], ["INCR", "a:2"], ["INCR", "a:1"], ["INCR", "c:1"], ["EXEC"]);
    expect(take(1)).toBe(message2("a:1", "a:2") + message2("b:2"));
    run(
      0,
      ["CLIENT", "TRACKING", "off"],
      ["CLIENT", "TRACKING", "on", "BCAST", "NOLOOP", "REDIRECT", r],
    );
    run(2, ["SET", "x", "1"]);
    run(0, ["SET", "mine", "1"]);
    run(2, ["SET", "y", "1"]);
    expect(take(1)).toBe(message2("x") + message2("y"));
    expect(run(0, ["CLIENT", "INFO"])).toMatch(/ flags=tB /);
  });

  it("OPTIN with CLIENT CACHING YES, OPTOUT with CLIENT CACHING NO: one command each", () => {
    const { run, take } = session(2);
    run(0, ["HELLO", "3"], ["CLIENT", "TRACKING", "on", "OPTIN"], ["GET", "a"]);
    run(0, ["CLIENT", "CACHING", "yes"], ["GET", "b"], ["GET", "c"]);
    take(0);
    run(1, ["MSET", "a", "1", "b", "1", "c", "1"]);
    expect(take(0)).toBe(push3("b"));
    run(0, ["CLIENT", "TRACKING", "off"], ["CLIENT", "TRACKING", "on", "OPTOUT"]);
    run(0, ["CLIENT", "CACHING", "no"], ["GET", "a"], ["GET", "b"]);
    take(0);
    run(1, ["MSET", "a", "2", "b", "2"]);
    expect(take(0)).toBe(push3("b"));
    expect(run(0, ["CLIENT", "CACHING", "yes"])).toContain(
      "only valid when tracking is enabled in OPTIN",
    );
  });

  it("FLUSHALL and FLUSHDB send one null invalidation and empty the table", () => {
    const { run, take, engine } = session(2);
    run(0, ["HELLO", "3"], ["CLIENT", "TRACKING", "on"], ["GET", "a"], ["GET", "b"]);
    take(0);
    expect(engine.tracking.keyCount).toBe(2);
    run(1, ["SELECT", "3"], ["SET", "z", "1"], ["FLUSHALL"]);
    expect(take(0)).toBe(">2\r\n$10\r\ninvalidate\r\n_\r\n");
    expect(engine.tracking.keyCount).toBe(0);
    run(0, ["GET", "a"]);
    take(0);
    expect(run(0, ["MULTI"], ["FLUSHDB"], ["EXEC"])).toBe(
      "+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n",
    );
  });

  it("expired keys are invalidated, and the table limit invalidates the oldest keys", () => {
    const { run, take, tick, engine } = session(2);
    run(0, ["HELLO", "3"], ["CLIENT", "TRACKING", "on"]);
    run(1, ["SET", "e", "1", "PX", "10"]);
    run(0, ["GET", "e"], ["GET", "k1"], ["GET", "k2"], ["GET", "k3"]);
    take(0);
    tick(50);
    run(1, ["PING"]);
    expect(take(0)).toBe(push3("e"));
    run(1, ["CONFIG", "SET", "tracking-table-max-keys", "1"]);
    expect(take(0)).toBe(push3("k1") + push3("k2"));
    expect(engine.tracking.keyCount).toBe(1);
  });

  it("the table limit tells a NOLOOP client too (its keys did not change, they were dropped)", () => {
    const { conns, run, take } = session(2);
    run(1, ["SUBSCRIBE", "__redis__:invalidate"]);
    take(1);
    run(0, ["CLIENT", "TRACKING", "on", "REDIRECT", String(conns[1]!.id), "NOLOOP"]);
    run(0, ["MSET", "key1", "1", "key2", "2"], ["MGET", "key1", "key2"]);
    run(0, ["CONFIG", "SET", "tracking-table-max-keys", "1"]);
    expect(take(1)).toBe(message2("key1"));
  });

  it("a connection back from hibernation is tracked again and told to drop everything", () => {
    const { conns, run, take, engine } = session(2);
    run(0, ["HELLO", "3"], ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:"]);
    take(0);
    // A fresh engine (the object's memory was lost) meets the same connection context again.
    const fresh = new Engine(COMMANDS, "t");
    let got = "";
    fresh.attach(conns[0]!, { deliver: (rs) => (got += text(rs, 3)) });
    fresh.tracking.restore(conns[0]!);
    expect(got).toBe(">2\r\n$10\r\ninvalidate\r\n_\r\n");
    expect(fresh.tracking.prefixCount).toBe(1);
    fresh.run("redis", conns[1]!, [{ argv: ["SET", "p:1", "x"] }], 5);
    expect(got).toContain(push3("p:1"));
    expect(engine.tracking.prefixCount).toBe(1);
  });

  it("a woken BLMOVE gets its invalidation after its reply", () => {
    const { run, take } = session(2);
    run(0, ["HELLO", "3"], ["CLIENT", "TRACKING", "on"]);
    run(1, ["RPUSH", "l2", "a"]);
    run(0, ["LRANGE", "l2", "0", "-1"]);
    take(0);
    expect(run(0, ["BLMOVE", "l1", "l2", "LEFT", "LEFT", "0"])).toBe("");
    run(1, ["RPUSH", "l1", "foo"]);
    expect(take(0)).toBe("$3\r\nfoo\r\n" + push3("l2"));
  });

  it("scripts: a read inside tracks the declared keys; EVAL_RO itself is no read", () => {
    const { run, take } = session(2);
    run(0, ["HELLO", "3"], ["CLIENT", "TRACKING", "on"]);
    run(0, ["EVAL", "redis.call('set', 'k3', 'bar')", "2", "k1", "k2"]);
    run(1, ["MSET", "k1", "1", "k2", "1"]);
    take(0);
    run(0, ["EVAL", "redis.call('get', 'k3')", "2", "k1", "k2"]);
    run(0, ["EVAL_RO", "redis.call('ping')", "1", "k9"]);
    take(0);
    run(1, ["MSET", "k2", "2", "k1", "2", "k9", "1"]);
    expect(take(0)).toBe(push3("k2") + push3("k1"));
  });

  it("INFO counts, CLIENT LIST flags, RESET and a closed connection turn tracking off", () => {
    const { conns, run, take, engine } = session(3);
    run(
      0,
      ["CLIENT", "TRACKING", "on", "REDIRECT", String(conns[2]!.id)],
      ["GET", "k1"],
      ["GET", "k2"],
    );
    run(1, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "prefix:"]);
    const info = run(2, ["INFO"]);
    expect(info).toContain("tracking_clients:2\r\n");
    expect(info).toContain("tracking_total_keys:2\r\n");
    expect(info).toContain("tracking_total_items:2\r\n");
    expect(info).toContain("tracking_total_prefixes:1\r\n");
    run(1, ["RESET"]);
    engine.detach(conns[0]!);
    expect(engine.tracking.clients.size).toBe(0);
    expect(engine.tracking.prefixCount).toBe(0);
    expect(run(2, ["CLIENT", "GETREDIR"])).toBe(":-1\r\n");
    take(2);
  });

  it("nobody tracking: the store reports no changes", () => {
    const { run, engine } = session(1);
    run(0, ["SET", "a", "1"]);
    expect(engine.dbs.shared.observer).toBeNull();
    run(0, ["CLIENT", "TRACKING", "on"]);
    expect(engine.dbs.shared.observer).not.toBeNull();
    run(0, ["CLIENT", "TRACKING", "off"]);
    expect(engine.dbs.shared.observer).toBeNull();
  });

  it("without a connection that can receive pushes, CLIENT TRACKING ON is refused", () => {
    const engine = new Engine(COMMANDS, "t");
    const c = newConn(engine.nextClientId++, { authed: true, readonly: false });
    const r = text(engine.run("redis", c, [{ argv: ["CLIENT", "TRACKING", "on"] }], 1), 2);
    expect(r).toMatch(/^-ERR CLIENT TRACKING needs a connection/);
  });
});

// ---- beside redis-server ----------------------------------------------------------------------

/** One step of a session: which client runs which command (`$N` is client N's id). */
type Step = [client: number, argv: string[]];

/** Quiet time after a step's reply for redis-server's pushes to other clients to arrive. */
const SETTLE_MS = 20;
/** A step with no reply (CLIENT REPLY OFF, a QUIT'd socket) is taken as answered after this. */
const NO_REPLY_MS = 300;
const POLL_MS = 5;

class RedisClients {
  readonly out: string[] = [];
  readonly ids: number[] = [];
  private readonly socks: Socket[] = [];
  readonly proc: ChildProcess;
  private constructor(proc: ChildProcess) {
    this.proc = proc;
  }

  static async start(n: number): Promise<RedisClients> {
    const { proc, port, sock } = await startRedisServer(["--maxmemory", "256mb"]);
    sock.destroy();
    const rc = new RedisClients(proc);
    for (let i = 0; i < n; i++) {
      const s = await new Promise<Socket>((res, rej) => {
        const x = connect(port, "127.0.0.1", () => res(x));
        x.once("error", rej);
      });
      rc.out.push("");
      s.on("data", (d: Buffer) => (rc.out[i] += d.toString("latin1")));
      rc.socks.push(s);
    }
    for (let i = 0; i < n; i++) {
      await rc.send(i, ["CLIENT", "ID"]);
      rc.ids.push(Number(/^:(\d+)/.exec(rc.out[i]!)![1]));
      rc.out[i] = "";
    }
    return rc;
  }

  /**
   * Sends a command and waits until client i has read something (or NO_REPLY_MS passed: CLIENT
   * REPLY OFF) and no socket has read anything for SETTLE_MS (pushes to the others).
   */
  async send(i: number, argv: string[]): Promise<void> {
    let b = `*${argv.length}\r\n`;
    for (const a of argv) b += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
    const total = () => this.out.reduce((n, s) => n + s.length, 0);
    const mine = this.out[i]!.length;
    const start = Date.now();
    this.socks[i]!.write(b);
    let seen = total();
    let quietSince = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const now = Date.now();
      if (total() !== seen) {
        seen = total();
        quietSince = now;
      }
      const answered = this.out[i]!.length > mine || now - start > NO_REPLY_MS;
      if (answered && now - quietSince >= SETTLE_MS) return;
    }
  }

  stop(): void {
    for (const s of this.socks) s.destroy();
    this.proc.kill();
  }
}

const withIds = (argv: string[], ids: readonly number[]) =>
  argv.map((a) => (/^\$\d$/.test(a) ? String(ids[Number(a.slice(1))]) : a));

const SESSIONS: Record<string, { clients: number; steps: Step[] }> = {
  "default mode, RESP2 redirect, RESP3 self, NOLOOP, OPTIN/OPTOUT": {
    clients: 3,
    steps: [
      [1, ["SUBSCRIBE", "__redis__:invalidate"]],
      [0, ["CLIENT", "TRACKING", "on", "REDIRECT", "$1"]],
      [2, ["SET", "a", "1"]],
      [0, ["GET", "a"]],
      [0, ["MGET", "a", "b", "c"]],
      [2, ["INCR", "a"]],
      [2, ["MSET", "b", "1", "c", "2"]],
      [0, ["CLIENT", "GETREDIR"]],
      [0, ["CLIENT", "LIST", "ID", "$0"]],
      [0, ["CLIENT", "TRACKING", "on", "REDIRECT", "$1", "REDIRECT", "$1"]],
      [0, ["CLIENT", "TRACKING", "on", "REDIRECT", "999999"]],
      [0, ["CLIENT", "TRACKING", "on", "REDIRECT", "x"]],
      [0, ["CLIENT", "TRACKING", "on", "PREFIX", "a"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST"]],
      [0, ["CLIENT", "TRACKING", "maybe"]],
      [0, ["CLIENT", "TRACKING", "on", "foo"]],
      [0, ["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"]],
      [0, ["CLIENT", "TRACKING", "on", "OPTIN"]],
      [0, ["CLIENT", "TRACKING", "on", "OPTOUT"]],
      [0, ["CLIENT", "CACHING", "no"]],
      [0, ["CLIENT", "CACHING", "maybe"]],
      [0, ["GET", "a"]],
      [0, ["CLIENT", "CACHING", "yes"]],
      [0, ["CLIENT", "TRACKINGINFO"]],
      [0, ["GET", "b"]],
      [0, ["CLIENT", "TRACKINGINFO"]],
      [2, ["MSET", "a", "3", "b", "3"]],
      [0, ["HELLO", "3"]],
      [0, ["CLIENT", "TRACKING", "off"]],
      [0, ["CLIENT", "CACHING", "yes"]],
      [0, ["CLIENT", "TRACKING", "on", "NOLOOP"]],
      [0, ["GET", "x"]],
      [0, ["GET", "y"]],
      [0, ["SET", "x", "1"]],
      [2, ["SET", "y", "1"]],
      [0, ["GET", "x"]],
      [0, ["CLIENT", "TRACKING", "on"]],
      [0, ["SET", "x", "2"]],
      [0, ["CLIENT", "TRACKINGINFO"]],
      [0, ["MULTI"]],
      [0, ["GET", "x"]],
      [0, ["SET", "x", "3"]],
      [0, ["EXEC"]],
      [2, ["FLUSHALL"]],
      [0, ["GET", "x"]],
      [0, ["FLUSHDB"]],
      [0, ["CLIENT", "GETREDIR"]],
      [0, ["CLIENT", "TRACKING", "off"]],
      [0, ["CLIENT", "GETREDIR"]],
      [0, ["CLIENT", "TRACKINGINFO"]],
    ],
  },
  "BCAST prefixes, overlaps, NOLOOP and a broken redirect": {
    clients: 4,
    steps: [
      [1, ["SUBSCRIBE", "__redis__:invalidate"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "FOOBAR"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a:", "PREFIX", "b:", "REDIRECT", "$1"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a:"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"]],
      [0, ["CLIENT", "TRACKING", "on"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "c:", "REDIRECT", "$1"]],
      [0, ["CLIENT", "TRACKINGINFO"]],
      [0, ["CLIENT", "LIST", "ID", "$0"]],
      [2, ["MSET", "a:2", "1", "a:1", "1", "b:1", "1", "d:1", "1"]],
      [2, ["SET", "c:9", "1"]],
      [0, ["CLIENT", "TRACKING", "off"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "NOLOOP", "REDIRECT", "$1"]],
      [2, ["SET", "other", "1"]],
      [0, ["SET", "mine", "1"]],
      [0, ["HELLO", "3"]],
      [3, ["HELLO", "3"]],
      [3, ["CLIENT", "TRACKING", "on", "REDIRECT", "$1"]],
      [3, ["GET", "k"]],
      [1, ["QUIT"]],
      [2, ["SET", "k", "1"]],
      [3, ["CLIENT", "TRACKINGINFO"]],
      [3, ["CLIENT", "LIST", "ID", "$3"]],
      [2, ["SET", "q", "1"]],
      [0, ["CLIENT", "TRACKINGINFO"]],
      [0, ["CLIENT", "TRACKING", "off"]],
      [3, ["CLIENT", "TRACKING", "off"]],
    ],
  },
  "RESP3 on the same connection: replies first, scripts, CLIENT REPLY OFF, SWAPDB, BCAST": {
    clients: 2,
    steps: [
      [0, ["HELLO", "3"]],
      [0, ["CLIENT", "TRACKING", "on"]],
      [0, ["HSET", "h", "f", "1"]],
      [0, ["HGET", "h", "f"]],
      [0, ["HDEL", "h", "f"]],
      [0, ["MSET", "a", "1", "b", "2"]],
      [0, ["GET", "a"]],
      [0, ["MULTI"]],
      [0, ["INCR", "a"]],
      [0, ["GET", "b"]],
      [0, ["EXEC"]],
      [1, ["SET", "b", "3"]],
      [0, ["EVAL", "return redis.call('get', KEYS[1])", "1", "s1"]],
      [0, ["EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "s1"]],
      [0, ["EVAL_RO", "return redis.call('ping')", "1", "s2"]],
      [1, ["SET", "s2", "1"]],
      [0, ["GET", "r"]],
      [0, ["CLIENT", "REPLY", "OFF"]],
      [1, ["SET", "r", "1"]],
      [0, ["GET", "r"]],
      [0, ["CLIENT", "REPLY", "ON"]],
      [0, ["SWAPDB", "0", "1"]],
      [1, ["SWAPDB", "0", "1"]],
      [0, ["CLIENT", "TRACKING", "off"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "u:"]],
      [0, ["MSET", "u:2", "1", "u:1", "1", "v:1", "1"]],
      [1, ["DEL", "u:1", "v:1"]],
      [1, ["EXPIRE", "u:2", "100"]],
      [1, ["PERSIST", "u:2"]],
      [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "w:", "NOLOOP"]],
      [0, ["SET", "w:1", "1"]],
      [1, ["SET", "w:1", "2"]],
      [0, ["RESET"]],
      [0, ["CLIENT", "TRACKINGINFO"]],
      [1, ["CLIENT", "TRACKINGINFO"]],
    ],
  },
};

describe.skipIf(!redisAvailable())("CLIENT TRACKING beside redis-server", () => {
  const servers: RedisClients[] = [];
  afterAll(() => servers.forEach((s) => s.stop()));

  for (const [name, { clients, steps }] of Object.entries(SESSIONS)) {
    it(
      name,
      async () => {
        const redis = await RedisClients.start(clients);
        servers.push(redis);
        // The same client ids on both sides (redis-server numbers connections in order).
        const ours = session(clients, redis.ids[0]);
        const ourIds = ours.conns.map((c) => c.id);
        expect(ourIds).toEqual(redis.ids);
        for (const [i, argv] of steps) {
          await redis.send(i, withIds(argv, redis.ids));
          ours.run(i, withIds(argv, ourIds));
          // Normalised CLIENT LIST lines differ in fields about sockets; compare flags and redir.
        }
        const strip = (s: string) =>
          s.replace(
            /[$=]\d+\r\n(?:txt:)?id=\S+ addr=.*? flags=(\S+) .* redir=(\S+) .*\n\r\n/g,
            "flags=$1 redir=$2\r\n",
          );
        const theirs = redis.out.map(strip);
        const mine = ours.out.map(strip);
        for (let i = 0; i < clients; i++) expect(mine[i], `client ${i}`).toBe(theirs[i]);
      },
      20000,
    );
  }
});
