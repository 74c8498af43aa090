// One line typed at the REPL: the REPL's own words (quit, help, clear), or a command sent
// through the session with its reply printed as redis-cli prints it.

import { HELP_ENTRIES } from "./command-help.ts";
import type { Session } from "./session.ts";
import { splitLine, splitWords } from "./split.ts";

/** redis-cli prints how long a command took when it took at least this long. */
const SLOW_COMMAND_MS = 500;
const MS_PER_SECOND = 1000;
const ESC = "\x1b[";

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

/** Runs a line; false when it asks to leave. */
export async function runLine(
  session: Session,
  line: string,
  write: (text: string) => void,
): Promise<boolean> {
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
}
