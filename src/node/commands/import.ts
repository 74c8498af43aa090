// `blink-edge import`: JSON lines (spec §13.4), a Light-Redis db.json or a Blink-Store dump of
// `SET k v` lines into a namespace, in requests of at most HTTP_BODY_MAX_BYTES split at line
// (or key) boundaries. The first request uses the chosen mode, later ones merge (§13.5).

import { createReadStream, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { HTTP_BODY_MAX_BYTES, IMPORT_LINE_MAX_BYTES } from "../../limits.ts";
import { EXIT_OK, RuntimeError, UsageError } from "./command.ts";
import type { Subcommand } from "./command.ts";
import { blinkBatches } from "./import-blink.ts";
import { lightRedisBodies } from "./import-lightredis.ts";
import { inputFailure, lineBatches } from "./line-batches.ts";
import { Progress, formatBytes } from "./progress.ts";
import { REMOTE_HELP, REMOTE_OPTIONS, errorText, remoteFrom, request } from "./remote.ts";
import type { Remote } from "./remote.ts";

const LABEL = "blink-edge import";
/** Records per request: bounds the namespace object's single turn for tiny records. */
const JSONL_BATCH_LINES = 50_000;
const FORMATS = ["jsonl", "lightredis", "blink"] as const;
const MODES = ["merge", "replace"] as const;
/** Bytes read from each end of a file to check for the header and trailer up front. */
const END_PROBE_BYTES = 65536;

type Format = (typeof FORMATS)[number];
type Mode = (typeof MODES)[number];

const HELP = `Usage: blink-edge import [--url URL] [--db NAME] [--token T] [--format F] [--mode M] FILE|-

Imports FILE (or stdin for -) into a namespace.

Options:
${REMOTE_HELP}
  --format F      jsonl (default): JSON lines as written by blink-edge export (header and
                  trailer optional); lightredis: a Light-Redis db.json snapshot; blink: a
                  Blink-Store dump, one 'SET key value' line per key
  --mode M        merge (default): imported keys replace existing ones, others stay;
                  replace: the namespace is emptied first
  -h, --help      show this help

The input goes in requests of at most ${HTTP_BODY_MAX_BYTES} bytes, split at line (db.json: key)
boundaries; a JSON line longer than that (a big string) goes alone, up to ${IMPORT_LINE_MAX_BYTES}
bytes. Each request is validated whole and applied atomically; the first one uses --mode,
later ones merge, so a failure midway leaves the earlier requests applied (the error says how
many keys). Records whose expires_at has passed are skipped. Progress goes to stderr: a bar on a
terminal, otherwise a line a second, and a final summary with keys, bytes and keys/s.

Exit status: 0 when everything was imported; 1 when the Worker cannot be reached or refuses
(HTTP 401, NOPERM, an invalid record: its input line or key is named, OOM), the input cannot be
read or is cut short (a header without a trailer), or a Blink line failed; 2 on a usage error.`;

/** What one request achieved. */
interface Applied {
  imported: number;
  skipped: number;
}

export const importCommand: Subcommand = {
  name: "import",
  help: HELP,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        options: {
          ...REMOTE_OPTIONS,
          format: { type: "string" },
          mode: { type: "string" },
          help: { type: "boolean", short: "h" },
        },
        strict: true,
        allowPositionals: true,
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const v = parsed.values;
    if (v.help) {
      process.stdout.write(HELP + "\n");
      return EXIT_OK;
    }
    const format = (v.format ?? "jsonl") as Format;
    if (!FORMATS.includes(format))
      throw new UsageError(`--format: expected one of ${FORMATS.join(", ")}, got '${v.format}'`);
    const mode = (v.mode ?? "merge") as Mode;
    if (!MODES.includes(mode))
      throw new UsageError(`--mode: expected merge or replace, got '${v.mode}'`);
    if (parsed.positionals.length !== 1)
      throw new UsageError("expected one input: FILE, or - for stdin");
    const file = parsed.positionals[0]!;
    const remote = remoteFrom(v);
    const size = file === "-" ? undefined : fileSize(file);
    const progress = new Progress({ label: LABEL, out: process.stderr, totalBytes: size });
    const total: Applied = { imported: 0, skipped: 0 };
    try {
      if (format === "jsonl") {
        if (file !== "-") await checkWholeFile(file);
        await importJsonl(remote, openInput(file), mode, progress, total);
      } else if (format === "lightredis") {
        const body =
          file === "-" ? await readAll(process.stdin) : await readFile(file).catch(readError(file));
        let first = true;
        for (const b of lightRedisBodies(body, HTTP_BODY_MAX_BYTES)) {
          await post(remote, "lightredis", first ? mode : "merge", b, total, (e) => e);
          first = false;
          progress.update(total.imported, progress.bytes + b.length);
        }
      } else {
        await blinkBatches(remote, openInput(file), mode, progress, total, (m, body) =>
          post(remote, "jsonl", m, body, total, (e) => e),
        );
      }
    } catch (e) {
      progress.clear();
      if (e instanceof RuntimeError) {
        const done = total.imported
          ? ` (${total.imported} keys were imported by earlier requests)`
          : " (nothing was imported)";
        throw new RuntimeError(`${e.message}${done}`);
      }
      throw e;
    }
    const skipped = total.skipped ? `, skipped ${total.skipped} expired` : "";
    progress.finish(
      `imported ${total.imported} keys${skipped} from ${file === "-" ? "stdin" : file}, ${formatBytes(progress.bytes)} ` +
        `in ${progress.elapsed().toFixed(2)} s (${Math.round(progress.rate())} keys/s)`,
    );
    return EXIT_OK;
  },
};

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (e) {
    throw new RuntimeError(
      `${LABEL}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

function readError(file: string) {
  return (e: NodeJS.ErrnoException): never => {
    throw new RuntimeError(`${LABEL}: cannot read ${file} (${e.code ?? e.message})`);
  };
}

function openInput(file: string): Readable {
  if (file === "-") return process.stdin;
  const s = createReadStream(file, { highWaterMark: END_PROBE_BYTES * 4 });
  s.on("error", () => {}); // reported by the reader
  return s;
}

async function readAll(input: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of input) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A file that starts with an export header must end with its trailer: a cut file fails up front. */
async function checkWholeFile(file: string): Promise<void> {
  const { open } = await import("node:fs/promises");
  const fh = await open(file, "r").catch(readError(file));
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, END_PROBE_BYTES));
    await fh.read(head, 0, head.length, 0);
    if (!head.toString("latin1").startsWith('{"format"')) return;
    const tail = Buffer.alloc(Math.min(size, END_PROBE_BYTES));
    await fh.read(tail, 0, tail.length, size - tail.length);
    const last = tail.toString("latin1").trimEnd().split("\n").at(-1) ?? "";
    if (!/^\{"end":true,"keys":\d+\}\r?$/.test(last)) {
      throw new RuntimeError(
        `${LABEL}: ${file} is cut short: it has an export header but no trailer line`,
      );
    }
  } finally {
    await fh.close();
  }
}

async function importJsonl(
  remote: Remote,
  input: Readable,
  mode: Mode,
  progress: Progress,
  total: Applied,
): Promise<void> {
  let sent = 0;
  let header = false;
  let lastLine = "";
  try {
    // A record past a request's usual size (a big string) goes alone: the import door reads
    // JSON lines as a stream, each up to IMPORT_LINE_MAX_BYTES.
    for await (const batch of lineBatches(input, {
      maxBytes: HTTP_BODY_MAX_BYTES,
      lineMax: IMPORT_LINE_MAX_BYTES,
      maxLines: JSONL_BATCH_LINES,
    })) {
      if (sent === 0)
        header = batch.body.subarray(0, 16).toString("latin1").startsWith('{"format"');
      lastLine = lastNonEmptyLine(batch.body) ?? lastLine;
      const relabel = (e: string) =>
        e.replace(
          /^ERR import line (\d+):/,
          (_m, n: string) => `line ${batch.firstLine + Number(n) - 1}:`,
        );
      await post(remote, "jsonl", sent === 0 ? mode : "merge", batch.body, total, relabel);
      sent++;
      progress.update(total.imported, progress.bytes + batch.body.length);
    }
  } catch (e) {
    throw inputFailure(LABEL, e);
  }
  // Replace mode empties the namespace even for an empty input.
  if (sent === 0 && mode === "replace")
    await post(remote, "jsonl", mode, Buffer.alloc(0), total, (e) => e);
  if (header && !/^\{"end":true,"keys":\d+\}\r?$/.test(lastLine)) {
    throw new RuntimeError(
      `${LABEL}: the input is cut short: it has an export header but no trailer line`,
    );
  }
}

function lastNonEmptyLine(body: Buffer): string | undefined {
  const lines = body
    .subarray(Math.max(0, body.length - 256))
    .toString("latin1")
    .split("\n");
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim() !== "") return lines[i];
  return undefined;
}

/** POSTs one body to `B/_/import`; adds its counts to `total`. */
async function post(
  remote: Remote,
  format: "jsonl" | "lightredis",
  mode: Mode,
  body: Buffer,
  total: Applied,
  relabel: (error: string) => string,
): Promise<void> {
  const res = await request(
    remote,
    `/_/import?format=${format}&mode=${mode}`,
    { method: "POST", body },
    LABEL,
  );
  if (res.status !== 200) throw new RuntimeError(`${LABEL}: ${relabel(await errorText(res))}`);
  const r = (await res.json()) as { result: { imported: number; skipped_expired: number } };
  total.imported += r.result.imported;
  total.skipped += r.result.skipped_expired;
}
