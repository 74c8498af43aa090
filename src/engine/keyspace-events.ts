// Keyspace notifications (Redis's notify.c): a write publishes `__keyspace@<db>__:<key>` →
// event and `__keyevent@<db>__:<event>` → key through the pub/sub hub, for the classes
// `notify-keyspace-events` enables. The enabled classes are kept as a bit mask on the engine
// (engine.notifyMask), so with notifications off (the default) a call costs one test.

import { Flag, keyPositions } from "./command-table.ts";
import type { CommandSpec, Ctx, CtxEngine, Handler } from "./command-table.ts";
import type { Entry } from "./entry.ts";
import { Notify } from "./notify-classes.ts";
import type { Store } from "./store.ts";

export { Notify, notifyMask } from "./notify-classes.ts";

/** Publishes a keyspace event of class `type` for `key` in the running command's database. */
export function notifyKeyspaceEvent(ctx: Ctx, type: number, event: string, key: string): void {
  const engine = ctx.engine;
  if ((engine.notifyMask & type) === 0) return;
  engine.keyEvent(ctx.store, type, event, key);
}

/** Publishes both channels of one event (Redis notifyKeyspaceEvent), the mask already checked. */
export function publishKeyEvent(engine: CtxEngine, db: number, event: string, key: string): void {
  const hub = engine.pubsub;
  // Nobody subscribed to anything: skip building the channel names.
  if (hub.patternCount === 0 && hub.channelCount(false) === 0) return;
  const mask = engine.notifyMask;
  if (mask & Notify.KEYSPACE) engine.publish(`__keyspace@${db}__:${key}`, event);
  if (mask & Notify.KEYEVENT) engine.publish(`__keyevent@${db}__:${event}`, key);
}

/** Publishes a keyspace event for `key` in the database `store` is (MOVE, COPY … DB). */
export function notifyIn(ctx: Ctx, store: Store, type: number, event: string, key: string): void {
  const engine = ctx.engine;
  if ((engine.notifyMask & type) === 0) return;
  engine.keyEvent(store, type, event, key);
}

/**
 * Redis's pattern after removing from a collection: the command's event, then `del` when the
 * removal emptied (and so deleted) the key.
 */
export function notifyRemoval(ctx: Ctx, type: number, event: string, e: Entry): void {
  if ((ctx.engine.notifyMask & (type | Notify.GENERIC)) === 0) return;
  notifyKeyspaceEvent(ctx, type, event, e.key);
  if (!e.alive) notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", e.key);
}

/**
 * Module commands (RedisJSON's) notify class d with their own name for each key they changed,
 * as the module does after a write (json.forget as json.del). Wrapping the records keeps the
 * handlers untouched; with class d off the original handler runs directly.
 */
export function withModuleEvents(specs: readonly CommandSpec[]): CommandSpec[] {
  return specs.map((spec) => {
    if (!(spec.flags & Flag.WRITE)) return spec;
    const event = spec.name === "json.forget" ? "json.del" : spec.name;
    const run: Handler = (ctx, argv, typed) => {
      if ((ctx.engine.notifyMask & Notify.MODULE) === 0) return spec.run(ctx, argv, typed);
      const keys = [...new Set(keyPositions(spec, argv).map((i) => argv[i]!))];
      const before = keys.map((k) => ctx.store.get(k));
      const versions = before.map((e) => e?.version);
      const reply = spec.run(ctx, argv, typed);
      keys.forEach((k, i) => {
        const e = ctx.store.get(k);
        if (e !== before[i] || (e && e.version !== versions[i]))
          notifyKeyspaceEvent(ctx, Notify.MODULE, event, k);
      });
      return reply;
    };
    return { ...spec, run };
  });
}
