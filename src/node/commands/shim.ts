// `blink-edge shim` (spec §12.1): TCP listeners forwarding to a Worker over WebSockets.

import {
  BLINK_TCP_DEFAULT,
  GEVENT_TCP_DEFAULT,
  REDIS_TCP_DEFAULT,
  SHIM_IDLE_TIMEOUT_MS,
  SHIM_MAX_CONNECTIONS,
  WORKER_URL_DEFAULT,
} from "../../limits.ts";
import { parseListenAddr } from "../shim/addr.ts";
import type { ListenAddr } from "../shim/addr.ts";
import { startShim } from "../shim/index.ts";
import type { DialectName, Shim } from "../shim/index.ts";
import { upstreamUrl } from "../shim/upstream.ts";
import { EXIT_OK, RuntimeError, UsageError, armSignals, parseOptions } from "./command.ts";
import type { Subcommand } from "./command.ts";

/** Listener options shared with `dev`. */
export const LISTENER_OPTIONS = {
  blink: { type: "string" },
  gevent: { type: "string" },
  redis: { type: "string" },
} as const;

export const LISTENER_HELP = `  --blink ADDR|off    Blink line protocol listener (default ${BLINK_TCP_DEFAULT})
  --gevent ADDR|off   gevent dialect listener (default ${GEVENT_TCP_DEFAULT})
  --redis ADDR|off    Redis RESP2 listener (default ${REDIS_TCP_DEFAULT})`;

export const ADDR_HELP = `ADDR is port, host:port or [IPv6]:port; the host defaults to 127.0.0.1. Listeners on other
than loopback addresses print a warning: anyone who can reach them acts with the shim's token.`;

const DEFAULTS: Record<DialectName, string> = {
  blink: BLINK_TCP_DEFAULT,
  gevent: GEVENT_TCP_DEFAULT,
  redis: REDIS_TCP_DEFAULT,
};

/** The listeners asked for by --blink/--gevent/--redis (defaults when absent). */
export function listenersFrom(
  values: Partial<Record<DialectName, string | undefined>>,
): Partial<Record<DialectName, ListenAddr>> {
  const out: Partial<Record<DialectName, ListenAddr>> = {};
  for (const name of Object.keys(DEFAULTS) as DialectName[]) {
    let addr: ListenAddr | null;
    try {
      addr = parseListenAddr(values[name] ?? DEFAULTS[name]);
    } catch (e) {
      throw new UsageError(`--${name}: ${(e as Error).message}`);
    }
    if (addr) out[name] = addr;
  }
  return out;
}

const MS_PER_SECOND = 1000;

/**
 * `--idle-timeout`: seconds as Redis's `timeout` setting counts them (decimals allowed), or
 * milliseconds with an `ms` suffix; 0 = never. Returns milliseconds.
 */
export function parseIdleTimeout(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `--idle-timeout: expected seconds (e.g. 300) or milliseconds (e.g. 500ms), got '${text}'`,
    );
  const ms = m[2] === "ms" ? Number(m[1]) : Number(m[1]) * MS_PER_SECOND;
  if (!Number.isSafeInteger(Math.round(ms)))
    throw new UsageError(`--idle-timeout: '${text}' is too large`);
  return Math.round(ms);
}

/** Starts the shim and prints one ready line per listener; bind failures become RuntimeError. */
export async function runShim(
  url: string,
  token: string | undefined,
  listen: Partial<Record<DialectName, ListenAddr>>,
  limits: {
    idleTimeoutMs?: number;
    mux?: boolean;
    onBindError?: (dialect: DialectName, error: Error) => void;
  } = {},
): Promise<Shim> {
  let shim: Shim;
  try {
    shim = await startShim({
      url,
      token,
      listen,
      idleTimeoutMs: limits.idleTimeoutMs,
      mux: limits.mux,
      onBindError: limits.onBindError,
    });
  } catch (e) {
    throw new RuntimeError(`blink-edge shim: ${(e as Error).message}`);
  }
  for (const l of shim.listeners)
    process.stdout.write(`blink-edge shim: ${l.dialect} on ${l.display} -> ${l.upstream}\n`);
  return shim;
}

const HELP = `Usage: blink-edge shim [--url URL] [--token T] [--idle-timeout SECS] [--blink ADDR|off] [--gevent ADDR|off] [--redis ADDR|off]

Serves raw TCP clients (Blink-Store lines, the gevent dialect, Redis RESP2/RESP3) by forwarding
them to a blink-edge Worker: all connections over one multiplexed WebSocket (commands from clients
waiting at the same moment travel and commit together), or with --no-mux one WebSocket each.

Options:
  --url URL           Worker base URL with any namespace base, e.g. https://kv.example.workers.dev/db/app
                      (env BLINK_EDGE_URL; default ${WORKER_URL_DEFAULT})
  --token T           bearer token sent on every upgrade (prefer env BLINK_EDGE_TOKEN: command-line
                      arguments are visible to other local users); never logged
  --no-mux            one WebSocket per TCP connection instead of one shared multiplexed socket
  --idle-timeout SECS close a connection that sends nothing and awaits nothing for SECS seconds
                      (or e.g. 500ms); default ${SHIM_IDLE_TIMEOUT_MS / MS_PER_SECOND} = never
${LISTENER_HELP}
  -h, --help          show this help

${ADDR_HELP}

At most ${SHIM_MAX_CONNECTIONS} connections are open at once (all listeners together); one more is
answered with "ERROR too many connections" (Blink) or "-ERR max number of clients reached"
(gevent, Redis) and closed.

Exit status: 0 after SIGINT/SIGTERM (stops accepting, closes connections), 1 when a listener
cannot bind, 2 on a usage error.`;

export const shimCommand: Subcommand = {
  name: "shim",
  help: HELP,
  async run(args) {
    const v = parseOptions(args, {
      url: { type: "string" },
      token: { type: "string" },
      "idle-timeout": { type: "string" },
      "no-mux": { type: "boolean" },
      ...LISTENER_OPTIONS,
    });
    if (v.help) {
      process.stdout.write(HELP + "\n");
      return EXIT_OK;
    }
    const url = v.url ?? process.env.BLINK_EDGE_URL ?? WORKER_URL_DEFAULT;
    try {
      upstreamUrl(url, "/");
    } catch (e) {
      throw new UsageError(`--url: ${(e as Error).message}`);
    }
    const listen = listenersFrom(v);
    if (Object.keys(listen).length === 0)
      throw new UsageError("every listener is off; nothing to serve");
    const token = v.token ?? (process.env.BLINK_EDGE_TOKEN || undefined);
    const idleTimeoutMs =
      v["idle-timeout"] === undefined ? undefined : parseIdleTimeout(v["idle-timeout"]);
    const signals = armSignals();
    const shim = await runShim(url, token, listen, { idleTimeoutMs, mux: !v["no-mux"] });
    return signals.until(() => shim.close());
  },
};
