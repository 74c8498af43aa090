// `blink-edge export`: a namespace as JSON lines (spec §13.4), as stored at the moment of the
// request (or, with --snapshot, as of the last saved snapshot), streamed from
// `GET B/_/export` to a file or stdout, with progress on stderr. A file is written under a
// temporary name and renamed once the trailer has arrived, so a cut export never looks whole.

import { createWriteStream, renameSync, rmSync } from "node:fs";
import type { Writable } from "node:stream";
import { once } from "node:events";
import { EXIT_OK, RuntimeError, UsageError, parseOptions } from "./command.ts";
import type { Subcommand } from "./command.ts";
import { Progress, formatBytes } from "./progress.ts";
import { REMOTE_HELP, REMOTE_OPTIONS, errorText, remoteFrom, request } from "./remote.ts";

const LABEL = "blink-edge export";
const LF = 0x0a;
/** Bytes of the stream's end kept to check the trailer. */
const TAIL_KEEP = 256;

const HELP = `Usage: blink-edge export [--url URL] [--db NAME] [--token T] [--snapshot] [-o FILE]

Writes a namespace as JSON lines (spec §13.4: a header, one record per key in creation order, a
trailer): everything stored at the moment of the request, a consistent point-in-time view (the
Worker takes a snapshot for it, which becomes the namespace's last save). Writes during the
export do not change it. The summary on stderr says which point in time the file holds.

Options:
${REMOTE_HELP}
  --snapshot      export the last saved snapshot instead (SAVE, BGSAVE or an earlier export;
                  one is taken now if there is none)
  --fresh         the default, kept for older scripts: what is stored now
  -o, --output F  write to file F (default: stdout); F appears only once the export is complete
  -h, --help      show this help

Progress goes to stderr: a bar on a terminal, otherwise a line a second, and a final summary
with keys, bytes and keys/s.

Exit status: 0 when the whole export (trailer included) was written; 1 when the Worker cannot be
reached or refuses (e.g. HTTP 401, NOPERM for a read-only token), or the stream was cut short;
2 on a usage error.`;

export const exportCommand: Subcommand = {
  name: "export",
  help: HELP,
  async run(args) {
    const v = parseOptions(args, {
      ...REMOTE_OPTIONS,
      fresh: { type: "boolean" },
      snapshot: { type: "boolean" },
      output: { type: "string", short: "o" },
    });
    if (v.help) {
      process.stdout.write(HELP + "\n");
      return EXIT_OK;
    }
    if (v.fresh && v.snapshot)
      throw new UsageError(`${LABEL}: --fresh and --snapshot exclude each other`);
    const remote = remoteFrom(v);
    const toFile = v.output !== undefined && v.output !== "-";
    const res = await request(remote, `/_/export${v.snapshot ? "?snapshot=1" : ""}`, {}, LABEL);
    if (res.status !== 200 || !res.body)
      throw new RuntimeError(`${LABEL}: ${await errorText(res)}`);
    const temp = toFile ? `${v.output}.partial-${process.pid}` : "";
    const out: Writable = toFile ? createWriteStream(temp) : process.stdout;
    // Records on the terminal and a bar on the same terminal would garble each other.
    const progress = new Progress({
      label: LABEL,
      out: process.stderr,
      live: toFile || !process.stdout.isTTY,
    });
    try {
      const result = await copyExport(res.body, out, progress);
      if (toFile) {
        out.end();
        await once(out, "finish");
        renameSync(temp, v.output!);
      } else {
        // stdout to a pipe is asynchronous: the caller exits the process when we return, which
        // would drop what is still buffered (a cut file at the other end of `| blink-edge import`).
        await new Promise<void>((resolve, reject) =>
          out.write(new Uint8Array(0), (e) => (e ? reject(e) : resolve())),
        );
      }
      const view =
        res.headers.get("Blink-Edge-Export") === "saved"
          ? "the last saved snapshot"
          : "this request";
      progress.finish(
        `${result.keys} keys, ${formatBytes(progress.bytes)} in ${progress.elapsed().toFixed(2)} s ` +
          `(${Math.round(progress.rate())} keys/s)${toFile ? ` to ${v.output}` : ""}; ` +
          `data as stored at ${new Date(result.at).toISOString()} (${view})`,
      );
      return EXIT_OK;
    } catch (e) {
      progress.clear();
      if (toFile) {
        out.destroy();
        rmSync(temp, { force: true });
      }
      throw e instanceof RuntimeError ? e : new RuntimeError(`${LABEL}: ${(e as Error).message}`);
    }
  },
};

/** Copies the stream with backpressure, counting lines; checks the header and the trailer. */
async function copyExport(
  body: ReadableStream<Uint8Array>,
  out: Writable,
  progress: Progress,
): Promise<{ keys: number; at: number }> {
  let lines = 0;
  let headerText = "";
  let headerKeys = -1;
  let at = 0;
  let tail: Uint8Array = new Uint8Array(0);
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) {
      if (headerKeys < 0) {
        const nl = chunk.indexOf(LF);
        headerText += decoder.decode(nl < 0 ? chunk : chunk.subarray(0, nl), { stream: nl < 0 });
        if (nl >= 0) {
          ({ keys: headerKeys, at } = headerOf(headerText));
          progress.setTotalKeys(headerKeys);
        }
      }
      for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) lines++;
      tail = keepTail(tail, chunk);
      if (!out.write(chunk)) await once(out, "drain");
      progress.update(Math.max(0, lines - 1), progress.bytes + chunk.length);
    }
  } catch (e) {
    throw new RuntimeError(
      `${LABEL}: the export was cut short after ${Math.max(0, lines - 1)} records (${(e as Error).message})`,
    );
  }
  const trailer = new TextDecoder().decode(tail).split("\n").at(-2) ?? "";
  if (
    headerKeys < 0 ||
    trailer !== `{"end":true,"keys":${headerKeys}}` ||
    lines !== headerKeys + 2
  ) {
    throw new RuntimeError(
      `${LABEL}: the export was cut short after ${Math.max(0, lines - 1)} records (no trailer)`,
    );
  }
  return { keys: headerKeys, at };
}

/** The header's key count and snapshot time (Unix ms). */
function headerOf(line: string): { keys: number; at: number } {
  try {
    const h = JSON.parse(line) as { format?: string; keys?: number; snapshot_at?: number };
    if (h.format === "blink-edge-export" && Number.isInteger(h.keys))
      return { keys: h.keys!, at: h.snapshot_at ?? 0 };
  } catch {
    // fall through
  }
  throw new RuntimeError(`${LABEL}: the Worker did not send an export header`);
}

function keepTail(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.length >= TAIL_KEEP) return chunk.slice(chunk.length - TAIL_KEEP);
  const joined = new Uint8Array(tail.length + chunk.length);
  joined.set(tail);
  joined.set(chunk, tail.length);
  return joined.slice(Math.max(0, joined.length - TAIL_KEEP));
}
