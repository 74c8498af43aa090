// Starts the Worker (Miniflare, in memory) and shims on ephemeral loopback ports for the
// Node-side tests, plus small TCP and Python helpers.

import { spawn } from "node:child_process";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import type { LocalWorker } from "../../../src/node/local-worker.ts";
import { startShim } from "../../../src/node/shim/index.ts";
import type { DialectName, Shim } from "../../../src/node/shim/index.ts";

export const PYTHON = "/usr/bin/python3";
/** The seed's Python clients, run unchanged (originals.md §4). */
export const PYTHON_CLIENTS = join(import.meta.dirname, "../../clients/python");
const LOOPBACK = "127.0.0.1";
/** How long a test waits for a server to close a connection before failing. */
export const CLOSE_WAIT_MS = 15_000;

/** The Worker with anonymous access and memory-only state. */
export async function startTestWorker(
  vars: Record<string, string> = { ALLOW_ANONYMOUS: "true" },
  port = 0,
): Promise<LocalWorker> {
  // Loaded when a file starts a Worker of its own: wrangler and Miniflare take seconds to load.
  const { startLocalWorker } = await import("../../../src/node/local-worker.ts");
  return startLocalWorker({ port, persistTo: false, vars });
}

/** A Worker a test file uses: its URL, and how to let it go. */
export type TestWorker = Pick<LocalWorker, "url" | "dispose">;

/**
 * The node project's shared Worker (support/shared-worker.ts: anonymous, state in memory), for a
 * file whose tests use namespaces of their own and neither restart the Worker nor measure
 * workerd; `dispose` leaves it running. Run outside that project, a Worker of the file's own.
 */
export async function sharedTestWorker(): Promise<TestWorker> {
  const url = inject("sharedWorkerUrl");
  if (!url) return startTestWorker();
  return { url: new URL(url), dispose: async () => {} };
}

/** A namespace no other test uses (spec §5.1 names). */
export function freshNamespace(prefix = "t"): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

export interface TestShim {
  shim: Shim;
  /** Lines the shim logged. */
  logs: string[];
  port(dialect: DialectName): number;
  close(): Promise<void>;
}

/** A shim for `base` (a Worker URL, optionally with /db/<ns>) on ephemeral loopback ports. */
export async function startTestShim(
  base: string,
  opts: {
    namespace?: string;
    token?: string;
    dialects?: DialectName[];
    upstreamTimeoutMs?: number;
    /** false: one WebSocket per connection (`--no-mux`). */
    mux?: boolean;
  } = {},
): Promise<TestShim> {
  const logs: string[] = [];
  const url = opts.namespace ? `${base.replace(/\/$/, "")}/db/${opts.namespace}` : base;
  const listen: Partial<Record<DialectName, { host: string; port: number }>> = {};
  for (const d of opts.dialects ?? ["blink", "gevent", "redis"])
    listen[d] = { host: LOOPBACK, port: 0 };
  const shim = await startShim({
    url,
    token: opts.token,
    listen,
    log: (l) => logs.push(l),
    upstreamTimeoutMs: opts.upstreamTimeoutMs,
    mux: opts.mux,
  });
  return {
    shim,
    logs,
    port(d) {
      const l = shim.listeners.find((x) => x.dialect === d);
      if (!l) throw new Error(`no ${d} listener`);
      return l.address.port;
    },
    close: () => shim.close(),
  };
}

/** A connected TCP client that collects everything it reads. */
export class TcpClient {
  readonly socket: Socket;
  private chunks: Buffer[] = [];
  private cached: Buffer | undefined = Buffer.alloc(0);
  /** Bytes read so far. */
  length = 0;
  private waiters: (() => void)[] = [];
  closed = false;
  ended = false;
  error: Error | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.chunks.push(d);
      this.length += d.length;
      this.cached = undefined;
      this.wake();
    });
    socket.on("end", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("error", (e) => {
      this.error = e;
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connects with half-close allowed (so `end()` keeps reading). */
  static open(port: number): Promise<TcpClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: LOOPBACK, port, allowHalfOpen: true }, () =>
        resolve(new TcpClient(s)),
      );
      s.once("error", reject);
    });
  }

  write(bytes: string | Uint8Array): void {
    this.socket.write(typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes);
  }

  /** Everything read so far. */
  get received(): Buffer {
    if (this.cached) return this.cached;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    this.cached = all;
    return all;
  }

  private get data(): Buffer {
    return this.received;
  }

  /** Resolves once `n` bytes (in total) have been read; rejects on close or timeout. */
  async readBytes(n: number, timeoutMs = CLOSE_WAIT_MS): Promise<Buffer> {
    await this.until(() => this.length >= n, timeoutMs, `${n} bytes`);
    return this.data.subarray(0, n);
  }

  /** Resolves once what was read ends with `suffix` or contains it. */
  async readUntil(text: string, timeoutMs = CLOSE_WAIT_MS): Promise<string> {
    await this.until(() => this.data.includes(text), timeoutMs, JSON.stringify(text));
    return this.data.toString("latin1");
  }

  /** Resolves with everything read once the server has ended the connection. */
  async readToEnd(timeoutMs = CLOSE_WAIT_MS): Promise<Buffer> {
    await this.until(() => this.ended || this.closed, timeoutMs, "the server's FIN");
    return this.data;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves once `done()` holds; rejects if the connection ends first or on timeout. */
  until(done: () => boolean, timeoutMs = CLOSE_WAIT_MS, what = "a condition"): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve();
          return true;
        }
        if (this.closed || this.ended) {
          clearTimeout(timer);
          reject(
            new Error(
              `connection ended before ${what}; read ${JSON.stringify(this.data.toString("latin1").slice(-200))}`,
            ),
          );
          return true;
        }
        return false;
      };
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for ${what}; read ${JSON.stringify(this.data.toString("latin1").slice(-200))}`,
            ),
          ),
        timeoutMs,
      );
      if (check()) return;
      const loop = () => {
        if (!check()) this.waiters.push(loop);
      };
      this.waiters.push(loop);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Sends `bytes`, half-closes when asked, and returns everything read until the server's FIN. */
export async function exchange(
  port: number,
  bytes: string | Uint8Array,
  opts: { halfClose?: boolean } = {},
): Promise<Buffer> {
  const c = await TcpClient.open(port);
  c.write(bytes);
  if (opts.halfClose) c.end();
  try {
    return await c.readToEnd();
  } finally {
    c.destroy();
  }
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs Debian's python3 on a script with arguments, stdin and extra environment. */
export function runPython(
  args: string[],
  opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return runProcess(PYTHON, args, opts);
}

/** Runs a program to completion, collecting its output. */
export function runProcess(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The shared Worker for a test file (`sharedTestWorker`), and listeners of one dialect each on a
 * namespace of their own (their shims stopped after the file's tests).
 */
export function workerPerFile(): {
  listener(dialect: DialectName, opts?: { mux?: boolean }): Promise<number>;
} {
  let worker: TestWorker | undefined;
  const shims: TestShim[] = [];
  beforeAll(async () => {
    worker = await sharedTestWorker();
  });
  afterAll(async () => {
    await Promise.all(shims.map((s) => s.close()));
    await worker?.dispose();
  });
  return {
    async listener(dialect, opts = {}) {
      const s = await startTestShim(worker!.url.href, {
        namespace: freshNamespace(dialect),
        dialects: [dialect],
        mux: opts.mux,
      });
      shims.push(s);
      return s.port(dialect);
    },
  };
}
