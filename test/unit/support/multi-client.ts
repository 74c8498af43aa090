// Several clients at once, on our engine (recording sinks) and on a real redis-server 7.0.15, for
// blocking commands: a scenario is a list of steps (a client sends a command, or time passes) and
// the transcript says what each client received after each step, to compare byte for byte.

import type { Socket } from "node:net";
import { connect } from "node:net";
import { COMMANDS } from "../../../src/engine/commands/index.ts";
import { newConn } from "../../../src/engine/conn-state.ts";
import type { ConnState } from "../../../src/engine/conn-state.ts";
import { Engine } from "../../../src/engine/engine.ts";
import { encodeResp } from "../../../src/protocols/resp/resp-encode.ts";
import { replyLength } from "./resp-bytes.ts";

/** A client (by name) sends a command, or `wait` milliseconds pass. */
export type Step = readonly [client: string, ...argv: string[]] | { wait: number };

/** Quiet time after which redis-server is taken to have sent everything for a step. */
const SETTLE_MS = 40;
/** Longest wait for a reply our engine sent. */
const REPLY_WAIT_MS = 2000;
/** Extra time given to redis-server's timeout checks after a wait. */
const WAIT_SLACK_MS = 60;

function multibulk(argv: readonly string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(s);
}

const names = (steps: readonly Step[]) => [
  ...new Set(steps.flatMap((s) => (Array.isArray(s) ? [s[0] as string] : []))),
];

/** One line per step: "<step> | <client>: <bytes>" for each client that received something. */
function line(step: Step, got: Map<string, string>): string {
  const head = Array.isArray(step) ? step.join(" ") : `wait ${(step as { wait: number }).wait}`;
  const parts = [...got].filter(([, v]) => v).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `${head} | ${parts.join(" ")}`;
}

/** What each client received after each step: transcript lines and who received something. */
export interface Transcript {
  lines: string[];
  receivers: string[][];
}

/** The scenario on a fresh engine; `proto` 3 says HELLO 3 on every client first. */
export function runOnEngine(
  steps: readonly Step[],
  proto: 2 | 3 = 2,
  start = 1_000_000,
): Transcript {
  const engine = new Engine(COMMANDS, "t");
  let now = start;
  const got = new Map<string, string>();
  const conns = new Map<string, ConnState>();
  const text = (c: ConnState, rs: Parameters<typeof encodeResp>[0]) =>
    new TextDecoder().decode(encodeResp(rs, c.resp));
  for (const n of names(steps)) {
    const c = newConn(engine.nextClientId++, { authed: true, readonly: false });
    conns.set(n, c);
    got.set(n, "");
    engine.attach(c, { deliver: (rs) => got.set(n, got.get(n)! + text(c, rs)) });
    if (proto === 3) engine.run("redis", c, [{ argv: ["HELLO", "3"] }], now);
  }
  const clock = newConn(engine.nextClientId++, { authed: true, readonly: false });
  const out: Transcript = { lines: [], receivers: [] };
  for (const step of steps) {
    for (const n of got.keys()) got.set(n, "");
    if (Array.isArray(step)) {
      const [n, ...argv] = step as [string, ...string[]];
      const c = conns.get(n)!;
      got.set(n, got.get(n)! + text(c, engine.run("redis", c, [{ argv }], now)));
    } else {
      now += (step as { wait: number }).wait;
      engine.run("redis", clock, [], now);
    }
    out.lines.push(line(step, got));
    out.receivers.push([...got].filter(([, v]) => v).map(([k]) => k));
  }
  for (const c of conns.values()) engine.detach(c);
  return out;
}

/**
 * The scenario on redis-server at `port` (FLUSHALL first), one socket per client. After each
 * step it waits for a whole reply on each client in `expect[step]` (what our engine sent; bounded
 * by REPLY_WAIT_MS), then for quiet: a loaded machine then cannot cut a reply off.
 */
export async function runOnRedis(
  port: number,
  steps: readonly Step[],
  proto: 2 | 3 = 2,
  expect: readonly (readonly string[])[] = [],
): Promise<string[]> {
  const got = new Map<string, string>();
  const socks = new Map<string, Socket>();
  let last = Date.now();
  const open = (n: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
      s.on("data", (d: Buffer) => {
        got.set(n, got.get(n)! + d.toString("latin1"));
        last = Date.now();
      });
    });
  const settle = async () => {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    while (Date.now() - last < SETTLE_MS) await new Promise((r) => setTimeout(r, SETTLE_MS));
  };
  for (const n of names(steps)) {
    got.set(n, "");
    socks.set(n, await open(n));
  }
  // Every client opens with a PING (HELLO 3), the first with a FLUSHALL; their replies are
  // awaited (a door may take a while to open its upstream) and not part of the transcript.
  const first = socks.values().next().value!;
  first.write(multibulk(["FLUSHALL"]));
  for (const s of socks.values()) s.write(multibulk(proto === 3 ? ["HELLO", "3"] : ["PING"]));
  const replies = (n: string) => {
    const b = Buffer.from(got.get(n)!, "latin1");
    let k = 0;
    for (let at = 0, l; (l = replyLength(b, at)) > 0; at += l) k++;
    return k;
  };
  const ready = () =>
    [...socks.keys()].every((n) => replies(n) >= (socks.get(n) === first ? 2 : 1));
  const until = Date.now() + REPLY_WAIT_MS * 5;
  while (!ready() && Date.now() < until) await new Promise((r) => setTimeout(r, SETTLE_MS / 4));
  await settle();
  const out: string[] = [];
  try {
    for (const step of steps) {
      for (const n of got.keys()) got.set(n, "");
      if (Array.isArray(step)) {
        const [n, ...argv] = step as [string, ...string[]];
        socks.get(n)!.write(multibulk(argv));
      } else
        await new Promise((r) => setTimeout(r, (step as { wait: number }).wait + WAIT_SLACK_MS));
      const until = Date.now() + REPLY_WAIT_MS;
      const whole = (n: string) => replyLength(Buffer.from(got.get(n) ?? "", "latin1")) > 0;
      while (Date.now() < until && !(expect[out.length] ?? []).every(whole))
        await new Promise((r) => setTimeout(r, SETTLE_MS / 4));
      await settle();
      out.push(line(step, got));
    }
  } finally {
    for (const s of socks.values()) s.destroy();
  }
  return out;
}
