// What INFO commandstats, errorstats and stats report (issue 17): calls, rejected and failed
// calls per command, error replies by their first word, the recent command rate, and the time
// spent running batches. Counted by the dispatcher; reset by CONFIG RESETSTAT.

import { asciiLower } from "./ascii.ts";
import type { CommandRecord } from "./command-record.ts";
import type { ErrorReply } from "./reply.ts";

interface PerCommand {
  calls: number;
  rejected: number;
  failed: number;
}

/** Commands Redis counts per subcommand even where our record lists none. */
const CONTAINERS = new Set([
  "acl",
  "client",
  "cluster",
  "command",
  "config",
  "function",
  "latency",
  "memory",
  "module",
  "object",
  "pubsub",
  "script",
  "slowlog",
  "xgroup",
  "xinfo",
]);
/** A subcommand name worth a counter of its own (not any argument a client sends). */
const SUBCOMMAND_RE = /^[a-z][a-z-]{0,23}$/;

/** Width of the window instantaneous_ops_per_sec is measured over (Unix ms). */
const OPS_WINDOW_MS = 1000;

export class CommandStats {
  private readonly commands = new Map<string, PerCommand>();
  private readonly errors = new Map<string, number>();
  errorReplies = 0;
  /** Milliseconds spent running batches (INFO used_cpu_user). */
  busyMs = 0;
  private windowAt = 0;
  private windowCommands = 0;
  private rate = 0;

  /** A command ran: its reply was an error or not. */
  called(spec: CommandRecord, argv: readonly string[], error: ErrorReply | null): void {
    const c = this.entry(spec, argv);
    c.calls++;
    if (error) {
      c.failed++;
      if (!error.counted) this.error(error);
    }
  }

  /** A command was refused before it ran (arity, auth, scope, sizes). */
  rejected(spec: CommandRecord | undefined, argv: readonly string[], error: ErrorReply): void {
    if (spec) this.entry(spec, argv).rejected++;
    this.error(error);
  }

  /** Counts an error reply by its code (the first word of its text, as Redis's errorstats). */
  error(e: ErrorReply): void {
    this.errorReplies++;
    const text = e.v;
    const sp = text.indexOf(" ");
    const code = sp < 0 ? text : text.slice(0, sp);
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Updates the ops/sec window with the namespace's command count at `now`. */
  tick(now: number, commands: number): void {
    const span = now - this.windowAt;
    if (span < OPS_WINDOW_MS) return;
    this.rate = span < 2 * OPS_WINDOW_MS ? ((commands - this.windowCommands) * 1000) / span : 0;
    this.windowAt = now;
    this.windowCommands = commands;
  }

  /** Commands per second over the last full window (0 when idle since). */
  opsPerSec(now: number): number {
    return now - this.windowAt < 2 * OPS_WINDOW_MS ? Math.round(this.rate) : 0;
  }

  /** `cmdstat_<name>:calls=…` lines. */
  commandLines(): string[] {
    return [...this.commands].map(
      ([name, c]) =>
        `cmdstat_${name}:calls=${c.calls},usec=0,usec_per_call=0.00,rejected_calls=${c.rejected},failed_calls=${c.failed}`,
    );
  }

  /** `errorstat_<code>:count=…` lines. */
  errorLines(): string[] {
    return [...this.errors].map(([code, n]) => `errorstat_${code}:count=${n}`);
  }

  reset(): void {
    this.commands.clear();
    this.errors.clear();
    this.errorReplies = 0;
    this.busyMs = 0;
  }

  private entry(spec: CommandRecord, argv: readonly string[]): PerCommand {
    const name = commandName(spec, argv);
    let c = this.commands.get(name);
    if (!c) this.commands.set(name, (c = { calls: 0, rejected: 0, failed: 0 }));
    return c;
  }
}

/**
 * A command's name as Redis reports it (commandstats, CLIENT LIST cmd=): container commands with
 * their subcommand (`config|get`). Only container commands look at their first argument (most
 * commands' is a key).
 */
export function commandName(spec: CommandRecord, argv: readonly string[]): string {
  const subs = spec.doc?.subcommands;
  if ((subs || CONTAINERS.has(spec.name)) && argv.length > 1) {
    const sub = asciiLower(argv[1]!);
    if (subs ? subs[sub.toUpperCase()] !== undefined : SUBCOMMAND_RE.test(sub))
      return `${spec.name}|${sub}`;
  }
  return spec.name;
}
