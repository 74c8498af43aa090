// A mutable byte view of a string value, for the commands that edit strings byte by byte
// (SETBIT, BITFIELD, PFADD, PFCOUNT's cached cardinality).
//
// Values are byte strings held as JS strings (bytes.ts). Turning a multi-megabyte value into bytes
// and back for every SETBIT would cost two full conversions per bit, so a view keeps the bytes of
// a recent value beside it (a small LRU keyed by entry, checked against the value string) and
// writes back through a tree of leaves (leaf-tree.ts) while the value stays in a
// one-char-per-byte form (ASCII text or the binary form): one leaf rebuilt per changed byte.
//
// The canonical form depends on whether the bytes are valid UTF-8, a property of the whole
// string. It is kept up to date per write in O(1) (utf8-check.ts): the view remembers one
// invalid byte (a witness) and re-examines only the neighbourhood of each write.

import { BIN_MARK, isBinary } from "./bytes.ts";
import type { Entry } from "./entry.ts";
import { LEAF_BYTES, LeafTree, latin1 } from "./leaf-tree.ts";
import { wellFormedAt } from "./utf8-check.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** Views of values this short are not cached: rebuilding them costs less than keeping them. */
const CACHE_MIN_BYTES = 256;
/** Cached views at most, and their bytes at most: a bound on the memory the cache adds. */
const CACHE_MAX_VIEWS = 64;
const CACHE_MAX_BYTES = 64 * 1024 * 1024;
/** Changed bytes tracked for a write-back; past this it rebuilds every leaf. */
const PATCH_MAX = 1024;
/** Values shorter than this are written back in one pass (cheaper than a tree). */
const TREE_MIN_BYTES = 4 * LEAF_BYTES;

/** The three canonical shapes of a byte string. */
const Form = {
  /** All bytes below 0x80: the string is the bytes, one char each. */
  Ascii: 0,
  /** Not valid UTF-8: BIN_MARK then one char per byte. */
  Binary: 1,
  /** Valid UTF-8 with some multi-byte character: the decoded text. */
  Text: 2,
} as const;
type Form = (typeof Form)[keyof typeof Form];

/** No invalid byte (the bytes are valid UTF-8). */
const VALID = -1;
/** Some byte is invalid, position not yet looked for (a view of a binary-form string). */
const INVALID_SOMEWHERE = -2;

export class ByteView {
  /** The bytes; `bytes.length` is the capacity, the value is `bytes[0, length)`. */
  bytes: Uint8Array;
  length: number;
  /** Bytes >= 0x80. */
  private high: number;
  /** Index of a byte that is not part of well-formed UTF-8, or VALID / INVALID_SOMEWHERE. */
  private witness: number;
  /** The string these bytes equalled at the last write-back (or creation). */
  private source: string;
  private sourceLength: number;
  private sourceForm: Form;
  /** Indexes below sourceLength changed since then; null when too many to patch. */
  private dirty: number[] | null = [];
  /** True after `rewrote`: high and witness are to be recomputed. */
  private unsettled = false;
  /** The leaves of the source (one-char-per-byte forms only), built at the first write-back. */
  private tree: LeafTree | null = null;

  private constructor(s: string) {
    this.source = s;
    if (isBinary(s)) {
      const n = s.length - 1;
      const b = new Uint8Array(capacityFor(n));
      let high = 0;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i + 1);
        b[i] = c;
        high += c >> 7;
      }
      this.bytes = b;
      this.length = n;
      this.high = high;
      this.witness = INVALID_SOMEWHERE;
      this.sourceForm = Form.Binary;
    } else {
      const n = s.length;
      let b = new Uint8Array(capacityFor(n));
      let ascii = true;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        b[i] = c;
      }
      if (ascii) {
        this.length = n;
        this.high = 0;
        this.sourceForm = Form.Ascii;
      } else {
        const enc = encoder.encode(s);
        b = new Uint8Array(capacityFor(enc.length));
        b.set(enc);
        let high = 0;
        for (let i = 0; i < enc.length; i++) high += enc[i]! >> 7;
        this.length = enc.length;
        this.high = high;
        this.sourceForm = Form.Text;
      }
      this.bytes = b;
      this.witness = VALID;
    }
    this.sourceLength = this.length;
  }

  /** A view of a byte string (not cached). */
  static of(s: string): ByteView {
    return new ByteView(s);
  }

  /** A view of new bytes (e.g. a fresh HyperLogLog), whose string is built at write-back. */
  static fromBytes(bytes: Uint8Array): ByteView {
    const v = new ByteView("");
    v.rewrote(bytes);
    return v;
  }

  /** True when the view holds changes not yet written back. */
  get pending(): boolean {
    return this.dirty === null || this.dirty.length > 0 || this.length !== this.sourceLength;
  }

  /** True when the view still describes `s` (the same string, nothing pending). */
  describes(s: string): boolean {
    return !this.pending && this.source === s;
  }

  /** The byte at `i` (0 past the end). */
  get(i: number): number {
    return i < this.length ? this.bytes[i]! : 0;
  }

  /** Writes one byte (within the length). */
  set(i: number, v: number): void {
    const old = this.bytes[i]!;
    if (old === v) return;
    if (this.unsettled) this.settle();
    if (this.witness === INVALID_SOMEWHERE) this.witness = this.findInvalid(0);
    this.bytes[i] = v;
    this.high += (v >> 7) - (old >> 7);
    if (i < this.sourceLength && this.dirty) {
      if (this.dirty.length < PATCH_MAX) this.dirty.push(i);
      else this.dirty = null;
    }
    if (this.witness === VALID) {
      // Changing one ASCII byte into another cannot break a valid string.
      if ((old | v) >= 0x80) this.witness = this.invalidNear(i);
    } else if (Math.abs(i - this.witness) <= 3) {
      const near = this.invalidNear(i);
      this.witness = near !== VALID ? near : this.findInvalid(0);
    }
  }

  /** Zero-extends to `n` bytes (no-op when already that long). Zeros never change validity. */
  grow(n: number): void {
    if (n <= this.length) return;
    if (n > this.bytes.length) {
      const b = new Uint8Array(Math.max(n, Math.min(this.bytes.length * 2, n + (1 << 24))));
      b.set(this.bytes.subarray(0, this.length));
      this.bytes = b;
    }
    this.length = n;
  }

  /**
   * Declares the content replaced: `bytes` (copied unless it is the view's own buffer, edited
   * in place) up to `length`. Validity is re-examined lazily, at the next write or write-back.
   */
  rewrote(bytes: Uint8Array, length = bytes.length): void {
    if (bytes !== this.bytes) {
      if (length > this.bytes.length) this.bytes = new Uint8Array(capacityFor(length));
      this.bytes.set(bytes.subarray(0, length));
    }
    this.length = length;
    this.unsettled = true;
    this.dirty = null;
  }

  /** Recounts high bytes and finds an invalid one after a wholesale change. */
  private settle(): void {
    let high = 0;
    for (let i = 0; i < this.length; i++) high += this.bytes[i]! >> 7;
    this.high = high;
    this.witness = high === 0 ? VALID : this.findInvalid(0);
    this.unsettled = false;
  }

  /** Makes room for `n` bytes without changing the length (capacity for in-place edits). */
  reserve(n: number): void {
    if (n <= this.bytes.length) return;
    const b = new Uint8Array(capacityFor(n));
    b.set(this.bytes.subarray(0, this.length));
    this.bytes = b;
  }

  /** The canonical byte string of the current bytes; the view then describes it. */
  commit(): string {
    if (!this.pending) return this.source;
    if (this.unsettled) this.settle();
    const form = this.witness !== VALID ? Form.Binary : this.high === 0 ? Form.Ascii : Form.Text;
    const mark = form === Form.Binary ? BIN_MARK : "";
    let s: string;
    if (form === Form.Text) {
      s = decoder.decode(this.bytes.subarray(0, this.length));
      this.tree = null;
    } else if (this.length < TREE_MIN_BYTES) {
      s = mark + latin1(this.bytes, 0, this.length);
      this.tree = null;
    } else {
      if (form !== this.sourceForm || this.dirty === null) {
        this.tree = LeafTree.ofBytes(this.bytes, this.length);
      } else {
        this.tree ??= LeafTree.ofString(this.source, mark.length, this.sourceLength);
        this.tree.update(this.bytes, this.length, this.dirty, this.sourceLength);
      }
      s = mark + this.tree.root;
    }
    this.source = s;
    this.sourceLength = this.length;
    this.sourceForm = form;
    this.dirty = [];
    return s;
  }

  /** An invalid byte among those whose validity a write at `i` can change, or VALID. */
  private invalidNear(i: number): number {
    const to = Math.min(i + 3, this.length - 1);
    for (let j = Math.max(0, i - 3); j <= to; j++)
      if (!wellFormedAt(this.bytes, this.length, j)) return j;
    return VALID;
  }

  /** The first invalid byte at or after `from`, or VALID. */
  private findInvalid(from: number): number {
    const b = this.bytes;
    for (let j = from; j < this.length; j++) {
      if (b[j]! < 0x80) continue;
      if (!wellFormedAt(b, this.length, j)) return j;
    }
    return VALID;
  }
}

/** Capacity for `n` bytes, with room to grow a little in place. */
function capacityFor(n: number): number {
  return Math.max(8, n + (n >> 3));
}

// ---- the cache ----------------------------------------------------------------------------

const cache = new Map<Entry, ByteView>();
/** Bytes each cached view was counted with (its capacity when last kept). */
const charged = new WeakMap<ByteView, number>();
let cachedBytes = 0;

function drop(e: Entry, v: ByteView): void {
  cache.delete(e);
  cachedBytes -= charged.get(v) ?? 0;
}

/**
 * A view of `s`, the current string of entry `e` (or of a new key when `e` is undefined):
 * the cached one when it still describes `s`, else a new one.
 */
export function viewOf(e: Entry | undefined, s: string): ByteView {
  if (e) {
    const v = cache.get(e);
    if (v) {
      if (v.describes(s)) return v;
      drop(e, v);
    }
  }
  return ByteView.of(s);
}

/** Keeps `v` as the view of entry `e` once they agree (after a write-back, or a read). */
export function keepView(e: Entry, v: ByteView): void {
  const old = cache.get(e);
  if (old) drop(e, old);
  if (v.length < CACHE_MIN_BYTES) return;
  cache.set(e, v); // most recently used last
  charged.set(v, v.bytes.length);
  cachedBytes += v.bytes.length;
  for (const [k, o] of cache) {
    if (cache.size <= CACHE_MAX_VIEWS && cachedBytes <= CACHE_MAX_BYTES) break;
    drop(k, o);
  }
}
