// Every change to a stream goes through here: each keeps the key's version, the storage members
// that changed (one row each, so an append writes O(1) rows), usage, and the undo journal in step.

import type { Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { Stream } from "../stream.ts";
import type { Consumer, Group, Pending } from "../stream.ts";
import { idBytes } from "../stream-id.ts";
import type { StreamId } from "../stream-id.ts";
import { getTyped } from "./access.ts";
import { nodeSizeOf } from "./stream-args.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

/** The stream at a key for a write (WRONGTYPE otherwise), created when `create` and missing. */
export function streamForWrite(ctx: Ctx, key: string, create: boolean): Entry | undefined {
  const e = getTyped(ctx, key, "stream");
  if (e) {
    ctx.store.touch(e);
    return e;
  }
  if (!create) return undefined;
  const s = new Stream();
  s.nodeSize = nodeSizeOf(ctx);
  return ctx.store.create(key, "stream", s, 0);
}

/** The stream at a key for a read (WRONGTYPE otherwise). */
export function streamOf(ctx: Ctx, key: string): Stream | undefined {
  const e = ctx.store.read(key);
  if (e && e.type !== "stream") throw Errors.wrongType();
  return e?.value as Stream | undefined;
}

function changed(ctx: Ctx, e: Entry, member: string): void {
  ctx.store.noteChange(e);
  ctx.store.changes.member(e.key, member);
}

function resized(ctx: Ctx, e: Entry): void {
  const s = e.value as Stream;
  ctx.store.resize(e, s.bytes - e.size);
}

/** Stores the stream's top id and counters. */
export function writeMeta(
  ctx: Ctx,
  e: Entry,
  lastId: StreamId,
  entriesAdded: bigint,
  maxDeletedId: StreamId,
): void {
  const s = e.value as Stream;
  const before = [s.lastId, s.entriesAdded, s.maxDeletedId] as const;
  changed(ctx, e, Stream.META_MEMBER);
  s.lastId = lastId;
  s.entriesAdded = entriesAdded;
  s.maxDeletedId = maxDeletedId;
  ctx.store.onUndo(() => {
    [s.lastId, s.entriesAdded, s.maxDeletedId] = before;
  });
}

/** Appends an entry (id above the top) and counts it. */
export function appendEntry(ctx: Ctx, e: Entry, id: StreamId, fields: string[]): void {
  const s = e.value as Stream;
  const before = [s.lastId, s.entriesAdded] as const;
  s.signals++;
  changed(ctx, e, Stream.entryMember(id));
  changed(ctx, e, Stream.META_MEMBER);
  s.append(id, fields);
  s.entriesAdded++;
  resized(ctx, e);
  ctx.store.onUndo(() => {
    s.unappend(before[0]);
    s.entriesAdded = before[1];
  });
}

/** Records entries a delete or trim removed (their rows go; undo puts them back). */
export function removedEntries(ctx: Ctx, e: Entry, removed: [StreamId, string[]][]): void {
  if (!removed.length) return;
  const s = e.value as Stream;
  for (const [id] of removed) changed(ctx, e, Stream.entryMember(id));
  changed(ctx, e, Stream.META_MEMBER);
  resized(ctx, e);
  ctx.store.onUndo(() => {
    for (const [id, f] of removed) s.restore(id, f);
  });
}

/** Deletes one entry; true when it existed. */
export function deleteEntry(ctx: Ctx, e: Entry, id: StreamId): boolean {
  const s = e.value as Stream;
  const maxDel = s.maxDeletedId;
  const f = s.delete(id);
  if (!f) return false;
  removedEntries(ctx, e, [[id, f]]);
  ctx.store.onUndo(() => {
    s.maxDeletedId = maxDel;
  });
  return true;
}

/** Creates a consumer group. */
export function createGroup(
  ctx: Ctx,
  e: Entry,
  name: string,
  lastId: StreamId,
  entriesRead: bigint,
): void {
  const s = e.value as Stream;
  changed(ctx, e, Stream.groupMember(name));
  const g = s.groupFor(name);
  g.lastId = lastId;
  g.entriesRead = entriesRead;
  ctx.store.onUndo(() => s.groups.delete(name));
}

/** Sets a group's last delivered id and entries-read. */
export function setGroupPosition(
  ctx: Ctx,
  e: Entry,
  g: Group,
  lastId: StreamId,
  entriesRead: bigint,
): void {
  const before = [g.lastId, g.entriesRead] as const;
  changed(ctx, e, Stream.groupMember(g.name));
  g.lastId = lastId;
  g.entriesRead = entriesRead;
  ctx.store.onUndo(() => {
    [g.lastId, g.entriesRead] = before;
  });
}

/** Destroys a group with its consumers and pending entries. */
export function destroyGroup(ctx: Ctx, e: Entry, g: Group): void {
  const s = e.value as Stream;
  s.signals++;
  changed(ctx, e, Stream.groupMember(g.name));
  for (const c of g.consumers.values()) changed(ctx, e, Stream.consumerMember(g.name, c.name));
  for (const p of g.pel.values()) changed(ctx, e, Stream.pendingMember(g.name, p.id));
  s.groups.delete(g.name);
  ctx.store.onUndo(() => s.groups.set(g.name, g));
}

/** A group's consumer, created (and stored) when missing; its seen-time set to now. */
export function touchConsumer(
  ctx: Ctx,
  e: Entry,
  g: Group,
  name: string,
  active: boolean,
): Consumer {
  const s = e.value as Stream;
  const existed = g.consumers.get(name);
  const before = existed ? [existed.seen, existed.active] : undefined;
  const c = s.consumerFor(g, name, ctx.now);
  changed(ctx, e, Stream.consumerMember(g.name, name));
  c.seen = ctx.now;
  if (active) c.active = ctx.now;
  ctx.store.onUndo(() => {
    if (!before) g.consumers.delete(name);
    else [c.seen, c.active] = before;
  });
  if (!existed) notifyKeyspaceEvent(ctx, Notify.STREAM, "xgroup-createconsumer", e.key);
  return c;
}

/** Deletes a consumer and its pending entries; how many it had pending. */
export function deleteConsumer(ctx: Ctx, e: Entry, g: Group, c: Consumer): number {
  const n = c.pending.size;
  for (const p of [...c.pending.values()]) removePending(ctx, e, g, p);
  changed(ctx, e, Stream.consumerMember(g.name, c.name));
  g.consumers.delete(c.name);
  ctx.store.onUndo(() => g.consumers.set(c.name, c));
  return n;
}

/** Adds or reassigns a pending entry: delivered to `consumer` at `time`, `count` times. */
export function putPending(
  ctx: Ctx,
  e: Entry,
  g: Group,
  id: StreamId,
  consumer: Consumer,
  time: number,
  count: number,
): Pending {
  const k = idBytes(id);
  const old = g.pel.get(k);
  const before = old ? { consumer: old.consumer, time: old.time, count: old.count } : undefined;
  changed(ctx, e, Stream.pendingMember(g.name, id));
  const p: Pending = old ?? { id, consumer: consumer.name, time, count };
  if (old && old.consumer !== consumer.name) g.consumers.get(old.consumer)?.pending.delete(k);
  p.consumer = consumer.name;
  p.time = time;
  p.count = count;
  g.pel.set(k, p);
  consumer.pending.set(k, p);
  ctx.store.onUndo(() => {
    consumer.pending.delete(k);
    if (!before) g.pel.delete(k);
    else {
      Object.assign(p, before);
      g.consumers.get(before.consumer)?.pending.set(k, p);
    }
  });
  return p;
}

/** Removes a pending entry (XACK, a claim of a deleted entry). */
export function removePending(ctx: Ctx, e: Entry, g: Group, p: Pending): void {
  const k = idBytes(p.id);
  changed(ctx, e, Stream.pendingMember(g.name, p.id));
  g.pel.delete(k);
  const c = g.consumers.get(p.consumer);
  c?.pending.delete(k);
  ctx.store.onUndo(() => {
    g.pel.set(k, p);
    c?.pending.set(k, p);
  });
}
