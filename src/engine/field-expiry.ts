// Hash field expiry (Redis 7.4 HEXPIRE family): the expiry times of the few hashes that have
// any, kept beside the entry rather than in it — a hash without field TTLs costs nothing more —
// and a min-heap of (time, hash, field) so the batch-start purge and the alarm find due fields
// without scanning. Pure data structures: the tracked changes live in collection-ops.ts.

import type { Entry } from "./entry.ts";
import { TimedHeap } from "./timed-heap.ts";

/** Hash entry -> field -> Unix ms; only hashes with at least one field TTL have a map. */
const TTLS = new WeakMap<Entry, Map<string, number>>();

/** Stale heap pairs tolerated before a rebuild (like the key expiry heap). */
const COMPACT_MIN = 1024;

/** The field TTLs of a hash, undefined when it has none. */
export function fieldTtlsOf(e: Entry): ReadonlyMap<string, number> | undefined {
  return TTLS.get(e);
}

/** A field's expiry in Unix ms; 0 when it has none. */
export function fieldExpiry(e: Entry, f: string): number {
  return TTLS.get(e)?.get(f) ?? 0;
}

/** Sets (or clears, with 0) a field's expiry without any tracking (load, undo, tracked callers). */
export function putFieldExpiry(e: Entry, f: string, at: number): void {
  let m = TTLS.get(e);
  if (at === 0) {
    if (!m) return;
    m.delete(f);
    if (m.size === 0) TTLS.delete(e);
    return;
  }
  if (!m) TTLS.set(e, (m = new Map()));
  m.set(f, at);
}

/** Removes and returns all field TTLs of a hash (its value is being replaced). */
export function takeFieldTtls(e: Entry): Map<string, number> | undefined {
  const m = TTLS.get(e);
  if (m) TTLS.delete(e);
  return m;
}

/** Puts back TTLs taken by takeFieldTtls (undo). */
export function restoreFieldTtls(e: Entry, m: Map<string, number>): void {
  TTLS.set(e, m);
}

/** Hands every field TTL of `from` to `to` (RENAME makes a new entry for the same value). */
export function moveFieldTtls(from: Entry, to: Entry): ReadonlyMap<string, number> | undefined {
  const m = TTLS.get(from);
  if (!m) return undefined;
  TTLS.set(to, m);
  return m;
}

/**
 * Min-heap of (expiry, [hash entry, field]) with lazy deletion: a pair is stale once the entry
 * is gone or the field's expiry changed since it was pushed.
 */
export class FieldExpiryHeap extends TimedHeap<[Entry, string]> {
  private liveAtCompact = 0;

  constructor() {
    super((at, [e, f]) => e.alive && fieldExpiry(e, f) === at);
  }

  push(when: number, e: Entry, f: string): void {
    this.pushItem(when, [e, f]);
  }

  /** Drops stale pairs once they outnumber the live ones (called between batches). */
  maybeCompact(): void {
    if (this.size < COMPACT_MIN || this.size < 2 * this.liveAtCompact) return;
    this.compact();
    this.liveAtCompact = this.size;
  }
}
