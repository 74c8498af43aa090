// The shim's pure pieces: Blink line framing (spec §7.1, §12.2), its input buffer, the dialects'
// error lines (§12.2 table), listener addresses and upstream URLs (§12.1).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BLINK_LINE_MAX_BYTES,
  PIPELINE_MAX_COMMANDS,
  WS_MESSAGE_MAX_BYTES,
} from "../../src/limits.ts";
import { formatAddr, isLoopbackHost, parseListenAddr } from "../../src/node/shim/addr.ts";
import { frameBlink, frameBlinkTail } from "../../src/node/shim/blink-frame.ts";
import type { Frame } from "../../src/node/shim/blink-frame.ts";
import { BLINK, GEVENT, REDIS } from "../../src/node/shim/dialects.ts";
import { InputBuffer } from "../../src/node/shim/input-buffer.ts";
import { upstreamUrl } from "../../src/node/shim/upstream.ts";
import { parseBlink } from "../../src/protocols/blink.ts";

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const frame = (s: string, lineMax?: number) => {
  const b = bytes(s);
  return frameBlink(b, 0, b.length, lineMax);
};

describe("frameBlink", () => {
  it("takes whole lines only, CR included, and waits for the rest", () => {
    expect(frame("GET a\r\nSET b c\nGET")).toEqual({ commands: 2, consumed: 15 });
    expect(frame("GET")).toEqual({ commands: 0, consumed: 0 });
    expect(frame("\n\n")).toEqual({ commands: 2, consumed: 2 });
  });

  it("frames from `start` and never reads past `end`", () => {
    const b = bytes("xxGET a\nGET b\n");
    expect(frameBlink(b, 2, 8)).toEqual({ commands: 1, consumed: 6 });
    expect(frameBlink(b, 2, 13)).toEqual({ commands: 1, consumed: 6 });
  });

  it("a line of lineMax bytes passes; one byte more is too long, even before its newline", () => {
    expect(frame("GET a\n" + "a".repeat(8) + "\n", 8)).toEqual({ commands: 2, consumed: 15 });
    expect(frame("GET a\n" + "a".repeat(9) + "\n", 8)).toEqual({
      commands: 1,
      consumed: 6,
      error: "line too long",
    });
    expect(frame("GET a\n" + "a".repeat(9), 8)).toEqual({
      commands: 1,
      consumed: 6,
      error: "line too long",
    });
    expect(frame("GET a\n" + "a".repeat(8), 8)).toEqual({ commands: 1, consumed: 6 });
    expect(frame("x".repeat(BLINK_LINE_MAX_BYTES + 1))).toMatchObject({ error: "line too long" });
  });

  it("stops at a complete line that is not UTF-8", () => {
    expect(frame("GET a\nGET \xff\nGET b\n")).toEqual({
      commands: 1,
      consumed: 6,
      error: "invalid UTF-8",
    });
    expect(frame("GET \xc3")).toEqual({ commands: 0, consumed: 0 }); // may complete later
    expect(frame("GET \xc3\xa9\n")).toEqual({ commands: 1, consumed: 7 });
  });

  it("caps one run at PIPELINE_MAX_COMMANDS lines", () => {
    const s = "GET a\n".repeat(PIPELINE_MAX_COMMANDS + 5);
    expect(frame(s)).toEqual({
      commands: PIPELINE_MAX_COMMANDS,
      consumed: 6 * PIPELINE_MAX_COMMANDS,
    });
  });

  it("caps one run at WS_MESSAGE_MAX_BYTES", () => {
    const line = "SET k " + "v".repeat(1024 * 1024 - 7) + "\n"; // 1 MiB per line
    const s = line.repeat(17);
    const f = frame(s);
    expect(f.commands).toBe(16);
    expect(f.consumed).toBeLessThanOrEqual(WS_MESSAGE_MAX_BYTES);
  });

  it("agrees with the Worker's parser (parseBlink) on where lines end and which error stops them", () => {
    const alphabet = fc.constantFrom(0x61, 0x20, 0x0a, 0x0d, 0xff, 0xc3, 0xa9, 0xe2, 0x80, 0x85);
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        (arr, lineMax) => {
          const b = new Uint8Array(arr);
          const f = frameBlink(b, 0, b.length, lineMax);
          // Everything framed is what the Worker parses without a stop.
          const framed = parseBlink(b.subarray(0, f.consumed), {
            lineMax,
            maxCommands: PIPELINE_MAX_COMMANDS,
          });
          expect(framed.stop).toBeUndefined();
          expect(framed.items.length).toBe(f.commands);
          const whole = parseBlink(b, { lineMax });
          if (f.error) {
            expect(whole.stop).toEqual({ kind: "error", line: `ERROR ${f.error}\n` });
          } else {
            // The rest is one unterminated line within the limit; at EOF it is the Worker's last line.
            const rest = b.subarray(f.consumed);
            expect(rest.includes(0x0a)).toBe(false);
            const t = frameBlinkTail(b, f.consumed, b.length, lineMax);
            if (t.error) expect(whole.stop).toEqual({ kind: "error", line: `ERROR ${t.error}\n` });
            else expect(whole.stop).toBeUndefined();
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("frames the same lines and error however the bytes are chunked", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("GET a\n", "SET k v v\r\n", "\n", "é", "GET", " ", "\xff\n"), {
          maxLength: 40,
        }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }),
        (parts, cuts) => {
          const all = new Uint8Array(Buffer.from(parts.join(""), "utf8"));
          const once = drain(new InputBuffer(), [all]);
          const chunks: Uint8Array[] = [];
          for (let pos = 0, i = 0; pos < all.length; i++) {
            const n = cuts[i % cuts.length]!;
            chunks.push(all.slice(pos, pos + n));
            pos += n;
          }
          // Message boundaries follow the chunks (one message per run available at once).
          expect(drain(new InputBuffer(), chunks)).toEqual(once);
        },
      ),
    );
  });
});

/** Feeds chunks through an InputBuffer the way a connection does: the bytes sent, and any error. */
function drain(
  input: InputBuffer,
  chunks: Uint8Array[],
): { sent: string; lines: number; error?: string } {
  let sent = "";
  let lines = 0;
  for (const chunk of chunks) {
    input.append(chunk);
    for (;;) {
      const f: Frame = frameBlink(input.buf, input.start, input.end);
      lines += f.commands;
      if (f.consumed > 0) sent += Buffer.from(input.take(f.consumed)).toString("latin1");
      if (f.error) return { sent, lines, error: f.error };
      if (f.consumed === 0) break;
    }
  }
  return { sent, lines };
}

describe("frameBlinkTail (client EOF)", () => {
  it("sends a non-empty final line, nothing for no bytes, and checks it like any line", () => {
    const t = (s: string, max?: number) => {
      const b = bytes(s);
      return frameBlinkTail(b, 0, b.length, max);
    };
    expect(t("GET hc")).toEqual({ commands: 1, consumed: 6 });
    expect(t("   ")).toEqual({ commands: 1, consumed: 3 });
    expect(t("")).toEqual({ commands: 0, consumed: 0 });
    expect(t("GET \xff")).toEqual({ commands: 0, consumed: 0, error: "invalid UTF-8" });
    expect(t("abcdefghi", 8)).toEqual({ commands: 0, consumed: 0, error: "line too long" });
  });
});

describe("InputBuffer", () => {
  it("adopts a chunk without copying and copies only what it must keep", () => {
    const ib = new InputBuffer();
    const chunk = bytes("GET a\nGET");
    ib.append(chunk);
    expect(ib.buf).toBe(chunk);
    const first = ib.take(6);
    expect(first.buffer).toBe(chunk.buffer); // a view of the received chunk
    ib.append(bytes(" b\n"));
    expect(ib.length).toBe(6);
    const second = ib.take(6);
    expect(Buffer.from(second).toString()).toBe("GET b\n");
    ib.append(bytes("x"));
    expect(second.buffer).not.toBe(ib.buf.buffer); // a copy: storage can be reused
    ib.clear();
    expect(ib.length).toBe(0);
    expect(ib.capacity).toBe(0);
  });

  it("keeps every byte in order through growth and compaction", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 40000 }), fc.nat(50000)), { maxLength: 12 }),
        (ops) => {
          const ib = new InputBuffer();
          let model = Buffer.alloc(0);
          for (const [chunk, takeN] of ops) {
            ib.append(chunk);
            model = Buffer.concat([model, chunk]);
            const n = Math.min(takeN, ib.length);
            const got = ib.take(n);
            expect(Buffer.from(got).equals(model.subarray(0, n))).toBe(true);
            model = model.subarray(n);
            expect(Buffer.from(ib.buf.subarray(ib.start, ib.end)).equals(model)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("dialect lines (spec §12.2)", () => {
  const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
  it("refused and failed upgrades", () => {
    expect(text(BLINK.wrongpass)).toBe("ERROR WRONGPASS invalid or missing auth token\n");
    expect(text(BLINK.unavailable)).toBe("ERROR upstream unavailable\n");
    for (const d of [GEVENT, REDIS]) {
      expect(text(d.wrongpass)).toBe("-WRONGPASS invalid or missing auth token\r\n");
      expect(text(d.unavailable)).toBe("-ERR upstream unavailable\r\n");
    }
  });
  it("framing errors, including a raw byte in a RESP error text", () => {
    expect(text(BLINK.errorReply("line too long"))).toBe("ERROR line too long\n");
    expect(text(REDIS.errorReply("ERR Protocol error: invalid bulk length"))).toBe(
      "-ERR Protocol error: invalid bulk length\r\n",
    );
    const raw = REDIS.frame(bytes("*1\r\n\xff3\r\n"), 0, 8);
    expect(raw.error).toBeDefined();
    expect(text(REDIS.errorReply(raw.error!))).toBe(
      "-ERR Protocol error: expected '$', got '\xff'\r\n",
    );
  });
  it("routes", () => {
    expect([BLINK.path, GEVENT.path, REDIS.path]).toEqual([
      "/blink",
      "/resp?dialect=gevent",
      "/resp?dialect=redis",
    ]);
  });
});

describe("addresses and URLs (spec §12.1)", () => {
  it("parses port, host:port, [v6]:port and off", () => {
    expect(parseListenAddr("8765")).toEqual({ host: "127.0.0.1", port: 8765 });
    expect(parseListenAddr("0.0.0.0:31337")).toEqual({ host: "0.0.0.0", port: 31337 });
    expect(parseListenAddr("localhost:1")).toEqual({ host: "localhost", port: 1 });
    expect(parseListenAddr("[::1]:6379")).toEqual({ host: "::1", port: 6379 });
    expect(parseListenAddr("off")).toBeNull();
    expect(parseListenAddr("OFF")).toBeNull();
    for (const bad of ["", "70000", "host:", ":80", "a:b", "::1:80", "12ab"])
      expect(() => parseListenAddr(bad), bad).toThrow();
    expect(formatAddr({ host: "::1", port: 1 })).toBe("[::1]:1");
  });
  it("knows loopback hosts", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "localhost"])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.2", "example.com"])
      expect(isLoopbackHost(h)).toBe(false);
  });
  it("maps http→ws and https→wss, keeping the namespace base", () => {
    expect(upstreamUrl("http://127.0.0.1:8787", "/blink")).toBe("ws://127.0.0.1:8787/blink");
    expect(upstreamUrl("https://kv.example.workers.dev/db/app/", "/resp?dialect=gevent")).toBe(
      "wss://kv.example.workers.dev/db/app/resp?dialect=gevent",
    );
    expect(upstreamUrl("ws://h/db/x", "/resp?dialect=redis")).toBe(
      "ws://h/db/x/resp?dialect=redis",
    );
    expect(() => upstreamUrl("ftp://h", "/blink")).toThrow();
    expect(() => upstreamUrl("not a url", "/blink")).toThrow();
  });
});
