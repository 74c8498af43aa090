// Hash field expiry (Redis 7.4 HEXPIRE family): the expiry times of the few hashes that have
// any, kept beside the entry rather than in it — a hash without field TTLs costs nothing more —
// and a min-heap of (time, hash, field) so the batch-start purge and the alarm find due fields
// without scanning. Pure data structures: the tracked changes live in collection-ops.ts.

import type { Entry } from "./entry.ts";

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
 * Min-heap of (expiry, hash entry, field) with lazy deletion: a triple is stale once the entry
 * is gone or the field's expiry changed since it was pushed.
 */
export class FieldExpiryHeap {
  private at: number[] = [];
  private entries: Entry[] = [];
  private fields: string[] = [];
  private liveAtCompact = 0;

  get size(): number {
    return this.at.length;
  }

  push(when: number, e: Entry, f: string): void {
    this.at.push(when);
    this.entries.push(e);
    this.fields.push(f);
    this.up(this.at.length - 1);
  }

  /** Earliest live expiry, dropping stale triples on the way; 0 if none. */
  peek(): number {
    while (this.at.length > 0) {
      if (this.live(0)) return this.at[0]!;
      this.pop();
    }
    return 0;
  }

  /** Removes and returns the hash and field with the earliest live expiry if due at `now`. */
  popDue(now: number): [Entry, string] | undefined {
    const when = this.peek();
    if (when === 0 || when > now) return undefined;
    const due: [Entry, string] = [this.entries[0]!, this.fields[0]!];
    this.pop();
    return due;
  }

  /** Drops stale triples once they outnumber the live ones (called between batches). */
  maybeCompact(): void {
    if (this.at.length < COMPACT_MIN || this.at.length < 2 * this.liveAtCompact) return;
    const keep: number[] = [];
    for (let i = 0; i < this.at.length; i++) if (this.live(i)) keep.push(i);
    const at = keep.map((i) => this.at[i]!);
    const entries = keep.map((i) => this.entries[i]!);
    const fields = keep.map((i) => this.fields[i]!);
    this.clear();
    for (let i = 0; i < at.length; i++) this.push(at[i]!, entries[i]!, fields[i]!);
    this.liveAtCompact = at.length;
  }

  clear(): void {
    this.at = [];
    this.entries = [];
    this.fields = [];
  }

  private live(i: number): boolean {
    const e = this.entries[i]!;
    return e.alive && fieldExpiry(e, this.fields[i]!) === this.at[i];
  }

  private pop(): void {
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.entries.pop();
    this.fields.pop();
    this.down(0);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.at[p]! <= this.at[i]!) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.at[l]! < this.at[m]!) m = l;
      if (r < n && this.at[r]! < this.at[m]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.at[i]!;
    this.at[i] = this.at[j]!;
    this.at[j] = a;
    const e = this.entries[i]!;
    this.entries[i] = this.entries[j]!;
    this.entries[j] = e;
    const f = this.fields[i]!;
    this.fields[i] = this.fields[j]!;
    this.fields[j] = f;
  }
}
