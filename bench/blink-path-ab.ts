// The namespace object's part of an HTTP Blink request, in-process, for two worktrees side by
// side (issue 14): planBlink, Engine.run, finishBounded and, every `group` requests, the commit's
// writeChanges on node:sqlite (test/unit/support/fake-sql.ts). Trials alternate the trees; prints
// µs per command (lowest and median trial) and the SQL statements one commit issues. Leaves out
// workerd's part (HTTP, the Worker, RPC, the output gate), which bench/matrix-ab.ts measures.
//
//   node bench/blink-path-ab.ts --base /path/to/worktree [--after /path/to/worktree]
//                               [--depth 16] [--group 8] [--op SET|GET]

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface Sql {
  exec(q: string, ...b: unknown[]): unknown;
}
interface Plan {
  dialect: string;
  items: unknown[];
}
/** What this script needs of a tree's modules (their signatures moved little between commits). */
interface Tree {
  name: string;
  step(n: number): void;
  /** SQL statement texts (first 80 characters) and counts since the last call. */
  statements(): Map<string, number>;
}

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const depth = Number(opt("depth", "16"));
const group = Number(opt("group", "8"));
const op = opt("op", "SET");
const REQUESTS = 4000;
const TRIALS = 40;
const WARM_TRIALS = 4;

async function load(root: string): Promise<Tree> {
  const mod = (p: string) => import(join(root, p)) as Promise<Record<string, never>>;
  const { Engine, NULL_HOST } = (await mod("src/engine/engine.ts")) as Record<string, never>;
  const { COMMANDS } = await mod("src/engine/commands/index.ts");
  const { newConn } = (await mod("src/engine/conn-state.ts")) as Record<
    string,
    (id: number, o: object) => unknown
  >;
  const { Persistence } = await mod("src/worker/persistence.ts");
  const { FakeSql } = await mod("test/unit/support/fake-sql.ts");
  const { planBlink } = (await mod("src/worker/doors/blink-http.ts")) as Record<
    string,
    (r: object) => Plan
  >;
  const { finishBounded } = (await mod("src/worker/doors/door.ts")) as Record<
    string,
    (p: Plan, r: unknown[]) => unknown
  >;
  const { REPLY_MAX_BYTES } = (await mod("src/limits.ts")) as Record<string, number>;
  const sql = new (FakeSql as new () => Sql)();
  const counts = new Map<string, number>();
  const exec = sql.exec.bind(sql);
  sql.exec = (q, ...b) => {
    const k = q.slice(0, 80);
    counts.set(k, (counts.get(k) ?? 0) + 1);
    return exec(q, ...b);
  };
  const p = new (Persistence as new (s: Sql) => Record<string, (e: unknown) => boolean>)(sql);
  const engine = new (
    Engine as new (...a: unknown[]) => {
      valueMax: number;
      run(d: string, c: unknown, items: unknown[], now: number, max: number): unknown[];
    }
  )(COMMANDS, "default", {}, NULL_HOST);
  p.load!(engine);
  // Persistence.flush was renamed writeChanges in 4e95c2c.
  const write = (p.writeChanges ?? p.flush)!.bind(p);
  const enc = new TextEncoder();
  const bodies = Array.from({ length: 512 }, (_, n) => {
    let s = "";
    for (let i = 0; i < depth; i++) {
      const k = `key:${(n * 16 + i) % 1000}`;
      s += op === "SET" ? `SET ${k} ${`${n}.${i}.`.padEnd(16, "x")}\n` : `GET ${k}\n`;
    }
    return enc.encode(s);
  });
  return {
    name: root,
    step(n) {
      const plan = planBlink({
        door: "blink",
        body: bodies[n % bodies.length],
        contentType: "text/plain",
        encoding: null,
        format: null,
        route: "",
        search: "",
        readonly: false,
        valueMax: engine.valueMax,
        syncToken: null,
      });
      const conn = newConn(0, { authed: true, readonly: false });
      finishBounded(plan, engine.run(plan.dialect, conn, plan.items, Date.now(), REPLY_MAX_BYTES));
      if (n % group === group - 1) write(engine);
    },
    statements() {
      const out = new Map(counts);
      counts.clear();
      return out;
    },
  };
}

const own = join(dirname(fileURLToPath(import.meta.url)), "..");
const base = opt("base", "");
if (!base) throw new Error("--base <worktree> is required");
const trees = [await load(base), await load(opt("after", own))];
const times: number[][] = [[], []];
for (let trial = 0; trial < TRIALS; trial++) {
  for (const j of trial % 2 ? [1, 0] : [0, 1]) {
    const t = trees[j]!;
    t.statements();
    const t0 = performance.now();
    for (let n = 0; n < REQUESTS; n++) t.step(trial * REQUESTS + n);
    const us = ((performance.now() - t0) * 1000) / (REQUESTS * depth);
    if (trial >= WARM_TRIALS) times[j]!.push(us);
  }
}
for (let j = 0; j < 2; j++) {
  const xs = times[j]!.sort((a, b) => a - b);
  const sqlPerCommit = [...trees[j]!.statements()]
    .map(([q, n]) => `${(n / (REQUESTS / group)).toFixed(2)}× ${q}`)
    .join("; ");
  console.log(
    `${trees[j]!.name}: ${depth} × ${op}, commit every ${group} requests: lowest ${xs[0]!.toFixed(2)}, median ${xs[xs.length >> 1]!.toFixed(2)} µs/command; SQL per commit: ${sqlPerCommit}`,
  );
}
