// Redis keys commands (spec §10.6).

import type { CommandSpec } from "../command-table.ts";

export const keysCommands: readonly CommandSpec[] = [];
