// The conformance runners (test/conformance/runners.ts) through the shim's TCP ports, with the
// shim multiplexing its connections over one WebSocket and with one WebSocket per connection
// (--no-mux): the same cases the Worker's own doors run in test/worker/conformance-*.test.ts.

import { runBlinkCases, runGeventCases, runRedisCases } from "../conformance/runners.ts";
import type { WireDoor } from "../conformance/runners.ts";
import type { DialectName } from "../../src/node/shim/dialects.ts";
import { TcpClient, exchange, workerPerFile } from "./support/shim-harness.ts";

const file = workerPerFile();

/** A runner door on a fresh shim listener of one dialect. */
function tcpDoor(name: string, dialect: DialectName, mux: boolean): WireDoor {
  return {
    name,
    protocolErrorEnd: "eof",
    async open() {
      const c = await TcpClient.open(await file.listener(dialect, { mux }));
      let seen = 0;
      return {
        async request(bytes, complete) {
          c.write(bytes);
          await c.until(() => complete(c.received.subarray(seen).toString("latin1")));
          const got = c.received.subarray(seen).toString("latin1");
          seen = c.received.length;
          return got;
        },
        async ended() {
          await c.readToEnd();
          return "eof";
        },
        close: () => c.destroy(),
      };
    },
  };
}

for (const mux of [true, false]) {
  const how = mux ? "shim TCP, multiplexed" : "shim TCP, --no-mux";
  runGeventCases(tcpDoor(how, "gevent", mux));
  runRedisCases(tcpDoor(how, "redis", mux));
  runBlinkCases({
    name: how,
    async batch(body) {
      const port = await file.listener("blink", { mux });
      return (await exchange(port, body, { halfClose: true })).toString();
    },
    async oneByOne(lines) {
      const client = await TcpClient.open(await file.listener("blink", { mux }));
      let n = 0;
      for (const l of lines) {
        client.write(l + "\n");
        n++;
        await client.until(() => client.received.toString().split("\n").length > n);
      }
      client.write("QUIT\n");
      return (await client.readToEnd()).toString();
    },
  });
}
