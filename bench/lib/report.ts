// Markdown output of the benchmark: tables, figures, the target verdicts and the machine line.

import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { cpus, loadavg, release } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");
/** Column headers that hold text, not figures. */
const TEXT_COLUMNS = new Set(["target", "wanted", "measured", "met", "op", "cmd", "test"]);

/** A Markdown table: figures right-aligned, the first column and any "target" column left-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string[] {
  const align = headers.map((h, i) => (i === 0 || TEXT_COLUMNS.has(h) ? "---" : "--:"));
  return [
    `| ${headers.join(" | ")} |`,
    `|${align.join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

/** An integer rate with thousands separators. */
export function rate(n: number): string {
  return Math.round(n).toLocaleString("en");
}

/** A latency in milliseconds. */
export function ms(n: number): string {
  return n < 10 ? n.toFixed(2) : n.toFixed(1);
}

/** "ours / theirs" to two decimals. */
export function ratio(ours: number, theirs: number): string {
  return theirs > 0 ? (ours / theirs).toFixed(2) : "–";
}

/** A measured rate. */
interface Measured {
  rate: number;
  p50: number;
  p99: number;
}

/** The row cells comparing ours with a reference: rate, p50 / p99, theirs, theirs, ratio. */
export function comparisonCells(ours: Measured, ref: Measured | null): string[] {
  return [
    rate(ours.rate),
    `${ms(ours.p50)} / ${ms(ours.p99)}`,
    ref ? rate(ref.rate) : "reference not available",
    ref ? `${ms(ref.p50)} / ${ms(ref.p99)}` : "–",
    ref ? ratio(ours.rate, ref.rate) : "–",
  ];
}

/** The verdict cell for a target. */
export function met(ok: boolean): string {
  return ok ? "yes" : "**no**";
}

/** CPU model and count, kernel, node, workerd and the date: the first line of every report. */
export function machineLine(): string {
  const cpu = cpus();
  const workerd = JSON.parse(readFileSync(join(ROOT, "node_modules/workerd/package.json"), "utf8"))
    .version as string;
  return `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"}, Linux ${release()}, node ${process.version}, workerd ${workerd}; ${new Date().toISOString()}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} at the start.`;
}

/** One target of the issues, with the figure measured against it. */
export interface Target {
  name: string;
  measured: string;
  target: string;
  ok: boolean;
}

/** What a section of bench/run.ts hands back: its Markdown and its targets. */
export interface SectionResult {
  lines: string[];
  targets: Target[];
}

/** What every section of bench/run.ts is given. */
export interface SectionContext {
  /** Base URL of our local Worker (Miniflare, in-memory state). */
  workerUrl: URL;
  /** Shortened cells (smoke test). */
  quick: boolean;
  /** Seconds of load per timed cell. */
  seconds: number;
  /** Progress lines (stderr). */
  progress(line: string): void;
}

/** Seconds of unrecorded load before a server's first measured cell. */
export function warmSeconds(ctx: Pick<SectionContext, "quick">): number {
  return ctx.quick ? 0.3 : 1;
}

/** Idle and total CPU ticks since boot, all cores (Linux /proc/stat). */
function cpuTicks(): { idle: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = f[3]! + (f[4] ?? 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

/**
 * Share of all cores busy over `ms` while the benchmark itself is idle: other work on the machine
 * that would disturb the next section (printed beside it, so a noisy figure can be told apart).
 */
export async function othersBusy(ms = 1000): Promise<number> {
  const a = cpuTicks();
  await sleep(ms);
  const b = cpuTicks();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}
