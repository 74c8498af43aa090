// Blink line framing for the shim (spec §7.1, §12.2): finds whole lines, never parses them.
// The Worker parses; the shim only cuts the byte stream so each WebSocket message carries whole
// lines, and answers the two framing errors itself (line too long, invalid UTF-8).

import { isUtf8 } from "node:buffer";
import { BLINK_LINE_MAX_BYTES, PIPELINE_MAX_COMMANDS, WS_MESSAGE_MAX_BYTES } from "../../limits.ts";

const LF = 0x0a;

/** A run of complete commands from `start` (the shape frameRedis/frameGevent return too). */
export interface Frame {
  /** Commands in [start, start + consumed). */
  commands: number;
  consumed: number;
  /** Framing error met after those commands: the error text, without the dialect's decoration. */
  error?: string;
}

export const BLINK_LINE_TOO_LONG = "line too long";
export const BLINK_INVALID_UTF8 = "invalid UTF-8";

/**
 * The longest run of complete lines from `start` that fits one message (at most
 * PIPELINE_MAX_COMMANDS lines and WS_MESSAGE_MAX_BYTES bytes). A line without `\n` that is already
 * longer than `lineMax`, or a complete line that is not UTF-8, ends the run with an error.
 */
export function frameBlink(
  buf: Uint8Array,
  start: number,
  end: number,
  lineMax = BLINK_LINE_MAX_BYTES,
): Frame {
  let pos = start;
  let commands = 0;
  while (pos < end && commands < PIPELINE_MAX_COMMANDS) {
    const limit = Math.min(end, pos + lineMax + 1);
    const at = buf.subarray(pos, limit).indexOf(LF);
    if (at < 0) {
      if (end - pos > lineMax)
        return { commands, consumed: pos - start, error: BLINK_LINE_TOO_LONG };
      break;
    }
    const nl = pos + at;
    if (!isUtf8(buf.subarray(pos, nl)))
      return { commands, consumed: pos - start, error: BLINK_INVALID_UTF8 };
    if (nl + 1 - start > WS_MESSAGE_MAX_BYTES) break; // this line starts the next message
    commands++;
    pos = nl + 1;
  }
  return { commands, consumed: pos - start };
}

/**
 * At client EOF (spec §7.5): the bytes left after the last `\n` form a final line, sent as one
 * command when non-empty. Call only when frameBlink finds no more complete lines.
 */
export function frameBlinkTail(
  buf: Uint8Array,
  start: number,
  end: number,
  lineMax = BLINK_LINE_MAX_BYTES,
): Frame {
  if (end === start) return { commands: 0, consumed: 0 };
  if (end - start > lineMax) return { commands: 0, consumed: 0, error: BLINK_LINE_TOO_LONG };
  if (!isUtf8(buf.subarray(start, end)))
    return { commands: 0, consumed: 0, error: BLINK_INVALID_UTF8 };
  return { commands: 1, consumed: end - start };
}
