// Min-heap of (time, item) with lazy deletion, shared by the key expiry heap and the hash field
// expiry heap: a pair is stale once `isLive` says its item no longer expires at that time, and is
// dropped when it reaches the top or at a compaction. Due items cost O(log n) each; checking that
// nothing is due costs O(1), which is what every batch pays.

export class TimedHeap<T> {
  protected at: number[] = [];
  protected items: T[] = [];
  private readonly isLive: (at: number, item: T) => boolean;

  constructor(isLive: (at: number, item: T) => boolean) {
    this.isLive = isLive;
  }

  get size(): number {
    return this.at.length;
  }

  /** Adds an item due at `when`. */
  pushItem(when: number, item: T): void {
    this.at.push(when);
    this.items.push(item);
    this.up(this.at.length - 1);
  }

  /** Earliest live time, dropping stale pairs on the way; 0 if none. */
  peek(): number {
    while (this.at.length > 0) {
      if (this.liveAt(0)) return this.at[0]!;
      this.pop();
    }
    return 0;
  }

  /** Removes and returns the item with the earliest live time if it is due at `now`. */
  popDue(now: number): T | undefined {
    const when = this.peek();
    if (when === 0 || when > now) return undefined;
    const item = this.items[0]!;
    this.pop();
    return item;
  }

  /** Rebuilds without stale pairs. */
  compact(): void {
    const at: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.at.length; i++) {
      if (!this.liveAt(i)) continue;
      at.push(this.at[i]!);
      items.push(this.items[i]!);
    }
    this.clear();
    for (let i = 0; i < at.length; i++) this.pushItem(at[i]!, items[i]!);
  }

  clear(): void {
    this.at = [];
    this.items = [];
  }

  /** Whether pair `i` is still live. */
  protected liveAt(i: number): boolean {
    return this.isLive(this.at[i]!, this.items[i]!);
  }

  private pop(): void {
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.items.pop();
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
    const x = this.items[i]!;
    this.items[i] = this.items[j]!;
    this.items[j] = x;
  }
}
