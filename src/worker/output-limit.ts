// Redis's `client-output-buffer-limit pubsub <hard> <soft> <seconds>` for a WebSocket whose
// sender cannot see what the client has not read: workerd gives a WebSocket no bufferedAmount
// (cloudflare/workerd#988) and no other backpressure signal, so a subscriber that never reads
// would hold everything sent to it. What can be counted is the output the client has not
// answered: the bytes pushed to it since its last inbound message. That count stands in for
// Redis's unread output: past `hard`, or above `soft` for `seconds`, the socket is closed, as
// Redis closes such a client. A client that receives a lot and never sends anything therefore
// sends a PING now and then (any command resets the count), as docs/realtime.md says.

import type { OutputLimit } from "../engine/config-table.ts";
import { pubsubOutputLimit } from "../engine/config-table.ts";

/** Output pushed since the client last showed life. */
export interface OutputDebt {
  /** Bytes pushed since the last inbound message. */
  unread: number;
  /** Unix ms when `unread` first went past the soft limit (0: it is not past it). */
  softSince: number;
}

/** A debt of nothing. */
export const noDebt = (): OutputDebt => ({ unread: 0, softSince: 0 });

/** Counts `bytes` pushed; true when the client is now past its limit and must be closed. */
export function pushed(d: OutputDebt, bytes: number, limit: OutputLimit, now: number): boolean {
  d.unread += bytes;
  if (limit.hard > 0 && d.unread > limit.hard) return true;
  if (limit.soft <= 0 || d.unread <= limit.soft) {
    d.softSince = 0;
    return false;
  }
  if (d.softSince === 0) d.softSince = now;
  return now - d.softSince > limit.seconds * 1000;
}

/** The client sent something: it is reading. */
export function showedLife(d: OutputDebt): void {
  d.unread = 0;
  d.softSince = 0;
}

/** RFC 6455 "policy violation": the close code of a subscriber past its output limit. */
export const CLOSE_OUTPUT_LIMIT = 1008;
export const OUTPUT_LIMIT_REASON = "pubsub output limit: send PING while receiving";

/**
 * Counts `bytes` pushed against the pubsub limit of CONFIG's `params`. Past it, `close` is called
 * with 1008 after the running batch (the publisher's delivery loop is not disturbed) and the
 * answer is true: nothing more should be sent.
 */
export function pushedPastLimit(
  d: OutputDebt,
  bytes: number,
  params: ReadonlyMap<string, string>,
  close: (code: number, reason: string) => void,
): boolean {
  const limit = pubsubOutputLimit(params.get("client-output-buffer-limit"));
  if (!pushed(d, bytes, limit, Date.now())) return false;
  queueMicrotask(() => close(CLOSE_OUTPUT_LIMIT, OUTPUT_LIMIT_REASON));
  return true;
}
