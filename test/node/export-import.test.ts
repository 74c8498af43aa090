// `blink-edge export` / `import` against a local Worker (spec §13.4-13.5, issue 6): a lossless
// round trip of 100k keys of every type (rates printed for the record), a Light-Redis db.json
// written by Python as the original writes it, a Blink-Store dump, progress output, and the
// errors and exit statuses scripts rely on.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PYTHON,
  freshNamespace,
  runProcess,
  sharedTestWorker,
  startTestWorker,
} from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";

const BIN = join(import.meta.dirname, "../../bin/blink-edge.mjs");
const KEYS = 100_000;
const PIPELINE = 1000;
const CLI_TIMEOUT_MS = 300_000;

let worker: TestWorker;
let base: string;
let dir: string;

beforeAll(async () => {
  worker = await sharedTestWorker();
  base = worker.url.toString().replace(/\/$/, "");
  dir = mkdtempSync(join(tmpdir(), "blink-edge-export-"));
});
afterAll(async () => {
  await worker?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], input?: string) {
  return runProcess(process.execPath, [BIN, ...args], {
    timeoutMs: CLI_TIMEOUT_MS,
    input,
    env: { BLINK_EDGE_URL: base },
  });
}

type Arg = string | Buffer;

function resp(args: Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Sends messages over one WebSocket, all pipelined; resolves with the reply messages. */
async function pipeline(url: string, messages: Buffer[]): Promise<Buffer[]> {
  const ws = new WebSocket(url);
  await once(ws, "open");
  const replies: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    ws.on("message", (d: Buffer) => {
      replies.push(d);
      if (replies.length === messages.length) resolve();
    });
    ws.on("close", () => reject(new Error(`closed after ${replies.length} replies`)));
  });
  for (const m of messages) ws.send(m);
  await done;
  ws.close();
  return replies;
}

/** Redis commands in messages of PIPELINE commands; fails on any error reply. */
async function redis(ns: string, cmds: Arg[][]): Promise<string[]> {
  const messages: Buffer[] = [];
  for (let i = 0; i < cmds.length; i += PIPELINE)
    messages.push(Buffer.concat(cmds.slice(i, i + PIPELINE).map(resp)));
  const replies = await pipeline(`${base.replace(/^http/, "ws")}/db/${ns}/resp`, messages);
  const text = replies.map((r) => r.toString("latin1"));
  for (const t of text) expect(t).not.toMatch(/(^|\n)-/);
  return text;
}

/** gevent MSET of json values (the Redis door cannot create the json type). */
async function geventJson(ns: string, pairs: [string, unknown][]): Promise<void> {
  const enc = (v: unknown): string => {
    if (typeof v === "number") return `:${v}\r\n`;
    if (typeof v === "string") return `$${Buffer.byteLength(v)}\r\n${v}\r\n`;
    if (v === null) return "$-1\r\n";
    if (Array.isArray(v)) return `*${v.length}\r\n${v.map(enc).join("")}`;
    const e = Object.entries(v as object);
    return `%${e.length}\r\n${e.map(([k, x]) => enc(k) + enc(x)).join("")}`;
  };
  const messages: Buffer[] = [];
  for (let i = 0; i < pairs.length; i += 500) {
    const chunk = pairs.slice(i, i + 500);
    messages.push(
      Buffer.from(
        `*${1 + 2 * chunk.length}\r\n$4\r\nMSET\r\n${chunk.map(([k, v]) => enc(k) + enc(v)).join("")}`,
      ),
    );
  }
  const replies = await pipeline(
    `${base.replace(/^http/, "ws")}/db/${ns}/resp?dialect=gevent`,
    messages,
  );
  for (const r of replies) expect(r.toString()).toMatch(/^:\d+\r\n$/);
}

/** 100k keys: strings (text, unicode, binary), ints, json, sets, hashes, lists, zsets, TTLs, binary keys. */
async function fill(ns: string): Promise<void> {
  const cmds: Arg[][] = [];
  const json: [string, unknown][] = [];
  const ttl = String(3_600_000);
  for (let i = 0; i < KEYS; i++) {
    const k = `key:${i}`;
    switch (i % 20) {
      case 0:
      case 1:
      case 2:
        cmds.push(["SET", k, `value ${i} ${"x".repeat(i % 50)}`]);
        break;
      case 3:
        cmds.push(["SET", k, `é ünïcödé ${i} 😀 "quoted" \\ \n\t`]);
        break;
      case 4:
        cmds.push(["SET", k, Buffer.from([0x80 + (i % 100), 0, 0xff, i % 256])]);
        break;
      case 5:
        cmds.push(["SET", k, ""]);
        break;
      case 6:
        cmds.push(["INCRBY", k, String(i * 7919 - 300_000)]);
        break;
      case 7:
      case 8:
        json.push([
          `json:${i}`,
          { id: i, name: `n${i}`, tags: ["a", i % 3], nested: { deep: [i, null] } },
        ]);
        break;
      case 9:
      case 10:
        cmds.push(["SADD", k, ...Array.from({ length: 3 + (i % 6) }, (_, j) => `m${j}-${i}`)]);
        break;
      case 11:
      case 12:
        cmds.push([
          "HSET",
          k,
          ...Array.from({ length: 2 + (i % 4) }, (_, j) => [`f${j}`, `v${j}-${i}`]).flat(),
        ]);
        break;
      case 13:
        cmds.push([
          "RPUSH",
          k,
          ...Array.from({ length: 3 + (i % 4) }, (_, j) => `e${j}`),
          Buffer.from([0xfe, i % 256]),
        ]);
        break;
      case 14:
        cmds.push(["LPUSH", k, "a", "b", "c"]);
        break;
      case 15:
      case 16:
        cmds.push([
          "ZADD",
          k,
          "1.5",
          `a${i}`,
          String(-i),
          "b",
          "inf",
          "top",
          "0",
          "zero",
          String(i / 7),
          "frac",
        ]);
        break;
      case 17:
        cmds.push(["SET", k, `expiring ${i}`, "PX", ttl]);
        break;
      case 18:
        cmds.push([
          "SET",
          Buffer.from([0x6b, 0xff, i & 0xff, (i >> 8) & 0xff, i >> 16]),
          `binary key ${i}`,
        ]);
        break;
      default:
        cmds.push(["SADD", k, "only"], ["PEXPIRE", k, ttl]);
    }
  }
  await redis(ns, cmds);
  await geventJson(ns, json);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, "close");
  return port;
}

/** The summary line's keys/s. */
function rateOf(stderr: string): number {
  return Number(/\((\d+) keys\/s\)/.exec(stderr)?.[1] ?? NaN);
}

const withoutHeader = (text: string) => text.slice(text.indexOf("\n") + 1);

describe("blink-edge export / import", () => {
  it(`round-trips ${KEYS} keys of mixed types losslessly (rates printed)`, async () => {
    const src = freshNamespace("rt-src");
    const dst = freshNamespace("rt-dst");
    const t0 = performance.now();
    await fill(src);
    const fillS = (performance.now() - t0) / 1000;

    const first = join(dir, "first.jsonl");
    const e1Start = performance.now();
    const e1 = await cli(["export", "--db", src, "-o", first]);
    const e1Wall = (performance.now() - e1Start) / 1000;
    expect(e1.stderr).toMatch(
      new RegExp(
        `^blink-edge export: ${KEYS} keys, [\\d.]+ MiB in [\\d.]+ s \\(\\d+ keys/s\\) to ${first}; data as stored at \\S+ \\(this request\\)\\n$`,
        "m",
      ),
    );
    expect(e1.code, e1.stderr).toBe(0);
    expect(e1.stdout).toBe("");

    const i1Start = performance.now();
    const i1 = await cli(["import", "--db", dst, first]);
    const i1Wall = (performance.now() - i1Start) / 1000;
    expect(i1.code, i1.stderr).toBe(0);
    expect(i1.stderr).toMatch(
      new RegExp(
        `imported ${KEYS} keys from ${first}, [\\d.]+ MiB in [\\d.]+ s \\(\\d+ keys/s\\)\\n$`,
      ),
    );

    const second = join(dir, "second.jsonl");
    const e2 = await cli(["export", "--url", `${base}/db/${dst}`, "-o", second]);
    expect(e2.code, e2.stderr).toBe(0);
    const a = readFileSync(first, "utf8");
    const b = readFileSync(second, "utf8");
    const header = JSON.parse(a.slice(0, a.indexOf("\n")));
    expect(header).toMatchObject({
      format: "blink-edge-export",
      version: 1,
      namespace: src,
      keys: KEYS,
    });
    expect(JSON.parse(b.slice(0, b.indexOf("\n")))).toMatchObject({ namespace: dst, keys: KEYS });
    expect(withoutHeader(b) === withoutHeader(a), "second export differs from the first").toBe(
      true,
    );
    // Every type is in the file.
    for (const t of ["string", "int", "json", "set", "hash", "list", "zset"])
      expect(a).toContain(`"type":"${t}"`);
    expect(a).toContain('"key_encoding":"base64"');
    expect(a).toContain('"encoding":"base64"');

    const mib = statSync(first).size / 1048576;
    console.log(
      `[export/import ${KEYS} keys, ${mib.toFixed(1)} MiB] fill ${fillS.toFixed(2)} s; ` +
        `export ${rateOf(e1.stderr)} keys/s (CLI, ${(KEYS / e1Wall).toFixed(0)} keys/s wall incl. process start); ` +
        `import ${rateOf(i1.stderr)} keys/s (CLI, ${(KEYS / i1Wall).toFixed(0)} keys/s wall incl. process start)`,
    );
  });

  it("imports a Light-Redis db.json written by Python like the original (indent=2, raw UTF-8), also over 10 MiB", async () => {
    const ns = freshNamespace("lr");
    const small = join(dir, "db.json");
    // The original: json.dump(self.db, f, indent=2, ensure_ascii=False) of {key: record}.
    const script = `
import json, sys
db = {
  "people:john": {"val": {"name": "John Doe", "age": 32, "ratio": 1.0, "big": 12345678901234567890}, "cmd": "set", "created": 1795319601, "val_type": "dict"},
  "greeting": {"val": "héllo 😀", "cmd": "set", "created": 1795319602, "val_type": "str"},
  "os": {"val": ["mac", "linux", 7, 2.5, True], "cmd": "sadd", "created": 1795319606},
}
big = {f"k{i}": {"val": "v" * 200 + str(i), "cmd": "set", "created": 1, "val_type": "str"} for i in range(60000)}
with open(sys.argv[1], "w", encoding="utf-8") as f: json.dump(db, f, indent=2, ensure_ascii=False)
with open(sys.argv[2], "w", encoding="utf-8") as f: json.dump(big, f, indent=2, ensure_ascii=False)
`;
    const large = join(dir, "big-db.json");
    const py = await runProcess(PYTHON, ["-c", script, small, large]);
    expect(py.code, py.stderr).toBe(0);
    expect(readFileSync(small, "utf8")).toContain('\n  "greeting": {\n    "val": "héllo 😀",');

    const r = await cli(["import", "--db", ns, "--format", "lightredis", small]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/imported 3 keys from /);
    const out = join(dir, "lr.jsonl");
    expect((await cli(["export", "--db", ns, "-o", out])).code).toBe(0);
    expect(withoutHeader(readFileSync(out, "utf8"))).toBe(
      '{"key":"people:john","key_encoding":"utf8","type":"json","encoding":"json","value":{"name":"John Doe","age":32,"ratio":1.0,"big":12345678901234567890},"expires_at":null}\n' +
        '{"key":"greeting","key_encoding":"utf8","type":"string","encoding":"utf8","value":"héllo 😀","expires_at":null}\n' +
        '{"key":"os","key_encoding":"utf8","type":"set","encoding":"utf8","value":["mac","linux","7","2.5","true"],"expires_at":null}\n' +
        '{"end":true,"keys":3}\n',
    );

    expect(statSync(large).size).toBeGreaterThan(10_485_760);
    const big = await cli([
      "import",
      "--db",
      ns,
      "--format",
      "lightredis",
      "--mode",
      "replace",
      large,
    ]);
    expect(big.code, big.stderr).toBe(0);
    expect(big.stderr).toMatch(/imported 60000 keys from /);
    const bigOut = join(dir, "lr-big.jsonl");
    expect((await cli(["export", "--db", ns, "-o", bigOut])).code).toBe(0);
    const lines = readFileSync(bigOut, "utf8").split("\n");
    expect(lines.length).toBe(60003);
    expect(lines[1]).toBe(
      `{"key":"k0","key_encoding":"utf8","type":"string","encoding":"utf8","value":"${"v".repeat(200)}0","expires_at":null}`,
    );
    expect(lines[60000]).toContain('"key":"k59999"');
  });

  it("imports a Blink-Store dump of SET lines through the Blink door", async () => {
    const ns = freshNamespace("blink");
    const dump = join(dir, "dump.txt");
    writeFileSync(
      dump,
      "SET user alice\n\nset config.timeout 30\nSET spaced  a value  with spaces \nSET empty\n",
    );
    const r = await cli(["import", "--db", ns, "--format", "blink", dump]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/imported 4 keys from /);
    const out = await cli(["export", "--db", ns]);
    expect(withoutHeader(out.stdout)).toBe(
      '{"key":"user","key_encoding":"utf8","type":"string","encoding":"utf8","value":"alice","expires_at":null}\n' +
        '{"key":"config.timeout","key_encoding":"utf8","type":"string","encoding":"utf8","value":"30","expires_at":null}\n' +
        '{"key":"spaced","key_encoding":"utf8","type":"string","encoding":"utf8","value":"a value  with spaces","expires_at":null}\n' +
        '{"key":"empty","key_encoding":"utf8","type":"string","encoding":"utf8","value":"","expires_at":null}\n' +
        '{"end":true,"keys":4}\n',
    );
    writeFileSync(dump, "SET a 1\nGET a\n");
    const bad = await cli(["import", "--db", ns, "--format", "blink", dump]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      "blink-edge import: line 2: expected 'SET key value' (nothing was imported)\n",
    );
    // stdin works too, and replace mode empties the namespace first
    const piped = await cli(
      ["import", "--db", ns, "--format", "blink", "--mode", "replace", "-"],
      "SET only one\n",
    );
    expect(piped.code, piped.stderr).toBe(0);
    expect((await cli(["export", "--db", ns])).stdout).toContain('"keys":1}');
  });

  it("export with no flags writes what is stored now, and says so (issue 13 item 5)", async () => {
    const ns = freshNamespace("now");
    await redis(ns, [["SET", "a", "1"], ["SAVE"], ["SET", "b", "2"], ["SET", "c", "3"]]);
    const keysOf = (text: string) =>
      text
        .trim()
        .split("\n")
        .slice(1, -1)
        .map((l) => (JSON.parse(l) as { key: string }).key);
    const first = await cli(["export", "--db", ns]);
    expect(first.code, first.stderr).toBe(0);
    expect(keysOf(first.stdout)).toEqual(["a", "b", "c"]);
    expect(first.stderr).toMatch(
      /3 keys, .*; data as stored at \d{4}-\d\d-\d\dT[\d:.]+Z \(this request\)\n$/,
    );
    await redis(ns, [["SET", "d", "4"]]);
    const file = join(dir, "now.jsonl");
    const second = await cli(["export", "--db", ns, "-o", file]);
    expect(second.code, second.stderr).toBe(0);
    expect(keysOf(readFileSync(file, "utf8"))).toEqual(["a", "b", "c", "d"]);
    // --snapshot: the last saved snapshot (here the one the second export took), said so.
    await redis(ns, [["SET", "e", "5"]]);
    const saved = await cli(["export", "--db", ns, "--snapshot"]);
    expect(keysOf(saved.stdout)).toEqual(["a", "b", "c", "d"]);
    expect(saved.stderr).toMatch(/\(the last saved snapshot\)\n$/);
    const both = await cli(["export", "--db", ns, "--snapshot", "--fresh"]);
    expect(both.code).toBe(2);
  });

  it("names the input line of an invalid record across requests, and exits 1", async () => {
    const ns = freshNamespace("bad");
    const file = join(dir, "bad.jsonl");
    const line = (i: number) => `{"key":"k${i}","type":"string","value":"v"}`;
    const lines = Array.from({ length: 60_000 }, (_, i) => line(i));
    lines[54_999] = '{"key":"broken","type":"int","value":"x"}';
    writeFileSync(file, lines.join("\n") + "\n");
    const r = await cli(["import", "--db", ns, file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /blink-edge import: line 55000: "value" of an int must be its decimal text \(50000 keys were imported by earlier requests\)\n$/,
    );
  });

  it("refuses a cut export file before sending anything, and a cut stdin at the end", async () => {
    const ns = freshNamespace("cut");
    const file = join(dir, "cut.jsonl");
    writeFileSync(
      file,
      '{"format":"blink-edge-export","version":1,"namespace":"x","snapshot_seq":1,"snapshot_at":1,"keys":2}\n{"key":"a","type":"string","value":"v"}\n',
    );
    const r = await cli(["import", "--db", ns, file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `blink-edge import: ${file} is cut short: it has an export header but no trailer line (nothing was imported)\n`,
    );
    const s = await cli(["import", "--db", ns, "-"], readFileSync(file, "utf8"));
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(
      /the input is cut short: it has an export header but no trailer line \(1 keys were imported by earlier requests\)\n$/,
    );
  });

  it("usage errors exit 2, refusals and unreachable Workers exit 1, --help exits 0", async () => {
    for (const sub of ["export", "import"]) {
      const help = await cli([sub, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: blink-edge ${sub}`);
      expect((await cli([sub, "--bogus"])).code).toBe(2);
      expect((await cli([sub, "--db", "bad/name", "x"])).code).toBe(2);
    }
    expect((await cli(["import"])).code).toBe(2);
    expect((await cli(["import", "--format", "csv", "x"])).code).toBe(2);
    expect((await cli(["import", "--mode", "append", "x"])).code).toBe(2);
    expect((await cli(["export", "--url", "ftp://x"])).code).toBe(2);
    const missing = await cli(["import", join(dir, "nope.jsonl")]);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      `blink-edge import: cannot read ${join(dir, "nope.jsonl")} (ENOENT)\n`,
    ]);
    const port = await closedPort();
    const down = await cli(["export", "--url", `http://127.0.0.1:${port}`]);
    expect([down.code, down.stderr]).toEqual([
      1,
      `blink-edge export: cannot reach http://127.0.0.1:${port} (ECONNREFUSED)\n`,
    ]);
  });

  it("refuses without a full-access token (exit 1, the Worker's error)", async () => {
    const secured = await startTestWorker({
      AUTH_TOKEN: "full-secret",
      AUTH_TOKEN_READONLY: "ro-secret",
    });
    try {
      const url = secured.url.toString();
      const none = await runProcess(process.execPath, [BIN, "export", "--url", url], {
        env: { BLINK_EDGE_TOKEN: "" },
      });
      expect([none.code, none.stderr]).toEqual([
        1,
        "blink-edge export: WRONGPASS invalid or missing auth token\n",
      ]);
      const ro = await runProcess(process.execPath, [
        BIN,
        "export",
        "--url",
        url,
        "--token",
        "ro-secret",
      ]);
      expect([ro.code, ro.stderr]).toEqual([
        1,
        "blink-edge export: NOPERM this user has no permissions to run the 'export' command\n",
      ]);
      const ok = await runProcess(process.execPath, [BIN, "export", "--url", url], {
        env: { BLINK_EDGE_TOKEN: "full-secret" },
      });
      expect(ok.code, ok.stderr).toBe(0);
    } finally {
      await secured.dispose();
    }
  });

  it("draws a progress bar on a terminal and plain lines otherwise", async () => {
    const ns = freshNamespace("tty");
    await redis(
      ns,
      Array.from({ length: 20_000 }, (_, i) => ["SET", `k${i}`, "v".repeat(300)]),
    );
    const out = join(dir, "tty.jsonl");
    // A pseudo-terminal for the child's stdio (Python's pty), so stderr.isTTY holds.
    const pty = await runProcess(PYTHON, [
      "-c",
      "import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)",
      process.execPath,
      BIN,
      "export",
      "--url",
      `${base}/db/${ns}`,
      "--fresh",
      "-o",
      out,
    ]);
    expect(pty.code, pty.stdout).toBe(0);
    expect(pty.stdout).toMatch(/\r\x1b\[Kblink-edge export \[[#-]{24}\] +\d+% \d+ keys, /);
    expect(pty.stdout).toMatch(
      /\r\x1b\[Kblink-edge export: 20000 keys, [\d.]+ MiB in [\d.]+ s \(\d+ keys\/s\) to /,
    );
    const plain = await cli(["export", "--db", ns, "-o", out]);
    expect(plain.stderr).not.toContain("\x1b");
    expect(plain.stderr.trim().split("\n").at(-1)).toMatch(/^blink-edge export: 20000 keys/);
  });
});
