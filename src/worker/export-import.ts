// The namespace object's side of export and import (spec §13.4-13.5): export pages over the
// retained snapshot, and the import of validated records as one write command in one turn.

import { byteLength } from "../engine/bytes.ts";
import { hashDelete, hashSetFieldExpiry } from "../engine/collection-ops.ts";
import { JsonDoc } from "../engine/json-doc.ts";
import { parseJson } from "../engine/json-parse.ts";
import { JSON_DOC_MAX_DEPTH, KEY_MAX_BYTES, PROTO_MAX_BULK_LEN } from "../limits.ts";
import { Deque } from "../engine/deque.ts";
import type { Entry, ValueOf } from "../engine/entry.ts";
import type { Engine } from "../engine/engine.ts";
import type { Store } from "../engine/store.ts";
import { Errors } from "../engine/errors.ts";
import { SortedSet } from "../engine/sorted-set.ts";
import { Stream } from "../engine/stream.ts";
import { headerLine } from "../protocols/transfer/export-format.ts";
import type { ImportLimits, ImportRecord } from "../protocols/transfer/export-format.ts";
import type { Env } from "./env.ts";
import { engineSettings } from "./env.ts";
import type { ShardRef } from "./namespace-api.ts";
import { countSnapshotKeys, readSnapshotPage } from "./snapshot-view.ts";
import type { ExportCursor } from "./snapshot-view.ts";

export type { ExportCursor } from "./snapshot-view.ts";

/** Characters of export text per page (one RPC reply); a page may overshoot by one element. */
const PAGE_BUDGET = 1 << 20;

/** The snapshot an export reads: its point and time (spec §13.3). */
export interface SnapshotId {
  seq: number;
  at: number;
}

/** One export page request (RPC from the Worker); `cursor` null = first page. */
export interface ExportPageRequest {
  namespace: string;
  /** True: what is stored now (a snapshot taken at this request); false: the retained one. */
  fresh: boolean;
  cursor: ExportCursor | null;
  snapshot: SnapshotId | null;
  /** Which shard, for a sharded namespace. */
  shard?: ShardRef;
  /** Characters of text for this page (default PAGE_BUDGET); 0 = at most one record or element. */
  budget?: number;
}

/** Export text and where to continue; `next` null = every record was sent (the trailer follows). */
export type ExportPage =
  | {
      ok: true;
      text: string;
      records: number;
      next: ExportCursor | null;
      snapshot: SnapshotId;
      keys: number;
    }
  | { ok: false; error: string };

export interface ImportRequest {
  namespace: string;
  mode: "merge" | "replace";
  records: ImportRecord[];
  /** Which shard, for a sharded namespace. */
  shard?: ShardRef;
  /** Check only (memory admission), apply nothing: a sharded import checks every shard first. */
  dryRun?: boolean;
}

export type ImportOutcome =
  | { ok: true; imported: number; skippedExpired: number }
  | { ok: false; error: string; tooLarge?: boolean };

/** What an import's records are checked against. */
export function importLimits(env: Env): ImportLimits {
  return {
    keyMax: KEY_MAX_BYTES,
    valueMax: engineSettings(env).valueMax,
    stringMax: PROTO_MAX_BULK_LEN,
  };
}

/** A JSON-lines import's body, streamed to the object (no RPC value bounds it). */
export interface ImportStreamRequest {
  namespace: string;
  mode: "merge" | "replace";
  body: ReadableStream<Uint8Array>;
}

/** The object's export and import RPC methods (the rest of its contract: namespace-api.ts). */
export interface ExportImportRpc {
  exportPage(req: ExportPageRequest): ExportPage | Promise<ExportPage>;
  importRecords(req: ImportRequest): ImportOutcome | Promise<ImportOutcome>;
  /** Reads a JSON-lines body line by line, then applies it in one turn (importRecords). */
  importStream(req: ImportStreamRequest): Promise<ImportOutcome>;
}

/**
 * One page of the export. The first takes a snapshot when there is none, or when `fresh` asks for
 * the current data and writes happened since the retained one (with none, it is the same view:
 * two exports in a row share it rather than cut each other short).
 */
export function exportPage(
  engine: Engine,
  sql: SqlStorage,
  req: ExportPageRequest,
  now: number,
): ExportPage {
  if (req.cursor === null) {
    const current = engine.snapshotAt > 0 && engine.snapshotSeq === engine.store.writeSeq;
    if (engine.snapshotAt === 0 || (req.fresh && !current)) engine.takeSnapshot(now);
    const snapshot = { seq: engine.snapshotSeq, at: engine.snapshotAt };
    const keys = countSnapshotKeys(engine, sql);
    const page = readSnapshotPage(engine, sql, { from: 0, index: 0 }, req.budget ?? PAGE_BUDGET);
    const text = headerLine(engine.namespace, snapshot.seq, snapshot.at, keys) + page.text;
    return { ok: true, text, records: page.records, next: page.next, snapshot, keys };
  }
  const s = req.snapshot;
  if (!s || s.seq !== engine.snapshotSeq || s.at !== engine.snapshotAt) {
    return { ok: false, error: "a newer snapshot replaced the one being exported" };
  }
  const page = readSnapshotPage(engine, sql, req.cursor, req.budget ?? PAGE_BUDGET);
  return {
    ok: true,
    text: page.text,
    records: page.records,
    next: page.next,
    snapshot: s,
    keys: -1,
  };
}

/**
 * Applies validated records as one write command (spec §13.5): expired records skipped, the
 * memory limit checked up front without eviction, every change journaled so that an unexpected
 * failure leaves nothing behind. The caller persists the changes in the same turn.
 */
export function applyImport(engine: Engine, req: ImportRequest, now: number): ImportOutcome {
  const dbs = engine.dbs;
  for (const st of dbs.all()) st.purgeExpired(now);
  const records = req.records.filter((r) => r.expiresAt === 0 || r.expiresAt > now);
  if (!fits(engine, req.mode, records)) return { ok: false, error: Errors.oom().message };
  if (req.dryRun)
    return {
      ok: true,
      imported: records.length,
      skippedExpired: req.records.length - records.length,
    };
  engine.stats.commands++;
  // Every database the import touches is journaled, so a failure leaves none of them changed.
  const touched = new Set<Store>(req.mode === "replace" ? dbs.all() : []);
  for (const r of records) touched.add(dbs.get(r.db ?? 0));
  for (const st of touched) st.beginCommand(true);
  try {
    if (req.mode === "replace") for (const st of touched) st.flushDb();
    for (const r of records) {
      const store = dbs.get(r.db ?? 0);
      const e: Entry = store.put(r.key, r.type, valueOf(r), r.size);
      if (r.expiresAt > 0) store.setExpiry(e, r.expiresAt);
      if (r.type === "hash" && r.fieldTtls) applyFieldTtls(store, e, r.fieldTtls, now);
    }
  } catch (e) {
    for (const st of touched) {
      st.rollback();
      st.endCommand();
    }
    throw e;
  }
  for (const st of touched) {
    st.endCommand();
    st.endBatch();
  }
  engine.store.writeSeq++;
  return {
    ok: true,
    imported: records.length,
    skippedExpired: req.records.length - records.length,
  };
}

/** Gives imported hash fields their TTLs; a field already expired is not imported. */
function applyFieldTtls(
  store: Engine["store"],
  e: Entry,
  ttls: readonly [string, number][],
  now: number,
): void {
  for (const [f, at] of ttls) {
    if (!e.alive) return;
    if (at <= now) hashDelete(store, e, f);
    else hashSetFieldExpiry(store, e, f, at);
  }
}

/** Memory admission without eviction (spec §3.8 rules 1-3, §13.5), over every database. */
function fits(
  engine: Engine,
  mode: ImportRequest["mode"],
  records: readonly ImportRecord[],
): boolean {
  const limit = engine.config.maxmemory;
  if (limit === 0) return true;
  const dbs = engine.dbs;
  const final = new Map<string, [number, number]>();
  for (const r of records)
    final.set(`${r.db ?? 0}:${r.key}`, [r.db ?? 0, byteLength(r.key) + r.size]);
  const usage = dbs.usage;
  let after = mode === "replace" ? 0 : usage;
  for (const [id, [db, size]] of final) {
    const e = mode === "merge" ? dbs.peek(db)?.get(id.slice(id.indexOf(":") + 1)) : undefined;
    if (e) after -= e.ksize + e.size;
    after += size;
  }
  return after <= limit || after <= usage;
}

function valueOf(r: ImportRecord): ValueOf[ImportRecord["type"]] {
  switch (r.type) {
    case "string":
    case "json":
    case "int":
      return r.value;
    case "set":
      return new Set(r.value);
    case "hash":
      return new Map(r.value);
    case "list":
      return new Deque(r.value);
    case "zset":
      return SortedSet.fromEntries(r.value);
    case "stream": {
      const s = new Stream();
      for (const [m, v] of r.value) s.loadMember(m, v);
      s.finishLoad();
      return s;
    }
    case "document":
      return new JsonDoc(parseJson(r.value, { maxDepth: JSON_DOC_MAX_DEPTH }));
  }
}
