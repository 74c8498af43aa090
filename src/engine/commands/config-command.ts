// CONFIG GET, SET, RESETSTAT and REWRITE (server.ts registers CONFIG): parameters from
// config-table.ts, maxmemory and maxmemory-policy from the engine's own configuration, SET of
// several parameters all or nothing, as Redis 7.0's configSetCommand.

import { asciiLower } from "../ascii.ts";
import type { Ctx } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { CONFIG_PARAMS, ConfigValueError, findConfig, normaliseConfig } from "../config-table.ts";
import type { ConfigParam } from "../config-table.ts";
import { globMatch } from "../glob.ts";
import { paramValue } from "./info.ts";
import { parseMemoryValue } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { EVICTION_POLICIES } from "../../limits.ts";
import type { EvictionPolicy } from "../../limits.ts";

/** A parameter's value as CONFIG GET answers it. */
function configValue(ctx: Ctx, p: ConfigParam): string {
  if (p.name === "maxmemory") return String(ctx.engine.config.maxmemory);
  if (p.name === "maxmemory-policy") return ctx.engine.config.policy;
  return paramValue(ctx, p.name);
}

const setFailed = (name: string, why: string) =>
  new CommandError(
    "ERR",
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`,
  );

/**
 * The parameters of a CONFIG SET, checked in Redis's order: every name first (unknown, immutable,
 * duplicate: the first problem wins), values after.
 */
function configSetParams(argv: readonly string[]): ConfigParam[] {
  const out: ConfigParam[] = [];
  for (let i = 2; i < argv.length; i += 2) {
    const p = findConfig(argv[i]!);
    if (!p) {
      throw new CommandError(
        "ERR",
        `ERR Unknown option or number of arguments for CONFIG SET - '${argv[i]}'`,
      );
    }
    if (p.immutable) throw setFailed(argv[i]!, "can't set immutable config");
    if (out.includes(p)) throw setFailed(argv[i]!, "duplicate parameter");
    out.push(p);
  }
  return out;
}

function configSet(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length < 4 || argv.length % 2 !== 0) throw Errors.arity("config|set");
  const params = configSetParams(argv);
  const next = { ...ctx.engine.config };
  // Staged, so a refused value changes nothing (Redis restores every parameter it had set).
  const staged = new Map<string, string>();
  for (let i = 2; i < argv.length; i += 2) {
    const param = params[(i - 2) / 2]!;
    const p = param.name;
    const v = argv[i + 1]!;
    if (p === "maxmemory") {
      const n = parseMemoryValue(v);
      if (n === undefined) {
        throw new CommandError(
          "ERR",
          "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
        );
      }
      next.maxmemory = n;
    } else if (p === "maxmemory-policy") {
      const policy = asciiLower(v) as EvictionPolicy;
      if (!EVICTION_POLICIES.includes(policy)) {
        throw new CommandError(
          "ERR",
          `ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: ${EVICTION_POLICIES.join(", ")}`,
        );
      }
      next.policy = policy;
    } else {
      try {
        staged.set(p, normaliseConfig(param, v, paramValue(ctx, p)));
      } catch (e) {
        if (e instanceof ConfigValueError) throw setFailed(argv[i]!, e.message);
        throw e;
      }
    }
  }
  ctx.engine.config = next;
  for (const [name, value] of staged) {
    if (value === findConfig(name)!.default) ctx.engine.params.delete(name);
    else ctx.engine.params.set(name, value);
  }
  ctx.engine.store.changes.config = true;
  ctx.engine.enforceLimit();
  return R.OK;
}

/** CONFIG GET patterns: exact names as given, globs over every listed name and alias. */
function configGet(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length < 3) throw Errors.arity("config|get");
  const seen = new Map<string, ConfigParam>();
  for (const pat of argv.slice(2)) {
    if (!/[[*?]/.test(pat)) {
      const p = findConfig(pat);
      if (p && !seen.has(pat)) seen.set(pat, p);
      continue;
    }
    for (const p of CONFIG_PARAMS) {
      if (p.hidden) continue;
      for (const name of [p.name, ...(p.aliases ?? [])]) {
        if (!seen.has(name) && globMatch(pat, name, true)) seen.set(name, p);
      }
    }
  }
  const out: Reply[] = [];
  for (const [name, p] of seen) out.push(R.bulk(name), R.bulk(configValue(ctx, p)));
  return R.map(out);
}

/** CONFIG GET | SET | RESETSTAT | REWRITE. */
export function config(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  if (sub === "get") return configGet(ctx, argv);
  if (sub !== "set" && sub !== "resetstat" && sub !== "rewrite")
    throw Errors.unknownSubcommand(argv[1]!, "config");
  if (ctx.conn.readonly) throw Errors.noPerm(`config|${sub}`);
  if (sub === "set") return configSet(ctx, argv);
  if (argv.length !== 2) throw Errors.arity(`config|${sub}`);
  // REWRITE: the configuration is already persisted with the namespace.
  if (sub === "rewrite") return R.OK;
  const { store, engine } = ctx;
  engine.stats.commands = 0;
  engine.cmdStats.reset();
  engine.peakUsage = 0;
  Object.assign(store.stats, { hits: 0, misses: 0, expired: 0, evicted: 0, expiredFields: 0 });
  return R.OK;
}
