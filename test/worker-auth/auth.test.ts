// Authentication and scopes (spec §5.2, issue 5): every door refuses missing or invalid tokens
// in its own format, read-only tokens cannot write, namespace tokens open only their namespace.

import { describe, expect, it } from "vitest";
import { BASE, Ws, post, resp } from "../worker/support/client.ts";
import { exports } from "cloudflare:workers";

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const WRONGPASS = "WRONGPASS invalid or missing auth token";

describe("HTTP", () => {
  it("401 without or with a bad token, in each surface's format", async () => {
    let r = await post("/blink", "GET k", "text/plain");
    expect([r.status, await r.text(), r.headers.get("WWW-Authenticate")]).toEqual([
      401,
      `ERROR ${WRONGPASS}\n`,
      'Bearer realm="blink-edge"',
    ]);
    r = await post("/", '{"cmd":"get","key":"k"}', "application/json", bearer("nope"));
    expect([r.status, await r.text()]).toEqual([401, '"ERROR"\n']);
    r = await post("/", '{"cmd":"get","key":"k"}', "application/json", {
      Authorization: "Basic Zm9vOmJhcg==",
    });
    expect(r.status).toBe(401);
    r = await post("/", "GET k", "text/plain", bearer("nope"));
    expect([r.status, await r.text()]).toEqual([401, `ERROR ${WRONGPASS}\n`]);
  });

  it("accepts the header (any scheme case) and ?_token=, the header winning", async () => {
    let r = await post("/blink", "SET a 1", "text/plain", { Authorization: "bEaReR full-token" });
    expect(await r.text()).toBe("OK\n");
    r = await exports.default.fetch(`${BASE}/blink?_token=full-token`, {
      method: "POST",
      body: "GET a",
    });
    expect(await r.text()).toBe("VALUE MQ==\n");
    r = await exports.default.fetch(`${BASE}/blink?_token=full-token`, {
      method: "POST",
      body: "GET a",
      headers: bearer("bad"),
    });
    expect(r.status).toBe(401);
  });

  it("read-only tokens read but cannot write", async () => {
    await post("/blink", "SET ro 1", "text/plain", bearer("full-token"));
    let r = await post(
      "/blink",
      "GET ro\nSET ro 2\nDEL ro\nDELETE ro",
      "text/plain",
      bearer("ro-token"),
    );
    expect(await r.text()).toBe(
      "VALUE MQ==\nERROR NOPERM this user has no permissions to run the 'set' command\n" +
        "ERROR NOPERM this user has no permissions to run the 'del' command\n" +
        "ERROR NOPERM this user has no permissions to run the 'delete' command\n",
    );
    r = await post(
      "/",
      '{"cmd":"set","key":"ro","value":"x"}',
      "application/json",
      bearer("ro-token"),
    );
    expect([r.status, await r.text(), r.headers.get("Blink-Edge-Error")]).toEqual([
      400,
      '"ERROR"\n',
      "NOPERM this user has no permissions to run the 'set' command",
    ]);
    r = await post("/", '{"cmd":"save"}', "application/json", bearer("ro-token"));
    expect(r.status).toBe(400);
    r = await post("/", '{"cmd":"get","key":"ro"}', "application/json", bearer("ro-token"));
    expect(await r.text()).toBe('"1"\n');
  });

  it("namespace tokens open their namespace only", async () => {
    let r = await post("/db/team/blink", "SET t 1", "text/plain", bearer("team-token"));
    expect(await r.text()).toBe("OK\n");
    r = await post("/db/other/blink", "SET t 1", "text/plain", bearer("team-token"));
    expect(r.status).toBe(401);
    r = await post("/blink", "GET t", "text/plain", bearer("team-token"));
    expect(r.status).toBe(401);
    r = await post("/db/team/blink", "GET t\nSET t 2", "text/plain", bearer("team-ro"));
    expect(await r.text()).toBe(
      "VALUE MQ==\nERROR NOPERM this user has no permissions to run the 'set' command\n",
    );
    r = await post("/db/team/blink", "GET t", "text/plain", bearer("full-token"));
    expect(await r.text()).toBe("VALUE MQ==\n");
  });

  it("health needs no token", async () => {
    expect((await exports.default.fetch(`${BASE}/_/health`)).status).toBe(200);
  });
});

describe("WebSocket", () => {
  /** The close a refused socket gets: 1008 with the reason (issue 5). */
  async function refusal(path: string, headers: Record<string, string> = {}) {
    const ws = await Ws.open(path, headers);
    return ws.waitClose();
  }

  it("Blink and gevent close without credentials, with the reason", async () => {
    for (const p of ["/blink", "/resp?dialect=gevent", "/mux"]) {
      expect(await refusal(p, p === "/mux" ? bearer("bad") : {})).toEqual({
        code: 1008,
        reason: WRONGPASS,
      });
    }
    expect(await refusal("/blink", bearer("bad"))).toEqual({ code: 1008, reason: WRONGPASS });
    const ok = await Ws.open("/blink?_token=full-token");
    expect(await ok.request("USAGE")).toMatch(/^USAGE \d+\n$/);
  });

  it("Redis starts unauthenticated without credentials, refuses invalid ones", async () => {
    expect(await refusal("/resp", bearer("bad"))).toEqual({ code: 1008, reason: WRONGPASS });
    const ws = await Ws.open("/resp");
    expect(await ws.request("GET k\r\n")).toBe("-NOAUTH Authentication required.\r\n");
    expect(await ws.request("PING\r\n")).toBe("-NOAUTH Authentication required.\r\n");
    expect(await ws.request("AUTH wrong\r\n")).toBe(
      "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    expect(await ws.request("AUTH bob full-token\r\n")).toBe(
      "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    expect(await ws.request("AUTH ro-token\r\nGET k\r\nSET k v\r\n")).toBe(
      "+OK\r\n$-1\r\n-NOPERM this user has no permissions to run the 'set' command\r\n",
    );
    expect(
      await ws.request(resp("AUTH", "default", "full-token") + "SET k v\r\nRESET\r\nGET k\r\n"),
    ).toBe("+OK\r\n+OK\r\n+RESET\r\n-NOAUTH Authentication required.\r\n");
  });

  it("HELLO AUTH authenticates; HELLO without auth says how", async () => {
    const ws = await Ws.open("/resp");
    expect(await ws.request("HELLO 2\r\n")).toMatch(
      /^-NOAUTH HELLO must be called with the client already authenticated/,
    );
    expect(await ws.request("HELLO 3 AUTH default nope\r\n")).toBe(
      "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    expect((await ws.request("HELLO 3 AUTH default full-token\r\n"))!.startsWith("%7\r\n")).toBe(
      true,
    );
  });

  it("a read-only WebSocket cannot write", async () => {
    const ws = await Ws.open("/resp", bearer("ro-token"));
    expect(await ws.request("SET x 1\r\nGET x\r\n")).toBe(
      "-NOPERM this user has no permissions to run the 'set' command\r\n$-1\r\n",
    );
  });
});
