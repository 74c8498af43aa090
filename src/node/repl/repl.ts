// The interactive REPL on Node's readline: redis-cli's prompt, output, hints and Tab cycling,
// history in ~/.blink_edge_history. Ctrl-D, `quit` and `exit` leave; Ctrl-C clears a typed line
// and leaves on an empty one.

import { createInterface } from "node:readline";
import type { Interface } from "node:readline";
import { HISTORY_MAX, isSensitive, loadHistory, saveHistory } from "./history.ts";
import { LineGate } from "./line-gate.ts";
import { attachKeys } from "./repl-keys.ts";
import { runLine } from "./repl-line.ts";
import type { Session } from "./session.ts";
import { splitWords } from "./split.ts";

export interface ReplOptions {
  session: Session;
  /** `<host>[/db/<name>]`, the prompt before `> `. */
  promptBase: string;
  historyFile: string | null;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WritableStream & { columns?: number };
}

export { helpText } from "./repl-line.ts";

/** Runs the REPL until the user leaves; resolves with the exit status (0). */
export function runRepl(opts: ReplOptions): Promise<number> {
  const input = new LineGate(opts.input ?? process.stdin);
  const output = opts.output ?? process.stdout;
  const rl = openReadline(opts, input, output);
  keepHistory(rl, opts.historyFile);
  return serveLines(opts, rl, input, output);
}

/** The readline interface over the gated input, with history loaded and Tab left to us. */
function openReadline(
  opts: ReplOptions,
  input: LineGate,
  output: NodeJS.WritableStream,
): Interface {
  return createInterface({
    input: input as unknown as NodeJS.ReadableStream,
    output,
    // Editing, hints and completion need a terminal to draw on; piped output gets plain lines.
    terminal: (output as { isTTY?: boolean }).isTTY === true,
    history: loadHistory(opts.historyFile),
    historySize: HISTORY_MAX,
    // Tab is handled by repl-keys.ts (cycling through candidates); readline's own stays idle.
    completer: (line: string) => [[], line],
  });
}

/** Saves the history on every change, without lines that carry a password (AUTH, HELLO …). */
function keepHistory(rl: Interface, historyFile: string | null): void {
  rl.on("history", (newestFirst: string[]) => {
    saveHistory(
      historyFile,
      newestFirst.filter((l) => !isSensitive(splitWords(l) ?? [])),
    );
  });
}

/** redis-cli's prompt: the server, `(TX)` inside MULTI, or that there is none. */
function promptOf(opts: ReplOptions): string {
  const { session } = opts;
  return session.connected
    ? `${opts.promptBase}${session.inTransaction ? "(TX)" : ""}> `
    : "not connected> ";
}

/** Ctrl-C: clears a typed line, leaves on an empty one. */
function clearOrLeave(rl: Interface): void {
  if (rl.line.length === 0) return rl.close();
  rl.write(null, { ctrl: true, name: "e" });
  rl.write(null, { ctrl: true, name: "u" });
}

/**
 * Connects, then runs each line in turn (the gate holds the next one back until the prompt is
 * shown again, as redis-cli reads); resolves with 0 once the interface closes and the last line
 * has run.
 */
function serveLines(
  opts: ReplOptions,
  rl: Interface,
  input: LineGate,
  output: NodeJS.WritableStream,
): Promise<number> {
  const { session } = opts;
  const write = (text: string) => output.write(Buffer.from(text, "latin1"));
  let busy = false;
  const keys = attachKeys(rl, input, output, () => busy);
  return new Promise((resolve) => {
    let queue = Promise.resolve();
    let closed = false;
    rl.on("close", () => {
      closed = true;
      keys.detach();
      input.detach();
      queue.then(() => {
        session.close();
        resolve(0);
      });
    });
    rl.on("SIGINT", () => clearOrLeave(rl));
    const showPrompt = () => {
      busy = false;
      if (closed) return;
      rl.setPrompt(promptOf(opts));
      rl.prompt(true);
      input.open();
    };
    rl.on("line", (line: string) => {
      busy = true;
      queue = queue.then(async () => {
        if (closed) return;
        busy = true;
        if (!(await runLine(session, line, write))) return rl.close();
        showPrompt();
      });
    });
    // Connect first, so the first prompt says whether there is a server.
    queue = queue.then(async () => {
      busy = true;
      try {
        await session.connect();
      } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
      }
      showPrompt();
    });
  });
}
