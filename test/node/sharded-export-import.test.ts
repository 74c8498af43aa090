// `blink-edge export | blink-edge import` from a 1-shard namespace into a 16-shard one (issue 7):
// lossless, through the CLI and a shell pipe, against a local Worker whose `big` namespace is
// sharded (NAMESPACE_SHARDS); then back into a 1-shard namespace, byte-identical records.

import { once } from "node:events";
import { join } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { runProcess, startTestWorker } from "./support/shim-harness.ts";

const BIN = join(import.meta.dirname, "../../bin/blink-edge.mjs");
const KEYS = 20_000;
const PIPELINE = 1000;

let worker: LocalWorker;
let base: string;

beforeAll(async () => {
  worker = await startTestWorker({
    ALLOW_ANONYMOUS: "true",
    NAMESPACE_SHARDS: JSON.stringify({ "big-16": 16 }),
  });
  base = worker.url.toString().replace(/\/$/, "");
});
afterAll(async () => {
  await worker?.dispose();
});

const bulk = (a: string | Buffer) => {
  const b = typeof a === "string" ? Buffer.from(a) : a;
  return Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n")]);
};
const resp = (args: (string | Buffer)[]) =>
  Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...args.map(bulk)]);

/** Mixed types, TTLs, binary keys and values, in messages of PIPELINE commands. */
async function fill(ns: string): Promise<void> {
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/db/${ns}/resp`);
  await once(ws, "open");
  const cmds: (string | Buffer)[][] = [];
  for (let i = 0; i < KEYS; i++) {
    const k = `key:${i}`;
    switch (i % 7) {
      case 0:
        cmds.push(["SET", k, `v${i} é😀`]);
        break;
      case 1:
        cmds.push(["INCRBY", k, String(i - 5000)]);
        break;
      case 2:
        cmds.push(["SADD", k, "a", `m${i}`]);
        break;
      case 3:
        cmds.push(["HSET", k, "f", `v${i}`]);
        break;
      case 4:
        cmds.push(["RPUSH", k, "x", Buffer.from([0xff, i & 0xff])]);
        break;
      case 5:
        cmds.push(["ZADD", k, "2.5", "a", String(-i), "b"]);
        break;
      default:
        cmds.push(["SET", Buffer.from([0x6b, 0xfe, i & 0xff, i >> 8]), "bin", "PX", "3600000"]);
    }
  }
  for (let i = 0; i < cmds.length; i += PIPELINE) {
    ws.send(Buffer.concat(cmds.slice(i, i + PIPELINE).map(resp)));
    const [reply] = (await once(ws, "message")) as [Buffer];
    expect(reply.toString("latin1")).not.toMatch(/(^|\n)-/);
  }
  ws.close();
}

const sh = (script: string) =>
  runProcess("sh", ["-c", script], { timeoutMs: 300_000, env: { BLINK_EDGE_URL: base, BIN } });
const records = (text: string) => text.split("\n").slice(1, -2);

describe("blink-edge export | blink-edge import into more shards", () => {
  it(`moves ${KEYS} keys from 1 shard to 16 and back losslessly`, async () => {
    await fill("small");
    const pipe = await sh(`node "$BIN" export --db small | node "$BIN" import --db big-16 -`);
    expect(pipe.code, pipe.stderr).toBe(0);
    expect(pipe.stderr).toMatch(new RegExp(`imported ${KEYS} keys`));
    const a = await sh(`node "$BIN" export --db small`);
    const b = await sh(`node "$BIN" export --db big-16`);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout.slice(0, b.stdout.indexOf("\n")))).toMatchObject({
      namespace: "big-16",
      keys: KEYS,
    });
    const ra = records(a.stdout);
    const rb = records(b.stdout);
    expect(rb.length).toBe(KEYS);
    expect([...rb].sort()).toEqual([...ra].sort());
    const back = await sh(
      `node "$BIN" export --db big-16 | node "$BIN" import --db small-again --mode replace -`,
    );
    expect(back.code, back.stderr).toBe(0);
    const c = await sh(`node "$BIN" export --db small-again`);
    expect([...records(c.stdout)].sort()).toEqual([...ra].sort());
  });
});
