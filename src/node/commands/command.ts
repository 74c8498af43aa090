// What every `blink-edge` subcommand provides, and the helpers they share.

import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";

/** Exit statuses scripts can rely on. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface Subcommand {
  name: string;
  /** Full `--help` text. */
  help: string;
  /** Runs with the arguments after the subcommand name; resolves with the exit status. */
  run(args: string[]): Promise<number>;
}

/** A mistake in the command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure worth one line without a stack trace (e.g. a port in use): exit status 1. */
export class RuntimeError extends Error {
  override name = "RuntimeError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Strict option parsing; unknown options and stray arguments are usage errors. */
export function parseOptions<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

export interface SignalGate {
  /** Runs `stop` at the first SIGINT/SIGTERM (at once if one came already); resolves EXIT_OK. */
  until(stop: () => Promise<void>): Promise<number>;
  /** Removes SIGINT/SIGTERM listeners added by others since arming (Miniflare's exit with 130). */
  claim(): void;
}

/**
 * Takes SIGINT and SIGTERM before anything starts, so a signal right after the ready lines still
 * stops cleanly with status 0 (spec §12.1). A second signal during a slow stop exits at once.
 */
export function armSignals(): SignalGate {
  let signaled = false;
  let stopping = false;
  let onStop: (() => void) | undefined;
  const handler = () => {
    if (stopping) process.exit(EXIT_OK);
    signaled = true;
    onStop?.();
  };
  for (const sig of STOP_SIGNALS) process.on(sig, handler);
  return {
    until(stop) {
      return new Promise((resolve) => {
        onStop = () => {
          stopping = true;
          stop().then(
            () => resolve(EXIT_OK),
            (e: unknown) => {
              process.stderr.write(`blink-edge: error while stopping: ${(e as Error).message}\n`);
              resolve(EXIT_OK);
            },
          );
        };
        if (signaled) onStop();
      });
    },
    claim() {
      for (const sig of STOP_SIGNALS) {
        for (const l of process.listeners(sig))
          if (l !== handler) process.off(sig, l as () => void);
      }
    },
  };
}
