// The two loops every RESP-framed codec (Redis, gevent) runs over a buffer: parse every complete
// request, and find request boundaries without building values (the shim's framing). Each codec
// supplies its scanner; the loops, their limits and their error handling are written once.

import { PIPELINE_MAX_COMMANDS, WS_MESSAGE_MAX_BYTES } from "../limits.ts";

/** A scanner's answer when the request continues past the buffer. */
export const INCOMPLETE = -1;
/** A scanner's answer on a framing error (its text in `Scanner.error()`). */
export const FAILED = -2;

/** One codec's request scanner over [pos, end): the next position, INCOMPLETE or FAILED. */
export interface Scanner<T> {
  /** Scans one request; with `build`, `item()` returns what it held afterwards. */
  scan(buf: Uint8Array, pos: number, end: number, build: boolean, maxBytes: number): number;
  /** The request just scanned with `build` (undefined: nothing to run, e.g. a blank line). */
  item(): T | undefined;
  /** Whether the request just scanned counts as a command (a blank inline line does not). */
  counts(): boolean;
  /** The error text of the last FAILED. */
  error(): string;
}

/** Complete requests parsed from a buffer; `error` after them ends the stream. */
export interface ScanParse<T> {
  items: T[];
  consumed: number;
  error?: string;
}

/** Request boundaries found without building values. */
export interface ScanFrame {
  /** Complete requests (counting ones) in [start, start + consumed). */
  commands: number;
  consumed: number;
  error?: string;
}

/**
 * Parses every complete request in [start, end). Stops at the first incomplete one (the caller
 * keeps its bytes) or at a framing error; with `atEof` (a WebSocket message, spec §6.3) trailing
 * incomplete bytes are the error `incomplete`.
 */
export function parseWith<T>(
  s: Scanner<T>,
  buf: Uint8Array,
  start: number,
  end: number,
  atEof: boolean,
  incomplete: string,
  maxBytes: number,
): ScanParse<T> {
  const items: T[] = [];
  let pos = start;
  while (pos < end) {
    const next = s.scan(buf, pos, end, true, maxBytes);
    if (next === INCOMPLETE) {
      if (atEof) return { items, consumed: pos - start, error: incomplete };
      break;
    }
    if (next === FAILED) return { items, consumed: pos - start, error: s.error() };
    const item = s.item();
    if (item !== undefined) items.push(item);
    pos = next;
  }
  return { items, consumed: pos - start };
}

/**
 * The longest run of complete requests from `start` within PIPELINE_MAX_COMMANDS requests and
 * WS_MESSAGE_MAX_BYTES bytes (TCP shim, spec §12.2), or one request alone up to `commandMax`
 * (the mux carries a larger one in parts); a framing error, or one request larger than
 * `commandMax`, ends it with `error`.
 */
export function frameWith(
  s: Scanner<unknown>,
  buf: Uint8Array,
  start: number,
  end: number,
  commandMax: number = WS_MESSAGE_MAX_BYTES,
): ScanFrame {
  let pos = start;
  let commands = 0;
  while (pos < end && commands < PIPELINE_MAX_COMMANDS) {
    const next = s.scan(buf, pos, end, false, commandMax);
    if (next === INCOMPLETE) break;
    if (next === FAILED) return { commands, consumed: pos - start, error: s.error() };
    if (next - start > WS_MESSAGE_MAX_BYTES && pos > start) break; // it starts the next message
    if (s.counts()) commands++;
    pos = next;
  }
  return { commands, consumed: pos - start };
}
