// Sending a batch to a namespace object and mapping platform failures (spec §4.2, §6.4).

import type { BatchItem, Dialect } from "../../engine/command.ts";
import { COMMANDS } from "../../engine/commands/index.ts";
import { Flag } from "../../engine/command-table.ts";
import type { Reply } from "../../engine/reply.ts";
import type { Env } from "../env.ts";
import { objectFor } from "../shard-map.ts";

/** A failure reaching the object: 503 (overloaded/reset, retry) or 500. */
export class ObjectUnavailable extends Error {
  readonly status: 500 | 503;
  constructor(status: 500 | 503, cause: unknown) {
    super(String(cause));
    this.status = status;
  }
}

function hasWrites(dialect: Dialect, items: readonly BatchItem[]): boolean {
  return items.some((it) => {
    if (!("argv" in it)) return false;
    const spec = COMMANDS.lookup(dialect, it.argv[0]!.toLowerCase());
    return !spec || (spec.flags & (Flag.WRITE | Flag.ADMIN)) !== 0 || spec.name === "exec";
  });
}

/** Runs a batch on the namespace's object; retries once a read-only batch the platform reset. */
export async function runOnObject(
  env: Env,
  namespace: string,
  dialect: Dialect,
  items: BatchItem[],
  readonly: boolean,
): Promise<Reply[]> {
  const attempt = () => objectFor(env, namespace).run({ namespace, dialect, items, readonly });
  try {
    return await attempt();
  } catch (e) {
    const retryable = (e as { retryable?: boolean }).retryable === true;
    if (retryable && !hasWrites(dialect, items)) {
      try {
        return await attempt();
      } catch (e2) {
        throw classify(e2);
      }
    }
    throw classify(e);
  }
}

function classify(e: unknown): ObjectUnavailable {
  const x = e as { retryable?: boolean; overloaded?: boolean };
  console.error("blink-edge: namespace object failed", e);
  return new ObjectUnavailable(x.retryable || x.overloaded ? 503 : 500, e);
}
