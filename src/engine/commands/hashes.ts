// Redis hashes commands (spec §10.6).

import type { CommandSpec } from "../command-table.ts";

export const hashesCommands: readonly CommandSpec[] = [];
