// The Blink conformance cases through every Blink door the Worker has: HTTP /blink, HTTP POST /
// with text/plain, and WebSocket /blink (all lines in one message, and one line per message).
// The TCP door runs the same cases in test/node/conformance-shim.test.ts.

import { runBlinkCases } from "../conformance/runners.ts";
import { blinkHttp, Ws } from "./support/client.ts";

let n = 0;
const fresh = () => `/db/blink-conf-${++n}`;

runBlinkCases({ name: "HTTP POST B/blink", batch: (body) => blinkHttp(body, fresh() + "/blink") });
runBlinkCases({ name: "HTTP POST B/ text/plain", batch: (body) => blinkHttp(body, fresh() + "/") });
runBlinkCases({
  name: "WebSocket B/blink",
  async batch(body) {
    const ws = await Ws.open(fresh() + "/blink");
    const got = (await ws.request(body)) ?? "";
    ws.close();
    return got;
  },
  async oneByOne(lines) {
    const ws = await Ws.open(fresh() + "/blink");
    let got = "";
    for (const l of lines) got += (await ws.request(l + "\n")) ?? "";
    ws.close();
    return got;
  },
});
