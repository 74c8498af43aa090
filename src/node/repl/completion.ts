// Tab completion: command names, subcommands (CONFIG GET, CLIENT SETNAME, …), CONFIG parameter
// names and values, and the option keywords of a command's synopsis (NX, EX, MATCH, …).
// Candidates come most-used first, so `SE` + Tab gives SET before SELECT; the REPL cycles
// through them on repeated Tabs (as redis-cli's linenoise does).

import { HELP_ENTRIES, matchingEntries } from "./command-help.ts";

/** Commands the REPL runs itself (spec: `quit` and `exit` leave, as in redis-cli). */
export const LOCAL_COMMANDS = ["HELP", "QUIT", "EXIT", "CLEAR"] as const;

// The commands people type most, offered first among the matches of a prefix.
const COMMON = [
  "GET",
  "SET",
  "DEL",
  "EXISTS",
  "EXPIRE",
  "TTL",
  "TYPE",
  "KEYS",
  "SCAN",
  "INCR",
  "MGET",
  "MSET",
  "HGET",
  "HSET",
  "HGETALL",
  "LPUSH",
  "RPUSH",
  "LRANGE",
  "SADD",
  "SMEMBERS",
  "ZADD",
  "ZRANGE",
  "INFO",
  "PING",
  "CONFIG",
  "CLIENT",
  "HELP",
];

/** CONFIG parameters (spec §10.9), the settable ones first. */
const CONFIG_PARAMS = ["maxmemory", "maxmemory-policy", "save", "appendonly", "databases"];
const SETTABLE_PARAMS = new Set(["maxmemory", "maxmemory-policy"]);
const CONFIG_VALUES: Record<string, string[]> = {
  "maxmemory-policy": ["allkeys-lru", "noeviction"],
};

/** What Tab can put in place of the word before the cursor. */
export interface Completion {
  /** Offset in the line where the word being completed starts. */
  start: number;
  /** The word as typed. */
  word: string;
  /** Replacements for the word, best first. */
  options: string[];
}

function rank(name: string): number {
  const i = COMMON.indexOf(name);
  return i < 0 ? COMMON.length : i;
}

/** Command names (upper case) that start with a prefix, most used first. */
export function commandNames(prefix: string): string[] {
  const p = prefix.toUpperCase();
  const names = new Set<string>(LOCAL_COMMANDS);
  for (const e of HELP_ENTRIES) names.add(e.words[0]!);
  return [...names]
    .filter((n) => n.startsWith(p))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

// Keywords of a synopsis: its upper-case words, e.g. NX XX GET EX PX … for SET.
function keywords(params: string): string[] {
  return [...new Set(params.match(/\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\b/g) ?? [])];
}

function candidatesFor(before: string[], word: string): string[] {
  const upper = word.toUpperCase();
  const lower = word.toLowerCase();
  if (before.length === 0) return commandNames(word);
  const cmd = before[0]!.toUpperCase();
  if (cmd === "HELP") return before.length === 1 ? commandNames(word) : [];
  // Subcommands of a container command.
  if (before.length === 1) {
    const subs = HELP_ENTRIES.filter((e) => e.words.length === 2 && e.words[0] === cmd).map(
      (e) => e.words[1]!,
    );
    if (subs.length > 0) return subs.filter((s) => s.startsWith(upper));
  }
  if (cmd === "CONFIG" && before.length >= 2) {
    const sub = before[1]!.toUpperCase();
    const position = before.length - 2; // arguments after CONFIG <sub>
    if (sub === "GET") return CONFIG_PARAMS.filter((p) => p.startsWith(lower));
    if (sub === "SET" && position % 2 === 0)
      return CONFIG_PARAMS.filter((p) => SETTABLE_PARAMS.has(p) && p.startsWith(lower));
    if (sub === "SET")
      return (CONFIG_VALUES[before.at(-1)!.toLowerCase()] ?? []).filter((v) => v.startsWith(lower));
  }
  // Option keywords only for a started word: an empty word is more likely a key or a value.
  if (word === "") return [];
  const entry = matchingEntries([...before, word])[0] ?? matchingEntries(before)[0];
  if (!entry) return [];
  return keywords(entry.params).filter((k) => !entry.words.includes(k) && k.startsWith(upper));
}

/** Follows the case of what was typed: lower-case candidates for a lower-case start. */
function inCaseOf(typed: string, candidate: string): string {
  if (/[a-z]/.test(candidate)) return candidate; // parameter names and values keep their own case
  return /^[a-z]/.test(typed) ? candidate.toLowerCase() : candidate;
}

/** The completions of the text before the cursor. Words are split on spaces (quotes are not completed). */
export function complete(lineBeforeCursor: string): Completion {
  const start = Math.max(lineBeforeCursor.lastIndexOf(" "), lineBeforeCursor.lastIndexOf("\t")) + 1;
  const word = lineBeforeCursor.slice(start);
  const before = lineBeforeCursor
    .slice(0, start)
    .split(/[ \t]+/)
    .filter(Boolean);
  const caseSource = word !== "" ? word : (before[0] ?? "");
  const options = candidatesFor(before, word).map((c) => inCaseOf(caseSource, c));
  return { start, word, options };
}
