// The whole benchmark in one run (issues 3, 4 and 8): every figure beside its reference, measured
// on this machine one load at a time, printed as Markdown and written to --out.
//
//   npm run bench -- [--quick] [--out bench/results/<date>.md] [--blink-store PATH] [--light-redis DIR]
//                    [--only matrix,redis,blink,light-redis,scripts]
//
// --help prints how to provide the reference servers.

import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import type { LocalWorker } from "../src/node/local-worker.ts";
import { blinkSection } from "./lib/blink-section.ts";
import { lightRedisSection } from "./lib/light-redis-section.ts";
import { redisSection } from "./lib/redis-section.ts";
import { REFERENCE_HELP, pathOption } from "./lib/references.ts";
import { machineLine, met, othersBusy, rate, table } from "./lib/report.ts";
import type { SectionContext, SectionResult, Target } from "./lib/report.ts";
import { scriptsSection } from "./lib/scripts-section.ts";
import { FLOOR_RATIO_TARGET, runMatrix } from "./matrix.ts";
import type { MatrixRow } from "./matrix.ts";
import { benchWorker } from "./lib/bench-worker.ts";

const USAGE = `usage: node bench/run.ts [--quick] [--out FILE.md] [--blink-store PATH] [--light-redis DIR] [--only SECTIONS]
  --quick        short cells (a smoke test of the whole run, ~2 minutes); the full run takes ~6 minutes
  --out FILE     also write the Markdown report there (e.g. bench/results/$(date +%F).md)
  --only LIST    some of: matrix,redis,blink,light-redis,scripts (default: all, in that order)

${REFERENCE_HELP}`;

/** Seconds per matrix cell (bench/matrix.ts's own default) and per cell against a reference. */
const MATRIX_SECONDS = 3;
const REFERENCE_SECONDS = 5;
const QUICK_SECONDS = 0.5;
/** Before each section: wait for other work to use at most this share of the CPU, at most this long. */
const QUIET_MAX = 0.1;
const QUIET_WAIT_MS = 120_000;
const SECTIONS = ["matrix", "redis", "blink", "light-redis", "scripts"] as const;
type SectionName = (typeof SECTIONS)[number];
const TITLES: Record<SectionName, string> = {
  matrix: "1. Door matrix against the floor",
  redis: "2. Redis: redis-benchmark through the shim and against redis-server",
  blink: "3. Blink over TCP: the shim against the original Blink-Store",
  "light-redis": "4. Light-Redis over HTTP: our Worker against the original Flask server",
  scripts: "5. Engine, memory and cold load",
};

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const quick = args.includes("--quick");
const outFile = pathOption(args, "out", "BENCH_OUT");
const only = (pathOption(args, "only", "BENCH_ONLY") ?? SECTIONS.join(",")).split(",");
const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknown.length) {
  console.error(`unknown section(s) ${unknown.join(", ")}\n${USAGE}`);
  process.exit(2);
}
const blinkStore = pathOption(args, "blink-store", "BLINK_STORE_BIN");
const lightRedis = pathOption(args, "light-redis", "LIGHT_REDIS_DIR");
const seconds = quick ? QUICK_SECONDS : REFERENCE_SECONDS;
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Our Worker for sections 2-4: Miniflare directly (as `npm start`), in-memory state. */
const started: { worker: LocalWorker | null } = { worker: null };
async function ourWorker(): Promise<URL> {
  started.worker ??= await benchWorker();
  return started.worker.url;
}

async function runSection(name: SectionName): Promise<SectionResult> {
  if (name === "matrix") {
    const m = await runMatrix({ seconds: quick ? QUICK_SECONDS : MATRIX_SECONDS, progress });
    return { lines: m.lines, targets: matrixTargets(m.rows) };
  }
  if (name === "scripts") return scriptsSection({ quick, progress });
  const ctx: SectionContext = { workerUrl: await ourWorker(), quick, seconds, progress };
  if (name === "redis") return redisSection(ctx);
  if (name === "blink") return blinkSection(ctx, blinkStore);
  return lightRedisSection(ctx, lightRedis);
}

/** The matrix's targets for the summary: the /pipeline rows, and the floor ratios as one line. */
function matrixTargets(rows: MatrixRow[]): Target[] {
  const out: Target[] = [];
  const vsFloor = rows.filter((r) => r.target === undefined);
  const below = vsFloor
    .filter((r) => !r.ok)
    .map((r) => ({
      cell: `${r.door} ${r.conns}×${r.depth} ${r.op}`,
      share: r.ours.rate / r.floor.rate,
    }));
  if (vsFloor.length) {
    below.sort((a, b) => a.share - b.share);
    const lowest = below
      .slice(0, 3)
      .map((b) => `${b.cell} ${b.share.toFixed(2)}`)
      .join(", ");
    const measured = `${vsFloor.length - below.length} of ${vsFloor.length} cells${below.length ? ` (lowest: ${lowest})` : ""}`;
    out.push({
      name: "every door against the floor (matrix)",
      measured,
      target: `ratio ≥ ${FLOOR_RATIO_TARGET} in every cell`,
      ok: below.length === 0,
    });
  }
  for (const r of rows.filter((x) => x.target !== undefined))
    out.push({
      name: `${r.door} ${r.op}, ${r.conns} conns × ${r.depth} cmds/request`,
      measured: `${rate(r.ours.rate)} cmd/s`,
      target: `≥ ${rate(r.target!)} cmd/s`,
      ok: r.ok,
    });
  return out;
}

/**
 * Waits (full runs only, up to QUIET_WAIT_MS) until other work on the machine leaves the cores
 * nearly idle; returns the last share seen, for the report.
 */
async function quietEnough(): Promise<string> {
  const deadline = performance.now() + (quick ? 0 : QUIET_WAIT_MS);
  let busy = await othersBusy();
  while (busy > QUIET_MAX && performance.now() < deadline) {
    progress(`other work keeps ${(busy * 100).toFixed(0)} % of the CPU busy; waiting`);
    busy = await othersBusy();
  }
  return `${(busy * 100).toFixed(0)} %`;
}

const report: string[] = [
  "# blink-edge benchmark",
  "",
  machineLine(),
  "",
  `\`node bench/run.ts ${args.join(" ")}\`${quick ? " (quick: shortened cells, a smoke test; not for quoting)" : ""}. One load at a time; the load generators run in this process, every server (workerd, the shim, the references) in its own. Our Worker and the floor run on Miniflare directly with state kept in memory (no state folder; SQLite is still written per batch).`,
  "",
];
const targets: Target[] = [];
const t0 = performance.now();
try {
  for (const name of SECTIONS.filter((s) => only.includes(s))) {
    progress(`section ${TITLES[name]}`);
    report.push(
      `## ${TITLES[name]}`,
      "",
      `CPU busy with other work just before this section: ${await quietEnough()}.`,
      "",
    );
    try {
      const r = await runSection(name);
      report.push(...r.lines, "");
      targets.push(...r.targets);
    } catch (e) {
      progress(`section ${name} failed: ${(e as Error).stack ?? e}`);
      report.push(`Failed: ${(e as Error).message}`, "");
    }
  }
} finally {
  await started.worker?.dispose();
}
if (targets.length) {
  report.push(
    "## Targets",
    "",
    ...table(
      ["target", "measured", "wanted", "met"],
      targets.map((t) => [t.name, t.measured, t.target, met(t.ok)]),
    ),
    "",
  );
}
report.push(
  `Total time ${((performance.now() - t0) / 60_000).toFixed(1)} min; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} at the end.`,
);
const text = report.join("\n") + "\n";
console.log(text);
if (outFile) {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  progress(`written to ${outFile}`);
}
