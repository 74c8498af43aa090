// `blink-edge cli` as a person and as a script use it: the REPL in a real terminal (tmux: type,
// Tab, read the screen), and the scripted modes compared byte for byte with redis-cli 7.0.15
// talking to redis-server 7.0.15 for the same commands (spec §10, §10.12).

import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshNamespace,
  sleep,
  sharedTestWorker,
  startTestWorker,
} from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";

const BIN = join(import.meta.dirname, "../../bin/blink-edge.mjs");
const REDIS_PORT_RANGE = [20000, 29999] as const;
const SCREEN_WAIT_MS = 10_000;
const SCREEN = { columns: 140, rows: 40 };

let worker: TestWorker;
let redis: ChildProcess | undefined;
let redisPort = 0;
const home = mkdtempSync(join(tmpdir(), "blink-cli-home-"));
const tmuxSocket = `blink-edge-cli-${process.pid}`;

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a program with stdin from `input`; stdout kept as bytes. */
function run(
  cmd: string,
  args: string[],
  input = "",
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, HOME: home, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
    // A program that exits without reading its stdin (usage error, refused connection) closes it.
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

function cli(ns: string, args: string[], input = "", env: Record<string, string> = {}) {
  return run(
    process.execPath,
    [BIN, "cli", "--url", worker.url.toString(), "--db", ns, ...args],
    input,
    env,
  );
}

function redisCli(args: string[], input = "") {
  return run("redis-cli", ["-p", String(redisPort), ...args], input);
}

/** A free loopback port in the range the test servers use. */
async function freePort(): Promise<number> {
  for (;;) {
    const port =
      REDIS_PORT_RANGE[0] + Math.floor(Math.random() * (REDIS_PORT_RANGE[1] - REDIS_PORT_RANGE[0]));
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

async function startRedis(): Promise<void> {
  redisPort = await freePort();
  redis = spawn(
    "redis-server",
    ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 100; i++) {
    if ((await redisCli(["PING"])).stdout.toString() === "PONG\n") return;
    await sleep(100);
  }
  throw new Error("redis-server did not start");
}

function tmux(...args: string[]): string {
  const r = spawnSync("tmux", ["-L", tmuxSocket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr}`);
  return r.stdout;
}

function screen(session: string): string {
  return tmux("capture-pane", "-p", "-t", session);
}

/** Waits until the screen matches; returns it. */
async function waitForScreen(session: string, test: (s: string) => boolean): Promise<string> {
  const until = Date.now() + SCREEN_WAIT_MS;
  let last = "";
  while (Date.now() < until) {
    last = screen(session);
    if (test(last)) return last;
    await sleep(50);
  }
  throw new Error(`screen did not show what was expected; it shows:\n${last}`);
}

function sessionAlive(session: string): boolean {
  return spawnSync("tmux", ["-L", tmuxSocket, "has-session", "-t", session]).status === 0;
}

beforeAll(async () => {
  worker = await sharedTestWorker();
  await startRedis();
});

afterAll(async () => {
  spawnSync("tmux", ["-L", tmuxSocket, "kill-server"]);
  redis?.kill("SIGTERM");
  await worker?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe("blink-edge cli in a terminal (tmux)", () => {
  it("completes, hints, runs commands, keeps history, and quits", async () => {
    const ns = freshNamespace("repl");
    const histfile = join(home, "history-repl");
    const session = "repl";
    const command = [process.execPath, BIN, "cli", "--url", worker.url.toString(), "--db", ns]
      .map((a) => `'${a}'`)
      .join(" ");
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      String(SCREEN.columns),
      "-y",
      String(SCREEN.rows),
      `env BLINK_EDGE_HISTFILE='${histfile}' ${command}`,
    );
    const prompt = `${worker.url.host}/db/${ns}> `;
    // capture-pane drops trailing spaces: a prompt with nothing typed after it shows as `…>`.
    const bare = prompt.trimEnd();
    await waitForScreen(session, (s) => s.includes(bare));

    // SE + Tab completes to SET (the most used match) and shows SET's arguments as a hint.
    tmux("send-keys", "-t", session, "-l", "SE");
    tmux("send-keys", "-t", session, "Tab");
    let s = await waitForScreen(session, (x) => x.includes(`${prompt}SET key value [NX|XX]`));
    // Tab again cycles to the next match.
    tmux("send-keys", "-t", session, "Tab");
    s = await waitForScreen(session, (x) => x.includes(`${prompt}SELECT index`));
    tmux("send-keys", "-t", session, "C-u");
    tmux("send-keys", "-t", session, "-l", "SE");
    tmux("send-keys", "-t", session, "Tab");
    await waitForScreen(session, (x) => x.includes(`${prompt}SET key`));

    // Typing the arguments narrows the hint, then Enter runs the command.
    tmux("send-keys", "-t", session, "-l", " greeting ");
    s = await waitForScreen(session, (x) => x.includes(`${prompt}SET greeting value [NX|XX]`));
    tmux("send-keys", "-t", session, "-l", '"hello world"');
    tmux("send-keys", "-t", session, "Enter");
    s = await waitForScreen(session, (x) =>
      x.includes(`${prompt}SET greeting "hello world"\nOK\n${bare}`),
    );
    expect(s).not.toContain("[NX|XX]"); // the hint is gone once the line is entered

    tmux("send-keys", "-t", session, "-l", "get greeting");
    tmux("send-keys", "-t", session, "Enter");
    await waitForScreen(session, (x) =>
      x.includes(`${prompt}get greeting\n"hello world"\n${bare}`),
    );

    tmux("send-keys", "-t", session, "-l", "rpush l a b");
    tmux("send-keys", "-t", session, "Enter");
    tmux("send-keys", "-t", session, "-l", "lrange l 0 -1");
    tmux("send-keys", "-t", session, "Enter");
    await waitForScreen(session, (x) =>
      x.includes(`${prompt}lrange l 0 -1\n1) "a"\n2) "b"\n${bare}`),
    );

    // Subcommands complete, in the case the user types in.
    tmux("send-keys", "-t", session, "-l", "config ");
    tmux("send-keys", "-t", session, "Tab");
    await waitForScreen(session, (x) =>
      x.includes(`${prompt}config get parameter [parameter ...]`),
    );
    tmux("send-keys", "-t", session, "-l", " maxmemory-p");
    tmux("send-keys", "-t", session, "Tab");
    // Keys that reach the terminal together are a paste, where readline inserts Tab as text.
    await waitForScreen(session, (x) => x.includes(`${prompt}config get maxmemory-policy`));
    tmux("send-keys", "-t", session, "Enter");
    await waitForScreen(session, (x) =>
      x.includes(`${prompt}config get maxmemory-policy\n1) "maxmemory-policy"\n2) "`),
    );

    tmux("send-keys", "-t", session, "-l", "multi");
    tmux("send-keys", "-t", session, "Enter");
    await waitForScreen(session, (x) => x.includes(`${worker.url.host}/db/${ns}(TX)>`));
    tmux("send-keys", "-t", session, "-l", "incr greeting");
    tmux("send-keys", "-t", session, "Enter");
    tmux("send-keys", "-t", session, "-l", "exec");
    tmux("send-keys", "-t", session, "Enter");
    await waitForScreen(session, (x) =>
      x.includes(`(TX)> exec\n1) (error) ERR value is not an integer or out of range\n${bare}`),
    );

    // Up arrow brings back the last line.
    tmux("send-keys", "-t", session, "Up");
    await waitForScreen(session, (x) => x.trimEnd().endsWith(`${prompt}exec`));
    tmux("send-keys", "-t", session, "C-u");
    tmux("send-keys", "-t", session, "-l", "quit");
    tmux("send-keys", "-t", session, "Enter");
    const until = Date.now() + SCREEN_WAIT_MS;
    while (sessionAlive(session) && Date.now() < until) await sleep(50);
    expect(sessionAlive(session)).toBe(false);

    const history = readFileSync(histfile, "utf8");
    expect(history).toContain('SET greeting "hello world"\nget greeting\n');
    expect(history.endsWith("exec\nquit\n")).toBe(true);
  });
});

// Every reply type redis-cli prints differently, from commands whose replies do not depend on
// hash order or time, so both servers answer them identically.
const COMMANDS = [
  "SET k v",
  "GET k",
  "GET missing",
  "INCR k",
  "INCR n",
  "INCRBY n -7",
  'SET bin "\\x00\\x01\\xff\\xc3\\xa9 tab\\there \\"q\\" back\\\\slash\\r\\n"',
  "GET bin",
  "SET utf8 'h\u00e9llo w\u00f6rld'",
  "GET utf8",
  'RPUSH l a "b c" "" "\\xff"',
  "LRANGE l 0 -1",
  "LRANGE missing 0 -1",
  "RPUSH big 1 2 3 4 5 6 7 8 9 10 11 12",
  "LRANGE big 0 -1",
  'HSET h f1 v1 f2 "line\\nbreak"',
  "HGETALL h",
  "HGETALL nohash",
  "HSCAN h 0",
  "SADD s only",
  "SMEMBERS s",
  "SMEMBERS noset",
  "SISMEMBER s only",
  "MGET k missing n",
  "ZADD z 1.5 a 2 b 10 c",
  "ZRANGE z 0 -1 WITHSCORES",
  "ZSCORE z a",
  "ZINCRBY z 0.25 a",
  "ZRANGE missing 0 -1",
  "ZPOPMIN z",
  "TYPE h",
  "PING",
  'ECHO ""',
  "LPOP missing 2",
  "EXISTS k n missing",
  "FOO a b",
  "GET",
  "MULTI",
  "SET t 1",
  "LRANGE big 0 2",
  "INCR k",
  "HGETALL h",
  "EXEC",
  "INFO keyspace",
  "",
  "   ",
  'SET "unbalanced',
  "DBSIZE",
];

async function compareStdin(flags: string[], commands: readonly string[]) {
  const ns = freshNamespace("cmp");
  const input = commands.join("\n") + "\n";
  await redisCli(["FLUSHALL"]);
  const expected = await redisCli(flags, input);
  const actual = await cli(ns, flags, input);
  expect(expected.code).toBe(0);
  expect(actual.stderr).toBe("");
  expect(actual.code).toBe(0);
  expect(actual.stdout.toString("latin1")).toBe(expected.stdout.toString("latin1"));
  return actual.stdout;
}

describe("blink-edge cli scripted = redis-cli 7.0.15", () => {
  it("stdin, raw output (stdout is not a terminal)", async () => {
    const out = await compareStdin([], COMMANDS);
    expect(out.toString()).toContain("ERR value is not an integer or out of range\n\n");
  });

  it("stdin, formatted output (--no-raw)", async () => {
    const out = await compareStdin(["--no-raw"], COMMANDS);
    expect(out.toString("latin1")).toContain(' 1) "1"\n 2) "2"');
    expect(out.toString("latin1")).toContain(
      '"\\x00\\x01\\xff\\xc3\\xa9 tab\\there \\"q\\" back\\\\slash\\r\\n"',
    );
  });

  it("stdin, RESP3 formatted (-3 --no-raw): maps, sets, doubles, nulls", async () => {
    const out = (await compareStdin(["-3", "--no-raw"], COMMANDS)).toString();
    expect(out).toContain('1# "f1" => "v1"');
    expect(out).toContain('1~ "only"');
    expect(out).toContain("(double) 1.75");
    expect(out).toContain("(empty hash)");
  });

  it("stdin, RESP3 raw (-3 --raw)", async () => {
    await compareStdin(["-3", "--raw"], COMMANDS);
  });

  it("commands as arguments, both output modes; exit status 0 on an error reply", async () => {
    const ns = freshNamespace("args");
    await redisCli(["FLUSHALL"]);
    for (const argv of [
      ["RPUSH", "l", "a b", "", "\u00e9"],
      ["LRANGE", "l", "0", "-1"],
      ["INCR", "l"],
      ["HSET", "h", "f", "v"],
      ["HGETALL", "h"],
      ["GET", "nope"],
    ]) {
      for (const flags of [[], ["--no-raw"], ["-3", "--no-raw"]]) {
        const expected = await redisCli([...flags, ...argv]);
        const actual = await cli(ns, [...flags, ...argv]);
        expect(actual.stdout.toString("latin1"), `${flags} ${argv}`).toBe(
          expected.stdout.toString("latin1"),
        );
        expect(actual.code).toBe(expected.code);
        expect(actual.code).toBe(0);
      }
    }
  });

  it("quit in stdin stops reading", async () => {
    const ns = freshNamespace("quit");
    const actual = await cli(ns, ["--no-raw"], "PING\nquit\nPING\n");
    expect(actual.stdout.toString()).toBe("PONG\n");
    expect(actual.code).toBe(0);
  });
});

describe("blink-edge cli failures", () => {
  it("an unreachable Worker exits 1 with redis-cli's wording", async () => {
    const port = await freePort();
    const r = await run(process.execPath, [
      BIN,
      "cli",
      "--url",
      `http://127.0.0.1:${port}`,
      "PING",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Could not connect to blink-edge at http://127.0.0.1:${port}: Connection refused\n`,
    );
    expect(r.stdout.length).toBe(0);
  });

  it("usage errors exit 2", async () => {
    expect((await run(process.execPath, [BIN, "cli", "--raw", "--no-raw", "PING"])).code).toBe(2);
    expect((await run(process.execPath, [BIN, "cli", "--db", "bad/name", "PING"])).code).toBe(2);
    const help = await run(process.execPath, [BIN, "cli", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toContain("Usage: blink-edge cli");
  });

  it("tokens: refused upgrade exits 1; without a token, AUTH at the prompt", async () => {
    const secured = await startTestWorker({ AUTH_TOKEN: "s3cret" });
    try {
      const url = secured.url.toString();
      const bad = await run(process.execPath, [
        BIN,
        "cli",
        "--url",
        url,
        "--token",
        "wrong",
        "PING",
      ]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("1008 WRONGPASS invalid or missing auth token");
      const good = await run(process.execPath, [BIN, "cli", "--url", url, "PING"], "", {
        BLINK_EDGE_TOKEN: "s3cret",
      });
      expect(good.stdout.toString()).toBe("PONG\n");
      const inBand = await run(
        process.execPath,
        [BIN, "cli", "--url", url, "--no-raw"],
        "PING\nAUTH s3cret\nPING\n",
      );
      expect(inBand.stdout.toString()).toBe("(error) NOAUTH Authentication required.\nOK\nPONG\n");
    } finally {
      await secured.dispose();
    }
  });
});
