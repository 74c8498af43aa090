// FUNCTION LOAD/DELETE/FLUSH/LIST/DUMP/RESTORE/STATS/KILL/HELP, FCALL and FCALL_RO (Redis 7.0):
// libraries of named Lua functions that persist like data.

import { asciiLower } from "../ascii.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import {
  deleteLibrary,
  dumpLibraries,
  flushLibraries,
  functionsOf,
  loadLibrary,
  restoreLibraries,
} from "../scripting/functions.ts";
import { checkScriptStart, runCompiled } from "../scripting/runtime.ts";
import { keysAndArgs } from "./scripting.ts";
import { killBusyScript } from "../scripting/busy-script.ts";
import type { BusyScript } from "../scripting/busy-script.ts";

/** FUNCTION STATS running_script: the busy function's name, command and run time. */
function runningScript(busy: BusyScript, now: number): Reply {
  return R.map([
    R.bulk("name"),
    R.bulk(busy.name),
    R.bulk("command"),
    R.array(busy.argv.map((a) => R.bulk(a))),
    R.bulk("duration_ms"),
    R.int(Math.max(0, now - busy.startedAt)),
  ]);
}

function fcall(ctx: Ctx, argv: readonly string[], ro: boolean): Reply {
  const rt = functionsOf(ctx.engine);
  // function names match in any case (Redis keeps them in a case-insensitive dictionary)
  const f = rt.functions.get(argv[1]!.toLowerCase());
  if (!f) throw Errors.custom("ERR Function not found");
  if (!/^-?\d+$/.test(argv[2]!)) throw Errors.custom("ERR Bad number of keys provided");
  const { keys, args } = keysAndArgs(argv);
  const noWrites = f.flags.includes("no-writes");
  checkScriptStart(ctx.engine, { noWrites, allowOom: f.flags.includes("allow-oom") }, ro);
  const crossSlot = f.flags.includes("allow-cross-slot-keys");
  const readOnly = ro || noWrites;
  return runCompiled(ctx, rt, `fn:${f.name}`, f.name, keys, args, readOnly, true, crossSlot, argv);
}

const FUNCTION_HELP = [
  "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "LOAD [REPLACE] <FUNCTION CODE>",
  "    Create a new library with the given library name and code.",
  "DELETE <LIBRARY NAME>",
  "    Delete the given library.",
  "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
  "    Return general information on all the libraries:",
  "    * Library name",
  "    * The engine used to run the Library",
  "    * Library description",
  "    * Functions list",
  "    * Library code (if WITHCODE is given)",
  "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
  "STATS",
  "    Return information about the current function running:",
  "    * Function name",
  "    * Command used to run the function",
  "    * Duration in MS that the function is running",
  "    If no function is running, return nil",
  "    In addition, returns a list of available engines.",
  "KILL",
  "    Kill the current running function.",
  "FLUSH [ASYNC|SYNC]",
  "    Delete all the libraries.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the libraries.",
  "    * SYNC: Synchronously flush the libraries.",
  "DUMP",
  "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
  "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
  "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
  "    control how to handle existing libraries (default APPEND):",
  "    * FLUSH: delete all existing libraries.",
  "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
  "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
  "      libraries with the new libraries (notice that even on this option there is a chance of failure",
  "      in case of functions name collision with another library).",
  "HELP",
  "    Prints this help.",
];

function functionList(ctx: Ctx, argv: readonly string[]): Reply {
  let withCode = false;
  let pattern: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    const a = asciiLower(argv[i]!);
    if (a === "withcode") {
      if (withCode) throw Errors.custom(`ERR Unknown argument ${argv[i]!}`);
      withCode = true;
    } else if (a === "libraryname") {
      if (pattern !== undefined) throw Errors.custom(`ERR Unknown argument ${argv[i]!}`);
      if (i + 1 >= argv.length) throw Errors.custom("ERR library name argument was not given");
      pattern = argv[++i]!;
    } else throw Errors.custom(`ERR Unknown argument ${argv[i]!}`);
  }
  const rt = functionsOf(ctx.engine);
  const out: Reply[] = [];
  for (const [name, lib] of rt.libraries) {
    if (pattern !== undefined && !globMatch(pattern, name)) continue;
    const funcs = lib.functions.map((f) =>
      R.map([
        R.bulk("name"),
        R.bulk(f.name),
        R.bulk("description"),
        R.bulkOrNil(f.description ?? undefined),
        R.bulk("flags"),
        R.set(f.flags.map((x) => R.status(x))),
      ]),
    );
    const fields = [
      R.bulk("library_name"),
      R.bulk(name),
      R.bulk("engine"),
      R.bulk("LUA"),
      R.bulk("functions"),
      R.array(funcs),
    ];
    if (withCode) fields.push(R.bulk("library_code"), R.bulk(lib.code));
    out.push(R.map(fields));
  }
  return R.array(out);
}

function functionCommand(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  const engine = ctx.engine;
  const arity = (ok: boolean) => {
    if (!ok) throw Errors.arity(`function|${sub}`);
  };
  /** The handler's own count check, past the subcommand's arity (addReplySubcommandSyntaxError). */
  const syntax = (ok: boolean) => {
    if (!ok)
      throw Errors.custom(
        `ERR unknown subcommand or wrong number of arguments for '${argv[1]!}'. Try FUNCTION HELP.`,
      );
  };
  switch (sub) {
    case "load": {
      arity(argv.length >= 3);
      let replace = false;
      let i = 2;
      for (; i < argv.length - 1; i++) {
        if (asciiLower(argv[i]!) === "replace") replace = true;
        else throw Errors.custom(`ERR Unknown option given: ${argv[i]!}`);
      }
      if (i !== argv.length - 1) throw Errors.custom("ERR Function code is missing");
      return R.bulk(loadLibrary(engine, argv[i]!, replace));
    }
    case "delete":
      arity(argv.length === 3);
      deleteLibrary(engine, argv[2]!);
      return R.OK;
    case "flush":
      syntax(argv.length <= 3);
      if (argv.length === 3 && !["sync", "async"].includes(asciiLower(argv[2]!)))
        throw Errors.custom("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
      flushLibraries(engine);
      return R.OK;
    case "list":
      return functionList(ctx, argv);
    case "dump":
      arity(argv.length === 2);
      return R.bulk(dumpLibraries(engine));
    case "restore": {
      arity(argv.length >= 3);
      syntax(argv.length <= 4);
      const policy = argv.length === 4 ? asciiLower(argv[3]!) : "append";
      if (!["flush", "append", "replace"].includes(policy))
        throw Errors.custom(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
        );
      restoreLibraries(engine, argv[2]!, policy);
      return R.OK;
    }
    case "stats": {
      arity(argv.length === 2);
      const busy = engine.busyScript;
      if (busy?.isEval) throw Errors.busyEval();
      const rt = functionsOf(engine);
      return R.map([
        R.bulk("running_script"),
        busy ? runningScript(busy, ctx.now) : R.NIL,
        R.bulk("engines"),
        R.map([
          R.bulk("LUA"),
          R.map([
            R.bulk("libraries_count"),
            R.int(rt.libraries.size),
            R.bulk("functions_count"),
            R.int(rt.functions.size),
          ]),
        ]),
      ]);
    }
    case "kill":
      arity(argv.length === 2);
      return killBusyScript(engine.busyScript, false);
    case "help":
      arity(argv.length === 2);
      return R.array(FUNCTION_HELP.map((l) => R.status(l)));
    default:
      throw Errors.unknownSubcommand(argv[1]!, "function");
  }
}

const FCALL_PARAMS = "function numkeys [key [key ...]] [arg [arg ...]]";

export const functionCommands: readonly CommandSpec[] = [
  command("fcall", -3, "", null, (ctx, argv) => fcall(ctx, argv, false), {
    numkeys: 2,
    doc: {
      summary: "Invokes a function.",
      group: "scripting",
      since: "7.0.0",
      params: FCALL_PARAMS,
    },
  }),
  command("fcall_ro", -3, "r", null, (ctx, argv) => fcall(ctx, argv, true), {
    numkeys: 2,
    doc: {
      summary: "Invokes a read-only function.",
      group: "scripting",
      since: "7.0.0",
      params: FCALL_PARAMS,
    },
  }),
  command("function", -2, "", null, functionCommand, {
    route: { kind: "all", merge: "scripts" },
    doc: {
      summary: "A container for function commands.",
      group: "scripting",
      since: "7.0.0",
      subcommands: {
        LOAD: { summary: "Creates a library.", params: "[REPLACE] function-code" },
        DELETE: { summary: "Deletes a library and its functions.", params: "library-name" },
        FLUSH: { summary: "Deletes all libraries and functions.", params: "[ASYNC|SYNC]" },
        LIST: {
          summary: "Returns information about all libraries.",
          params: "[LIBRARYNAME library-name-pattern] [WITHCODE]",
        },
        DUMP: { summary: "Dumps all libraries into a serialized binary payload." },
        RESTORE: {
          summary: "Restores all libraries from a payload.",
          params: "serialized-value [FLUSH|APPEND|REPLACE]",
        },
        STATS: { summary: "Returns information about a function during execution." },
        KILL: { summary: "Terminates a function during execution." },
        HELP: { summary: "Returns helpful text about the different subcommands." },
      },
      differs:
        "FUNCTION DUMP/RESTORE use blink-edge's own payload (not an RDB fragment); FUNCTION KILL stops a busy function as in Redis on every Redis door, in MULTI/EXEC too; on a sharded namespace only the function's shard is busy, as a Redis Cluster node; a runaway function is also ended by an instruction limit.",
    },
  }),
];
