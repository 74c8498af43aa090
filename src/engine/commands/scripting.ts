// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis 7.0 semantics). A script runs inside the
// batch's synchronous turn, so it is atomic, and its writes persist with the batch.

import { asciiLower } from "../ascii.ts";
import { toBytes } from "../bytes.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { checkScriptStart, compileScript, runCompiled, runtimeOf } from "../scripting/runtime.ts";
import { sha1hex } from "../scripting/sha1.ts";
import { killBusyScript } from "../scripting/busy-script.ts";

const noScript = () => new CommandError("ERR", "NOSCRIPT No matching script. Please use EVAL.");

/** KEYS and ARGV of an EVAL/FCALL line (`name body|sha numkeys key... arg...`). */
export function keysAndArgs(argv: readonly string[]): { keys: string[]; args: string[] } {
  const n = parseStrictInt(argv[2]!);
  if (n === undefined) throw Errors.notInteger();
  if (n > BigInt(argv.length - 3))
    throw Errors.custom("ERR Number of keys can't be greater than number of args");
  if (n < 0n) throw Errors.custom("ERR Number of keys can't be negative");
  const k = Number(n);
  return { keys: argv.slice(3, 3 + k), args: argv.slice(3 + k) };
}

function evalCommand(ctx: Ctx, argv: readonly string[], bySha: boolean, ro: boolean): Reply {
  const { keys, args } = keysAndArgs(argv);
  const scripts = ctx.engine.scripts;
  let sha: string;
  let body: string | undefined;
  if (bySha) {
    sha = asciiLower(argv[1]!);
    body = scripts.bodies.get(sha);
    if (body === undefined) throw noScript();
  } else {
    body = argv[1]!;
    sha = sha1hex(toBytes(body));
  }
  const rt = runtimeOf(ctx.engine);
  const flags = compileScript(rt, sha, body);
  scripts.addScript(sha, body);
  if (flags.shebang) checkScriptStart(ctx.engine, flags, ro);
  const readOnly = ro || flags.noWrites;
  return runCompiled(ctx, rt, `f_${sha}`, sha, keys, args, readOnly, false, flags.crossSlot, argv);
}

const SCRIPT_HELP = [
  "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DEBUG (YES|SYNC|NO)",
  "    Set the debug mode for subsequent scripts executed.",
  "EXISTS <sha1> [<sha1> ...]",
  "    Return information about the existence of the scripts in the script cache.",
  "FLUSH [ASYNC|SYNC]",
  "    Flush the Lua scripts cache. Very dangerous on replicas.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the scripts cache.",
  "    * SYNC: Synchronously flush the scripts cache.",
  "KILL",
  "    Kill the currently executing Lua script.",
  "LOAD <script>",
  "    Load a script into the scripts cache without executing it.",
  "HELP",
  "    Prints this help.",
];

function scriptCommand(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  const scripts = ctx.engine.scripts;
  switch (sub) {
    case "load": {
      if (argv.length !== 3) throw Errors.arity("script|load");
      const body = argv[2]!;
      const sha = sha1hex(toBytes(body));
      compileScript(runtimeOf(ctx.engine), sha, body);
      scripts.addScript(sha, body);
      return R.bulk(sha);
    }
    case "exists":
      if (argv.length < 3) throw Errors.arity("script|exists");
      return R.array(
        argv.slice(2).map((s) => (scripts.bodies.has(asciiLower(s)) ? R.ONE : R.ZERO)),
      );
    case "flush": {
      if (argv.length > 3) throw Errors.arity("script|flush");
      if (argv.length === 3 && !["sync", "async"].includes(asciiLower(argv[2]!)))
        throw Errors.custom("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
      scripts.flushScripts();
      const rt = scripts.runtime ? runtimeOf(ctx.engine) : null;
      if (rt) {
        rt.evalFlags.clear();
        rt.runner.forget((n) => n.startsWith("f_"));
      }
      return R.OK;
    }
    case "kill":
      if (argv.length !== 2) throw Errors.arity("script|kill");
      return killBusyScript(ctx.engine.busyScript, true);
    case "debug":
      if (argv.length !== 3) throw Errors.arity("script|debug");
      throw Errors.custom("ERR SCRIPT DEBUG is not supported: blink-edge has no Lua debugger");
    case "help":
      if (argv.length !== 2) throw Errors.arity("script|help");
      return R.array(SCRIPT_HELP.map((l) => R.status(l)));
    default:
      throw Errors.unknownSubcommand(argv[1]!, "script");
  }
}

const EVAL_PARAMS = "numkeys [key [key ...]] [arg [arg ...]]";

export const scriptingCommands: readonly CommandSpec[] = [
  command("eval", -3, "", null, (ctx, argv) => evalCommand(ctx, argv, false, false), {
    numkeys: 2,
    doc: {
      summary: "Executes a server-side Lua script.",
      group: "scripting",
      since: "2.6.0",
      params: `script ${EVAL_PARAMS}`,
    },
  }),
  command("evalsha", -3, "", null, (ctx, argv) => evalCommand(ctx, argv, true, false), {
    numkeys: 2,
    doc: {
      summary: "Executes a server-side Lua script by SHA1 digest.",
      group: "scripting",
      since: "2.6.0",
      params: `sha1 ${EVAL_PARAMS}`,
    },
  }),
  command("eval_ro", -3, "r", null, (ctx, argv) => evalCommand(ctx, argv, false, true), {
    numkeys: 2,
    doc: {
      summary: "Executes a read-only server-side Lua script.",
      group: "scripting",
      since: "7.0.0",
      params: `script ${EVAL_PARAMS}`,
    },
  }),
  command("evalsha_ro", -3, "r", null, (ctx, argv) => evalCommand(ctx, argv, true, true), {
    numkeys: 2,
    doc: {
      summary: "Executes a read-only server-side Lua script by SHA1 digest.",
      group: "scripting",
      since: "7.0.0",
      params: `sha1 ${EVAL_PARAMS}`,
    },
  }),
  command("script", -2, "", null, scriptCommand, {
    route: { kind: "all", merge: "scripts" },
    doc: {
      summary: "A container for Lua scripts management commands.",
      group: "scripting",
      since: "2.6.0",
      subcommands: {
        LOAD: { summary: "Loads a server-side Lua script to the script cache.", params: "script" },
        EXISTS: {
          summary: "Determines whether server-side Lua scripts exist in the script cache.",
          params: "sha1 [sha1 ...]",
        },
        FLUSH: {
          summary: "Removes all server-side Lua scripts from the script cache.",
          params: "[ASYNC|SYNC]",
        },
        KILL: { summary: "Terminates a server-side Lua script during execution." },
        DEBUG: {
          summary: "Sets the debug mode of server-side Lua scripts.",
          params: "YES|SYNC|NO",
        },
        HELP: { summary: "Returns helpful text about the different subcommands." },
      },
      differs:
        "SCRIPT KILL stops a busy script as in Redis on every Redis door, in MULTI/EXEC too; on a sharded namespace only the script's shard is busy, as a Redis Cluster node; a runaway script is also ended by an instruction limit. SCRIPT DEBUG is not supported. The script cache persists across restarts.",
    },
  }),
];
