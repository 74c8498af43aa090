// docs/compatibility.md, generated from the command records (engine/command-table.ts) and the
// list of Redis 7.0's commands, so the page cannot drift from the code: every Redis 7.0 command
// with its status here, then the commands blink-edge serves beyond Redis 7.0.

import { COMMANDS } from "../../engine/commands/index.ts";
import type { CommandSpec } from "../../engine/command-table.ts";
import { REDIS_7_COMMANDS } from "../../engine/redis-7-commands.ts";

/** Redis commands blink-edge will not serve, and why (a user's question answered in one line). */
export const REFUSED: Readonly<Record<string, string>> = {
  replicaof: "replication: a namespace is one Durable Object; the platform keeps its storage durable",
  slaveof: "replication (see REPLICAOF)",
  sync: "replication (see REPLICAOF)",
  psync: "replication (see REPLICAOF)",
  replconf: "replication (see REPLICAOF)",
  failover: "replication (see REPLICAOF)",
  module: "modules load native code; JSON is built in instead",
  migrate: "moves keys between servers; use export/import (README)",
  bgrewriteaof: "no append-only file: every write is committed to SQLite before its reply",
  shutdown: "the platform runs and stops the object",
  monitor: "would stream every command of every client out of the object",
  acl: "access is by token (README, Authentication)",
  latency: "the platform measures latency (Workers analytics)",
  slowlog: "the platform measures latency (Workers analytics)",
};

/** Title-case status words of the page. */
type Status = "supported" | "partial" | "refused" | "not yet";

function statusOf(name: string): [Status, string] {
  const spec: CommandSpec | undefined = COMMANDS.lookup("redis", name);
  if (spec) return spec.doc?.differs ? ["partial", spec.doc.differs] : ["supported", ""];
  const why = REFUSED[name];
  if (why) return ["refused", why];
  return ["not yet", ""];
}

/** The whole page, as committed in docs/compatibility.md. */
export function compatibilityPage(suiteTable = ""): string {
  const out: string[] = [];
  const counts: Record<Status, number> = { supported: 0, partial: 0, refused: 0, "not yet": 0 };
  const rows: string[] = [];
  for (const [group, names] of Object.entries(REDIS_7_COMMANDS)) {
    for (const name of names) {
      const [status, note] = statusOf(name);
      counts[status]++;
      rows.push(`| ${group} | \`${name.toUpperCase()}\` | ${status} | ${note} |`);
    }
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  out.push(
    "# Redis compatibility",
    "",
    "Generated from the command records by `npm run docs` (src/node/docs/compatibility.ts); a test",
    "fails when this page and the code disagree. Replies are compared with redis-server 7.0.15 in",
    "the oracle tests (test/unit/*oracle*) and by Redis's own test suite (below).",
    "",
    `Of Redis 7.0's ${total} commands: ${counts.supported} supported, ${counts.partial} partial, ` +
      `${counts.refused} refused, ${counts["not yet"]} not yet served.`,
    "",
  );
  if (suiteTable) out.push("## Redis's own test suite", "", suiteTable.trim(), "");
  out.push("## Redis 7.0 commands", "", "| group | command | status | note |", "|---|---|---|---|");
  out.push(...rows, "");
  const redis7 = new Set(Object.values(REDIS_7_COMMANDS).flat());
  const extra = COMMANDS.specs("redis").filter((s) => !redis7.has(s.name));
  if (extra.length) {
    out.push(
      "## Beyond Redis 7.0",
      "",
      "| group | command | since | summary |",
      "|---|---|---|---|",
      ...extra.map(
        (s) =>
          `| ${s.doc?.group ?? ""} | \`${s.name.toUpperCase()}\` | ${s.doc?.since ?? ""} | ${s.doc?.summary ?? ""} |`,
      ),
      "",
    );
  }
  return out.join("\n");
}
