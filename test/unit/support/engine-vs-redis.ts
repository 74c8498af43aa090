// Runs the same command scripts through our engine (encoded as RESP) and through a real
// redis-server 7.0.15 and compares them reply for reply, byte for byte, in RESP2 and RESP3
// (spec §15: compare outputs instead of hand-writing expectations). `describeVsRedis` is the
// usual test block; `useRedis` and `expectSameReplies` build the others.

import type { ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { COMMANDS } from "../../../src/engine/commands/index.ts";
import { newConn } from "../../../src/engine/conn-state.ts";
import type { ConnState } from "../../../src/engine/conn-state.ts";
import { Engine } from "../../../src/engine/engine.ts";
import { fromBytes } from "../../../src/engine/bytes.ts";
import { encodeResp } from "../../../src/protocols/resp/resp-encode.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oracleAvailable } from "./redis-oracle.ts";
import { startRedisServer } from "./redis-server.ts";
import { label, multibulk, replyLength, show, sortedReply } from "./resp-bytes.ts";
import type { Argv } from "./resp-bytes.ts";

/** True when redis-server 7.0.15 is installed (the oracle of spec §15). */
export { oracleAvailable as redisAvailable } from "./redis-oracle.ts";
export { replyLength, show } from "./resp-bytes.ts";
export type { Argv } from "./resp-bytes.ts";

/** How much of a command line a failure message names. */
const LABEL_MAX = 200;

/** A private redis-server on a loopback port, spoken to with raw bytes. */
export class RawRedis {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private readonly proc: ChildProcess;
  private readonly sock: Socket;

  private constructor(proc: ChildProcess, sock: Socket) {
    this.proc = proc;
    this.sock = sock;
    sock.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
  }

  /** Starts redis-server on a random port in 20000-29999. */
  static async start(): Promise<RawRedis> {
    const { proc, sock } = await startRedisServer();
    return new RawRedis(proc, sock);
  }

  /** Sends one command and returns its raw reply. */
  async command(argv: Argv): Promise<Buffer> {
    this.sock.write(multibulk(argv));
    for (;;) {
      const n = replyLength(this.buf);
      if (n >= 0) {
        const out = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        return Buffer.from(out);
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  async stop(): Promise<void> {
    this.sock.destroy();
    this.proc.kill();
  }
}

/** Our engine with one RESP connection, answering with raw RESP bytes. */
export class EngineSession {
  readonly engine = new Engine(COMMANDS, "default");
  readonly conn: ConnState = newConn(1, { authed: true, readonly: false });
  now = Date.now();

  /** Runs one command and returns its raw reply. */
  command(argv: Argv): Buffer {
    const args = argv.map((a) => (typeof a === "string" ? a : fromBytes(a)));
    const replies = this.engine.run("redis", this.conn, [{ argv: args }], this.now);
    return Buffer.from(encodeResp(replies, this.conn.resp));
  }
}

/** A script step: a command, or a command whose aggregate replies are compared as multisets. */
export type Step = Argv | { readonly argv: Argv; readonly unordered: true };

/** Marks a command whose reply order is unspecified in Redis (hash-table sets). */
export function unordered(...argv: Argv): Step {
  return { argv, unordered: true };
}

function isUnordered(s: Step): s is { readonly argv: Argv; readonly unordered: true } {
  return !Array.isArray(s);
}

/**
 * Runs a script on a fresh engine and on the flushed redis-server (database 0, no scripts, after
 * `HELLO proto`) and returns [command, ours, redis] for every step, printable; the replies of
 * unordered steps are sorted on both sides first.
 */
export async function runBoth(
  redis: RawRedis,
  script: readonly Step[],
  proto: 2 | 3 = 2,
): Promise<string[][]> {
  await redis.command(["FLUSHALL"]);
  await redis.command(["SCRIPT", "FLUSH"]);
  await redis.command(["FUNCTION", "FLUSH"]);
  await redis.command(["SELECT", "0"]);
  await redis.command(["HELLO", String(proto)]);
  const ours = new EngineSession();
  ours.command(["HELLO", String(proto)]);
  const rows: string[][] = [];
  for (const step of script) {
    const argv = isUnordered(step) ? step.argv : step;
    let a = ours.command(argv);
    let b = await redis.command(argv);
    if (isUnordered(step)) {
      a = sortedReply(a);
      b = sortedReply(b);
    }
    rows.push([label(argv), show(a), show(b)]);
  }
  return rows;
}

/** Runs a script on both sides and expects the same reply to every step. */
export async function expectSameReplies(
  redis: RawRedis,
  script: readonly Step[],
  proto: 2 | 3 = 2,
): Promise<void> {
  for (const [cmd, ours, theirs] of await runBoth(redis, script, proto))
    expect(ours, cmd!.slice(0, LABEL_MAX)).toBe(theirs);
}

/** The redis-server of a describe block (set once its beforeAll has run). */
export interface Oracle {
  readonly redis: RawRedis;
}

/** A redis-server for the enclosing describe block: started before its tests, stopped after. */
export function useRedis(): Oracle {
  const oracle: { redis?: RawRedis } = {};
  beforeAll(async () => {
    oracle.redis = await RawRedis.start();
  });
  afterAll(async () => {
    await oracle.redis?.stop();
  });
  return oracle as Oracle;
}

/**
 * A describe block against redis-server 7.0.15 (skipped where it is not installed): each named
 * script is a test in RESP2 and one in RESP3, reply for reply; `more` adds the block's own tests.
 */
export function describeVsRedis(
  title: string,
  scripts: Readonly<Record<string, readonly Step[]>>,
  more?: (oracle: Oracle) => void,
): void {
  describe.skipIf(!oracleAvailable())(title, () => {
    const oracle = useRedis();
    for (const proto of [2, 3] as const) {
      for (const [name, script] of Object.entries(scripts)) {
        it(`${name} (RESP${proto})`, () => expectSameReplies(oracle.redis, script, proto));
      }
    }
    more?.(oracle);
  });
}
