// Two commits' door-matrix cells in one sitting (issue 14: "no cell slower beyond noise"): the
// floor, the Worker of another worktree (--base) and this tree's Worker run side by side, and
// every round loads floor, base and ours seconds apart, swapping base and ours each round, so the
// shared machine's drift hits both alike. Prints each round (commands/s, ratio to the floor, the
// CPU its workerd process spent per command, load average), then medians per cell.
//
//   node bench/matrix-ab.ts --base /path/to/worktree [--after /path/to/worktree]
//     [--cells door:conns:depth:op,...] [--rounds 5] [--seconds 1]
//     [--prelude door:conns:depth:op,...]   (run unmeasured on both before a cell written +door:…)

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { startWorkerScript } from "../src/node/local-worker.ts";
import type { LocalWorker } from "../src/node/local-worker.ts";
import { DOORS, floorRun } from "./matrix.ts";
import type { Cell, Door, Op } from "./matrix.ts";
import type { LoadResult } from "./lib/load.ts";
import { benchWorker } from "./lib/bench-worker.ts";

/** Starts the blink-edge Worker of another worktree (its own code and wrangler.toml). */
async function workerOf(root: string): Promise<LocalWorker> {
  const mod = (await import(join(root, "bench/lib/bench-worker.ts"))) as {
    benchWorker: typeof benchWorker;
  };
  return mod.benchWorker();
}

/** workerd processes started by this one (Miniflare's). */
const children = (): Set<number> =>
  new Set(
    execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes("workerd"))
      .map((l) => Number(l.trim().split(/\s+/)[0])),
  );
/** CPU time (user + system, ms) a process has used so far (Linux /proc, in 1/100 s ticks). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const v = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return ((Number(v[11]) + Number(v[12])) * 1000) / 100;
}
/** Starts a Worker and names the workerd process it runs in. */
async function withPid(
  start: () => Promise<LocalWorker>,
): Promise<{ w: LocalWorker; pid: number }> {
  const before = children();
  const w = await start();
  const pid = [...children()].find((p) => !before.has(p));
  if (pid === undefined) throw new Error("workerd process not found");
  return { w, pid };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const la = () => loadavg()[0]!.toFixed(2);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, def: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1]! : def;
  };
  const baseRoot = opt("base", "");
  if (!baseRoot) throw new Error("--base <worktree> is required");
  const rounds = Number(opt("rounds", "5"));
  const seconds = Number(opt("seconds", "1"));
  const cells = opt("cells", "http-blink:50:16:SET").split(",");
  const { w: base, pid: basePid } = await withPid(() => workerOf(baseRoot));
  const afterRoot = opt("after", "");
  const { w: ours, pid: oursPid } = await withPid(() =>
    afterRoot ? workerOf(afterRoot) : benchWorker(),
  );
  const floor = await startWorkerScript(
    new URL("./floor/worker.ts", import.meta.url).pathname,
    {
      compatibilityDate: "2026-08-01",
      durableObjects: { FLOOR: { className: "FloorObject", useSQLite: true } },
    },
    { port: 0, persistTo: false },
  );
  const summary: string[] = [];
  // --prelude door:conns:depth:op,...: cells run on both Workers (not measured) before a measured
  // cell marked with a leading "+", as the full matrix runs other doors' cells before it.
  const prelude = opt("prelude", "")
    .split(",")
    .filter((x) => x);
  try {
    for (const raw of cells) {
      const spec = raw.replace(/^\+/, "");
      if (raw.startsWith("+"))
        for (const p of prelude) {
          const [pn, pc, pd, po] = p.split(":");
          const pdoor = DOORS.find((d) => d.name === pn)!;
          const pcell: Cell = { conns: Number(pc), depth: Number(pd), seconds };
          await pdoor.run(base.url, po as Op, pcell);
          await pdoor.run(ours.url, po as Op, pcell);
        }
      const [name, conns, depth, op] = spec.split(":");
      const door: Door | undefined = DOORS.find((d) => d.name === name);
      if (!door) throw new Error(`no door ${name}`);
      const cell: Cell = { conns: Number(conns), depth: Number(depth), seconds };
      const rb: number[] = [];
      const ra: number[] = [];
      // CPU µs of the Worker's process per command, and after/before of adjacent runs.
      const cb: number[] = [];
      const ca: number[] = [];
      const pair: number[] = [];
      const cpuPair: number[] = [];
      const loads: string[] = [];
      // Warm the floor and both objects (JIT, first rows) before measuring.
      await floorRun(floor.url, door.floor, op as Op, { ...cell, seconds: 0.5 });
      await door.run(base.url, op as Op, { ...cell, seconds: 0.5 });
      await door.run(ours.url, op as Op, { ...cell, seconds: 0.5 });
      for (let i = 0; i < rounds; i++) {
        const l0 = la();
        const f: LoadResult = await floorRun(floor.url, door.floor, op as Op, cell);
        const sides = [
          { w: base, pid: basePid, out: rb, cpu: cb, tag: "before" },
          { w: ours, pid: oursPid, out: ra, cpu: ca, tag: "after" },
        ];
        if (i % 2) sides.reverse();
        const line: string[] = [`floor ${f.rate}`];
        for (const s of sides) {
          const c0 = cpuMs(s.pid);
          const r = await door.run(s.w.url, op as Op, cell);
          const us = ((cpuMs(s.pid) - c0) * 1000) / r.commands;
          s.out.push(r.rate / f.rate);
          s.cpu.push(us);
          line.push(
            `${s.tag} ${r.rate} (${(r.rate / f.rate).toFixed(2)}, ${us.toFixed(1)} µs/cmd)`,
          );
        }
        pair.push(ra[i]! / rb[i]!);
        cpuPair.push(ca[i]! / cb[i]!);
        loads.push(l0);
        console.log(`${spec} round ${i + 1}: ${line.join(", ")}, load ${l0}`);
      }
      const fmt = (xs: number[]) =>
        `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;
      const fmt1 = (xs: number[]) =>
        `${median(xs).toFixed(1)} [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`;
      summary.push(
        `| ${name} | ${conns} | ${depth} | ${op} | ${fmt(rb)} | ${fmt(ra)} | ${fmt(pair)} | ${fmt1(cb)} | ${fmt1(ca)} | ${fmt(cpuPair)} | ${Math.min(...loads.map(Number)).toFixed(1)}–${Math.max(...loads.map(Number)).toFixed(1)} |`,
      );
    }
  } finally {
    await Promise.all([base.dispose(), ours.dispose(), floor.dispose()]);
  }
  console.log(
    [
      "",
      `${rounds} rounds of ${seconds} s, median [lowest–highest]: ratio to the floor, after/before of the same round, workerd CPU µs per command and its after/before of the same round`,
      "",
      "| door | conns | cmds/request | op | before / floor | after / floor | after / before | before µs/cmd | after µs/cmd | after / before µs | load avg (1 min) |",
      "|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|",
      ...summary,
    ].join("\n"),
  );
}

await main();
