// A sorted-set value (spec §10.12): member -> score, ordered by (score, member bytes).
//
// Rank order lives in a chunked sorted list (runs of at most CHUNK_MAX members, each with a
// parallel score array): inserts and removals move at most one chunk's worth of slots, a
// lookup is two binary searches, and rank arithmetic walks the chunk lengths — so ZADD and
// ZPOPMIN stay cheap at a million members, where one flat array would memmove megabytes.
// Besides, an InsertionOrder index keeps the members in insertion order for ZSCAN.

import { compareBytes } from "./bytes.ts";
import { InsertionOrder } from "./insertion-order.ts";

/** A chunk is split in two when it grows past this many members. */
const CHUNK_MAX = 1024;
/** membersAt seeks rank by rank while picks * this < chunks (a seek walks up to half the chunks). */
const SEEKS_PER_WALK = 8;

/** Is (score, member) at or past the start of a range? Must be monotone in rank order. */
export type RankPredicate = (score: number, member: string) => boolean;

export class SortedSet {
  readonly scores: Map<string, number>;
  /** Members in rank order, chunked; `sc[c][i]` is the score of `mem[c][i]`. */
  private mem: string[][] = [];
  private sc: number[][] = [];
  private readonly order = new InsertionOrder();

  /** An empty set (`scores` is for fromMap, which builds the rank order next). */
  constructor(scores = new Map<string, number>()) {
    this.scores = scores;
  }

  /** Builds a set from (member, score) pairs in one sort (a later duplicate wins). */
  static fromEntries(entries: Iterable<readonly [string, number]>): SortedSet {
    const z = new SortedSet();
    for (const [m, s] of entries) {
      if (!z.scores.has(m)) z.order.add(m);
      z.scores.set(m, s);
    }
    z.rankAll();
    return z;
  }

  /** Builds a set over a member -> score map, which the set takes over (no copy). */
  static fromMap(scores: Map<string, number>): SortedSet {
    const z = new SortedSet(scores);
    for (const m of scores.keys()) z.order.add(m);
    z.rankAll();
    return z;
  }

  /** The rank order of all members, in one sort of (member, score) pairs. */
  private rankAll(): void {
    const all = [...this.scores];
    all.sort((a, b) => SortedSet.compare(a[1], a[0], b[1], b[0]));
    for (let i = 0; i < all.length; i += CHUNK_MAX / 2) {
      const part = all.slice(i, i + CHUNK_MAX / 2);
      this.mem.push(part.map((p) => p[0]));
      this.sc.push(part.map((p) => p[1]));
    }
  }

  get size(): number {
    return this.scores.size;
  }

  /** Compares (score, member) pairs in rank order. */
  static compare(sa: number, ma: string, sb: number, mb: string): number {
    if (sa < sb) return -1;
    if (sa > sb) return 1;
    return ma === mb ? 0 : compareBytes(ma, mb);
  }

  /** Score of a member, or undefined. */
  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** Adds or re-scores a member (a re-scored member keeps its insertion position). */
  set(member: string, score: number): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === score) return;
      this.removeRanked(old, member);
    } else this.order.add(member);
    this.scores.set(member, score);
    this.insertRanked(score, member);
  }

  /** Removes a member; true when it was present. */
  delete(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.removeRanked(old, member);
    this.scores.delete(member);
    this.order.remove(member);
    return true;
  }

  /** 0-based rank of a present member. */
  rank(member: string): number | undefined {
    const s = this.scores.get(member);
    if (s === undefined) return undefined;
    const [c, i] = this.locate(s, member);
    return this.chunkStart(c) + i;
  }

  /** Member at a rank. */
  at(rank: number): string | undefined {
    if (rank < 0 || rank >= this.size) return undefined;
    const [c, i] = this.chunkOfRank(rank);
    return this.mem[c]![i];
  }

  /** First rank whose (score, member) is >= the given pair. */
  lowerBound(score: number, member: string): number {
    return this.firstRank((s, m) => SortedSet.compare(s, m, score, member) >= 0);
  }

  /** First rank with a score > x (exclusive) or >= x. */
  firstScoreRank(x: number, exclusive: boolean): number {
    return this.firstRank(exclusive ? (s) => s > x : (s) => s >= x);
  }

  /** First rank where `pred` holds (size when none); `pred` must be false, then true, along the ranks. */
  firstRank(pred: RankPredicate): number {
    const { mem, sc } = this;
    let lo = 0;
    let hi = mem.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const last = mem[mid]!.length - 1;
      if (pred(sc[mid]![last]!, mem[mid]![last]!)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === mem.length) return this.size;
    const ms = mem[lo]!;
    const ss = sc[lo]!;
    let a = 0;
    let b = ms.length - 1; // the chunk's last member satisfies pred
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (pred(ss[mid]!, ms[mid]!)) b = mid;
      else a = mid + 1;
    }
    return this.chunkStart(lo) + a;
  }

  /** Members at the given ranks (each in [0, size)), in the order given. */
  membersAt(ranks: readonly number[]): string[] {
    const { mem } = this;
    // Few picks: seek each; many: one walk over the chunks in rank order.
    if (ranks.length * SEEKS_PER_WALK < mem.length) return ranks.map((r) => this.at(r)!);
    const byRank = ranks.map((_, i) => i).sort((a, b) => ranks[a]! - ranks[b]!);
    const out: string[] = new Array(ranks.length);
    let c = 0;
    let base = 0;
    for (const i of byRank) {
      const r = ranks[i]!;
      while (r >= base + mem[c]!.length) base += mem[c++]!.length;
      out[i] = mem[c]![r - base]!;
    }
    return out;
  }

  /** Members with ranks [from, to) in order. */
  slice(from: number, to: number): string[] {
    const out: string[] = [];
    this.forRange(from, to, (m) => out.push(m));
    return out;
  }

  /** Calls `visit` for ranks [from, to) in rank order. */
  forRange(from: number, to: number, visit: (member: string, score: number) => void): void {
    from = Math.max(0, from);
    to = Math.min(to, this.size);
    if (from >= to) return;
    let [c, i] = this.chunkOfRank(from);
    for (let n = to - from; n > 0;) {
      const ms = this.mem[c]!;
      const ss = this.sc[c]!;
      for (; i < ms.length && n > 0; i++, n--) visit(ms[i]!, ss[i]!);
      c++;
      i = 0;
    }
  }

  /** Up to `count` members in insertion order from a ZSCAN cursor (see InsertionOrder.scan). */
  scan(cursor: bigint, count: number): { members: string[]; next: bigint } {
    return this.order.scan(cursor, count);
  }

  // ---- rank order -------------------------------------------------------------------------

  /** Chunk index and offset where (score, member) is or would be inserted. */
  private locate(score: number, member: string): [number, number] {
    const { mem, sc } = this;
    let lo = 0;
    let hi = mem.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const last = mem[mid]!.length - 1;
      if (SortedSet.compare(sc[mid]![last]!, mem[mid]![last]!, score, member) >= 0) hi = mid;
      else lo = mid + 1;
    }
    if (lo === mem.length) return lo === 0 ? [0, 0] : [lo - 1, mem[lo - 1]!.length];
    const ms = mem[lo]!;
    const ss = sc[lo]!;
    let a = 0;
    let b = ms.length - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (SortedSet.compare(ss[mid]!, ms[mid]!, score, member) >= 0) b = mid;
      else a = mid + 1;
    }
    return [lo, a];
  }

  private insertRanked(score: number, member: string): void {
    if (this.mem.length === 0) {
      this.mem.push([member]);
      this.sc.push([score]);
      return;
    }
    const [c, i] = this.locate(score, member);
    const ms = this.mem[c]!;
    const ss = this.sc[c]!;
    if (i === ms.length) {
      ms.push(member);
      ss.push(score);
    } else {
      ms.splice(i, 0, member);
      ss.splice(i, 0, score);
    }
    if (ms.length > CHUNK_MAX) {
      const half = ms.length >>> 1;
      this.mem.splice(c + 1, 0, ms.splice(half));
      this.sc.splice(c + 1, 0, ss.splice(half));
    }
  }

  private removeRanked(score: number, member: string): void {
    const [c, i] = this.locate(score, member);
    const ms = this.mem[c]!;
    if (ms.length === 1) {
      this.mem.splice(c, 1);
      this.sc.splice(c, 1);
      return;
    }
    if (i === 0) {
      ms.shift();
      this.sc[c]!.shift();
    } else {
      ms.splice(i, 1);
      this.sc[c]!.splice(i, 1);
    }
  }

  /** Rank of the first member of chunk c. */
  private chunkStart(c: number): number {
    const { mem } = this;
    if (c > mem.length >>> 1) {
      let r = this.size;
      for (let k = mem.length - 1; k >= c; k--) r -= mem[k]!.length;
      return r;
    }
    let r = 0;
    for (let k = 0; k < c; k++) r += mem[k]!.length;
    return r;
  }

  /** Chunk index and offset of a rank in [0, size). */
  private chunkOfRank(rank: number): [number, number] {
    const { mem } = this;
    if (rank < this.size >>> 1) {
      let c = 0;
      while (rank >= mem[c]!.length) rank -= mem[c++]!.length;
      return [c, rank];
    }
    let c = mem.length - 1;
    let fromEnd = this.size - rank; // >= 1
    while (fromEnd > mem[c]!.length) fromEnd -= mem[c--]!.length;
    return [c, mem[c]!.length - fromEnd];
  }
}
