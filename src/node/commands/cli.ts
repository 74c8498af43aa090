// `blink-edge cli`: a redis-cli for a blink-edge Worker, over the Redis WebSocket door `B/resp`
// (spec §6.3, §10). Interactive with a terminal on stdin and no command; otherwise it runs the
// command given as arguments, or the commands on stdin, one per line.

import { DEFAULT_NAMESPACE, NAMESPACE_NAME_RE, WORKER_URL_DEFAULT } from "../../limits.ts";
import { upstreamUrl } from "../shim/upstream.ts";
import { runArgs, runLines } from "../repl/batch.ts";
import type { OutputMode } from "../repl/format.ts";
import { historyPath } from "../repl/history.ts";
import { Session } from "../repl/session.ts";
import { EXIT_OK, UsageError, parseOptions } from "./command.ts";
import type { Subcommand } from "./command.ts";

const HELP = `Usage: blink-edge cli [options] [command [arg ...]]

A redis-cli for a blink-edge Worker, over its Redis WebSocket door (B/resp).

With a terminal on stdin and no command: an interactive prompt with Tab completion (cycles
through matches), argument hints, and history in ~/.blink_edge_history (BLINK_EDGE_HISTFILE
overrides the file; empty turns it off). Leave with quit, exit or Ctrl-D.
With a command: runs it and prints the reply. Otherwise reads commands from stdin, one per line,
quoted as in redis-cli ("a b", 'c', "\\x00"); quit or exit stops reading.

Options (before the command):
  --url URL       Worker base URL, may include a namespace base /db/<name>
                  (env BLINK_EDGE_URL; default ${WORKER_URL_DEFAULT})
  -n, --db NAME   namespace (replaces any /db/<name> in the URL; default ${DEFAULT_NAMESPACE})
  --token T       bearer token (prefer env BLINK_EDGE_TOKEN: arguments are visible to other
                  local users); without one, AUTH <token> works at the prompt
  -3              speak RESP3 (sends HELLO 3 first), as redis-cli -3
  --raw           print replies raw (the default when stdout is not a terminal)
  --no-raw        print replies formatted even when stdout is not a terminal
  -h, --help      show this help

Output is byte-for-byte what redis-cli 7.0 prints for the same replies, in both modes.

Exit status: as redis-cli, 0 also when the server replies with an error (scripts can check the
output, e.g. a line starting with "(error)" or, raw, "ERR"); 1 when the Worker cannot be reached,
refuses the connection (closed with 1008 WRONGPASS for an invalid token) or closes it midway;
2 on a usage error.`;

const OPTIONS = {
  url: { type: "string" },
  db: { type: "string", short: "n" },
  token: { type: "string" },
  "3": { type: "boolean" },
  raw: { type: "boolean" },
  "no-raw": { type: "boolean" },
} as const;

/** Options that take a value (so the word after them is not the command). */
const VALUE_OPTIONS = new Set(["--url", "--db", "-n", "--token"]);

/** Splits the arguments into options and the command: options end at the first other word or `--`. */
export function splitCommandLine(args: readonly string[]): {
  options: string[];
  command: string[];
} {
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === "--") return { options: args.slice(0, i), command: args.slice(i + 1) };
    if (!a.startsWith("-") || a === "-") break;
    i += VALUE_OPTIONS.has(a) ? 2 : 1;
  }
  return { options: args.slice(0, Math.min(i, args.length)), command: args.slice(i) };
}

/** The base URL for a namespace: `/db/<name>` replaces any namespace base in the URL. */
export function namespaceUrl(url: string, db: string | undefined): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, "");
  const m = /^(.*?)\/db\/[^/]+$/.exec(path);
  const root = m ? m[1]! : path;
  if (db === undefined) return u.toString().replace(/\/+$/, "");
  u.pathname = db === DEFAULT_NAMESPACE ? root || "/" : `${root}/db/${db}`;
  return u.toString().replace(/\/+$/, "");
}

/** `<host>[/db/<name>]` for the prompt. */
export function promptBase(url: string): string {
  const u = new URL(url);
  const m = /\/db\/([^/]+)\/*$/.exec(u.pathname);
  return m ? `${u.host}/db/${m[1]}` : u.host;
}

export const cliCommand: Subcommand = {
  name: "cli",
  help: HELP,
  async run(args) {
    const { options, command } = splitCommandLine(args);
    const v = parseOptions(options, OPTIONS);
    if (v.help) {
      process.stdout.write(HELP + "\n");
      return EXIT_OK;
    }
    if (v.raw && v["no-raw"]) throw new UsageError("--raw and --no-raw are mutually exclusive");
    if (v.db !== undefined && !NAMESPACE_NAME_RE.test(v.db))
      throw new UsageError(`--db: invalid namespace name '${v.db}'`);
    let url: string;
    try {
      url = namespaceUrl(v.url ?? process.env.BLINK_EDGE_URL ?? WORKER_URL_DEFAULT, v.db);
      upstreamUrl(url, "/");
    } catch (e) {
      throw new UsageError(`--url: ${(e as Error).message}`);
    }
    const token = v.token ?? (process.env.BLINK_EDGE_TOKEN || undefined);
    // As redis-cli: formatted for a terminal, raw when stdout is a pipe or a file.
    const mode: OutputMode = v.raw ? "raw" : v["no-raw"] || process.stdout.isTTY ? "tty" : "raw";
    const interactive = command.length === 0 && process.stdin.isTTY === true;
    const session = new Session({
      url,
      token,
      resp3: v["3"] === true,
      mode,
      reconnect: interactive,
    });
    if (command.length > 0) return runArgs(session, command);
    if (!interactive) return runLines(session);
    const { runRepl } = await import("../repl/repl.ts");
    return runRepl({ session, promptBase: promptBase(url), historyFile: historyPath() });
  },
};
