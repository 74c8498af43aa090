// A namespace engine with optional SQLite persistence (node:sqlite), for engine-level tests.

import type { BatchItem, Dialect, TypedArg } from "../../../src/engine/command.ts";
import { COMMANDS } from "../../../src/engine/commands/index.ts";
import { newConn } from "../../../src/engine/conn-state.ts";
import type { ConnState } from "../../../src/engine/conn-state.ts";
import type { Deque } from "../../../src/engine/deque.ts";
import { Engine, NULL_HOST } from "../../../src/engine/engine.ts";
import type { EngineConfig } from "../../../src/engine/engine.ts";
import type { Reply } from "../../../src/engine/reply.ts";
import type { Stream } from "../../../src/engine/stream.ts";
import type { SortedSet } from "../../../src/engine/sorted-set.ts";
import { Persistence } from "../../../src/worker/persistence.ts";
import { byteLength } from "../../../src/engine/bytes.ts";
import { FakeSql } from "./fake-sql.ts";
import { jsonSize } from "../../../src/engine/json-doc.ts";
import type { JsonDoc } from "../../../src/engine/json-doc.ts";

export class Harness {
  engine: Engine;
  conn: ConnState = newConn(1, { authed: true, readonly: false });
  now = 1_800_000_000_000;
  readonly sql: FakeSql | null;
  persistence: Persistence | null;
  private readonly config: Partial<EngineConfig> & { valueMax?: number };

  constructor(
    opts: { persist?: boolean; config?: Partial<EngineConfig> & { valueMax?: number } } = {},
  ) {
    this.config = opts.config ?? {};
    this.sql = opts.persist ? new FakeSql() : null;
    this.persistence = this.sql ? new Persistence(this.sql as unknown as SqlStorage) : null;
    this.engine = this.makeEngine();
  }

  private makeEngine(): Engine {
    const p = this.persistence;
    const e = new Engine(COMMANDS, "default", this.config, {
      ...NULL_HOST,
      snapshot: (seq, at) => {
        p?.writeChanges(e);
        p?.recordSnapshot(seq, at);
      },
    });
    p?.load(e);
    return e;
  }

  /** Runs a batch and persists it. */
  batch(dialect: Dialect, items: BatchItem[]): Reply[] {
    const r = this.engine.run(dialect, this.conn, items, this.now);
    this.persistence?.writeChanges(this.engine);
    return r;
  }

  /** Runs one command line. */
  run(dialect: Dialect, ...argv: string[]): Reply {
    return this.batch(dialect, [{ argv }])[0]!;
  }

  /** Runs one command with typed arguments. */
  runTyped(dialect: Dialect, argv: string[], typed: (TypedArg | undefined)[]): Reply {
    return this.batch(dialect, [{ argv, typed }])[0]!;
  }

  /** Simulates a restart: a fresh engine loaded from storage. */
  restart(): void {
    if (!this.sql) throw new Error("restart needs persist: true");
    this.persistence = new Persistence(this.sql as unknown as SqlStorage);
    this.engine = this.makeEngine();
  }
}

/** The whole observable state of a store, in creation order. */
export function dump(engine: Engine): unknown {
  const keys = [];
  for (const e of engine.store.inCreationOrder()) {
    let value: unknown;
    switch (e.type) {
      case "set":
        value = [...(e.value as Set<string>)];
        break;
      case "hash":
        value = [...(e.value as Map<string, string>)];
        break;
      case "list":
        value = [...(e.value as Deque)];
        break;
      case "zset": {
        const z = e.value as SortedSet;
        value = z.slice(0, z.size).map((m) => [m, z.score(m)]);
        break;
      }
      case "stream": {
        const st = e.value as Stream;
        value = [...st.members()].sort().map((m) => [m, st.memberValue(m)]);
        break;
      }
      default:
        value = String(e.value);
    }
    keys.push([e.key, e.type, value, e.expiresAt, e.ksize + e.size]);
  }
  return {
    keys,
    usage: engine.store.usage,
    writeSeq: engine.store.writeSeq,
    size: engine.store.map.size,
  };
}

/** Recomputes every entry's size from its value and checks the store's totals (throws on mismatch). */
export function checkInvariants(engine: Engine): void {
  const store = engine.store;
  let usage = 0;
  let ttl = 0;
  for (const [key, e] of store.map) {
    if (e.key !== key || !e.alive) throw new Error(`bad entry for ${key}`);
    let size: number;
    switch (e.type) {
      case "string":
      case "json":
        size = byteLength(e.value as string);
        break;
      case "int":
        size = (e.value as bigint).toString().length;
        break;
      case "set":
        size = [...(e.value as Set<string>)].reduce((a, m) => a + byteLength(m), 0);
        break;
      case "hash":
        size = [...(e.value as Map<string, string>)].reduce(
          (a, [f, v]) => a + byteLength(f) + byteLength(v),
          0,
        );
        break;
      case "list":
        size = [...(e.value as Deque)].reduce((a, v) => a + byteLength(v), 0);
        break;
      case "zset": {
        const z = e.value as SortedSet;
        size = z.slice(0, z.size).reduce((a, m) => a + byteLength(m), 0);
        break;
      }
      case "stream":
        size = (e.value as { bytes: number }).bytes;
        break;
      case "document":
        size = jsonSize((e.value as JsonDoc).root);
    }
    if (size !== e.size) throw new Error(`size of ${key}: ${e.size} != ${size}`);
    const members =
      e.type === "set" || e.type === "list"
        ? (e.value as { size?: number; length?: number })
        : null;
    if (members && (members.size ?? members.length) === 0)
      throw new Error(`empty collection ${key}`);
    usage += e.ksize + e.size;
    if (e.expiresAt) ttl++;
  }
  if (usage !== store.usage) throw new Error(`usage ${store.usage} != ${usage}`);
  if (ttl !== store.ttlCount) throw new Error(`ttlCount ${store.ttlCount} != ${ttl}`);
}

/**
 * Runs `steps` (Redis command lines) on a persisted engine, command by command (restarting after
 * each when `eachStep`) and then as one batch, and expects every restart to reproduce the state.
 */
export function expectSurvivesRestart(
  steps: readonly string[][],
  opts: { eachStep?: boolean } = {},
): void {
  for (const oneBatch of [false, true]) {
    const h = new Harness({ persist: true });
    if (oneBatch)
      h.batch(
        "redis",
        steps.map((argv) => ({ argv })),
      );
    else {
      for (const argv of steps) {
        h.run("redis", ...argv);
        if (!opts.eachStep) continue;
        const before = dump(h.engine);
        h.restart();
        if (JSON.stringify(dump(h.engine), replacer) !== JSON.stringify(before, replacer)) {
          throw new Error(`state changed by a restart after ${argv.join(" ")}`);
        }
      }
    }
    const before = dump(h.engine);
    h.restart();
    if (JSON.stringify(dump(h.engine), replacer) !== JSON.stringify(before, replacer)) {
      throw new Error(
        `state changed by a restart (${oneBatch ? "one batch" : "command by command"})`,
      );
    }
  }
}

function replacer(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? `${v}n` : Object.is(v, -0) ? "-0" : v;
}

/** A reply as plain data: ints as numbers, bulks as strings, nil as null, errors as "!text". */
export function plain(r: Reply): unknown {
  switch (r.k) {
    case "int":
      return Number(r.v);
    case "bulk":
    case "status":
      return r.v;
    case "nil":
      return null;
    case "error":
      return `!${r.v}`;
    case "array":
    case "map":
      return r.v.map(plain);
    default:
      return r;
  }
}

/** A Redis-dialect harness whose `r(...argv)` answers plain data (see plain). */
export function plainHarness(persist = false): Harness & { r: (...argv: string[]) => unknown } {
  const h = new Harness({ persist }) as Harness & { r: (...argv: string[]) => unknown };
  h.r = (...argv) => plain(h.run("redis", ...argv));
  return h;
}
