// A sorted-set value (spec §10.12): member -> score, ordered by (score, member bytes).
// A sorted array with binary search: O(log n) rank and range lookups, O(n) memmove on
// insert/remove, which stays far below a WebSocket message's cost for sets of realistic size.

import { compareBytes } from "./bytes.ts";

export class SortedSet {
  readonly scores = new Map<string, number>();
  /** Members in rank order. */
  private ranked: string[] = [];

  get size(): number {
    return this.scores.size;
  }

  /** Compares (score, member) pairs in rank order. */
  static compare(sa: number, ma: string, sb: number, mb: string): number {
    if (sa < sb) return -1;
    if (sa > sb) return 1;
    return compareBytes(ma, mb);
  }

  /** Score of a member, or undefined. */
  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** Adds or re-scores a member. */
  set(member: string, score: number): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === score) return;
      this.ranked.splice(this.rankOf(member, old), 1);
    }
    this.scores.set(member, score);
    this.ranked.splice(this.lowerBound(score, member), 0, member);
  }

  /** Removes a member; true when it was present. */
  delete(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.ranked.splice(this.rankOf(member, old), 1);
    this.scores.delete(member);
    return true;
  }

  /** 0-based rank of a present member. */
  rank(member: string): number | undefined {
    const s = this.scores.get(member);
    return s === undefined ? undefined : this.rankOf(member, s);
  }

  /** Member at a rank. */
  at(rank: number): string | undefined {
    return this.ranked[rank];
  }

  /** First rank whose (score, member) is >= the given pair. */
  lowerBound(score: number, member: string): number {
    let lo = 0;
    let hi = this.ranked.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.ranked[mid]!;
      if (SortedSet.compare(this.scores.get(m)!, m, score, member) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First rank with a score > x (exclusive) or >= x. */
  firstScoreRank(x: number, exclusive: boolean): number {
    let lo = 0;
    let hi = this.ranked.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.scores.get(this.ranked[mid]!)!;
      if (s < x || (exclusive && s === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Members with ranks [from, to) in order. */
  slice(from: number, to: number): string[] {
    return this.ranked.slice(from, to);
  }

  private rankOf(member: string, score: number): number {
    return this.lowerBound(score, member);
  }
}
