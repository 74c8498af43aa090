// Blink-Store's commands (spec §7.2-7.3). The codec has already split the line; QUIT never
// reaches the engine (it is a transport action, §7.5).

import { byteLength } from "../bytes.ts";
import { command, allShards } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { R } from "../reply.ts";
import { readString } from "./access.ts";

const get = (ctx: Ctx, argv: readonly string[]) => R.bulkOrNil(readString(ctx, argv[1]!));

function del(ctx: Ctx, argv: readonly string[]) {
  const e = ctx.store.get(argv[1]!);
  if (!e) return R.NIL;
  ctx.store.remove(e);
  return R.OK;
}

const usage = (ctx: Ctx) => R.status(`USAGE ${ctx.store.usage}`);

export const blinkCommands: readonly CommandSpec[] = [
  command("set", 3, "w", [1, 1, 1], (ctx, [, key, value]) => {
    ctx.store.put(key!, "string", value!, byteLength(value!));
    return R.OK;
  }),
  command("get", 2, "r", [1, 1, 1], get),
  command("delete", 2, "w", [1, 1, 1], del),
  command("del", 2, "w", [1, 1, 1], del),
  command("usage", 1, "r", null, usage, allShards("usage")),
  command("stats", 1, "r", null, usage, allShards("usage")),
];
