// Delivering a stream's entries to a consumer of a group (Redis streamReplyWithRange with a
// group): new entries (`>`) move the group on and grow the PEL; history re-reads a consumer's
// own pending entries. Shared by XREADGROUP's immediate and woken answers.

import type { Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { Group, Stream } from "../stream.ts";
import { MAX_ID, idBytes, idText, nextId } from "../stream-id.ts";
import type { StreamId } from "../stream-id.ts";
import { entriesReply, entryReply } from "./stream-args.ts";
import { estimateEntriesRead, hasTombstonesAfter } from "./stream-lag.ts";
import { putPending, setGroupPosition, touchConsumer } from "./stream-write.ts";

/** Delivers new entries (`>`) to a consumer: the group moves on, the PEL grows unless NOACK. */
export function deliverNew(
  ctx: Ctx,
  e: Entry,
  g: Group,
  consumer: string,
  count: number,
  noack: boolean,
): Reply {
  const s = e.value as Stream;
  const from = nextId(g.lastId);
  const entries = from ? s.range(from, MAX_ID, count) : [];
  const c = touchConsumer(ctx, e, g, consumer, entries.length > 0);
  for (const [id] of entries) {
    let read = g.entriesRead;
    if (read !== -1n && !hasTombstonesAfter(s, id)) read++;
    else if (s.entriesAdded) read = estimateEntriesRead(s, id);
    setGroupPosition(ctx, e, g, id, read);
    if (!noack) putPending(ctx, e, g, id, c, ctx.now, 1);
  }
  return entriesReply(entries);
}

/** Re-reads a consumer's own pending entries after `after` (history); deleted ones as nil. */
export function deliverHistory(
  ctx: Ctx,
  e: Entry,
  g: Group,
  consumer: string,
  after: StreamId,
  count: number,
): Reply {
  const s = e.value as Stream;
  const c = touchConsumer(ctx, e, g, consumer, false);
  const ids = [...c.pending.keys()].sort();
  const out: Reply[] = [];
  const from = idBytes(after);
  for (const k of ids) {
    if (out.length >= count) break;
    if (k <= from) continue;
    const p = c.pending.get(k)!;
    const fields = s.get(p.id);
    if (!fields) {
      out.push(R.array([R.bulk(idText(p.id)), R.NILARRAY]));
      continue;
    }
    putPending(ctx, e, g, p.id, c, ctx.now, p.count + 1);
    out.push(entryReply(p.id, fields));
  }
  return R.array(out);
}
