// `blink-edge <subcommand>`: the package's command (bin/blink-edge.mjs). Exit statuses:
// 0 ok, 1 runtime failure, 2 usage error.

import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, RuntimeError, UsageError } from "./commands/command.ts";
import type { Subcommand } from "./commands/command.ts";
import { BLINK_EDGE_VERSION } from "../limits.ts";

interface Entry {
  summary: string;
  /** Loaded on use, so one subcommand's dependencies never slow another down. */
  load(): Promise<Subcommand>;
}

// One file per subcommand under src/node/commands/, each exporting a Subcommand. Later issues add
// `cli`, `export` and `import` here, e.g.:
//   cli: { summary: "…", load: async () => (await import("./commands/cli.ts")).cliCommand },
const SUBCOMMANDS: Record<string, Entry> = {
  cli: {
    summary: "a redis-cli for the Worker: interactive prompt, or commands from arguments or stdin",
    load: async () => (await import("./commands/cli.ts")).cliCommand,
  },
  dev: {
    summary: "run the Worker locally (anonymous access) with the TCP shim in front",
    load: async () => (await import("./commands/dev.ts")).devCommand,
  },
  export: {
    summary: "write a namespace's snapshot as JSON lines (file or stdout), with progress",
    load: async () => (await import("./commands/export.ts")).exportCommand,
  },
  import: {
    summary: "load JSON lines, a Light-Redis db.json or Blink SET lines into a namespace",
    load: async () => (await import("./commands/import.ts")).importCommand,
  },
  shim: {
    summary: "forward raw TCP clients (Blink, gevent, Redis) to a Worker",
    load: async () => (await import("./commands/shim.ts")).shimCommand,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length)) + 2;
  const lines = Object.entries(SUBCOMMANDS).map(
    ([name, e]) => `  ${name.padEnd(width)}${e.summary}`,
  );
  return `Usage: blink-edge <command> [options]

Commands:
${lines.join("\n")}

Run 'blink-edge <command> --help' for a command's options.
Exit status: 0 ok, 1 runtime failure, 2 usage error.`;
}

/** Runs one command line (arguments after the program name); resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    const out = name === undefined ? process.stderr : process.stdout;
    out.write(usage() + "\n");
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`blink-edge ${BLINK_EDGE_VERSION}\n`);
    return EXIT_OK;
  }
  const entry = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`blink-edge: unknown command '${name}'\n\n${usage()}\n`);
    return EXIT_USAGE;
  }
  try {
    const command = await entry.load();
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(
        `blink-edge ${name}: ${e.message}\nRun 'blink-edge ${name} --help' for usage.\n`,
      );
      return EXIT_USAGE;
    }
    if (e instanceof RuntimeError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT_FAILURE;
    }
    process.stderr.write(`blink-edge ${name}: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT_FAILURE;
  }
}
