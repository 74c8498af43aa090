// Resume tokens of Worker-held sharded sockets (src/worker/socket-resume.ts): what travels, and
// when a connection gets none.

import { describe, expect, it } from "vitest";
import { newConn } from "../../src/engine/conn-state.ts";
import type { ConnState } from "../../src/engine/conn-state.ts";
import { applyResume, parseResume, resumeToken } from "../../src/worker/socket-resume.ts";

function conn(f: Partial<ConnState> = {}): ConnState {
  return Object.assign(newConn(42, { authed: true, readonly: false }), f);
}

describe("socket resume tokens", () => {
  it("carry protocol, database, names and client id (any bytes) to a new connection", () => {
    const old = conn({ resp: 3, db: 9, name: "wörker\u00ff", libName: "lib", libVer: "1.2" });
    const state = parseResume(resumeToken(old));
    expect(state).not.toBeNull();
    expect(state!.id).toBe(42);
    const fresh = newConn(state!.id, { authed: true, readonly: true });
    applyResume(fresh, state!);
    expect(fresh).toMatchObject({ id: 42, resp: 3, db: 9, name: old.name, libName: "lib" });
    // Authentication is the new upgrade's, never the token's.
    expect([fresh.authed, fresh.readonly]).toEqual([true, true]);
    expect(resumeToken(old)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("are not given where state lives beyond the connection's fields", () => {
    expect(resumeToken(conn({ multi: [] }))).toBeNull();
    expect(resumeToken(conn({ watch: [["k", 1]] }))).toBeNull();
    const subs = {
      channels: new Set(["c"]),
      patterns: new Set<string>(),
      shard: new Set<string>(),
      version: 1,
    };
    expect(resumeToken(conn({ subs }))).toBeNull();
    expect(resumeToken(conn({ replyMode: "off" }))).toBeNull();
    // Authenticated with AUTH, not by the upgrade.
    expect(resumeToken(conn({ authedAtOpen: false }))).toBeNull();
    expect(resumeToken(conn({ readonlyAtOpen: true }))).toBeNull();
  });

  it("that are not well formed are ignored", () => {
    for (const bad of [null, "", "!!", btoa("{}"), btoa('{"id":-1,"resp":2,"db":0}')])
      expect(parseResume(bad)).toBeNull();
    const t = resumeToken(conn({ db: 3 }))!;
    const json = JSON.parse(atob(t.replace(/-/g, "+").replace(/_/g, "/"))) as object;
    const forged = (v: object) => btoa(JSON.stringify({ ...json, ...v }));
    expect(parseResume(forged({ db: 16 }))).toBeNull();
    expect(parseResume(forged({ resp: 4 }))).toBeNull();
    expect(parseResume(forged({}))).toMatchObject({ db: 3 });
  });
});
