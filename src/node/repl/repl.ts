// The interactive REPL on Node's readline: redis-cli's prompt, output, hints and Tab cycling,
// history in ~/.blink_edge_history. Ctrl-D, `quit` and `exit` leave; Ctrl-C clears a typed line
// and leaves on an empty one.

import { createInterface } from "node:readline";
import type { Interface, Key } from "node:readline";
import { complete } from "./completion.ts";
import { HELP_ENTRIES } from "./command-help.ts";
import { HINT_COLOR, hintFor } from "./hints.ts";
import { HISTORY_MAX, isSensitive, loadHistory, saveHistory } from "./history.ts";
import { LineGate } from "./line-gate.ts";
import type { Session } from "./session.ts";
import { splitLine, splitWords } from "./split.ts";

/** redis-cli prints how long a command took when it took at least this long. */
const SLOW_COMMAND_MS = 500;
const MS_PER_SECOND = 1000;
const ESC = "\x1b[";

export interface ReplOptions {
  session: Session;
  /** `<host>[/db/<name>]`, the prompt before `> `. */
  promptBase: string;
  historyFile: string | null;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WritableStream & { columns?: number };
}

interface Cycle {
  /** Text before the completed word. */
  base: string;
  word: string;
  options: string[];
  index: number;
  /** What the line before the cursor was after the last Tab. */
  shown: string;
}

const HELP_TEXT = `blink-edge cli: Redis commands for a blink-edge Worker over its Redis WebSocket door.
Type "help <command>" for a command's arguments, Tab to complete a command, "quit" to leave.
`;

/** Text of `help` and `help <command>`. */
export function helpText(args: readonly string[]): string {
  if (args.length === 0) return HELP_TEXT;
  const want = args.map((a) => a.toUpperCase());
  const hits = HELP_ENTRIES.filter((e) => want.every((w, i) => e.words[i] === w));
  if (hits.length === 0) return `No help for '${args.join(" ")}'.\n`;
  return (
    hits
      .map((e) => `\n  ${[...e.words, e.params].filter(Boolean).join(" ")}\n  group: ${e.group}\n`)
      .join("") + "\n"
  );
}

/** Runs the REPL until the user leaves; resolves with the exit status (0). */
export function runRepl(opts: ReplOptions): Promise<number> {
  const input = new LineGate(opts.input ?? process.stdin);
  const output = opts.output ?? process.stdout;
  const { session } = opts;
  const write = (text: string) => output.write(Buffer.from(text, "latin1"));
  const rl: Interface = createInterface({
    input: input as unknown as NodeJS.ReadableStream,
    output,
    // Editing, hints and completion need a terminal to draw on; piped output gets plain lines.
    terminal: (output as { isTTY?: boolean }).isTTY === true,
    history: loadHistory(opts.historyFile),
    historySize: HISTORY_MAX,
    // Tab is handled below (cycling through candidates); readline's own completion stays idle.
    completer: (line: string) => [[], line],
  });

  const prompt = () =>
    session.connected
      ? `${opts.promptBase}${session.inTransaction ? "(TX)" : ""}> `
      : "not connected> ";

  let busy = false;
  let hintShown = false;
  let cycle: Cycle | undefined;

  const replaceBeforeCursor = (text: string) => {
    rl.write(null, { ctrl: true, name: "u" });
    rl.write(text);
  };

  const onTab = () => {
    const before = rl.line.slice(0, rl.cursor);
    if (!cycle || before !== cycle.shown) {
      const c = complete(before);
      cycle = c.options.length
        ? {
            base: before.slice(0, c.start),
            word: c.word,
            options: c.options,
            index: -1,
            shown: before,
          }
        : undefined;
      if (!cycle) return;
    }
    // Past the last candidate comes the word as typed (linenoise does the same), unless only one.
    const slots = cycle.options.length === 1 ? 1 : cycle.options.length + 1;
    cycle.index = (cycle.index + 1) % slots;
    const text = cycle.base + (cycle.options[cycle.index] ?? cycle.word);
    replaceBeforeCursor(text);
    cycle.shown = text;
  };

  // Before readline sees a key: wipe a drawn hint (the cursor is still where it was drawn) and
  // handle Tab.
  const beforeKey = (_s: string | undefined, key: Key | undefined) => {
    if (hintShown) {
      output.write(`${ESC}0K`);
      hintShown = false;
    }
    if (busy) return;
    // readline turns completion off for the keys of a paste (all but the last of one chunk of
    // input) and inserts those tabs as text; a tab it will insert is not completed either.
    const pasted =
      (rl as unknown as { isCompletionEnabled?: boolean }).isCompletionEnabled === false;
    if (key?.name === "tab" && !key.ctrl && !key.meta && !pasted) onTab();
    else cycle = undefined;
  };

  // After readline handled a key: draw the hint for the line, when the cursor is at its end.
  const afterKey = () => {
    if (busy || rl.cursor !== rl.line.length) return;
    const hint = hintFor(rl.line);
    if (!hint) return;
    const room = (output.columns ?? 80) - rl.getCursorPos().cols - 1;
    if (room <= 0) return;
    const text = hint.slice(0, room);
    output.write(`${ESC}${HINT_COLOR}m${text}${ESC}0m${ESC}${text.length}D`);
    hintShown = true;
  };

  input.prependListener("keypress", beforeKey);
  input.on("keypress", afterKey);

  rl.on("history", (newestFirst: string[]) => {
    saveHistory(
      opts.historyFile,
      newestFirst.filter((l) => !isSensitive(splitWords(l) ?? [])),
    );
  });

  const run = async (line: string): Promise<boolean> => {
    const args = splitLine(line);
    if (args === null) {
      write("Invalid argument(s)\n");
      return true;
    }
    if (args.length === 0) return true;
    const words = splitWords(line)!;
    const cmd = words[0]!.toLowerCase();
    if (cmd === "quit" || cmd === "exit") return false;
    if (cmd === "help" || cmd === "?") {
      write(helpText(words.slice(1)));
      return true;
    }
    if (cmd === "clear") {
      write(`${ESC}H${ESC}2J`);
      return true;
    }
    const started = Date.now();
    try {
      const { text } = await session.run(args);
      write(text);
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return true;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= SLOW_COMMAND_MS && session.opts.mode === "tty")
      write(`(${(elapsed / MS_PER_SECOND).toFixed(2)}s)\n`);
    return true;
  };

  return new Promise((resolve) => {
    let queue = Promise.resolve();
    let closed = false;
    rl.on("close", () => {
      closed = true;
      input.off("keypress", beforeKey);
      input.off("keypress", afterKey);
      input.detach();
      queue.then(() => {
        session.close();
        resolve(0);
      });
    });
    rl.on("SIGINT", () => {
      if (rl.line.length === 0) return rl.close();
      rl.write(null, { ctrl: true, name: "e" });
      rl.write(null, { ctrl: true, name: "u" });
    });
    const showPrompt = () => {
      busy = false;
      if (closed) return;
      rl.setPrompt(prompt());
      rl.prompt(true);
      input.open();
    };
    rl.on("line", (line: string) => {
      // The gate holds the next line back until the prompt is shown again (as redis-cli reads).
      busy = true;
      queue = queue.then(async () => {
        if (closed) return;
        busy = true;
        if (!(await run(line))) return rl.close();
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
