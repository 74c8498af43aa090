// Bytes read from one TCP connection and not yet sent upstream. Usually empty between reads: a
// chunk holding only complete commands is framed in place and never copied.

import { Buffer } from "node:buffer";

/** First allocation when bytes must be kept across reads. */
const MIN_CAPACITY = 16 * 1024;
const EMPTY = new Uint8Array(0);

export class InputBuffer {
  /** Either a chunk as received (never modified) or storage of our own. */
  buf: Uint8Array = EMPTY;
  start = 0;
  end = 0;
  private owned = false;

  get length(): number {
    return this.end - this.start;
  }

  /** Bytes held in memory (for the per-connection stats). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Adds a received chunk. */
  append(chunk: Uint8Array): void {
    if (this.start === this.end) {
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    const kept = this.end - this.start;
    const need = kept + chunk.length;
    if (this.owned && this.end + chunk.length <= this.buf.length) {
      // fits after the kept bytes
    } else if (this.owned && need <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = kept;
    } else {
      const next = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, need + (need >> 1)));
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.start = 0;
      this.end = kept;
      this.owned = true;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Removes `n` bytes from the front and returns them (copied when the storage is ours). */
  take(n: number): Uint8Array {
    const view = this.buf.subarray(this.start, this.start + n);
    // Uint8Array's slice copies; Buffer's (our storage is a Buffer) would not.
    const out = this.owned ? Uint8Array.prototype.slice.call(view) : view;
    this.skip(n);
    return out;
  }

  /** Drops `n` bytes from the front; an emptied buffer is released. */
  skip(n: number): void {
    this.start += n;
    if (this.start < this.end) return;
    this.buf = EMPTY;
    this.start = 0;
    this.end = 0;
    this.owned = false;
  }

  /** Forgets everything. */
  clear(): void {
    this.skip(this.end - this.start);
  }
}
