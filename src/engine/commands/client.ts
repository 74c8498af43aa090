// CLIENT and its subcommands (connection.ts registers it): names, ids, CLIENT LIST and INFO lines,
// REPLY, UNBLOCK, SETINFO, and the tracking subcommands of client-tracking.ts. HELLO's SETNAME
// checks a name by the same rule.

import { asciiLower } from "../ascii.ts";
import { CLIENT_HELP } from "./client-help.ts";
import type { Ctx } from "../command-table.ts";
import type { ConnState } from "../conn-state.ts";
import { CommandError, Errors } from "../errors.ts";
import {
  clientCaching,
  clientGetredir,
  clientTracking,
  clientTrackinginfo,
  trackingFlags,
} from "./client-tracking.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";

/** CLIENT SETNAME's (and HELLO SETNAME's) refusal. */
export const BAD_CLIENT_NAME =
  "ERR Client names cannot contain spaces, newlines or special characters.";

/** A name CLIENT SETNAME accepts: printable ASCII without spaces (0x21-0x7e), or empty. */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/**
 * One CLIENT LIST / CLIENT INFO line (spec §10.9) with Redis 7's fields; those about sockets and
 * buffers the Worker does not have keep Redis's idle values (qbuf=0, obl=0 …).
 */
export function clientLine(c: ConnState, now: number, blocked = false): string {
  const age = Math.floor((now - c.openedAt) / 1000);
  const idle = Math.floor((now - c.lastAt) / 1000);
  const multi = c.multi ? c.multi.length : -1;
  const subs = c.subs;
  const sub = subs?.channels.size ?? 0;
  const psub = subs?.patterns.size ?? 0;
  const ssub = subs?.shard.size ?? 0;
  const flags =
    (sub + psub + ssub ? "P" : "") +
      (c.multi ? "x" : "") +
      (blocked ? "b" : "") +
      trackingFlags(c) || "N";
  return (
    `id=${c.id} addr=${c.addr} laddr=unknown:0 fd=-1 name=${c.name} age=${age} idle=${idle} ` +
    `flags=${flags} db=${c.db} sub=${sub} psub=${psub} ssub=${ssub} multi=${multi} qbuf=0 qbuf-free=0 ` +
    `argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=${c.lastCmd} ` +
    `user=default redir=${c.tracking?.redirect ?? -1} resp=${c.resp} lib-name=${c.libName} lib-ver=${c.libVer}\n`
  );
}

const CLIENT_ARITY: Record<string, number> = {
  setname: 3,
  getname: 2,
  id: 2,
  info: 2,
  list: -2,
  setinfo: 4,
  reply: 3,
  unblock: -3,
  tracking: -3,
  caching: 3,
  getredir: 2,
  trackinginfo: 2,
  help: 2,
};

/** CLIENT <subcommand> …: checks the subcommand's arity, then runs it. */
export function client(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  const arity = CLIENT_ARITY[sub];
  if (arity === undefined) throw Errors.unknownSubcommand(argv[1]!, "client");
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
    throw Errors.arity(`client|${sub}`);
  const c = ctx.conn;
  switch (sub) {
    case "setname":
      if (!validClientName(argv[2]!)) throw new CommandError("ERR", BAD_CLIENT_NAME);
      c.name = argv[2]!;
      return R.OK;
    case "getname":
      return c.name ? R.bulk(c.name) : R.NIL;
    case "id":
      return R.int(c.id);
    case "info":
      return R.verbatim(clientLine(c, ctx.now));
    case "list": {
      const all = ctx.engine.host.clients();
      const blocked = ctx.engine.blocking;
      const elsewhere = ctx.engine.host.blockedElsewhere;
      const lines = (all.length ? all : [c]).map((x) =>
        clientLine(x, ctx.now, blocked.of(x.id) !== undefined || elsewhere?.(x.id) === true),
      );
      return R.verbatim(lines.join(""));
    }
    case "reply": {
      const mode = asciiLower(argv[2]!);
      if (mode !== "on" && mode !== "off" && mode !== "skip") throw Errors.syntax();
      c.replyMode = mode;
      return mode === "on" ? R.OK : R.NONE;
    }
    case "tracking":
      return clientTracking(ctx, argv);
    case "caching":
      return clientCaching(ctx, argv);
    case "getredir":
      return clientGetredir(ctx);
    case "trackinginfo":
      return clientTrackinginfo(ctx);
    case "help":
      return R.array(CLIENT_HELP.map((l) => R.status(l)));
    case "unblock": {
      if (argv.length > 4) throw Errors.syntax();
      const id = parseStrictInt(argv[2]!);
      if (id === undefined) throw Errors.notInteger();
      const how = argv.length === 4 ? asciiLower(argv[3]!) : "timeout";
      if (how !== "timeout" && how !== "error")
        throw new CommandError("ERR", "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      const err = how === "error" ? R.error(Errors.unblocked()) : undefined;
      return ctx.engine.unblock(Number(id), ctx.now, err) ? R.ONE : R.ZERO;
    }
    default: {
      const attr = asciiLower(argv[2]!);
      if (attr === "lib-name") c.libName = argv[3]!;
      else if (attr === "lib-ver") c.libVer = argv[3]!;
      else throw new CommandError("ERR", `ERR Unrecognized option '${argv[2]}'`);
      return R.OK;
    }
  }
}
