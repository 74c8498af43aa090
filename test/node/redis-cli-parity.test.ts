// Debian's redis-cli 7.0.15 runs the same scripted session against a real redis-server 7.0.15 and
// against our Worker through the shim's Redis listener, in RESP2 and RESP3 (`-3`), in piped stdin
// mode and in command-line mode; the two outputs are compared text for text (issue 4, spec §10,
// §10.12, §15). Replies whose order Redis leaves unspecified (spec §10.11 item 4) are either kept
// out of the piped session or sorted on both sides.

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
import {
  RedisServer,
  firstDifferences,
  redisCli,
  redisToolsAvailable,
  runTool,
  sortedLines,
} from "./support/redis-cli.ts";
import {
  AUTH_SESSION,
  MASS_KEYS,
  MASS_LIST,
  MASS_TIMEOUT_MS,
  ONE_SHOTS,
  PASSWORD,
  SESSION,
  massInsertion,
} from "./support/redis-cli-scripts.ts";

/**
 * HELLO replies carry the connection's id, which differs between servers (spec §10.4): masked in
 * every output form (formatted RESP3 and RESP2, raw RESP3 and RESP2, CSV, JSON).
 */
function maskClientIds(out: string): string {
  return out
    .replace(/("id" => \(integer\) )\d+/g, "$1<id>")
    .replace(/("id"\n\s*\d+\) \(integer\) )\d+/g, "$1<id>")
    .replace(/(\nid )\d+\n/g, "$1<id>\n")
    .replace(/(\nid\n)\d+\n/g, "$1<id>\n")
    .replace(/("id"[,:])\d+/g, "$1<id>");
}

/** Runs a piped session through one port with extra redis-cli options. */
async function piped(port: number, options: string[], session = SESSION): Promise<string> {
  const r = await redisCli(port, options, session);
  return maskClientIds(`exit ${r.code}\n${r.stdout}${r.stderr}`);
}

/** Runs every one-shot command line through one port; one block of output per command. */
async function oneShots(port: number, options: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const shot of ONE_SHOTS) {
    const r = await redisCli(port, [...options, ...shot.args]);
    const text = shot.unordered ? sortedLines(r.stdout) : r.stdout;
    out.push(`$ redis-cli ${shot.args.join(" ")} (exit ${r.code})\n${text}${r.stderr}`);
  }
  return out;
}

describe.skipIf(!redisToolsAvailable())("redis-cli: our shim vs redis-server 7.0.15", () => {
  let redis: RedisServer;
  let worker: TestWorker;
  let shim: TestShim;
  let ours: number;

  beforeAll(async () => {
    redis = await RedisServer.start();
    worker = await sharedTestWorker();
    shim = await startTestShim(worker.url.href, {
      namespace: freshNamespace("cli"),
      dialects: ["redis"],
    });
    ours = shim.port("redis");
  });
  afterAll(async () => {
    await shim?.close();
    await worker?.dispose();
    redis?.stop();
  });

  // Formatted output (--no-raw) shows each reply's type; raw, CSV and JSON render them again.
  const PIPED_MODES: [string, string[]][] = [
    ["RESP2 formatted", ["--no-raw"]],
    ["RESP2 raw", []],
    ["RESP2 csv", ["--csv"]],
    ["RESP3 formatted", ["-3", "--no-raw"]],
    ["RESP3 raw", ["-3"]],
    ["RESP3 json", ["-3", "--json"]],
  ];

  for (const [name, options] of PIPED_MODES) {
    it(`piped session, ${name}`, async () => {
      const theirs = await piped(redis.port, options);
      const mine = await piped(ours, options);
      expect(theirs).toContain("QUEUED");
      // Three HELLO replies, each id masked.
      expect(theirs.split("<id>")).toHaveLength(4);
      expect(firstDifferences(mine, theirs)).toEqual([]);
      expect(mine).toBe(theirs);
    });
  }

  for (const [name, options] of [
    ["RESP2", ["--no-raw"]],
    ["RESP3", ["-3", "--no-raw"]],
  ] as [string, string[]][]) {
    it(`command-line mode, ${name}`, async () => {
      const theirs = await oneShots(redis.port, options);
      const mine = await oneShots(ours, options);
      for (let i = 0; i < theirs.length; i++) expect(mine[i]).toBe(theirs[i]);
    });
  }

  it("mass insertion with --pipe, then the same data", async () => {
    const data = massInsertion();
    const run = async (port: number) => {
      await redisCli(port, ["FLUSHALL"]);
      const r = await runTool("redis-cli", ["-p", String(port), "--pipe"], data, MASS_TIMEOUT_MS);
      const check = await redisCli(
        port,
        ["--no-raw"],
        "DBSIZE\nGET mass:49999\nLLEN mass:list\nLINDEX mass:list 1999\nSTRLEN mass:big\n",
      );
      // The summary's first lines carry timing-free text; the random ECHO marker is hidden.
      return `exit ${r.code}\n${r.stdout
        .split("\n")
        .filter((l) => !l.startsWith("All data"))
        .join("\n")}${r.stderr}${check.stdout}`;
    };
    const theirs = await run(redis.port);
    expect(theirs).toContain(`errors: 1, replies: ${MASS_KEYS + MASS_LIST + 2}`);
    expect(await run(ours)).toBe(theirs);
  });

  it("-x, -r and --bigkeys", async () => {
    const run = async (port: number) => {
      const out: string[] = [];
      await redisCli(port, ["FLUSHALL"]);
      out.push((await redisCli(port, ["-x", "SET", "fromstdin"], "line one\nline two\n")).stdout);
      out.push((await redisCli(port, ["--no-raw", "GET", "fromstdin"])).stdout);
      out.push((await redisCli(port, ["-r", "3", "INCR", "counter"])).stdout);
      out.push((await redisCli(port, ["--no-raw", "-r", "2", "LPUSH", "rl", "x"])).stdout);
      await redisCli(
        port,
        [],
        "MSET a 1 bb 22 ccc 333\nRPUSH l 1 2 3\nSADD s 1 2\nHSET h f v\nZADD z 1 a 2 b\n",
      );
      const big = await redisCli(port, ["--bigkeys"]);
      // The scan's progress lines come in key order; the summary does not depend on it.
      out.push(
        big.stdout
          .split("\n")
          .filter((l) => /^(Biggest|\d+ \w+ with)/.test(l))
          .join("\n"),
      );
      return out.join("---\n");
    };
    const theirs = await run(redis.port);
    expect(theirs).toContain("Biggest string found '\"fromstdin\"' has 18 bytes");
    expect(await run(ours)).toBe(theirs);
  });
});

describe.skipIf(!redisToolsAvailable())(
  "redis-cli with a password: our shim vs redis-server --requirepass",
  () => {
    let redis: RedisServer;
    let worker: LocalWorker;
    let shim: TestShim;
    let ours: number;

    beforeAll(async () => {
      redis = await RedisServer.start(["--requirepass", PASSWORD]);
      worker = await startTestWorker({ AUTH_TOKEN: PASSWORD });
      // No shim token: the client authenticates in band (spec §12.3).
      shim = await startTestShim(worker.url.href, {
        namespace: freshNamespace("cli-auth"),
        dialects: ["redis"],
      });
      ours = shim.port("redis");
    });
    afterAll(async () => {
      await shim?.close();
      await worker?.dispose();
      redis?.stop();
    });

    for (const [name, options] of [
      ["RESP2", ["--no-raw"]],
      ["RESP3", ["-3", "--no-raw"]],
    ] as [string, string[]][]) {
      it(`piped session from unauthenticated, ${name}`, async () => {
        const theirs = await piped(redis.port, options, AUTH_SESSION);
        expect(theirs).toContain("NOAUTH");
        expect(await piped(ours, options, AUTH_SESSION)).toBe(theirs);
      });

      it(`-a with the right and a wrong password, ${name}`, async () => {
        for (const pw of [PASSWORD, "wrong"]) {
          const args = [...options, "-a", pw, "--no-auth-warning"];
          const run = async (port: number) => {
            const set = await redisCli(port, [...args, "SET", "k", "v"]);
            const get = await redisCli(port, [...args, "GET", "k"]);
            return [set, get].map((r) => `exit ${r.code}\n${r.stdout}${r.stderr}`).join("");
          };
          expect(await run(ours), `password ${pw}`).toBe(await run(redis.port));
        }
      });
    }
  },
);
