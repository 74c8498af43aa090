// Runs Debian's redis-cli / redis-benchmark (redis-tools 7.0.15) against a port, and a real
// redis-server 7.0.15 beside our shim: the oracle of spec §15 for the Redis door over TCP.

import { spawn, spawnSync } from "node:child_process";
import type { ProcessResult } from "./shim-harness.ts";

export { RedisRaw as RedisServer } from "../../unit/support/redis-raw.ts";

/** How long one redis-cli run may take before it is killed. */
const CLI_TIMEOUT_MS = 30_000;

/** True when redis-server, redis-cli and redis-benchmark 7.0.15 are installed. */
export function redisToolsAvailable(): boolean {
  return ["redis-server", "redis-cli", "redis-benchmark"].every((tool) => {
    const r = spawnSync(tool, ["--version"], { encoding: "utf8" });
    return r.status === 0 && r.stdout.includes("7.0.15");
  });
}

/**
 * Runs a program to completion with `input` on stdin, collecting its output. A program that
 * exits without reading its stdin (redis-cli in command-line mode) is not an error.
 */
export function runTool(
  cmd: string,
  args: readonly string[],
  input: string = "",
  timeoutMs = CLI_TIMEOUT_MS,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdin.on("error", () => {});
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Runs `redis-cli -p <port> <args…>` on loopback, with `input` on stdin. */
export function redisCli(
  port: number,
  args: readonly string[],
  input = "",
  timeoutMs = CLI_TIMEOUT_MS,
): Promise<ProcessResult> {
  return runTool("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], input, timeoutMs);
}

/** Leading `1) `, `   2) 1) ` or `1# ` markers of redis-cli's formatted (--no-raw) output. */
const ITEM_MARKERS = /^\s*(?:\d+[)#~] ?\s*)+/;

/**
 * An unordered reply (spec §10.11: insertion order where Redis's order is unspecified) in a form
 * both sides agree on: its output lines without position markers, sorted.
 */
export function sortedLines(out: string): string {
  return out
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.replace(ITEM_MARKERS, ""))
    .sort()
    .join("\n");
}

/** A line-by-line diff of two outputs (first differences only), for readable failures. */
export function firstDifferences(ours: string, theirs: string, max = 10): string[] {
  const a = ours.split("\n");
  const b = theirs.split("\n");
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < max; i++) {
    if (a[i] !== b[i])
      out.push(`line ${i + 1}: ours ${JSON.stringify(a[i])} redis ${JSON.stringify(b[i])}`);
  }
  return out;
}
