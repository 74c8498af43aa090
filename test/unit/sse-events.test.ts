// The SSE lines of the Upstash door's subscriptions (src/worker/sse-subscriber.ts): the format
// @upstash/redis 1.39.0's Subscriber parses (`data: ` + comma-joined fields, one event per push).

import { describe, expect, it } from "vitest";
import { fromBytes } from "../../src/engine/bytes.ts";
import { R } from "../../src/engine/reply.ts";
import { sseEvents } from "../../src/worker/sse-subscriber.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const push = (...v: (string | number)[]) =>
  R.push(v.map((x) => (typeof x === "number" ? R.int(x) : R.bulk(x))));

describe("sseEvents", () => {
  it("writes confirmations and messages as `data:` events", () => {
    const out = sseEvents([
      R.seq([push("subscribe", "a", 1), push("subscribe", "b", 2)]),
      push("message", "a", '{"x":"y, z"}'),
      push("pmessage", "a*", "ab", "é😀"),
    ]);
    expect(text(out)).toBe(
      'data: subscribe,a,1\n\ndata: subscribe,b,2\n\ndata: message,a,{"x":"y, z"}\n\n' +
        "data: pmessage,a*,ab,é😀\n\n",
    );
  });

  it("continues a message's line breaks (LF, CR, CRLF) on `data:` lines", () => {
    expect(text(sseEvents([push("message", "c", "1\n2\r3\r\n4\n")]))).toBe(
      "data: message,c,1\ndata: 2\ndata: 3\ndata: 4\ndata: \n\n",
    );
  });

  it("passes bytes that are not UTF-8 through as they are", () => {
    const bin = fromBytes(Uint8Array.from([0xff, 0x00, 0x41]));
    const out = sseEvents([push("message", "c", bin)]);
    expect([...out.subarray(out.length - 5)]).toEqual([0xff, 0x00, 0x41, 0x0a, 0x0a]);
  });

  it("writes nothing for replies that are not pushes", () => {
    expect(sseEvents([R.OK, R.seq([])]).length).toBe(0);
  });
});
