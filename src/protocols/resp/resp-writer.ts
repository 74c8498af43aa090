// A growable byte buffer for the RESP-family encoders. One scratch buffer is reused across
// calls (encoders are synchronous and never re-entered); `take` copies the result out.

import { isBinary } from "../../engine/bytes.ts";

const INITIAL_BYTES = 16384;
/** A scratch buffer grown beyond this is dropped after use, so one huge reply does not pin memory. */
const KEEP_MAX_BYTES = 1048576;
/** Strings up to this length are written by a JS loop when ASCII (cheaper than encodeInto). */
const ASCII_LOOP_MAX = 64;
/** Bulk strings longer than this are encoded into room for their length first (see bulk). */
const LONG_TEXT = 65536;
/** UTF-8 bytes per UTF-16 unit, at most. */
const UTF8_MAX_PER_UNIT = 3;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;

const encoder = new TextEncoder();

function decimalDigits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Writes a non-negative integer's decimal digits at `p`; returns the position after them. */
function writeDecimal(b: Uint8Array, p: number, n: number): number {
  const end = p + decimalDigits(n);
  for (let i = end - 1; i >= p; i--) {
    b[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return end;
}

export class RespWriter {
  buf = new Uint8Array(INITIAL_BYTES);
  pos = 0;

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Starts a new output. */
  reset(): void {
    this.pos = 0;
  }

  /** The bytes written since `reset`, as a fresh array. */
  take(): Uint8Array {
    // A grown buffer is dropped anyway: hand it out as it is instead of copying megabytes.
    const out =
      this.buf.length > KEEP_MAX_BYTES
        ? this.buf.subarray(0, this.pos)
        : this.buf.slice(0, this.pos);
    if (this.buf.length > KEEP_MAX_BYTES) this.buf = new Uint8Array(INITIAL_BYTES);
    this.pos = 0;
    return out;
  }

  /** Appends an ASCII text (headers, numbers, constant replies). */
  ascii(s: string): void {
    this.ensure(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Appends `<mark><n>\r\n`. */
  header(mark: string, n: number): void {
    this.ascii(mark + n + "\r\n");
  }

  /**
   * Appends the bytes of a byte string (src/engine/bytes.ts); with `sanitize`, `\r` and `\n`
   * become spaces (error and status lines).
   */
  text(s: string, sanitize: boolean): void {
    if (isBinary(s)) {
      const n = s.length - 1;
      this.ensure(n);
      const b = this.buf;
      let p = this.pos;
      for (let i = 1; i <= n; i++) b[p++] = s.charCodeAt(i);
      if (sanitize) for (let i = this.pos; i < p; i++) if (b[i] === CR || b[i] === LF) b[i] = SPACE;
      this.pos = p;
      return;
    }
    const start = this.pos;
    if (s.length <= ASCII_LOOP_MAX && this.tryAscii(s)) {
      // written
    } else {
      this.ensure(s.length * UTF8_MAX_PER_UNIT);
      this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
    }
    if (sanitize) {
      const b = this.buf;
      for (let i = start; i < this.pos; i++) if (b[i] === CR || b[i] === LF) b[i] = SPACE;
    }
  }

  // Writes s when it is all ASCII; otherwise writes nothing and returns false.
  private tryAscii(s: string): boolean {
    this.ensure(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      b[p++] = c;
    }
    this.pos = p;
    return true;
  }

  /** Appends `<mark><len>\r\n<prefix><bytes of s>\r\n` (bulk, verbatim), prefix ASCII. */
  /** `-<text>\r\n`, CR and LF in the text turned to spaces (spec §4.2). */
  errorLine(text: string): void {
    this.ascii("-");
    this.text(text, true);
    this.ascii("\r\n");
  }

  /** `:<n>\r\n` of an integer reply. */
  integer(v: number | bigint): void {
    this.ascii(":" + integerText(v) + "\r\n");
  }

  bulk(mark: string, s: string, prefix = ""): void {
    if (isBinary(s)) {
      this.header(mark, s.length - 1 + prefix.length);
      if (prefix) this.ascii(prefix);
      this.text(s, false);
      this.ascii("\r\n");
      return;
    }
    if (s.length <= ASCII_LOOP_MAX && isAsciiShort(s)) {
      // The common case (short text): header, prefix and payload in one pass, no string built.
      const n = s.length + prefix.length;
      this.ensure(mark.length + decimalDigits(n) + n + 4);
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < mark.length; i++) b[p++] = mark.charCodeAt(i);
      p = writeDecimal(b, p, n);
      b[p++] = CR;
      b[p++] = LF;
      for (let i = 0; i < prefix.length; i++) b[p++] = prefix.charCodeAt(i);
      for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
      b[p++] = CR;
      b[p++] = LF;
      this.pos = p;
      return;
    }
    if (s.length > LONG_TEXT) {
      // A large value (megabytes), most often ASCII: room for its length in bytes only (room for
      // the longest encoding would make the buffer three times too large), header after it.
      const room = mark.length + decimalDigits(s.length * UTF8_MAX_PER_UNIT + prefix.length) + 2;
      this.ensure(room + prefix.length + s.length + 2);
      const at = this.pos + room;
      const b = this.buf;
      for (let i = 0; i < prefix.length; i++) b[at + i] = prefix.charCodeAt(i);
      const from = at + prefix.length;
      const r = encoder.encodeInto(s, b.subarray(from, from + s.length));
      if (r.read === s.length) {
        const n = r.written + prefix.length;
        const head = mark + n + "\r\n";
        if (head.length < room) b.copyWithin(this.pos + head.length, at, at + n);
        this.ascii(head);
        this.pos += n;
        this.ascii("\r\n");
        return;
      }
      // Not ASCII: more bytes than units; the general path below.
    }
    // Encode the payload after room for the longest header, then move it next to the real one.
    const maxBytes = s.length * UTF8_MAX_PER_UNIT + prefix.length;
    const room = mark.length + decimalDigits(maxBytes) + 2;
    this.ensure(room + maxBytes + 2);
    const at = this.pos + room;
    const b = this.buf;
    for (let i = 0; i < prefix.length; i++) b[at + i] = prefix.charCodeAt(i);
    const written = encoder.encodeInto(s, b.subarray(at + prefix.length)).written + prefix.length;
    const head = mark + written + "\r\n";
    if (head.length < room) b.copyWithin(this.pos + head.length, at, at + written);
    this.ascii(head);
    this.pos += written;
    this.ascii("\r\n");
  }
}

function isAsciiShort(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** The writer shared by the encoders of this directory. */
export const sharedWriter = new RespWriter();

/** Decimal text of an integer reply (numbers are integral by construction). */
export function integerText(v: number | bigint): string {
  if (typeof v === "bigint" || Number.isSafeInteger(v)) return v.toString();
  return Number.isFinite(v) ? BigInt(Math.trunc(v)).toString() : "0";
}
