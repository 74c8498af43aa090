// The `blink-edge` command (bin/blink-edge.mjs → src/node/cli.ts): exit statuses, ready lines,
// signals, bind failures, the §12.1 warning, and `dev` (what `npm start` runs).

import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  PYTHON_CLIENTS as CLIENTS,
  exchange,
  runProcess,
  runPython,
} from "./support/shim-harness.ts";

const BIN = join(import.meta.dirname, "../../bin/blink-edge.mjs");
const running: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const c of running) if (c.exitCode === null) c.kill("SIGKILL");
});

function run(args: string[], env: Record<string, string> = {}) {
  return runProcess(process.execPath, [BIN, ...args], { env, timeoutMs: 20_000 });
}

/** Starts a long-running subcommand; resolves once `lines` ready lines are on stdout. */
function start(args: string[], lines: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const ready = new Promise<string[]>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const got = stdout.split("\n").filter(Boolean);
      if (got.length >= lines) resolve(got);
    });
    child.on("exit", (code) =>
      reject(new Error(`exited ${code} before ready: ${stdout}${stderr}`)),
    );
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, ready, exited, stderr: () => stderr };
}

const portOf = (line: string) => Number(/:(\d+) -> /.exec(line)![1]);

describe("blink-edge", () => {
  it("usage errors exit 2, help exits 0", async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: blink-edge <command>");
    expect((await run(["--help"])).code).toBe(0);
    const unknown = await run(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    for (const sub of ["shim", "dev"]) {
      const help = await run([sub, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: blink-edge ${sub}`);
      expect((await run([sub, "--bogus"])).code).toBe(2);
    }
    const badAddr = await run(["shim", "--blink", "70000"]);
    expect(badAddr.code).toBe(2);
    expect(badAddr.stderr).toContain("--blink");
    expect((await run(["shim", "--url", "ftp://x"])).code).toBe(2);
    expect((await run(["shim", "--blink", "off", "--gevent", "off", "--redis", "off"])).code).toBe(
      2,
    );
  });

  it("shim: one ready line per listener; SIGTERM stops it with status 0", async () => {
    const p = start(
      [
        "shim",
        "--url",
        "http://127.0.0.1:1/db/x",
        "--blink",
        "0",
        "--gevent",
        "127.0.0.1:0",
        "--redis",
        "off",
      ],
      2,
      {
        BLINK_EDGE_TOKEN: "tok",
      },
    );
    const lines = await p.ready;
    expect(lines[0]).toMatch(
      /^blink-edge shim: blink on 127\.0\.0\.1:\d+ -> ws:\/\/127\.0\.0\.1:1\/db\/x\/mux \(multiplexed; ws:\/\/127\.0\.0\.1:1\/db\/x\/blink when not available\)$/,
    );
    expect(lines[1]).toMatch(
      /^blink-edge shim: gevent on 127\.0\.0\.1:\d+ -> ws:\/\/127\.0\.0\.1:1\/db\/x\/mux \(multiplexed; ws:\/\/127\.0\.0\.1:1\/db\/x\/resp\?dialect=gevent when not available\)$/,
    );
    // Nothing listens on port 1: the client gets the unavailable line and the shim logs one line.
    expect((await exchange(portOf(lines[0]!), "GET a\n")).toString()).toBe(
      "ERROR upstream unavailable\n",
    );
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(p.stderr()).toMatch(
      /^blink-edge shim: blink 127\.0\.0\.1:\d+: upstream unavailable \(ECONNREFUSED\)\n$/,
    );
    expect(p.stderr()).not.toContain("tok");
  });

  it("shim: a listener that cannot bind exits 1 naming the address", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = await run(["shim", "--blink", String(port), "--gevent", "off", "--redis", "off"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`127.0.0.1:${port}`);
      expect(r.stderr).toContain("EADDRINUSE");
    } finally {
      busy.close();
    }
  });

  it("shim: a non-loopback listener prints the §12.1 warning", async () => {
    const p = start(["shim", "--blink", "0.0.0.0:0", "--gevent", "off", "--redis", "off"], 1);
    const lines = await p.ready;
    const port = portOf(lines[0]!);
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(0);
    expect(p.stderr()).toBe(
      `blink-edge shim: warning: blink listens on 0.0.0.0:${port}; anyone who can reach it acts with the shim's token\n`,
    );
  });

  it("dev: the Worker with state on disk plus the shim; the seed's client session works; SIGINT exits 0", async () => {
    const state = mkdtempSync(join(tmpdir(), "blink-edge-dev-"));
    try {
      const p = start(
        ["dev", "--port", "0", "--state", state, "--blink", "0", "--gevent", "0", "--redis", "off"],
        3,
      );
      const lines = await p.ready;
      expect(lines[0]).toMatch(
        new RegExp(`^blink-edge dev: Worker on http://127\\.0\\.0\\.1:\\d+ \\(state ${state}\\)$`),
      );
      const blink = portOf(lines[1]!);
      const gevent = portOf(lines[2]!);
      const r = await runPython([join(CLIENTS, "client.py"), "127.0.0.1", String(blink)], {
        input: "SET user alice\nGET user\nDELETE user\n",
      });
      expect(r.stdout).toContain("> OK\n> alice\n> OK\n> ");
      expect((await exchange(gevent, "*2\r\n$3\r\nGET\r\n$4\r\nuser\r\nGET\r\n")).toString()).toBe(
        "$-1\r\n-ERR Protocol error: unknown type byte 'G'\r\n",
      );
      p.child.kill("SIGINT");
      expect(await p.exited).toBe(0);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  }, 60_000);

  it("dev: a taken shim port is reported with how to pick another; the other doors keep running (issue 13)", async () => {
    const state = mkdtempSync(join(tmpdir(), "blink-edge-busy-"));
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const taken = (busy.address() as AddressInfo).port;
    try {
      const p = start(
        [
          "dev",
          "--port",
          "0",
          "--state",
          state,
          "--blink",
          "0",
          "--gevent",
          "off",
          "--redis",
          String(taken),
        ],
        2,
      );
      const lines = await p.ready;
      const blink = portOf(lines[1]!);
      expect((await exchange(blink, "SET a 1\n", { halfClose: true })).toString()).toBe("OK\n");
      expect(p.stderr()).toBe(
        `blink-edge dev: cannot listen on 127.0.0.1:${taken} for redis (EADDRINUSE); the Worker and ` +
          "the other listeners keep running. Pick another port with --redis PORT (or --redis off).\n",
      );
      p.child.kill("SIGINT");
      expect(await p.exited).toBe(0);
    } finally {
      busy.close();
      rmSync(state, { recursive: true, force: true });
    }
  }, 60_000);

  // .dev.vars sits beside wrangler.toml; a checkout that has its own is left alone.
  const DEV_VARS = join(import.meta.dirname, "../../.dev.vars");
  it.skipIf(existsSync(DEV_VARS))(
    "dev: with a token in .dev.vars the shim presents it, so TCP clients are not left at NOAUTH (issue 13)",
    async () => {
      const state = mkdtempSync(join(tmpdir(), "blink-edge-vars-"));
      writeFileSync(DEV_VARS, "AUTH_TOKEN=dev-vars-secret\n");
      try {
        const p = start(
          [
            "dev",
            "--port",
            "0",
            "--state",
            state,
            "--blink",
            "off",
            "--gevent",
            "off",
            "--redis",
            "0",
          ],
          4, // wrangler's own "Using secrets defined in .dev.vars" comes first
          { BLINK_EDGE_TOKEN: "" },
        );
        const lines = (await p.ready).filter((l) => l.startsWith("blink-edge"));
        expect(lines[2]).toBe(
          "blink-edge dev: the shim presents AUTH_TOKEN (from .dev.vars) for its clients",
        );
        const redis = portOf(lines[1]!);
        expect((await exchange(redis, "PING\r\n", { halfClose: true })).toString()).toBe(
          "+PONG\r\n",
        );
        // The Worker itself requires the token: anonymous HTTP is refused.
        const url = /Worker on (http:\/\/\S+)/.exec(lines[0]!)![1]!;
        expect(
          (await fetch(new URL("/blink", url), { method: "POST", body: "GET a" })).status,
        ).toBe(401);
        p.child.kill("SIGINT");
        expect(await p.exited).toBe(0);
      } finally {
        rmSync(DEV_VARS, { force: true });
        rmSync(state, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it("dev: an acknowledged write survives a clean restart and a kill -9 of `npm start`", async () => {
    const state = mkdtempSync(join(tmpdir(), "blink-edge-restart-"));
    const args = [
      "dev",
      "--port",
      "0",
      "--state",
      state,
      "--blink",
      "0",
      "--gevent",
      "off",
      "--redis",
      "off",
    ];
    /** Starts dev in its own process group (kill -9 must reach workerd too); resolves with its URL and Blink port. */
    const startDev = () => {
      const child = spawn(process.execPath, [BIN, ...args], {
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      const ready = new Promise<{ url: string; blink: number }>((resolve, reject) => {
        child.stdout!.setEncoding("utf8").on("data", (d: string) => {
          out += d;
          const url = /Worker on (http:\/\/\S+)/.exec(out)?.[1];
          const blink = /blink on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
          if (url && blink) resolve({ url, blink: Number(blink) });
        });
        child.once("exit", (code) => reject(new Error(`dev exited ${code}: ${out}`)));
      });
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      return { child, ready, exited };
    };
    try {
      for (const stop of ["SIGTERM", "SIGKILL"] as const) {
        const first = startDev();
        const { blink } = await first.ready;
        expect(
          (await exchange(blink, `SET survives:${stop} yes\n`, { halfClose: true })).toString(),
        ).toBe("OK\n");
        process.kill(-first.child.pid!, stop);
        await first.exited;
        const second = startDev();
        const { url } = await second.ready;
        const res = await fetch(new URL("/blink", url), {
          method: "POST",
          body: `GET survives:${stop}`,
        });
        expect(await res.text()).toBe("VALUE eWVz\n");
        process.kill(-second.child.pid!, "SIGTERM");
        await second.exited;
      }
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  }, 90_000);
});
