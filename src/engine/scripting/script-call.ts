// redis.call / redis.pcall: a command from a script goes through the engine's own checks
// (Engine.check: lookup, arity, auth scope, sizes) and Engine.execute (memory limit, write
// sequence), with Redis's script-specific refusals before them (script.c scriptCall).

import { asciiLower } from "../ascii.ts";
import { Flag, keyPositions } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import type { ShardKeys } from "../engine-host.ts";
import { Errors } from "../errors.ts";
import type { ConnState } from "../conn-state.ts";
import type { Reply } from "../reply.ts";

/** The state of the script or function running now (one at a time per engine). */
export interface ScriptRun {
  /** The batch's context, with the script's own connection (its protocol, no MULTI). */
  readonly ctx: Ctx;
  /** EVAL_RO, FCALL_RO, or flags without writes: write commands are refused. */
  readonly readOnly: boolean;
  /** redis.setresp: the protocol replies come to the script in. */
  resp: 2 | 3;
  /** Sharded namespace: which keys the script may touch; null in a namespace of one object. */
  readonly cluster: ScriptCluster | null;
  /** Something was written (SCRIPT KILL refuses then, as Redis: UNKILLABLE). */
  wrote: boolean;
  /** Script name in error traces: the SHA-1 of an EVAL body, or the function's name. */
  readonly name: string;
}

/**
 * The keys a script may touch in a sharded namespace, as Redis Cluster's scriptVerifyClusterState:
 * keys this shard holds, declared or not, and (unless `crossSlot`) all in one slot.
 */
export interface ScriptCluster {
  readonly declared: ReadonlySet<string>;
  /** The slot map; without one, only declared keys are known to be local. */
  readonly shard: ShardKeys | null;
  /** Scripts without shebang, and `allow-cross-slot-keys`: keys of several slots allowed. */
  readonly crossSlot: boolean;
  /** The slot of the script's first key (declared, else first touched); -1 before. */
  slot: number;
}

/** The cluster state for a script of `keys` (null: not sharded). */
export function scriptCluster(
  sharded: boolean,
  shard: ShardKeys | null,
  keys: readonly string[],
  crossSlot: boolean,
): ScriptCluster | null {
  if (!sharded) return null;
  const slot = shard && keys.length > 0 ? shard.slot(keys[0]!) : -1;
  return { declared: new Set(keys), shard, crossSlot, slot };
}

const NON_LOCAL = "Script attempted to access a non local key in a cluster node";
const CROSS_SLOT = "Script attempted to access keys that do not hash to the same slot";

/** Redis's refusal of a key a script touches in a sharded namespace, or null. */
function clusterRefusal(c: ScriptCluster, key: string): string | null {
  // Declared keys were routed here (the router refuses declared keys across shards).
  if (c.declared.has(key)) return null;
  if (!c.shard) return NON_LOCAL;
  const slot = c.shard.slot(key);
  if (!c.shard.local(slot)) return NON_LOCAL;
  if (c.crossSlot) return null;
  if (c.slot === -1) c.slot = slot;
  return c.slot === slot ? null : CROSS_SLOT;
}

/** Commands a script may not call (Redis's `noscript` flag). */
const NOSCRIPT = new Set([
  "auth",
  "client",
  "discard",
  "eval",
  "eval_ro",
  "evalsha",
  "evalsha_ro",
  "exec",
  "fcall",
  "fcall_ro",
  "function",
  "hello",
  "monitor",
  "multi",
  "psubscribe",
  "psync",
  "punsubscribe",
  "quit",
  "replconf",
  "reset",
  "save",
  "bgsave",
  "script",
  "shutdown",
  "ssubscribe",
  "subscribe",
  "sunsubscribe",
  "sync",
  "unsubscribe",
  "unwatch",
  "wait",
  "watch",
  "failover",
]);

/**
 * Blocking commands: Redis refuses them in scripts ("noscript"); named here too so a
 * script gets Redis's refusal even where this engine does not implement the command.
 */
const NOSCRIPT_ANYWAY = new Set([
  "blpop",
  "brpop",
  "brpoplpush",
  "blmove",
  "blmpop",
  "bzpopmin",
  "bzpopmax",
  "bzmpop",
]);

/** A connection context for a script's commands: the caller's scope, protocol 2, no MULTI. */
export function scriptConn(conn: ConnState): ConnState {
  return {
    ...conn,
    resp: 2,
    multi: null,
    multiFailed: false,
    watch: null,
    closing: false,
    script: true,
  };
}

/**
 * Runs one command for a script; an error text is one of Redis's script refusals ("-CODE …", or
 * without "-" an ERR). A refusal counts as a rejected call of the command, as scriptCall's.
 */
export function scriptCall(run: ScriptRun, argv: string[]): Reply | string {
  const engine = run.ctx.engine;
  const spec = engine.table.find("redis", argv[0]!);
  const refused = refusal(run, spec, argv);
  if (refused !== null) {
    const text = refused.startsWith("-") ? refused.slice(1) : `ERR ${refused}`;
    engine.cmdStats.rejected(spec, argv, { k: "error", code: "ERR", v: text });
    return refused;
  }
  const writes = (spec!.flags & Flag.WRITE) !== 0;
  const c = { argv };
  const checked = engine.check("redis", run.ctx.conn, c);
  if ("k" in checked) {
    engine.cmdStats.rejected(spec, argv, checked);
    return checked;
  }
  // Redis marks the script dirty before the call: a failed write still makes it unkillable.
  if (writes) run.wrote = true;
  return engine.execute(checked, run.ctx, c);
}

/** Redis's refusals of a command a script calls (scriptCall's checks), in their order. */
function refusal(run: ScriptRun, spec: CommandSpec | undefined, argv: string[]): string | null {
  if (NOSCRIPT_ANYWAY.has((spec?.name ?? argv[0]!).toLowerCase()))
    return "This Redis command is not allowed from script";
  if (!spec) return "Unknown Redis command called from script";
  if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity)
    return "Wrong number of args calling Redis command from script";
  if (NOSCRIPT.has(spec.name) || (spec.name === "cluster" && asciiLower(argv[1]!) === "reset"))
    return "This Redis command is not allowed from script";
  const writes = (spec.flags & Flag.WRITE) !== 0;
  if (writes && run.readOnly) return "Write commands are not allowed from read-only scripts.";
  // Only a script that has not written yet may still fail on the server's state.
  if (writes && !run.wrote && run.ctx.engine.noGoodReplicas)
    return `-${Errors.noReplicas().message}`;
  if (run.cluster) {
    for (const i of keyPositions(spec, argv)) {
      const refused = clusterRefusal(run.cluster, argv[i]!);
      if (refused) return refused;
    }
  }
  return null;
}
