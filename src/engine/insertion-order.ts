// Insertion order of a sorted set's members, for ZSCAN (spec §10.9: members are visited in
// insertion order, and every member present for a whole iteration is returned at least once).
//
// Each member gets a sequence number when it is added (a re-score keeps it); removed members
// leave holes until compaction. A scan cursor names the sequence number to resume from, so
// changes between calls never hide a member. The numbers live only in memory — a set reloaded
// after a restart numbers its members afresh — so a cursor also carries a random tag of the
// index that issued it, and a cursor from another index starts the walk over (repeats are
// allowed; misses are not).

/** Holes tolerated before the index is compacted (also needs holes > half the slots). */
const COMPACT_MIN = 64;
/** A cursor is tag * 2^32 + sequence number: both fit in Redis's 64-bit unsigned cursor. */
const SEQ_BITS = 32n;
const SEQ_LIMIT = 2 ** 32;
const SEQ_MASK = BigInt(SEQ_LIMIT - 1);
const TAG_LIMIT = 2 ** 31;

export class InsertionOrder {
  private readonly seqOf = new Map<string, number>();
  /** Members by increasing sequence number; undefined marks a removed member. */
  private members: (string | undefined)[] = [];
  private seqs: number[] = [];
  private holes = 0;
  private nextSeq = 1;
  private tag = newTag(0);

  /** Appends a new member. */
  add(member: string): void {
    if (this.nextSeq === SEQ_LIMIT) this.renumber();
    const seq = this.nextSeq++;
    this.seqOf.set(member, seq);
    this.members.push(member);
    this.seqs.push(seq);
  }

  /** Removes a present member. */
  remove(member: string): void {
    const seq = this.seqOf.get(member)!;
    this.seqOf.delete(member);
    this.members[this.firstAtOrAfter(seq)] = undefined;
    this.holes++;
    if (this.seqOf.size === 0) {
      this.members = [];
      this.seqs = [];
      this.holes = 0;
    } else if (this.holes > COMPACT_MIN && this.holes * 2 > this.members.length) this.compact();
  }

  /**
   * Up to `count` members from a scan cursor (0 = the start); `next` is the cursor to resume
   * from, 0n when the walk is over.
   */
  scan(cursor: bigint, count: number): { members: string[]; next: bigint } {
    const { members, seqs } = this;
    const from = cursor >> SEQ_BITS === BigInt(this.tag) ? Number(cursor & SEQ_MASK) : 0;
    const out: string[] = [];
    let i = this.firstAtOrAfter(from);
    for (; i < members.length && out.length < count; i++) {
      const m = members[i];
      if (m !== undefined) out.push(m);
    }
    while (i < members.length && members[i] === undefined) i++;
    if (i === members.length) return { members: out, next: 0n };
    return { members: out, next: (BigInt(this.tag) << SEQ_BITS) | BigInt(seqs[i]!) };
  }

  /** Index of the first slot whose sequence number is >= seq. */
  private firstAtOrAfter(seq: number): number {
    const { seqs } = this;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    const members: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[i];
      if (m !== undefined) {
        members.push(m);
        seqs.push(this.seqs[i]!);
      }
    }
    this.members = members;
    this.seqs = seqs;
    this.holes = 0;
  }

  // Sequence numbers ran out: number the members 1..n again under a new tag (open cursors restart).
  private renumber(): void {
    this.compact();
    this.seqs = this.members.map((_, i) => i + 1);
    this.members.forEach((m, i) => this.seqOf.set(m!, i + 1));
    this.nextSeq = this.members.length + 1;
    this.tag = newTag(this.tag);
  }
}

/** A random tag in [1, 2^31), different from `old`. */
function newTag(old: number): number {
  for (;;) {
    const t = 1 + Math.floor(Math.random() * (TAG_LIMIT - 1));
    if (t !== old) return t;
  }
}
