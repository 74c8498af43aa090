// The resident memory of the workerd processes this Node process started (Miniflare runs the
// Worker in a child workerd): what the bounded load probes and tests watch.

import { readFileSync, readdirSync } from "node:fs";

/** Parent pid and command name of a process, or null when it is gone. */
function stat(pid: number): { ppid: number; comm: string } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = s.lastIndexOf(")");
    const comm = s.slice(s.indexOf("(") + 1, close);
    const ppid = Number(s.slice(close + 2).split(" ")[1]);
    return { ppid, comm };
  } catch {
    return null;
  }
}

/** Pids of workerd processes descended from this process. */
export function workerdPids(root = process.pid): number[] {
  const parent = new Map<number, number>();
  const names = new Map<number, string>();
  for (const d of readdirSync("/proc")) {
    const pid = Number(d);
    if (!Number.isInteger(pid)) continue;
    const st = stat(pid);
    if (!st) continue;
    parent.set(pid, st.ppid);
    names.set(pid, st.comm);
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === root) return true;
    return false;
  };
  return [...names].filter(([pid, comm]) => comm === "workerd" && descends(pid)).map(([p]) => p);
}

/** Resident bytes of those workerd processes together (Linux /proc). */
export function workerdRss(pids = workerdPids()): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // exited
    }
  }
  return total;
}
