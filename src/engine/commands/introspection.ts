// COMMAND and its subcommands (Redis 7.0.15 server.c), answered from the command records:
// arity, flags, key positions (command-table.ts keyPositions) and docs. Redis's reply shapes:
// flags and ACL categories as RESP3 sets, key specs and docs as maps.

import { asciiLower } from "../ascii.ts";
import { command, keyPositions } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { categories, docs, info, keyFlagsOf } from "./command-info.ts";

const HELP = [
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
  "HELP",
  "    Prints this help.",
];

/** All names COMMAND LIST reports: commands and their `parent|sub` subcommands. */
function allNames(specs: readonly CommandSpec[]): { name: string; spec: CommandSpec }[] {
  const out: { name: string; spec: CommandSpec }[] = [];
  for (const s of specs) {
    out.push({ name: s.name, spec: s });
    for (const sub of Object.keys(s.doc?.subcommands ?? {})) {
      out.push({ name: `${s.name}|${asciiLower(sub)}`, spec: s });
    }
  }
  return out;
}

function list(specs: readonly CommandSpec[], argv: readonly string[]): Reply {
  const names = allNames(specs);
  if (argv.length === 2) return R.bulks(names.map((n) => n.name));
  if (argv.length !== 5 || asciiLower(argv[2]!) !== "filterby") throw Errors.syntax();
  const how = asciiLower(argv[3]!);
  const arg = argv[4]!;
  if (how === "module") return R.EMPTY;
  if (how === "aclcat") {
    const cat = `@${asciiLower(arg)}`;
    return R.bulks(names.filter((n) => categories(n.spec).includes(cat)).map((n) => n.name));
  }
  if (how === "pattern") {
    return R.bulks(names.filter((n) => globMatch(arg, n.name, true)).map((n) => n.name));
  }
  throw Errors.syntax();
}

/** The record a GETKEYS command line names, after Redis's checks. */
function getKeysOf(
  ctx: Ctx,
  argv: readonly string[],
): { spec: CommandSpec; pos: number[]; line: readonly string[] } {
  const line = argv.slice(2);
  const spec = ctx.engine.table.find("redis", line[0]!);
  if (!spec) throw Errors.custom("ERR Invalid command specified");
  // A container (XGROUP, XINFO …) is named with its subcommand, as Redis's lookup requires.
  const subs = spec.doc?.subcommands;
  if (subs && !(line[1] !== undefined && line[1].toUpperCase() in subs))
    throw Errors.custom("ERR Invalid command specified");
  if (!spec.keys && spec.numkeys === undefined && !spec.keysOf) {
    throw Errors.custom("ERR The command has no key arguments");
  }
  if ((spec.arity > 0 && line.length !== spec.arity) || line.length < -spec.arity) {
    throw Errors.custom("ERR Invalid number of arguments specified for command");
  }
  const pos = keyPositions(spec, line).filter((i) => i < line.length);
  if (pos.length === 0 && spec.numkeys === undefined) {
    throw Errors.custom("ERR Invalid arguments specified for command");
  }
  return { spec, pos, line };
}

function subArity(sub: string, argv: readonly string[], arity: number): void {
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
    throw Errors.arity(`command|${sub}`);
}

function commandCmd(ctx: Ctx, argv: readonly string[]): Reply {
  const specs = ctx.engine.table.specs("redis");
  if (argv.length === 1) return R.array(specs.map(info));
  const sub = asciiLower(argv[1]!);
  switch (sub) {
    case "count":
      subArity(sub, argv, 2);
      return R.int(specs.length);
    case "list":
      subArity(sub, argv, -2);
      return list(specs, argv);
    case "info": {
      subArity(sub, argv, -2);
      if (argv.length === 2) return R.array(specs.map(info));
      return R.array(
        argv.slice(2).map((n) => {
          const s = ctx.engine.table.find("redis", n);
          return s ? info(s) : R.NIL;
        }),
      );
    }
    case "docs": {
      subArity(sub, argv, -2);
      const chosen =
        argv.length === 2
          ? specs
          : argv
              .slice(2)
              .map((n) => ctx.engine.table.find("redis", n))
              .filter((s): s is CommandSpec => s !== undefined);
      return R.map(chosen.flatMap((s) => [R.bulk(s.name), docs(s)]));
    }
    case "getkeys": {
      subArity(sub, argv, -4);
      const { pos, line } = getKeysOf(ctx, argv);
      return R.bulks(pos.map((i) => line[i]!));
    }
    case "getkeysandflags": {
      subArity(sub, argv, -4);
      const { spec, pos, line } = getKeysOf(ctx, argv);
      const flags = keyFlagsOf(spec, line, pos.length);
      return R.array(
        pos.map((i, k) => R.array([R.bulk(line[i]!), R.set(flags[k]!.map(R.status))])),
      );
    }
    case "help":
      subArity(sub, argv, 2);
      return R.array(HELP.map(R.status));
    default:
      throw Errors.unknownSubcommand(argv[1]!, "command");
  }
}

/** COMMAND. */
export const introspectionCommands: readonly CommandSpec[] = [
  command("command", -1, "clt", null, commandCmd, {
    route: { kind: "local" },
    doc: {
      summary: "Get array of Redis command details",
      group: "server",
      since: "2.8.13",
      params: "[subcommand [arguments]]",
      subcommands: {
        COUNT: { summary: "Get total number of Redis commands", since: "2.8.13" },
        DOCS: {
          summary: "Get array of specific Redis command documentation",
          params: "[command-name [command-name ...]]",
          since: "7.0.0",
        },
        GETKEYS: {
          summary: "Extract keys given a full Redis command",
          params: "command [arg [arg ...]]",
          since: "2.8.13",
        },
        GETKEYSANDFLAGS: {
          summary: "Extract keys and access flags given a full Redis command",
          params: "command [arg [arg ...]]",
          since: "7.0.0",
        },
        HELP: { summary: "Show helpful text about the different subcommands", since: "5.0.0" },
        INFO: {
          summary: "Get array of specific Redis command details, or all when no argument is given.",
          params: "[command-name [command-name ...]]",
          since: "2.8.13",
        },
        LIST: {
          summary: "Get an array of Redis command names",
          params: "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]",
          since: "7.0.0",
        },
      },
      differs:
        "Flags, ACL categories and key specs are derived from blink-edge's command records; tips are empty and DOCS gives summary, since and group.",
    },
  }),
];
