// Section 5 of bench/run.ts: the engine, memory and cold-load benchmarks, each run as a child
// process (memory with --expose-gc) and its printed tables included as they are.

import { spawn } from "node:child_process";
import { join } from "node:path";
import { track } from "./processes.ts";
import type { SectionContext, SectionResult, Target } from "./report.ts";

/** Issue 8 item 5: memory per key beyond key and value, bytes. */
const BYTES_PER_KEY_TARGET = 100;
/** Issue 8 item 5: SET cost at 1k vs 1M keys flat within this many percent. */
const SET_COST_FLAT_PERCENT = 10;
/** Issue 8 item 5: cold load of 100k keys, ms. */
const COLD_LOAD_TARGET_MS = 1000;

interface Script {
  title: string;
  file: string;
  nodeArgs: string[];
  args: string[];
  quickArgs: string[];
}

const SCRIPTS: Script[] = [
  {
    title: "Engine (in-process, beside a bare Map)",
    file: "engine.ts",
    nodeArgs: [],
    args: [],
    quickArgs: ["--keys", "20000", "--ops", "60000"],
  },
  {
    title: "Memory and cost growth",
    file: "memory.ts",
    nodeArgs: ["--expose-gc"],
    args: [],
    quickArgs: ["--keys", "50000"],
  },
  {
    title: "Cold load after a restart",
    file: "cold-load.ts",
    nodeArgs: [],
    args: [],
    quickArgs: ["--keys", "10000"],
  },
];

/** Runs one script with this process's node; resolves with its stdout (rejects on a non-zero exit). */
function runScript(s: Script, quick: boolean): Promise<string> {
  const args = [
    ...s.nodeArgs,
    "--no-warnings",
    join(import.meta.dirname, "..", s.file),
    ...(quick ? s.quickArgs : s.args),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  track(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${s.file} exited ${code}: ${err.trim()}`)),
    ),
  );
}

/** A blank line between prose and a table, so every renderer sees the table. */
function separateTables(text: string): string {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const prev = out[out.length - 1];
    if (
      prev !== undefined &&
      prev !== "" &&
      prev.startsWith("|") !== line.startsWith("|") &&
      line !== ""
    )
      out.push("");
    out.push(line);
  }
  return out.join("\n");
}

/** The cells of the first table row whose first cell contains `label`. */
function rowCells(text: string, label: string): string[] | null {
  const line = text.split("\n").find((l) => l.startsWith("|") && l.split("|")[1]?.includes(label));
  return line
    ? line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim())
    : null;
}

/** The issue 8 targets read from the scripts' tables (left out where a table is missing). */
function targetsOf(file: string, text: string): Target[] {
  const out: Target[] = [];
  if (file === "memory.ts") {
    const bytes = rowCells(text, "engine inside workerd");
    if (bytes) {
      const n = Number(bytes[1]);
      out.push({
        name: "memory per key beyond key and value, inside workerd",
        measured: `${n} bytes`,
        target: `≤ ${BYTES_PER_KEY_TARGET} bytes`,
        ok: n <= BYTES_PER_KEY_TARGET,
      });
    }
    const cost = rowCells(text, "through the Redis WebSocket door");
    if (cost) {
      const change = Number(cost[3]!.replace("%", "").trim());
      out.push({
        name: "SET cost through the door, 1k vs 1M keys in the store",
        measured: `${cost[1]} vs ${cost[2]} SET/s (${cost[3]})`,
        target: `within ±${SET_COST_FLAT_PERCENT} %`,
        ok: Math.abs(change) <= SET_COST_FLAT_PERCENT,
      });
    }
  }
  if (file === "cold-load.ts") {
    const keys = /cold load of (\d+) keys/.exec(text)?.[1];
    const firsts = text
      .split("\n")
      .filter((l) => /^\| \d+ \|/.test(l))
      .map((l) => Number(l.split("|")[2]));
    if (keys && firsts.length) {
      const worst = Math.max(...firsts);
      out.push({
        name: `cold load of ${keys} keys (first request after a restart, worst of ${firsts.length})`,
        measured: `${worst} ms`,
        target: `< ${COLD_LOAD_TARGET_MS} ms (100k keys)`,
        ok: worst < COLD_LOAD_TARGET_MS,
      });
    }
  }
  return out;
}

/** Runs the three scripts one after another; a failing one is reported in place of its tables. */
export async function scriptsSection(
  ctx: Pick<SectionContext, "quick" | "progress">,
): Promise<SectionResult> {
  const lines: string[] = [];
  const targets: Target[] = [];
  for (const s of SCRIPTS) {
    const cmd =
      `node ${s.nodeArgs.join(" ")} bench/${s.file} ${(ctx.quick ? s.quickArgs : s.args).join(" ")}`
        .replace(/\s+/g, " ")
        .trim();
    ctx.progress(`running ${cmd}`);
    let text: string;
    try {
      text = separateTables((await runScript(s, ctx.quick)).trimEnd());
      targets.push(...targetsOf(s.file, text));
    } catch (e) {
      text = `failed: ${(e as Error).message}`;
    }
    lines.push(`### ${s.title}`, "", `\`${cmd}\``, "", text, "");
  }
  return { lines, targets };
}
