// A stream's entries (stream.ts's Stream extends it with groups and storage members): ids in
// order with their field/value arrays, the top id and the largest deleted one, Redis's radix-tree
// nodes as fixed slices of `nodeSize` entries (so `~` trims whole nodes), and the slot arrays'
// compaction after trims and deletions.

import { byteLength } from "./bytes.ts";
import { MIN_ID, compareIds } from "./stream-id.ts";
import type { StreamId } from "./stream-id.ts";

/** Entries per radix-tree node in Redis (`stream-node-max-entries`): `~` trims whole nodes. */
export const STREAM_NODE_MAX_ENTRIES = 100;

/** Deleted slots tolerated at the front of the entry arrays before they are compacted. */
const COMPACT_MIN = 1024;

export class StreamEntries {
  /** Entry ids and their flat field/value arrays; null = deleted (XDEL) and not yet compacted. */
  protected ids: StreamId[] = [];
  protected vals: (string[] | null)[] = [];
  /** Index of the first slot still in use; slots before it were trimmed. */
  protected head = 0;
  /** Slot index the first node starts at (node boundaries for `~` trimming). */
  protected nodeBase = 0;
  length = 0;
  lastId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  /** Bytes of entries, for usage accounting. */
  bytes = 0;
  /**
   * Entries per node: stream-node-max-entries when the stream was created (Redis applies the
   * setting to each new node; a stream here keeps the one it started with, and the default
   * after a reload).
   */
  nodeSize = STREAM_NODE_MAX_ENTRIES;

  // ---- entries --------------------------------------------------------------------------

  /** Appends an entry whose id is greater than every id in the stream. */
  append(id: StreamId, fields: string[]): void {
    this.ids.push(id);
    this.vals.push(fields);
    this.length++;
    this.lastId = id;
    this.bytes += entryBytes(fields);
  }

  /** The first live entry's id, or undefined when empty. */
  firstId(): StreamId | undefined {
    for (let i = this.head; i < this.ids.length; i++) if (this.vals[i]) return this.ids[i];
    return undefined;
  }

  /** The last live entry's id, or undefined when empty. */
  lastEntryId(): StreamId | undefined {
    for (let i = this.ids.length - 1; i >= this.head; i--) if (this.vals[i]) return this.ids[i];
    return undefined;
  }

  /** Fields of an entry, or undefined when it does not exist. */
  get(id: StreamId): string[] | undefined {
    const i = this.find(id);
    return i >= 0 ? (this.vals[i] ?? undefined) : undefined;
  }

  /** Deletes an entry; its fields when it existed. */
  delete(id: StreamId): string[] | undefined {
    const i = this.find(id);
    const v = i >= 0 ? this.vals[i] : null;
    if (!v) return undefined;
    this.vals[i] = null;
    this.length--;
    this.bytes -= entryBytes(v);
    if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    this.skipDeadHead();
    return v;
  }

  /**
   * The node (Redis radix-tree node) holding the first slot whose id is >= `from`: its slot ids,
   * deleted ones (tombstones) included, and which are live. Undefined past the last slot.
   */
  nodeAt(from: StreamId): { ids: StreamId[]; live: boolean[] } | undefined {
    const i = this.lowerBound(from);
    if (i >= this.ids.length) return undefined;
    const node = this.nodeStartOf(i);
    const start = Math.max(this.head, node);
    let end = i + 1;
    while (end < this.ids.length && this.nodeStartOf(end) === node) end++;
    return {
      ids: this.ids.slice(start, end),
      live: this.vals.slice(start, end).map((v) => v !== null),
    };
  }

  /** Puts back an entry removed by `delete` or a trim (undo); its slot must still exist. */
  restore(id: StreamId, fields: string[]): void {
    let i = this.find(id);
    if (i < 0) {
      // Trimmed slots are only ever at the front: step the head back over them.
      while (this.head > 0 && compareIds(this.ids[this.head - 1]!, id) >= 0) this.head--;
      i = this.find(id);
    }
    if (i < 0 || this.vals[i]) return;
    this.vals[i] = fields;
    this.length++;
    this.bytes += entryBytes(fields);
  }

  /** Removes the last slot (undo of `append`). */
  unappend(before: StreamId): void {
    const v = this.vals.pop();
    this.ids.pop();
    if (v) {
      this.length--;
      this.bytes -= entryBytes(v);
    }
    this.lastId = before;
  }

  /** Live entries with start <= id <= end, ascending (or descending with `rev`), at most `count`. */
  range(start: StreamId, end: StreamId, count = Infinity, rev = false): [StreamId, string[]][] {
    const out: [StreamId, string[]][] = [];
    if (count <= 0 || compareIds(start, end) > 0) return out;
    if (!rev) {
      for (let i = this.lowerBound(start); i < this.ids.length && out.length < count; i++) {
        if (compareIds(this.ids[i]!, end) > 0) break;
        const v = this.vals[i];
        if (v) out.push([this.ids[i]!, v]);
      }
    } else {
      for (let i = this.lowerBound(end); i >= this.head && out.length < count; i--) {
        if (i >= this.ids.length) continue;
        const id = this.ids[i]!;
        if (compareIds(id, end) > 0) continue;
        if (compareIds(id, start) < 0) break;
        const v = this.vals[i];
        if (v) out.push([id, v]);
      }
    }
    return out;
  }

  /**
   * Trims from the oldest entry while `keep(id, remaining)` says it must go: exactly, or only
   * whole nodes (`approx`, Redis's `~`) and at most `limit` entries. Returns what was removed.
   */
  trim(
    mustGo: (id: StreamId, remaining: number) => boolean,
    approx: boolean,
    limit: number,
  ): [StreamId, string[]][] {
    const removed: [StreamId, string[]][] = [];
    if (!approx) {
      for (let i = this.head; i < this.ids.length && removed.length < limit; i++) {
        const v = this.vals[i];
        if (!v) continue;
        if (!mustGo(this.ids[i]!, this.length)) break;
        this.vals[i] = null;
        this.length--;
        this.bytes -= entryBytes(v);
        removed.push([this.ids[i]!, v]);
      }
    } else {
      // Whole nodes only, as Redis's streamTrim: a node goes when the stream keeps enough without
      // it (MAXLEN) or its last id is below the threshold (MINID); the work is bounded by whole
      // nodes' worth of entries (stream-node-max-entries) against the limit.
      while (this.head < this.ids.length) {
        const start = this.nodeStartOf(this.head);
        const end = Math.min(start + this.nodeSize, this.ids.length);
        let live = 0;
        for (let i = this.head; i < end; i++) if (this.vals[i]) live++;
        if (live > 0) {
          if (removed.length + this.nodeSize > limit) break;
          if (!mustGo(this.ids[end - 1]!, this.length - live + 1)) break;
          for (let i = this.head; i < end; i++) {
            const v = this.vals[i];
            if (!v) continue;
            this.vals[i] = null;
            this.length--;
            this.bytes -= entryBytes(v);
            removed.push([this.ids[i]!, v]);
          }
        }
        this.head = end;
      }
    }
    this.skipDeadHead();
    return removed;
  }

  // ---- loading ---------------------------------------------------------------------------

  /** Adds a stored entry while loading (any order; `finishLoad` orders them). */
  loadEntry(id: StreamId, fields: string[]): void {
    this.ids.push(id);
    this.vals.push(fields);
    this.length++;
    this.bytes += entryBytes(fields);
  }

  /** Orders entries loaded out of order. */
  finishLoad(): void {
    const order = this.ids.map((_, i) => i).sort((a, b) => compareIds(this.ids[a]!, this.ids[b]!));
    this.ids = order.map((i) => this.ids[i]!);
    this.vals = order.map((i) => this.vals[i]!);
  }

  // ---- internals -----------------------------------------------------------------------

  /** Slot of an id, or -1. */
  protected find(id: StreamId): number {
    const i = this.lowerBound(id);
    return i < this.ids.length && compareIds(this.ids[i]!, id) === 0 ? i : -1;
  }

  /** First slot at or after `head` whose id is >= `id`. */
  protected lowerBound(id: StreamId): number {
    let lo = this.head;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.ids[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  protected nodeStartOf(i: number): number {
    return this.nodeBase + Math.floor((i - this.nodeBase) / this.nodeSize) * this.nodeSize;
  }

  protected skipDeadHead(): void {
    if (this.length === 0) {
      // An emptied stream starts its nodes afresh, as Redis frees its last node.
      this.ids = [];
      this.vals = [];
      this.head = 0;
      this.nodeBase = 0;
      return;
    }
    if (this.head > COMPACT_MIN && this.head * 2 > this.ids.length) {
      const cut = this.nodeStartOf(this.head);
      this.ids = this.ids.slice(cut);
      this.vals = this.vals.slice(cut);
      this.head -= cut;
      this.nodeBase = this.nodeBase - cut;
    }
  }
}

function entryBytes(fields: readonly string[]): number {
  let n = 16;
  for (const f of fields) n += byteLength(f);
  return n;
}
