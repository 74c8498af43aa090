// Blink over WebSocket and HTTP: message rules of spec §6.3, §7.5-7.6.

import { describe, expect, it } from "vitest";
import { PIPELINE_MAX_COMMANDS } from "../../src/limits.ts";
import { blinkHttp, Ws } from "./support/client.ts";

describe("Blink WebSocket", () => {
  it("answers an empty message with an empty message, and needs no trailing newline", async () => {
    const ws = await Ws.open("/db/bws1/blink");
    expect(await ws.request("")).toBe("");
    expect(await ws.request("SET a 1\nGET a")).toBe("OK\nVALUE MQ==\n");
    expect(await ws.request(new TextEncoder().encode("GET a\n"))).toBe("VALUE MQ==\n");
    ws.close();
  });

  it("QUIT sends earlier replies, closes 1000 and ignores later lines", async () => {
    const ws = await Ws.open("/db/bws2/blink");
    expect(await ws.request("SET a 1\nQUIT\nSET b 2")).toBe("OK\n");
    expect((await ws.waitClose()).code).toBe(1000);
    const again = await Ws.open("/db/bws2/blink");
    expect(await again.request("GET b\nQUIT")).toBe("NOT_FOUND\n");
  });

  it("closes 1008 after invalid UTF-8, with the replies so far", async () => {
    const ws = await Ws.open("/db/bws3/blink");
    ws.ws.send(new Uint8Array([...new TextEncoder().encode("SET a 1\n"), 0xff, 0x0a]));
    expect(await ws.next()).toBe("OK\nERROR invalid UTF-8\n");
    expect((await ws.waitClose()).code).toBe(1008);
  });

  it("closes 1008 after more than 1000 commands", async () => {
    const ws = await Ws.open("/db/bws4/blink");
    const msg = "USAGE\n".repeat(PIPELINE_MAX_COMMANDS + 1);
    const reply = await ws.request(msg);
    expect(reply).toBe(
      "USAGE 0\n".repeat(PIPELINE_MAX_COMMANDS) +
        "ERROR too many commands in one request (max 1000)\n",
    );
    expect((await ws.waitClose()).code).toBe(1008);
  });

  it("keeps working across hibernation-sized gaps (state is in storage)", async () => {
    const ws = await Ws.open("/db/bws5/blink");
    expect(await ws.request("SET k v")).toBe("OK\n");
    expect(await ws.request("GET k")).toBe("VALUE dg==\n");
    ws.close();
  });
});

describe("Blink HTTP", () => {
  it("stops at QUIT and at a bad line; empty body is empty", async () => {
    expect(await blinkHttp("SET a 1\nQUIT\nSET b 2\n", "/db/bh1/blink")).toBe("OK\n");
    expect(await blinkHttp("GET b", "/db/bh1/blink")).toBe("NOT_FOUND\n");
    expect(await blinkHttp("", "/db/bh1/blink")).toBe("");
    const long = "SET k " + "x".repeat(1081360) + "\nGET a";
    expect(await blinkHttp(long, "/db/bh1/blink")).toBe("ERROR line too long\n");
    expect(await blinkHttp("SET k " + "x".repeat(1048577), "/db/bh1/blink")).toBe(
      "ERROR value too large (max 1048576 bytes)\n",
    );
    expect(await blinkHttp("GET " + "k".repeat(32769), "/db/bh1/blink")).toBe(
      "ERROR key too large (max 32768 bytes)\n",
    );
  });
});
