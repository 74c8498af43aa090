// A door's request on a one-shard namespace is one RPC to its object (src/worker/doors/plan.ts).
// When the platform resets the object mid-call, a read-only request is retried once and a request
// that may write is not (it might have run): spec §4.2, §6.4.

import { describe, expect, it } from "vitest";
import type { DoorAnswer, DoorRequest } from "../../src/worker/doors/door.ts";
import { runDoor } from "../../src/worker/doors/plan.ts";
import type { Env } from "../../src/worker/env.ts";
import { ObjectUnavailable } from "../../src/worker/object-failure.ts";

const OK: DoorAnswer = { status: 200, body: "OK\n", headers: {} };

/** An env whose one object fails `failures` times with a retryable error, then answers. */
function flakyEnv(failures: number) {
  const calls: DoorRequest[] = [];
  const stub = {
    exchange: async (_ns: string, req: DoorRequest) => {
      calls.push(req);
      if (calls.length <= failures) throw Object.assign(new Error("reset"), { retryable: true });
      return OK;
    },
  };
  const env = { NAMESPACE: { idFromName: (n: string) => n, get: () => stub } } as unknown as Env;
  return { env, calls };
}

const blink = (body: string): DoorRequest => ({
  door: "blink",
  body: new TextEncoder().encode(body),
  contentType: "text/plain",
  encoding: null,
  format: null,
  route: "",
  search: "",
  readonly: false,
  valueMax: 1024,
});

describe("door requests across an object reset", () => {
  it("a read-only request is retried once", async () => {
    const { env, calls } = flakyEnv(1);
    expect(await runDoor(env, "retry-ns", blink("GET a\nUSAGE\n"))).toEqual(OK);
    expect(calls).toHaveLength(2);
  });

  it("a request that may write is not retried: 503", async () => {
    const { env, calls } = flakyEnv(1);
    const err = await runDoor(env, "retry-ns", blink("GET a\nSET a 1\n")).catch((e) => e);
    expect(err).toBeInstanceOf(ObjectUnavailable);
    expect((err as ObjectUnavailable).status).toBe(503);
    expect(calls).toHaveLength(1);
  });

  it("a read that fails twice is answered 503", async () => {
    const { env, calls } = flakyEnv(2);
    const err = await runDoor(env, "retry-ns", blink("GET a\n")).catch((e) => e);
    expect((err as ObjectUnavailable).status).toBe(503);
    expect(calls).toHaveLength(2);
  });
});
