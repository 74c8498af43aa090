// The TCP shim (spec §12): listeners for the Blink, gevent and Redis doors, each TCP connection
// forwarded to the Worker over an upstream link: by default a virtual connection on one shared,
// multiplexed WebSocket (issue 8), or its own WebSocket (--no-mux).

import { SHIM_IDLE_TIMEOUT_MS, SHIM_MAX_CONNECTIONS, SHIM_OUTPUT_MAX_BYTES } from "../../limits.ts";
import { isLoopbackHost, formatAddr } from "./addr.ts";
import type { ListenAddr } from "./addr.ts";
import type { ConnectionStats, ShimLog } from "./connection.ts";
import { SHIM_DIALECTS } from "./dialects.ts";
import type { DialectName, ShimDialect } from "./dialects.ts";
import { listen } from "./listener.ts";
import type { ConnectionGate, ShimListener } from "./listener.ts";
import { MuxConnector } from "./mux-upstream.ts";
import { WebSocketConnector, upstreamUrl } from "./upstream.ts";
import type { UpstreamConnector } from "./upstream.ts";

export type { ConnectionStats, ShimLog } from "./connection.ts";
export type { DialectName } from "./dialects.ts";
export type { ListenAddr } from "./addr.ts";

/** How long shutdown lets ended sockets close by themselves before dropping them. */
const SHUTDOWN_GRACE_MS = 1000;

export interface ShimOptions {
  /** Worker base URL (spec §12.1). */
  url: string;
  token?: string;
  /** Listeners to open, in order; a dialect left out is off. */
  listen: Partial<Record<DialectName, ListenAddr>>;
  /** One line per abnormal connection end and per warning; stderr by default. */
  log?: ShimLog;
  /** Replaces the one-WebSocket-per-connection upstream (tests, issue 8). */
  connector?: UpstreamConnector;
  /** SHIM_UPSTREAM_TIMEOUT_MS unless told. */
  upstreamTimeoutMs?: number;
  /** Open connections across all listeners; SHIM_MAX_CONNECTIONS unless told. */
  maxConnections?: number;
  /** Close connections idle this long; SHIM_IDLE_TIMEOUT_MS (0 = never) unless told. */
  idleTimeoutMs?: number;
  /** Unread reply bytes past which a connection is closed; SHIM_OUTPUT_MAX_BYTES unless told. */
  outputMaxBytes?: number;
  /**
   * Carry every connection over one multiplexed WebSocket (default; issue 8) instead of one
   * WebSocket per connection (spec §12.2). Falls back per connection where the Worker has no mux.
   */
  mux?: boolean;
  /**
   * A listener that cannot bind is reported here and skipped, the others keep serving (`dev`);
   * without it the shim binds all or none. At least one must bind either way.
   */
  onBindError?: (dialect: DialectName, error: Error) => void;
}

export interface ShimListenerInfo {
  dialect: DialectName;
  address: ListenAddr;
  /** `host:port` as bound. */
  display: string;
  /** Where its connections go. */
  upstream: string;
}

export interface Shim {
  readonly listeners: readonly ShimListenerInfo[];
  /** Open connections right now. */
  stats(): ConnectionStats[];
  /** Stops accepting, ends every connection, resolves when all are gone. */
  close(): Promise<void>;
}

const defaultLog: ShimLog = (line) => process.stderr.write(`blink-edge shim: ${line}\n`);

/** The §12.1 warning for a listener others can reach. */
export function exposureWarning(name: string, addr: ListenAddr): string {
  return `warning: ${name} listens on ${formatAddr(addr)}; anyone who can reach it acts with the shim's token`;
}

/** Binds every requested listener (all or none, unless `onBindError`) and starts forwarding. */
export async function startShim(opts: ShimOptions): Promise<Shim> {
  const log = opts.log ?? defaultLog;
  const ws = new WebSocketConnector({
    url: opts.url,
    token: opts.token,
    timeoutMs: opts.upstreamTimeoutMs,
  });
  const connector =
    opts.connector ??
    (opts.mux === false
      ? ws
      : new MuxConnector({ url: opts.url, token: opts.token, timeoutMs: opts.upstreamTimeoutMs }));
  const gate: ConnectionGate = {
    max: opts.maxConnections ?? SHIM_MAX_CONNECTIONS,
    open: 0,
    refusing: false,
  };
  const settings = {
    connector,
    log,
    gate,
    idleTimeoutMs: opts.idleTimeoutMs ?? SHIM_IDLE_TIMEOUT_MS,
    outputMaxBytes: opts.outputMaxBytes ?? SHIM_OUTPUT_MAX_BYTES,
  };
  const bound: ShimListener[] = [];
  try {
    for (const dialect of SHIM_DIALECTS) {
      const addr = opts.listen[dialect.name];
      if (!addr) continue;
      let l: ShimListener;
      try {
        l = await listen(dialect, addr, settings);
      } catch (e) {
        if (!opts.onBindError) throw e;
        opts.onBindError(dialect.name, e as Error);
        continue;
      }
      bound.push(l);
      if (!isLoopbackHost(addr.host)) log(exposureWarning(dialect.name, l.address));
    }
    if (bound.length === 0) throw new Error("no listener could bind");
  } catch (e) {
    await Promise.all(bound.map(closeListener));
    throw e;
  }
  const mux = connector instanceof MuxConnector ? upstreamUrl(opts.url, "/mux") : null;
  const listeners = bound.map((l) => info(l, ws, mux));
  return {
    listeners,
    stats: () => bound.flatMap((l) => [...l.connections].map((c) => c.stats())),
    close: () => closeAll(bound),
  };
}

function info(l: ShimListener, ws: WebSocketConnector, mux: string | null): ShimListenerInfo {
  const d: ShimDialect = l.dialect;
  return {
    dialect: d.name,
    address: l.address,
    display: formatAddr(l.address),
    upstream: mux ? `${mux} (multiplexed; ${ws.urlFor(d)} when not available)` : ws.urlFor(d),
  };
}

async function closeAll(listeners: ShimListener[]): Promise<void> {
  await Promise.all(listeners.map(closeListener));
}

async function closeListener(l: ShimListener): Promise<void> {
  const closed = new Promise<void>((resolve) => l.server.close(() => resolve()));
  for (const c of l.connections) c.shutdown();
  const grace = setTimeout(() => {
    for (const c of l.connections) c.destroy();
  }, SHUTDOWN_GRACE_MS);
  await closed;
  clearTimeout(grace);
}
