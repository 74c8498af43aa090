#!/usr/bin/env node
// Runs before `npm start` and `npm test` (npm's prestart/pretest): on a fresh clone, installs the
// dependencies first, so the README's quick start is two commands. Plain JavaScript on purpose:
// it must run on whatever Node the machine has before anything is installed.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "node_modules", ".package-lock.json"))) {
  process.stderr.write("blink-edge: first run: installing dependencies (npm install)...\n");
  // npm ci refuses this lock file on machines whose registry lacks other platforms' workerd
  // packages; npm install honours the lock file (see .ci/run).
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
