// Export and import of a sharded namespace (spec §13.4-13.5 over shard-map.ts).
//
// Export: every shard takes (or reuses) its snapshot at the start, all in parallel; the file has
// one header and one trailer and the records of shard 0, then shard 1, … — each shard's keys in
// its creation order. `keys` is the total; `snapshot_seq` the sum of the shards' snapshot points
// (they count writes per shard, as INFO does); `snapshot_at` the oldest shard snapshot time, so
// the file holds every write acknowledged before it. Each shard's part is a consistent snapshot;
// the shards' snapshot times differ by the spread of the parallel first calls.
//
// Import: records are routed to their key's shard; every shard involved first checks its part
// (memory admission) without applying it, and only when all accept do all apply, in parallel.
// `mode=replace` flushes every shard, including those that receive no record.

import type { ImportRecord } from "../protocols/transfer/export-format.ts";
import { headerLine, trailerLine } from "../protocols/transfer/export-format.ts";
import type { Env } from "./env.ts";
import type {
  ExportCursor,
  ExportPage,
  ExportPageRequest,
  ImportOutcome,
  ImportRequest,
  SnapshotId,
} from "./export-import.ts";
import { classifyFailure } from "./object-failure.ts";
import { objectFor, shardOfKey } from "./shard-map.ts";

const stub = (env: Env, namespace: string, shard: number) => objectFor(env, namespace, shard);

async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw classifyFailure(e);
  }
}

function okPage(p: ExportPage): Extract<ExportPage, { ok: true }> {
  if (!p.ok) throw new Error(p.error);
  return p;
}

/** The export body of a sharded namespace, streamed shard after shard. */
export async function shardedExportBody(
  env: Env,
  namespace: string,
  shards: number,
  fresh: boolean,
): Promise<ReadableStream<Uint8Array>> {
  const ids = Array.from({ length: shards }, (_, i) => i);
  // Budget 0: the first pages only take the snapshots and count keys; records come later.
  const firsts = await call(() =>
    Promise.all(
      ids.map((shard) =>
        stub(env, namespace, shard).exportPage({
          namespace,
          fresh,
          cursor: null,
          snapshot: null,
          shard: { shard, shards },
          budget: 0,
        }),
      ),
    ),
  ).then((pages) => pages.map(okPage));
  const keys = firsts.reduce((n, p) => n + p.keys, 0);
  const seq = firsts.reduce((n, p) => n + p.snapshot.seq, 0);
  const at = Math.min(...firsts.map((p) => p.snapshot.at));
  const enc = new TextEncoder();
  let shard = 0;
  let records = 0;
  let next: ExportCursor | null = null;
  let started = false;
  const snapshots: SnapshotId[] = firsts.map((p) => p.snapshot);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(enc.encode(headerLine(namespace, seq, at, keys)));
    },
    async pull(controller) {
      try {
        for (;;) {
          if (shard === shards) {
            if (records !== keys)
              throw new Error(`export wrote ${records} records, header says ${keys}`);
            controller.enqueue(enc.encode(trailerLine(keys)));
            controller.close();
            return;
          }
          if (!started) {
            // The first page's text starts with the shard's own header line: drop it.
            const first = firsts[shard]!;
            started = true;
            records += first.records;
            next = first.next;
            const text = first.text.slice(first.text.indexOf("\n") + 1);
            if (text) {
              controller.enqueue(enc.encode(text));
              return;
            }
          } else if (next !== null) {
            const req: ExportPageRequest = {
              namespace,
              fresh: false,
              cursor: next,
              snapshot: snapshots[shard]!,
              shard: { shard, shards },
            };
            const page = okPage(await call(() => stub(env, namespace, shard).exportPage(req)));
            records += page.records;
            next = page.next;
            if (page.text) {
              controller.enqueue(enc.encode(page.text));
              return;
            }
          }
          if (next === null) {
            shard++;
            started = false;
          }
        }
      } catch (e) {
        console.error("blink-edge: export aborted", e);
        controller.error(e);
      }
    },
  });
}

/** Imports validated records into a sharded namespace: checked on every shard, then applied. */
export async function shardedImport(
  env: Env,
  namespace: string,
  shards: number,
  mode: ImportRequest["mode"],
  records: ImportRecord[],
): Promise<ImportOutcome> {
  const parts = Array.from({ length: shards }, (): ImportRecord[] => []);
  for (const r of records) parts[shardOfKey(r.key, shards)]!.push(r);
  const targets = parts.flatMap((recs, shard) =>
    mode === "replace" || recs.length ? [shard] : [],
  );
  const run = (dryRun: boolean) =>
    call(() =>
      Promise.all(
        targets.map((shard) =>
          stub(env, namespace, shard).importRecords({
            namespace,
            mode,
            records: parts[shard]!,
            shard: { shard, shards },
            dryRun,
          }),
        ),
      ),
    );
  const checks = await run(true);
  const refused = checks.find((o) => !o.ok);
  if (refused) return refused;
  const outcomes = await run(false);
  const failed = outcomes.find((o) => !o.ok);
  if (failed) return failed;
  let imported = 0;
  let skippedExpired = 0;
  for (const o of outcomes) {
    if (o.ok) {
      imported += o.imported;
      skippedExpired += o.skippedExpired;
    }
  }
  return { ok: true, imported, skippedExpired };
}
