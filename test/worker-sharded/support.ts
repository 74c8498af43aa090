// Helpers for the sharded-namespace tests inside workerd (SHARDS=16, vitest.config.ts).

import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import type { Engine } from "../../src/engine/engine.ts";
import { objectName } from "../../src/worker/shard-map.ts";
import { BASE, Ws, resp } from "../worker/support/client.ts";
import { exports } from "cloudflare:workers";

export const SHARDS = 16;

/** The engine inside shard `shard` of a namespace (the object's private field, read in place). */
export function onShard<T>(ns: string, shard: number, f: (engine: Engine) => T): Promise<T> {
  const stub = env.NAMESPACE.getByName(objectName(ns, shard));
  return runInDurableObject(stub, (instance) =>
    f((instance as unknown as { engine: Engine }).engine),
  );
}

/** Keys held by each shard of a namespace. */
export async function keysPerShard(ns: string, shards = SHARDS): Promise<number[]> {
  return Promise.all(
    Array.from({ length: shards }, (_, i) => onShard(ns, i, (e) => e.store.map.size)),
  );
}

/** Redis commands as one WebSocket message; the reply message. */
export async function redisWs(ns: string, ...cmds: string[][]): Promise<string> {
  const ws = await Ws.open(`/db/${ns}/resp`);
  const r = await ws.request(cmds.map((c) => resp(...c)).join(""));
  ws.close();
  return r ?? "(closed)";
}

/** An Upstash request: `path` under the namespace, JSON body. */
export async function upstash(
  ns: string,
  path: string,
  body: unknown,
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await exports.default.fetch(`${BASE}/db/${ns}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
