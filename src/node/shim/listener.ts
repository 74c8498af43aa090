// A TCP listener of the shim: binds one address for one dialect and hands each accepted socket
// to a ShimConnection, within the shim's connection limit.

import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { formatAddr } from "./addr.ts";
import type { ListenAddr } from "./addr.ts";
import { ShimConnection } from "./connection.ts";
import type { ShimLog } from "./connection.ts";
import type { ShimDialect } from "./dialects.ts";
import type { UpstreamConnector } from "./upstream.ts";

/** How long a refused client may keep its half open after our error line and FIN. */
const REFUSED_LINGER_MS = 5_000;

export interface ShimListener {
  dialect: ShimDialect;
  /** The bound address (the real port when 0 was asked for). */
  address: ListenAddr;
  server: Server;
  connections: Set<ShimConnection>;
}

/** The connection count shared by all listeners of one shim (SHIM_MAX_CONNECTIONS). */
export interface ConnectionGate {
  readonly max: number;
  open: number;
  /** Set while refusing, so a flood logs one line rather than one per socket. */
  refusing: boolean;
}

/** Per-connection settings every listener of a shim shares. */
export interface ListenerSettings {
  connector: UpstreamConnector;
  log: ShimLog;
  gate: ConnectionGate;
  /** 0 = no idle timeout. */
  idleTimeoutMs: number;
  /** Unread reply bytes past which a connection is closed (SHIM_OUTPUT_MAX_BYTES). */
  outputMaxBytes: number;
}

/** Binds `addr`; rejects with a message naming the address when it cannot. */
export function listen(
  dialect: ShimDialect,
  addr: ListenAddr,
  settings: ListenerSettings,
): Promise<ShimListener> {
  const { connector, log, gate, idleTimeoutMs, outputMaxBytes } = settings;
  const connections = new Set<ShimConnection>();
  const gone = (c: ShimConnection) => {
    if (connections.delete(c)) gate.open--;
    if (gate.refusing && gate.open < gate.max) {
      gate.refusing = false;
      log(`connection count below the limit again (${gate.open} open)`);
    }
  };
  // allowHalfOpen: a client's EOF must leave our side writable for the last replies (spec §7.5).
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    if (gate.open >= gate.max) {
      refuse(socket, dialect, gate, log);
      return;
    }
    try {
      connections.add(
        new ShimConnection(socket, dialect, connector, log, gone, idleTimeoutMs, outputMaxBytes),
      );
      gate.open++;
    } catch (e) {
      log(`${dialect.name}: cannot serve a connection: ${(e as Error).message}`);
      socket.destroy();
    }
  });
  return new Promise((resolve, reject) => {
    const onBindError = (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `cannot listen on ${formatAddr(addr)} for ${dialect.name} (${err.code ?? err.message})`,
        ),
      );
    };
    server.once("error", onBindError);
    server.listen({ host: addr.host, port: addr.port }, () => {
      server.off("error", onBindError);
      // After the bind, errors (e.g. EMFILE on accept) are logged; the listener keeps going.
      server.on("error", (err: NodeJS.ErrnoException) =>
        log(`${dialect.name} listener: ${err.code ?? err.message}`),
      );
      const bound = server.address() as AddressInfo;
      resolve({ dialect, address: { host: addr.host, port: bound.port }, server, connections });
    });
  });
}

/** Over SHIM_MAX_CONNECTIONS: the dialect's error line, FIN, and no upstream. */
function refuse(socket: Socket, dialect: ShimDialect, gate: ConnectionGate, log: ShimLog): void {
  if (!gate.refusing) {
    gate.refusing = true;
    log(`connection limit reached (${gate.max} open); refusing new connections`);
  }
  socket.on("error", () => {}); // a reset by the refused client is of no interest
  socket.resume(); // whatever it sent is discarded
  socket.end(dialect.tooManyConnections);
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}
