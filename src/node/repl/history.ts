// Persistent REPL history in ~/.blink_edge_history (or $BLINK_EDGE_HISTFILE; an empty value
// turns it off), one command per line, oldest first, as redis-cli keeps ~/.rediscli_history.

import { readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Lines kept (the newest). */
export const HISTORY_MAX = 1000;
const HISTORY_FILE = ".blink_edge_history";
/** Only the user may read a file that can hold keys and values. */
const FILE_MODE = 0o600;

/** The history file to use, or null when history is off. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env.BLINK_EDGE_HISTFILE;
  if (override !== undefined) return override === "" ? null : override;
  return join(env.HOME || homedir(), HISTORY_FILE);
}

/** Lines of a history file, newest first (readline's order); [] if it is missing or unreadable. */
export function loadHistory(path: string | null): string[] {
  if (!path) return [];
  try {
    return readFileSync(path, "utf8").split("\n").filter(Boolean).slice(-HISTORY_MAX).reverse();
  } catch {
    return [];
  }
}

/** Writes readline's history (newest first) to the file, oldest first. Failures are ignored. */
export function saveHistory(path: string | null, newestFirst: readonly string[]): void {
  if (!path) return;
  try {
    const lines = newestFirst.slice(0, HISTORY_MAX).reverse();
    writeFileSync(path, lines.map((l) => l + "\n").join(""), { mode: FILE_MODE });
  } catch {
    // history is a convenience: a read-only home must not stop the REPL
  }
}

/** Lines that carry credentials and stay out of the history file (as redis-cli does for AUTH). */
export function isSensitive(args: readonly string[]): boolean {
  const cmd = (args[0] ?? "").toLowerCase();
  if (cmd === "auth") return true;
  return cmd === "hello" && args.some((a) => a.toLowerCase() === "auth");
}
