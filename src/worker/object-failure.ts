// Failures reaching namespace objects (spec §4.2, §6.4): which are retried, and how they map to
// 503 (overloaded or reset: retry) or 500.

import type { BatchItem, Dialect } from "../engine/command.ts";
import { Flag } from "../engine/command-table.ts";
import { COMMANDS } from "../engine/commands/index.ts";

/** A failure reaching the object: 503 (overloaded/reset, retry) or 500. */
export class ObjectUnavailable extends Error {
  readonly status: 500 | 503;
  constructor(status: 500 | 503, cause: unknown) {
    super(String(cause));
    this.status = status;
  }
}

/** True when a batch may change data (so a reset object must not run it twice). */
export function batchHasWrites(dialect: Dialect, items: readonly BatchItem[]): boolean {
  return items.some((it) => {
    if (!("argv" in it)) return false;
    const spec = COMMANDS.find(dialect, it.argv[0]!);
    return !spec || (spec.flags & (Flag.WRITE | Flag.ADMIN)) !== 0 || spec.name === "exec";
  });
}

/** True for a platform failure the caller may retry once (read-only work only). */
export function isRetryable(e: unknown): boolean {
  return (e as { retryable?: boolean }).retryable === true;
}

/** The ObjectUnavailable for a failure (logged once here). */
export function classifyFailure(e: unknown): ObjectUnavailable {
  if (e instanceof ObjectUnavailable) return e;
  const x = e as { retryable?: boolean; overloaded?: boolean };
  console.error("blink-edge: namespace object failed", e);
  return new ObjectUnavailable(x.retryable || x.overloaded ? 503 : 500, e);
}
