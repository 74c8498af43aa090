// Min-heap of (expiresAt, entry) with lazy deletion: a pair is stale when the entry is gone or
// its expiry changed since it was pushed. Purging due keys costs O(log n) each; checking that
// nothing is due costs O(1), which is what every batch pays.

import type { Entry } from "./entry.ts";

export class ExpiryHeap {
  private at: number[] = [];
  private entries: Entry[] = [];

  get size(): number {
    return this.at.length;
  }

  push(when: number, e: Entry): void {
    this.at.push(when);
    this.entries.push(e);
    this.up(this.at.length - 1);
  }

  /** Earliest live expiry, dropping stale pairs on the way; 0 if none. */
  peek(): number {
    while (this.at.length > 0) {
      const e = this.entries[0]!;
      if (e.alive && e.expiresAt === this.at[0]) return this.at[0]!;
      this.pop();
    }
    return 0;
  }

  /** Removes and returns the entry with the earliest live expiry if it is due at `now`. */
  popDue(now: number): Entry | undefined {
    const when = this.peek();
    if (when === 0 || when > now) return undefined;
    const e = this.entries[0]!;
    this.pop();
    return e;
  }

  /** A random entry of the heap if it is live (eviction sampling), else undefined. */
  sample(): Entry | undefined {
    const n = this.at.length;
    if (n === 0) return undefined;
    const i = Math.floor(Math.random() * n);
    const e = this.entries[i]!;
    return e.alive && e.expiresAt === this.at[i] ? e : undefined;
  }

  /** Live entries, in heap order. */
  *live(): Generator<Entry> {
    for (let i = 0; i < this.at.length; i++) {
      const e = this.entries[i]!;
      if (e.alive && e.expiresAt === this.at[i]) yield e;
    }
  }

  /** Rebuilds without stale pairs (called when stale pairs pile up). */
  compact(): void {
    const live: [number, Entry][] = [];
    for (let i = 0; i < this.at.length; i++) {
      const e = this.entries[i]!;
      if (e.alive && e.expiresAt === this.at[i]) live.push([this.at[i]!, e]);
    }
    this.at = [];
    this.entries = [];
    for (const [w, e] of live) this.push(w, e);
  }

  clear(): void {
    this.at = [];
    this.entries = [];
  }

  private pop(): void {
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.entries.pop();
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
  }
}
