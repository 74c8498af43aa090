// `blink-edge dev` (what `npm start` runs): the Worker on Miniflare with anonymous access and
// persisted state, plus the TCP shim in front of it.

import { resolve } from "node:path";
import { startDevProxy } from "../dev-proxy.ts";
import type { DevProxy } from "../dev-proxy.ts";
import { isLoopbackHost } from "../shim/addr.ts";
import type { Shim } from "../shim/index.ts";
import { EXIT_OK, RuntimeError, UsageError, armSignals, parseOptions } from "./command.ts";
import type { Subcommand } from "./command.ts";
import { ADDR_HELP, LISTENER_HELP, LISTENER_OPTIONS, listenersFrom, runShim } from "./shim.ts";

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_PORT = 8787;
const MAX_PORT = 65535;

const HELP = `Usage: blink-edge dev [--host HOST] [--port PORT] [--state DIR] [--no-shim] [shim listener options]

Runs the Worker locally on Miniflare with ALLOW_ANONYMOUS=true (no token needed) and its state
persisted in DIR, plus the TCP shim pointed at it. When tokens are configured (.dev.vars holding
AUTH_TOKEN), the shim presents BLINK_EDGE_TOKEN if set, else that AUTH_TOKEN, for its clients.
A shim port that is taken is reported and skipped: the Worker and the other listeners keep running.

Options:
  --host HOST         Worker listen host (default ${DEFAULT_HOST})
  --port PORT         Worker listen port (default ${DEFAULT_PORT}; 0 picks a free one)
  --state DIR         state folder, shared with \`wrangler dev --persist-to DIR\` (default .wrangler/state)
  --no-shim           run the Worker only
${LISTENER_HELP}
  -h, --help          show this help

${ADDR_HELP}

Exit status: 0 after SIGINT/SIGTERM, 1 when the Worker or a listener cannot start, 2 on a usage error.`;

/**
 * The token the shim presents. With tokens configured (`.dev.vars`), a shim without one would
 * leave every TCP client at NOAUTH: BLINK_EDGE_TOKEN wins, else the Worker's own AUTH_TOKEN.
 */
export function shimToken(vars: Record<string, unknown>): { value?: string; note?: string } {
  const env = process.env.BLINK_EDGE_TOKEN;
  if (env) return { value: env, note: "the shim presents BLINK_EDGE_TOKEN for its clients" };
  const configured = ["AUTH_TOKEN", "AUTH_TOKEN_READONLY", "NAMESPACE_TOKENS"].filter(
    (k) => typeof vars[k] === "string" && vars[k] !== "",
  );
  if (typeof vars.AUTH_TOKEN === "string" && vars.AUTH_TOKEN !== "")
    return {
      value: vars.AUTH_TOKEN,
      note: "the shim presents AUTH_TOKEN (from .dev.vars) for its clients",
    };
  if (configured.length > 0)
    return {
      note:
        `tokens are configured (${configured.join(", ")}) but the shim has none: its clients ` +
        "must AUTH (Redis) or set BLINK_EDGE_TOKEN before `blink-edge dev`",
    };
  return {};
}

/** One listener could not bind: say which and how to pick another; the rest keep serving. */
function reportBindError(dialect: string, e: Error): void {
  process.stderr.write(
    `blink-edge dev: ${e.message.replace(/^blink-edge shim: /, "")}; the Worker and the other ` +
      `listeners keep running. Pick another port with --${dialect} PORT (or --${dialect} off).\n`,
  );
}

export const devCommand: Subcommand = {
  name: "dev",
  help: HELP,
  async run(args) {
    const v = parseOptions(args, {
      host: { type: "string" },
      port: { type: "string" },
      state: { type: "string" },
      "no-shim": { type: "boolean" },
      ...LISTENER_OPTIONS,
    });
    if (v.help) {
      process.stdout.write(HELP + "\n");
      return EXIT_OK;
    }
    const host = v.host ?? DEFAULT_HOST;
    const port = v.port === undefined ? DEFAULT_PORT : Number(v.port);
    if (!/^\d+$/.test(v.port ?? "0") || port > MAX_PORT)
      throw new UsageError(`--port: invalid port '${v.port}'`);
    const listen = v["no-shim"] ? {} : listenersFrom(v);
    const state = v.state === undefined ? undefined : resolve(v.state);

    // Loaded here: Miniflare, wrangler and esbuild take a while and `shim` never needs them.
    const { startLocalWorker, DEFAULT_STATE_DIR } = await import("../local-worker.ts");
    const signals = armSignals();
    let worker: Awaited<ReturnType<typeof startLocalWorker>>;
    let proxy: DevProxy;
    try {
      // The runtime on a loopback port of its own; clients reach it through the relay, which
      // answers 503 + Retry-After while it restarts (dev-proxy.ts).
      worker = await startLocalWorker({
        host: "127.0.0.1",
        port: 0,
        persistTo: state ?? DEFAULT_STATE_DIR,
        vars: { ALLOW_ANONYMOUS: "true" },
      });
    } catch (e) {
      throw new RuntimeError(
        `blink-edge dev: cannot start the Worker on ${host}:${port} (${(e as Error).message})`,
      );
    }
    try {
      proxy = await startDevProxy(host, port, Number(worker.url.port));
    } catch (e) {
      await worker.dispose();
      throw new RuntimeError(
        `blink-edge dev: cannot start the Worker on ${host}:${port} (${(e as Error).message})`,
      );
    }
    // Miniflare's own signal handlers would exit with 128+n before the shim's connections close.
    signals.claim();
    const boundPort = String(proxy.port);
    process.stdout.write(
      `blink-edge dev: Worker on http://${host}:${boundPort} (state ${state ?? DEFAULT_STATE_DIR})\n`,
    );
    if (!isLoopbackHost(host)) {
      process.stderr.write(
        `blink-edge dev: warning: the Worker listens on ${host}:${boundPort} with anonymous access\n`,
      );
    }
    let shim: Shim | undefined;
    if (Object.keys(listen).length > 0) {
      // The shim talks to the runtime directly (no extra hop); it has its own answer to an
      // upstream that is away.
      const token = shimToken(worker.bindings);
      try {
        shim = await runShim(worker.url.origin, token.value, listen, {
          onBindError: (dialect, e) => reportBindError(dialect, e),
        });
      } catch (e) {
        await proxy.close();
        await worker.dispose();
        throw e;
      }
      if (token.note) process.stdout.write(`blink-edge dev: ${token.note}\n`);
    }
    return signals.until(async () => {
      await shim?.close();
      await proxy.close();
      await worker.dispose();
    });
  },
};
