// Argument synopses for the REPL's hints, completion and `help`, read from the command records'
// docs (the `params` strings redis-cli 7.0 shows). A record without docs gets a synopsis made
// from its arity, so a new engine command still gets a hint.

import { COMMANDS } from "../../engine/commands/index.ts";

export interface HelpEntry {
  /** Upper-case words that name the entry: ["SET"], or ["CONFIG", "GET"] for a subcommand. */
  words: string[];
  /** The arguments after those words, as redis-cli prints them. */
  params: string;
  group: string;
}

/** A synopsis from the arity alone: `arg` per required argument, `[arg ...]` when variadic. */
function synopsisFromArity(arity: number): string {
  const required = Array(Math.abs(arity) - 1).fill("arg");
  if (arity < 0) required.push("[arg ...]");
  return required.join(" ");
}

function buildEntries(): HelpEntry[] {
  const entries: HelpEntry[] = [];
  for (const spec of COMMANDS.specs("redis")) {
    const upper = spec.name.toUpperCase();
    const doc = spec.doc;
    if (!doc) {
      entries.push({ words: [upper], params: synopsisFromArity(spec.arity), group: "other" });
      continue;
    }
    const subs = Object.entries(doc.subcommands ?? {});
    // A command with subcommands is helped by its subcommands (CONFIG GET, CLIENT LIST), as redis-cli does.
    if (!subs.length) entries.push({ words: [upper], params: doc.params ?? "", group: doc.group });
    for (const [sub, d] of subs) {
      entries.push({ words: [upper, sub], params: d.params ?? "", group: doc.group });
    }
  }
  return entries;
}

/** Every command and subcommand the REPL knows, in table order. */
export const HELP_ENTRIES: readonly HelpEntry[] = buildEntries();

/** The entries whose words are a prefix of `args` (case-insensitive), longest match first. */
export function matchingEntries(args: readonly string[]): HelpEntry[] {
  const hits = HELP_ENTRIES.filter(
    (e) =>
      e.words.length <= args.length &&
      e.words.every((w, i) => w.toLowerCase() === args[i]!.toLowerCase()),
  );
  return hits.sort((a, b) => b.words.length - a.words.length);
}
