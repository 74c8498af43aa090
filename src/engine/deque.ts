// A list value: a ring buffer with O(1) push/pop at both ends and O(1) indexing.
// `head` is the storage position of element 0 (spec §13.2: one row per element, keyed by
// position), so pushes and pops at the ends never renumber rows.

const INITIAL_CAPACITY = 8;

export class Deque {
  private buf: (string | undefined)[];
  private start = 0;
  length = 0;
  /** Storage position of element 0; element i is stored at head + i. */
  head = 0;

  constructor(items: Iterable<string> = [], head = 0) {
    this.buf = new Array(INITIAL_CAPACITY);
    for (const x of items) this.pushRight(x);
    this.head = head;
  }

  /** Element i (0 = leftmost), or undefined out of range. */
  at(i: number): string | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return this.buf[(this.start + i) & (this.buf.length - 1)];
  }

  /** Replaces element i (in range). */
  set(i: number, v: string): void {
    this.buf[(this.start + i) & (this.buf.length - 1)] = v;
  }

  pushLeft(v: string): void {
    if (this.length === this.buf.length) this.grow();
    this.start = (this.start - 1) & (this.buf.length - 1);
    this.buf[this.start] = v;
    this.length++;
    this.head--;
  }

  pushRight(v: string): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.start + this.length) & (this.buf.length - 1)] = v;
    this.length++;
  }

  popLeft(): string | undefined {
    if (this.length === 0) return undefined;
    const v = this.buf[this.start];
    this.buf[this.start] = undefined;
    this.start = (this.start + 1) & (this.buf.length - 1);
    this.length--;
    this.head++;
    return v;
  }

  popRight(): string | undefined {
    if (this.length === 0) return undefined;
    const i = (this.start + this.length - 1) & (this.buf.length - 1);
    const v = this.buf[i];
    this.buf[i] = undefined;
    this.length--;
    return v;
  }

  /** Elements [from, to) as an array. */
  slice(from = 0, to = this.length): string[] {
    const out: string[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.length); i++) out.push(this.at(i)!);
    return out;
  }

  /** Replaces all elements (positions restart at `head`). */
  reset(items: readonly string[], head = 0): void {
    this.buf = new Array(INITIAL_CAPACITY);
    this.start = 0;
    this.length = 0;
    for (const x of items) this.pushRight(x);
    this.head = head;
  }

  *[Symbol.iterator](): Generator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  private grow(): void {
    const old = this.buf;
    const next: (string | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.start + i) & (old.length - 1)];
    this.buf = next;
    this.start = 0;
  }
}
