// `GET B/_/export` and `POST B/_/import` (spec §6.1, §13.4-13.5): full-access operations on a
// whole namespace. The export streams page by page from the namespace object; the import body
// is validated here, then applied by the object in one turn.

import { Errors } from "../../engine/errors.ts";
import { IMPORT_BODY_MAX_BYTES, IMPORT_LINE_MAX_BYTES } from "../../limits.ts";
import { trailerLine } from "../../protocols/transfer/export-format.ts";
import { parseLightRedisImport, readJsonlImport } from "../../protocols/transfer/import-parse.ts";
import { authConfig, authenticateRequest, UNCONFIGURED_TEXT } from "../auth.ts";
import type { Env } from "../env.ts";
import { importLimits } from "../export-import.ts";
import type { ExportCursor, ImportOutcome, ImportRequest, SnapshotId } from "../export-import.ts";
import { ERROR_HEADER, jsonError, readBody, respond } from "../http.ts";
import { objectFor, shardCount } from "../shard-map.ts";
import type { NamespaceStub } from "../shard-map.ts";
import { shardedExportBody, shardedImport } from "../sharded-export.ts";
import { ObjectUnavailable } from "../object-failure.ts";

const ROUTES: Record<string, { method: string; name: string }> = {
  "/_/export": { method: "GET", name: "export" },
  "/_/import": { method: "POST", name: "import" },
};

const FORMATS = ["jsonl", "lightredis"];
const MODES = ["merge", "replace"];

/** Serves `B/_/…` (`rest` is the path after the namespace base). */
export async function operationRoute(
  request: Request,
  env: Env,
  url: URL,
  namespace: string,
  rest: string,
  origin: string,
): Promise<Response> {
  const route = ROUTES[rest];
  if (!route) return jsonError(404, "ERR no such route", origin);
  if (request.method !== route.method)
    return jsonError(405, "ERR method not allowed", origin, { Allow: `${route.method}, OPTIONS` });
  const outcome = authenticateRequest(authConfig(env), request, url, namespace);
  if (!outcome.ok) {
    const extra: Record<string, string> = { "WWW-Authenticate": 'Bearer realm="blink-edge"' };
    if (outcome.reason === "unconfigured") extra[ERROR_HEADER] = UNCONFIGURED_TEXT;
    return jsonError(401, Errors.badToken().message, origin, extra);
  }
  if (outcome.scope !== "full") return jsonError(400, Errors.noPerm(route.name).message, origin);
  const stub = objectFor(env, namespace);
  const shards = shardCount(env, namespace);
  if (route.name === "export") {
    return shards > 1
      ? shardedExportResponse(env, url, namespace, shards, origin)
      : exportResponse(stub, url, namespace, origin);
  }
  return importResponse(stub, env, request, url, namespace, origin, shards);
}

/** Which point in time an export holds: `current` (taken at the request) or `saved`. */
export const EXPORT_VIEW_HEADER = "Blink-Edge-Export";

const EXPORT_HEADERS = (namespace: string, fresh: boolean) => ({
  "Content-Type": "application/x-ndjson",
  "Content-Disposition": `attachment; filename="${namespace}.jsonl"`,
  [EXPORT_VIEW_HEADER]: fresh ? "current" : "saved",
});

/**
 * `?snapshot=1` exports the last saved snapshot (SAVE, BGSAVE, an earlier export; one is taken if
 * there is none); by default, and with the older `?fresh=1`, what is stored at the request.
 */
function exportView(url: URL): boolean | string {
  const flag = (name: string) => url.searchParams.get(name) ?? "0";
  for (const name of ["fresh", "snapshot"]) {
    const v = flag(name);
    if (v !== "0" && v !== "1") return `ERR invalid value for '${name}' (expected 0 or 1)`;
  }
  if (flag("fresh") === "1" && flag("snapshot") === "1")
    return "ERR 'fresh' and 'snapshot' cannot both be set";
  return flag("snapshot") !== "1";
}

async function shardedExportResponse(
  env: Env,
  url: URL,
  namespace: string,
  shards: number,
  origin: string,
): Promise<Response> {
  const fresh = exportView(url);
  if (typeof fresh === "string") return jsonError(400, fresh, origin);
  return respond(
    await shardedExportBody(env, namespace, shards, fresh),
    200,
    EXPORT_HEADERS(namespace, fresh),
    origin,
  );
}

async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const x = e as { retryable?: boolean; overloaded?: boolean };
    console.error("blink-edge: namespace object failed", e);
    throw new ObjectUnavailable(x.retryable || x.overloaded ? 503 : 500, e);
  }
}

async function exportResponse(
  stub: NamespaceStub,
  url: URL,
  namespace: string,
  origin: string,
): Promise<Response> {
  const fresh = exportView(url);
  if (typeof fresh === "string") return jsonError(400, fresh, origin);
  const first = await call(() =>
    stub.exportPage({ namespace, fresh, cursor: null, snapshot: null }),
  );
  if (!first.ok) throw new Error(first.error);
  const keys = first.keys;
  const snapshot: SnapshotId = first.snapshot;
  let next: ExportCursor | null = first.next;
  let records = first.records;
  const enc = new TextEncoder();
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    // A count that does not match would be a bug; a missing trailer tells the reader.
    if (records !== keys) throw new Error(`export wrote ${records} records, header says ${keys}`);
    controller.enqueue(enc.encode(trailerLine(keys)));
    controller.close();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(enc.encode(first.text));
      if (next === null) finish(controller);
    },
    async pull(controller) {
      try {
        const page = await stub.exportPage({ namespace, fresh: false, cursor: next, snapshot });
        if (!page.ok) throw new Error(page.error);
        records += page.records;
        next = page.next;
        if (page.text) controller.enqueue(enc.encode(page.text));
        if (next === null) finish(controller);
      } catch (e) {
        console.error("blink-edge: export aborted", e);
        controller.error(e);
      }
    },
  });
  return respond(body, 200, EXPORT_HEADERS(namespace, fresh), origin);
}

async function importResponse(
  stub: NamespaceStub,
  env: Env,
  request: Request,
  url: URL,
  namespace: string,
  origin: string,
  shards: number,
): Promise<Response> {
  const format = url.searchParams.get("format") ?? "jsonl";
  if (!FORMATS.includes(format))
    return jsonError(
      400,
      `ERR unknown import format '${format}' (expected jsonl or lightredis)`,
      origin,
    );
  const mode = url.searchParams.get("mode") ?? "merge";
  if (!MODES.includes(mode))
    return jsonError(400, `ERR unknown import mode '${mode}' (expected merge or replace)`, origin);
  // JSON lines are read as a stream, record by record (a record of a 32 MiB string passes
  // HTTP_BODY_MAX_BYTES): by the object itself, or here for a sharded namespace.
  if (Number(request.headers.get("Content-Length") ?? "0") > IMPORT_BODY_MAX_BYTES)
    return jsonError(413, importTooLarge(), origin);
  const limits = importLimits(env);
  const max = { lineMax: IMPORT_LINE_MAX_BYTES, bodyMax: IMPORT_BODY_MAX_BYTES };
  const stream = request.body ?? new Blob([]).stream();
  if (format === "jsonl" && shards === 1) {
    const mode1 = mode as ImportRequest["mode"];
    const outcome = await call(() => stub.importStream({ namespace, mode: mode1, body: stream }));
    return importAnswer(outcome, origin);
  }
  const parsed =
    format === "jsonl"
      ? await readJsonlImport(stream, limits, max)
      : parseLightRedisImport(await readBody(request), limits);
  if (!parsed.ok) return importAnswer(parsed, origin);
  const req: ImportRequest = {
    namespace,
    mode: mode as ImportRequest["mode"],
    records: parsed.records,
  };
  const outcome =
    shards > 1
      ? await shardedImport(env, namespace, shards, req.mode, req.records)
      : await call(() => stub.importRecords(req));
  return importAnswer(outcome, origin);
}

const importTooLarge = () => `ERR import body too large (max ${IMPORT_BODY_MAX_BYTES} bytes)`;

/** The import's HTTP answer: its counts, 400 for a bad record, 413 past a size limit. */
function importAnswer(
  outcome: ImportOutcome | { ok: false; error: string; tooLarge?: boolean },
  origin: string,
): Response {
  if (!outcome.ok) return jsonError(outcome.tooLarge ? 413 : 400, outcome.error, origin);
  const result = `{"result":{"imported":${outcome.imported},"skipped_expired":${outcome.skippedExpired}}}`;
  return respond(result, 200, { "Content-Type": "application/json" }, origin);
}
