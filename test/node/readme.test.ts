// The README's examples run as written (ports rewritten to the test's) and print what the README
// shows: the curl, nc and redis-cli sessions of "The doors" and the WebSocket snippet.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestShim, sharedTestWorker } from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const run = promisify(execFile);
const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const doors = README.slice(README.indexOf("## The doors"), README.indexOf("## Raw TCP"));

interface Session {
  command: string;
  output: string;
}

/** `$ command` lines and the output lines under them, from the console blocks of a section. */
function sessions(section: string): Session[] {
  const out: Session[] = [];
  for (const block of section.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const part of block[1]!.split(/^\$ /m).slice(1)) {
      const [command, ...lines] = part.split("\n");
      out.push({ command: command!, output: lines.join("\n").replace(/\n+$/, "\n") });
    }
  }
  return out;
}

let worker: TestWorker;
let shim: TestShim;
const rewrite = (s: string) =>
  s
    .replaceAll("127.0.0.1:8787", worker.url.host)
    .replace("127.0.0.1 8765", `127.0.0.1 ${shim.port("blink")}`)
    // redis-cli prints its terminal format only to a TTY; --no-raw asks for it on a pipe.
    .replace("redis-cli -p 6379", `redis-cli --no-raw -p ${shim.port("redis")}`);

beforeAll(async () => {
  worker = await sharedTestWorker();
  shim = await startTestShim(worker.url.href, { dialects: ["blink", "redis"] });
});
afterAll(async () => {
  await shim?.close();
  await worker?.dispose();
});

describe("README examples", () => {
  const list = sessions(doors);
  it("has sessions to check", () => expect(list.length).toBeGreaterThanOrEqual(6));
  for (const s of list) {
    it(s.command, async () => {
      const { stdout } = await run("bash", ["-c", rewrite(s.command)]);
      // A TTL read a second after the SET that gave it (a loaded machine) says one less.
      if (/\bTTL\b/.test(s.command) && stdout !== s.output)
        expect(stdout).toBe(s.output.replace(/\d+/, (n) => String(Number(n) - 1)));
      else expect(stdout).toBe(s.output);
    });
  }

  it("the WebSocket snippet prints what its comment says", async () => {
    const m = /```js\n(const ws = new WebSocket[\s\S]*?)```/.exec(doors)!;
    const code = rewrite(m[1]!);
    const expected = /\/\/ (".*")\s*$/m.exec(code)![1]!;
    const { stdout } = await run(process.execPath, [
      "--input-type=module",
      "-e",
      `${code}\nsetTimeout(() => process.exit(0), 2000);`,
    ]);
    expect(stdout.trim()).toBe(expected);
  });
});
