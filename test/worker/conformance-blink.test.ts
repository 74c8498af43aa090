// The Blink conformance cases through every Blink door the Worker has: HTTP /blink, HTTP POST /
// with text/plain, and WebSocket /blink (all lines in one message, and one line per message).
// The TCP door runs the same cases in test/node.

import { describe, expect, it } from "vitest";
import { BLINK_CASES } from "../conformance/blink-cases.ts";
import { blinkHttp, Ws } from "./support/client.ts";

let n = 0;
const fresh = () => `/db/blink-conf-${++n}`;

describe.each(BLINK_CASES)("$name", ({ lines, replies }) => {
  const body = lines.map((l) => l + "\n").join("");
  it("HTTP POST B/blink", async () => {
    expect(await blinkHttp(body, fresh() + "/blink")).toBe(replies);
  });
  it("HTTP POST B/ text/plain", async () => {
    expect(await blinkHttp(body, fresh() + "/")).toBe(replies);
  });
  it("WebSocket, one message", async () => {
    const ws = await Ws.open(fresh() + "/blink");
    expect(await ws.request(body)).toBe(replies);
    ws.close();
  });
  it("WebSocket, a message per line", async () => {
    const ws = await Ws.open(fresh() + "/blink");
    let got = "";
    for (const l of lines) got += await ws.request(l + "\n");
    expect(got).toBe(replies);
    ws.close();
  });
});
