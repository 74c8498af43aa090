// A Blink-Store dump (`SET key value` lines, spec §7.2) imported through the Blink HTTP door
// `POST B/blink` in batches: blank lines are skipped, any other verb is refused before its batch
// is sent, and each reply line is checked (`OK`), so a failed line is reported by number.

import type { Readable } from "node:stream";
import { HTTP_BODY_MAX_BYTES } from "../../limits.ts";
import { isBlinkSpace, parseBlinkLine } from "../../protocols/blink.ts";
import { RuntimeError } from "./command.ts";
import { inputFailure, lineBatches } from "./line-batches.ts";
import type { Progress } from "./progress.ts";
import { errorText, request } from "./remote.ts";
import type { Remote } from "./remote.ts";

const LABEL = "blink-edge import";
/** SET lines per request. */
const BLINK_BATCH_LINES = 10_000;
/** Failed lines quoted in the final error. */
const ERRORS_SHOWN = 10;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Sends the SET lines; `postJsonl` empties the namespace first in replace mode. */
export async function blinkBatches(
  remote: Remote,
  input: Readable,
  mode: "merge" | "replace",
  progress: Progress,
  total: { imported: number },
  postJsonl: (mode: "replace", body: Buffer) => Promise<void>,
): Promise<void> {
  if (mode === "replace") await postJsonl("replace", Buffer.alloc(0));
  const failures: string[] = [];
  let failed = 0;
  try {
    for await (const batch of lineBatches(input, {
      maxBytes: HTTP_BODY_MAX_BYTES,
      maxLines: BLINK_BATCH_LINES,
    })) {
      const { lines, numbers } = setLines(batch.body, batch.firstLine);
      if (lines.length > 0) {
        const res = await request(
          remote,
          "/blink",
          { method: "POST", body: lines.join("\n"), headers: { "Content-Type": "text/plain" } },
          LABEL,
        );
        if (res.status !== 200) throw new RuntimeError(`${LABEL}: ${await errorText(res)}`);
        const replies = (await res.text()).split("\n");
        for (let i = 0; i < lines.length; i++) {
          const reply = replies[i];
          if (reply === "OK") total.imported++;
          else {
            failed++;
            if (failures.length < ERRORS_SHOWN)
              failures.push(`line ${numbers[i]}: ${reply ?? "no reply"}`);
          }
        }
      }
      progress.update(total.imported, progress.bytes + batch.body.length);
    }
  } catch (e) {
    throw inputFailure(LABEL, e);
  }
  if (failed > 0) {
    throw new RuntimeError(
      `${LABEL}: ${failed} lines failed, ${total.imported} keys were imported:\n  ${failures.join("\n  ")}`,
    );
  }
}

/** The batch's SET lines and their input line numbers; anything else but blank lines is refused. */
function setLines(body: Buffer, firstLine: number): { lines: string[]; numbers: number[] } {
  const lines: string[] = [];
  const numbers: number[] = [];
  let n = firstLine;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    let line: string;
    try {
      line = fatalUtf8.decode(body.subarray(start, end));
    } catch {
      throw new RuntimeError(`${LABEL}: line ${n}: not valid UTF-8`);
    }
    if (!isBlank(line)) {
      const cmd = parseBlinkLine(line);
      if (cmd === "quit" || !("argv" in cmd) || cmd.argv[0]!.toUpperCase() !== "SET") {
        throw new RuntimeError(`${LABEL}: line ${n}: expected 'SET key value'`);
      }
      lines.push(line);
      numbers.push(n);
    }
    n++;
    start = end + 1;
  }
  return { lines, numbers };
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (!isBlinkSpace(line.charCodeAt(i))) return false;
  return true;
}
