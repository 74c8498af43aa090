// Key expiry (spec §3.6): a TimedHeap of (expiresAt, entry); a pair is stale when the entry is
// gone or its expiry changed since it was pushed.

import type { Entry } from "./entry.ts";
import { TimedHeap } from "./timed-heap.ts";

const keyLive = (at: number, e: Entry) => e.alive && e.expiresAt === at;

export class ExpiryHeap extends TimedHeap<Entry> {
  constructor() {
    super(keyLive);
  }

  push(when: number, e: Entry): void {
    this.pushItem(when, e);
  }

  /** A random entry of the heap if it is live (eviction sampling), else undefined. */
  sample(): Entry | undefined {
    const n = this.at.length;
    if (n === 0) return undefined;
    const i = Math.floor(Math.random() * n);
    return this.liveAt(i) ? this.items[i] : undefined;
  }

  /** Live entries, in heap order. */
  *live(): Generator<Entry> {
    for (let i = 0; i < this.at.length; i++) if (this.liveAt(i)) yield this.items[i]!;
  }
}
