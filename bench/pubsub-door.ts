// The object's side of a pub/sub fan-out alone (issue 16), no sockets: a MuxSession on the engine
// with 50 subscribers and one publisher behind one shim socket, answering messages of 20 PUBLISHes;
// CPU time per delivered message (encoding, mux framing, the engine), for profiling the door.
//
//   node bench/pubsub-door.ts [--rounds N] [--subscribers S]

import { COMMANDS } from "../src/engine/commands/index.ts";
import { Engine, NULL_HOST } from "../src/engine/engine.ts";
import { MUX_DIALECTS, MUX_OP, MuxWriter } from "../src/protocols/mux.ts";
import { MuxSession } from "../src/worker/mux-door.ts";
import { numArg } from "./lib/side-by-side.ts";

const ROUNDS = numArg("rounds", 2_000);
const SUBSCRIBERS = numArg("subscribers", 50);
const PUBLISHES = 20;
const WARM_UP = 200;

const engine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
let ids = 1;
const session = new MuxSession(
  {
    run: (dialect, conn, items) => engine.run(dialect, conn, items, Date.now()),
    nextClientId: () => ids++,
    valueMax: 1 << 20,
    attach: (conn, sink) => engine.attach(conn, sink),
    detach: (conn) => engine.detach(conn),
    send: () => {},
  },
  "full",
  "127.0.0.1:0",
);
const resp = (...a: string[]) =>
  new TextEncoder().encode(`*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join("")}`);
const message = (build: (w: MuxWriter) => void) => {
  const w = new MuxWriter();
  build(w);
  return w.take();
};
const publisher = SUBSCRIBERS + 1;
session.handle(
  message((w) => {
    for (let c = 1; c <= publisher; c++)
      w.frame(c, MUX_OP.OPEN, Uint8Array.of(MUX_DIALECTS.indexOf("redis")));
    for (let c = 1; c <= SUBSCRIBERS; c++) w.frame(c, MUX_OP.DATA, resp("SUBSCRIBE", "ch"));
  }),
);
const publishes = message((w) => {
  for (let i = 0; i < PUBLISHES; i++)
    w.frame(publisher, MUX_OP.DATA, resp("PUBLISH", "ch", "1733580000000.123"));
});
for (let r = 0; r < WARM_UP; r++) session.handle(publishes);
const before = process.cpuUsage();
let bytes = 0;
for (let r = 0; r < ROUNDS; r++) bytes += session.handle(publishes).length;
const used = process.cpuUsage(before);
const deliveries = ROUNDS * PUBLISHES * SUBSCRIBERS;
const us = (used.user + used.system) / deliveries;
console.log(
  `${deliveries.toLocaleString("en")} deliveries (${SUBSCRIBERS} subscribers), ${bytes.toLocaleString("en")} bytes out: ${us.toFixed(3)} µs CPU each, ${Math.round(1e6 / us).toLocaleString("en")} deliveries per CPU second`,
);
