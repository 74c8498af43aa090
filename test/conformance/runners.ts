// One conformance runner per dialect (hono's runTest, unstorage's testDriver): each door — the
// Worker's WebSockets and HTTP, the shim's TCP ports multiplexed or not, every shard count —
// supplies how to open a session, and the runner feeds it the same cases, so the replies of one
// dialect cannot drift apart between doors. Named skips say which case a door cannot take.

import { describe, expect, it } from "vitest";
import { BLINK_CASES } from "./blink-cases.ts";
import { GEVENT_EXCHANGES, GEVENT_PROTOCOL_ERROR, REDIS_EXCHANGES } from "./gevent-cases.ts";
import type { WireStep } from "./gevent-cases.ts";

/** A connection through some door that speaks a RESP-framed dialect. */
export interface WireSession {
  /**
   * Sends bytes and resolves with the reply: a message-based door returns the next message, a
   * stream-based one reads until `complete(received)` holds.
   */
  request(bytes: string, complete: (got: string) => boolean): Promise<string>;
  /** How the connection ended after a protocol error: a WebSocket close code, or "eof" for TCP. */
  ended(): Promise<number | "eof">;
  close(): void;
}

/** A door of one dialect: opens a session on a namespace of its own. */
export interface WireDoor {
  name: string;
  open(): Promise<WireSession>;
  /** How the door ends a connection after a protocol error (1008 on WebSockets, "eof" on TCP). */
  protocolErrorEnd: number | "eof";
  /** Case names this door cannot take, with the reason in the key's comment at the call site. */
  skip?: readonly string[];
}

/** A Blink door: one request body in (lines), the reply lines out; a fresh namespace per call. */
export interface BlinkDoor {
  name: string;
  /** Runs the lines as one request (pipelined) on a fresh namespace. */
  batch(body: string): Promise<string>;
  /** Runs the lines one request per line on one fresh namespace, replies concatenated. */
  oneByOne?(lines: readonly string[]): Promise<string>;
  skip?: readonly string[];
}

/** A reply pattern: ":ID" stands for any client id. */
const pattern = (reply: string) =>
  new RegExp("^" + reply.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:ID\r/g, ":\\d+\r") + "$");
const completeFor = (reply: string) => {
  const p = pattern(reply);
  return (got: string) => p.test(got);
};

function runSteps(door: WireDoor, title: string, steps: readonly WireStep[], end?: WireStep) {
  it.skipIf(door.skip?.includes(title))(`${title}, a request at a time`, async () => {
    const s = await door.open();
    for (const step of steps) {
      const got = await s.request(step.request, completeFor(step.reply));
      expect([step.request, got]).toEqual([
        step.request,
        expect.stringMatching(pattern(step.reply)),
      ]);
    }
    if (end) {
      expect(await s.request(end.request, completeFor(end.reply))).toBe(end.reply);
      expect(await s.ended()).toBe(door.protocolErrorEnd);
    }
    s.close();
  });
  it.skipIf(door.skip?.includes(title + ", pipelined"))(`${title}, pipelined`, async () => {
    const s = await door.open();
    const all = end ? [...steps, end] : steps;
    const reply = all.map((x) => x.reply).join("");
    const got = await s.request(all.map((x) => x.request).join(""), completeFor(reply));
    expect(got).toMatch(pattern(reply));
    if (end) expect(await s.ended()).toBe(door.protocolErrorEnd);
    s.close();
  });
}

/** The gevent exchange table (spec §9.5) through a door. */
export function runGeventCases(door: WireDoor): void {
  describe(`gevent conformance: ${door.name}`, () => {
    runSteps(door, "§9.5 exchange table", GEVENT_EXCHANGES, GEVENT_PROTOCOL_ERROR);
  });
}

/** The Redis exchanges the spec states (§10.1, §10.8) through a door. */
export function runRedisCases(door: WireDoor): void {
  describe(`Redis conformance: ${door.name}`, () => {
    runSteps(door, "spec exchanges", REDIS_EXCHANGES);
  });
}

/** Every Blink case through a door, pipelined and (where the door can) one line at a time. */
export function runBlinkCases(door: BlinkDoor): void {
  describe(`Blink conformance: ${door.name}`, () => {
    for (const c of BLINK_CASES) {
      const body = c.lines.map((l) => l + "\n").join("");
      it.skipIf(door.skip?.includes(c.name))(`${c.name} (one request)`, async () => {
        expect(await door.batch(body)).toBe(c.replies);
      });
      const oneByOne = door.oneByOne;
      if (oneByOne) {
        it.skipIf(door.skip?.includes(c.name))(`${c.name} (a line at a time)`, async () => {
          expect(await oneByOne(c.lines)).toBe(c.replies);
        });
      }
    }
  });
}
