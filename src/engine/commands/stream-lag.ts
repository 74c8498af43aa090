// A consumer group's `entries-read` and `lag` as Redis 7.0 computes them
// (streamEstimateDistanceFromFirstEverEntry, streamRangeHasTombstones, streamReplyWithCGLag).

import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { Group, Stream } from "../stream.ts";
import { MIN_ID, compareIds } from "../stream-id.ts";
import type { StreamId } from "../stream-id.ts";

const INVALID = -1n;
const isZero = (id: StreamId) => id.ms === 0n && id.seq === 0n;

/** True when an XDEL may have left a hole at or after `start`. */
export function hasTombstonesAfter(s: Stream, start: StreamId): boolean {
  if (!s.length || isZero(s.maxDeletedId)) return false;
  return compareIds(start, s.maxDeletedId) <= 0;
}

/** The entries-read counter of id `id`, or -1 when it cannot be known. */
export function estimateEntriesRead(s: Stream, id: StreamId): bigint {
  if (!s.entriesAdded) return 0n;
  if (!s.length && compareIds(id, s.lastId) < 1) return s.entriesAdded;
  const cmpLast = compareIds(id, s.lastId);
  if (cmpLast === 0) return s.entriesAdded;
  if (cmpLast > 0) return INVALID;
  const first = s.firstId() ?? MIN_ID;
  const cmpFirst = compareIds(id, first);
  if (isZero(s.maxDeletedId) || compareIds(s.maxDeletedId, first) < 0) {
    if (cmpFirst < 0) return s.entriesAdded - BigInt(s.length);
    if (cmpFirst === 0) return s.entriesAdded - BigInt(s.length) + 1n;
  }
  return INVALID;
}

/** XINFO's `lag` of a group: an integer, or nil when it cannot be known. */
export function streamLag(s: Stream, g: Group): Reply {
  if (!s.entriesAdded) return R.ZERO;
  if (g.entriesRead !== INVALID && !hasTombstonesAfter(s, g.lastId))
    return R.int(s.entriesAdded - g.entriesRead);
  const read = estimateEntriesRead(s, g.lastId);
  return read === INVALID ? R.NIL : R.int(s.entriesAdded - read);
}
