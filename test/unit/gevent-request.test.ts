import { describe, expect, it } from "vitest";
import { fromBytes } from "../../src/engine/bytes.ts";
import type { Command } from "../../src/engine/command.ts";
import type { ErrorReply } from "../../src/engine/reply.ts";
import { geventToCommand } from "../../src/protocols/gevent/gevent.ts";
import { parseGeventRequests, type GeventValue } from "../../src/protocols/gevent/gevent-wire.ts";
import { KEY_MAX_BYTES, VALUE_MAX_BYTES } from "../../src/limits.ts";
import { b } from "./support/byte-mutation.ts";

/** The command (or error text) for the request bytes (one char per byte). */
function run(s: string, valueMax?: number): Command | string {
  const bytes = b(s);
  const { values, error } = parseGeventRequests(bytes, 0, bytes.length);
  expect(error).toBeUndefined();
  expect(values).toHaveLength(1);
  const out = geventToCommand(values[0]!, valueMax);
  return "k" in out ? (out as ErrorReply).v : out;
}
const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const arr = (...items: string[]) => `*${items.length}\r\n` + items.join("");

describe("the requests of spec §9.5", () => {
  it("builds commands", () => {
    expect(run(arr(bulk("SET"), bulk("username"), bulk("jdoe")))).toEqual({
      argv: ["SET", "username", "jdoe"],
      typed: [undefined, undefined, { type: "string", v: "jdoe" }],
    });
    expect(run(arr(bulk("GET"), bulk("username")))).toEqual({ argv: ["GET", "username"] });
    expect(run("*7\r\n$4\r\nMSET\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n$1\r\nc\r\n:3\r\n")).toEqual({
      argv: ["MSET", "a", "1", "b", "2", "c", "3"],
      typed: [
        undefined,
        undefined,
        { type: "int", v: 1n },
        undefined,
        { type: "int", v: 2n },
        undefined,
        { type: "int", v: 3n },
      ],
    });
    expect(run(arr(bulk("MGET"), bulk("a"), bulk("b")))).toEqual({ argv: ["MGET", "a", "b"] });
    expect(run("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n%1\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n")).toEqual({
      argv: ["SET", "k", '{"x":[1,null]}'],
      typed: [undefined, undefined, { type: "json", text: '{"x":[1,null]}' }],
    });
    expect(run("+get username\r\n")).toEqual({ argv: ["GET", "username"] });
    expect(run(arr(bulk("DELETE"), bulk("k")))).toEqual({ argv: ["DELETE", "k"] });
    expect(run(arr(bulk("FLUSH")))).toEqual({ argv: ["FLUSH"] });
  });
  it("answers the error rows", () => {
    expect(run(":5\r\n")).toBe("Request must be list or simple string.");
    expect(run("*0\r\n")).toBe("Missing command");
    expect(run(arr(bulk("FOO")))).toBe("Unrecognized command: FOO");
    expect(run(arr(bulk("GET")))).toBe("ERR wrong number of arguments for 'get' command");
  });
});

describe("request handling steps (spec §9.2)", () => {
  it("step 1: request shape", () => {
    for (const s of ["$-1\r\n", "-x\r\n", "%0\r\n"])
      expect(run(s), s).toBe("Request must be list or simple string.");
    expect(run("+\xff a\r\n")).toBe("ERR invalid UTF-8 in inline request");
    expect(run("$9\r\nget\xc2\xa0 \x1c\tk\r\n")).toEqual({ argv: ["GET", "k"] });
    expect(run("+  mget a\u3000b  \r\n".replace("\u3000", "\xe3\x80\x80"))).toEqual({
      argv: ["MGET", "a", "b"],
    });
  });
  it("step 2: no arguments", () => {
    expect(run("+\r\n")).toBe("Missing command");
    expect(run("+   \r\n")).toBe("Missing command");
  });
  it("step 3: command name", () => {
    expect(run("+ping\r\n")).toBe("Unrecognized command: PING");
    expect(run(arr(":7\r\n"))).toBe("Unrecognized command: 7");
    expect(run(arr("$-1\r\n"))).toBe("ERR invalid command name: must be a string");
    expect(run(arr("*0\r\n"))).toBe("ERR invalid command name: must be a string");
    expect(run(arr(":99999999999999999999\r\n"))).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(run(arr(bulk("get\xff"), bulk("k")))).toBe("Unrecognized command: GET\uFFFD");
    expect(run(arr(bulk("\xc3\x9f")))).toBe("Unrecognized command: SS");
    expect(run(arr(bulk("mSeT")))).toEqual({ argv: ["MSET"], typed: [undefined] });
  });
  it("step 5: arity, with a trailing odd MSET key ignored", () => {
    expect(run(arr(bulk("SET"), bulk("k")))).toBe(
      "ERR wrong number of arguments for 'set' command",
    );
    expect(run(arr(bulk("delete")))).toBe("ERR wrong number of arguments for 'delete' command");
    expect(run(arr(bulk("FLUSH"), bulk("x")))).toBe(
      "ERR wrong number of arguments for 'flush' command",
    );
    expect(run(arr(bulk("MGET")))).toEqual({ argv: ["MGET"] });
    expect(run(arr(bulk("MSET"), bulk("a"), ":1\r\n", "*0\r\n"))).toEqual({
      argv: ["MSET", "a", "1"],
      typed: [undefined, undefined, { type: "int", v: 1n }],
    });
  });
  it("step 6: keys", () => {
    expect(run(arr(bulk("GET"), ":-12\r\n"))).toEqual({ argv: ["GET", "-12"] });
    expect(run(arr(bulk("GET"), "+k\r\n"))).toEqual({ argv: ["GET", "k"] });
    expect(run(arr(bulk("GET"), bulk("\xff")))).toEqual({
      argv: ["GET", fromBytes(Uint8Array.of(0xff))],
    });
    for (const k of ["$-1\r\n", "*0\r\n", "%0\r\n", "-e\r\n"]) {
      expect(run(arr(bulk("DELETE"), k)), k).toBe("ERR invalid key: must be a string or integer");
    }
    expect(run(arr(bulk("GET"), ":9223372036854775808\r\n"))).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(run(arr(bulk("GET"), bulk("k".repeat(KEY_MAX_BYTES))))).toEqual({
      argv: ["GET", "k".repeat(KEY_MAX_BYTES)],
    });
    expect(run(arr(bulk("GET"), bulk("k".repeat(KEY_MAX_BYTES + 1))))).toBe(
      "ERR key too large (max 32768 bytes)",
    );
    expect(run(arr(bulk("MSET"), bulk("a"), "$-1\r\n", "*0\r\n", bulk("v")))).toBe(
      "ERR invalid key: must be a string or integer",
    );
  });
});

describe("values on write (spec §9.3)", () => {
  const set = (v: string, valueMax?: number) => run(arr(bulk("SET"), bulk("k"), v), valueMax);
  const jsonText = (v: string) => {
    const c = set(v);
    return typeof c === "string" ? c : (c.typed![2] as { text: string }).text;
  };
  it("types top-level values", () => {
    expect(set("+text\r\n")).toEqual({
      argv: ["SET", "k", "text"],
      typed: [undefined, undefined, { type: "string", v: "text" }],
    });
    expect(set(bulk("\xff\x00"))).toMatchObject({
      typed: [undefined, undefined, { type: "string", v: fromBytes(Uint8Array.of(0xff, 0)) }],
    });
    expect(set(":-5\r\n")).toEqual({
      argv: ["SET", "k", "-5"],
      typed: [undefined, undefined, { type: "int", v: -5n }],
    });
    expect(set("$-1\r\n")).toBe("ERR invalid value: null cannot be stored");
    expect(set("-boom\r\n")).toBe("ERR invalid value: errors cannot be stored");
    expect(set(":-9223372036854775809\r\n")).toBe("ERR value is not an integer or out of range");
  });
  it("turns dicts and arrays into canonical JSON", () => {
    expect(jsonText("*0\r\n")).toBe("[]");
    expect(jsonText("%0\r\n")).toBe("{}");
    expect(
      jsonText(
        "%3\r\n" +
          bulk("a") +
          ":1\r\n:7\r\n" +
          bulk('é"\n'.replace("é", "\xc3\xa9")) +
          bulk("a") +
          ":2\r\n",
      ),
    ).toBe('{"a":2,"7":"é\\"\\n"}');
    expect(jsonText("%2\r\n:1\r\n:1\r\n" + bulk("1") + ":2\r\n")).toBe('{"1":2}');
    expect(jsonText("*3\r\n$-1\r\n*1\r\n%0\r\n+s\r\n")).toBe('[null,[{}],"s"]');
    expect(jsonText("*1\r\n:123456789012345678\r\n")).toBe("[123456789012345678]");
  });
  it("refuses what JSON cannot hold", () => {
    expect(jsonText("*1\r\n" + bulk("\xff"))).toBe(
      "ERR invalid value: nested strings must be valid UTF-8",
    );
    expect(jsonText("%1\r\n" + bulk("\xff") + ":1\r\n")).toBe(
      "ERR invalid value: nested strings must be valid UTF-8",
    );
    expect(jsonText("*2\r\n:1\r\n*1\r\n-e\r\n")).toBe("ERR invalid value: errors cannot be stored");
    for (const k of ["$-1\r\n", "*0\r\n", "%0\r\n"]) {
      expect(jsonText("%1\r\n" + k + ":1\r\n"), k).toBe(
        "ERR invalid value: dict keys must be strings or integers",
      );
    }
    expect(jsonText("*1\r\n:99999999999999999999\r\n")).toBe(
      "ERR value is not an integer or out of range",
    );
  });
  it("checks value sizes against the effective VALUE_MAX_BYTES", () => {
    expect(set(bulk("v".repeat(10)), 10)).toMatchObject({ argv: ["SET", "k", "v".repeat(10)] });
    expect(set(bulk("v".repeat(11)), 10)).toBe("ERR value too large (max 10 bytes)");
    expect(set("*1\r\n" + bulk("v".repeat(6)), 10)).toMatchObject({
      argv: ["SET", "k", '["vvvvvv"]'],
    });
    expect(set("*1\r\n" + bulk("v".repeat(7)), 10)).toBe("ERR value too large (max 10 bytes)");
    expect(set(bulk("v".repeat(VALUE_MAX_BYTES + 1)))).toBe(
      `ERR value too large (max ${VALUE_MAX_BYTES} bytes)`,
    );
  });
  it("validates every MSET pair before returning a command", () => {
    expect(run(arr(bulk("MSET"), bulk("a"), ":1\r\n", bulk("b"), "$-1\r\n"))).toBe(
      "ERR invalid value: null cannot be stored",
    );
  });
});

describe("inline requests", () => {
  it("split on Python whitespace only", () => {
    const v: GeventValue = { t: "str", v: "SET\u2003k\u00a0\u001fv\u200b", simple: true };
    expect(geventToCommand(v)).toEqual({
      argv: ["SET", "k", "v\u200b"],
      typed: [undefined, undefined, { type: "string", v: "v\u200b" }],
    });
  });
});
