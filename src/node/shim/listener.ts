// A TCP listener of the shim: binds one address for one dialect and hands each accepted socket
// to a ShimConnection.

import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { formatAddr } from "./addr.ts";
import type { ListenAddr } from "./addr.ts";
import { ShimConnection } from "./connection.ts";
import type { ShimLog } from "./connection.ts";
import type { ShimDialect } from "./dialects.ts";
import type { UpstreamConnector } from "./upstream.ts";

export interface ShimListener {
  dialect: ShimDialect;
  /** The bound address (the real port when 0 was asked for). */
  address: ListenAddr;
  server: Server;
  connections: Set<ShimConnection>;
}

/** Binds `addr`; rejects with a message naming the address when it cannot. */
export function listen(
  dialect: ShimDialect,
  addr: ListenAddr,
  connector: UpstreamConnector,
  log: ShimLog,
): Promise<ShimListener> {
  const connections = new Set<ShimConnection>();
  // allowHalfOpen: a client's EOF must leave our side writable for the last replies (spec §7.5).
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    try {
      connections.add(
        new ShimConnection(socket, dialect, connector, log, (c) => connections.delete(c)),
      );
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
