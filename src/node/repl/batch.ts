// The scripted CLI: one command from the command line, or one command per line of stdin, printed
// as redis-cli prints them. Like redis-cli, an error reply is printed and the exit status stays
// 0; only a failed connection (or one lost midway) exits 1. Stdin lines are pipelined (a window
// of commands in flight) and their output keeps the input order.

import { createInterface } from "node:readline";
import type { Session } from "./session.ts";
import { splitLine } from "./split.ts";

/** Commands in flight at once when reading stdin. */
const PIPELINE_WINDOW = 64;

type Write = (text: string) => void;

const stdoutWrite: Write = (text) => process.stdout.write(Buffer.from(text, "latin1"));

/** Runs one command given as arguments (each argument as it is, no quote parsing). */
export async function runArgs(
  session: Session,
  argv: readonly string[],
  write: Write = stdoutWrite,
): Promise<number> {
  const encoder = new TextEncoder();
  try {
    const { text } = await session.run(argv.map((a) => encoder.encode(a)));
    write(text);
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  } finally {
    session.close();
  }
}

/** Runs the commands of a stream of lines (stdin); `quit`/`exit` stop reading. */
export async function runLines(
  session: Session,
  input: NodeJS.ReadableStream = process.stdin,
  write: Write = stdoutWrite,
): Promise<number> {
  try {
    await session.connect();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const inFlight: Promise<string>[] = [];
  let failed = false;
  // Prints the oldest result; an error of the connection ends the run.
  const drainOne = async () => {
    try {
      write(await inFlight.shift()!);
    } catch (e) {
      if (!failed) process.stderr.write(`${(e as Error).message}\n`);
      failed = true;
    }
  };
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  for await (const line of rl) {
    if (failed) break;
    const args = splitLine(line);
    if (args === null) {
      inFlight.push(Promise.resolve("Invalid argument(s)\n"));
    } else if (args.length > 0) {
      const cmd = new TextDecoder().decode(args[0]).toLowerCase();
      if (cmd === "quit" || cmd === "exit") break;
      const result = session.run(args).then((o) => o.text);
      result.catch(() => {}); // reported in order by drainOne
      inFlight.push(result);
    }
    while (inFlight.length >= PIPELINE_WINDOW && !failed) await drainOne();
  }
  rl.close();
  while (inFlight.length > 0 && !failed) await drainOne();
  session.close();
  return failed ? 1 : 0;
}
