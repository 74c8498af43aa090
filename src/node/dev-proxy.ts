// The front door of `blink-edge dev`: a byte-for-byte TCP relay to the local runtime (workerd on
// a loopback port of its own), so that while the runtime is down or restarting (Miniflare starts
// it again after a crash) a client gets a short 503 with Retry-After from our own code instead of
// a refused connection or a runtime error page with local paths (issue 13). HTTP and WebSocket
// upgrades pass through unchanged once the runtime accepts the connection.

import { connect, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

/** Seconds a client is told to wait before it retries (the runtime restarts in about one). */
export const DEV_RETRY_AFTER_S = 1;

const UNAVAILABLE_BODY =
  "ERR the local runtime is restarting; retry in a moment (blink-edge dev)\n";

/** The whole 503 answer: no stack, no path, the connection closed after it. */
export const UNAVAILABLE_RESPONSE =
  "HTTP/1.1 503 Service Unavailable\r\n" +
  `Retry-After: ${DEV_RETRY_AFTER_S}\r\n` +
  "Content-Type: text/plain; charset=utf-8\r\n" +
  `Content-Length: ${Buffer.byteLength(UNAVAILABLE_BODY)}\r\n` +
  "Access-Control-Allow-Origin: *\r\n" +
  "Connection: close\r\n\r\n" +
  UNAVAILABLE_BODY;

export interface DevProxy {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Relays every connection on host:port to the runtime at 127.0.0.1:`upstreamPort`. When the
 * runtime refuses or drops a connection before answering anything on it, the client gets
 * UNAVAILABLE_RESPONSE; a connection dropped after it answered is closed (its client reconnects
 * and then gets the 503 until the runtime is back).
 */
export function startDevProxy(host: string, port: number, upstreamPort: number): Promise<DevProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => {});
    client.setNoDelay(true);
    const upstream = connect({ host: "127.0.0.1", port: upstreamPort });
    upstream.setNoDelay(true);
    let answered = false;
    upstream.once("data", () => (answered = true));
    const fail = () => {
      client.unpipe(upstream);
      if (!answered && !client.destroyed) client.end(UNAVAILABLE_RESPONSE);
      else client.destroy();
    };
    upstream.on("error", fail);
    upstream.on("close", (hadError) => {
      if (!hadError && answered) client.end();
      else if (!hadError) fail();
    });
    client.on("close", () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client, { end: false });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
