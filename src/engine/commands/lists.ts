// Redis lists commands (spec §10.6).

import type { CommandSpec } from "../command-table.ts";

export const listsCommands: readonly CommandSpec[] = [];
