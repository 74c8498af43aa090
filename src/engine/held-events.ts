// Keyspace events and the commands that may be undone: an event of a journaling command is held
// until the command stands (published) or is rolled back (dropped); the engine's own fields
// `held` and `evictedAt` keep them.

import type { CtxEngine } from "./command-table.ts";
import { findConfig } from "./config-table.ts";
import { Notify, notifyMask, publishKeyEvent } from "./keyspace-events.ts";
import type { Store } from "./store.ts";
import { PROTO_MAX_BULK_LEN } from "../limits.ts";

/** Publishes a keyspace event of `store` (its class enabled), or holds it while undoable. */
export function holdOrPublish(
  engine: CtxEngine,
  store: Store,
  type: number,
  event: string,
  key: string,
): void {
  const db = engine.dbs.indexOf(store);
  if (db < 0) return;
  if (!store.journaling) publishKeyEvent(engine, db, event, key);
  else if (type === Notify.EVICTED) engine.held.splice(engine.evictedAt++, 0, [db, event, key]);
  else engine.held.push([db, event, key]);
}

/** Publishes the held events (a command that stood). */
export function releaseEvents(engine: CtxEngine): void {
  const held = engine.held;
  engine.held = [];
  for (const [db, event, key] of held) publishKeyEvent(engine, db, event, key);
}

/** A parameter changed (CONFIG SET, or loaded): the ones the engine acts on take effect. */
export function paramSet(engine: CtxEngine, name: string, value: string | undefined): void {
  if (name === "proto-max-bulk-len")
    engine.stringMax = Math.min(Number(value ?? PROTO_MAX_BULK_LEN), PROTO_MAX_BULK_LEN);
  if (name === "min-replicas-to-write" || name === "min-replicas-max-lag") {
    const p = engine.params;
    const set = (n: string) => (p.get(n) ?? findConfig(n)!.default) !== "0";
    engine.noGoodReplicas = set("min-replicas-to-write") && set("min-replicas-max-lag");
  }
  if (name !== "notify-keyspace-events") return;
  engine.notifyMask = notifyMask(value ?? "");
  engine.dbs.shared.events = engine.notifyMask ? engine.storeEvent : null;
}
