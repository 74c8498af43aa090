// A stream's storage members (stream.ts): one row per entry, per group, per consumer and per
// pending entry, plus a meta row, so appending writes O(1) rows however long the stream is. Their
// names, their stored values, and loading them back.

import { idBytes, idOfBytes, idText } from "./stream-id.ts";
import type { StreamId } from "./stream-id.ts";
import type { Consumer, Group, Pending } from "./stream-groups.ts";

/**
 * What the storage members read and load of a stream (stream.ts's Stream implements it): declared
 * here so that this file, which stream.ts uses, does not import stream.ts back.
 */
export interface StoredStream {
  lastId: StreamId;
  maxDeletedId: StreamId;
  entriesAdded: bigint;
  readonly groups: Map<string, Group>;
  /** An entry's field/value array, undefined when there is none. */
  get(id: StreamId): string[] | undefined;
  /** Adds a stored entry while loading (any order). */
  loadEntry(id: StreamId, fields: string[]): void;
  /** A group by name, created empty when missing. */
  groupFor(name: string): Group;
  /** A group's consumer, created when missing. */
  consumerFor(g: Group, name: string, now: number): Consumer;
}

/** Storage member names: a kind byte, then the part's identity. */
const M = { meta: "m", entry: "e", group: "g", consumer: "c", pending: "p" } as const;

/** The member of a stream's counters (last id, max deleted id, entries added). */
export const META_MEMBER = M.meta;

/** Storage member of an entry. */
export function entryMember(id: StreamId): string {
  return M.entry + idBytes(id);
}

/** Storage member of a consumer group. */
export function groupMember(g: string): string {
  return M.group + g;
}

/** Storage member of a group's consumer. */
export function consumerMember(g: string, c: string): string {
  return M.consumer + JSON.stringify([g, c]);
}

/** Storage member of a group's pending entry. */
export function pendingMember(g: string, id: StreamId): string {
  return M.pending + idBytes(id) + g;
}

/** The stored value of a member, or undefined when it no longer exists (its row goes). */
export function memberValue(stream: StoredStream, m: string): string | undefined {
  const kind = m[0];
  if (kind === M.meta)
    return JSON.stringify([
      idText(stream.lastId),
      idText(stream.maxDeletedId),
      stream.entriesAdded.toString(),
    ]);
  if (kind === M.entry) {
    const v = stream.get(idOfBytes(m, 1));
    return v && JSON.stringify(v);
  }
  if (kind === M.group) {
    const g = stream.groups.get(m.slice(1));
    return g && JSON.stringify([idText(g.lastId), g.entriesRead.toString()]);
  }
  if (kind === M.consumer) {
    const [gn, cn] = JSON.parse(m.slice(1)) as [string, string];
    const c = stream.groups.get(gn)?.consumers.get(cn);
    return c && JSON.stringify([c.seen, c.active]);
  }
  if (kind === M.pending) {
    const p = stream.groups.get(m.slice(17))?.pel.get(m.slice(1, 17));
    return p && JSON.stringify([p.consumer, p.time, p.count]);
  }
  return undefined;
}

/** Loads one stored member (rows in any order; `finishLoad` orders the entries). */
export function loadMember(stream: StoredStream, m: string, value: string): void {
  const kind = m[0];
  const v = JSON.parse(value) as unknown[];
  if (kind === M.meta) {
    stream.lastId = parseStoredId(v[0] as string);
    stream.maxDeletedId = parseStoredId(v[1] as string);
    stream.entriesAdded = BigInt(v[2] as string);
  } else if (kind === M.entry) {
    stream.loadEntry(idOfBytes(m, 1), v as string[]);
  } else if (kind === M.group) {
    const g = stream.groupFor(m.slice(1));
    g.lastId = parseStoredId(v[0] as string);
    g.entriesRead = BigInt(v[1] as string);
  } else if (kind === M.consumer) {
    const [gn, cn] = JSON.parse(m.slice(1)) as [string, string];
    const c = stream.consumerFor(stream.groupFor(gn), cn, 0);
    c.seen = v[0] as number;
    c.active = v[1] as number;
  } else if (kind === M.pending) {
    const g = stream.groupFor(m.slice(17));
    const id = idOfBytes(m, 1);
    const p: Pending = {
      id,
      consumer: v[0] as string,
      time: v[1] as number,
      count: v[2] as number,
    };
    g.pel.set(m.slice(1, 17), p);
    stream.consumerFor(g, p.consumer, 0).pending.set(m.slice(1, 17), p);
  }
}

function parseStoredId(s: string): StreamId {
  const [ms, seq] = s.split("-");
  return { ms: BigInt(ms!), seq: BigInt(seq!) };
}
