// `blink-edge export`: a namespace's retained snapshot as JSON lines (spec §13.4), streamed from
// `GET B/_/export` to a file or stdout, with progress on stderr. A file is written under a
// temporary name and renamed once the trailer has arrived, so a cut export never looks whole.

import { createWriteStream, renameSync, rmSync } from "node:fs";
import type { Writable } from "node:stream";
import { once } from "node:events";
import { EXIT_OK, RuntimeError, parseOptions } from "./command.ts";
import type { Subcommand } from "./command.ts";
import { Progress, formatBytes } from "./progress.ts";
import { REMOTE_HELP, REMOTE_OPTIONS, errorText, remoteFrom, request } from "./remote.ts";

const LABEL = "blink-edge export";
const LF = 0x0a;
/** Bytes of the stream's end kept to check the trailer. */
const TAIL_KEEP = 256;

const HELP = `Usage: blink-edge export [--url URL] [--db NAME] [--token T] [--fresh] [-o FILE]

Writes a namespace as JSON lines (spec §13.4: a header, one record per key in creation order, a
trailer) from the Worker's retained snapshot; the Worker takes one first if it has none. Writes
during the export do not change it.

Options:
${REMOTE_HELP}
  --fresh         take a new snapshot first (otherwise the retained one is exported)
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
      output: { type: "string", short: "o" },
    });
    if (v.help) {
      process.stdout.write(HELP + "\n");
      return EXIT_OK;
    }
    const remote = remoteFrom(v);
    const toFile = v.output !== undefined && v.output !== "-";
    const res = await request(remote, `/_/export${v.fresh ? "?fresh=1" : ""}`, {}, LABEL);
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
      progress.finish(
        `${result.keys} keys, ${formatBytes(progress.bytes)} in ${progress.elapsed().toFixed(2)} s ` +
          `(${Math.round(progress.rate())} keys/s)${toFile ? ` to ${v.output}` : ""}`,
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
): Promise<{ keys: number }> {
  let lines = 0;
  let headerText = "";
  let headerKeys = -1;
  let tail: Uint8Array = new Uint8Array(0);
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) {
      if (headerKeys < 0) {
        const nl = chunk.indexOf(LF);
        headerText += decoder.decode(nl < 0 ? chunk : chunk.subarray(0, nl), { stream: nl < 0 });
        if (nl >= 0) {
          headerKeys = headerCount(headerText);
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
  return { keys: headerKeys };
}

function headerCount(line: string): number {
  try {
    const h = JSON.parse(line) as { format?: string; keys?: number };
    if (h.format === "blink-edge-export" && Number.isInteger(h.keys)) return h.keys!;
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
